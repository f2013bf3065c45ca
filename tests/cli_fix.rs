//! `check --fix` and `--diff` end to end, and the command line's other
//! doors: files instead of roots, `--output`, `--quiet`, `--statistics`,
//! `--config`, `graph`.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

const PID_TYPO: &str = "app2/osgi/configs/com.liferay.portal.security.auth.verifier.internal.tunnel.configuration.TunnelAuthVerifierConfiguraton~default.config";
const PID_FIXED: &str = "app2/osgi/configs/com.liferay.portal.security.auth.verifier.internal.tunnel.configuration.TunnelAuthVerifierConfiguration~default.config";
const HOSTS_FILE: &str = "app3/portal-ext.properties";

fn clusterlint() -> Command {
    let mut command = Command::cargo_bin("clusterlint").expect("binary");
    command.env_remove("COLUMNS").env_remove("FORCE_COLOR");
    command
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/clusters/liferay-remote-staging")
}

/// A copy of the Liferay example in a temporary folder.
fn copy_of_example() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("cluster");
    for file in common::files_under(&example()) {
        let to = root.join(file.strip_prefix(example()).unwrap());
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(&file, &to).unwrap();
    }
    (dir, root)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str], cwd: Option<&Path>) -> Run {
    let mut command = clusterlint();
    command.args(args).env("NO_COLOR", "1");
    if let Some(cwd) = cwd {
        command.current_dir(cwd);
    }
    let output = command.output().expect("runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn rules_in(json: &str) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_str(json).expect("JSON");
    value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d["path"].as_str().unwrap(),
                d["rule"].as_str().unwrap()
            )
        })
        .collect()
}

/// Every file's bytes, to prove nothing was written.
fn snapshot(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    common::files_under(root)
        .into_iter()
        .map(|f| {
            let bytes = fs::read(&f).unwrap();
            (f, bytes)
        })
        .collect()
}

#[test]
fn fix_applies_the_fixes_and_the_cluster_relints_without_them() {
    let (_dir, root) = copy_of_example();
    let root_arg = root.to_str().unwrap();
    let before = rules_in(&run(&["check", "--format", "json", root_arg], None).stdout);
    assert!(before.contains(&format!("{PID_TYPO} liferay/osgi-config-pid-typo")));
    assert!(before.contains(&format!(
        "{HOSTS_FILE} liferay/tunnel-hosts-missing-staging"
    )));

    let fixed = run(
        &[
            "check",
            "--fix",
            "--unsafe-fixes",
            "--format",
            "json",
            root_arg,
        ],
        None,
    );
    assert!(fixed.stderr.contains("fixed `"), "{}", fixed.stderr);
    assert!(fixed.stderr.contains("applied in"), "{}", fixed.stderr);
    assert!(!root.join(PID_TYPO).exists());
    assert!(root.join(PID_FIXED).is_file());
    let after = rules_in(&fixed.stdout);
    assert!(
        !after
            .iter()
            .any(|f| f.ends_with("liferay/osgi-config-pid-typo")),
        "{after:?}"
    );
    assert!(
        !after
            .iter()
            .any(|f| f.ends_with("liferay/tunnel-hosts-missing-staging")),
        "{after:?}"
    );
    // The report printed after fixing is what a fresh check says.
    let again = rules_in(&run(&["check", "--format", "json", root_arg], None).stdout);
    assert_eq!(after, again);
    // What was not fixable is still there, and still an error.
    assert!(
        after
            .iter()
            .any(|f| f.ends_with("liferay/tunnel-secret-mismatch"))
    );
    assert_eq!(fixed.code, 1);
}

#[test]
fn diff_shows_the_fixes_and_writes_nothing() {
    let (_dir, root) = copy_of_example();
    let untouched = snapshot(&root);
    for args in [
        &["check", "--diff", "--unsafe-fixes", "."][..],
        &["check", "--fix", "--unsafe-fixes", "--diff", "."][..],
    ] {
        let shown = run(args, Some(&root));
        assert_eq!(snapshot(&root), untouched, "{args:?} wrote a file");
        assert!(
            shown
                .stdout
                .contains(&format!("--- a/{HOSTS_FILE}\n+++ b/{HOSTS_FILE}\n")),
            "{}",
            shown.stdout
        );
        assert!(
            shown
                .stdout
                .contains(&format!("rename from {PID_TYPO}\nrename to {PID_FIXED}\n")),
            "{}",
            shown.stdout
        );
        assert!(
            shown
                .stdout
                .lines()
                .any(|l| l.starts_with('+') && l.contains("192.0.2")),
            "{}",
            shown.stdout
        );
        // The shared secret on the lines around the edit is masked.
        assert!(!shown.stdout.contains("5e8d"), "{}", shown.stdout);
        assert_eq!(shown.code, 1);
    }
}

#[test]
fn a_read_only_file_stays_untouched_and_the_exit_code_says_so() {
    use std::os::unix::fs::PermissionsExt as _;
    let (_dir, root) = copy_of_example();
    let file = root.join(HOSTS_FILE);
    let before = fs::read(&file).unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o444)).unwrap();
    let fixed = run(
        &[
            "check",
            "--fix",
            "--unsafe-fixes",
            "--format",
            "json",
            root.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(fixed.code, 2, "{}", fixed.stderr);
    assert!(
        fixed.stderr.contains(&format!(
            "could not fix `{}/{HOSTS_FILE}`: it is read-only",
            root.display()
        )),
        "{}",
        fixed.stderr
    );
    assert_eq!(fs::read(&file).unwrap(), before);
    assert_eq!(
        fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o444
    );
    assert!(rules_in(&fixed.stdout).contains(&format!(
        "{HOSTS_FILE} liferay/tunnel-hosts-missing-staging"
    )));
}

#[test]
fn fixes_keep_permissions_and_line_endings_and_refuse_links() {
    use std::os::unix::fs::PermissionsExt as _;
    let (_dir, root) = copy_of_example();
    let file = root.join(HOSTS_FILE);
    let crlf = fs::read_to_string(&file).unwrap().replace('\n', "\r\n");
    fs::write(&file, &crlf).unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
    let fixed = run(
        &["check", "--fix", "--unsafe-fixes", root.to_str().unwrap()],
        None,
    );
    assert!(fixed.stderr.contains("fixed `"), "{}", fixed.stderr);
    let text = fs::read_to_string(&file).unwrap();
    assert_ne!(text, crlf, "the fix was applied");
    assert_eq!(
        text.matches('\n').count(),
        text.matches("\r\n").count(),
        "{text:?}"
    );
    assert_eq!(
        fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o640
    );
    let leftovers: Vec<_> = common::files_under(&root)
        .into_iter()
        .filter(|f| f.to_string_lossy().contains(".clusterlint-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // A file that is a link to another file of the cluster is not written
    // through (a link out of the cluster is not even read).
    let (_dir2, root2) = copy_of_example();
    fs::create_dir(root2.join(".real")).unwrap();
    let outside = root2.join(".real/portal-ext.properties");
    fs::rename(root2.join(HOSTS_FILE), &outside).unwrap();
    std::os::unix::fs::symlink(&outside, root2.join(HOSTS_FILE)).unwrap();
    let before = fs::read(&outside).unwrap();
    let linked = run(
        &["check", "--fix", "--unsafe-fixes", root2.to_str().unwrap()],
        None,
    );
    assert_eq!(linked.code, 2, "{}", linked.stderr);
    assert!(linked.stderr.contains("symbolic link"), "{}", linked.stderr);
    assert_eq!(fs::read(&outside).unwrap(), before);
    assert!(
        fs::symlink_metadata(root2.join(HOSTS_FILE))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn a_crash_between_write_and_rename_leaves_the_original_intact() {
    let (_dir, root) = copy_of_example();
    // Only fixes that rewrite a file's content are left to apply.
    fs::rename(root.join(PID_TYPO), root.join(PID_FIXED)).unwrap();
    let file = root.join(HOSTS_FILE);
    let before = fs::read(&file).unwrap();
    let every_file = snapshot(&root);
    let output = clusterlint()
        .args(["check", "--fix", "--unsafe-fixes", root.to_str().unwrap()])
        .env(clusterlint::fix::CRASH_BEFORE_RENAME, "1")
        .output()
        .unwrap();
    // Killed by the signal, not exited: the rename never happened.
    assert_eq!(output.status.code(), None, "{output:?}");
    let after: Vec<_> = snapshot(&root)
        .into_iter()
        .filter(|(path, _)| !path.to_string_lossy().contains(".clusterlint-"))
        .collect();
    let changed: Vec<&PathBuf> = every_file
        .iter()
        .filter(|before| !after.contains(before))
        .map(|(path, _)| path)
        .collect();
    assert!(
        changed.is_empty(),
        "changed although nothing was renamed: {changed:?}"
    );
    assert_eq!(after.len(), every_file.len());
    // The file it was about to rename holds the whole new text, and the
    // original name still reads as the old file.
    let temporaries: Vec<PathBuf> = common::files_under(&root)
        .into_iter()
        .filter(|f| f.to_string_lossy().contains(".clusterlint-"))
        .collect();
    assert_eq!(temporaries.len(), 1, "{temporaries:?}");
    let temporary = &temporaries[0];
    let shadowed = temporary.file_name().unwrap().to_string_lossy();
    let shadowed = shadowed.trim_start_matches('.');
    let shadowed = temporary.with_file_name(&shadowed[..shadowed.find(".clusterlint-").unwrap()]);
    assert_ne!(fs::read(temporary).unwrap(), fs::read(&shadowed).unwrap());
    // A run without the crash fixes the file, beside the leftover.
    let fixed = run(
        &["check", "--fix", "--unsafe-fixes", root.to_str().unwrap()],
        None,
    );
    assert!(fixed.stderr.contains("fixed `"), "{}", fixed.stderr);
    assert_ne!(fs::read(&file).unwrap(), before);
}

#[test]
fn a_file_stands_for_its_cluster_and_only_its_findings_are_shown() {
    let (_dir, root) = copy_of_example();
    fs::create_dir(root.join(".git")).unwrap();
    let only = run(&["check", "--format", "json", HOSTS_FILE], Some(&root));
    let findings = rules_in(&only.stdout);
    assert!(!findings.is_empty());
    // Primary here, or the file is one of the related locations.
    let value: serde_json::Value = serde_json::from_str(&only.stdout).unwrap();
    for d in value["diagnostics"].as_array().unwrap() {
        let touches = d["path"] == HOSTS_FILE
            || d["related"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["path"] == HOSTS_FILE);
        assert!(touches, "{d}");
    }
    assert!(
        findings
            .iter()
            .all(|f| !f.ends_with("liferay/osgi-config-pid-typo"))
    );
    assert_eq!(only.code, 1);

    // A file of no node of the cluster: a note, exit 0.
    fs::write(root.join("NOTES.txt"), "x\n").unwrap();
    let note = run(&["check", "NOTES.txt"], Some(&root));
    assert_eq!(note.code, 0, "{}", note.stderr);
    assert!(
        note.stderr.contains("not a file of any node"),
        "{}",
        note.stderr
    );

    // A configuration file outside any repository or manifest is its own
    // node's: checked, not passed over.
    let lone = tempfile::tempdir().unwrap();
    fs::write(lone.path().join("redis.conf"), "port 6379\n").unwrap();
    let alone = run(
        &["check", "--format", "json", "redis.conf"],
        Some(lone.path()),
    );
    assert_eq!(alone.code, 1, "{}", alone.stderr);
    assert!(
        rules_in(&alone.stdout)
            .iter()
            .any(|f| f.ends_with("redis/no-password")),
        "{}",
        alone.stdout
    );

    // A file in no cluster at all: a note, exit 0.
    let empty = tempfile::tempdir().unwrap();
    fs::write(empty.path().join("NOTES.txt"), "x\n").unwrap();
    let outside = run(&["check", "NOTES.txt"], Some(empty.path()));
    assert_eq!(outside.code, 0, "{}", outside.stderr);
    assert!(
        outside.stderr.contains("is in no cluster"),
        "{}",
        outside.stderr
    );
}

#[test]
fn a_path_that_does_not_exist_is_exit_code_2() {
    let missing = run(&["check", "no/such/cluster"], None);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("`no/such/cluster` does not exist"),
        "{}",
        missing.stderr
    );
    let config = run(
        &[
            "check",
            "--config",
            "no-such.toml",
            example().to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(config.code, 2);
}

#[test]
fn output_quiet_statistics_and_config() {
    let root = example();
    let root_arg = root.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let written = run(
        &[
            "check",
            "--format",
            "json",
            "--output",
            out.to_str().unwrap(),
            root_arg,
        ],
        None,
    );
    assert_eq!(written.code, 1);
    assert!(written.stdout.is_empty());
    assert!(!rules_in(&fs::read_to_string(&out).unwrap()).is_empty());

    let loud = run(&["check", root_arg], None);
    let quiet = run(&["check", "--quiet", root_arg], None);
    assert!(loud.stdout.contains("Found "), "{}", loud.stdout);
    assert!(!quiet.stdout.contains("Found "), "{}", quiet.stdout);
    assert!(quiet.stdout.contains("liferay/tunnel-secret-mismatch"));

    let stats = run(&["check", "--statistics", root_arg], None);
    assert!(
        stats.stdout.lines().any(
            |l| l.contains("liferay/tunnel-secret-mismatch") && l.trim_start().starts_with('1')
        ),
        "{}",
        stats.stdout
    );

    let config = dir.path().join("only-secrets.toml");
    fs::write(
        &config,
        "[rules]\nselect = [\"liferay/tunnel-secret-mismatch\"]\n",
    )
    .unwrap();
    let selected = rules_in(
        &run(
            &[
                "check",
                "--format",
                "json",
                "--config",
                config.to_str().unwrap(),
                root_arg,
            ],
            None,
        )
        .stdout,
    );
    assert!(!selected.is_empty());
    assert!(
        selected
            .iter()
            .all(|f| f.ends_with("liferay/tunnel-secret-mismatch")),
        "{selected:?}"
    );
}

#[test]
fn graph_prints_dot_and_mermaid() {
    let root = example();
    let dot = run(&["graph", root.to_str().unwrap()], None);
    assert_eq!(dot.code, 0, "{}", dot.stderr);
    assert!(dot.stdout.starts_with("digraph"), "{}", dot.stdout);
    let mermaid = run(
        &["graph", "--format", "mermaid", root.to_str().unwrap()],
        None,
    );
    assert_eq!(mermaid.code, 0);
    assert!(
        mermaid.stdout.starts_with("flowchart"),
        "{}",
        mermaid.stdout
    );
    let missing = run(&["graph", "no/such/cluster"], None);
    assert_eq!(missing.code, 2);
}

/// Without `--unsafe-fixes`, a fix that admits a host is neither shown nor
/// written, and the user is told; safe fixes still apply.
#[test]
fn unsafe_fixes_wait_for_their_flag() {
    let (_dir, root) = common::copy_example("liferay-remote-staging", "cluster");
    let root_arg = root.to_str().unwrap();
    let diff = run(&["check", "--diff", root_arg], None);
    assert!(diff.stdout.contains("rename to"), "{}", diff.stdout);
    assert!(!diff.stdout.contains(HOSTS_FILE), "{}", diff.stdout);
    assert!(diff.stderr.contains("--unsafe-fixes"), "{}", diff.stderr);
    let before = fs::read_to_string(root.join(HOSTS_FILE)).unwrap();
    let fixed = run(&["check", "--fix", root_arg], None);
    assert!(
        fixed.stderr.contains("1 fix is left out as unsafe"),
        "{}",
        fixed.stderr
    );
    assert_eq!(fs::read_to_string(root.join(HOSTS_FILE)).unwrap(), before);
    assert!(root.join(PID_FIXED).is_file());
    assert!(!root.join(PID_TYPO).exists());
}
