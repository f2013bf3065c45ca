//! Java `.properties` in two dialects, with exact spans.
//!
//! * [`Dialect::Jdk`]: what `java.util.Properties.load` reads (Gluu
//!   `setup.properties`, `.cfg` files).
//! * [`Dialect::Liferay`]: what Apache Commons Configuration 1.10 reads, which
//!   is how Liferay loads `portal-*.properties`: every physical line that is
//!   blank or a comment is skipped even inside a continuation, kept lines are
//!   trimmed, values are comma lists and repeated keys accumulate.
//!
//! The lexer never fails: odd input becomes a [`ParseError`] at its span and
//! lexing goes on with the next line. Keys and values keep the byte range of
//! the raw text beside the decoded value; decoding allocates only when the
//! raw text has escapes or continuation lines.

pub mod format;
pub mod liferay_env;

use std::borrow::Cow;
use std::sync::Arc;

use crate::formats::ParseError;
use crate::source::{SharedText, TextRange};

/// Which reader's rules apply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dialect {
    /// `java.util.Properties.load`.
    #[default]
    Jdk,
    /// Commons Configuration 1.10 `PropertiesConfiguration`, as Liferay uses it.
    Liferay,
}

/// What separates a key from its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Separator {
    Equals,
    Colon,
    Whitespace,
    /// A line with a key only.
    None,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Decoded {
    /// The decoded text equals the raw text of the range.
    Raw,
    Owned(Arc<str>),
}

/// One `key=value` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Raw text of the key (continuations included).
    pub key_range: TextRange,
    /// Raw text of the value, from its first to its last character; for a
    /// value continued over several lines this covers all of them.
    pub value_range: TextRange,
    pub separator: Separator,
    key: Decoded,
    value: Decoded,
    /// The physical-line pieces of a continued line (backslashes and
    /// indentation removed); `None` for the common one-line entry.
    pieces: Option<Box<[TextRange]>>,
}

impl Entry {
    /// The decoded key.
    #[must_use]
    pub fn key<'a>(&'a self, text: &'a str) -> &'a str {
        match &self.key {
            Decoded::Raw => self.key_range.slice(text),
            Decoded::Owned(key) => key,
        }
    }

    /// The decoded value as the reader returns it (for Liferay, list elements
    /// trimmed and joined with `,`, as `PropsUtil.get` does).
    #[must_use]
    pub fn value<'a>(&'a self, text: &'a str) -> &'a str {
        match &self.value {
            Decoded::Raw => self.value_range.slice(text),
            Decoded::Owned(value) => value,
        }
    }

    /// The decoded key, sharing `text` (the file's text) or the decoded
    /// copy this entry holds.
    #[must_use]
    pub fn shared_key(&self, text: &Arc<str>) -> SharedText {
        shared(&self.key, text, self.key_range)
    }

    /// The decoded value (see [`Entry::value`]), sharing `text` or the
    /// decoded copy this entry holds.
    #[must_use]
    pub fn shared_value(&self, text: &Arc<str>) -> SharedText {
        shared(&self.value, text, self.value_range)
    }

    /// The range from the key's first character to the value's last.
    #[must_use]
    pub fn range(&self) -> TextRange {
        if self.value_range.is_empty() && self.value_range.start < self.key_range.end {
            self.key_range
        } else {
            self.key_range.cover(self.value_range)
        }
    }

    /// Splits a Liferay list value on unescaped commas. Each item carries its
    /// decoded, trimmed text and the range of its raw text.
    #[must_use]
    pub fn list_items(&self, text: &str) -> Vec<ListItem> {
        let mut items = Vec::new();
        let single = [self.value_range];
        let pieces: &[TextRange] = match &self.pieces {
            Some(pieces) => pieces,
            None => &single,
        };
        // Raw characters of the value, with their source offsets.
        let mut current: Vec<(u32, char)> = Vec::new();
        let mut escaped = false;
        for piece in pieces {
            let start = piece.start.max(self.value_range.start);
            let end = piece.end.min(self.value_range.end);
            if start >= end {
                continue;
            }
            for (i, c) in text[start as usize..end as usize].char_indices() {
                let at = start + i as u32;
                if c == ',' && !escaped {
                    items.push(finish_item(&current));
                    current.clear();
                    continue;
                }
                escaped = c == '\\' && !escaped;
                current.push((at, c));
            }
        }
        if !current.is_empty() || !items.is_empty() {
            items.push(finish_item(&current));
        }
        items
    }
}

fn shared(decoded: &Decoded, text: &Arc<str>, range: TextRange) -> SharedText {
    match decoded {
        Decoded::Raw => SharedText::range(text, range),
        Decoded::Owned(owned) => SharedText::whole(owned),
    }
}

/// One element of a comma-separated list value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListItem {
    pub text: String,
    pub range: TextRange,
}

fn finish_item(chars: &[(u32, char)]) -> ListItem {
    let is_trimmed = |c: char| c <= ' ';
    let first = chars.iter().position(|&(_, c)| !is_trimmed(c));
    let Some(first) = first else {
        let at = chars.first().map_or(0, |&(at, _)| at);
        return ListItem {
            text: String::new(),
            range: TextRange::empty(at),
        };
    };
    let last = chars
        .iter()
        .rposition(|&(_, c)| !is_trimmed(c))
        .unwrap_or(first);
    let raw: String = chars[first..=last].iter().map(|&(_, c)| c).collect();
    let (at, c) = chars[last];
    let range = TextRange::new(chars[first].0, at + c.len_utf8() as u32);
    let mut ignored = Vec::new();
    let text = unescape(&raw, Dialect::Liferay, &|_| range, &mut ignored).into_owned();
    ListItem { text, range }
}

/// A parsed `.properties` file.
#[derive(Clone, Debug, Default)]
pub struct PropertiesDocument {
    /// The reader whose rules it was parsed by.
    pub dialect: Dialect,
    pub entries: Vec<Entry>,
    /// Ranges of comment lines (for inline suppressions).
    pub comments: Vec<TextRange>,
    pub errors: Vec<ParseError>,
}

impl PropertiesDocument {
    /// The entries for `key`, in file order.
    pub fn entries_for<'a>(
        &'a self,
        text: &'a str,
        key: &'a str,
    ) -> impl Iterator<Item = &'a Entry> + 'a {
        self.entries.iter().filter(move |e| e.key(text) == key)
    }
}

/// Parses `text` in `dialect`.
#[must_use]
pub fn parse(text: &str, dialect: Dialect) -> PropertiesDocument {
    let mut doc = PropertiesDocument {
        dialect,
        ..PropertiesDocument::default()
    };
    if text.starts_with('\u{feff}') || text.starts_with("\u{ef}\u{bb}\u{bf}") {
        let len = if text.starts_with('\u{feff}') { 3 } else { 6 };
        doc.errors.push(ParseError::new(
            TextRange::new(0, len),
            "the file starts with a UTF-8 byte-order mark, which Java reads as part of the first line",
        ));
    }
    let mut lines = PhysicalLines { text, pos: 0 };
    match dialect {
        Dialect::Jdk => lex_jdk(&mut lines, &mut doc),
        Dialect::Liferay => lex_liferay(&mut lines, &mut doc),
    }
    doc
}

/// Iterates physical lines: `(content range, offset after the terminator)`.
struct PhysicalLines<'a> {
    text: &'a str,
    pos: usize,
}

impl PhysicalLines<'_> {
    fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    /// The next physical line's content (without its terminator).
    fn next_line(&mut self) -> Option<TextRange> {
        if self.at_end() {
            return None;
        }
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
            .map_or(bytes.len(), |p| start + p);
        self.pos = if end >= bytes.len() {
            end
        } else if bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n') {
            end + 2
        } else {
            end + 1
        };
        Some(TextRange::from_usize(start..end))
    }
}

fn is_jdk_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | 0x0c)
}

/// Number of backslashes that end `bytes`.
fn trailing_backslashes(bytes: &[u8]) -> usize {
    bytes.iter().rev().take_while(|&&b| b == b'\\').count()
}

fn lex_jdk(lines: &mut PhysicalLines<'_>, doc: &mut PropertiesDocument) {
    let text = lines.text;
    let bytes = text.as_bytes();
    let mut pieces = Vec::new();
    while let Some(line) = lines.next_line() {
        let mut start = line.start as usize;
        while start < line.end as usize && is_jdk_space(bytes[start]) {
            start += 1;
        }
        if start == line.end as usize {
            continue;
        }
        if matches!(bytes[start], b'#' | b'!') {
            doc.comments
                .push(TextRange::from_usize(start..line.end as usize));
            continue;
        }
        pieces.clear();
        let mut piece = TextRange::from_usize(start..line.end as usize);
        loop {
            if trailing_backslashes(piece.slice(text).as_bytes()).is_multiple_of(2) {
                pieces.push(piece);
                break;
            }
            pieces.push(TextRange::new(piece.start, piece.end - 1));
            // The continuation line, minus its indentation; an empty one ends
            // the logical line.
            let Some(next) = lines.next_line() else { break };
            let mut s = next.start as usize;
            while s < next.end as usize && is_jdk_space(bytes[s]) {
                s += 1;
            }
            if s == next.end as usize {
                break;
            }
            piece = TextRange::from_usize(s..next.end as usize);
        }
        split_jdk(text, &pieces, doc);
    }
}

fn lex_liferay(lines: &mut PhysicalLines<'_>, doc: &mut PropertiesDocument) {
    let text = lines.text;
    let is_trim = |c: char| c <= ' ';
    let mut pieces = Vec::new();
    while let Some(line) = lines.next_line() {
        let content = line.slice(text);
        let trimmed = content.trim_matches(is_trim);
        if trimmed.is_empty() || trimmed.starts_with(['#', '!']) {
            if !trimmed.is_empty() {
                doc.comments.push(trimmed_range(text, line));
            }
            continue;
        }
        pieces.clear();
        let mut piece = trimmed_range(text, line);
        let mut lost = false;
        loop {
            if trailing_backslashes(piece.slice(text).as_bytes()).is_multiple_of(2) {
                pieces.push(piece);
                break;
            }
            let continued_at = piece;
            pieces.push(TextRange::new(piece.start, piece.end - 1));
            // Commons skips blank and comment lines while it looks for the
            // continuation, so a blank line does not end the value.
            let mut skipped_blank = None;
            let next = loop {
                let Some(next) = lines.next_line() else {
                    break None;
                };
                let t = next.slice(text).trim_matches(is_trim);
                if t.is_empty() {
                    skipped_blank.get_or_insert(next);
                    continue;
                }
                if t.starts_with(['#', '!']) {
                    doc.comments.push(trimmed_range(text, next));
                    continue;
                }
                break Some(next);
            };
            let Some(next) = next else {
                lost = true;
                doc.errors.push(ParseError::new(
                    TextRange::new(continued_at.end - 1, continued_at.end),
                    "the line ends with `\\` but no line follows, so Liferay drops this whole property",
                ));
                break;
            };
            if skipped_blank.is_some() {
                doc.errors.push(ParseError::new(
                    trimmed_range(text, next),
                    "this line is read as the continuation of the property above (Liferay skips the blank line in between), not as a property of its own",
                ));
            }
            piece = trimmed_range(text, next);
        }
        if !lost {
            split_liferay(text, &pieces, doc);
        }
    }
}

/// `line` without the characters `String.trim()` removes.
fn trimmed_range(text: &str, line: TextRange) -> TextRange {
    let content = line.slice(text);
    let start = content.len() - content.trim_start_matches(|c: char| c <= ' ').len();
    let end = content
        .trim_end_matches(|c: char| c <= ' ')
        .len()
        .max(start);
    TextRange::new(line.start + start as u32, line.start + end as u32)
}

/// A logical line: one piece borrowed as is, or several pieces joined; the
/// pieces map offsets in the joined text back to the source.
struct Logical<'a> {
    joined: Cow<'a, str>,
    pieces: &'a [TextRange],
}

impl<'a> Logical<'a> {
    fn new(text: &'a str, pieces: &'a [TextRange]) -> Self {
        let joined = if let [one] = pieces {
            Cow::Borrowed(one.slice(text))
        } else {
            let mut joined = String::with_capacity(pieces.iter().map(|p| p.len() as usize).sum());
            for piece in pieces {
                joined.push_str(piece.slice(text));
            }
            Cow::Owned(joined)
        };
        Self { joined, pieces }
    }

    /// Source offset of joined offset `at`; an offset at a piece boundary maps
    /// to the end of the earlier piece when `end` is set.
    fn source(&self, at: usize, end: bool) -> u32 {
        let mut found = (0, self.pieces[0]);
        let mut offset = 0;
        for &piece in self.pieces {
            if offset < at || (offset == at && !end) {
                found = (offset, piece);
            } else {
                break;
            }
            offset += piece.len() as usize;
        }
        found.1.start + (at - found.0) as u32
    }

    fn range(&self, range: std::ops::Range<usize>) -> TextRange {
        if range.is_empty() {
            let at = self.source(range.start, false);
            return TextRange::empty(at);
        }
        TextRange::new(
            self.source(range.start, false),
            self.source(range.end, true),
        )
    }

    fn is_multi(&self) -> bool {
        self.pieces.len() > 1
    }

    fn pieces(&self) -> Option<Box<[TextRange]>> {
        self.is_multi().then(|| self.pieces.into())
    }
}

fn split_jdk(text: &str, pieces: &[TextRange], doc: &mut PropertiesDocument) {
    let logical = Logical::new(text, pieces);
    let line = logical.joined.as_bytes();
    let mut key_len = 0;
    let mut value_start = line.len();
    let mut separator = Separator::None;
    let mut preceding_backslash = false;
    while key_len < line.len() {
        let c = line[key_len];
        if (c == b'=' || c == b':') && !preceding_backslash {
            value_start = key_len + 1;
            separator = if c == b'=' {
                Separator::Equals
            } else {
                Separator::Colon
            };
            break;
        } else if is_jdk_space(c) && !preceding_backslash {
            value_start = key_len + 1;
            separator = Separator::Whitespace;
            break;
        }
        preceding_backslash = c == b'\\' && !preceding_backslash;
        key_len += 1;
    }
    while value_start < line.len() {
        let c = line[value_start];
        if !is_jdk_space(c) {
            if separator == Separator::Whitespace && (c == b'=' || c == b':') {
                separator = if c == b'=' {
                    Separator::Equals
                } else {
                    Separator::Colon
                };
            } else {
                break;
            }
        }
        value_start += 1;
    }
    push_entry(
        &logical,
        0..key_len,
        value_start..line.len(),
        separator,
        Dialect::Jdk,
        doc,
    );
}

fn split_liferay(text: &str, pieces: &[TextRange], doc: &mut PropertiesDocument) {
    let logical = Logical::new(text, pieces);
    let line = logical.joined.as_bytes();
    let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
    // key: ([\S&&[^\\=:]] | \\.)*
    let mut key_end = 0;
    while key_end < line.len() {
        let c = line[key_end];
        if c == b'\\' {
            if key_end + 1 < line.len() {
                key_end += 2;
                // Step over the rest of a multi-byte character after the backslash.
                while key_end < line.len() && !logical.joined.is_char_boundary(key_end) {
                    key_end += 1;
                }
                continue;
            }
            break;
        }
        if is_space(c) || c == b'=' || c == b':' {
            break;
        }
        key_end += 1;
    }
    // separator: \s* (\s+ | [=:]) \s*
    let mut i = key_end;
    while i < line.len() && is_space(line[i]) {
        i += 1;
    }
    let separator = if i < line.len() && (line[i] == b'=' || line[i] == b':') {
        let s = if line[i] == b'=' {
            Separator::Equals
        } else {
            Separator::Colon
        };
        i += 1;
        while i < line.len() && is_space(line[i]) {
            i += 1;
        }
        s
    } else if i > key_end {
        Separator::Whitespace
    } else {
        Separator::None
    };
    if separator == Separator::None {
        let range = logical.range(0..line.len());
        doc.errors.push(ParseError::new(
            range,
            "this line has no `=`, `:` or space between a key and a value; Liferay reads it as an empty key and ignores it",
        ));
        return;
    }
    push_entry(
        &logical,
        0..key_end,
        i..line.len(),
        separator,
        Dialect::Liferay,
        doc,
    );
}

fn push_entry(
    logical: &Logical<'_>,
    key: std::ops::Range<usize>,
    value: std::ops::Range<usize>,
    separator: Separator,
    dialect: Dialect,
    doc: &mut PropertiesDocument,
) {
    let key_range = logical.range(key.clone());
    let value_range = logical.range(value.clone());
    let (key_at, value_at) = (key.start, value.start);
    let locate_key = |r: std::ops::Range<usize>| logical.range(key_at + r.start..key_at + r.end);
    let locate_value =
        |r: std::ops::Range<usize>| logical.range(value_at + r.start..value_at + r.end);
    let raw_key = &logical.joined[key];
    let raw_value = &logical.joined[value];
    let key = decoded(
        unescape(raw_key, dialect, &locate_key, &mut doc.errors),
        raw_key,
        logical.is_multi(),
    );
    let value = match dialect {
        Dialect::Liferay if has_unescaped_comma(raw_value) => {
            // Validate escapes once over the whole value for located errors.
            let _ = unescape(raw_value, dialect, &locate_value, &mut doc.errors);
            Decoded::Owned(joined_list(raw_value).into())
        }
        _ => decoded(
            unescape(raw_value, dialect, &locate_value, &mut doc.errors),
            raw_value,
            logical.is_multi(),
        ),
    };
    doc.entries.push(Entry {
        key_range,
        value_range,
        separator,
        key,
        value,
        pieces: logical.pieces(),
    });
}

fn decoded(value: Cow<'_, str>, raw: &str, multi: bool) -> Decoded {
    match value {
        Cow::Borrowed(v) if !multi && v.len() == raw.len() => Decoded::Raw,
        other => Decoded::Owned(other.into_owned().into()),
    }
}

/// A Liferay list value as `PropsUtil.get` returns it: the items split on
/// unescaped commas, trimmed, decoded and joined with `,` (what
/// [`Entry::list_items`] gives, item by item).
fn joined_list(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut ignored = Vec::new();
    let mut item_start = 0;
    let mut escaped = false;
    let bytes = raw.as_bytes();
    for i in 0..=bytes.len() {
        let end = i == bytes.len();
        if end || (bytes[i] == b',' && !escaped) {
            if item_start > 0 {
                out.push(',');
            }
            let item = raw[item_start..i].trim_matches(|c: char| c <= ' ');
            out.push_str(&unescape(
                item,
                Dialect::Liferay,
                &|_| TextRange::empty(0),
                &mut ignored,
            ));
            item_start = i + 1;
            escaped = false;
            continue;
        }
        escaped = bytes[i] == b'\\' && !escaped;
    }
    out
}

fn has_unescaped_comma(raw: &str) -> bool {
    let mut escaped = false;
    for b in raw.bytes() {
        if b == b',' && !escaped {
            return true;
        }
        escaped = b == b'\\' && !escaped;
    }
    false
}

/// Decodes backslash escapes of `dialect`. Errors point into `range`, the
/// source range of `raw` (exact for one-line text).
fn unescape<'a>(
    raw: &'a str,
    dialect: Dialect,
    locate: &dyn Fn(std::ops::Range<usize>) -> TextRange,
    errors: &mut Vec<ParseError>,
) -> Cow<'a, str> {
    if !raw.contains('\\') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices().peekable();
    let mut pending_high: Option<u16> = None;
    while let Some((at, c)) = chars.next() {
        if c != '\\' {
            flush_surrogate(&mut out, &mut pending_high);
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else {
            // A dangling final backslash: Commons keeps it, the JDK drops it.
            flush_surrogate(&mut out, &mut pending_high);
            if dialect == Dialect::Liferay {
                out.push('\\');
            }
            break;
        };
        if e == 'u' {
            let digits_end = raw[at + 2..]
                .char_indices()
                .nth(4)
                .map_or(raw.len(), |(i, _)| at + 2 + i);
            let digits = &raw[at + 2..digits_end];
            let value = parse_unicode_escape(digits, dialect);
            if let Some(unit) = value {
                for _ in 0..4 {
                    chars.next();
                }
                push_utf16(&mut out, &mut pending_high, unit);
            } else {
                let end = (at + 2 + digits.len()).min(raw.len());
                errors.push(ParseError::new(
                    locate(at..end),
                    match dialect {
                        Dialect::Jdk => "malformed `\\uXXXX` escape: java.util.Properties refuses to load the whole file",
                        Dialect::Liferay => "malformed `\\uXXXX` escape: Liferay reads an empty or wrong value here",
                    },
                ));
                // Skip what the reader would have consumed.
                for _ in 0..digits.chars().count() {
                    chars.next();
                }
            }
            continue;
        }
        flush_surrogate(&mut out, &mut pending_high);
        out.push(match (e, dialect) {
            ('t', _) => '\t',
            ('n', _) => '\n',
            ('r', _) => '\r',
            ('f', _) => '\u{c}',
            ('b', Dialect::Liferay) => '\u{8}',
            (',', Dialect::Liferay) => ',',
            (other, _) => other,
        });
    }
    flush_surrogate(&mut out, &mut pending_high);
    Cow::Owned(out)
}

fn parse_unicode_escape(digits: &str, dialect: Dialect) -> Option<u16> {
    if digits.chars().count() != 4 {
        return None;
    }
    match dialect {
        Dialect::Jdk => {
            if digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                u16::from_str_radix(digits, 16).ok()
            } else {
                None
            }
        }
        // `Integer.parseInt(s, 16)` also takes a leading sign.
        Dialect::Liferay => i32::from_str_radix(digits, 16)
            .ok()
            .and_then(|v| u16::try_from(v).ok()),
    }
}

fn push_utf16(out: &mut String, pending_high: &mut Option<u16>, unit: u16) {
    if (0xD800..0xDC00).contains(&unit) {
        flush_surrogate(out, pending_high);
        *pending_high = Some(unit);
        return;
    }
    if (0xDC00..0xE000).contains(&unit) {
        if let Some(high) = pending_high.take() {
            let c = 0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
            out.push(char::from_u32(c).unwrap_or('\u{fffd}'));
        } else {
            out.push('\u{fffd}');
        }
        return;
    }
    flush_surrogate(out, pending_high);
    out.push(char::from_u32(u32::from(unit)).unwrap_or('\u{fffd}'));
}

/// A high surrogate without its pair cannot live in a Rust string.
fn flush_surrogate(out: &mut String, pending_high: &mut Option<u16>) {
    if pending_high.take().is_some() {
        out.push('\u{fffd}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str, dialect: Dialect) -> Vec<(String, String)> {
        let doc = parse(text, dialect);
        doc.entries
            .iter()
            .map(|e| (e.key(text).to_string(), e.value(text).to_string()))
            .collect()
    }

    fn kv(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    #[test]
    fn jdk_matrix() {
        use Dialect::Jdk;
        assert_eq!(pairs("a=b\\\n\nc=d", Jdk), vec![kv("a", "b"), kv("c", "d")]);
        assert_eq!(
            pairs("a=b,\\\n    #comment\\\n    c", Jdk),
            vec![kv("a", "b,#commentc")]
        );
        assert_eq!(pairs("key", Jdk), vec![kv("key", "")]);
        assert_eq!(pairs("a = b   ", Jdk), vec![kv("a", "b   ")]);
        assert_eq!(pairs("a==b", Jdk), vec![kv("a", "=b")]);
        assert_eq!(pairs("a:=b", Jdk), vec![kv("a", "=b")]);
        assert_eq!(pairs("a b c", Jdk), vec![kv("a", "b c")]);
        assert_eq!(pairs("a\\ b=c", Jdk), vec![kv("a b", "c")]);
        assert_eq!(pairs("a=\\uD83D\\uDE00", Jdk), vec![kv("a", "😀")]);
        assert_eq!(pairs("a=b\\", Jdk), vec![kv("a", "b")]);
        assert_eq!(pairs("a=\\q\\b", Jdk), vec![kv("a", "qb")]);
        assert_eq!(pairs("x=1\nx=2", Jdk), vec![kv("x", "1"), kv("x", "2")]);
        assert_eq!(pairs("#c\\\nfoo=bar", Jdk), vec![kv("foo", "bar")]);
        assert_eq!(pairs("a=b\\\n\u{a0}c", Jdk), vec![kv("a", "b\u{a0}c")]);
        assert_eq!(pairs("a=b\\\n\u{b}c", Jdk), vec![kv("a", "b\u{b}c")]);
        assert_eq!(pairs("a=b\rc=d", Jdk), vec![kv("a", "b"), kv("c", "d")]);
        assert_eq!(
            pairs("a=b\\\\\nc=d", Jdk),
            vec![kv("a", "b\\"), kv("c", "d")]
        );
        assert_eq!(pairs("a=\\\n\n", Jdk), vec![kv("a", "")]);
        assert_eq!(pairs("a\\\n  b=c", Jdk), vec![kv("ab", "c")]);
        assert_eq!(pairs("\\#k=1", Jdk), vec![kv("#k", "1")]);
        assert_eq!(pairs("a\u{c}b", Jdk), vec![kv("a", "b")]);
        assert_eq!(pairs("a = x , y ,z", Jdk), vec![kv("a", "x , y ,z")]);
        assert_eq!(pairs("a=x\\,y,z", Jdk), vec![kv("a", "x,y,z")]);
    }

    #[test]
    fn jdk_malformed_unicode_is_an_error() {
        let doc = parse("a=\\u12", Dialect::Jdk);
        assert_eq!(doc.errors.len(), 1);
        assert_eq!(doc.errors[0].range, TextRange::new(2, 6));
        assert_eq!(parse("a=\\u+041", Dialect::Jdk).errors.len(), 1);
    }

    #[test]
    fn liferay_matrix() {
        use Dialect::Liferay;
        assert_eq!(pairs("a=b\\\n\nc=d", Liferay), vec![kv("a", "bc=d")]);
        assert_eq!(
            pairs("a=b,\\\n    #comment\\\n    c", Liferay),
            vec![kv("a", "b,c")]
        );
        assert!(pairs("key", Liferay).is_empty());
        assert_eq!(pairs("a = b   ", Liferay), vec![kv("a", "b")]);
        assert_eq!(pairs("a==b", Liferay), vec![kv("a", "=b")]);
        assert_eq!(pairs("a b c", Liferay), vec![kv("a", "b c")]);
        assert_eq!(pairs("a\\ b=c", Liferay), vec![kv("a b", "c")]);
        assert_eq!(pairs("a=\\uD83D\\uDE00", Liferay), vec![kv("a", "😀")]);
        assert!(pairs("a=b\\", Liferay).is_empty());
        assert_eq!(pairs("a=\\q\\b", Liferay), vec![kv("a", "q\u{8}")]);
        assert_eq!(pairs("a=x\\,y,z", Liferay), vec![kv("a", "x,y,z")]);
        assert_eq!(pairs("x=1\nx=2", Liferay), vec![kv("x", "1"), kv("x", "2")]);
        assert_eq!(pairs("a=b\\\n\u{b}c", Liferay), vec![kv("a", "bc")]);
        assert_eq!(
            pairs("a=b\\\\\nc=d", Liferay),
            vec![kv("a", "b\\"), kv("c", "d")]
        );
        assert_eq!(pairs("a=\\u+041", Liferay), vec![kv("a", "A")]);
        assert!(pairs("a=\\\n\n", Liferay).is_empty());
        assert_eq!(pairs("a = x , y ,z", Liferay), vec![kv("a", "x,y,z")]);
        assert_eq!(
            pairs("b=v\na=${b}", Liferay),
            vec![kv("b", "v"), kv("a", "${b}")]
        );
    }

    #[test]
    fn liferay_reports_surprises() {
        let text = "a=b\\\n\nc=d\n";
        let doc = parse(text, Dialect::Liferay);
        assert_eq!(doc.errors.len(), 1);
        assert_eq!(doc.errors[0].range.slice(text), "c=d");
        let doc = parse("x=1\nkey\n", Dialect::Liferay);
        assert_eq!(doc.errors[0].range, TextRange::new(4, 7));
        let doc = parse("x=1\ny=\\", Dialect::Liferay);
        assert_eq!(doc.entries.len(), 1);
        assert_eq!(doc.errors.len(), 1);
    }

    #[test]
    fn list_items_have_exact_ranges() {
        let text = "hosts = 127.0.0.1, SERVER_IP ,\\\n   # note\n   10.0.0.5\n";
        let doc = parse(text, Dialect::Liferay);
        let entry = &doc.entries[0];
        let items = entry.list_items(text);
        let got: Vec<_> = items
            .iter()
            .map(|i| (i.text.as_str(), i.range.slice(text)))
            .collect();
        assert_eq!(
            got,
            vec![
                ("127.0.0.1", "127.0.0.1"),
                ("SERVER_IP", "SERVER_IP"),
                ("10.0.0.5", "10.0.0.5")
            ]
        );
        assert_eq!(entry.value(text), "127.0.0.1,SERVER_IP,10.0.0.5");
    }

    #[test]
    fn spans_of_simple_entries() {
        let text = "# c\n  key = value  \r\nk2:v2";
        let doc = parse(text, Dialect::Jdk);
        assert_eq!(doc.comments, vec![TextRange::new(0, 3)]);
        let e = &doc.entries[0];
        assert_eq!(e.key_range.slice(text), "key");
        assert_eq!(e.value_range.slice(text), "value  ");
        let doc = parse(text, Dialect::Liferay);
        assert_eq!(doc.entries[0].value_range.slice(text), "value");
        assert_eq!(doc.entries[1].key_range.slice(text), "k2");
    }

    #[test]
    fn bom_is_reported() {
        let doc = parse("\u{feff}a=1", Dialect::Liferay);
        assert_eq!(doc.errors.len(), 1);
        assert_eq!(doc.entries[0].key("\u{feff}a=1"), "\u{feff}a");
    }
}
