//! The CI report formats, checked the way their consumers read them, on
//! every example cluster: GitLab Code Quality and reviewdog's rdjson
//! against their JSON schemas (Python `jsonschema`), Checkstyle against
//! its XSD (`xmllint`); each holds every finding of the JSON report.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::Command as Binary;
use serde_json::Value;

fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/clusters");
    let mut examples: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    examples.sort();
    assert!(examples.len() >= 3, "{examples:?}");
    examples
}

fn reference(path: &str) -> PathBuf {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("reference")
        .join(path);
    assert!(file.is_file(), "{} is missing", file.display());
    file
}

fn report(example: &Path, format: &str) -> String {
    let output = Binary::cargo_bin("clusterlint")
        .unwrap()
        .args([
            "check",
            "--format",
            format,
            "--rules-url",
            "https://docs.example.test/rules",
        ])
        .arg(example)
        .output()
        .unwrap();
    assert!(matches!(output.status.code(), Some(0 | 1)), "{format}");
    String::from_utf8(output.stdout).unwrap()
}

fn findings(example: &Path) -> usize {
    let json: Value = serde_json::from_str(&report(example, "json")).unwrap();
    json["diagnostics"].as_array().unwrap().len()
}

/// Validates `document` with Python `jsonschema` against `schema`; false
/// when the tool is missing.
fn valid_json(schema: &Path, document: &str) -> bool {
    let have = Command::new("python3")
        .args(["-c", "import jsonschema"])
        .output();
    if !have.is_ok_and(|o| o.status.success()) {
        common::missing("python3 with the jsonschema package");
        return false;
    }
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), document).unwrap();
    let script = r#"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
errors = list(cls(schema).iter_errors(json.load(open(sys.argv[2], encoding="utf-8"))))
for e in errors:
    print("/".join(str(p) for p in e.absolute_path), e.message)
sys.exit(1 if errors else 0)
"#;
    let output = Command::new("python3")
        .args(["-c", script])
        .arg(schema)
        .arg(file.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    true
}

#[test]
fn gitlab_code_quality_follows_its_format() {
    let schema = reference("gitlab/codequality.schema.json");
    for example in examples() {
        let text = report(&example, "gitlab");
        valid_json(&schema, &text);
        let issues: Vec<Value> = serde_json::from_str(&text).unwrap();
        assert_eq!(issues.len(), findings(&example), "{}", example.display());
        let prints: std::collections::BTreeSet<&str> = issues
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap())
            .collect();
        assert_eq!(prints.len(), issues.len(), "fingerprints repeat");
    }
}

#[test]
fn rdjson_follows_reviewdogs_schema() {
    let schema = reference("rdjson/DiagnosticResult.json");
    for example in examples() {
        let text = report(&example, "rdjson");
        valid_json(&schema, &text);
        let result: Value = serde_json::from_str(&text).unwrap();
        let diagnostics = result["diagnostics"].as_array().unwrap();
        assert_eq!(
            diagnostics.len(),
            findings(&example),
            "{}",
            example.display()
        );
        for d in diagnostics {
            let start = &d["location"]["range"]["start"];
            assert!(start["line"].as_u64() >= Some(1) && start["column"].as_u64() >= Some(1));
            assert!(
                d["code"]["url"]
                    .as_str()
                    .unwrap()
                    .starts_with("https://docs.example.test/rules/")
            );
        }
    }
}

#[test]
fn checkstyle_follows_its_schema() {
    let schema = reference("checkstyle/checkstyle.xsd");
    let have = Command::new("xmllint").arg("--version").output();
    for example in examples() {
        let text = report(&example, "checkstyle");
        assert_eq!(text.matches("<error ").count(), findings(&example));
        if !have.as_ref().is_ok_and(|o| o.status.success()) {
            common::missing("xmllint (Debian package libxml2-utils)");
            continue;
        }
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), &text).unwrap();
        let output = Command::new("xmllint")
            .args(["--noout", "--schema"])
            .arg(&schema)
            .arg(file.path())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}: {}",
            example.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// The GitHub Action: valid YAML, a composite action whose inputs are
/// documented, and whose shell steps `bash -n` accepts.
#[test]
fn the_github_action_is_well_formed() {
    let action = Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml");
    let script = r#"
import sys, yaml
action = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
assert action["runs"]["using"] == "composite", action["runs"]
for name, spec in action["inputs"].items():
    assert spec.get("description"), name
for i, step in enumerate(action["runs"]["steps"]):
    if "run" in step:
        assert step.get("shell") == "bash", step
        open(f"{sys.argv[2]}/step{i}.sh", "w").write(step["run"])
print(len(action["runs"]["steps"]))
"#;
    let have = Command::new("python3").args(["-c", "import yaml"]).output();
    if !have.is_ok_and(|o| o.status.success()) {
        common::missing("python3 with PyYAML");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new("python3")
        .args(["-c", script])
        .arg(&action)
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for step in std::fs::read_dir(dir.path()).unwrap().flatten() {
        let checked = Command::new("bash")
            .arg("-n")
            .arg(step.path())
            .output()
            .unwrap();
        assert!(
            checked.status.success(),
            "{}",
            String::from_utf8_lossy(&checked.stderr)
        );
    }
}
