//! Bytes to text, the way each format's own reader decodes them.

use crate::formats::ParseError;
use crate::source::TextRange;

/// How a format's reader turns bytes into characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// Every byte is one character U+0000..U+00FF (`Properties.load(InputStream)`).
    Latin1,
    /// UTF-8; invalid sequences become U+FFFD and are reported, because the
    /// real reader silently corrupts the value.
    Utf8Strict,
    /// UTF-8 for display; the real program works on bytes, so invalid
    /// sequences are no error (nginx, Redis, ...).
    Utf8Bytes,
    /// XML: the encoding its declaration names (ISO-8859-1 and US-ASCII as
    /// Latin-1), UTF-8 otherwise, strictly.
    Xml,
    /// Opaque key material (Java keystores, their PIN files): none of the
    /// bytes is kept, the text is their SHA-256 in hexadecimal, for
    /// comparing copies. The format marks it secret whole.
    Digest,
}

/// Why a file's bytes cannot be treated as text at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotText {
    /// NUL bytes: a binary file, or UTF-16.
    Binary,
}

/// Decodes `bytes`; errors are located in the decoded text.
pub fn decode(bytes: Vec<u8>, encoding: Encoding) -> Result<(String, Vec<ParseError>), NotText> {
    if encoding == Encoding::Digest {
        return Ok((digest_text(&bytes), Vec::new()));
    }
    if bytes.contains(&0) {
        return Err(NotText::Binary);
    }
    let encoding = match encoding {
        Encoding::Xml if declares_latin1(&bytes) => Encoding::Latin1,
        Encoding::Xml => Encoding::Utf8Strict,
        other => other,
    };
    match encoding {
        Encoding::Latin1 => {
            if bytes.is_ascii() {
                // ASCII is valid UTF-8 as is.
                return Ok((String::from_utf8(bytes).unwrap_or_default(), Vec::new()));
            }
            Ok((bytes.iter().map(|&b| char::from(b)).collect(), Vec::new()))
        }
        Encoding::Digest => Ok((digest_text(&bytes), Vec::new())),
        Encoding::Utf8Strict | Encoding::Utf8Bytes | Encoding::Xml => {
            match String::from_utf8(bytes) {
                Ok(text) => Ok((text, Vec::new())),
                Err(err) => {
                    let bytes = err.into_bytes();
                    let mut text = String::with_capacity(bytes.len() + 16);
                    let mut first_bad = None;
                    let mut bad = 0usize;
                    for chunk in bytes.utf8_chunks() {
                        text.push_str(chunk.valid());
                        if !chunk.invalid().is_empty() {
                            first_bad.get_or_insert(text.len());
                            bad += 1;
                            text.push('\u{fffd}');
                        }
                    }
                    let mut errors = Vec::new();
                    if let (Encoding::Utf8Strict, Some(at)) = (encoding, first_bad) {
                        let at = at as u32;
                        let more = if bad > 1 {
                            format!(" ({bad} invalid sequences in all)")
                        } else {
                            String::new()
                        };
                        errors.push(ParseError::new(
                        TextRange::new(at, at + 3),
                        format!("the file is not valid UTF-8 here{more}; the reader turns such bytes into U+FFFD"),
                    ));
                    }
                    Ok((text, errors))
                }
            }
        }
    }
}

/// The SHA-256 of `bytes` in lowercase hexadecimal.
fn digest_text(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    use std::fmt::Write;
    let digest = Sha256::digest(bytes);
    let mut text = String::with_capacity(64);
    for b in digest {
        let _ = write!(text, "{b:02x}");
    }
    text
}

/// Whether an XML declaration names a single-byte Latin encoding.
fn declares_latin1(bytes: &[u8]) -> bool {
    let Some(rest) = bytes.strip_prefix(b"<?xml") else {
        return false;
    };
    let end = rest
        .windows(2)
        .position(|w| w == b"?>")
        .unwrap_or(rest.len().min(200));
    let declaration = String::from_utf8_lossy(&rest[..end]).to_ascii_lowercase();
    let Some(at) = declaration.find("encoding") else {
        return false;
    };
    let value = declaration[at + 8..]
        .trim_start()
        .trim_start_matches('=')
        .trim_start()
        .trim_start_matches(['"', '\''])
        .split(['"', '\''])
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    matches!(
        value.as_str(),
        "iso-8859-1" | "latin1" | "iso8859-1" | "us-ascii" | "ascii"
    )
}

/// Standard base64 (PEM bodies, LDIF `::` values), padding optional;
/// `None` on any other character or on data after the padding.
#[must_use]
pub fn base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    let mut padding = false;
    for c in text.bytes() {
        let v = match c {
            b'=' => {
                padding = true;
                continue;
            }
            _ if padding => return None,
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_maps_bytes_to_chars() {
        let (text, errors) = decode(vec![b'a', 0x80, 0xe9], Encoding::Latin1).unwrap();
        assert_eq!(text, "a\u{80}é");
        assert!(errors.is_empty());
    }

    #[test]
    fn invalid_utf8_is_located() {
        let (text, errors) = decode(b"ab\xffc".to_vec(), Encoding::Utf8Strict).unwrap();
        assert_eq!(text, "ab\u{fffd}c");
        assert_eq!(errors[0].range, TextRange::new(2, 5));
        let (_, errors) = decode(b"ab\xffc".to_vec(), Encoding::Utf8Bytes).unwrap();
        assert!(errors.is_empty());
    }

    #[test]
    fn xml_follows_its_declaration() {
        let (text, errors) = decode(
            b"<?xml version='1.0' encoding='ISO-8859-1'?><a>caf\xe9</a>".to_vec(),
            Encoding::Xml,
        )
        .unwrap();
        assert!(errors.is_empty());
        assert!(text.ends_with("<a>caf\u{e9}</a>"));
        let (_, errors) = decode(
            b"<?xml version='1.0'?><a>caf\xe9</a>".to_vec(),
            Encoding::Xml,
        )
        .unwrap();
        assert_eq!(errors.len(), 1);
    }

    #[test]
    fn nul_bytes_mean_binary() {
        assert_eq!(
            decode(vec![0xff, 0xfe, b'a', 0], Encoding::Utf8Strict),
            Err(NotText::Binary)
        );
    }
}
