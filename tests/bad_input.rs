//! Bad input is reported with a location, never fatal: the rest of the
//! cluster is still checked and nothing panics.

use std::fs;

use clusterlint::{LintOptions, Report, Workspace};

const SECRET: &str = "tunneling.servlet.shared.secret=0f1e2d3c4b5a69788796a5b4c3d2e1f0\ntunneling.servlet.shared.secret.hex=true\n";
const OTHER: &str = "tunneling.servlet.shared.secret=ffeeddccbbaa99887766554433221100\ntunneling.servlet.shared.secret.hex=true\n";

fn lint(files: &[(&str, &[u8])]) -> Report {
    let mut workspace = Workspace::new();
    for (path, bytes) in files {
        workspace.add_file(*path, bytes.to_vec());
    }
    workspace.lint(&LintOptions::default())
}

/// `path:line:column rule` of every finding.
fn findings(report: &Report) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .map(|d| {
            let (at, _) = report.position(d.primary.span);
            format!(
                "{}:{}:{} {}",
                report.path(d.primary.span),
                at.line,
                at.column,
                d.rule
            )
        })
        .collect()
}

#[test]
fn binary_file_is_unreadable_and_the_rest_is_checked() {
    let report = lint(&[
        ("staging/portal-ext.properties", SECRET.as_bytes()),
        ("app1/portal-ext.properties", b"\xff\xfet\x00u\x00n\x00"),
        ("app2/portal-ext.properties", OTHER.as_bytes()),
    ]);
    let found = findings(&report);
    assert!(
        found.contains(&"app1/portal-ext.properties:1:1 core/unreadable-file".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(
            &"app2/portal-ext.properties:1:33 liferay/tunnel-secret-mismatch".to_string()
        ),
        "{found:?}"
    );
}

#[test]
fn oversized_file_is_unreadable() {
    let mut workspace = Workspace::new();
    workspace.set_max_file_size(64);
    workspace.add_file("staging/portal-ext.properties", SECRET);
    workspace.add_file(
        "app1/portal-ext.properties",
        format!("{SECRET}{}", "#".repeat(100)),
    );
    let report = workspace.lint(&LintOptions::default());
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "core/unreadable-file")
        .expect("reported");
    assert!(
        d.message.contains("over the limit of 64 bytes"),
        "{}",
        d.message
    );
}

#[test]
fn unreadable_file_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("app1")).unwrap();
    let file = dir.path().join("app1/portal-ext.properties");
    fs::write(&file, SECRET).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&file, fs::Permissions::from_mode(0o000)).unwrap();
    }
    if fs::read(&file).is_ok() {
        // Running as root: permissions do not stop reading. Nothing to test.
        eprintln!("*** skipped the permission case: files stay readable for this user ***");
        return;
    }
    let report = clusterlint::lint_dir(dir.path()).unwrap();
    assert_eq!(
        findings(&report),
        ["app1/portal-ext.properties:1:1 core/unreadable-file"]
    );
}

#[test]
fn a_root_without_nodes_has_no_nodes() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("portal-ext.properties"), SECRET).unwrap();
    let report = clusterlint::lint_dir(dir.path()).unwrap();
    assert!(report.cluster.nodes.is_empty());
    assert!(report.diagnostics.is_empty());
    assert_eq!(report.ignored, ["portal-ext.properties"]);
    assert!(clusterlint::lint_dir(&dir.path().join("missing")).is_err());
    assert!(clusterlint::lint_dir(&dir.path().join("portal-ext.properties")).is_err());
}

#[test]
fn invalid_utf8_in_a_utf8_format_is_located() {
    let report = lint(&[("app1/portal-ext.properties", b"a=1\nname=caf\xe9\n")]);
    assert_eq!(
        findings(&report),
        ["app1/portal-ext.properties:2:9 core/parse-error"]
    );
}

#[test]
fn latin1_properties_decode_as_the_jdk_does() {
    let report = lint(&[("gluu1/setup.properties", b"orgName=Caf\xe9 \x80\n")]);
    assert!(report.diagnostics.is_empty());
    assert_eq!(
        &*report.cluster.files[0].source.text,
        "orgName=Café \u{80}\n"
    );
}

#[test]
fn crlf_gives_the_same_findings_as_lf() {
    let lf = lint(&[
        ("staging/portal-ext.properties", SECRET.as_bytes()),
        ("app1/portal-ext.properties", OTHER.as_bytes()),
    ]);
    let crlf_secret = SECRET.replace('\n', "\r\n");
    let crlf_other = OTHER.replace('\n', "\r\n");
    let crlf = lint(&[
        ("staging/portal-ext.properties", crlf_secret.as_bytes()),
        ("app1/portal-ext.properties", crlf_other.as_bytes()),
    ]);
    assert_eq!(findings(&lf), findings(&crlf));
    assert!(!findings(&crlf).is_empty());
}

#[test]
fn byte_order_mark_is_reported_at_the_start() {
    let with_bom = format!("\u{feff}{SECRET}");
    let report = lint(&[
        ("staging/portal-ext.properties", SECRET.as_bytes()),
        ("app1/portal-ext.properties", with_bom.as_bytes()),
    ]);
    let found = findings(&report);
    assert!(
        found.contains(&"app1/portal-ext.properties:1:1 core/parse-error".to_string()),
        "{found:?}"
    );
    // The BOM glues itself to the first key, so the secret is not set there.
    assert!(
        found.contains(&"app1/portal-ext.properties:1:1 liferay/tunnel-secret-missing".to_string()),
        "{found:?}"
    );
}

#[test]
fn empty_files_are_fine() {
    let report = lint(&[
        ("staging/portal-ext.properties", b""),
        ("app1/portal-ext.properties", b""),
        ("app1/osgi/configs/com.example.Empty.config", b""),
        ("app1/bin/setenv.sh", b""),
    ]);
    // A staging server with nothing configured: the secret is missing on
    // both sides, reported at the start of each (empty) file.
    assert_eq!(
        findings(&report),
        [
            "app1/portal-ext.properties:1:1 liferay/tunnel-secret-missing",
            "staging/portal-ext.properties:1:1 core/unresolved-address",
            "staging/portal-ext.properties:1:1 liferay/tunnel-secret-missing",
        ]
    );
}

#[test]
fn a_broken_config_file_does_not_hide_other_findings() {
    let report = lint(&[
        ("staging/portal-ext.properties", SECRET.as_bytes()),
        ("app1/portal-ext.properties", OTHER.as_bytes()),
        (
            "app1/osgi/configs/com.example.Broken.config",
            b"a=\"never closed\nb=[\"x\",\n",
        ),
    ]);
    let found = findings(&report);
    assert!(
        found.contains(
            &"app1/osgi/configs/com.example.Broken.config:1:3 core/parse-error".to_string()
        ),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|f| f.ends_with("liferay/tunnel-secret-mismatch")),
        "{found:?}"
    );
}

#[test]
fn garbage_never_panics() {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let alphabet = b"=:\\ \t\r\n#!\"[](){},~-_.uUB0a9\xc3\xa9\xff";
    for round in 0..300 {
        let len = (next() % 300) as usize;
        let bytes: Vec<u8> = (0..len)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        let names = [
            "portal-ext.properties",
            "osgi/configs/a.b.C~x.config",
            "bin/setenv.sh",
            "setup.properties",
            "osgi/configs/a.cfg",
        ];
        let name = names[round % names.len()];
        let report = lint(&[
            (&format!("staging/{name}"), &bytes),
            (&format!("app1/{name}"), &bytes),
        ]);
        for d in &report.diagnostics {
            let text = &report.cluster.source(d.primary.span.file).text;
            assert!(d.primary.span.range.end as usize <= text.len());
        }
    }
}
