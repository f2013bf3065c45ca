//! Replays the committed fuzz regressions and the fixtures through every
//! parser, with the invariants the fuzz targets check. No fuzz build needed.

mod common;

use std::fs;
use std::path::Path;

use common::files_under;

use clusterlint::formats::Format;

#[test]
fn regressions_and_fixtures_keep_the_invariants() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut inputs = files_under(&root.join("fuzz/regressions"));
    inputs.extend(files_under(&root.join("fixtures")));
    assert!(!inputs.is_empty());
    let mut failures = Vec::new();
    for path in &inputs {
        // Broken links among the fixtures are there on purpose.
        let Ok(bytes) = fs::read(path) else { continue };
        for format in Format::ALL {
            if let Err(e) = clusterlint::invariants::check_format(format, &bytes) {
                failures.push(format!("{}: {e}", path.display()));
            }
        }
        // Also with a UTF-8 byte-order mark in front, which readers handle
        // in their own ways, in the format the file's name gives.
        let name = path.to_string_lossy().replace('\\', "/");
        if let Some(format) = clusterlint::discover::classify(&name) {
            let with_bom = [&b"\xef\xbb\xbf"[..], &bytes].concat();
            if let Err(e) = clusterlint::invariants::check_format(format, &with_bom) {
                failures.push(format!("{} (with a byte-order mark): {e}", path.display()));
            }
        }
        if let Err(e) = clusterlint::invariants::check_manifest(&bytes) {
            failures.push(format!("{}: {e}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
