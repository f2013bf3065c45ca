//! Differential test: clusterlint's LDIF reading against the reference
//! reading of `scripts/ldif_oracle.py` (ldif3), stored beside each real
//! OpenDJ / OpenDS file of `fixtures/real/opendj/` as `*.oracle.json`:
//! the same records in the same order, each with the same DN, the line of
//! its `dn:`, and the same attributes (names lowercased, values in file
//! order). The one file without a reading starts with a space, which
//! OpenDS refuses: clusterlint must give a located error at line 1.

use std::fs;
use std::path::{Path, PathBuf};

use clusterlint::formats::ldif::{self, Value};
use serde_json::Value as Json;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/real/opendj")
}

fn ldif_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            ldif_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "ldif") {
            out.push(path);
        }
    }
}

/// Standard base64 with padding, as the oracle prints non-UTF-8 values.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn as_oracle(value: &Value) -> String {
    match value {
        Value::Text(t) => t.clone(),
        Value::Bytes(b) => format!("base64:{}", base64(b)),
        Value::Url(u) => format!("url:{u}"),
    }
}

/// The records as the oracle writes them.
fn reading(text: &str) -> Json {
    let doc = ldif::parse(text);
    let records = doc
        .records
        .iter()
        .map(|r| {
            let line = text[..r.dn_line.start as usize].matches('\n').count() + 1;
            let mut attributes = serde_json::Map::new();
            for a in &r.attributes {
                let values = attributes
                    .entry(a.name.to_ascii_lowercase())
                    .or_insert_with(|| Json::Array(Vec::new()));
                values
                    .as_array_mut()
                    .unwrap()
                    .push(Json::String(as_oracle(&a.value)));
            }
            serde_json::json!({"dn": r.dn, "line": line, "attributes": attributes})
        })
        .collect();
    Json::Array(records)
}

#[test]
fn real_files_read_as_the_oracle_reads_them() {
    let mut files = Vec::new();
    ldif_files(&corpus(), &mut files);
    let mut compared = 0;
    let mut refused = 0;
    for path in &files {
        let bytes = fs::read(path).unwrap();
        let text = String::from_utf8(bytes).expect("the corpus is UTF-8");
        let oracle_path = PathBuf::from(format!("{}.oracle.json", path.display()));
        let doc = ldif::parse(&text);
        if !oracle_path.exists() {
            // The one file the oracle refuses.
            let first = doc.errors.first().unwrap_or_else(|| {
                panic!("{}: no reference reading, yet no error", path.display())
            });
            assert_eq!(
                text[..first.range.start as usize].matches('\n').count() + 1,
                1,
                "{}: the error is not at line 1: {first:?}",
                path.display()
            );
            refused += 1;
            continue;
        }
        assert!(
            doc.errors.is_empty(),
            "{}: {:?}",
            path.display(),
            doc.errors
        );
        let expected: Json =
            serde_json::from_str(&fs::read_to_string(&oracle_path).unwrap()).expect("oracle JSON");
        let got = reading(&text);
        let (expected, got) = (expected.as_array().unwrap(), got.as_array().unwrap());
        assert_eq!(
            got.len(),
            expected.len(),
            "{}: record count",
            path.display()
        );
        for (g, e) in got.iter().zip(expected) {
            assert_eq!(g, e, "{}: record at line {}", path.display(), e["line"]);
        }
        compared += 1;
    }
    assert_eq!(compared, 6, "files with a reference reading");
    assert_eq!(refused, 1, "files without one");
}

#[test]
fn spans_point_at_the_text() {
    let path = corpus().join("opends-2.2.1-ldapunit-jar/config/config.ldif");
    let text = fs::read_to_string(path).unwrap();
    let doc = ldif::parse(&text);
    for r in &doc.records {
        assert_eq!(r.dn_range.slice(&text), r.dn, "CRLF files keep the CR out");
        assert!(r.dn_line.slice(&text).starts_with("dn:"));
        for a in &r.attributes {
            assert!(a.name_range.slice(&text).eq_ignore_ascii_case(&a.name));
            if let Value::Text(t) = &a.value {
                assert_eq!(a.value_range.slice(&text), t);
            }
        }
    }
}
