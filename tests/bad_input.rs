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

#[cfg(unix)]
#[test]
fn links_out_of_the_cluster_and_loops_of_links_are_reported_not_followed() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    // A file the check must never read: its secret differs from app1's.
    fs::write(outside.path().join("portal-ext.properties"), OTHER).unwrap();
    fs::create_dir(outside.path().join("folder")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for node in ["app1", "app2", "app3"] {
        fs::create_dir_all(root.join(node)).unwrap();
    }
    fs::write(root.join("app1/portal-ext.properties"), SECRET).unwrap();
    fs::write(root.join("app3/portal-ext.properties"), SECRET).unwrap();
    symlink(
        outside.path().join("portal-ext.properties"),
        root.join("app2/portal-ext.properties"),
    )
    .unwrap();
    symlink(outside.path().join("folder"), root.join("app2/conf")).unwrap();
    symlink(
        root.join("app2/b.properties"),
        root.join("app2/a.properties"),
    )
    .unwrap();
    symlink(
        root.join("app2/a.properties"),
        root.join("app2/b.properties"),
    )
    .unwrap();
    // A link inside the cluster is read through.
    symlink(
        root.join("app3/portal-ext.properties"),
        root.join("app3/portal-setup-wizard.properties"),
    )
    .unwrap();

    let report = clusterlint::lint_dir(root).unwrap();
    assert_eq!(
        of_rule(&report, "core/unreadable-file"),
        [
            "app2/a.properties:1:1 core/unreadable-file",
            "app2/b.properties:1:1 core/unreadable-file",
            "app2/conf:1:1 core/unreadable-file",
            "app2/portal-ext.properties:1:1 core/unreadable-file",
        ]
    );
    assert!(
        !findings(&report)
            .iter()
            .any(|f| f.contains("tunnel-secret")),
        "the outside file's differing secret was compared: {:#?}",
        findings(&report)
    );
    let messages: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "core/unreadable-file")
        .map(|d| d.message.as_str())
        .collect();
    assert!(messages[0].contains("loop"), "{messages:?}");
    assert!(messages[2].contains("out of the cluster"), "{messages:?}");
    assert!(messages[3].contains("out of the cluster"), "{messages:?}");
    assert!(report.files.iter().any(
        |f| f.source.path == "app3/portal-setup-wizard.properties" && !f.source.text.is_empty()
    ));
}

#[test]
fn a_root_without_nodes_has_no_nodes() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("README.md"), "notes\n").unwrap();
    let report = clusterlint::lint_dir(dir.path()).unwrap();
    assert!(report.nodes.is_empty());
    assert!(report.diagnostics.is_empty());
    assert_eq!(report.ignored, ["README.md"]);
    // A root holding one node's files is that node.
    fs::write(dir.path().join("portal-ext.properties"), SECRET).unwrap();
    let report = clusterlint::lint_dir(dir.path()).unwrap();
    assert_eq!(report.nodes.len(), 1);
    let name = dir.path().file_name().unwrap().to_string_lossy();
    assert_eq!(report.nodes[0].name, name);
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
    assert_eq!(&*report.files[0].source.text, "orgName=Café \u{80}\n");
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
    let alphabet = b"=:\\ \t\r\n#!\"'[](){},;~-_.@*$uUB0a9\xc3\xa9\xff";
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
            "etc/nginx/nginx.conf",
            "etc/redis/redis.conf",
            "etc/stunnel/redis.conf",
            "etc/csync2.cfg",
            "etc/hosts",
        ];
        let name = names[round % names.len()];
        let report = lint(&[
            (&format!("staging/{name}"), &bytes),
            (&format!("app1/{name}"), &bytes),
        ]);
        for d in &report.diagnostics {
            let text = &report.files.source(d.primary.span.file).text;
            assert!(d.primary.span.range.end as usize <= text.len());
        }
    }
}

/// `path:line:column rule` of the findings of `rule` only.
fn of_rule(report: &Report, rule: &str) -> Vec<String> {
    findings(report)
        .into_iter()
        .filter(|f| f.ends_with(&format!(" {rule}")))
        .collect()
}

#[test]
fn include_cycles_missing_includes_and_empty_globs_are_located() {
    let report = lint(&[
        (
            "lb/nginx.conf",
            b"events {}\nhttp {\n    include conf.d/*.conf;\n    include missing.conf;\n    include none.d/*.conf;\n}\n",
        ),
        ("lb/conf.d/a.conf", b"include conf.d/b.conf;\n"),
        ("lb/conf.d/b.conf", b"include conf.d/a.conf;\n"),
        ("cache/redis.conf", b"requirepass x\ninclude /etc/redis/missing.conf\ninclude /etc/redis/none/*.conf\n"),
        ("cache/stunnel/redis.conf", b"include = /etc/stunnel/conf.d\n"),
        ("sync/csync2.cfg", b"config /etc/csync2/common.cfg;\n"),
    ]);
    assert_eq!(
        of_rule(&report, "core/include-not-found"),
        [
            "cache/redis.conf:2:9 core/include-not-found",
            "cache/stunnel/redis.conf:1:11 core/include-not-found",
            "lb/nginx.conf:4:13 core/include-not-found",
            "sync/csync2.cfg:1:8 core/include-not-found",
        ]
    );
    assert_eq!(
        of_rule(&report, "core/include-glob-empty"),
        [
            "cache/redis.conf:3:9 core/include-glob-empty",
            "lb/nginx.conf:5:13 core/include-glob-empty",
        ]
    );
    // a.conf and b.conf include each other; the include that closes the
    // loop is reported once, and reading stops there.
    assert_eq!(
        of_rule(&report, "core/include-cycle"),
        ["lb/conf.d/b.conf:1:9 core/include-cycle"]
    );
}

#[test]
fn the_manifest_limits_bound_nesting_includes_files_and_sizes() {
    let nested = b"events {}\nhttp {\n  server {\n    location / {\n      if ($x) {\n        return 403;\n      }\n    }\n  }\n}\n";
    let gateway = b"<gateway-config xmlns=\"http://xmlns.kaazing.org/2016/06/gateway\">\n  <service>\n    <accept-options>\n      <tcp.bind>8000</tcp.bind>\n    </accept-options>\n  </service>\n</gateway-config>\n";
    let files: &[(&str, &[u8])] = &[
        (
            "clusterlint.toml",
            b"[limits]\nmax-nesting-depth = 3\nmax-include-depth = 2\nmax-files = 4\nmax-file-size = 400\n",
        ),
        ("lb/nginx.conf", nested),
        ("dmz1/conf/gateway-config.xml", gateway),
        // A chain of includes four deep; the third is one too many.
        ("cache/redis.conf", b"include /etc/redis/one.inc\n"),
        ("cache/one.inc", b"include /etc/redis/two.inc\n"),
        ("cache/two.inc", b"include /etc/redis/three.inc\n"),
        ("cache/three.inc", b"maxmemory 1gb\n"),
        ("big/portal-ext.properties", &[b'#'; 401]),
        // Sorted last, so over `max-files`.
        ("zz/portal-ext.properties", SECRET.as_bytes()),
    ];
    let report = lint(files);
    let found = findings(&report);
    for expected in [
        "lb/nginx.conf:5:15 core/parse-error",
        "dmz1/conf/gateway-config.xml:4:8 core/parse-error",
        "cache/two.inc:1:9 core/unreadable-file",
        "big/portal-ext.properties:1:1 core/unreadable-file",
        "zz/portal-ext.properties:1:1 core/unreadable-file",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "no {expected} in {found:#?}"
        );
    }
    let message = |path: &str| {
        report
            .diagnostics
            .iter()
            .find(|d| report.path(d.primary.span) == path)
            .map(|d| d.message.clone())
            .unwrap_or_default()
    };
    assert!(message("cache/two.inc").contains("max-include-depth"));
    assert!(message("zz/portal-ext.properties").contains("max-files"));
    assert!(message("big/portal-ext.properties").contains("over the limit"));
    assert!(
        !report
            .files
            .iter()
            .any(|f| f.source.path == "cache/three.inc"),
        "the file past the include depth was read"
    );

    // Without the manifest the defaults apply: everything is read.
    let report = lint(&files[1..]);
    assert!(
        !findings(&report)
            .iter()
            .any(|f| f.ends_with("core/unreadable-file") || f.ends_with("core/parse-error")),
        "{:#?}",
        findings(&report)
    );
}

#[test]
fn unterminated_quotes_and_blocks_are_located() {
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "lb/nginx.conf",
            b"events {}\nhttp {\n    server_name \"a;\n}\n",
            "lb/nginx.conf:3:17",
        ),
        (
            "lb/nginx.conf",
            b"events {}\nhttp {\n    server {\n",
            "lb/nginx.conf:3:12",
        ),
        (
            "cache/redis.conf",
            b"port 6379\nrequirepass \"abc\n",
            "cache/redis.conf:2:13",
        ),
        (
            "sync/csync2.cfg",
            b"group g {\n  host a;\n  key /k;\n",
            "sync/csync2.cfg:1:1",
        ),
        (
            "sync/csync2.cfg",
            b"group g { host \"a; key /k; }\n",
            "sync/csync2.cfg:1:16",
        ),
        (
            "cache/stunnel/x.conf",
            b"[redis]\naccept 6379\n",
            "cache/stunnel/x.conf:2:1",
        ),
    ];
    for (path, bytes, at) in cases {
        let report = lint(&[(path, bytes)]);
        let errors = of_rule(&report, "core/parse-error");
        assert!(
            errors.iter().any(|e| e.starts_with(&format!("{at} "))),
            "{path}: expected a parse error at {at}, got {errors:?}"
        );
    }
}

#[test]
fn a_broken_file_does_not_hide_findings_in_other_formats() {
    let report = lint(&[
        (
            "lb/nginx.conf",
            b"events {\nhttp { server { listen 443; ssl on; \"\n",
        ),
        (
            "cache/redis.conf",
            b"bind 127.0.0.1\nprotected-mode no\nrequirepass x\n",
        ),
        (
            "gluu1/setup.properties",
            b"orgName=Example\nip=192.0.2.11\n\xff\x00",
        ),
    ]);
    let found = findings(&report);
    for expected in [
        "cache/redis.conf:2:1 redis/protected-mode-off",
        "gluu1/setup.properties:1:1 core/unreadable-file",
    ] {
        assert!(
            found.contains(&expected.to_string()),
            "{expected} missing: {found:?}"
        );
    }
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("lb/nginx.conf:") && f.ends_with("core/parse-error"))
    );
}

#[test]
fn binary_files_of_every_new_format_are_unreadable() {
    for name in [
        "lb/nginx.conf",
        "cache/redis.conf",
        "cache/stunnel/a.conf",
        "sync/csync2.cfg",
        "n/etc/hosts",
    ] {
        let report = lint(&[(name, b"\x7fELF\x02\x01\x01\x00\x00\x00garbage")]);
        assert_eq!(
            findings(&report),
            [format!("{name}:1:1 core/unreadable-file")]
        );
    }
}

#[test]
fn deep_nginx_nesting_is_reported_not_a_stack_overflow() {
    let text = format!("{}{}", "a {\n".repeat(5000), "}\n".repeat(5000));
    let report = lint(&[("lb/nginx.conf", text.as_bytes())]);
    let errors = of_rule(&report, "core/parse-error");
    assert_eq!(errors.len(), 1, "{errors:?}");
}

/// A balancer whose include tree is 50 MB: 50 files of 1 MB of server
/// blocks, one `proxy_pass` typo in the last one.
#[test]
fn a_50_mb_nginx_tree_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("lb/etc/nginx");
    fs::create_dir_all(conf.join("conf.d")).unwrap();
    fs::write(
        conf.join("nginx.conf"),
        "events {}\nhttp {\n    upstream backend { server 192.0.2.11:80; }\n    include /etc/nginx/conf.d/*.conf;\n}\n",
    )
    .unwrap();
    let block = "server {\n    listen 8080;\n    server_name www.example.org;\n    location / { proxy_pass http://backend; }\n}\n";
    let per_file = (1 << 20) / block.len();
    for i in 0..50 {
        let mut text = block.repeat(per_file);
        if i == 49 {
            text.push_str("server { listen 8081; location / { proxy_pass http://backnd; } }\n");
        }
        fs::write(conf.join(format!("conf.d/site{i:02}.conf")), text).unwrap();
    }
    let report = clusterlint::lint_dir(dir.path()).unwrap();
    assert_eq!(report.files.len(), 51);
    let total: usize = report.files.iter().map(|f| f.source.text.len()).sum();
    assert!(total > 50_000_000, "{total} bytes");
    let typo = of_rule(&report, "nginx/proxy-pass-unknown-upstream");
    assert_eq!(typo.len(), 1, "{typo:?}");
    assert!(
        typo[0].starts_with("lb/etc/nginx/conf.d/site49.conf:"),
        "{typo:?}"
    );
}

#[test]
fn one_file_over_the_size_limit_is_unreadable_not_fatal() {
    let mut workspace = Workspace::new();
    workspace.add_file("lb/nginx.conf", vec![b'#'; 17 * 1024 * 1024]);
    workspace.add_file("cache/redis.conf", "protected-mode no\nrequirepass x\n");
    let report = workspace.lint(&LintOptions::default());
    let found = findings(&report);
    assert!(
        found.contains(&"lb/nginx.conf:1:1 core/unreadable-file".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"cache/redis.conf:1:1 redis/protected-mode-off".to_string()),
        "{found:?}"
    );
}

#[test]
fn xml_entity_expansion_and_external_entities_are_refused() {
    let laughs = b"<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n  <!ENTITY lol \"lol\">\n  <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n  <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n]>\n<gateway-config xmlns=\"http://xmlns.kaazing.org/2016/06/gateway\">\n  <properties><property><name>x</name><value>&lol3;</value></property></properties>\n</gateway-config>\n";
    let xxe = b"<?xml version=\"1.0\"?>\n<!DOCTYPE gateway-config [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<gateway-config xmlns=\"http://xmlns.kaazing.org/2016/06/gateway\">\n  <properties><property><name>x</name><value>&xxe;</value></property></properties>\n</gateway-config>\n";
    let report = lint(&[
        ("dmz1/gateway-config.xml", laughs),
        ("dmz2/gateway-config.xml", xxe),
    ]);
    let errors = of_rule(&report, "core/parse-error");
    for expected in [
        "dmz1/gateway-config.xml:2:1",
        "dmz1/gateway-config.xml:8:46",
        "dmz2/gateway-config.xml:2:1",
        "dmz2/gateway-config.xml:4:46",
    ] {
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with(&format!("{expected} "))),
            "{expected}: {errors:?}"
        );
    }
    // Nothing was expanded: no text grew, and /etc/passwd was never read.
    for file in report.files.iter() {
        assert!(!file.source.text.contains("root:x:0"));
    }
    let mut workspace = Workspace::new();
    workspace.add_file("dmz1/gateway-config.xml", laughs.to_vec());
    let cluster = workspace.analyze().cluster;
    let value = cluster.kaazing[0].property("x").map(|p| p.value.clone());
    assert!(
        value.as_deref().is_none_or(|v| !v.contains("lol")),
        "{value:?}"
    );
}

#[test]
fn broken_xml_is_located_and_the_rest_is_checked() {
    let report = lint(&[
        ("gw/gateway-config.xml", b"<gateway-config xmlns=\"http://xmlns.kaazing.org/2016/06/gateway\">\n  <service>\n    <name>a</nme>\n  </service>\n"),
        ("cache/redis.conf", b"protected-mode no\nrequirepass x\n"),
    ]);
    let found = findings(&report);
    assert!(
        found.contains(&"gw/gateway-config.xml:3:14 core/parse-error".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"cache/redis.conf:1:1 redis/protected-mode-off".to_string()),
        "{found:?}"
    );
}

/// A FIFO in the tree, one behind a link, and a manifest that is a link
/// to a FIFO: nothing blocks, and a FIFO that would be read is said.
#[cfg(unix)]
#[test]
fn fifos_and_links_to_them_are_reported_not_opened() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir(root.join(".git")).unwrap();
    fs::create_dir_all(root.join("lb")).unwrap();
    fs::create_dir_all(root.join("cache")).unwrap();
    let fifo = |path: &std::path::Path| {
        std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .is_ok_and(|s| s.success())
    };
    if !fifo(&root.join("pipe")) || !fifo(&root.join("lb/nginx.conf")) {
        eprintln!("mkfifo is not available; skipped");
        return;
    }
    std::os::unix::fs::symlink("../pipe", root.join("cache/redis.conf")).unwrap();
    std::os::unix::fs::symlink("pipe", root.join("clusterlint.toml")).unwrap();
    fs::write(root.join("cache/sentinel.conf"), "port 26379\n").unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_clusterlint"))
        .args(["check", "--format", "json"])
        .arg(root)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let output = {
        let mut child = output;
        loop {
            if child.try_wait().unwrap().is_some() {
                break child.wait_with_output().unwrap();
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(60),
                "clusterlint blocked on a FIFO"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    };
    let code = output.status.code();
    assert!(matches!(code, Some(0..=2)), "{code:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let json: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    let unreadable: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "core/unreadable-file")
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert!(
        unreadable.iter().any(|p| p.ends_with("lb/nginx.conf")),
        "{stdout}"
    );
}

/// A manifest may not raise the nesting bound past what the stack holds:
/// 5,000 nested nginx blocks and 50,000 XML levels are reported, not a
/// crash.
#[test]
fn a_raised_nesting_limit_is_capped() {
    let nginx = format!("{}{}", "a {\n".repeat(5_000), "}\n".repeat(5_000));
    let xml = format!(
        "<gateway-config xmlns=\"http://xmlns.kaazing.org/2016/06/gateway\">{}{}</gateway-config>\n",
        "<x>".repeat(50_000),
        "</x>".repeat(50_000)
    );
    let report = lint(&[
        (
            "clusterlint.toml",
            b"[limits]\nmax-nesting-depth = 100000000\n",
        ),
        ("lb/nginx.conf", nginx.as_bytes()),
        ("gw/conf/gateway-config.xml", xml.as_bytes()),
    ]);
    let errors = of_rule(&report, "core/parse-error");
    assert!(
        errors.iter().any(|e| e.starts_with("lb/nginx.conf")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("gw/conf/gateway-config.xml")),
        "{errors:?}"
    );
}

/// A node folder swapped for a link out of the cluster, back and forth
/// while the cluster is read: whatever the listing saw, nothing from
/// outside is ever read.
#[cfg(unix)]
#[test]
fn a_folder_swapped_for_a_link_mid_run_never_lets_outside_files_in() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("cluster");
    let outside = dir.path().join("outside");
    let stash = dir.path().join("stash");
    fs::create_dir_all(root.join("lb")).unwrap();
    fs::create_dir_all(&outside).unwrap();
    fs::write(root.join("lb/nginx.conf"), "events {}\nhttp {}\n").unwrap();
    fs::write(
        outside.join("nginx.conf"),
        "# OUTSIDE-THE-CLUSTER\nevents {}\nhttp {}\n",
    )
    .unwrap();
    fs::write(root.join("app1.properties"), SECRET).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let swapper = {
        let (stop, root, outside) = (stop.clone(), root.clone(), outside.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let _ = fs::rename(root.join("lb"), &stash);
                let _ = std::os::unix::fs::symlink(&outside, root.join("lb"));
                std::thread::sleep(std::time::Duration::from_micros(300));
                let _ = fs::remove_file(root.join("lb"));
                let _ = fs::rename(&stash, root.join("lb"));
                std::thread::sleep(std::time::Duration::from_micros(300));
            }
        })
    };
    // A fixed number of runs, however loaded the machine: without the
    // check after opening, a few dozen read the outside file.
    for runs in 1..=40 {
        let Ok(workspace) = Workspace::from_dir(&root) else {
            continue;
        };
        let report = workspace.lint(&LintOptions::default());
        for file in report.files.iter() {
            assert!(
                !file.source.text.contains("OUTSIDE-THE-CLUSTER"),
                "run {runs} read {} from outside the cluster",
                file.source.path
            );
        }
    }
    stop.store(true, Ordering::Relaxed);
    swapper.join().unwrap();
}
