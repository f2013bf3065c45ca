//! PEM files referenced by stunnel (`cert`, `key`): which blocks they hold
//! and, for RSA keys and certificates, the modulus size. The content is a
//! secret; nothing but labels and sizes leaves this module.

pub mod format;

use crate::formats::ParseError;
use crate::source::TextRange;

/// One `-----BEGIN ...-----` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PemBlock {
    /// `RSA PRIVATE KEY`, `PRIVATE KEY`, `CERTIFICATE`, ...
    pub label: String,
    /// The BEGIN line.
    pub range: TextRange,
    /// The END line (a block is kept only once its END line is read).
    pub end: TextRange,
    /// The RSA modulus size in bits, when the block is an RSA key or a
    /// certificate with an RSA key.
    pub rsa_bits: Option<u32>,
}

/// A parsed PEM file.
#[derive(Clone, Debug, Default)]
pub struct PemDocument {
    pub blocks: Vec<PemBlock>,
    pub errors: Vec<ParseError>,
}

/// Reads the PEM blocks of `text`.
#[must_use]
pub fn parse(text: &str) -> PemDocument {
    let mut doc = PemDocument::default();
    let mut offset = 0;
    let mut open: Option<(String, TextRange, String)> = None;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if let Some(label) = trimmed
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        {
            let range = TextRange::from_usize(start..start + line.trim_end().len());
            open = Some((label.to_string(), range, String::new()));
        } else if let Some(label) = trimmed
            .strip_prefix("-----END ")
            .and_then(|l| l.strip_suffix("-----"))
        {
            if let Some((begin, range, body)) = open.take() {
                let end = TextRange::from_usize(start..start + line.trim_end().len());
                if begin != label {
                    doc.errors.push(ParseError::new(
                        range,
                        "this PEM block ends with a different label",
                    ));
                }
                let rsa_bits = base64(&body).and_then(|der| rsa_bits(&begin, &der));
                doc.blocks.push(PemBlock {
                    label: begin,
                    range,
                    end,
                    rsa_bits,
                });
            }
        } else if let Some((_, _, body)) = &mut open
            && !trimmed.contains(':')
        {
            body.push_str(trimmed);
        }
    }
    if let Some((_, range, _)) = open {
        doc.errors
            .push(ParseError::new(range, "this PEM block has no END line"));
    }
    doc
}

/// Standard base64, padding optional; `None` on any other character.
fn base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
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

/// A DER element: tag, and the content slice.
fn element(der: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *der.first()?;
    let first = *der.get(1)?;
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for &b in der.get(2..2 + n)? {
            len = (len << 8) | usize::from(b);
        }
        (len, 2 + n)
    };
    let content = der.get(header..header + len)?;
    Some((tag, content, &der[header + len..]))
}

/// The children of a constructed element.
fn children(mut content: &[u8]) -> Option<Vec<(u8, &[u8])>> {
    let mut out = Vec::new();
    while !content.is_empty() {
        let (tag, inner, rest) = element(content)?;
        out.push((tag, inner));
        content = rest;
    }
    Some(out)
}

/// Bits of a DER INTEGER's value.
fn integer_bits(content: &[u8]) -> u32 {
    let trimmed: &[u8] = {
        let zeros = content.iter().take_while(|&&b| b == 0).count();
        &content[zeros..]
    };
    match trimmed.first() {
        None => 0,
        Some(&top) => (trimmed.len() as u32 - 1) * 8 + (8 - top.leading_zeros()),
    }
}

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const OCTET_STRING: u8 = 0x04;
const BIT_STRING: u8 = 0x03;
const OID: u8 = 0x06;
/// 1.2.840.113549.1.1.1
const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

fn rsa_bits(label: &str, der: &[u8]) -> Option<u32> {
    let (tag, top, _) = element(der)?;
    if tag != SEQUENCE {
        return None;
    }
    let items = children(top)?;
    match label {
        // RSAPrivateKey: version, modulus, ...
        "RSA PRIVATE KEY" => match items.get(1) {
            Some(&(INTEGER, modulus)) => Some(integer_bits(modulus)),
            _ => None,
        },
        // RSAPublicKey: modulus, exponent
        "RSA PUBLIC KEY" => match items.first() {
            Some(&(INTEGER, modulus)) => Some(integer_bits(modulus)),
            _ => None,
        },
        // PrivateKeyInfo: version, algorithm, OCTET STRING(RSAPrivateKey)
        "PRIVATE KEY" => {
            let (_, algorithm) = *items.get(1)?;
            if !is_rsa(algorithm) {
                return None;
            }
            match items.get(2) {
                Some(&(OCTET_STRING, inner)) => rsa_bits("RSA PRIVATE KEY", inner),
                _ => None,
            }
        }
        "PUBLIC KEY" => spki_bits(top),
        // Certificate: tbsCertificate { [0] version, serial, signature,
        // issuer, validity, subject, subjectPublicKeyInfo, ... }
        "CERTIFICATE" | "TRUSTED CERTIFICATE" => {
            let (tag, tbs) = *items.first()?;
            if tag != SEQUENCE {
                return None;
            }
            let fields = children(tbs)?;
            let skip = usize::from(fields.first().is_some_and(|(t, _)| *t == 0xa0));
            let (tag, spki) = *fields.get(skip + 5)?;
            if tag != SEQUENCE {
                return None;
            }
            spki_bits(spki)
        }
        _ => None,
    }
}

fn is_rsa(algorithm: &[u8]) -> bool {
    children(algorithm)
        .is_some_and(|parts| matches!(parts.first(), Some(&(OID, oid)) if oid == RSA_ENCRYPTION))
}

/// SubjectPublicKeyInfo: algorithm, BIT STRING(RSAPublicKey)
fn spki_bits(spki: &[u8]) -> Option<u32> {
    let parts = children(spki)?;
    let (_, algorithm) = *parts.first()?;
    if !is_rsa(algorithm) {
        return None;
    }
    match parts.get(1) {
        Some(&(BIT_STRING, bits)) => rsa_bits("RSA PUBLIC KEY", bits.get(1..)?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rsa_sizes_from_a_hand_made_key() {
        // SEQUENCE { INTEGER 0, INTEGER <1024-bit modulus>, INTEGER 65537 }
        let mut modulus = vec![0x00, 0xc0];
        modulus.extend(std::iter::repeat_n(0x11, 127));
        let mut body = vec![INTEGER, 1, 0, INTEGER, 0x81, modulus.len() as u8];
        body.extend(&modulus);
        body.extend([INTEGER, 3, 1, 0, 1]);
        let mut der = vec![SEQUENCE, 0x81, body.len() as u8];
        der.extend(&body);
        let encoded = encode(&der);
        let text =
            format!("-----BEGIN RSA PRIVATE KEY-----\n{encoded}\n-----END RSA PRIVATE KEY-----\n");
        let doc = parse(&text);
        assert_eq!(doc.blocks[0].rsa_bits, Some(1024));
        assert_eq!(
            doc.blocks[0].end.slice(&text),
            "-----END RSA PRIVATE KEY-----"
        );
    }

    #[test]
    fn unterminated_block() {
        assert_eq!(parse("-----BEGIN CERTIFICATE-----\nAAAA\n").errors.len(), 1);
    }

    fn encode(bytes: &[u8]) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b))
                << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            }
        }
        while !out.len().is_multiple_of(4) {
            out.push('=');
        }
        out
    }
}
