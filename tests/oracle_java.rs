//! Differential test: the JDK-dialect parse of every corpus `.properties`
//! file against `java.util.Properties` itself, key by key. A tiny Java
//! program (`tests/oracle/PropsDump.java`) is compiled once and run on all
//! files in one JVM. Without `javac`, the test is skipped loudly (and fails
//! under `CI=true`).

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;

use clusterlint::formats::decode::{self, Encoding};
use clusterlint::formats::properties::{self, Dialect};
use common::generate::{print_properties, properties_entry};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

/// What a reader made of one file: its keys and values, or why it refused it.
type Parsed = Result<BTreeMap<String, String>, String>;

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn require_oracle() -> bool {
    if have("javac") && have("java") {
        return true;
    }
    common::missing("a JDK (javac and java)");
    false
}

fn escape(s: &str) -> String {
    let mut out = String::new();
    for unit in s.encode_utf16() {
        if !(0x20..=0x7e).contains(&unit) || unit == u16::from(b'\\') {
            let _ = write!(out, "\\u{unit:04x}");
        } else {
            out.push(char::from(unit as u8));
        }
    }
    out
}

/// What our JDK-dialect parse says: `Err` when java.util.Properties would
/// refuse the file, else the keys and values (last definition wins).
fn ours(bytes: Vec<u8>) -> Parsed {
    let (text, _) = decode::decode(bytes, Encoding::Latin1).map_err(|_| "binary".to_string())?;
    let doc = properties::parse(&text, Dialect::Jdk);
    if let Some(e) = doc
        .errors
        .iter()
        .find(|e| e.message.starts_with("malformed `\\uXXXX`"))
    {
        return Err(e.message.to_string());
    }
    Ok(doc
        .entries
        .iter()
        .map(|e| (escape(e.key(&text)), escape(e.value(&text))))
        .collect())
}

#[test]
fn jdk_dialect_agrees_with_java_util_properties() {
    let corpus = common::corpus();
    if !require_oracle() {
        return;
    }
    // The corpus, plus hand-made edge cases from the format notes.
    let scratch = tempfile::tempdir().unwrap();
    let edge_cases: &[&[u8]] = &[
        b"a=b\\\n\nc=d",
        b"a=b,\\\n    #comment\\\n    c",
        b"key",
        b"a = b   ",
        b"a==b\na:=b\na b c\n",
        b"a\\ b=c",
        b"a=\\uD83D\\uDE00",
        b"a=b\\",
        b"a=\\q\\b",
        b"x=1\nx=2",
        b"#c\\\nfoo=bar",
        b"a=\\u12",
        b"a=b\\\n\xa0c",
        b"a=b\\\n\x0bc",
        b"a=b\r\nc=d\\\r\n  e\r\n",
        b"a=b\rc=d",
        b"a=b\\\\\nc=d",
        b"a=\\u+041",
        b"a=\\\n\n",
        b"\xef\xbb\xbfa=1",
        b"a = x , y ,z",
        b"a\\\n  b=c",
        b"\\#k=1\n\\!x:y",
        b"\xe9t\xe9=\x80\xff",
        b"",
    ];
    let mut paths = common::files_under(&corpus.join("properties"));
    for (i, case) in edge_cases.iter().enumerate() {
        let path = scratch.path().join(format!("edge{i}.properties"));
        fs::write(&path, case).unwrap();
        paths.push(path);
    }

    let java = run_java(scratch.path(), &paths);

    let mut disagreements = Vec::new();
    for path in &paths {
        let theirs = &java[&path.display().to_string()];
        let mine = ours(fs::read(path).unwrap());
        match (theirs, &mine) {
            (Ok(a), Ok(b)) if a == b => {}
            (Err(_), Err(_)) => {}
            (Ok(a), Ok(b)) => {
                let mut diff = Vec::new();
                for key in a
                    .keys()
                    .chain(b.keys())
                    .collect::<std::collections::BTreeSet<_>>()
                {
                    if a.get(key) != b.get(key) {
                        diff.push(format!(
                            "  {key}: java {:?} / ours {:?}",
                            a.get(key),
                            b.get(key)
                        ));
                    }
                }
                disagreements.push(format!("{}:\n{}", path.display(), diff.join("\n")));
            }
            (a, b) => disagreements.push(format!("{}: java {a:?} / ours {b:?}", path.display())),
        }
    }
    eprintln!("compared {} files with java.util.Properties", paths.len());
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// What `java.util.Properties` makes of each file, all read by one JVM.
fn run_java(scratch: &Path, paths: &[std::path::PathBuf]) -> BTreeMap<String, Parsed> {
    let classes = scratch.join("classes");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/PropsDump.java");
    let status = Command::new("javac")
        .arg("-d")
        .arg(&classes)
        .arg(&source)
        .status()
        .unwrap();
    assert!(status.success(), "javac failed");
    let output = Command::new("java")
        .arg("-cp")
        .arg(&classes)
        .arg("PropsDump")
        .args(paths)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();

    let mut java: BTreeMap<String, Parsed> = BTreeMap::new();
    let mut current: Option<(String, Parsed)> = None;
    for line in stdout.lines() {
        let mut parts = line.splitn(3, '\t');
        match parts.next() {
            Some("FILE") => {
                current = Some((parts.next().unwrap().to_string(), Ok(BTreeMap::new())));
            }
            Some("K") => {
                if let Some((_, Ok(map))) = &mut current {
                    map.insert(
                        parts.next().unwrap().to_string(),
                        parts.next().unwrap_or("").to_string(),
                    );
                }
            }
            Some("ERROR") => {
                if let Some((_, result)) = &mut current {
                    *result = Err(parts.next().unwrap_or("").to_string());
                }
            }
            Some("END") => {
                let (path, result) = current.take().unwrap();
                java.insert(path, result);
            }
            _ => {}
        }
    }
    assert_eq!(java.len(), paths.len());
    java
}

/// Documents generated from the grammar (escapes, separators, continuations,
/// comments, non-ASCII as `\uXXXX`), written as Latin-1 files and read by
/// the JVM in one batch: `java.util.Properties` must decode each to the
/// generated keys and values, and so must our JDK dialect.
#[test]
fn generated_documents_decode_as_java_util_properties_does() {
    if !require_oracle() {
        return;
    }
    let scratch = tempfile::tempdir().unwrap();
    let mut runner = TestRunner::deterministic();
    let documents = proptest::collection::vec(properties_entry(), 0..8);
    let mut paths = Vec::new();
    let mut expected = Vec::new();
    for i in 0..400 {
        let entries = documents.new_tree(&mut runner).unwrap().current();
        let line_end = if i % 3 == 0 { "\r\n" } else { "\n" };
        let text = print_properties(&entries, line_end, false);
        // The printer writes ASCII only; Latin-1 and UTF-8 agree on it.
        assert!(text.is_ascii());
        let path = scratch.path().join(format!("generated{i}.properties"));
        fs::write(&path, &text).unwrap();
        // The last definition of a key wins.
        let map: BTreeMap<String, String> = entries
            .iter()
            .map(|e| (escape(&e.key), escape(&e.value)))
            .collect();
        paths.push(path);
        expected.push(map);
    }
    let java = run_java(scratch.path(), &paths);
    let mut disagreements = Vec::new();
    for (path, expected) in paths.iter().zip(&expected) {
        let theirs = &java[&path.display().to_string()];
        let mine = ours(fs::read(path).unwrap());
        if theirs.as_ref().ok() != Some(expected) || mine.as_ref().ok() != Some(expected) {
            disagreements.push(format!(
                "{}: generated {expected:?} / java {theirs:?} / ours {mine:?}\n{:?}",
                path.display(),
                fs::read_to_string(path).unwrap()
            ));
        }
    }
    eprintln!(
        "compared {} generated documents with java.util.Properties",
        paths.len()
    );
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
