//! Documents generated from a format's grammar and printed as a person
//! could write them, for the round-trip and oracle tests.

use std::fmt::Write as _;

use proptest::prelude::*;

/// Characters keys and values are drawn from: the separators, the comment
/// markers, blanks, the backslash, non-ASCII and astral characters.
pub fn properties_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            6 => proptest::char::range('a', 'z'),
            1 => Just('='),
            1 => Just(':'),
            1 => Just(' '),
            1 => Just('\t'),
            1 => Just('#'),
            1 => Just('!'),
            1 => Just('\\'),
            1 => Just('\n'),
            1 => Just('é'),
            1 => Just('😀'),
        ],
        0..12,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

/// Escapes `text` for a `.properties` file: every character that means
/// something written as an escape, spaces escaped only where they would be
/// lost (a key's, a value's leading ones), non-ASCII as `\uXXXX` units.
pub fn escape_properties(text: &str, is_key: bool) -> Vec<String> {
    let mut tokens = Vec::new();
    for (i, c) in text.chars().enumerate() {
        let token = match c {
            '\\' => "\\\\".to_string(),
            '\n' => "\\n".to_string(),
            '\t' => "\\t".to_string(),
            '=' | ':' | '#' | '!' if is_key || i == 0 => format!("\\{c}"),
            ' ' if is_key || i == 0 => "\\ ".to_string(),
            c if c.is_ascii() => c.to_string(),
            c => {
                let mut units = [0u16; 2];
                let mut escaped = String::new();
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(escaped, "\\u{unit:04X}");
                }
                escaped
            }
        };
        tokens.push(token);
    }
    tokens
}

#[derive(Clone, Debug)]
pub struct PropertiesEntry {
    pub key: String,
    pub value: String,
    pub separator: &'static str,
    /// Where the printed value is continued on the next line.
    pub breaks: Vec<usize>,
    pub comment_before: bool,
}

pub fn properties_entry() -> impl Strategy<Value = PropertiesEntry> {
    (
        properties_text().prop_filter("a key", |k| !k.is_empty()),
        properties_text(),
        prop_oneof![Just("="), Just(" = "), Just(":"), Just(" "), Just("\t:  ")],
        proptest::collection::vec(0usize..16, 0..3),
        any::<bool>(),
    )
        .prop_map(
            |(key, value, separator, breaks, comment_before)| PropertiesEntry {
                key,
                value,
                separator,
                breaks,
                comment_before,
            },
        )
}

/// `liferay`: Commons Configuration skips a comment line where it looks for
/// a continuation, so a value is never continued on a line starting with
/// `#` or `!` (the JDK reads such a line as the continuation).
pub fn print_properties(entries: &[PropertiesEntry], line_end: &str, liferay: bool) -> String {
    let mut out = String::new();
    for entry in entries {
        if entry.comment_before {
            out.push_str("# a comment = with: separators\\");
            out.push_str(line_end);
        }
        out.push_str(&escape_properties(&entry.key, true).concat());
        out.push_str(entry.separator);
        let tokens = escape_properties(&entry.value, false);
        for (i, token) in tokens.iter().enumerate() {
            // A continuation drops the next line's leading blanks, so a
            // value is only broken before a token that is not one.
            let comment = liferay && token.starts_with(['#', '!']);
            if i > 0 && entry.breaks.contains(&i) && !token.starts_with([' ', '\t']) && !comment {
                out.push('\\');
                out.push_str(line_end);
                out.push_str("    ");
            }
            out.push_str(token);
        }
        out.push_str(line_end);
    }
    out
}
