//! OpenDJ's keystores and PIN files (`config/keystore`,
//! `config/keystore.pin`, `config/truststore`, ...). Their bytes are key
//! material: they are decoded to nothing but a digest
//! ([`crate::formats::decode::Encoding::Digest`]), which this document
//! keeps for comparing copies across nodes and never shows.

pub mod format;

use std::fmt;

use crate::formats::ParseError;
use crate::source::TextRange;

/// A keystore or PIN file, as a digest of its bytes.
#[derive(Clone, Default)]
pub struct KeystoreDocument {
    digest: Option<[u8; 32]>,
    /// The whole (digest) text.
    pub range: TextRange,
}

impl KeystoreDocument {
    /// Whether two files hold the same bytes (`None` when either was not
    /// read as a digest).
    #[must_use]
    pub fn same_bytes(&self, other: &Self) -> Option<bool> {
        Some(self.digest? == other.digest?)
    }

    /// The digest, for grouping equal files; never to be shown.
    #[must_use]
    pub fn digest(&self) -> Option<[u8; 32]> {
        self.digest
    }
}

// The digest is no secret in itself, but nothing prints it.
impl fmt::Debug for KeystoreDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeystoreDocument")
            .field("read", &self.digest.is_some())
            .finish_non_exhaustive()
    }
}

/// Reads the digest text the decoder made of the file's bytes.
#[must_use]
pub fn parse(text: &str) -> KeystoreDocument {
    let hex = text.trim();
    let digest = (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then(|| {
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap_or(0);
        }
        out
    });
    KeystoreDocument {
        digest,
        range: TextRange::from_usize(0..text.len()),
    }
}

/// No errors: any bytes are a keystore to compare.
pub(crate) const NO_ERRORS: &[ParseError] = &[];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::decode::{Encoding, decode};

    #[test]
    fn digests_compare_bytes() {
        let read = |bytes: &[u8]| parse(&decode(bytes.to_vec(), Encoding::Digest).unwrap().0);
        let a = read(b"\xfe\xed\xfe\xed\x00\x00\x00\x02secret");
        let b = read(b"\xfe\xed\xfe\xed\x00\x00\x00\x02secret");
        let c = read(b"\xfe\xed\xfe\xed\x00\x00\x00\x02other!");
        assert_eq!(a.same_bytes(&b), Some(true));
        assert_eq!(a.same_bytes(&c), Some(false));
        assert!(!format!("{a:?}").contains("secret"));
        assert_eq!(parse("not a digest").same_bytes(&a), None);
    }
}
