//! The pre-commit hooks for real: `pre-commit try-repo` against this
//! repository, in a throw-away git repository holding a faulty and a clean
//! cluster. The `system` hook runs the clusterlint built for the tests;
//! the `rust` hook builds clusterlint the way users' machines do.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FAULTY_FILE: &str = "faulty/app2/portal-ext.properties";
const CLEAN_FILE: &str = "clean/app1/portal-ext.properties";

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn pre_commit_available() -> bool {
    Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn git(repo: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
        .args(args)
        .current_dir(repo)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

/// A git repository with two clusters, each rooted by a clusterlint.toml
/// (copies of fixtures): `faulty`, where app2's shared secret differs from
/// the staging server's, and `clean`; plus a README that is in no node.
fn repository(dir: &Path) -> PathBuf {
    let repo = dir.join("repo");
    let fixtures = crate_dir().join("fixtures/liferay/tunnel-secret-mismatch");
    for (cluster, case) in [
        ("faulty", "fail/live-node-differs"),
        ("clean", "pass/spacing-differs"),
    ] {
        let from = fixtures.join(case);
        for file in common::files_under(&from) {
            let relative = file.strip_prefix(&from).unwrap();
            if relative == Path::new("expected.txt") {
                continue;
            }
            let to = repo.join(cluster).join(relative);
            fs::create_dir_all(to.parent().unwrap()).unwrap();
            fs::copy(&file, &to).unwrap();
        }
        assert!(repo.join(cluster).join("clusterlint.toml").is_file());
    }
    fs::write(repo.join("README.md"), "clusters\n").unwrap();
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    repo
}

/// How the hook finds clusterlint: on `PATH` (the system hook) or by
/// building it into a target folder (the rust hook).
#[derive(Clone, Copy)]
enum Install<'a> {
    OnPath(&'a Path),
    Build { target: &'a Path },
}

fn try_repo(repo: &Path, cache: &Path, hook: &str, files: &[&str], install: Install<'_>) -> Output {
    let mut command = Command::new("pre-commit");
    command
        .args([
            "try-repo",
            crate_dir().to_str().unwrap(),
            hook,
            "--color",
            "never",
        ])
        .current_dir(repo)
        .env("PRE_COMMIT_HOME", cache)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE");
    if files.is_empty() {
        command.arg("--all-files");
    } else {
        command.arg("--files").args(files);
    }
    match install {
        Install::OnPath(dir) => {
            let old = std::env::var_os("PATH").unwrap_or_default();
            let mut paths = vec![dir.to_path_buf()];
            paths.extend(std::env::split_paths(&old));
            command.env("PATH", std::env::join_paths(paths).unwrap());
        }
        // pre-commit runs `cargo install --path` on a clone of this
        // repository; a fixed target folder lets later runs reuse the build,
        // and the test builds it without the release profile's whole-crate
        // optimisation, which makes no difference to what the hook does.
        Install::Build { target } => {
            command
                .env("CARGO_TARGET_DIR", target)
                .env("CARGO_PROFILE_RELEASE_LTO", "false")
                .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16");
        }
    }
    command.output().expect("pre-commit runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn assert_hook_behaves(hook: &str, install: Install<'_>) {
    let dir = tempfile::tempdir().unwrap();
    let repo = repository(dir.path());
    let cache = dir.path().join("cache");

    let all = try_repo(&repo, &cache, hook, &[], install);
    let shown = text(&all);
    assert_eq!(all.status.code(), Some(1), "{shown}");
    assert!(shown.contains("liferay/tunnel-secret-mismatch"), "{shown}");
    assert!(shown.contains("app2/portal-ext.properties"), "{shown}");
    // The fixtures' secrets start 9c41e07b and end 5e13 / 5e17.
    for part in ["9c41", "e07b", "5e13", "5e17"] {
        assert!(!shown.contains(part), "a secret leaked: {shown}");
    }

    let faulty = try_repo(&repo, &cache, hook, &[FAULTY_FILE], install);
    assert_eq!(faulty.status.code(), Some(1), "{}", text(&faulty));
    assert!(text(&faulty).contains("liferay/tunnel-secret-mismatch"));

    for files in [&[CLEAN_FILE][..], &["README.md"][..]] {
        let clean = try_repo(&repo, &cache, hook, files, install);
        assert_eq!(clean.status.code(), Some(0), "{files:?}: {}", text(&clean));
        assert!(text(&clean).contains("Passed"), "{}", text(&clean));
    }
}

#[test]
fn the_system_hook_reports_the_faulty_cluster_and_passes_the_clean_one() {
    if !pre_commit_available() {
        common::missing("pre-commit");
        return;
    }
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_clusterlint"));
    assert_hook_behaves("clusterlint-system", Install::OnPath(bin.parent().unwrap()));
}

#[test]
fn the_rust_hook_builds_clusterlint_and_behaves_the_same() {
    if !pre_commit_available() {
        common::missing("pre-commit");
        return;
    }
    let target = crate_dir().join("target").join("pre-commit-hook");
    assert_hook_behaves("clusterlint", Install::Build { target: &target });
}
