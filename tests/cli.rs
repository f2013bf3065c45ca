//! The command line end to end: exit codes, the JSON contract, the human
//! report of the example cluster, rule documentation.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/clusters/liferay-remote-staging")
}

/// The binary, with the terminal's settings of the one running the tests
/// left out.
fn clusterlint() -> Command {
    let mut command = Command::cargo_bin("clusterlint").expect("binary");
    command.env_remove("COLUMNS").env_remove("FORCE_COLOR");
    command
}

fn json_of(args: &[&str]) -> (Value, i32) {
    let output = clusterlint().args(args).output().expect("runs");
    let value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        );
    });
    (value, output.status.code().unwrap_or(-1))
}

/// `path:line rule` of every diagnostic of a JSON report.
fn findings_of(json: &Value) -> Vec<String> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{} {}",
                d["path"].as_str().unwrap(),
                d["line"],
                d["rule"].as_str().unwrap()
            )
        })
        .collect()
}

/// The planted faults of the example cluster, as `path:line rule`.
const PLANTED: &[&str] = &[
    "app2/osgi/configs/com.liferay.portal.security.auth.verifier.internal.tunnel.configuration.TunnelAuthVerifierConfiguraton~default.config:1 liferay/osgi-config-pid-typo",
    "app2/portal-ext.properties:13 liferay/tunnel-secret-mismatch",
    "app3/portal-ext.properties:15 liferay/tunnel-hosts-missing-staging",
    "app3/portal-ext.properties:17 liferay/tunnel-https-not-required",
    "app3/tomcat/bin/setenv.sh:4 liferay/ipv6-needs-ipv6-stack",
    "staging/portal-db.properties:3 liferay/staging-shares-live-database",
];

#[test]
fn example_cluster_json_matches_the_contract() {
    let root = example();
    let (json, code) = json_of(&["check", "--format", "json", root.to_str().unwrap()]);
    assert_eq!(code, 1, "error-level findings give exit code 1");
    assert_eq!(json["version"], 1);
    let object = json.as_object().unwrap();
    let keys: Vec<&str> = object.keys().map(String::as_str).collect();
    assert_eq!(keys, ["diagnostics", "summary", "version"]);

    let diagnostics = json["diagnostics"].as_array().unwrap();
    let found = findings_of(&json);
    assert_eq!(found, PLANTED);

    for d in diagnostics {
        let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "column",
                "end_column",
                "end_line",
                "fix",
                "help",
                "line",
                "message",
                "path",
                "related",
                "rule",
                "severity"
            ]
        );
        assert!(["error", "warning", "info"].contains(&d["severity"].as_str().unwrap()));
        assert!(!d["path"].as_str().unwrap().contains('\\'));
        assert!(d["line"].as_u64().unwrap() >= 1 && d["column"].as_u64().unwrap() >= 1);
        assert!(d["end_line"].as_u64() >= d["line"].as_u64());
        for r in d["related"].as_array().unwrap() {
            let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, ["column", "line", "message", "path"]);
        }
    }

    // The secret mismatch points at app2's value and relates the reference.
    let mismatch = diagnostics
        .iter()
        .find(|d| d["rule"] == "liferay/tunnel-secret-mismatch")
        .unwrap();
    assert_eq!(mismatch["column"], 33);
    assert_eq!(mismatch["end_column"], 65);
    assert_eq!(
        mismatch["related"][0]["path"],
        "staging/portal-ext.properties"
    );
    assert_eq!(mismatch["related"][0]["line"], 7);

    let summary = &json["summary"];
    assert_eq!(summary["nodes"], 5);
    assert_eq!(summary["files"], 12);
    assert_eq!(summary["errors"], 4);
    assert_eq!(summary["warnings"], 2);
}

#[test]
fn example_cluster_human_report() {
    let output = clusterlint()
        .args(["check", example().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    insta::assert_snapshot!("liferay_remote_staging_human", text);
}

fn gluu_example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/clusters/gluu-ha")
}

/// The planted faults of the Gluu example, as `path:line rule`.
const GLUU_PLANTED: &[&str] = &[
    // The guide lists the csync2 hosts by address: gluu1 and gluu2 do not
    // find themselves (csync2 compares entries with the host name).
    "gluu1/etc/csync2.cfg:4 gluu/csync2-host-not-hostname",
    // gluu1's csync2.conf is the guide's first copy, with two hosts.
    "gluu1/etc/csync2.conf:5 gluu/csync2-config-divergent",
    "gluu2/etc/csync2.cfg:5 gluu/csync2-host-not-hostname",
    // gluu2's hosts file still has the old Redis host.
    "gluu2/etc/hosts:6 net/hosts-inconsistent",
    // gluu2's client tunnel was copied from the Redis host.
    "gluu2/etc/stunnel/redis-client.conf:4 stunnel/client-mode-missing",
    // gluu2's web key is not the one its certificate was issued for.
    "gluu2/opt/gluu-server/etc/certs/httpd.key:1 tls/key-cert-mismatch",
    "gluu2/opt/gluu-server/install/community-edition-setup/setup.properties.last:16 gluu/setup-properties-divergent",
    // gluu2's replication server predates gluu3.
    "gluu2/opt/gluu-server/opt/opendj/config/config.ldif:84 opendj/replication-server-missing",
    // gluu3 got an old csync2.cfg without itself.
    "gluu3/etc/csync2.cfg:2 gluu/csync2-hosts-incomplete",
    "gluu3/etc/csync2.cfg:5 gluu/csync2-config-divergent",
    "gluu3/etc/stunnel/redis-client.conf:7 stunnel/client-target-mismatch",
    "gluu3/opt/gluu-server/install/community-edition-setup/setup.properties.last:17 gluu/setup-ip-not-updated",
    // gluu3's OpenDJ configuration was copied from gluu2 with its ids.
    "gluu3/opt/gluu-server/opt/opendj/config/config.ldif:66 opendj/server-id-duplicate",
    "gluu3/opt/gluu-server/opt/opendj/config/config.ldif:76 opendj/server-id-duplicate",
    "gluu3/opt/gluu-server/opt/opendj/config/config.ldif:87 opendj/server-id-duplicate",
    "lb/etc/hosts:9 net/invalid-address",
    // The balancer: a node missing, a redirect typo, `ssl on`, an upstream typo.
    "lb/etc/nginx/conf.d/gluu.conf:11 nginx/upstream-missing-node",
    "lb/etc/nginx/conf.d/gluu.conf:13 nginx/upstream-health-inconsistent",
    "lb/etc/nginx/conf.d/gluu.conf:19 nginx/redirect-host-mismatch",
    // The balancer presents the Redis host's certificate for idp.example.org.
    "lb/etc/nginx/conf.d/gluu.conf:24 tls/name-mismatch",
    "lb/etc/nginx/conf.d/gluu.conf:26 nginx/ssl-on-deprecated",
    "lb/etc/nginx/conf.d/gluu.conf:53 nginx/proxy-pass-unknown-upstream",
    "redis/etc/redis/redis.conf:4 redis/protected-mode-off",
    // The guide's 1024-bit key, a tunnel nobody verifies, and its tunnel to
    // 16379 while Redis stays on 6379.
    "redis/etc/stunnel/redis-server.conf:2 tls/weak-key",
    "redis/etc/stunnel/redis-server.conf:5 stunnel/peer-not-verified",
    "redis/etc/stunnel/redis-server.conf:7 stunnel/server-target-mismatch",
];

/// The same cluster with every planted fault corrected.
#[test]
fn gluu_example_clean_twin_reports_nothing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/clean/gluu-ha");
    let (json, code) = json_of(&["check", "--format", "json", root.to_str().unwrap()]);
    assert_eq!(findings_of(&json), Vec::<String>::new());
    assert!(json["diagnostics"].as_array().unwrap().is_empty());
    assert_eq!(code, 0);
    assert_eq!(json["summary"]["nodes"], 5);
}

#[test]
fn gluu_example_reports_the_planted_faults_with_related_locations() {
    let root = gluu_example();
    let (json, code) = json_of(&["check", "--format", "json", root.to_str().unwrap()]);
    assert_eq!(code, 1);
    let diagnostics = json["diagnostics"].as_array().unwrap();
    let found = findings_of(&json);
    assert_eq!(found, GLUU_PLANTED);
    let related = |rule: &str| -> Vec<String> {
        let d = diagnostics.iter().find(|d| d["rule"] == rule).unwrap();
        d["related"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| format!("{}:{}", r["path"].as_str().unwrap(), r["line"]))
            .collect()
    };
    // Across files and nodes: the tunnel and the Redis port it misses, the
    // client and the server tunnel, the copied `ip` and its original.
    assert_eq!(
        related("stunnel/server-target-mismatch"),
        ["redis/etc/redis/redis.conf:5"]
    );
    assert_eq!(
        related("stunnel/client-mode-missing"),
        ["redis/etc/stunnel/redis-server.conf:6"]
    );
    assert_eq!(
        related("gluu/setup-ip-not-updated"),
        ["gluu2/opt/gluu-server/install/community-edition-setup/setup.properties.last:17"]
    );
    assert_eq!(
        related("nginx/upstream-missing-node"),
        ["clusterlint.toml:18"]
    );
    assert_eq!(json["summary"]["nodes"], 5);
    // 24 configuration files, 8 certificates and keys, and 3 × 5 OpenDJ
    // files (configuration, Java properties, keystore, PIN, truststore).
    assert_eq!(json["summary"]["files"], 47);
}

#[test]
fn gluu_example_human_report() {
    let output = clusterlint()
        .args(["check", gluu_example().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    insta::assert_snapshot!("gluu_ha_human", text);
}

fn kaazing_example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/clusters/kaazing-shield-ha")
}

/// The planted faults of the KAAZING example, as `path:line rule`.
const KAAZING_PLANTED: &[&str] = &[
    // As the walkthrough writes it.
    "dmz1/conf/gateway-config.xml:42 kaazing/cross-site-allow-all",
    "dmz1/conf/gateway-config.xml:78 kaazing/balance-without-balancer",
    // dmz2 was copied from dmz1.
    "dmz2/conf/gateway-config.xml:15 kaazing/duplicate-cluster-port",
    "dmz2/conf/gateway-config.xml:24 kaazing/backplane-pair-mismatch",
    "dmz2/conf/gateway-config.xml:30 kaazing/undefined-property",
    "dmz2/conf/gateway-config.xml:39 kaazing/tcp-bind-mismatch",
    "internal1/conf/gateway-config.xml:30 kaazing/unknown-element",
    // internal2 was copied from internal1.
    "internal2/conf/gateway-config.xml:14 kaazing/backplane-pair-mismatch",
    "internal2/conf/gateway-config.xml:21 kaazing/cluster-connect-mismatch",
];

#[test]
fn kaazing_example_reports_the_planted_faults_and_a_clean_copy_nothing() {
    let root = kaazing_example();
    let (json, code) = json_of(&["check", "--format", "json", root.to_str().unwrap()]);
    assert_eq!(code, 1);
    let found = findings_of(&json);
    assert_eq!(found, KAAZING_PLANTED);

    // The same cluster with the planted faults fixed reports nothing.
    let dir = tempfile::tempdir().unwrap();
    for node in ["dmz1", "dmz2", "internal1", "internal2"] {
        let from = root.join(node).join("conf/gateway-config.xml");
        let text = std::fs::read_to_string(&from).unwrap();
        let fixed = match node {
            "dmz1" => text
                .replace(
                    "<allow-origin>*</allow-origin>",
                    "<allow-origin>https://www.example.com</allow-origin>",
                )
                .replace("8443/ap2<", "8443/app2<"),
            "dmz2" => text
                .replace("<value>5941</value>", "<value>5942</value>")
                .replace("gateway.ip.adress", "gateway.ip.address")
                .replace(":9443<", ":8443<"),
            "internal1" => text.replace("ws.inactivity.timout", "ws.inactivity.timeout"),
            _ => text
                .replace("gateway1.example.dmz.net", "gateway2.example.dmz.net")
                .replace("224.2.2.46", "224.2.2.45"),
        };
        let to = dir.path().join(node).join("conf");
        std::fs::create_dir_all(&to).unwrap();
        std::fs::write(to.join("gateway-config.xml"), fixed).unwrap();
    }
    let (json, code) = json_of(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    assert_eq!(
        json["diagnostics"],
        serde_json::json!([]),
        "a clean copy reports nothing"
    );
    assert_eq!(code, 0);
}

#[test]
fn kaazing_example_human_report() {
    let output = clusterlint()
        .args(["check", kaazing_example().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    insta::assert_snapshot!("kaazing_shield_ha_human", text);
}

#[test]
fn selection_from_the_command_line() {
    let root = example();
    let root = root.to_str().unwrap();
    let (json, code) = json_of(&[
        "check",
        "--format",
        "json",
        "--select",
        "liferay/tunnel-https-not-required",
        root,
    ]);
    assert_eq!(code, 0, "only a warning is left");
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 1);

    let (json, _) = json_of(&["check", "--format", "json", "--ignore", "liferay", root]);
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 0);

    let (json, code) = json_of(&[
        "check",
        "--format",
        "json",
        "--select",
        "liferay/tunnel-https-not-required",
        "--severity",
        "liferay/tunnel-https-not-required=error",
        root,
    ]);
    assert_eq!(code, 1);
    assert_eq!(json["diagnostics"][0]["severity"], "error");

    let output = clusterlint()
        .args(["check", "--select", "liferay/no-such-rule", root])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("neither a rule id nor a pack"));
}

#[test]
fn a_clean_cluster_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "tunneling.servlet.shared.secret=7c1e9a3f5b2d8e4a6c0f1b3d5e7a9c2b\ntunneling.servlet.shared.secret.hex=true\n";
    std::fs::create_dir_all(dir.path().join("staging")).unwrap();
    std::fs::create_dir_all(dir.path().join("app1")).unwrap();
    std::fs::write(dir.path().join("staging/portal-ext.properties"), secret).unwrap();
    std::fs::write(
        dir.path().join("app1/portal-ext.properties"),
        format!("{secret}tunnel.servlet.hosts.allowed=127.0.0.1,SERVER_IP,192.0.2.50\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("clusterlint.toml"),
        "[nodes.staging]\naddress = \"192.0.2.50\"\n",
    )
    .unwrap();
    let output = clusterlint()
        .args(["check", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains("All checks passed: 2 files of 2 nodes."),
        "{text}"
    );
}

#[test]
fn the_tool_failing_is_exit_code_two() {
    let output = clusterlint()
        .args(["check", "/nonexistent/cluster"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("/nonexistent/cluster"));

    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("README.md"), "notes\n").unwrap();
    let output = clusterlint()
        .args(["check", empty.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("holds no cluster"));

    let bad_manifest = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(bad_manifest.path().join("app1")).unwrap();
    std::fs::write(
        bad_manifest.path().join("app1/portal-ext.properties"),
        "a=b\n",
    )
    .unwrap();
    std::fs::write(
        bad_manifest.path().join("clusterlint.toml"),
        "[nodes.app1]\nrol = \"live\"\n",
    )
    .unwrap();
    let (json, code) = json_of(&[
        "check",
        "--format",
        "json",
        bad_manifest.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "an invalid manifest is exit code 2");
    let d = &json["diagnostics"][0];
    assert_eq!(d["rule"], "core/manifest-error");
    assert_eq!(d["path"], "clusterlint.toml");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(2), Some(1))
    );
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `role`")
    );

    let output = clusterlint()
        .args(["check", "--bogus-flag"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn rule_documentation() {
    let output = clusterlint().args(["rules"]).output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    for rule in clusterlint::rules::ALL {
        assert!(
            text.contains(rule.id),
            "{} missing from `clusterlint rules`",
            rule.id
        );
    }
    let output = clusterlint()
        .args(["rule", "liferay/tunnel-key-length"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("# liferay/tunnel-key-length"));
    assert!(text.contains("## How to fix"));
    let output = clusterlint()
        .args(["rule", "liferay/tunnel-key-lenght"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("liferay/tunnel-key-length"));
}

fn real(cluster: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/real")
        .join(cluster)
}

/// `check --format json` run from `cwd` with `args`.
fn json_in(cwd: &Path, args: &[&str]) -> (Value, i32) {
    let output = clusterlint()
        .current_dir(cwd)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .expect("runs");
    let value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {} {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (value, output.status.code().unwrap_or(-1))
}

#[test]
fn where_the_user_stands_does_not_change_what_is_found() {
    let cluster = real("kaazing-kwic-compose");
    let (alone, code) = json_in(&cluster, &[]);
    assert_eq!(code, 0, "warnings only");
    let expected = findings_of(&alone);
    assert!(!expected.is_empty());
    // Standing in a node folder, or deeper in it.
    for inside in ["cloud", "onpremise/conf"] {
        let (json, _) = json_in(&cluster.join(inside), &[]);
        assert_eq!(findings_of(&json), expected, "from {inside}");
    }
    // The folder of every real cluster: this one's findings, its path in front.
    let (all, _) = json_in(&real(""), &[]);
    let prefixed: Vec<String> = findings_of(&all)
        .into_iter()
        .filter_map(|f| f.strip_prefix("kaazing-kwic-compose/").map(str::to_string))
        .collect();
    assert_eq!(prefixed, expected);
    // A file argument: its own cluster, its findings only.
    let (file, _) = json_in(&cluster, &["cloud/conf/kwic-cloud-gateway-config.xml"]);
    let only: Vec<&String> = expected
        .iter()
        .filter(|f| f.starts_with("cloud/"))
        .collect();
    assert_eq!(findings_of(&file).iter().collect::<Vec<_>>(), only);
}

#[test]
fn an_unknown_selector_on_the_command_line_is_an_error() {
    let output = clusterlint()
        .args(["check", "--select", "ngnix", example().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("did you mean `nginx`"), "{stderr}");
    let output = clusterlint()
        .args([
            "check",
            "--ignore",
            "liferay/tunel-secret-weak",
            example().to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("liferay/tunnel-secret-weak"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn show_settings_tells_roots_nodes_roles_and_versions() {
    let output = clusterlint()
        .args([
            "check",
            "--show-settings",
            real("kaazing-kwic-compose").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    for wanted in [
        "manifest: none",
        "KAAZING Gateway version: 4.0",
        "KAAZING Gateway edition: jms",
        "node `cloud`",
        "roles: dmz-gateway (inferred)",
        "also named: gateway.example.com",
        "started by service `cloud` of _deploy/kwic.yml",
    ] {
        assert!(text.contains(wanted), "{wanted} missing in:\n{text}");
    }
    let output = clusterlint()
        .args([
            "check",
            "--show-settings",
            real("liferay-workspace-deltares").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    for wanted in [
        "(environment `prod`)",
        "node `prod` (folder configs/prod/ over configs/common/)",
        "Liferay version: 7.4",
    ] {
        assert!(text.contains(wanted), "{wanted} missing in:\n{text}");
    }
}

/// A compose file beside `config/<service>/` folders, each mounted into
/// its service's container: the services are the nodes, and the cluster is
/// the compose file's folder wherever one stands.
#[test]
fn a_compose_file_above_its_services_folders_makes_the_cluster() {
    let dir = repository();
    let root = dir.path();
    let write = |path: &str, text: &str| write_file(root, path, text);
    write(
        "redis/compose.yaml",
        "services:\n  redis-master:\n    image: redis:7\n    command: redis-server /etc/redis/redis.conf\n    volumes:\n      - ./config/master/redis.conf:/etc/redis/redis.conf\n  redis-replica:\n    image: redis:7\n    command: redis-server /etc/redis/redis.conf\n    volumes:\n      - ./config/replica/redis.conf:/etc/redis/redis.conf\n",
    );
    write(
        "redis/config/master/redis.conf",
        "port 6379\nrequirepass s3cret-a\n",
    );
    write(
        "redis/config/replica/redis.conf",
        "port 6379\nreplicaof redis-master 6379\nmasterauth s3cret-a\n",
    );
    for place in ["", "redis", "redis/config", "redis/config/replica"] {
        let (json, code) = json_in(&root.join(place), &[]);
        assert_eq!(code, 1, "from `{place}`");
        let diagnostics = json["diagnostics"].as_array().unwrap();
        assert_eq!(diagnostics.len(), 1, "from `{place}`: {json}");
        let d = &diagnostics[0];
        assert_eq!(d["rule"], "redis/no-password");
        assert!(
            d["path"]
                .as_str()
                .unwrap()
                .ends_with("config/replica/redis.conf"),
            "{d}"
        );
        assert!(
            d["message"].as_str().unwrap().contains("`redis-replica`"),
            "from `{place}`: {d}"
        );
    }
}

/// A lone `default.conf` that compose mounts into the official nginx
/// image's `conf.d/` is that image's balancer configuration.
#[test]
fn an_nginx_file_mounted_into_conf_d_is_read() {
    let dir = repository();
    let root = dir.path();
    write_file(
        root,
        "docker-compose.yml",
        "services:\n  lb:\n    image: nginx:1.27\n    volumes:\n      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro\n",
    );
    write_file(
        root,
        "nginx/default.conf",
        "upstream backend { server app1:8080; }\nserver {\n    listen 80;\n    location / { proxy_pass http://backnd; }\n}\n",
    );
    let (json, code) = json_in(root, &[]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(
        findings_of(&json),
        ["nginx/default.conf:4 nginx/proxy-pass-unknown-upstream"]
    );
}

/// A Liferay Workspace's `configs/common/` file is checked once per
/// environment; a finding on it is shown once.
#[test]
fn a_finding_on_a_file_environments_share_is_shown_once() {
    let dir = repository();
    let root = dir.path();
    let write = |path: &str, text: &str| write_file(root, path, text);
    write(
        "settings.gradle",
        "apply plugin: \"com.liferay.workspace\"\n",
    );
    write(
        "gradle.properties",
        "liferay.workspace.product=portal-7.4-ga112\n",
    );
    write(
        "configs/common/osgi/configs/com.liferay.portal.search.elasticsearch7.configuration.ElasticsearchConfiguration.config",
        "operationMode=REMOTE\n",
    );
    write(
        "configs/prod/portal-ext.properties",
        "web.server.protocol=https\n",
    );
    write(
        "configs/uat/portal-ext.properties",
        "web.server.protocol=https\n",
    );
    let (json, _) = json_in(root, &[]);
    let findings = findings_of(&json);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(findings[0].ends_with("core/parse-error"), "{findings:?}");
}

/// An empty folder that is a repository of its own (the search for a
/// cluster's root stops there).
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

fn write_file(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// `COLUMNS` sets the width messages and help are wrapped at (source
/// lines are shown whole).
#[test]
fn columns_sets_the_report_width() {
    let lines = |columns: &str| {
        let output = clusterlint()
            .env("COLUMNS", columns)
            .args(["check", "--color", "never"])
            .arg(example())
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).lines().count()
    };
    let (narrow, wide) = (lines("60"), lines("200"));
    assert!(narrow > wide, "{narrow} lines at 60 columns, {wide} at 200");
}

/// The completion scripts are valid for their shell where the shell is
/// here; the manual page is roff with every subcommand.
#[test]
fn completions_and_the_manual_page() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let output = clusterlint().args(["completions", shell]).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(output.stdout).unwrap();
        assert!(
            script.contains("lsp") && script.contains("format"),
            "{shell}"
        );
        if shell == "bash" {
            let file = tempfile::NamedTempFile::new().unwrap();
            std::fs::write(file.path(), &script).unwrap();
            let checked = std::process::Command::new("bash")
                .arg("-n")
                .arg(file.path())
                .status()
                .unwrap();
            assert!(checked.success(), "bash -n refuses the bash completions");
        }
    }
    let output = clusterlint().arg("manpage").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let page = String::from_utf8(output.stdout).unwrap();
    assert!(page.contains(".TH clusterlint 1"), "{page}");
    for subcommand in ["check", "graph", "lsp", "rules", "rule"] {
        assert!(page.contains(subcommand), "{subcommand} missing");
    }
}

/// `rules --format json` lists every rule with its fix safety.
#[test]
fn rules_as_json() {
    let output = clusterlint()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let rules: Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules = rules.as_array().unwrap();
    assert_eq!(rules.len(), clusterlint::rules::ALL.len());
    let of = |id: &str| rules.iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(of("nginx/ssl-on-deprecated")["fix"], "safe");
    assert_eq!(of("liferay/tunnel-hosts-missing-staging")["fix"], "unsafe");
    assert_eq!(of("core/parse-error")["fix"], Value::Null);
    assert_eq!(of("core/parse-error")["default_severity"], "error");
    assert_eq!(of("core/parse-error")["pack"], "core");
}

/// Rule pages are linked only where they are published: `--rules-url` or
/// the manifest's `[docs] rules-url`; never a path on a build machine.
#[test]
fn rule_links_point_where_the_pages_are_published() {
    let root = example();
    let root = root.to_str().unwrap();
    let (plain, _) = json_of(&["check", "--format", "json", root]);
    assert!(
        plain["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d.get("url").is_none()),
        "{plain}"
    );
    let base = "https://docs.example.test/clusterlint/rules";
    let (linked, _) = json_of(&["check", "--format", "json", "--rules-url", base, root]);
    let first = &linked["diagnostics"][0];
    assert_eq!(
        first["url"].as_str().unwrap(),
        format!("{base}/{}.md", first["rule"].as_str().unwrap())
    );
    let (sarif, _) = json_of(&["check", "--format", "sarif", "--rules-url", base, root]);
    let driver = &sarif["runs"][0]["tool"]["driver"];
    assert_eq!(driver["informationUri"], base);
    assert_eq!(
        driver["rules"][0]["helpUri"].as_str().unwrap(),
        format!("{base}/{}.md", driver["rules"][0]["id"].as_str().unwrap())
    );
    let (sarif, _) = json_of(&["check", "--format", "sarif", root]);
    let text = sarif.to_string();
    assert!(
        !text.contains("helpUri") && !text.contains("informationUri"),
        "links without a published place"
    );
    // Fingerprints are there and differ between findings.
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let prints: std::collections::BTreeSet<&str> = results
        .iter()
        .map(|r| {
            r["partialFingerprints"]["clusterlintFinding/v1"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(prints.len(), results.len());
}

/// The manifest says where the pages are; a non-web address is refused.
#[test]
fn the_manifest_names_the_rule_pages() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let app = dir.path().join("app1");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(
        app.join("portal-ext.properties"),
        "tunneling.servlet.shared.secret=abc\n",
    )
    .unwrap();
    let manifest = dir.path().join("clusterlint.toml");
    std::fs::write(
        &manifest,
        "[docs]\nrules-url = \"https://docs.example.test/rules/\"\n",
    )
    .unwrap();
    let (report, _) = json_of(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    let linked: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["url"].as_str())
        .collect();
    assert!(!linked.is_empty(), "{report}");
    assert!(
        linked
            .iter()
            .all(|u| u.starts_with("https://docs.example.test/rules/") && !u.contains("//rules//")),
        "{linked:?}"
    );
    std::fs::write(&manifest, "[docs]\nrules-url = \"/home/me/rules\"\n").unwrap();
    let (report, _) = json_of(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    assert!(
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["rule"] == "core/manifest-error" && d["line"] == 2),
        "{report}"
    );
}

/// `--watch` checks again when a file changes: fixing a finding in one
/// file makes the next report leave it out.
#[test]
fn watch_checks_again_when_a_file_changes() {
    use std::io::Read as _;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    let (_dir, root) = common::copy_example("liferay-remote-staging", "cluster");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("clusterlint"))
        .args(["check", "--watch", "--format", "concise"])
        .arg(&root)
        .env_remove("COLUMNS")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let seen = Arc::new(Mutex::new(String::new()));
    let mut stdout = child.stdout.take().unwrap();
    let reader = {
        let seen = seen.clone();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                seen.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        })
    };
    let wait_for = |what: &dyn Fn(&str) -> bool| {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if what(&seen.lock().unwrap()) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    };
    let https = "liferay/tunnel-https-not-required";
    assert!(wait_for(&|out| out.contains(https)), "no first report");
    // A change a second later has another modification time.
    std::thread::sleep(Duration::from_millis(1100));
    let file = root.join("app3/portal-ext.properties");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace(
            "tunnel.servlet.https.required=false",
            "tunnel.servlet.https.required=true",
        ),
    )
    .unwrap();
    // The second report: the secret finding again, the HTTPS one gone.
    let second = wait_for(&|out| {
        out.matches("liferay/tunnel-secret-mismatch").count() >= 2
            && out.matches(https).count() == 1
    });
    child.kill().unwrap();
    let _ = child.wait();
    reader.join().unwrap();
    assert!(second, "{}", seen.lock().unwrap());
}
