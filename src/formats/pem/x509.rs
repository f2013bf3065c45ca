//! What a PEM block's DER says: a certificate's names, dates, key and
//! fingerprint, or a private key's public half. Private key material is
//! read only to find that public half and is never kept.

use std::net::IpAddr;

use sha2::{Digest, Sha256};
use x509_cert::der::asn1::{BitString, ObjectIdentifier};
use x509_cert::der::{Decode, Encode, Reader, SliceReader};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

/// What one block holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Content {
    Certificate(Box<Certificate>),
    PrivateKey(PrivateKey),
    /// A public key (`PUBLIC KEY`, `RSA PUBLIC KEY`).
    PublicKey(PublicKey),
    /// Parameters, a request, or DER that could not be read.
    Other,
}

/// A public key's algorithm and size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyAlgorithm {
    Rsa {
        bits: u32,
    },
    Dsa {
        bits: u32,
    },
    Ec {
        curve: Curve,
    },
    Ed25519,
    Ed448,
    /// Any other algorithm, by OID.
    Other(String),
}

/// An elliptic curve.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
    P521,
    Secp256k1,
    /// A curve this reader does not name (or explicit parameters).
    Unknown,
}

impl Curve {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::P256 => "P-256",
            Self::P384 => "P-384",
            Self::P521 => "P-521",
            Self::Secp256k1 => "secp256k1",
            Self::Unknown => "an unnamed curve",
        }
    }

    /// The curve's size in bits, when known.
    #[must_use]
    pub fn bits(self) -> Option<u32> {
        match self {
            Self::P256 | Self::Secp256k1 => Some(256),
            Self::P384 => Some(384),
            Self::P521 => Some(521),
            Self::Unknown => None,
        }
    }
}

impl KeyAlgorithm {
    /// `RSA 2048`, `EC P-256`, `Ed25519`.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Rsa { bits } => format!("RSA {bits}-bit"),
            Self::Dsa { bits } => format!("DSA {bits}-bit"),
            Self::Ec { curve } => format!("EC {}", curve.name()),
            Self::Ed25519 => "Ed25519".to_string(),
            Self::Ed448 => "Ed448".to_string(),
            Self::Other(oid) => format!("algorithm {oid}"),
        }
    }

    /// The key's size in bits, as `openssl` prints it.
    #[must_use]
    pub fn bits(&self) -> Option<u32> {
        match self {
            Self::Rsa { bits } | Self::Dsa { bits } => Some(*bits),
            Self::Ec { curve } => curve.bits(),
            Self::Ed25519 => Some(256),
            Self::Ed448 => Some(456),
            Self::Other(_) => None,
        }
    }
}

/// A public key: its algorithm, and the SHA-256 of its DER
/// `SubjectPublicKeyInfo`, which tells two keys apart without showing
/// either.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey {
    pub algorithm: KeyAlgorithm,
    pub spki_sha256: [u8; 32],
}

/// A private key, without its secret: whether it is encrypted, and its
/// public key where the file holds enough to know it (an Ed25519 key
/// stores only its seed, and an encrypted key cannot be read).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrivateKey {
    pub encrypted: bool,
    /// The algorithm, when it can be read.
    pub algorithm: Option<KeyAlgorithm>,
    pub public: Option<PublicKey>,
}

/// An X.509 certificate, as far as the checks need it. None of it is
/// secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    /// RFC 4514 form, most specific part first.
    pub subject: String,
    pub issuer: String,
    pub common_name: Option<String>,
    /// Upper-case hexadecimal, as `openssl` prints it.
    pub serial: String,
    /// Seconds since the Unix epoch.
    pub not_before: i64,
    pub not_after: i64,
    pub sha256_fingerprint: [u8; 32],
    /// The subject alternative names.
    pub dns_names: Vec<String>,
    pub ip_addresses: Vec<IpAddr>,
    /// Basic constraints say it is a CA.
    pub is_ca: bool,
    pub key: PublicKey,
    pub subject_key_id: Option<Vec<u8>>,
    pub authority_key_id: Option<Vec<u8>>,
    /// DER of the subject and issuer names, compared byte for byte when
    /// a chain is built.
    pub subject_der: Vec<u8>,
    pub issuer_der: Vec<u8>,
}

impl Certificate {
    /// `AB:CD:...`, as `openssl x509 -fingerprint -sha256` prints it.
    #[must_use]
    pub fn fingerprint(&self) -> String {
        hex_colons(&self.sha256_fingerprint)
    }

    /// Whether `issuer` may have issued this certificate: the issuer name
    /// is its subject and, when both say, the key identifiers agree. The
    /// signature itself is not verified.
    #[must_use]
    pub fn names_issuer(&self, issuer: &Certificate) -> bool {
        if self.issuer_der != issuer.subject_der {
            return false;
        }
        match (&self.authority_key_id, &issuer.subject_key_id) {
            (Some(a), Some(s)) => a == s,
            _ => true,
        }
    }

    /// Whether the certificate covers `host` (a DNS name or an address):
    /// its subject alternative names, or its common name when it has
    /// none, as TLS clients match them (RFC 6125: a `*` stands for one
    /// whole left-most label).
    #[must_use]
    pub fn covers(&self, host: &str) -> bool {
        let bare = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        if let Ok(ip) = bare.parse::<IpAddr>() {
            return self.ip_addresses.contains(&ip);
        }
        let host = bare.trim_end_matches('.').to_ascii_lowercase();
        let names: Vec<&str> = if self.dns_names.is_empty() && self.ip_addresses.is_empty() {
            self.common_name.iter().map(String::as_str).collect()
        } else {
            self.dns_names.iter().map(String::as_str).collect()
        };
        names.iter().any(|name| name_matches(name, &host))
    }
}

/// RFC 6125 matching of a presented name against a lower-case host.
fn name_matches(pattern: &str, host: &str) -> bool {
    let pattern = pattern.trim_end_matches('.').to_ascii_lowercase();
    match pattern.strip_prefix("*.") {
        Some(rest) => host
            .split_once('.')
            .is_some_and(|(label, tail)| !label.is_empty() && tail == rest && rest.contains('.')),
        None => pattern == host,
    }
}

fn serial_value(bytes: &[u8]) -> &[u8] {
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    &bytes[zeros.min(bytes.len().saturating_sub(1))..]
}

/// `AB:CD:...`.
#[must_use]
pub fn hex_colons(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        push_hex(&mut out, *b);
    }
    out
}

fn push_hex(out: &mut String, byte: u8) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    out.push(char::from(DIGITS[usize::from(byte >> 4)]));
    out.push(char::from(DIGITS[usize::from(byte & 0xf)]));
}

/// SHA-256 of some bytes.
#[must_use]
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

const RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const DSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10040.4.1");
const EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");
const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
const SECP256K1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.10");

fn curve(oid: Option<ObjectIdentifier>) -> Curve {
    match oid {
        Some(o) if o == P256 => Curve::P256,
        Some(o) if o == P384 => Curve::P384,
        Some(o) if o == P521 => Curve::P521,
        Some(o) if o == SECP256K1 => Curve::Secp256k1,
        _ => Curve::Unknown,
    }
}

/// Reads the DER of a block by its label.
#[must_use]
pub fn read(label: &str, der: &[u8], encrypted_header: bool) -> Content {
    let content = match label {
        "CERTIFICATE" | "TRUSTED CERTIFICATE" | "X509 CERTIFICATE" => {
            certificate(der).map(|c| Content::Certificate(Box::new(c)))
        }
        "PRIVATE KEY" => pkcs8_key(der).map(Content::PrivateKey),
        "ENCRYPTED PRIVATE KEY" => Some(Content::PrivateKey(PrivateKey {
            encrypted: true,
            algorithm: None,
            public: None,
        })),
        "RSA PRIVATE KEY" | "EC PRIVATE KEY" | "DSA PRIVATE KEY" if encrypted_header => {
            Some(Content::PrivateKey(PrivateKey {
                encrypted: true,
                algorithm: None,
                public: None,
            }))
        }
        "RSA PRIVATE KEY" => rsa_private_key(der).map(Content::PrivateKey),
        "EC PRIVATE KEY" => sec1_key(der, None).map(Content::PrivateKey),
        "PUBLIC KEY" => SubjectPublicKeyInfoOwned::from_der(der)
            .ok()
            .map(|spki| Content::PublicKey(public_key(&spki))),
        "RSA PUBLIC KEY" => rsa_public_spki(der).map(|spki| Content::PublicKey(public_key(&spki))),
        _ => None,
    };
    content.unwrap_or(Content::Other)
}

fn certificate(der: &[u8]) -> Option<Certificate> {
    // A `TRUSTED CERTIFICATE` carries OpenSSL's trust settings after the
    // certificate: read the first element only.
    let mut reader = SliceReader::new(der).ok()?;
    let cert = x509_cert::Certificate::decode(&mut reader).ok()?;
    let used = usize::try_from(u32::from(reader.position())).ok()?;
    let tbs = cert.tbs_certificate();
    let mut dns_names = Vec::new();
    let mut ip_addresses = Vec::new();
    if let Ok(Some((_, SubjectAltName(names)))) = tbs.get_extension::<SubjectAltName>() {
        for name in names {
            match name {
                GeneralName::DnsName(dns) => dns_names.push(dns.to_string()),
                GeneralName::IpAddress(octets) => match octets.as_bytes().len() {
                    4 => {
                        let b: [u8; 4] = octets.as_bytes().try_into().ok()?;
                        ip_addresses.push(IpAddr::from(b));
                    }
                    16 => {
                        let b: [u8; 16] = octets.as_bytes().try_into().ok()?;
                        ip_addresses.push(IpAddr::from(b));
                    }
                    _ => {}
                },
                _ => {}
            }
        }
    }
    let is_ca = matches!(
        tbs.get_extension::<BasicConstraints>(),
        Ok(Some((_, BasicConstraints { ca: true, .. })))
    );
    let subject_key_id = tbs
        .get_extension::<SubjectKeyIdentifier>()
        .ok()
        .flatten()
        .map(|(_, id)| id.0.as_bytes().to_vec());
    let authority_key_id = tbs
        .get_extension::<AuthorityKeyIdentifier>()
        .ok()
        .flatten()
        .and_then(|(_, id)| id.key_identifier.map(|k| k.as_bytes().to_vec()));
    let common_name = super::dn::common_name(tbs.subject());
    let time = |t: &x509_cert::time::Time| {
        i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
    };
    Some(Certificate {
        subject: super::dn::rfc4514(tbs.subject()),
        issuer: super::dn::rfc4514(tbs.issuer()),
        common_name,
        // The integer's value, as openssl prints it: without the zero
        // byte DER puts before a value whose top bit is set.
        serial: serial_value(tbs.serial_number().as_bytes()).iter().fold(
            String::new(),
            |mut out, b| {
                push_hex(&mut out, *b);
                out
            },
        ),
        not_before: time(&tbs.validity().not_before),
        not_after: time(&tbs.validity().not_after),
        sha256_fingerprint: sha256(der.get(..used)?),
        dns_names,
        ip_addresses,
        is_ca,
        key: public_key(tbs.subject_public_key_info()),
        subject_key_id,
        authority_key_id,
        subject_der: tbs.subject().to_der().ok()?,
        issuer_der: tbs.issuer().to_der().ok()?,
    })
}

fn public_key(spki: &SubjectPublicKeyInfoOwned) -> PublicKey {
    let oid = spki.algorithm.oid;
    let algorithm = if oid == RSA {
        let bits = spki
            .subject_public_key
            .as_bytes()
            .and_then(|key| pkcs1::RsaPublicKeyRef::from_der(key).ok())
            .map_or(0, |key| uint_bits(key.modulus.as_bytes()));
        KeyAlgorithm::Rsa { bits }
    } else if oid == EC {
        let named = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
        KeyAlgorithm::Ec {
            curve: curve(named),
        }
    } else if oid == ED25519 {
        KeyAlgorithm::Ed25519
    } else if oid == ED448 {
        KeyAlgorithm::Ed448
    } else if oid == DSA {
        // Dss-Parms ::= SEQUENCE { p, q, g }
        let bits = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.to_der().ok())
            .and_then(|der| dsa_p_bits(&der))
            .unwrap_or(0);
        KeyAlgorithm::Dsa { bits }
    } else {
        KeyAlgorithm::Other(oid.to_string())
    };
    PublicKey {
        algorithm,
        spki_sha256: sha256(&spki.to_der().unwrap_or_default()),
    }
}

/// Bits of a big-endian unsigned integer.
fn uint_bits(bytes: &[u8]) -> u32 {
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    let bytes = &bytes[zeros..];
    match bytes.first() {
        None => 0,
        Some(&top) => (bytes.len() as u32 - 1) * 8 + (8 - top.leading_zeros()),
    }
}

fn dsa_p_bits(der: &[u8]) -> Option<u32> {
    let mut reader = SliceReader::new(der).ok()?;
    reader
        .sequence(|seq| -> x509_cert::der::Result<u32> {
            let p = x509_cert::der::asn1::UintRef::decode(seq)?;
            // The rest (q, g) is not needed.
            let rest = seq.remaining_len();
            seq.read_slice(rest)?;
            Ok(uint_bits(p.as_bytes()))
        })
        .ok()
}

fn rsa_public_spki(pkcs1_der: &[u8]) -> Option<SubjectPublicKeyInfoOwned> {
    Some(SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned {
            oid: RSA,
            parameters: Some(x509_cert::der::asn1::Null.into()),
        },
        subject_public_key: BitString::from_bytes(pkcs1_der).ok()?,
    })
}

fn rsa_private_key(der: &[u8]) -> Option<PrivateKey> {
    let key = pkcs1::RsaPrivateKeyRef::from_der(der).ok()?;
    let public = pkcs1::RsaPublicKeyRef {
        modulus: key.modulus,
        public_exponent: key.public_exponent,
    }
    .to_der()
    .ok()?;
    let spki = rsa_public_spki(&public)?;
    let public = public_key(&spki);
    Some(PrivateKey {
        encrypted: false,
        algorithm: Some(public.algorithm.clone()),
        public: Some(public),
    })
}

/// An `ECPrivateKey`; `curve` is the PKCS#8 wrapper's when it names one.
fn sec1_key(der: &[u8], curve_oid: Option<ObjectIdentifier>) -> Option<PrivateKey> {
    let key = sec1::EcPrivateKey::from_der(der).ok()?;
    let oid = curve_oid.or_else(|| key.parameters.and_then(sec1::EcParameters::named_curve));
    let algorithm = KeyAlgorithm::Ec { curve: curve(oid) };
    let public = match (oid, key.public_key) {
        (Some(oid), Some(point)) => Some(public_key(&SubjectPublicKeyInfoOwned {
            algorithm: AlgorithmIdentifierOwned {
                oid: EC,
                parameters: Some(oid.into()),
            },
            subject_public_key: BitString::from_bytes(point).ok()?,
        })),
        _ => None,
    };
    Some(PrivateKey {
        encrypted: false,
        algorithm: Some(algorithm),
        public,
    })
}

fn pkcs8_key(der: &[u8]) -> Option<PrivateKey> {
    let info = pkcs8::PrivateKeyInfoRef::from_der(der).ok()?;
    let oid = info.algorithm.oid;
    let inner = info.private_key.as_bytes();
    if oid == RSA {
        return rsa_private_key(inner);
    }
    if oid == EC {
        let named = info
            .algorithm
            .parameters
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
        return sec1_key(inner, named);
    }
    let algorithm = if oid == ED25519 {
        KeyAlgorithm::Ed25519
    } else if oid == ED448 {
        KeyAlgorithm::Ed448
    } else if oid == DSA {
        let bits = info
            .algorithm
            .parameters
            .and_then(|p| p.to_der().ok())
            .and_then(|der| dsa_p_bits(&der))
            .unwrap_or(0);
        KeyAlgorithm::Dsa { bits }
    } else {
        KeyAlgorithm::Other(oid.to_string())
    };
    // Only a version 2 key carries its public key; computing it from an
    // Edwards seed takes curve arithmetic this reader does not do.
    let public = info.public_key.and_then(|bits| {
        let spki = SubjectPublicKeyInfoOwned {
            algorithm: AlgorithmIdentifierOwned {
                oid,
                parameters: None,
            },
            subject_public_key: BitString::from_bytes(bits.as_bytes()?).ok()?,
        };
        Some(public_key(&spki))
    });
    Some(PrivateKey {
        encrypted: false,
        algorithm: Some(algorithm),
        public,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_cover_one_label() {
        assert!(name_matches("*.example.org", "gluu.example.org"));
        assert!(!name_matches("*.example.org", "a.b.example.org"));
        assert!(!name_matches("*.example.org", "example.org"));
        assert!(!name_matches("*.org", "example.org"));
        assert!(name_matches("Gluu.Example.org.", "gluu.example.org"));
    }

    #[test]
    fn fingerprints_print_like_openssl() {
        assert_eq!(hex_colons(&[0xab, 0x01]), "AB:01");
    }
}
