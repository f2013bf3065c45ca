//! `/etc/hosts`, read as glibc's `nss_files` reads it: `#` starts a
//! comment anywhere, fields are separated by blanks, the first is an
//! address (`inet_pton`: strict IPv4 dotted quad or IPv6 without brackets
//! or zone), the rest are the canonical name and aliases. A line whose
//! address does not parse is ignored by the resolver; it is kept here with
//! `address: None` so that it can be reported.

pub mod format;

use std::net::IpAddr;

use crate::source::TextRange;

/// One name on a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostName {
    pub name: String,
    pub range: TextRange,
}

/// One line of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostsEntry {
    /// `None` when the resolver would skip the line.
    pub address: Option<IpAddr>,
    pub address_text: String,
    pub address_range: TextRange,
    pub names: Vec<HostName>,
    /// The line without its comment.
    pub range: TextRange,
}

/// A parsed hosts file.
#[derive(Clone, Debug, Default)]
pub struct HostsDocument {
    pub entries: Vec<HostsEntry>,
    pub comments: Vec<TextRange>,
}

/// `inet_pton` for either family: no brackets, no zone, no short IPv4.
#[must_use]
pub fn inet_pton(text: &str) -> Option<IpAddr> {
    text.parse::<IpAddr>().ok()
}

/// C's `isspace` in the C locale (Rust's `is_ascii_whitespace` leaves out
/// the vertical tab).
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Parses hosts-file text.
#[must_use]
pub fn parse(text: &str) -> HostsDocument {
    let mut doc = HostsDocument::default();
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let (data, comment) = match content.find('#') {
            Some(at) => (&content[..at], Some(at)),
            None => (content, None),
        };
        if let Some(at) = comment {
            doc.comments
                .push(TextRange::from_usize(start + at..start + content.len()));
        }
        let mut fields = Vec::new();
        let mut i = 0;
        let bytes = data.as_bytes();
        while i < bytes.len() {
            while i < bytes.len() && is_space(bytes[i]) {
                i += 1;
            }
            let s = i;
            while i < bytes.len() && !is_space(bytes[i]) {
                i += 1;
            }
            if i > s {
                fields.push((s, i));
            }
        }
        let Some(&(a, b)) = fields.first() else {
            continue;
        };
        let address_text = &data[a..b];
        // A byte-order mark before a comment (a file saved on Windows)
        // leaves a line of nothing the resolver could use or lose.
        if address_text == "\u{feff}" && fields.len() == 1 {
            continue;
        }
        let names = fields[1..]
            .iter()
            .map(|&(s, e)| HostName {
                name: data[s..e].to_string(),
                range: TextRange::from_usize(start + s..start + e),
            })
            .collect();
        let last = fields.last().map_or(b, |&(_, e)| e);
        doc.entries.push(HostsEntry {
            address: inet_pton(address_text),
            address_text: address_text.to_string(),
            address_range: TextRange::from_usize(start + a..start + b),
            names,
            range: TextRange::from_usize(start + a..start + last),
        });
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        let text = "127.0.0.1\tlocalhost\n# comment\n::1 localhost ip6-localhost # trailing\n123.123.123 bogus\nfe80::1%lo0 zoned\n\n";
        let doc = parse(text);
        assert_eq!(doc.entries.len(), 4);
        assert_eq!(doc.entries[1].names.len(), 2);
        assert_eq!(doc.entries[1].names[1].range.slice(text), "ip6-localhost");
        assert!(doc.entries[2].address.is_none());
        assert!(doc.entries[3].address.is_none());
        assert_eq!(doc.comments.len(), 2);
        let doc = parse("\u{feff}# hosts\n127.0.0.1 localhost\n");
        assert_eq!(doc.entries.len(), 1);
        let doc = parse("\u{feff}127.0.0.1 localhost\n");
        assert!(
            doc.entries[0].address.is_none(),
            "the mark spoils the address"
        );
    }

    #[test]
    fn a_vertical_tab_separates_fields() {
        let doc = parse("192.0.2.1\x0bnode1\x0cnode1.example\n");
        let names: Vec<&str> = doc.entries[0]
            .names
            .iter()
            .map(|n| n.name.as_str())
            .collect();
        assert_eq!(names, ["node1", "node1.example"]);
    }
}
