//! Replays the committed fuzz regressions and the fixtures through every
//! parser, with the invariants the fuzz targets check. No fuzz build needed.

use std::fs;
use std::path::{Path, PathBuf};

use clusterlint::formats::Format;

fn files(dir: &Path) -> Vec<PathBuf> {
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

#[test]
fn regressions_and_fixtures_keep_the_invariants() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut inputs = files(&root.join("fuzz/regressions"));
    inputs.extend(files(&root.join("fixtures")));
    assert!(!inputs.is_empty());
    let mut failures = Vec::new();
    for path in &inputs {
        let bytes = fs::read(path).unwrap();
        for format in Format::ALL {
            if let Err(e) = clusterlint::invariants::check_format(format, &bytes) {
                failures.push(format!("{}: {e}", path.display()));
            }
        }
        if let Err(e) = clusterlint::invariants::check_manifest(&bytes) {
            failures.push(format!("{}: {e}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
