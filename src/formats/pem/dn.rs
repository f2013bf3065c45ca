//! Distinguished names as text, the way `openssl -nameopt RFC2253` writes
//! them: most specific RDN first, OpenSSL's short attribute names, string
//! values decoded from every ASN.1 string type a certificate may use, and
//! the RFC 4514 escapes. Attributes of unknown type or value stay
//! `OID=#hex`, as the RFC prescribes.

use std::fmt::Write as _;

use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::der::{Encode, Tag, Tagged};
use x509_cert::name::Name;

/// OpenSSL's short names of the attribute types certificates use.
const NAMES: &[(&str, &str)] = &[
    ("2.5.4.3", "CN"),
    ("2.5.4.4", "SN"),
    ("2.5.4.5", "serialNumber"),
    ("2.5.4.6", "C"),
    ("2.5.4.7", "L"),
    ("2.5.4.8", "ST"),
    ("2.5.4.9", "street"),
    ("2.5.4.10", "O"),
    ("2.5.4.11", "OU"),
    ("2.5.4.12", "title"),
    ("2.5.4.13", "description"),
    ("2.5.4.15", "businessCategory"),
    ("2.5.4.17", "postalCode"),
    ("2.5.4.18", "postOfficeBox"),
    ("2.5.4.41", "name"),
    ("2.5.4.42", "GN"),
    ("2.5.4.43", "initials"),
    ("2.5.4.44", "generationQualifier"),
    ("2.5.4.45", "x500UniqueIdentifier"),
    ("2.5.4.46", "dnQualifier"),
    ("2.5.4.65", "pseudonym"),
    ("2.5.4.97", "organizationIdentifier"),
    ("1.2.840.113549.1.9.1", "emailAddress"),
    ("0.9.2342.19200300.100.1.1", "UID"),
    ("0.9.2342.19200300.100.1.25", "DC"),
    ("1.3.6.1.4.1.311.60.2.1.1", "jurisdictionL"),
    ("1.3.6.1.4.1.311.60.2.1.2", "jurisdictionST"),
    ("1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC"),
];

/// The name as RFC 4514 text.
#[must_use]
pub fn rfc4514(name: &Name) -> String {
    let mut out = String::new();
    for (i, rdn) in name
        .iter_rdn()
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .enumerate()
    {
        if i > 0 {
            out.push(',');
        }
        for (j, atv) in rdn.iter().enumerate() {
            if j > 0 {
                out.push('+');
            }
            attribute(&mut out, atv);
        }
    }
    out
}

/// The most specific common name, decoded.
#[must_use]
pub fn common_name(name: &Name) -> Option<String> {
    name.iter()
        .filter(|atv| atv.oid.to_string() == "2.5.4.3")
        .filter_map(text)
        .last()
}

fn attribute(out: &mut String, atv: &AttributeTypeAndValue) {
    let oid = atv.oid.to_string();
    let short = NAMES.iter().find(|(o, _)| *o == oid).map(|(_, n)| *n);
    if let (Some(short), Some(value)) = (short, text(atv)) {
        out.push_str(short);
        out.push('=');
        escape(out, &value);
    } else {
        let _ = write!(out, "{oid}=#");
        for byte in atv.value.to_der().unwrap_or_default() {
            let _ = write!(out, "{byte:02x}");
        }
    }
}

/// The value of a string attribute, whatever its ASN.1 string type.
fn text(atv: &AttributeTypeAndValue) -> Option<String> {
    let bytes = atv.value.value();
    match atv.value.tag() {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::VisibleString => {
            std::str::from_utf8(bytes).ok().map(str::to_string)
        }
        // T.61 as OpenSSL reads it: one byte, one Latin-1 character.
        Tag::TeletexString => Some(bytes.iter().map(|&b| char::from(b)).collect()),
        Tag::BmpString => {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).ok()
        }
        // UniversalString (universal tag 28), which `der` does not name.
        tag if tag.number().value() == 28 && !tag.is_constructed() => bytes
            .chunks_exact(4)
            .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
            .collect(),
        _ => None,
    }
}

/// RFC 4514 §2.4: special characters escaped with a backslash, a leading
/// `#` or space and a trailing space too, control characters as hex.
fn escape(out: &mut String, value: &str) {
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        match c {
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || i == last => out.push_str("\\ "),
            '"' | '+' | ',' | ';' | '<' | '>' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\0'..='\x1f' | '\x7f' => {
                let _ = write!(out, "\\{:02X}", c as u32);
            }
            _ => out.push(c),
        }
    }
}
