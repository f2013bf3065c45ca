//! Fixes on every fail fixture: the planned diff is the reviewed
//! `expected-fix.diff` beside `expected.txt` (no file: no fix expected),
//! and applying the fixes to a copy makes their findings go away without
//! bringing new ones.
//!
//! `UPDATE_FIX_DIFFS=1 cargo test --test fixes` rewrites the diff files;
//! review them with `git diff` before committing.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use clusterlint::fix::{self, Outcome, Plan};
use clusterlint::rules::Applicability;
use clusterlint::{LintOptions, Report, Workspace};

fn fail_cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut cases = Vec::new();
    for file in common::files_under(&root) {
        if file.file_name().is_some_and(|n| n == "expected.txt") {
            let case = file.parent().unwrap().to_path_buf();
            if case
                .parent()
                .and_then(Path::file_name)
                .is_some_and(|n| n == "fail")
            {
                cases.push(case);
            }
        }
    }
    cases
}

fn lint(root: &Path) -> Report {
    Workspace::from_dir(root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .lint(&LintOptions::default())
}

/// How many findings each `rule path` pair has.
fn tally(report: &Report) -> BTreeMap<(String, String), usize> {
    let mut out = BTreeMap::new();
    for d in &report.diagnostics {
        *out.entry((d.rule.to_string(), report.path(d.primary.span).to_string()))
            .or_default() += 1;
    }
    out
}

fn copy_case(case: &Path, to: &Path) {
    for file in common::files_under(case) {
        let relative = file.strip_prefix(case).unwrap();
        let target = to.join(relative);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::copy(&file, &target).unwrap();
    }
}

#[test]
fn planned_fixes_match_the_reviewed_diffs() {
    let update = std::env::var_os("UPDATE_FIX_DIFFS").is_some();
    let mut stale = Vec::new();
    let mut with_fixes = 0;
    for case in fail_cases() {
        let report = lint(&case);
        let diff = Plan::new(&report, Applicability::Unsafe).diff(&report, ".");
        let path = case.join("expected-fix.diff");
        let expected = fs::read_to_string(&path).unwrap_or_default();
        with_fixes += usize::from(!diff.is_empty());
        if diff == expected {
            continue;
        }
        if update {
            if diff.is_empty() {
                let _ = fs::remove_file(&path);
            } else {
                fs::write(&path, &diff).unwrap();
            }
        } else {
            stale.push(format!(
                "{}:\n--- expected\n{expected}--- planned\n{diff}",
                case.display()
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "fix diffs differ (UPDATE_FIX_DIFFS=1 rewrites them):\n{}",
        stale.join("\n")
    );
    assert!(with_fixes > 0, "no fail fixture offers a fix");
}

#[test]
fn applied_fixes_remove_their_findings_and_add_none() {
    for case in fail_cases() {
        let before = lint(&case);
        let fixable: Vec<(String, String)> = before
            .diagnostics
            .iter()
            .filter(|d| d.fix.is_some())
            .map(|d| (d.rule.to_string(), before.path(d.primary.span).to_string()))
            .collect();
        if fixable.is_empty() {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        copy_case(&case, dir.path());
        let copy = lint(dir.path());
        let mut expected = tally(&copy);
        for key in &fixable {
            if let Some(n) = expected.get_mut(key) {
                *n -= 1;
            }
        }
        expected.retain(|_, n| *n > 0);
        let (after, outcomes) =
            fix::fix_until_done(copy, dir.path(), Applicability::Unsafe, |_| {
                Some(lint(dir.path()))
            });
        let failed: Vec<&Outcome> = outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Failed { .. }))
            .collect();
        assert!(failed.is_empty(), "{}: {failed:?}", case.display());
        // Each fixed finding is gone and nothing new appears; a fix may also
        // settle other findings (blanks dropped from an allowed-hosts entry
        // admit the staging server). Renamed files are findings under a new
        // path, so for them the comparison is by rule.
        let renamed = outcomes.iter().any(|o| {
            matches!(
                o,
                Outcome::Written {
                    renamed_to: Some(_),
                    ..
                }
            )
        });
        let by_rule = |t: &BTreeMap<(String, String), usize>| {
            let mut m: BTreeMap<(String, String), usize> = BTreeMap::new();
            for ((rule, path), n) in t {
                let path = if renamed { String::new() } else { path.clone() };
                *m.entry((rule.clone(), path)).or_default() += n;
            }
            m
        };
        let (after_tally, allowed) = (by_rule(&tally(&after)), by_rule(&expected));
        for (key, n) in &after_tally {
            let most = allowed.get(key).copied().unwrap_or(0);
            assert!(
                *n <= most,
                "{}: after --fix, {key:?} has {n} findings, at most {most} expected",
                case.display()
            );
        }
        assert!(
            after.diagnostics.iter().all(|d| d.fix.is_none()),
            "{}: fixes left after fixing",
            case.display()
        );
    }
}

/// The `--diff` of every fail fixture is a patch that `git apply` and
/// `patch -p1` accept on the fixture as it is, even where lines with
/// secrets (left out of the context) are near the change; a hunk without
/// context (a secret right next to the change) needs `git apply
/// --unidiff-zero`.
#[test]
fn planned_diffs_apply_with_git_and_patch() {
    let have = |program: &str| {
        std::process::Command::new(program)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let (git, patch) = (have("git"), have("patch"));
    if !git {
        common::missing("git");
        return;
    }
    let mut checked = 0;
    let mut refused = Vec::new();
    for case in fail_cases() {
        let report = lint(&case);
        let diff = Plan::new(&report, Applicability::Unsafe).diff(&report, ".");
        if diff.is_empty() {
            continue;
        }
        assert!(
            !diff.contains("changes not shown"),
            "{}: {diff}",
            case.display()
        );
        checked += 1;
        let dir = tempfile::tempdir().unwrap();
        copy_case(&case, dir.path());
        fs::write(dir.path().join("fix.diff"), &diff).unwrap();
        // A hunk without context says `@@ -N,M +N,M @@` then a change.
        let without_context = diff
            .lines()
            .zip(diff.lines().skip(1))
            .any(|(a, b)| a.starts_with("@@ ") && (b.starts_with('-') || b.starts_with('+')));
        let git = if without_context {
            vec!["apply", "--check", "--unidiff-zero", "fix.diff"]
        } else {
            vec!["apply", "--check", "fix.diff"]
        };
        let mut tools = vec![("git", git)];
        if patch {
            tools.push(("patch", vec!["-p1", "--dry-run", "-i", "fix.diff"]));
        }
        for (tool, args) in tools {
            let output = std::process::Command::new(tool)
                .args(&args)
                .current_dir(dir.path())
                .output()
                .unwrap();
            if !output.status.success() {
                refused.push(format!(
                    "{} ({tool}): {}{}\n{diff}",
                    case.display(),
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                ));
            }
        }
    }
    assert!(checked > 0, "no fixture has a fix");
    assert!(refused.is_empty(), "{}", refused.join("\n"));
}

/// A rule says whether its findings carry a fix: every fix found on the
/// fixtures comes from a rule that says so, and every rule that says so
/// fixes at least one fixture.
#[test]
fn rules_declare_the_fixes_they_offer() {
    let mut fixing = std::collections::BTreeSet::new();
    for case in fail_cases() {
        let report = lint(&case);
        for d in report.diagnostics.iter().filter(|d| d.fix.is_some()) {
            let rule = clusterlint::rules::find(&d.rule).expect("a built-in rule");
            assert!(
                rule.fix.is_some(),
                "{} offers a fix in {} but does not declare one",
                rule.id,
                case.display()
            );
            fixing.insert(rule.id);
        }
    }
    for rule in clusterlint::rules::ALL.iter().filter(|r| r.fix.is_some()) {
        assert!(
            fixing.contains(rule.id),
            "{} declares a fix that no fixture shows",
            rule.id
        );
    }
}
