//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod generate;

use std::fs;
use std::path::{Path, PathBuf};

/// Every file below `dir`, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Whether the tests run in CI, where a missing dependency is a failure.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Reports a missing test dependency: fails in CI, else skips loudly.
pub fn missing(what: &str) {
    assert!(
        !in_ci(),
        "{what} is missing (scripts/install-test-deps.sh installs the test dependencies)"
    );
    eprintln!("\n*** SKIPPED: {what} is missing; scripts/install-test-deps.sh installs it ***\n");
}

/// The corpus of real-world files (`corpus/`); a test that reads it fails
/// when it is missing.
pub fn corpus() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    assert!(
        dir.join("SOURCES.md").is_file(),
        "the corpus {} is missing",
        dir.display()
    );
    dir
}

/// A copy of the bundled example cluster `name` in a temporary folder, as
/// `<tmp>/<as_name>`.
pub fn copy_example(name: &str, as_name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/clusters")
        .join(name);
    let to = dir.path().join(as_name);
    for file in files_under(&from) {
        let target = to.join(file.strip_prefix(&from).unwrap());
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::copy(&file, &target).unwrap();
    }
    (dir, to)
}

/// Runs `clusterlint lsp` with `input` on its stdin until it exits.
pub fn run_lsp(input: &str) -> std::process::Output {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("clusterlint"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}
