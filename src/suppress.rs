//! Inline suppressions: `# clusterlint: ignore[rule-id, other-id] reason` in
//! a comment of the file's own syntax (`<!-- clusterlint: ignore[...] -->` in
//! XML). A suppression covers its own line (so one after code covers that
//! code, and one on line 1 covers the file-level findings reported there),
//! and, on a line of its own, the next statement: the next line that is
//! neither blank nor a comment, with the lines a backslash continues it on
//! (properties, shell).

use crate::diagnostic::Diagnostic;
use crate::formats::{CommentSyntax, Format};
use crate::model::Cluster;
use crate::source::{FileId, LineIndex, Span, TextRange};

const MARKER: &str = "clusterlint:";

/// One rule id named in a suppression comment.
#[derive(Clone, Debug)]
pub struct Suppression {
    pub file: FileId,
    /// The first and last zero-based line the comment covers.
    pub lines: [u32; 2],
    /// A rule id or pack name.
    pub rule: String,
    /// Where the id is written.
    pub range: TextRange,
    /// The comment it is written in, as its document gives it (inside
    /// `<!--` and `-->` in XML).
    pub comment: TextRange,
    pub used: bool,
}

impl Suppression {
    fn covers(&self, rule: &str) -> bool {
        self.rule == rule
            || rule
                .split_once('/')
                .is_some_and(|(pack, _)| pack == self.rule)
    }
}

/// The comment that suppresses `rule` when written on the line before a
/// finding, in `format`'s comment syntax; `None` for formats without
/// comments (PEM, csync2 keys).
#[must_use]
pub fn comment_for(format: Format, rule: &str) -> Option<String> {
    match format.spec().comment_syntax() {
        CommentSyntax::Xml => Some(format!("<!-- {MARKER} ignore[{rule}] -->")),
        CommentSyntax::None => None,
        CommentSyntax::Rem => Some(format!("rem {MARKER} ignore[{rule}]")),
        CommentSyntax::Hash { .. } | CommentSyntax::HashBeforeEntries => {
            Some(format!("# {MARKER} ignore[{rule}]"))
        }
    }
}

/// Where a suppression comment goes in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// On a line of its own, inserted before this zero-based line.
    Before(usize),
    /// At the end of this zero-based line.
    EndOf(usize),
}

/// Where a suppression comment for a finding on zero-based `line` goes:
/// on its own line before the statement holding `line`, so that it lands
/// neither inside a value continued with a backslash (properties, shell)
/// nor inside an XML tag; after an XML declaration rather than before it.
/// `None` where no comment can cover the line (an OSGi `.config` allows
/// comments only before its first property).
#[must_use]
pub fn placement(format: Format, text: &str, lines: &LineIndex, line: usize) -> Option<Placement> {
    let line_text = |l: usize| lines.line_range(l, text).slice(text);
    match format.spec().comment_syntax() {
        CommentSyntax::Xml => {
            if line_text(line).trim_start().starts_with("<?xml") {
                return Some(Placement::EndOf(line));
            }
            let mut first = line;
            while first > 0 && inside_tag(&text[..lines.line_start(first) as usize]) {
                first -= 1;
            }
            if first == 0 && line_text(0).trim_start().starts_with("<?xml") {
                return Some(Placement::EndOf(0));
            }
            Some(Placement::Before(first))
        }
        CommentSyntax::HashBeforeEntries => (0..line)
            .all(|l| {
                let t = line_text(l).trim();
                t.is_empty() || t.starts_with('#')
            })
            .then_some(Placement::Before(line)),
        CommentSyntax::Hash {
            continued_lines: true,
        } => {
            let mut first = line;
            while first > 0 && is_continued(text, lines, first - 1) {
                first -= 1;
            }
            Some(Placement::Before(first))
        }
        _ => Some(Placement::Before(line)),
    }
}

/// Whether XML text ends inside a tag (a `<` after the last `>`).
fn inside_tag(before: &str) -> bool {
    match (before.rfind('<'), before.rfind('>')) {
        (Some(open), Some(close)) => open > close,
        (Some(_), None) => true,
        _ => false,
    }
}

/// Whether a backslash at the end of a line continues the statement on
/// the next one.
fn continues_lines(format: Format) -> bool {
    matches!(
        format.spec().comment_syntax(),
        CommentSyntax::Hash {
            continued_lines: true
        }
    )
}

/// Whether `line` ends in an odd number of backslashes.
fn is_continued(text: &str, lines: &LineIndex, line: usize) -> bool {
    let trailing = lines
        .line_range(line, text)
        .slice(text)
        .bytes()
        .rev()
        .take_while(|&b| b == b'\\')
        .count();
    trailing % 2 == 1
}

/// The last line of the statement starting on `line`.
fn statement_end(format: Option<Format>, text: &str, lines: &LineIndex, line: usize) -> usize {
    let mut last = line;
    if format.is_some_and(continues_lines) {
        while last + 1 < lines.line_count() && is_continued(text, lines, last) {
            last += 1;
        }
    }
    last
}

/// Finds the suppressions in every file's comments.
#[must_use]
pub fn collect(cluster: &Cluster) -> Vec<Suppression> {
    let mut out = Vec::new();
    for (index, file) in cluster.files.iter().enumerate() {
        let comments = file.document.comments();
        if comments.is_empty() {
            continue;
        }
        let text = &file.source.text;
        let lines = &file.source.lines;
        let comment_lines: std::collections::HashSet<usize> =
            comments.iter().map(|c| lines.line_of(c.start)).collect();
        for comment in comments {
            let body = comment.slice(text);
            let Some(at) = body.find(MARKER) else {
                continue;
            };
            let rest = body[at + MARKER.len()..].trim_start();
            let Some(list) = rest.strip_prefix("ignore[") else {
                continue;
            };
            let Some(end) = list.find(']') else { continue };
            let line = lines.line_of(comment.start);
            let line_start = lines.line_start(line);
            let own_line = text[line_start as usize..comment.start as usize]
                .trim()
                .is_empty();
            let last = if own_line {
                // The next line that is neither blank nor a comment.
                (line + 1..lines.line_count())
                    .find(|&l| {
                        !comment_lines.contains(&l)
                            && !lines.line_range(l, text).slice(text).trim().is_empty()
                    })
                    .map_or(line, |target| {
                        statement_end(file.format, text, lines, target)
                    })
            } else {
                line
            };
            let list_start = comment.start as usize + (body.len() - list.len());
            let mut offset = 0;
            for id in list[..end].split(',') {
                let trimmed = id.trim();
                let lead = id.len() - id.trim_start().len();
                if !trimmed.is_empty() {
                    let start = (list_start + offset + lead) as u32;
                    out.push(Suppression {
                        file: FileId(index as u32),
                        lines: [line as u32, last as u32],
                        rule: trimmed.to_string(),
                        range: TextRange::new(start, start + trimmed.len() as u32),
                        comment: *comment,
                        used: false,
                    });
                }
                offset += id.len() + 1;
            }
        }
    }
    out
}

/// Drops the diagnostics a suppression covers and marks it used.
pub fn apply(
    cluster: &Cluster,
    diagnostics: &mut Vec<Diagnostic>,
    suppressions: &mut [Suppression],
) {
    if suppressions.is_empty() {
        return;
    }
    diagnostics.retain(|d| {
        let Span { file, range } = d.primary.span;
        let line = cluster.source(file).lines.line_of(range.start) as u32;
        let mut suppressed = false;
        for s in suppressions.iter_mut() {
            if s.file == file && (s.lines[0]..=s.lines[1]).contains(&line) && s.covers(&d.rule) {
                s.used = true;
                suppressed = true;
            }
        }
        !suppressed
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_for(format: Format, text: &str, line: usize) -> Option<Placement> {
        placement(format, text, &LineIndex::new(text), line)
    }

    #[test]
    fn comments_go_before_the_statement_a_continued_line_belongs_to() {
        let text = "a=1\nhosts=127.0.0.1,\\\n    10.0.0.1,\\\n    10.0.0.2\nb=2\n";
        assert_eq!(
            line_for(Format::LIFERAY_PROPERTIES, text, 3),
            Some(Placement::Before(1))
        );
        assert_eq!(
            line_for(Format::LIFERAY_PROPERTIES, text, 4),
            Some(Placement::Before(4))
        );
        // An escaped backslash ends the line.
        assert_eq!(
            line_for(Format::LIFERAY_PROPERTIES, "p=a\\\\\nq=b\n", 1),
            Some(Placement::Before(1))
        );
        assert_eq!(
            line_for(Format::NGINX, "a\\\nb\n", 1),
            Some(Placement::Before(1))
        );
    }

    #[test]
    fn a_statement_ends_where_its_continuations_end() {
        let text = "hosts=127.0.0.1,\\\n    10.0.0.1,\\\n    10.0.0.2\nb=2\n";
        let lines = LineIndex::new(text);
        assert_eq!(
            statement_end(Some(Format::LIFERAY_PROPERTIES), text, &lines, 0),
            2
        );
        assert_eq!(
            statement_end(Some(Format::LIFERAY_PROPERTIES), text, &lines, 3),
            3
        );
        assert_eq!(statement_end(Some(Format::NGINX), text, &lines, 0), 0);
    }

    #[test]
    fn xml_comments_never_precede_the_declaration() {
        let text = "<?xml version=\"1.0\"?>\n<gateway-config/>\n";
        assert_eq!(
            line_for(Format::KAAZING_XML, text, 0),
            Some(Placement::EndOf(0))
        );
        assert_eq!(
            line_for(Format::KAAZING_XML, text, 1),
            Some(Placement::Before(1))
        );
        // Never inside a start tag written over several lines.
        let tag = "<a>\n<b\n  x=\"1\"\n  y=\"2\">v</b>\n</a>\n";
        assert_eq!(
            line_for(Format::KAAZING_XML, tag, 3),
            Some(Placement::Before(1))
        );
        assert_eq!(
            comment_for(Format::KAAZING_XML, "kaazing/x").unwrap(),
            "<!-- clusterlint: ignore[kaazing/x] -->"
        );
        assert!(comment_for(Format::PEM, "stunnel/weak-key").is_none());
    }

    #[test]
    fn osgi_config_comments_only_before_the_first_property() {
        let text = "# head\na=\"1\"\nb=\"2\"\n";
        assert_eq!(
            line_for(Format::OSGI_CONFIG, text, 1),
            Some(Placement::Before(1))
        );
        assert_eq!(line_for(Format::OSGI_CONFIG, text, 2), None);
    }
}
