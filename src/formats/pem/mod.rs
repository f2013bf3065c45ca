//! PEM files that configurations name (stunnel `cert`/`key`/`CAfile`,
//! nginx `ssl_certificate`, Gluu's `/etc/certs`): which blocks they hold
//! and what each says ([`x509::Content`]). A key's secret never leaves
//! this module; a certificate's names, dates and fingerprint are public.

pub mod dn;
pub mod format;
pub mod x509;

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
    /// What the DER says.
    pub content: x509::Content,
}

impl PemBlock {
    /// The RSA modulus size in bits, when the block is an RSA key or a
    /// certificate with an RSA key.
    #[must_use]
    pub fn rsa_bits(&self) -> Option<u32> {
        match self.algorithm()? {
            x509::KeyAlgorithm::Rsa { bits } => Some(*bits),
            _ => None,
        }
    }

    /// The key's algorithm and size, for a key or a certificate.
    #[must_use]
    pub fn algorithm(&self) -> Option<&x509::KeyAlgorithm> {
        match &self.content {
            x509::Content::Certificate(cert) => Some(&cert.key.algorithm),
            x509::Content::PrivateKey(key) => key.algorithm.as_ref(),
            x509::Content::PublicKey(key) => Some(&key.algorithm),
            x509::Content::Other => None,
        }
    }

    /// The certificate, if the block is one.
    #[must_use]
    pub fn certificate(&self) -> Option<&x509::Certificate> {
        match &self.content {
            x509::Content::Certificate(cert) => Some(cert),
            _ => None,
        }
    }

    /// The private key, if the block is one.
    #[must_use]
    pub fn private_key(&self) -> Option<&x509::PrivateKey> {
        match &self.content {
            x509::Content::PrivateKey(key) => Some(key),
            _ => None,
        }
    }
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
    // The label, the BEGIN line, the base64 body, and whether an RFC 1421
    // header says the body is encrypted.
    let mut open: Option<(String, TextRange, String, bool)> = None;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if let Some(label) = trimmed
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        {
            let range = TextRange::from_usize(start..start + line.trim_end().len());
            open = Some((label.to_string(), range, String::new(), false));
        } else if let Some(label) = trimmed
            .strip_prefix("-----END ")
            .and_then(|l| l.strip_suffix("-----"))
        {
            if let Some((begin, range, body, encrypted)) = open.take() {
                let end = TextRange::from_usize(start..start + line.trim_end().len());
                if begin != label {
                    doc.errors.push(ParseError::new(
                        range,
                        "this PEM block ends with a different label",
                    ));
                }
                let content = crate::formats::decode::base64(&body)
                    .map_or(x509::Content::Other, |der| {
                        x509::read(&begin, &der, encrypted)
                    });
                doc.blocks.push(PemBlock {
                    label: begin,
                    range,
                    end,
                    content,
                });
            }
        } else if let Some((_, _, body, encrypted)) = &mut open {
            if let Some(value) = trimmed.strip_prefix("Proc-Type:") {
                *encrypted |= value.contains("ENCRYPTED");
            } else if !trimmed.contains(':') {
                body.push_str(trimmed);
            }
        }
    }
    if let Some((_, range, _, _)) = open {
        doc.errors
            .push(ParseError::new(range, "this PEM block has no END line"));
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unterminated_block() {
        assert_eq!(parse("-----BEGIN CERTIFICATE-----\nAAAA\n").errors.len(), 1);
    }
}
