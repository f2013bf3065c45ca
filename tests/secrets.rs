//! Secrets never leave: no output format, error path or verbose listing
//! contains a secret value or any 4-character piece of one.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use clusterlint::formats;
use clusterlint::report::{human, json};
use clusterlint::secrets::is_secret_key;
use clusterlint::{LintOptions, Workspace};

/// Distinctive values planted in every place a secret can live.
const PLANTED: &[&str] = &[
    "Qz7Vx9kPwM5rLt2N",                 // tunnel secret (plain)
    "9f3ab7ce1d4b8a6e9f3ab7ce1d4b8a6f", // tunnel secret (hex) on another node
    "Hj4Kq8Zm2Wx6Yp0T",                 // JDBC password
    "Rb5Nc3Vd7Fg1Hs9J",                 // secret in a LIFERAY_ environment variable
    "Ty6Ui2Op8As4Df0G",                 // -D...password= in setenv.sh
    "Ol9Ik7Uj5Yh3Tg1R",                 // commented-out old secret
    "Wq2Ea4Sz6Xd8Cr0F",                 // password in an OSGi .config
    "Mn3Bv5Cx7Zl9Kj1H",                 // secret on a line with a parse error
    "Pw8Lk6Jh4Gf2Ds0A",                 // Gluu setup.properties password
    "Ea5Rt7Yu9Io1Pa3S",                 // Gluu setup.properties salt
    "Zx4Cv6Bn8Mq0We2R",                 // Gluu client `_pw`
    "Gh7Jk9Lq1Wz3Xc5V",                 // Redis requirepass (quoted, glued)
    "Bn2Mq4Wz6Er8Ty0U",                 // Redis masterauth
    "Ui3Op5As7Df9Gh1J",                 // Redis ACL user password
    "Kl2Zx4Cv6Bn8Mq0W",                 // csync2 key file (too short: a parse error shows it)
    "MIICXAIBAAKBgQC7",                 // PEM key body (unterminated: a parse error shows it)
    "Qa1Ws3Ed5Rf7Tg9Y",                 // stunnel PSK-style secret option
    "Yh6Uj8Ik0Ol2Pz4X",                 // gateway property holding a password
    "Nb7Vc9Xz1Lk3Jh5G",                 // gateway cluster AWS secret key
    "Wd4Rf6Tg8Yh0Uj2K",                 // password in a JDBC URL's user part
    "Mk5Nj7Bh9Vg1Cf3X",                 // password in a JDBC URL's parameters
    "Fr4Gt6Hy8Ju0Ki2L",                 // LIFERAY_ secret in a compose service's environment
    "Vb1Nm3Qw5Er7Ty9U",                 // -D...password= in a compose GATEWAY_OPTS
    "Cd8Fv0Gb2Hn4Jm6K",                 // --requirepass on a compose command line
    "Lp3Ok5Ij7Uh9Yg1T",                 // password in an env file
    "Sx2Dc4Fv6Gb8Hn0M",                 // redis-cli -a in a compose health check
    "Jq3Wv5Ex7Rb9Tn1Y",                 // csync2 database password, gluu1
    "Kp4Xw6Fy8Sc0Um2Z",                 // csync2 database password, gluu2
    "Hd5Cx7Vz9Bn1Mq3L",                 // token in a csync2 `exec` URL
    "Rw6Ty8Ui0Op2As4D",                 // password in a gateway <balance> URL
    "Fg7Hj9Kl1Zx3Cv5B",                 // MySQL key-value JDBC URL password, app1
    "Nm8Qw0Er2Ty4Ui6O",                 // MySQL address= JDBC URL password, staging
    "Pa9Sd1Fg3Hj5Kl7Z",                 // password in a proxy_pass URL
    "Xc0Vb2Nm4Qw6Er8T",                 // token as a redirect URL's user part
    "Yu1Io3Pa5Sd7Fg9H",                 // Gluu pairwiseCalculationKey, gluu1
    "Jk2Lz4Xc6Vb8Nm0Q",                 // Gluu pairwiseCalculationKey, gluu2
    "We3Rt5Yu7Io9Pa1S",                 // Gluu *_pass_encoded, gluu1
    "Df4Gh6Jk8Lz0Xc2V",                 // Gluu *_pass_encoded, gluu2
    "Bn5Mq7We9Rt1Yu3I",                 // Oracle thin JDBC URL password
    "Op6As8Df0Gh2Jk4L",                 // proxy_set_header X-Api-Key
    "Zx7Cv9Bn1Mq3We5R",                 // nginx `set $jwt_secret`
    "Ty8Ui0Op2As4Df6G",                 // inline PEM key in ssl_certificate_key
    "Hj9Kl1Zx3Cv5Bn7M",                 // misspelt requirepas
    "Qw0Er2Ty4Ui6Op8A",                 // stunnel PSK file read as a configuration
    "Sd1Fg3Hj5Kl7Zx9C",                 // unclosed quote after a secret key
    "Vb2Nm4Qw6Er8Ty0U",                 // gateway secret value with an entity
    "Io3Pa5Sd7Fg9Hj1K",                 // gateway secret value around a child element
];

fn planted_cluster(dir: &Path) {
    let write = |path: &str, text: &str| {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };
    write(
        "staging/portal-ext.properties",
        &format!(
            "#tunneling.servlet.shared.secret={}\ntunneling.servlet.shared.secret={}\njdbc.default.password={}\njdbc.default.url=jdbc:mysql://liferay:{}@db.example.org/lportal?user=liferay&password={}&useUnicode=true\n",
            PLANTED[5], PLANTED[0], PLANTED[2], PLANTED[19], PLANTED[20]
        ),
    );
    write(
        "app1/portal-ext.properties",
        &format!(
            "tunneling.servlet.shared.secret={}\ntunneling.servlet.shared.secret.hex=true\ntunnel.servlet.hosts.allowed=127.0.0.1,SERVER_IP\n",
            PLANTED[1]
        ),
    );
    // The secret's line also holds a malformed escape, and a continuation
    // swallows a second secret line after a blank line.
    write(
        "app2/portal-ext.properties",
        &format!(
            "tunneling.servlet.shared.secret={}\\u12\nother.key=a\\\n\njdbc.default.password={}\n",
            PLANTED[7], PLANTED[2]
        ),
    );
    write(
        "app2/tomcat/bin/setenv.sh",
        &format!(
            "export LIFERAY_TUNNELING_PERIOD_SERVLET_PERIOD_SHARED_PERIOD_SECRET={}\nCATALINA_OPTS=\"-Djavax.net.ssl.keyStorePassword={} -Djava.net.preferIPv4Stack=true\"\n",
            PLANTED[3], PLANTED[4]
        ),
    );
    write(
        "app2/osgi/configs/com.liferay.portal.security.ldap.configuration.LDAPServerConfiguration~x.config",
        &format!("securityCredential=\"{}\"\nbroken line\n", PLANTED[6]),
    );
    write(
        "gluu1/setup.properties",
        &format!(
            "ldapPass={}\noxtrust_admin_password={}\n",
            PLANTED[8], PLANTED[8]
        ),
    );
    write(
        "gluu1/setup.properties.last",
        &format!(
            "ip=192.0.2.11\nencode_salt={}\noxauthClient_pw={}\nldapPass={}\n",
            PLANTED[9], PLANTED[10], PLANTED[8]
        ),
    );
    // Findings on the neighbouring lines put the secrets in snippets.
    write(
        "redis/etc/redis/redis.conf",
        &format!(
            "protected-mode no\nrequirepass x\"{}\"\nprotected-mode no\nmasterauth {}\nuser app on >{} ~* +@all\nbind 0.0.0.0 # comment\n",
            PLANTED[11], PLANTED[12], PLANTED[13]
        ),
    );
    write("gluu1/etc/csync2.key", &format!("{}\n", PLANTED[14]));
    write(
        "gluu1/etc/csync2.cfg",
        "group g {\n host gluu1 redis;\n key /etc/csync2.key;\n}\n",
    );
    write(
        "redis/etc/stunnel/redis.conf",
        &format!(
            "cert = /etc/stunnel/redis.pem\nPSKsecrets = {}\n[redis]\naccept = 192.0.2.30:16379\nconnect = 127.0.0.1:6390\n",
            PLANTED[16]
        ),
    );
    write(
        "redis/etc/stunnel/redis.pem",
        &format!("-----BEGIN RSA PRIVATE KEY-----\n{}\n", PLANTED[15]),
    );
    // Unknown elements beside the secrets put them in snippets.
    write(
        "dmz1/conf/gateway-config.xml",
        &format!(
            "<gateway-config xmlns=\"http://xmlns.kaazing.org/2016/06/gateway\">\n  <properties>\n    <property><name>keystore.password</name><value>{}</value></property>\n    <propertie/>\n  </properties>\n  <cluster>\n    <name>c</name>\n    <accept>tcp://192.0.2.61:5941</accept>\n    <connect>aws://security-group:5941/g</connect>\n    <connect-options>\n      <aws.access-key-id>AKIAEXAMPLE</aws.access-key-id>\n      <aws.secret-key>{}</aws.secret-key>\n      <aws.secret-kee/>\n    </connect-options>\n  </cluster>\n</gateway-config>\n",
            PLANTED[17], PLANTED[18]
        ),
    );
    // Deployment descriptors: a compose file (with a duplicate key, a parse
    // error beside the secrets) and an env file.
    write(
        "_deploy/docker-compose.yml",
        &format!(
            "services:\n  app1:\n    image: liferay/dxp:7.4.13-u100\n    env_file: app1.env\n    environment:\n      LIFERAY_TUNNELING_PERIOD_SERVLET_PERIOD_SHARED_PERIOD_SECRET: \"{}\"\n  dmz1:\n    image: kaazing/enterprise-gateway:5.6.0\n    environment:\n      GATEWAY_OPTS: \"-Dkeystore.password={} -Dx=1\"\n  redis:\n    image: redis:7\n    command: redis-server /etc/redis/redis.conf --requirepass {}\n    healthcheck:\n      test: [\"CMD\", \"redis-cli\", \"-a\", \"{}\", \"ping\"]\n    command: redis-server\n",
            PLANTED[21], PLANTED[22], PLANTED[23], PLANTED[25]
        ),
    );
    write(
        "_deploy/app1.env",
        &format!(
            "LIFERAY_JDBC_PERIOD_DEFAULT_PERIOD_PASSWORD={}\n",
            PLANTED[24]
        ),
    );
    planted_in_messages(dir, &write);
    write(
        "clusterlint.toml",
        "[nodes.staging]\naddress = \"192.0.2.50\"\n",
    );
}

/// Values rules quote in their messages (a value that differs between
/// nodes, a URL that is not valid), and lines whose findings show them.
fn planted_in_messages(dir: &Path, write: &dyn Fn(&str, &str)) {
    let _ = dir;
    let p = |i: usize| PLANTED[26 + i];
    for (node, db) in [("gluu1", p(0)), ("gluu2", p(1))] {
        write(
            &format!("{node}/etc/csync2/csync2.cfg"),
            &format!(
                "database \"pgsql://csync2:{db}@db.example.org/csync2\";\ngroup g {{\n host gluu1 gluu2;\n key /etc/csync2.key;\n include /opt/gluu;\n action {{ pattern /opt/gluu/*; exec \"curl https://hook:{}@hooks.example.org/x\"; }}\n}}\n",
                p(2)
            ),
        );
    }
    write(
        "dmz1/conf/gateway-balance.xml",
        &format!(
            "<gateway-config xmlns=\"http://xmlns.kaazing.org/2016/06/gateway\">\n  <properties>\n    <property><name>store.password</name><value>{}&amp;x</value></property>\n    <property><name>trust.password</name><value>a<b/>{}</value></property>\n  </properties>\n  <service>\n    <name>s</name>\n    <accept>wss://gw.example.org:8443/s</accept>\n    <balance>wss://user:{}@gw.example.org:8443/nope</balance>\n    <balance>wss://gw.example.org:8443/${{store.password}}</balance>\n    <type>echo</type>\n  </service>\n</gateway-config>\n",
            p(19),
            p(20),
            p(3)
        ),
    );
    // Three more live nodes, each on another database.
    for (node, url) in [
        (
            "app3",
            format!(
                "jdbc:mysql://(host=db1.example.org,port=3306,user=lr,password={})/lportal",
                p(4)
            ),
        ),
        (
            "app4",
            format!(
                "jdbc:mysql://address=(host=db2.example.org)(port=3306)(user=lr)(password={})/lportal",
                p(5)
            ),
        ),
        (
            "app5",
            format!("jdbc:oracle:thin:lr/{}@//db3.example.org:1521/ORCL", p(12)),
        ),
    ] {
        write(
            &format!("{node}/portal-ext.properties"),
            &format!("cluster.link.enabled=true\njdbc.default.url={url}\n"),
        );
    }
    write(
        "lb/etc/nginx/nginx.conf",
        &format!(
            "events {{}}\nhttp {{\n  server {{\n    listen 443;\n    ssl on;\n    server_name a.example.org;\n    ssl_certificate_key \"data:-----BEGIN PRIVATE KEY-----{}\";\n    proxy_set_header X-Api-Key {};\n    set $jwt_secret {};\n    ssl on;\n    location / {{ proxy_pass https://svc:{}@bad host/; }}\n    location /r {{ return 301 https://{}@other.example.org/; }}\n  }}\n}}\n",
            p(15),
            p(13),
            p(14),
            p(6),
            p(7)
        ),
    );
    for (node, key, pass) in [("gluu1", p(8), p(10)), ("gluu2", p(9), p(11))] {
        write(
            &format!("{node}/setup.properties.last"),
            &format!(
                "hostname=idp.example.org\norgName=Example\nip=192.0.2.1{}\npairwiseCalculationKey={key}\noxauthClient_pass_encoded={pass}\nencode_salt={}\noxauthClient_pw={}\nldapPass={}\n",
                if node == "gluu1" { 1 } else { 2 },
                PLANTED[9],
                PLANTED[10],
                PLANTED[8]
            ),
        );
    }
    write(
        "cache/redis.conf",
        &format!(
            "port 6380\nrequirepas {}\nmasterauth \"{}\nprotected-mode no\n",
            p(16),
            p(18)
        ),
    );
    write(
        "redis/etc/stunnel/psk.conf",
        &format!("client1:{}\n", p(17)),
    );
}

fn assert_clean(what: &str, output: &str) {
    // In any case: a rule may change a value's case.
    let lower = output.to_ascii_lowercase();
    for secret in PLANTED {
        let chars: Vec<char> = secret.to_ascii_lowercase().chars().collect();
        for window in chars.windows(4) {
            let piece: String = window.iter().collect();
            assert!(
                !lower.contains(&piece),
                "{what} contains `{piece}`, a piece of a planted secret:\n{output}"
            );
        }
    }
}

#[test]
fn planted_secrets_never_appear() {
    let dir = tempfile::tempdir().unwrap();
    planted_cluster(dir.path());
    let report = clusterlint::lint_dir(dir.path()).unwrap();
    // The cluster has findings on the secret lines, so snippets show them.
    assert!(report.diagnostics.len() >= 5, "{:?}", report.diagnostics);
    for path in [
        "redis/etc/redis/redis.conf",
        "gluu1/etc/csync2.key",
        "redis/etc/stunnel/redis.pem",
        "redis/etc/stunnel/redis.conf",
        "dmz1/conf/gateway-config.xml",
    ] {
        assert!(
            report
                .diagnostics
                .iter()
                .any(|d| report.path(d.primary.span) == path),
            "no finding in {path}, so no snippet of it is checked"
        );
    }
    assert_clean("json", &json::render(&report));
    for color in [false, true] {
        let options = human::HumanOptions {
            color,
            ..human::HumanOptions::default()
        };
        assert_clean("human", &human::render(&report, options));
    }
    assert_clean("debug of diagnostics", &format!("{:?}", report.diagnostics));

    for args in [
        vec!["check"],
        vec!["check", "--format", "json"],
        vec!["check", "--verbose"],
        vec!["check", "--format", "sarif"],
        vec!["check", "--format", "github"],
        vec!["check", "--format", "junit"],
        vec!["check", "--format", "concise"],
        vec!["check", "--format", "gitlab"],
        vec!["check", "--format", "checkstyle"],
        vec!["check", "--format", "rdjson"],
        vec!["check", "--statistics"],
        vec!["check", "--diff", "--unsafe-fixes"],
        vec!["check", "--fix", "--diff", "--unsafe-fixes"],
        vec!["graph"],
        vec!["graph", "--format", "mermaid"],
    ] {
        let output = Command::cargo_bin("clusterlint")
            .unwrap()
            .args(&args)
            .arg(dir.path())
            .output()
            .unwrap();
        assert_clean("stdout", &String::from_utf8_lossy(&output.stdout));
        assert_clean("stderr", &String::from_utf8_lossy(&output.stderr));
    }
}

#[test]
fn a_rule_that_panics_is_reported_without_its_message() {
    let dir = tempfile::tempdir().unwrap();
    planted_cluster(dir.path());
    // The panic's message is the text of the cluster's first file, which
    // holds planted secrets.
    for rule in [
        "liferay/tunnel-secret-mismatch",
        "net/port-conflict",
        "kaazing/schema-invalid",
    ] {
        let output = Command::cargo_bin("clusterlint")
            .unwrap()
            .args(["check", "--format", "json"])
            .arg(dir.path())
            .env(clusterlint::engine::PANIC_IN_RULE, rule)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(
            stdout.contains(&format!("internal error: `{rule}` stopped")),
            "{stdout}"
        );
        assert!(stderr.contains("internal error at "), "{stderr}");
        // The other rules still ran.
        assert!(stdout.contains("redis/"), "{stdout}");
        assert_clean("stdout after a panic", &stdout);
        assert_clean("stderr after a panic", &stderr);
    }
}

fn frame(body: &serde_json::Value) -> String {
    let body = body.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len())
}

#[test]
fn the_language_server_never_sends_a_planted_secret() {
    let dir = tempfile::tempdir().unwrap();
    planted_cluster(dir.path());
    let root = fs::canonicalize(dir.path()).unwrap();
    let uri = |path: &Path| format!("file://{}", path.display());
    let mut messages = vec![serde_json::json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {
            "rootUri": uri(&root),
            "capabilities": {"textDocument": {"codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix"]}}}}},
        },
    })];
    messages.push(serde_json::json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    // Where the findings are: a hover and the code actions on each.
    let report = clusterlint::lint_dir(&root).unwrap();
    let mut findings: Vec<(PathBuf, serde_json::Value, &str)> = Vec::new();
    for d in &report.diagnostics {
        let (start, end) = report.position(d.primary.span);
        let at =
            |line: u32, column: u32| serde_json::json!({"line": line - 1, "character": column - 1});
        let range = serde_json::json!({
            "start": at(start.line, start.column),
            "end": at(end.line, end.column),
        });
        findings.push((root.join(report.path(d.primary.span)), range, &d.rule));
    }
    assert!(findings.len() >= 5, "{findings:?}");
    let mut id = 2;
    for file in common_files(&root) {
        let text = fs::read_to_string(&file).unwrap_or_default();
        let document = serde_json::json!({"uri": uri(&file)});
        messages.push(serde_json::json!({
            "jsonrpc": "2.0", "method": "textDocument/didOpen",
            "params": {"textDocument": {"uri": uri(&file), "languageId": "plaintext", "version": 1, "text": text}},
        }));
        let whole = serde_json::json!({"start": {"line": 0, "character": 0}, "end": {"line": 999, "character": 0}});
        let mut requests = vec![
            (
                "textDocument/documentSymbol",
                serde_json::json!({"textDocument": document}),
            ),
            (
                "textDocument/hover",
                serde_json::json!({"textDocument": document, "position": {"line": 1, "character": 3}}),
            ),
            (
                "textDocument/codeAction",
                serde_json::json!({"textDocument": document, "range": whole, "context": {"diagnostics": []}}),
            ),
        ];
        for (_, range, rule) in findings.iter().filter(|(path, _, _)| *path == file) {
            let diagnostic = serde_json::json!({"range": range, "code": rule, "source": "clusterlint", "message": ""});
            requests.push((
                "textDocument/hover",
                serde_json::json!({"textDocument": document, "position": range["start"]}),
            ));
            requests.push((
                "textDocument/codeAction",
                serde_json::json!({"textDocument": document, "range": range, "context": {"diagnostics": [diagnostic]}}),
            ));
        }
        for (method, params) in requests {
            messages.push(
                serde_json::json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}),
            );
            id += 1;
        }
    }
    messages.push(serde_json::json!({"jsonrpc": "2.0", "id": id, "method": "shutdown"}));
    messages.push(serde_json::json!({"jsonrpc": "2.0", "method": "exit"}));
    let input: String = messages.iter().map(frame).collect();

    let output = common::run_lsp(&input);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    // Findings were published, symbols, hovers and actions answered.
    assert!(stdout.contains("publishDiagnostics"), "{stdout}");
    assert!(stdout.contains("redis/"), "{stdout}");
    assert!(stdout.contains("\"kind\""), "{stdout}");
    assert!(stdout.contains("\"contents\""), "{stdout}");
    assert_clean("the language server's messages", &stdout);
    assert_clean(
        "the language server's stderr",
        &String::from_utf8_lossy(&output.stderr),
    );
}

/// Every file of the planted cluster, the manifest first.
fn common_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort_by_key(|p| (!p.ends_with("clusterlint.toml"), p.clone()));
    out
}

fn fixture_roots() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")];
    while let Some(dir) = stack.pop() {
        let is_root = dir.join("expected.txt").is_file()
            || dir.parent().is_some_and(|p| p.ends_with("clusters"));
        if is_root {
            out.push(dir);
            continue;
        }
        for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
            if entry.path().is_dir() {
                stack.push(entry.path());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn fixture_secrets_never_appear() {
    let mut checked = 0;
    for root in fixture_roots() {
        let workspace = Workspace::from_dir(&root).unwrap();
        let report = workspace.lint(&LintOptions::default());
        let mut secrets = Vec::new();
        for file in report.files.iter() {
            let text = &file.source.text;
            if let Some(doc) = file
                .document
                .get::<formats::properties::PropertiesDocument>()
            {
                for e in doc.entries.iter().filter(|e| is_secret_key(e.key(text))) {
                    secrets.push(e.value(text).to_string());
                }
            }
            if let Some(doc) = file.document.get::<formats::redis::RedisDocument>() {
                for d in doc.directives.iter().filter(|d| is_secret_key(&d.name)) {
                    secrets.extend(d.args.iter().map(|a| a.text(text).to_string()));
                }
            }
            if let Some(doc) = file.document.get::<formats::ldif::LdifDocument>() {
                for a in doc.records.iter().flat_map(|r| &r.attributes) {
                    if a.is_secret() {
                        secrets.push(a.value_range.slice(text).to_string());
                    }
                }
            }
            if let Some(doc) = file
                .document
                .get::<formats::csync2_key::Csync2KeyDocument>()
            {
                secrets.push(doc.key_range.slice(text).to_string());
            }
            if file.document.get::<formats::pem::PemDocument>().is_some() {
                secrets.extend(
                    text.lines()
                        .filter(|l| !l.starts_with("-----"))
                        .map(ToString::to_string),
                );
            }
            if let Some(doc) = file
                .document
                .get::<formats::osgi_config::OsgiConfigDocument>()
            {
                secrets.extend(
                    doc.entries
                        .iter()
                        .filter(|e| is_secret_key(&e.key))
                        .map(clusterlint::formats::osgi_config::ConfigEntry::joined),
                );
            }
        }
        let outputs = [
            json::render(&report),
            human::render(&report, human::HumanOptions::default()),
        ];
        for secret in secrets.iter().filter(|s| s.len() >= 6) {
            checked += 1;
            for output in &outputs {
                assert!(
                    !output.contains(secret.as_str()),
                    "{}: a secret appears in the output",
                    root.display()
                );
            }
        }
    }
    assert!(checked > 10, "only {checked} secrets checked");
}
