//! OSGi typed `.config` files (Apache Felix `ConfigurationHandler` format),
//! checked against the stricter line-based reader of Liferay 7.4+.
//!
//! ```text
//! key = [type] ( "text" | [ "a", "b" ] | ( "a", "b" ) )
//! ```
//!
//! Type letters `T I L F D X S C B` (and lower case for primitive arrays) sit
//! directly before the value. Liferay's installer reads the file line by
//! line and gives up at the first line it cannot parse, ignoring that key and
//! every key after it; such errors say so.

pub mod format;

use crate::formats::ParseError;
use crate::source::TextRange;

/// The shape of a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `"text"`
    Scalar,
    /// `[ "a", "b" ]`
    Array,
    /// `( "a", "b" )`
    Vector,
    /// `key=text` without quotes: only Felix FileInstall's untyped reading
    /// (Liferay 7.0–7.3) understands it.
    Unquoted,
    /// `{ ... }`: kept opaque.
    Braced,
}

/// One quoted string of a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigItem {
    /// Decoded text.
    pub text: String,
    /// Range of the raw text between the quotes.
    pub range: TextRange,
    /// Whether the raw text had escapes (then `range` and `text` differ).
    pub escaped: bool,
}

/// One `key=value` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigEntry {
    pub key: String,
    pub key_range: TextRange,
    pub type_code: Option<char>,
    pub shape: Shape,
    pub items: Vec<ConfigItem>,
    /// From the type letter (or opening quote) to the end of the value.
    pub value_range: TextRange,
}

impl ConfigEntry {
    /// The value as one string: a scalar's text, list items joined by `,`.
    #[must_use]
    pub fn joined(&self) -> String {
        let texts: Vec<&str> = self.items.iter().map(|i| i.text.as_str()).collect();
        texts.join(",")
    }

    /// The boolean this value reads as (`Boolean.valueOf`), if it is a scalar.
    #[must_use]
    pub fn as_bool(&self) -> Option<bool> {
        match (self.shape, self.items.as_slice()) {
            (Shape::Scalar | Shape::Unquoted, [item]) => {
                Some(item.text.trim().eq_ignore_ascii_case("true"))
            }
            _ => None,
        }
    }
}

/// A parsed `.config` file.
#[derive(Clone, Debug, Default)]
pub struct OsgiConfigDocument {
    pub entries: Vec<ConfigEntry>,
    pub comments: Vec<TextRange>,
    pub errors: Vec<ParseError>,
    /// Where Liferay 7.4+ stops reading the file, if it does.
    pub liferay_stop: Option<TextRange>,
}

impl OsgiConfigDocument {
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&ConfigEntry> {
        self.entries.iter().rev().find(|e| e.key == key)
    }
}

const TYPE_CODES: &[u8] = b"TILFDXSCBilfdxscb";

/// Parses a `.config` file.
#[must_use]
pub fn parse(text: &str) -> OsgiConfigDocument {
    let mut parser = Parser {
        text,
        b: text.as_bytes(),
        i: 0,
        doc: OsgiConfigDocument::default(),
    };
    parser.run();
    parser.finish()
}

struct Parser<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    doc: OsgiConfigDocument,
}

impl Parser<'_> {
    fn run(&mut self) {
        loop {
            self.skip_whitespace(true);
            if self.i >= self.b.len() {
                break;
            }
            if self.b[self.i] == b'#' {
                let end = self.line_end(self.i);
                self.doc.comments.push(TextRange::from_usize(self.i..end));
                self.i = end;
                continue;
            }
            self.entry();
        }
    }

    fn finish(mut self) -> OsgiConfigDocument {
        let all_unquoted = !self.doc.entries.is_empty()
            && self.doc.entries.iter().all(|e| e.shape == Shape::Unquoted);
        if all_unquoted {
            // The legacy untyped style: one finding for the file, not one per line.
            let first = self.doc.entries[0].value_range;
            self.doc.errors.retain(|e| !e.message.starts_with(UNQUOTED));
            self.doc.errors.insert(
                0,
                ParseError::new(
                    first,
                    "this file uses the untyped `key=value` style that only Liferay 7.0–7.3 read; Liferay 7.4 and later stop at this line and ignore the whole file (write `key=\"value\"`, `key=B\"true\"`)",
                ),
            );
        }
        self.doc.errors.sort_by_key(|e| e.range.start);
        self.doc
    }

    fn skip_whitespace(&mut self, newlines: bool) {
        while self.i < self.b.len() {
            match self.b[self.i] {
                b' ' | b'\t' | 0x0b | 0x0c => self.i += 1,
                b'\r' | b'\n' if newlines => self.i += 1,
                // A backslash before a line end is whitespace between tokens.
                b'\\' if newlines && matches!(self.b.get(self.i + 1), Some(b'\r' | b'\n')) => {
                    self.i += 1;
                }
                _ => break,
            }
        }
    }

    fn line_end(&self, from: usize) -> usize {
        self.b[from..]
            .iter()
            .position(|&c| c == b'\n' || c == b'\r')
            .map_or(self.b.len(), |p| from + p)
    }

    /// Records an error; the first one Liferay cannot get past also marks
    /// where it stops.
    fn error(&mut self, range: TextRange, message: &str, stops_liferay: bool) {
        if stops_liferay && self.doc.liferay_stop.is_none() {
            self.doc.liferay_stop = Some(range);
            self.doc.errors.push(ParseError::new(
                range,
                format!("{message}; Liferay 7.4+ stops reading the file here and ignores this key and every key after it"),
            ));
        } else {
            self.doc
                .errors
                .push(ParseError::new(range, message.to_string()));
        }
    }

    fn entry(&mut self) {
        let start = self.i;
        let eol = self.line_end(start);
        // The key runs to the first unescaped `=` on the line.
        let mut j = start;
        let mut escaped = false;
        while j < eol && (self.b[j] != b'=' || escaped) {
            escaped = self.b[j] == b'\\' && !escaped;
            j += 1;
        }
        let raw_key = self.text[start..j].trim_end();
        let key_range = TextRange::from_usize(start..start + raw_key.len());
        if j >= eol {
            self.error(key_range, "expected `=` after the key", true);
            self.i = eol;
            return;
        }
        let key = unescape(raw_key);
        if key.is_empty() {
            self.error(
                TextRange::from_usize(j..j + 1),
                "the key before `=` is empty",
                true,
            );
        } else if !key
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
        {
            self.error(
                key_range,
                "Liferay accepts only letters, digits, `.`, `_` and `-` in keys",
                true,
            );
        }
        self.i = j + 1;
        self.skip_whitespace(false);
        let value_start = self.i;
        let mut type_code = None;
        if let (Some(&c), Some(&next)) = (self.b.get(self.i), self.b.get(self.i + 1))
            && TYPE_CODES.contains(&c)
            && matches!(next, b'"' | b'[' | b'(' | b'{')
        {
            type_code = Some(char::from(c));
            self.i += 1;
        }
        let (shape, items) = match self.b.get(self.i) {
            Some(b'"') => match self.quoted() {
                Some(item) => (Shape::Scalar, vec![item]),
                None => return,
            },
            Some(&open @ (b'[' | b'(')) => {
                let shape = if open == b'[' {
                    Shape::Array
                } else {
                    Shape::Vector
                };
                match self.list(if open == b'[' { b']' } else { b')' }) {
                    Some(items) => (shape, items),
                    None => return,
                }
            }
            Some(b'{') => {
                let close = self.b[self.i..].iter().position(|&c| c == b'}');
                if let Some(p) = close {
                    self.i += p + 1;
                    (Shape::Braced, Vec::new())
                } else {
                    let at = self.i;
                    self.error(
                        TextRange::from_usize(at..at + 1),
                        "this `{` is never closed",
                        true,
                    );
                    self.i = self.b.len();
                    return;
                }
            }
            _ => {
                let eol = self.line_end(self.i);
                let raw = self.text[self.i..eol].trim_end();
                let range = TextRange::from_usize(self.i..self.i + raw.len());
                self.error(range, UNQUOTED_MESSAGE, true);
                let text = unescape(raw);
                self.doc.entries.push(ConfigEntry {
                    key,
                    key_range,
                    type_code: None,
                    shape: Shape::Unquoted,
                    items: vec![ConfigItem {
                        escaped: text.len() != raw.len(),
                        text,
                        range,
                    }],
                    value_range: range,
                });
                self.i = eol;
                return;
            }
        };
        let value_range = TextRange::from_usize(value_start..self.i);
        if let Some(code) = type_code {
            self.check_type(code, &items);
        }
        // Nothing but blanks may follow the value on its line.
        self.skip_whitespace(false);
        let eol = self.line_end(self.i);
        if self.i < eol {
            let rest = TextRange::from_usize(self.i..eol);
            self.error(rest, "unexpected text after the value", true);
            self.i = eol;
        }
        self.doc.entries.push(ConfigEntry {
            key,
            key_range,
            type_code,
            shape,
            items,
            value_range,
        });
    }

    /// Reads `"..."` at the cursor.
    fn quoted(&mut self) -> Option<ConfigItem> {
        let open = self.i;
        let start = open + 1;
        let mut j = start;
        let mut escaped = false;
        let mut has_escape = false;
        let mut bare_newline = None;
        while j < self.b.len() {
            let c = self.b[j];
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
                has_escape = true;
            } else if c == b'"' {
                break;
            } else if matches!(c, b'\n' | b'\r') && bare_newline.is_none() {
                bare_newline = Some(j);
            }
            j += 1;
        }
        if j >= self.b.len() {
            self.error(
                TextRange::from_usize(open..open + 1),
                "this string is never closed",
                true,
            );
            self.i = self.b.len();
            return None;
        }
        if let Some(at) = bare_newline {
            self.error(
                TextRange::from_usize(open..at),
                "a line break inside a quoted value: Liferay reads `.config` files line by line and cannot parse this line (end it with `\\`)",
                true,
            );
        }
        self.i = j + 1;
        let raw = &self.text[start..j];
        let range = TextRange::from_usize(start..j);
        if has_escape {
            Some(ConfigItem {
                text: unescape(raw),
                range,
                escaped: true,
            })
        } else {
            Some(ConfigItem {
                text: raw.to_string(),
                range,
                escaped: false,
            })
        }
    }

    /// Reads `[ "a", "b" ]` or `( ... )` with the cursor on the opening bracket.
    fn list(&mut self, close: u8) -> Option<Vec<ConfigItem>> {
        let open = self.i;
        self.i += 1;
        let mut items = Vec::new();
        loop {
            self.skip_list_space(open);
            match self.b.get(self.i) {
                None => {
                    self.error(
                        TextRange::from_usize(open..open + 1),
                        "this list is never closed",
                        true,
                    );
                    return None;
                }
                Some(&c) if c == close => {
                    self.i += 1;
                    return Some(items);
                }
                Some(b'"') => items.push(self.quoted()?),
                Some(_) => {
                    let at = self.i;
                    let end = self.line_end(at);
                    self.error(
                        TextRange::from_usize(at..end),
                        "expected a quoted element in the list",
                        true,
                    );
                    self.i = end;
                    return None;
                }
            }
            self.skip_list_space(open);
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(&c) if c == close => {}
                Some(_) => {
                    let at = self.i;
                    let end = self.line_end(at);
                    self.error(
                        TextRange::from_usize(at..end),
                        "expected `,` or the end of the list",
                        true,
                    );
                    self.i = end;
                    return None;
                }
                None => {}
            }
        }
    }

    /// Whitespace inside a list; a line break without `\` before it breaks
    /// Liferay's line reader.
    fn skip_list_space(&mut self, open: usize) {
        while self.i < self.b.len() {
            match self.b[self.i] {
                b' ' | b'\t' | 0x0b | 0x0c => self.i += 1,
                b'\\' if matches!(self.b.get(self.i + 1), Some(b'\r' | b'\n')) => {
                    self.i += 1;
                    if self.b[self.i] == b'\r' && self.b.get(self.i + 1) == Some(&b'\n') {
                        self.i += 1;
                    }
                    self.i += 1;
                }
                b'\r' | b'\n' => {
                    if self.doc.liferay_stop.is_none() {
                        self.error(
                            TextRange::from_usize(open..open + 1),
                            "this list spans lines without `\\` at their ends, which Liferay's line reader cannot parse",
                            true,
                        );
                    }
                    self.i += 1;
                }
                _ => break,
            }
        }
    }

    fn check_type(&mut self, code: char, items: &[ConfigItem]) {
        let name = match code.to_ascii_uppercase() {
            'I' => "an Integer",
            'L' => "a Long",
            'X' => "a Byte",
            'S' => "a Short",
            'F' => "a Float",
            'D' => "a Double",
            'C' => "a Character",
            'B' => "a Boolean",
            _ => return,
        };
        for item in items {
            let t = item.text.trim();
            let ok = match code.to_ascii_uppercase() {
                'I' => t.parse::<i32>().is_ok(),
                'L' => t.parse::<i64>().is_ok(),
                'X' => t.parse::<i8>().is_ok(),
                'S' => t.parse::<i16>().is_ok(),
                // Felix stores raw IEEE bits; Liferay also takes decimals with a `.`.
                'F' | 'D' => {
                    t.parse::<i64>().is_ok() || (t.contains('.') && t.parse::<f64>().is_ok())
                }
                'C' => !item.text.is_empty(),
                'B' => t.eq_ignore_ascii_case("true") || t.eq_ignore_ascii_case("false"),
                _ => true,
            };
            if !ok {
                let message = if code.eq_ignore_ascii_case(&'B') {
                    format!("type `{code}` wants `true` or `false`; anything else reads as false")
                } else {
                    format!("type `{code}` wants {name} here")
                };
                self.error(item.range, &message, false);
            }
        }
    }
}

const UNQUOTED: &str = "the value is not quoted";
const UNQUOTED_MESSAGE: &str =
    "the value is not quoted (write `key=\"value\"`, or a typed value such as `B\"true\"`)";

/// Decodes `\` escapes of the Felix format.
fn unescape(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push('\u{8}'),
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('f') => out.push('\u{c}'),
            Some('r') => out.push('\r'),
            Some('u') => {
                let digits: String = chars.clone().take(4).collect();
                match u32::from_str_radix(&digits, 16)
                    .ok()
                    .and_then(char::from_u32)
                {
                    Some(decoded) if digits.len() == 4 => {
                        out.push(decoded);
                        for _ in 0..4 {
                            chars.next();
                        }
                    }
                    _ => out.push('u'),
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_values() {
        let text = "# header\nenabled=B\"true\"\nhostsAllowed=\"127.0.0.1,SERVER_IP\"\nlist=[ \\\n  \"a\",\\\n  \"b\",\\\n  ]\nn=I\"42\"\n";
        let doc = parse(text);
        assert!(doc.errors.is_empty(), "{:?}", doc.errors);
        assert_eq!(doc.comments.len(), 1);
        assert_eq!(doc.get("enabled").unwrap().as_bool(), Some(true));
        let hosts = doc.get("hostsAllowed").unwrap();
        assert_eq!(hosts.items[0].range.slice(text), "127.0.0.1,SERVER_IP");
        let list = doc.get("list").unwrap();
        assert_eq!(list.shape, Shape::Array);
        assert_eq!(list.joined(), "a,b");
        assert_eq!(doc.get("n").unwrap().type_code, Some('I'));
    }

    #[test]
    fn unquoted_file_is_one_finding() {
        let text = "enabled=true\nhostsAllowed=127.0.0.1,SERVER_IP\n";
        let doc = parse(text);
        assert_eq!(doc.errors.len(), 1);
        assert_eq!(doc.errors[0].range.slice(text), "true");
        assert_eq!(
            doc.get("hostsAllowed").unwrap().joined(),
            "127.0.0.1,SERVER_IP"
        );
        assert!(doc.liferay_stop.is_some());
    }

    #[test]
    fn one_bad_line_stops_liferay() {
        let text = "a=\"1\"\nb=oops\nc=\"3\"\n";
        let doc = parse(text);
        assert_eq!(doc.errors.len(), 1);
        assert!(doc.errors[0].message.contains("stops reading"));
        assert_eq!(doc.liferay_stop.unwrap().slice(text), "oops");
        assert_eq!(doc.entries.len(), 3);
    }

    #[test]
    fn broken_input_is_located() {
        let doc = parse("a=\"never closed\n");
        assert_eq!(doc.errors[0].range, TextRange::new(2, 3));
        let doc = parse("just text\n");
        assert_eq!(
            doc.errors[0].message,
            "expected `=` after the key; Liferay 7.4+ stops reading the file here and ignores this key and every key after it"
        );
        let doc = parse("x=\"1\" />\n");
        assert_eq!(doc.errors.len(), 1);
        let doc = parse("n=I\"4x\"\nb=B\"yes\"\n");
        assert_eq!(doc.errors.len(), 2);
    }

    #[test]
    fn escapes_are_decoded() {
        let doc = parse("k=\"a\\ b\\=c\\u0041\"");
        assert_eq!(doc.get("k").unwrap().items[0].text, "a b=cA");
        assert!(doc.get("k").unwrap().items[0].escaped);
    }
}
