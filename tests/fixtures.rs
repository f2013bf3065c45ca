//! Every rule's pass and fail fixtures, and every custom-check assertion's
//! (`fixtures/custom/`), run as mini-clusters.
//!
//! `fixtures/<pack>/<rule>/{pass,fail}/<case>/` is a cluster root; its
//! `expected.txt` lists every finding the case must produce, one per line as
//! `path:line rule-id` (blank lines and `#` comments ignored). The test
//! asserts the exact set, so a fail case proves the rule fires at that file
//! and line, and a pass case (a near miss) proves it stays silent.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use clusterlint::rules;

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn dirs(path: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(path)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// `path:line rule` for every diagnostic of the cluster at `root`.
fn findings(root: &Path) -> BTreeSet<String> {
    // A case with links (`links.txt`: `PATH -> TARGET` lines) is checked in
    // a copy where they are made.
    let copy = with_links(root);
    let root = copy.as_ref().map_or(root, |(_, copy)| copy.as_path());
    let report = clusterlint::lint_dir(root).unwrap_or_else(|e| panic!("{}: {e}", root.display()));
    report
        .diagnostics
        .iter()
        .map(|d| {
            let (start, _) = report.position(d.primary.span);
            format!("{}:{} {}", report.path(d.primary.span), start.line, d.rule)
        })
        .collect()
}

/// A copy of `case` with the links its `links.txt` names, if it has one.
fn with_links(case: &Path) -> Option<(tempfile::TempDir, PathBuf)> {
    let links = fs::read_to_string(case.join("links.txt")).ok()?;
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join(case.file_name().unwrap());
    for file in common::files_under(case) {
        let to = copy.join(file.strip_prefix(case).unwrap());
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(&file, &to).unwrap();
    }
    fs::remove_file(copy.join("links.txt")).unwrap();
    for line in links
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (path, target) = line.split_once(" -> ").expect("PATH -> TARGET");
        let path = copy.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(target, &path).unwrap();
        #[cfg(not(unix))]
        let _ = (target, path);
    }
    Some((dir, copy))
}

fn expected(root: &Path) -> BTreeSet<String> {
    let path = root.join("expected.txt");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(ToString::to_string)
        .collect()
}

/// All `(rule id, kind, case dir)` under `fixtures/<pack>/<rule>/`.
fn cases() -> Vec<(String, String, PathBuf)> {
    let mut out = Vec::new();
    for pack in dirs(&fixtures_root()) {
        let pack_name = pack.file_name().unwrap().to_string_lossy().to_string();
        if pack_name == "clusters" {
            continue;
        }
        for rule in dirs(&pack) {
            // `fixtures/custom/<assertion>/`: clusters whose manifest has a
            // `[[check]]` with the id `acme/<assertion>`.
            let prefix = if pack_name == "custom" {
                "acme"
            } else {
                &pack_name
            };
            let id = format!("{prefix}/{}", rule.file_name().unwrap().to_string_lossy());
            for kind in ["pass", "fail"] {
                for case in dirs(&rule.join(kind)) {
                    out.push((id.clone(), kind.to_string(), case));
                }
            }
        }
    }
    out
}

#[test]
fn every_case_produces_exactly_its_expected_findings() {
    let mut failures = Vec::new();
    let cases = cases();
    assert!(!cases.is_empty(), "no fixtures found");
    for (id, kind, case) in &cases {
        let got = findings(case);
        let want = expected(case);
        let of_rule = |set: &BTreeSet<String>| {
            set.iter()
                .filter(|l| l.ends_with(&format!(" {id}")))
                .count()
        };
        if kind == "fail" && of_rule(&want) == 0 {
            failures.push(format!(
                "{}: a fail case must expect at least one `{id}`",
                case.display()
            ));
        }
        if kind == "pass" && of_rule(&want) != 0 {
            failures.push(format!(
                "{}: a pass case must not expect `{id}`",
                case.display()
            ));
        }
        if got != want {
            let missing: Vec<_> = want.difference(&got).collect();
            let extra: Vec<_> = got.difference(&want).collect();
            failures.push(format!(
                "{}:\n  missing: {missing:?}\n  unexpected: {extra:?}",
                case.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixture cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_has_a_pass_and_a_fail_case() {
    let cases = cases();
    let mut missing = Vec::new();
    for rule in rules::ALL {
        for kind in ["pass", "fail"] {
            if !cases.iter().any(|(id, k, _)| id == rule.id && k == kind) {
                missing.push(format!("{} has no {kind} case", rule.id));
            }
        }
    }
    for assertion in clusterlint::custom::ASSERTIONS {
        for kind in ["pass", "fail"] {
            if !cases
                .iter()
                .any(|(id, k, _)| *id == format!("acme/{assertion}") && k == kind)
            {
                missing.push(format!(
                    "the custom assertion `{assertion}` has no {kind} case"
                ));
            }
        }
    }
    for (id, _, case) in &cases {
        let custom = id
            .strip_prefix("acme/")
            .is_some_and(|a| clusterlint::custom::ASSERTIONS.contains(&a));
        if rules::find(id).is_none() && !custom {
            missing.push(format!("{} is for an unknown rule `{id}`", case.display()));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
