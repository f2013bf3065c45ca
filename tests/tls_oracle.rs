//! Certificates and keys read by `clusterlint::formats::pem` against what
//! `openssl` says about the same files (`tests/data/tls/oracle.json`,
//! written by `scripts/tls_oracle.py`).

use std::net::IpAddr;
use std::path::Path;

use clusterlint::formats::pem::{self, x509};
use serde_json::Value;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/tls");

/// The generated files, and real CA certificates (Mozilla's roots as
/// Debian ships them: `tests/data/tls/real/README.md`).
const REAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/tls/real");

fn oracle_of(dir: &str) -> Value {
    let text = std::fs::read_to_string(Path::new(dir).join("oracle.json"))
        .unwrap_or_else(|e| panic!("{dir}/oracle.json is part of the repository: {e}"));
    serde_json::from_str(&text).expect("oracle.json is JSON")
}

fn oracle() -> Value {
    oracle_of(DATA)
}

fn read_in(dir: &str, name: &str) -> pem::PemDocument {
    let text = std::fs::read_to_string(Path::new(dir).join(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let doc = pem::parse(&text);
    assert!(doc.errors.is_empty(), "{name}: {:?}", doc.errors);
    doc
}

fn read(name: &str) -> pem::PemDocument {
    read_in(DATA, name)
}

/// openssl's RFC 2253 output writes every byte >= 0x80 as `\XX`; decode
/// those so both sides are UTF-8 text with the same structural escapes.
fn unescape_hex(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && i + 2 < bytes.len() + 1 {
            let hex = text.get(i + 1..i + 3).unwrap_or("");
            if hex.len() == 2 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                let byte = u8::from_str_radix(hex, 16).unwrap();
                if byte >= 0x80 {
                    out.push(byte);
                    i += 3;
                    continue;
                }
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).expect("the escapes spell UTF-8")
}

fn key_matches(algorithm: &x509::KeyAlgorithm, block: &Value, what: &str) {
    let (kind, bits, curve) = match algorithm {
        x509::KeyAlgorithm::Rsa { bits } => ("RSA", Some(*bits), None),
        x509::KeyAlgorithm::Ec { curve } => ("EC", curve.bits(), Some(curve.name())),
        x509::KeyAlgorithm::Ed25519 => ("ED25519", Some(256), None),
        other => panic!("{what}: unexpected algorithm {other:?}"),
    };
    assert_eq!(kind, block["key_type"], "{what}: key type");
    assert_eq!(
        bits.map(u64::from),
        block["key_bits"].as_u64(),
        "{what}: key bits"
    );
    assert_eq!(curve, block["curve"].as_str(), "{what}: curve");
}

fn hex(bytes: &[u8]) -> String {
    x509::hex_colons(bytes).replace(':', "").to_lowercase()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

fn check_certificate(what: &str, cert: &x509::Certificate, block: &Value) {
    assert_eq!(
        unescape_hex(block["subject"].as_str().unwrap()),
        cert.subject,
        "{what}: subject"
    );
    assert_eq!(
        unescape_hex(block["issuer"].as_str().unwrap()),
        cert.issuer,
        "{what}: issuer"
    );
    assert_eq!(
        cert.common_name.as_deref(),
        block["common_name"].as_str(),
        "{what}: CN"
    );
    assert_eq!(cert.serial, block["serial"], "{what}: serial");
    assert_eq!(cert.not_before, block["not_before"].as_i64().unwrap());
    assert_eq!(cert.not_after, block["not_after"].as_i64().unwrap());
    assert_eq!(
        cert.fingerprint(),
        block["sha256_fingerprint"],
        "{what}: fingerprint"
    );
    assert_eq!(cert.dns_names, strings(&block["dns_names"]), "{what}: DNS");
    let ips: Vec<IpAddr> = strings(&block["ip_addresses"])
        .iter()
        .map(|ip| ip.parse().unwrap())
        .collect();
    assert_eq!(cert.ip_addresses, ips, "{what}: IP");
    assert_eq!(cert.is_ca, block["is_ca"], "{what}: CA");
    key_matches(&cert.key.algorithm, block, what);
    assert_eq!(
        hex(&cert.key.spki_sha256),
        block["spki_sha256"],
        "{what}: SPKI"
    );
}

fn check_private_key(what: &str, key: &x509::PrivateKey, block: &Value) {
    assert_eq!(key.encrypted, block["encrypted"], "{what}: encrypted");
    if key.encrypted {
        assert!(key.algorithm.is_none() && key.public.is_none(), "{what}");
        return;
    }
    key_matches(key.algorithm.as_ref().expect(what), block, what);
    match &key.public {
        Some(public) => assert_eq!(
            hex(&public.spki_sha256),
            block["spki_sha256"],
            "{what}: public half"
        ),
        // A PKCS#8 v1 Ed25519 key carries no public half; deriving it
        // needs the curve arithmetic this crate leaves out.
        None => assert_eq!(block["key_type"], "ED25519", "{what}: public half"),
    }
}

fn compare_with_oracle(dir: &str, at_least: usize) {
    let oracle = oracle_of(dir);
    let files = oracle["files"].as_object().unwrap();
    let blocks: usize = files.values().map(|b| b.as_array().unwrap().len()).sum();
    assert!(blocks >= at_least, "the oracle lists the whole data set");
    for (name, blocks) in files {
        let doc = read_in(dir, name);
        let blocks = blocks.as_array().unwrap();
        assert_eq!(doc.blocks.len(), blocks.len(), "{name}: block count");
        let text = std::fs::read_to_string(Path::new(dir).join(name)).unwrap();
        for (index, (ours, theirs)) in doc.blocks.iter().zip(blocks).enumerate() {
            let what = format!("{name} block {index}");
            assert_eq!(ours.label, theirs["label"], "{what}: label");
            let line = text[..ours.range.as_usize().start].matches('\n').count() + 1;
            assert_eq!(
                line as u64,
                theirs["line"].as_u64().unwrap(),
                "{what}: line"
            );
            match theirs["kind"].as_str().unwrap() {
                "certificate" => check_certificate(&what, ours.certificate().expect(&what), theirs),
                "private_key" => check_private_key(&what, ours.private_key().expect(&what), theirs),
                _ => assert!(matches!(ours.content, x509::Content::Other), "{what}"),
            }
        }
    }
}

#[test]
fn every_block_reads_as_openssl_reads_it() {
    compare_with_oracle(DATA, 30);
}

/// 142 root certificates of many CAs, countries and name encodings.
#[test]
fn real_ca_certificates_read_as_openssl_reads_them() {
    compare_with_oracle(REAL, 140);
}

/// Issuer by name and key identifier agrees with openssl's signature check,
/// except for the impostor, which copies a CA's name: only a signature
/// tells it apart, and `names_issuer` says so in its doc.
#[test]
fn issuer_by_name_agrees_with_signatures() {
    let oracle = oracle();
    let cas: Vec<(String, x509::Certificate)> = strings(&oracle["ca_files"])
        .into_iter()
        .map(|name| {
            let cert = read(&name).blocks[0].certificate().unwrap().clone();
            (name, cert)
        })
        .collect();
    let mut checked = 0;
    for (name, blocks) in oracle["files"].as_object().unwrap() {
        let doc = read(name);
        for (ours, theirs) in doc.blocks.iter().zip(blocks.as_array().unwrap()) {
            let Some(cert) = ours.certificate() else {
                continue;
            };
            let signed_by = strings(&theirs["signed_by"]);
            for (ca_name, ca) in &cas {
                let by_name = cert.names_issuer(ca);
                let by_signature = signed_by.contains(ca_name);
                let impostor = ca_name == "impostor-ca.crt" || name == "impostor-ca.crt";
                if impostor && by_name && !by_signature {
                    continue;
                }
                assert_eq!(by_name, by_signature, "{name} issued by {ca_name}");
                checked += 1;
            }
        }
    }
    assert!(checked > 40, "{checked} pairs checked");
}

#[test]
fn a_key_and_its_certificate_share_a_public_half() {
    let cert = read("server.crt").blocks[0].certificate().unwrap().clone();
    let key = read("server.key").blocks[0].private_key().unwrap().clone();
    let other = read("rsa2048.key").blocks[0].private_key().unwrap().clone();
    assert_eq!(key.public.unwrap().spki_sha256, cert.key.spki_sha256);
    assert_ne!(other.public.unwrap().spki_sha256, cert.key.spki_sha256);
}

#[test]
fn names_a_certificate_covers() {
    let cert = read("rsa2048.crt").blocks[0].certificate().unwrap().clone();
    assert!(cert.covers("gluu.example.org"));
    assert!(cert.covers("GLUU.example.org."));
    assert!(cert.covers("idp.example.org"), "one-label wildcard");
    assert!(
        !cert.covers("a.b.example.org"),
        "a wildcard spans one label"
    );
    assert!(!cert.covers("example.org"));
    assert!(cert.covers("10.0.0.5"));
    assert!(!cert.covers("10.0.0.6"));
    let no_san = read("no-san.crt").blocks[0].certificate().unwrap().clone();
    assert!(
        no_san.covers("nosan.example.org"),
        "CN counts without a SAN"
    );
}

/// No field of a parsed key, printed with `{:?}`, shows key bytes.
#[test]
fn key_debug_output_holds_no_key_material() {
    for name in [
        "rsa2048.key",
        "rsa2048-pkcs1.key",
        "ec-p256-sec1.key",
        "ed25519.key",
    ] {
        let text = std::fs::read_to_string(Path::new(DATA).join(name)).unwrap();
        let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
        let printed = format!("{:?}", pem::parse(&text));
        for chunk in body.as_bytes().chunks(16) {
            let chunk = std::str::from_utf8(chunk).unwrap();
            assert!(!printed.contains(chunk), "{name}: base64 leaked");
        }
    }
}
