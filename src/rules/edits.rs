//! What fixes share: where a line starts and ends, its indentation, an
//! insertion on a line of its own, a removal that takes the whole line when
//! nothing else is on it, and the one near miss a name may be.
//!
//! These are pure functions on a file's text and byte offsets. Rules call
//! them around spans the model gave them, to pick line boundaries and
//! indentation; they never read a format's syntax. Inserted line breaks are
//! always `\n`: the fixer writes them in the file's own style.

use crate::diagnostic::{Edit, Fix};
use crate::model::Cluster;
use crate::source::{FileId, Span, TextRange};
use crate::suggest::edit_distance;

fn is_break(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// The offset where the line holding `offset` starts (lines end at `\n`,
/// `\r\n` or a lone `\r`).
#[must_use]
pub fn line_start(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .rposition(|&b| is_break(b))
        .map_or(0, |at| at + 1)
}

/// The offset where the line holding `offset` ends, before its line break.
#[must_use]
pub fn line_end(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[offset..]
        .iter()
        .position(|&b| is_break(b))
        .map_or(text.len(), |at| offset + at)
}

/// The offset after the line break that ends the line holding `offset`
/// (the end of the text on the last line).
#[must_use]
pub fn next_line_start(text: &str, offset: usize) -> usize {
    let end = line_end(text, offset);
    let bytes = text.as_bytes();
    match bytes.get(end) {
        Some(b'\r') if bytes.get(end + 1) == Some(&b'\n') => end + 2,
        Some(_) => end + 1,
        None => end,
    }
}

/// The blanks (spaces and tabs) that start the line holding `offset`.
#[must_use]
pub fn indentation(text: &str, offset: usize) -> &str {
    let start = line_start(text, offset);
    let rest = &text.as_bytes()[start..];
    let width = rest.iter().take_while(|&&b| is_blank(b)).count();
    &text[start..start + width]
}

/// Whether only blanks stand between the start of its line and `offset`.
#[must_use]
pub fn starts_line(text: &str, offset: usize) -> bool {
    let start = line_start(text, offset);
    text.as_bytes()[start..offset.min(text.len())]
        .iter()
        .all(|&b| is_blank(b))
}

/// Whether only blanks stand between `offset` and the end of its line.
#[must_use]
pub fn ends_line(text: &str, offset: usize) -> bool {
    let offset = offset.min(text.len());
    text.as_bytes()[offset..line_end(text, offset)]
        .iter()
        .all(|&b| is_blank(b))
}

/// The empty range and the text that put `line` on a line of its own right
/// after the line holding `offset`: inserted at the end of that line, before
/// its line break, so a file without a final line break stays without one.
#[must_use]
pub fn line_after(text: &str, offset: usize, line: &str) -> (TextRange, String) {
    let at = line_end(text, offset);
    (TextRange::from_usize(at..at), format!("\n{line}"))
}

/// What to delete to remove `range`: the whole line with its line break when
/// only blanks are left on it; otherwise the range with the blanks before it
/// (or, at the start of a line, after it) when `with_blanks`, else exactly
/// the range.
#[must_use]
pub fn removal(text: &str, range: TextRange, with_blanks: bool) -> TextRange {
    let (start, end) = (range.start as usize, range.end as usize);
    let bytes = text.as_bytes();
    let alone = starts_line(text, start) && ends_line(text, end);
    if alone {
        return TextRange::from_usize(line_start(text, start)..next_line_start(text, end));
    }
    if !with_blanks {
        return range;
    }
    if starts_line(text, start) {
        let after = bytes[end..].iter().take_while(|&&b| is_blank(b)).count();
        return TextRange::from_usize(start..end + after);
    }
    let before = bytes[..start]
        .iter()
        .rev()
        .take_while(|&&b| is_blank(b))
        .count();
    TextRange::from_usize(start - before..end)
}

/// Where a parameter goes at the end of a directive that ends at `end` with
/// `;`: after its last word (blanks before the `;` stay after the new
/// parameter), or right before the `;` when a line break or comment
/// separates them. `None` when the text before `end` is no `;`.
#[must_use]
pub fn before_semicolon(text: &str, end: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    if end == 0 || end > bytes.len() || bytes[end - 1] != b';' {
        return None;
    }
    let semicolon = end - 1;
    let blanks = bytes[..semicolon]
        .iter()
        .rev()
        .take_while(|&&b| is_blank(b))
        .count();
    let word_end = semicolon - blanks;
    let after_word = word_end > 0 && !is_break(bytes[word_end - 1]);
    Some(if after_word { word_end } else { semicolon })
}

/// The range of the name in the end tag `</name>` that ends an element
/// whose text ends at `end` (blanks may precede the `>`), if it is there.
#[must_use]
pub fn end_tag_name(text: &str, end: usize, name: &str) -> Option<TextRange> {
    let head = text.get(..end)?.strip_suffix('>')?;
    let head = head.trim_end_matches([' ', '\t', '\r', '\n']);
    let before = head.strip_suffix(name)?;
    before
        .ends_with("</")
        .then(|| TextRange::from_usize(before.len()..head.len()))
}

/// The one candidate within `name`'s did-you-mean distance (a third of its
/// length, at least 1; compared without case, so a name in the wrong case
/// is a near miss too), if exactly one is; none for several, for none, or
/// when `name` itself, exactly, is a candidate.
#[must_use]
pub fn sole_near_miss<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    let lower = name.to_ascii_lowercase();
    let mut found: Option<&'a str> = None;
    for candidate in candidates {
        if candidate == name {
            return None;
        }
        if edit_distance(&lower, &candidate.to_ascii_lowercase(), limit).is_none() {
            continue;
        }
        match found {
            Some(first) if !first.eq_ignore_ascii_case(candidate) => return None,
            Some(_) => {}
            None => found = Some(candidate),
        }
    }
    found
}

/// Whether every line a fix edits reads cleanly: no parse error of its file
/// touches those lines. Where the reader could not make sense of the text,
/// what an edit there means is a guess.
#[must_use]
pub fn on_clean_lines(cluster: &Cluster, fix: &Fix) -> bool {
    fix.edits.iter().all(|edit| {
        let Edit::Replace { span, .. } = edit else {
            return true;
        };
        let text = &cluster.source(span.file).text;
        let start = line_start(text, span.range.start as usize);
        let end = next_line_start(text, span.range.end as usize).max(start + 1);
        cluster
            .file(span.file)
            .document
            .errors()
            .iter()
            .all(|e| (e.range.end as usize) < start || e.range.start as usize >= end)
    })
}

/// An edit replacing `range` of `file` with `text`.
#[must_use]
pub fn replace(file: FileId, range: TextRange, text: impl Into<String>) -> Edit {
    Edit::Replace {
        span: Span::new(file, range),
        text: text.into(),
    }
}

/// An edit inserting `text` at `offset` of `file`.
#[must_use]
pub fn insert(file: FileId, offset: usize, text: impl Into<String>) -> Edit {
    replace(file, TextRange::from_usize(offset..offset), text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str, range: TextRange) -> String {
        format!(
            "{}{}",
            &text[..range.start as usize],
            &text[range.end as usize..]
        )
    }

    fn at(text: &str, needle: &str) -> TextRange {
        let start = text.find(needle).unwrap();
        TextRange::from_usize(start..start + needle.len())
    }

    #[test]
    fn lines_and_indentation() {
        let text = "a\n\tb c\r\n  d";
        let b = text.find('b').unwrap();
        assert_eq!(line_start(text, b), 2);
        assert_eq!(&text[line_start(text, b)..line_end(text, b)], "\tb c");
        assert_eq!(next_line_start(text, b), text.find("  d").unwrap());
        assert_eq!(indentation(text, b), "\t");
        let d = text.find('d').unwrap();
        assert_eq!(indentation(text, d), "  ");
        assert_eq!(line_end(text, d), text.len());
        assert_eq!(next_line_start(text, d), text.len());
        assert_eq!(line_start(text, 0), 0);
        assert_eq!(indentation("x", 0), "");
        // A lone `\r` ends a line too.
        assert_eq!(line_start("a\rb", 2), 2);
        assert!(starts_line(text, b));
        assert!(!starts_line(text, b + 2));
        assert!(ends_line(text, b + 3));
        assert!(!ends_line(text, b));
    }

    #[test]
    fn a_line_after_another() {
        let text = "x {\n    a;\n}\n";
        let (range, line) = line_after(text, text.find('a').unwrap(), "    b;");
        let mut out = text.to_string();
        out.insert_str(range.start as usize, &line);
        assert_eq!(out, "x {\n    a;\n    b;\n}\n");
        // Without a final line break, none is added.
        let (range, line) = line_after("a", 0, "b");
        assert_eq!((range, line.as_str()), (TextRange::new(1, 1), "\nb"));
        // In a CRLF file the new line goes before the `\r\n`.
        let (range, _) = line_after("a\r\nb\r\n", 0, "c");
        assert_eq!(range, TextRange::new(1, 1));
    }

    #[test]
    fn removals_take_the_line_when_nothing_else_is_on_it() {
        let text = "a;\n    ssl on;\nb;\n";
        assert_eq!(
            cut(text, removal(text, at(text, "ssl on;"), true)),
            "a;\nb;\n"
        );
        let crlf = "a;\r\n  ssl on;  \r\nb;\r\n";
        assert_eq!(
            cut(crlf, removal(crlf, at(crlf, "ssl on;"), true)),
            "a;\r\nb;\r\n"
        );
        // The last line, without a line break.
        let last = "a\n# c";
        assert_eq!(cut(last, removal(last, at(last, "# c"), true)), "a\n");
        // After code: the blanks before it go too.
        let trailing = "listen 80;   # c\nx\n";
        assert_eq!(
            cut(trailing, removal(trailing, at(trailing, "# c"), true)),
            "listen 80;\nx\n"
        );
        // Before code: the blanks after it.
        let leading = "  ssl on; listen 443;\n";
        assert_eq!(
            cut(leading, removal(leading, at(leading, "ssl on;"), true)),
            "  listen 443;\n"
        );
        // In the middle: the blanks before it.
        let middle = "a; ssl on; b;\n";
        assert_eq!(
            cut(middle, removal(middle, at(middle, "ssl on;"), true)),
            "a; b;\n"
        );
        // Exactly the range when asked.
        let xml = "<a>x <!-- c --></a>\n";
        assert_eq!(
            cut(xml, removal(xml, at(xml, "<!-- c -->"), false)),
            "<a>x </a>\n"
        );
        let own = "<a>\n  <!-- c -->\n</a>\n";
        assert_eq!(
            cut(own, removal(own, at(own, "<!-- c -->"), false)),
            "<a>\n</a>\n"
        );
    }

    #[test]
    fn parameters_go_before_the_semicolon() {
        let text = "listen 443;";
        assert_eq!(before_semicolon(text, text.len()), Some(10));
        let blanks = "listen 443 ;";
        assert_eq!(before_semicolon(blanks, blanks.len()), Some(10));
        let broken = "listen 443 # port\n    ;";
        assert_eq!(
            before_semicolon(broken, broken.len()),
            Some(broken.len() - 1)
        );
        assert_eq!(before_semicolon("listen 443", 10), None);
        assert_eq!(before_semicolon("", 0), None);
    }

    #[test]
    fn end_tags() {
        let text = "<a><tcp.bnd>x</tcp.bnd ></a>";
        let end = text.find(" >").unwrap() + 2;
        let range = end_tag_name(text, end, "tcp.bnd").unwrap();
        assert_eq!(range.slice(text), "tcp.bnd");
        assert_eq!(range.start as usize, text.rfind("tcp.bnd").unwrap());
        assert_eq!(end_tag_name(text, end, "other"), None);
        assert_eq!(end_tag_name("<x/>", 4, "x"), None);
        assert_eq!(end_tag_name("</p:x>", 6, "x"), None);
    }

    #[test]
    fn near_misses() {
        assert_eq!(
            sole_near_miss("backend_idp", ["backend", "backend_id"]),
            Some("backend_id")
        );
        assert_eq!(
            sole_near_miss("backend_i", ["backend_id", "backend_ip"]),
            None
        );
        assert_eq!(sole_near_miss("zzz", ["backend"]), None);
        assert_eq!(sole_near_miss("open_dj", ["OpenDJ"]), Some("OpenDJ"));
        // A name that is there is no near miss; one in the wrong case is.
        assert_eq!(sole_near_miss("backend", ["backend", "backends"]), None);
        assert_eq!(
            sole_near_miss("Connect", ["accept", "connect"]),
            Some("connect")
        );
    }

    #[test]
    fn edit_builders() {
        let file = FileId(3);
        assert_eq!(
            insert(file, 4, "x"),
            Edit::Replace {
                span: Span::new(file, TextRange::new(4, 4)),
                text: "x".to_string()
            }
        );
    }
}
