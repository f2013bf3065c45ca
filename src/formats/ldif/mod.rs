//! LDIF (RFC 2849) as OpenDJ reads its `config/config.ldif`: lines end
//! at LF (a CR before it is dropped); a line starting with a space or a
//! TAB continues the previous one (that one character dropped); a line
//! starting with `#` is a comment, and its continuation lines go with it
//! (OpenDJ 4.x and later, RFC 2849); only a zero-length line ends a
//! record; a record starts with `dn:`; `version:` may stand before the
//! first one. After `name:` the spaces are skipped and trailing spaces
//! kept; `name::` is base64, `name:<` a URL (the server fetches it, this
//! reader does not). Attribute names are compared without case. In a
//! change record (`changetype:`) the `-` lines between modifications are
//! dropped and the control lines kept as attributes.
//!
//! The server refuses to start on a continuation line with nothing to
//! continue, a line without a colon, a record without `dn:`, bad base64 or
//! an entry whose DN was read before: each is a located error here, and
//! reading goes on at the next line or record.

pub mod format;

use rustc_hash::FxHashMap;

use crate::formats::ParseError;
use crate::secrets::is_secret_key;
use crate::source::TextRange;

/// How a value is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// `name: value`.
    Plain,
    /// `name:: base64`.
    Base64,
    /// `name:< url`.
    Url,
}

/// A value as the server reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// Text (plain, or base64 that decodes to UTF-8).
    Text(String),
    /// Base64 that does not decode to UTF-8.
    Bytes(Vec<u8>),
    /// A `:<` URL, not fetched.
    Url(String),
}

impl Value {
    /// The value as text; `None` for bytes and URLs.
    #[must_use]
    pub fn text(&self) -> Option<&str> {
        match self {
            Self::Text(t) => Some(t),
            Self::Bytes(_) | Self::Url(_) => None,
        }
    }
}

/// One `name: value` line of a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// The attribute description as written (options kept).
    pub name: String,
    pub name_range: TextRange,
    pub encoding: Encoding,
    pub value: Value,
    /// The value as written on the line's first physical line (from the
    /// first character after the separator's spaces to the line's end).
    pub value_range: TextRange,
    /// The value's pieces on every physical line it spans.
    pub value_pieces: Vec<TextRange>,
    /// The whole logical line, continuation lines included.
    pub range: TextRange,
}

impl Attribute {
    /// The value as text (`None` for binary values and URLs).
    #[must_use]
    pub fn text(&self) -> Option<&str> {
        self.value.text()
    }

    /// Whether the attribute is `name` (compared without case, options
    /// ignored).
    #[must_use]
    pub fn is(&self, name: &str) -> bool {
        self.name
            .split(';')
            .next()
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
    }

    /// Whether the value is a secret (passwords, PINs, keys).
    #[must_use]
    pub fn is_secret(&self) -> bool {
        is_secret_attribute(&self.name, self.encoding)
    }
}

/// Whether values of attribute `name` written with `encoding` are secrets:
/// passwords (`userPassword`, `ds-cfg-*password*`), PINs
/// (`ds-cfg-key-store-pin`, `*-pin`), keys (`ds-cfg-symmetric-key`, a
/// base64 value under any `*key*` name).
#[must_use]
pub fn is_secret_attribute(name: &str, encoding: Encoding) -> bool {
    let lower = name.split(';').next().unwrap_or(name).to_ascii_lowercase();
    lower.contains("password")
        || lower.ends_with("-pin")
        || is_secret_key(&lower)
        || (encoding == Encoding::Base64 && (lower.contains("key") || lower.contains("secret")))
}

/// One record: an entry, or a change record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The DN as read (a `dn::` DN decoded).
    pub dn: String,
    /// The DN as written on the `dn:` line.
    pub dn_range: TextRange,
    /// The whole `dn:` line.
    pub dn_line: TextRange,
    /// `changetype:`'s value for a change record.
    pub changetype: Option<String>,
    /// The attribute lines after `dn:` (a change record's control lines
    /// included), in file order.
    pub attributes: Vec<Attribute>,
    /// From the `dn:` line to the last line of the record.
    pub range: TextRange,
}

impl Record {
    /// The attribute lines named `name` (without case), in file order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Attribute> + 'a {
        self.attributes.iter().filter(move |a| a.is(name))
    }

    /// The first attribute line named `name`.
    #[must_use]
    pub fn first(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.is(name))
    }

    /// Whether the record's DN is `dn` (compared as [`normal_dn`] does).
    #[must_use]
    pub fn is_dn(&self, dn: &str) -> bool {
        normal_dn(&self.dn) == normal_dn(dn)
    }

    /// Whether the record's DN is an entry directly below `parent`.
    #[must_use]
    pub fn is_child_of(&self, parent: &str) -> bool {
        let dn = normal_dn(&self.dn);
        let parent = normal_dn(parent);
        dn.strip_suffix(parent.as_str())
            .and_then(|head| head.strip_suffix(','))
            .is_some_and(|rdn| !rdn.is_empty() && split_rdns(rdn).len() == 1)
    }
}

/// A parsed LDIF file.
#[derive(Clone, Debug, Default)]
pub struct LdifDocument {
    pub records: Vec<Record>,
    /// Comment lines (with their continuation lines).
    pub comments: Vec<TextRange>,
    pub errors: Vec<ParseError>,
}

impl LdifDocument {
    /// The entry (not a change record) whose DN is `dn`.
    #[must_use]
    pub fn entry(&self, dn: &str) -> Option<&Record> {
        let key = normal_dn(dn);
        self.records
            .iter()
            .find(|r| r.changetype.is_none() && normal_dn(&r.dn) == key)
    }
}

/// The RDNs of a DN, split at commas not escaped with a backslash.
fn split_rdns(dn: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in dn.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            ',' => {
                out.push(&dn[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < dn.len() || !out.is_empty() {
        out.push(&dn[start..]);
    }
    out
}

/// A DN in a form for comparing: RDNs split at unescaped commas, blanks
/// around `=` and `,` dropped, lowercased (every attribute naming a
/// configuration entry ignores case).
#[must_use]
pub fn normal_dn(dn: &str) -> String {
    split_rdns(dn.trim())
        .iter()
        .map(|rdn| {
            let (name, value) = rdn.split_once('=').unwrap_or((rdn, ""));
            format!(
                "{}={}",
                name.trim().to_ascii_lowercase(),
                value.trim().to_lowercase()
            )
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// A logical line: physical pieces (the first whole, the others without
/// their leading space or TAB).
struct Logical {
    pieces: Vec<(usize, usize)>,
    /// The end of the last physical line (before its line end).
    end: usize,
}

impl Logical {
    fn text(&self, src: &str) -> String {
        self.pieces.iter().map(|&(s, e)| &src[s..e]).collect()
    }

    /// The source offset of `at` in the joined text.
    fn offset(&self, at: usize) -> usize {
        let mut seen = 0;
        for &(s, e) in &self.pieces {
            if at < seen + (e - s) {
                return s + (at - seen);
            }
            seen += e - s;
        }
        self.pieces.last().map_or(0, |&(_, e)| e)
    }

    /// The source pieces of the joined text from `at` on.
    fn pieces_from(&self, at: usize) -> Vec<TextRange> {
        let mut out = Vec::new();
        let mut seen = 0;
        for &(s, e) in &self.pieces {
            let len = e - s;
            if at < seen + len {
                let from = s + at.saturating_sub(seen);
                out.push(TextRange::from_usize(from..e));
            }
            seen += len;
        }
        if out.is_empty() {
            let end = self.offset(at);
            out.push(TextRange::from_usize(end..end));
        }
        out
    }

    fn first_line(&self) -> TextRange {
        let (s, e) = self.pieces[0];
        TextRange::from_usize(s..e)
    }

    fn range(&self) -> TextRange {
        TextRange::from_usize(self.pieces[0].0..self.end)
    }
}

/// What a stretch of lines between empty lines holds.
enum Item {
    Line(Logical),
    Comment(Logical),
}

/// Reads LDIF text.
#[must_use]
pub fn parse(text: &str) -> LdifDocument {
    let mut doc = LdifDocument::default();
    let mut block: Vec<Item> = Vec::new();
    let mut first_record = true;
    let mut seen: FxHashMap<String, u32> = FxHashMap::default();
    let mut offset = 0usize;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        let line = line.strip_suffix('\r').unwrap_or(line);
        let end = start + line.len();
        if line.is_empty() {
            finish(text, &mut block, &mut doc, &mut first_record, &mut seen);
            continue;
        }
        if line.starts_with([' ', '\t']) {
            match block.last_mut() {
                Some(Item::Line(l) | Item::Comment(l)) => {
                    l.pieces.push((start + 1, end));
                    l.end = end;
                }
                None => doc.errors.push(ParseError::new(
                    TextRange::from_usize(start..end),
                    "this line starts with a space or a TAB, which continues the line before, \
                     but there is none (the server refuses the file)",
                )),
            }
            continue;
        }
        let logical = Logical {
            pieces: vec![(start, end)],
            end,
        };
        if line.starts_with('#') {
            block.push(Item::Comment(logical));
        } else {
            block.push(Item::Line(logical));
        }
    }
    finish(text, &mut block, &mut doc, &mut first_record, &mut seen);
    doc
}

/// Ends the lines read since the last empty line: comments recorded, the
/// rest read as one record.
fn finish(
    text: &str,
    block: &mut Vec<Item>,
    doc: &mut LdifDocument,
    first_record: &mut bool,
    seen: &mut FxHashMap<String, u32>,
) {
    let mut lines = Vec::new();
    for item in block.drain(..) {
        match item {
            Item::Comment(l) => doc.comments.push(l.range()),
            Item::Line(l) => lines.push(l),
        }
    }
    if lines.is_empty() {
        return;
    }
    let mut record: Option<Record> = None;
    let mut skip = false;
    for line in &lines {
        let joined = line.text(text);
        if record.is_some() && joined == "-" {
            continue;
        }
        let Some(colon) = joined.find(':').filter(|&c| c > 0) else {
            doc.errors.push(ParseError::new(
                line.first_line(),
                "this line is no `name: value` (no attribute name before a colon)",
            ));
            continue;
        };
        let name = &joined[..colon];
        let rest = &joined[colon + 1..];
        let (encoding, skip_marker) = match rest.as_bytes().first() {
            Some(b':') => (Encoding::Base64, 1),
            Some(b'<') => (Encoding::Url, 1),
            _ => (Encoding::Plain, 0),
        };
        let after_marker = colon + 1 + skip_marker;
        let spaces =
            joined[after_marker..].len() - joined[after_marker..].trim_start_matches(' ').len();
        let value_at = after_marker + spaces;
        let written = &joined[value_at..];
        let value = match encoding {
            Encoding::Plain => Value::Text(written.to_string()),
            Encoding::Url => Value::Url(written.trim_end_matches(' ').to_string()),
            Encoding::Base64 => {
                if let Some(bytes) = crate::formats::decode::base64(written.trim_end_matches(' ')) {
                    String::from_utf8(bytes)
                        .map_or_else(|e| Value::Bytes(e.into_bytes()), Value::Text)
                } else {
                    doc.errors.push(ParseError::new(
                        line.first_line(),
                        format!("the value of `{name}` is not valid base64"),
                    ));
                    Value::Bytes(Vec::new())
                }
            }
        };
        let pieces = line.pieces_from(value_at);
        let first = line.first_line();
        let value_range = if pieces[0].start <= first.end {
            TextRange::new(pieces[0].start, first.end)
        } else {
            TextRange::new(pieces[0].start, pieces[0].end)
        };
        let name_start = line.offset(0);
        let name_end = line.offset(colon.saturating_sub(1)) + 1;
        let attribute = Attribute {
            name: name.to_string(),
            name_range: TextRange::from_usize(name_start..name_end.max(name_start)),
            encoding,
            value,
            value_range,
            value_pieces: pieces,
            range: line.range(),
        };
        match &mut record {
            None if skip => {}
            None => {
                if attribute.is("version") && *first_record {
                    continue;
                }
                if !attribute.is("dn") {
                    doc.errors.push(ParseError::new(
                        first,
                        "this record does not start with `dn:` (the server refuses the file)",
                    ));
                    skip = true;
                    continue;
                }
                let dn = match &attribute.value {
                    Value::Text(t) => t.clone(),
                    Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
                    Value::Url(u) => u.clone(),
                };
                record = Some(Record {
                    dn,
                    dn_range: attribute.value_range,
                    dn_line: first,
                    changetype: None,
                    attributes: Vec::new(),
                    range: line.range(),
                });
            }
            Some(r) => {
                if attribute.is("dn") {
                    doc.errors.push(ParseError::new(
                        first,
                        "a second `dn:` in one record (records are separated by an empty line)",
                    ));
                    continue;
                }
                if attribute.is("changetype") && r.changetype.is_none() && r.attributes.is_empty() {
                    r.changetype = attribute.text().map(|t| t.trim().to_string());
                }
                r.range = r.range.cover(attribute.range);
                r.attributes.push(attribute);
            }
        }
    }
    *first_record = false;
    if let Some(r) = record {
        if r.changetype.is_none() {
            let key = normal_dn(&r.dn);
            if let Some(&at) = seen.get(&key) {
                let line = text[..at as usize].matches('\n').count() + 1;
                doc.errors.push(ParseError::new(
                    r.dn_range,
                    format!(
                        "an entry with this DN was read before (line {line}); the server refuses to start"
                    ),
                ));
            } else {
                seen.insert(key, r.dn_line.start);
            }
        }
        doc.records.push(r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_values() {
        let text = "version: 1\n\n# a comment\n  folded comment\ndn: cn=config\nobjectClass: top\n\
                    ds-cfg-x:  spaced  \ncn:: Y29uZmln\nurl:< file:///x\nfold: ab\n c\n\tde\n\n\
                    dn: cn=a,cn=config\ncn: a\n";
        let doc = parse(text);
        assert!(doc.errors.is_empty(), "{:?}", doc.errors);
        assert_eq!(doc.records.len(), 2);
        let r = &doc.records[0];
        assert_eq!(r.dn, "cn=config");
        assert_eq!(r.dn_range.slice(text), "cn=config");
        assert_eq!(r.first("DS-CFG-X").unwrap().text(), Some("spaced  "));
        assert_eq!(r.first("cn").unwrap().text(), Some("config"));
        assert_eq!(r.first("cn").unwrap().encoding, Encoding::Base64);
        assert_eq!(
            r.first("url").unwrap().value,
            Value::Url("file:///x".into())
        );
        let fold = r.first("fold").unwrap();
        assert_eq!(fold.text(), Some("abcde"));
        assert_eq!(fold.value_range.slice(text), "ab");
        assert_eq!(fold.value_pieces.len(), 3);
        assert_eq!(doc.comments.len(), 1);
        assert!(doc.records[1].is_child_of("CN=Config"));
        assert!(!doc.records[0].is_child_of("cn=config"));
    }

    #[test]
    fn errors_are_located() {
        let text = " lead\ndn: cn=x\nno colon\ncn:: !!\n\ncn: y\n\ndn: CN=X\n";
        let doc = parse(text);
        let starts: Vec<u32> = doc.errors.iter().map(|e| e.range.start).collect();
        assert_eq!(doc.errors.len(), 5, "{:?}", doc.errors);
        assert_eq!(starts[0], 0);
        assert!(doc.errors[4].message.contains("read before"));
    }

    #[test]
    fn crlf_and_change_records() {
        let text = "dn: cn=x\r\nchangetype: modify\r\nreplace: a\r\na: 1\r\n-\r\n";
        let doc = parse(text);
        assert!(doc.errors.is_empty());
        let r = &doc.records[0];
        assert_eq!(r.changetype.as_deref(), Some("modify"));
        assert_eq!(r.attributes.len(), 3);
        assert_eq!(r.dn_range.slice(text), "cn=x");
    }

    #[test]
    fn comments_take_their_continuations_and_secrets_their_folds() {
        let text = "dn: cn=x\n# note\n folded note\nds-cfg-key-store-pin: abc\n def\ncn: x\n";
        let doc = parse(text);
        assert!(doc.errors.is_empty(), "{:?}", doc.errors);
        let r = &doc.records[0];
        assert_eq!(r.attributes.len(), 2);
        assert_eq!(r.first("cn").unwrap().text(), Some("x"));
        assert_eq!(doc.comments[0].slice(text), "# note\n folded note");
        let pin = r.first("ds-cfg-key-store-pin").unwrap();
        assert_eq!(pin.text(), Some("abcdef"));
        let masked: Vec<&str> = crate::formats::ParsedDocument::secrets(&doc, text)
            .iter()
            .map(|r| r.slice(text))
            .collect();
        assert_eq!(masked, ["abc", "def"]);
    }

    #[test]
    fn secrets() {
        assert!(is_secret_attribute("ds-cfg-key-store-pin", Encoding::Plain));
        assert!(is_secret_attribute("userPassword", Encoding::Plain));
        assert!(is_secret_attribute("ds-cfg-symmetric-key", Encoding::Plain));
        assert!(is_secret_attribute("ds-cfg-whatever-key", Encoding::Base64));
        assert!(!is_secret_attribute(
            "ds-cfg-key-store-pin-file",
            Encoding::Plain
        ));
        assert!(!is_secret_attribute(
            "ds-cfg-key-store-file",
            Encoding::Plain
        ));
        assert!(!is_secret_attribute("ds-cfg-listen-port", Encoding::Plain));
    }
}
