//! The JSON report of every fixture case, example cluster and real cluster,
//! compared with the one recorded in `tests/baseline/reports.jsonl`: a
//! change to the code's structure must leave every report byte for byte
//! as it was. `UPDATE_BASELINE=1 cargo test --test baseline` records them
//! again, for changes that mean to change findings (review the diff).

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use clusterlint::report::json;
use clusterlint::roots;
use clusterlint::{LintOptions, Workspace};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Every folder holding an `expected.txt` (fixture cases, real clusters)
/// and every example cluster, relative to `fixtures/`.
fn cases() -> Vec<PathBuf> {
    let root = fixtures();
    let mut cases: Vec<PathBuf> = common::files_under(&root)
        .into_iter()
        .filter(|f| f.file_name().is_some_and(|n| n == "expected.txt"))
        .map(|f| f.parent().unwrap().to_path_buf())
        .filter(|case| !case.join("links.txt").exists())
        .collect();
    for entry in fs::read_dir(root.join("clusters")).unwrap().flatten() {
        cases.push(entry.path());
    }
    cases.sort();
    cases.dedup();
    cases
}

/// The JSON report of every cluster found in `case`, one line each, keyed
/// by the case and the cluster's folder (and environment) in it.
fn reports(case: &Path) -> Vec<(String, String)> {
    let base = case
        .strip_prefix(fixtures())
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
    roots::clusters_for_folder(case)
        .iter()
        .map(|cluster| {
            let report = Workspace::from_root(cluster)
                .unwrap_or_else(|e| panic!("{}: {e}", case.display()))
                .lint(&LintOptions::default());
            let inner = cluster
                .folder
                .strip_prefix(case)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            let env = cluster.environment.as_deref().unwrap_or("");
            let value: serde_json::Value = serde_json::from_str(&json::render(&report)).unwrap();
            (format!("{base}|{inner}|{env}"), value.to_string())
        })
        .collect()
}

#[test]
fn reports_match_the_recorded_baseline() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/baseline/reports.jsonl");
    let mut now = BTreeMap::new();
    for case in cases() {
        now.extend(reports(&case));
    }
    assert!(now.len() > 400, "only {} reports", now.len());
    let mut text = String::new();
    for (key, report) in &now {
        let report: serde_json::Value = serde_json::from_str(report).unwrap();
        text.push_str(&serde_json::json!({ "case": key, "report": report }).to_string());
        text.push('\n');
    }
    if std::env::var_os("UPDATE_BASELINE").is_some() {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, &text).unwrap();
        return;
    }
    let recorded = fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_BASELINE=1 records it)", path.display()));
    let by_case = |text: &str| -> BTreeMap<String, String> {
        text.lines()
            .map(|line| {
                let value: serde_json::Value = serde_json::from_str(line).unwrap();
                (
                    value["case"].as_str().unwrap().to_string(),
                    line.to_string(),
                )
            })
            .collect()
    };
    let (before, after) = (by_case(&recorded), by_case(&text));
    let differ: Vec<&String> = after
        .iter()
        .filter(|(case, line)| before.get(*case) != Some(*line))
        .map(|(case, _)| case)
        .collect();
    let gone: Vec<&String> = before
        .keys()
        .filter(|case| !after.contains_key(*case))
        .collect();
    assert!(
        differ.is_empty() && gone.is_empty(),
        "{} reports differ from the baseline (new or changed): {differ:?}; gone: {gone:?}",
        differ.len()
    );
}
