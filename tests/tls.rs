//! The certificate checks as users drive them: the date they judge at
//! (`--as-of`, `[tls] as-of`, today), the margin of `tls/cert-expiring`,
//! the former id `stunnel/weak-key`, and no key material in any output.

use std::path::{Path, PathBuf};
use std::process::Command;

use clusterlint::{LintOptions, Workspace};

fn data(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/tls")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A balancer presenting `server.crt` (valid 2026-12-07 to 2046-12-02)
/// with `key`, plus an extra manifest text.
fn balancer(key: &str, manifest: &str) -> Workspace {
    let mut workspace = Workspace::new();
    workspace.add_file(
        "clusterlint.toml",
        format!("[nodes.lb]\nrole = \"balancer\"\naddress = \"192.0.2.5\"\n{manifest}")
            .into_bytes(),
    );
    workspace.add_file(
        "lb/etc/nginx/nginx.conf",
        b"events {}\nhttp {\n  server {\n    listen 443 ssl;\n    server_name redis.example.org;\n    ssl_certificate /etc/nginx/ssl/site.crt;\n    ssl_certificate_key /etc/nginx/ssl/site.key;\n  }\n}\n".to_vec(),
    );
    workspace.add_file("lb/etc/nginx/ssl/site.crt", data("server.crt").into_bytes());
    workspace.add_file("lb/etc/nginx/ssl/site.key", data(key).into_bytes());
    workspace
}

fn rules_of(workspace: &Workspace, options: &LintOptions) -> Vec<String> {
    let report = workspace.lint(options);
    report
        .diagnostics
        .iter()
        .map(|d| d.rule.to_string())
        .collect()
}

fn at(date: &str) -> LintOptions {
    LintOptions {
        as_of: clusterlint::clock::parse(date),
        ..LintOptions::default()
    }
}

#[test]
fn validity_is_judged_at_the_date_asked_for() {
    let workspace = balancer("server.key", "");
    assert!(rules_of(&workspace, &at("2030-01-01")).is_empty());
    assert_eq!(
        rules_of(&workspace, &at("2046-11-20")),
        ["tls/cert-expiring"]
    );
    assert_eq!(
        rules_of(&workspace, &at("2047-01-01")),
        ["tls/cert-expired"]
    );
    assert_eq!(
        rules_of(&workspace, &at("2020-01-01")),
        ["tls/cert-expired"]
    );
    // The manifest's date applies when the command line gives none...
    let pinned = balancer("server.key", "[tls]\nas-of = \"2047-01-01\"\n");
    assert_eq!(
        rules_of(&pinned, &LintOptions::default()),
        ["tls/cert-expired"]
    );
    // ...and the command line's wins over it.
    assert!(rules_of(&pinned, &at("2030-01-01")).is_empty());
}

#[test]
fn the_expiry_margin_is_configurable() {
    let wide = balancer("server.key", "[tls]\nexpiring-days = 365\n");
    assert_eq!(rules_of(&wide, &at("2046-06-01")), ["tls/cert-expiring"]);
    let narrow = balancer("server.key", "[tls]\nexpiring-days = 5\n");
    assert!(rules_of(&narrow, &at("2046-11-20")).is_empty());
    let wrong = balancer(
        "server.key",
        "[tls]\nas-of = \"2030-02-30\"\nexpiring-days = -1\n",
    );
    let found = rules_of(&wrong, &at("2030-01-01"));
    assert_eq!(found, ["core/manifest-error", "core/manifest-error"]);
}

#[test]
fn the_former_weak_key_id_still_selects_and_ignores() {
    let workspace = balancer("rsa1024.key", "");
    let all = rules_of(&workspace, &at("2030-01-01"));
    assert!(all.contains(&"tls/weak-key".to_string()), "{all:?}");
    let selected = LintOptions {
        select: Some(vec!["stunnel/weak-key".to_string()]),
        ..at("2030-01-01")
    };
    assert!(selected.validate().is_ok());
    assert_eq!(rules_of(&workspace, &selected), ["tls/weak-key"]);
    let ignored = LintOptions {
        ignore: vec!["stunnel/weak-key".to_string()],
        ..at("2030-01-01")
    };
    assert!(!rules_of(&workspace, &ignored).contains(&"tls/weak-key".to_string()));
    // A suppression comment naming the old id is used, not stale.
    let mut suppressed = balancer("rsa1024.key", "");
    suppressed.add_file(
        "lb/etc/nginx/nginx.conf",
        b"events {}\nhttp {\n  server {\n    listen 443 ssl;\n    server_name redis.example.org;\n    ssl_certificate /etc/nginx/ssl/site.crt;\n    # clusterlint: ignore[stunnel/weak-key] replaced next week\n    ssl_certificate_key /etc/nginx/ssl/site.key;\n  }\n}\n".to_vec(),
    );
    let found = rules_of(&suppressed, &at("2030-01-01"));
    assert!(
        !found
            .iter()
            .any(|r| r == "tls/weak-key" || r == "core/unused-suppression"),
        "{found:?}"
    );
}

fn clusterlint() -> Command {
    Command::new(env!("CARGO_BIN_EXE_clusterlint"))
}

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/tls")
        .join(case)
}

#[test]
fn the_command_line_takes_a_date() {
    let case = fixture("cert-expired/pass/valid-at-the-as-of-date");
    let run = |date: &str| {
        clusterlint()
            .args(["check", "--format", "concise", "--as-of", date])
            .arg(&case)
            .output()
            .unwrap()
    };
    let before = run("2020-06-01");
    assert_eq!(before.status.code(), Some(0));
    let after = run("2021-06-01");
    assert_eq!(after.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&after.stdout).contains("tls/cert-expired"));
    let typo = run("2021-13-01");
    assert_eq!(typo.status.code(), Some(2));
}

/// Key files' bodies never appear in any output format, whatever the
/// findings say about them.
#[test]
fn no_key_material_in_any_output() {
    let cases = [
        "key-cert-mismatch/fail/renewed-certificate-old-key",
        "key-cert-mismatch/fail/combined-pem-with-another-key",
        "weak-key/fail/separate-key-and-cert-files",
    ];
    for case in cases {
        let dir = fixture(case);
        let mut bodies = Vec::new();
        for file in walk(&dir) {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            if !text.contains("PRIVATE KEY-----") {
                continue;
            }
            bodies.extend(
                text.lines()
                    .filter(|l| !l.starts_with("-----") && l.len() >= 16)
                    .map(|l| l[..16].to_string()),
            );
        }
        assert!(!bodies.is_empty(), "{case} holds a key");
        for format in [
            "human",
            "concise",
            "json",
            "sarif",
            "github",
            "junit",
            "gitlab",
            "checkstyle",
            "rdjson",
        ] {
            let output = clusterlint()
                .args(["check", "--format", format])
                .arg(&dir)
                .output()
                .unwrap();
            let all = format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            for body in &bodies {
                assert!(
                    !all.contains(body.as_str()),
                    "{case} {format}: key material shown"
                );
            }
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
