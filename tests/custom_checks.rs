//! The user's own `[[check]]`s: every assertion kind failing and passing
//! (rule id, file and line), invalid checks located in the manifest, and
//! the JSON of a custom finding shaped like a built-in one.

use clusterlint::{LintOptions, Report, Workspace};

fn lint(files: &[(&str, &str)]) -> Report {
    let mut workspace = Workspace::new();
    for (path, text) in files {
        workspace.add_file(*path, text.as_bytes().to_vec());
    }
    workspace.lint(&LintOptions::default())
}

/// `path:line rule` of the findings of rules under `prefix/`.
fn findings(report: &Report, prefix: &str) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.rule.starts_with(prefix))
        .map(|d| {
            let (at, _) = report.position(d.primary.span);
            format!("{}:{} {}", report.path(d.primary.span), at.line, d.rule)
        })
        .collect()
}

/// The check with this id among the examples of `docs/custom-rules.md`,
/// its `[[check]]` header included.
fn example(id: &str) -> String {
    let page = include_str!("../docs/custom-rules.md");
    page.split("```toml\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .find(|block| block.contains(&format!("id = \"{id}\"\n")))
        .unwrap_or_else(|| panic!("no example `{id}` in docs/custom-rules.md"))
        .to_string()
}

#[test]
fn the_ten_examples_of_the_docs_are_valid_and_tested_here() {
    let page = include_str!("../docs/custom-rules.md");
    let this = include_str!("custom_checks.rs");
    let blocks: Vec<&str> = page
        .split("```toml\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .filter(|block| block.starts_with("[[check]]"))
        .collect();
    assert_eq!(blocks.len(), 10);
    for block in blocks {
        let manifest = clusterlint::manifest::parse(block);
        assert!(manifest.errors.is_empty(), "{block}: {:?}", manifest.errors);
        assert_eq!(manifest.checks.len(), 1, "{block}");
        let id = &manifest.checks[0].id;
        assert!(
            this.contains(&format!("example(\"{id}\")")),
            "the example `{id}` is not tested"
        );
    }
}

const NODES: &str = "[nodes.app1]\nrole = \"live\"\naddress = \"192.0.2.11\"\n[nodes.app2]\nrole = \"live\"\naddress = \"192.0.2.12\"\n";

/// A manifest with the two live nodes and `check` (a `[[check]]` table).
fn manifest(check: &str) -> String {
    format!("{NODES}\n{check}\n")
}

/// Lints the two nodes' `portal-ext.properties` with `check`.
fn portal(check: &str, app1: &str, app2: &str) -> Vec<String> {
    let report = lint(&[
        ("clusterlint.toml", &manifest(check)),
        ("app1/portal-ext.properties", app1),
        ("app2/portal-ext.properties", app2),
    ]);
    let errors: Vec<String> = findings(&report, "core/manifest-error");
    assert!(errors.is_empty(), "{errors:?}");
    findings(&report, "acme/")
}

#[test]
fn required_and_forbidden() {
    let check = &example("acme/jdbc-url");
    assert_eq!(
        portal(check, "jdbc.default.url=jdbc:x\n", "other=1\n"),
        ["app2/portal-ext.properties:1 acme/jdbc-url"]
    );
    assert!(portal(check, "jdbc.default.url=a\n", "jdbc.default.url=b\n").is_empty());

    let check = &example("acme/no-dev-mode");
    assert_eq!(
        portal(
            check,
            "a=1\ninclude-and-override=portal-developer.properties\n",
            "a=1\n"
        ),
        ["app1/portal-ext.properties:2 acme/no-dev-mode"]
    );
    assert!(portal(check, "a=1\n", "a=1\n").is_empty());
}

#[test]
fn equals_matches_and_one_of() {
    let check = &example("acme/https");
    assert_eq!(
        portal(
            check,
            "web.server.protocol=https\n",
            "x=1\nweb.server.protocol=http\n"
        ),
        ["app2/portal-ext.properties:2 acme/https"]
    );
    assert!(
        portal(
            check,
            "web.server.protocol=https\n",
            "web.server.protocol=https\n"
        )
        .is_empty()
    );

    let check = &example("acme/mysql");
    assert_eq!(
        portal(
            check,
            "jdbc.default.url=jdbc:mysql://db.example.org:3306/lportal?useUnicode=true\n",
            "jdbc.default.url=jdbc:postgresql://db/lportal\n"
        ),
        ["app2/portal-ext.properties:1 acme/mysql"]
    );
    assert!(portal(check, "jdbc.default.url=jdbc:mysql://db/lportal\n", "").is_empty());

    let check = &example("acme/store");
    assert_eq!(
        portal(
            check,
            "dl.store.impl=com.liferay.portal.store.file.system.FileSystemStore\n",
            ""
        ),
        ["app1/portal-ext.properties:1 acme/store"]
    );
    assert!(
        portal(
            check,
            "dl.store.impl=com.liferay.portal.store.db.DBStore\n",
            ""
        )
        .is_empty()
    );
}

#[test]
fn same_and_unique_across_nodes() {
    let check = &example("acme/same-db");
    let report = lint(&[
        ("clusterlint.toml", &manifest(check)),
        (
            "app1/portal-ext.properties",
            "jdbc.default.url=jdbc:mysql://db/lportal\n",
        ),
        (
            "app2/portal-ext.properties",
            "jdbc.default.url=jdbc:mysql://db/lportal\n",
        ),
        (
            "app3/portal-ext.properties",
            "\njdbc.default.url=jdbc:mysql://other/lportal\n",
        ),
    ]);
    assert_eq!(
        findings(&report, "acme/"),
        ["app3/portal-ext.properties:2 acme/same-db"]
    );
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "acme/same-db")
        .unwrap();
    assert_eq!(d.severity, clusterlint::Severity::Error);
    assert_eq!(report.path(d.related[0].span), "app1/portal-ext.properties");
    assert!(portal(check, "jdbc.default.url=a\n", "jdbc.default.url=a\n").is_empty());

    let check = &example("acme/own-cluster-port");
    let gateway = |accept: &str| {
        format!(
            "<gateway-config xmlns=\"http://xmlns.kaazing.org/2016/06/gateway\">\n  <cluster>\n    <name>c</name>\n    <accept>{accept}</accept>\n    <connect>udp://224.2.2.44:4444</connect>\n  </cluster>\n</gateway-config>\n"
        )
    };
    let report = lint(&[
        ("clusterlint.toml", check),
        (
            "gw1/conf/gateway-config.xml",
            &gateway("tcp://192.0.2.61:5941"),
        ),
        (
            "gw2/conf/gateway-config.xml",
            &gateway("tcp://192.0.2.61:5941"),
        ),
        (
            "gw3/conf/gateway-config.xml",
            &gateway("tcp://192.0.2.63:5941"),
        ),
    ]);
    assert_eq!(
        findings(&report, "acme/"),
        ["gw2/conf/gateway-config.xml:4 acme/own-cluster-port"]
    );
}

#[test]
fn subset_of_and_port_range() {
    // Every upstream server of the balancer is an address the hosts file knows.
    let check = &example("acme/upstreams-in-hosts");
    let report = lint(&[
        (
            "clusterlint.toml",
            &format!("[nodes.lb]\nrole = \"balancer\"\n[[check]]\n{check}\n"),
        ),
        (
            "lb/etc/nginx/nginx.conf",
            "events {}\nhttp {\n  upstream portal {\n    server app1;\n    server app9;\n  }\n}\n",
        ),
        ("lb/etc/hosts", "192.0.2.10 app1 app2\n"),
    ]);
    assert_eq!(
        findings(&report, "acme/"),
        ["lb/etc/nginx/nginx.conf:5 acme/upstreams-in-hosts"]
    );

    let check = &example("acme/no-port-80");
    let gateway = |accept: &str| {
        format!(
            "<gateway-config xmlns=\"http://xmlns.kaazing.org/2016/06/gateway\">\n  <service>\n    <name>echo</name>\n    <accept>{accept}</accept>\n    <type>echo</type>\n  </service>\n</gateway-config>\n"
        )
    };
    let dmz = "[nodes.dmz1]\nrole = \"dmz-gateway\"\n";
    let run = |accept: &str| {
        let report = lint(&[
            ("clusterlint.toml", &format!("{dmz}{check}\n")),
            ("dmz1/conf/gateway-config.xml", &gateway(accept)),
        ]);
        findings(&report, "acme/")
    };
    assert_eq!(
        run("ws://gw.example.org:80/echo"),
        ["dmz1/conf/gateway-config.xml:4 acme/no-port-80"]
    );
    assert!(run("wss://gw.example.org:8443/echo").is_empty());
}

#[test]
fn maxmemory_on_every_redis() {
    let check = example("acme/redis-maxmemory");
    let run = |conf: &str| {
        let report = lint(&[
            (
                "clusterlint.toml",
                &format!(
                    "[nodes.cache1]\nrole = \"redis\"\n[nodes.cache2]\nrole = \"redis\"\n[nodes.app1]\nrole = \"live\"\n{check}"
                ),
            ),
            (
                "cache1/etc/redis/redis.conf",
                "bind 127.0.0.1\nmaxmemory 2gb\n",
            ),
            ("cache2/etc/redis/redis.conf", conf),
            ("app1/portal-ext.properties", "a=1\n"),
        ]);
        findings(&report, "acme/")
    };
    assert_eq!(
        run("bind 127.0.0.1\n"),
        ["cache2/etc/redis/redis.conf:1 acme/redis-maxmemory"]
    );
    assert!(run("maxmemory 1gb\n").is_empty());
}

#[test]
fn invalid_checks_are_manifest_errors_at_their_line() {
    let report = lint(&[
        (
            "clusterlint.toml",
            "[[check]]\nid = \"liferay/mine\"\npath = \"a:b\"\nrequired = true\n\n[[check]]\nid = \"acme/x\"\npath = \"no-colon\"\nequals = \"a\"\nmatches = \"(\"\n\n[[check]]\nid = \"acme/y\"\npath = \"nginx.conf:http//server\"\nport-range = [90, 80]\nsevrity = \"error\"\n\n[[check]]\nid = \"acme/z\"\npath = \"a:b\"\nnodes = [\"nobody\"]\nrequired = true\n",
        ),
        ("app1/portal-ext.properties", "a=1\n"),
    ]);
    let found = findings(&report, "core/manifest-error");
    for expected in [
        "clusterlint.toml:2 core/manifest-error", // a built-in pack's prefix
        "clusterlint.toml:8 core/manifest-error", // FILE:PATH
        "clusterlint.toml:10 core/manifest-error", // a second assertion
        "clusterlint.toml:14 core/manifest-error", // an empty step
        "clusterlint.toml:15 core/manifest-error", // a reversed range
        "clusterlint.toml:16 core/manifest-error", // an unknown key
        "clusterlint.toml:18 core/manifest-error", // an unknown node
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "no {expected} in {found:#?}"
        );
    }
    assert!(
        findings(&report, "acme/").is_empty(),
        "{:?}",
        findings(&report, "acme/")
    );
}

#[test]
fn a_custom_finding_has_the_shape_of_a_built_in_one() {
    let check = &example("acme/https");
    let report = lint(&[
        ("clusterlint.toml", &manifest(check)),
        (
            "app1/portal-ext.properties",
            "web.server.protocol=http\ncluster.link.enabled=false\n",
        ),
        ("app2/portal-ext.properties", "web.server.protocol=https\n"),
    ]);
    let json: serde_json::Value =
        serde_json::from_str(&clusterlint::report::json::render(&report)).unwrap();
    let all = json["diagnostics"].as_array().unwrap();
    let custom = all
        .iter()
        .find(|d| d["rule"] == "acme/https")
        .expect("the custom finding");
    let built_in = all
        .iter()
        .find(|d| {
            d["rule"]
                .as_str()
                .is_some_and(|r| r.starts_with("liferay/"))
        })
        .expect("a built-in finding");
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(custom), keys(built_in));
    assert_eq!(
        custom["message"],
        "the portal must say it is served over HTTPS"
    );
    assert_eq!(custom["help"], "set web.server.protocol=https");
    assert_eq!(custom["severity"], "warning");
}

#[test]
fn a_custom_finding_can_be_suppressed_like_a_built_in_one() {
    let check = &example("acme/https");
    assert!(
        portal(
            check,
            "# clusterlint: ignore[acme/https] TLS ends at the balancer\nweb.server.protocol=http\n",
            ""
        )
        .is_empty()
    );
}

#[test]
fn custom_checks_are_selected_ignored_and_reweighted_like_rules() {
    let check = example("acme/https");
    let files = |rules: &str| {
        vec![
            (
                "clusterlint.toml".to_string(),
                format!("{NODES}{rules}\n{check}"),
            ),
            (
                "app1/portal-ext.properties".to_string(),
                "web.server.protocol=http\n".to_string(),
            ),
            (
                "app2/portal-ext.properties".to_string(),
                "web.server.protocol=https\n".to_string(),
            ),
        ]
    };
    let lint_with = |rules: &str, options: &LintOptions| {
        let mut workspace = Workspace::new();
        for (path, text) in files(rules) {
            workspace.add_file(path, text.into_bytes());
        }
        let report = workspace.lint(options);
        assert!(
            findings(&report, "core/manifest-error").is_empty(),
            "{:?}",
            report.diagnostics
        );
        report
    };
    let defaults = LintOptions::default();
    let severity_of = |report: &Report| {
        report
            .diagnostics
            .iter()
            .find(|d| d.rule == "acme/https")
            .map(|d| d.severity)
    };
    assert_eq!(
        severity_of(&lint_with("", &defaults)),
        Some(clusterlint::Severity::Warning)
    );
    assert_eq!(
        severity_of(&lint_with(
            "[rules]\nignore = [\"acme/https\"]\n",
            &defaults
        )),
        None
    );
    assert_eq!(
        severity_of(&lint_with("[rules]\nignore = [\"acme\"]\n", &defaults)),
        None
    );
    assert_eq!(
        severity_of(&lint_with("[rules]\nselect = [\"liferay\"]\n", &defaults)),
        None
    );
    assert_eq!(
        severity_of(&lint_with(
            "[rules]\nseverity = { acme = \"error\" }\n",
            &defaults
        )),
        Some(clusterlint::Severity::Error)
    );
    // The command line's options, checked before any manifest is read.
    let ignore = LintOptions {
        ignore: vec!["acme/https".to_string()],
        ..LintOptions::default()
    };
    assert!(ignore.validate().is_ok());
    assert_eq!(severity_of(&lint_with("", &ignore)), None);
    let typo = LintOptions {
        ignore: vec!["liferay/tunel-secret-mismatch".to_string()],
        ..LintOptions::default()
    };
    assert!(typo.validate().is_err());
    // A suppression of a fixed custom finding is unused, not unknown.
    let mut workspace = Workspace::new();
    for (path, text) in files("") {
        workspace.add_file(path, text.into_bytes());
    }
    workspace.add_file(
        "app1/portal-ext.properties",
        b"# clusterlint: ignore[acme/https] old\nweb.server.protocol=https\n".to_vec(),
    );
    let report = workspace.lint(&defaults);
    let unused: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "core/unused-suppression")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(unused.len(), 1, "{unused:?}");
    assert!(unused[0].contains("matches no finding"), "{unused:?}");
}
