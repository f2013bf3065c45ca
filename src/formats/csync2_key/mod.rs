//! A csync2 key file (`csync2 -k FILE`). csync2 reads its first line as the
//! group's pre-shared key: only `A-Z a-z 0-9 . _` are allowed and it must
//! be at least 32 characters long. The whole file is a secret: only its
//! length and a digest (to compare copies across nodes) leave this module.

pub mod format;

use std::hash::{Hash, Hasher};

use crate::formats::ParseError;
use crate::source::TextRange;

/// The shortest key csync2 accepts.
pub const MIN_LENGTH: usize = 32;

/// A parsed key file.
#[derive(Clone, Debug, Default)]
pub struct Csync2KeyDocument {
    /// The first line, without its terminator.
    pub key_range: TextRange,
    /// Characters in the key.
    pub length: usize,
    /// A digest of the key, equal for equal keys.
    pub digest: u64,
    pub errors: Vec<ParseError>,
}

/// Reads a key file.
#[must_use]
pub fn parse(text: &str) -> Csync2KeyDocument {
    let end = text.find(['\n', '\r']).unwrap_or(text.len());
    let key = &text[..end];
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut hasher);
    let mut doc = Csync2KeyDocument {
        key_range: TextRange::from_usize(0..end),
        length: key.chars().count(),
        digest: hasher.finish(),
        errors: Vec::new(),
    };
    if let Some(at) = key.find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_')) {
        let width = key[at..].chars().next().map_or(1, char::len_utf8);
        doc.errors.push(ParseError::new(
            TextRange::from_usize(at..at + width),
            "csync2 refuses this key: only letters, digits, `.` and `_` are allowed",
        ));
    } else if doc.length < MIN_LENGTH {
        doc.errors.push(ParseError::new(
            doc.key_range,
            format!(
                "csync2 refuses this key: it has {} characters, at least {MIN_LENGTH} are needed",
                doc.length
            ),
        ));
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        let good = parse("abcdefghijklmnopqrstuvwxyz0123456789._ABCDEF\n");
        assert!(good.errors.is_empty());
        assert_eq!(
            good.digest,
            parse("abcdefghijklmnopqrstuvwxyz0123456789._ABCDEF").digest
        );
        assert_ne!(
            good.digest,
            parse("bbcdefghijklmnopqrstuvwxyz0123456789._ABCDEF").digest
        );
        assert!(parse("short\n").errors[0].message.contains("5 characters"));
        assert!(
            parse("abc-def\n").errors[0]
                .message
                .contains("only letters")
        );
        assert!(!parse("").errors.is_empty());
    }
}
