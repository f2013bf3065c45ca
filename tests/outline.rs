//! The document outline (the language server's document symbols): on every
//! fixture and corpus file, also cut short, it never panics and its ranges
//! are valid for an editor; and no planted secret reaches a symbol's name
//! or detail.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{corpus, files_under};

use clusterlint::formats::decode;
use clusterlint::formats::outline::Symbol;
use clusterlint::formats::{self, Document, Format};
use clusterlint::{TextRange, Workspace};

/// Checks the invariants of `symbols` inside `bounds`; returns how many
/// symbols there are.
fn check(symbols: &[Symbol], bounds: TextRange, text: &str, what: &str) -> usize {
    let mut count = 0;
    let mut previous = bounds.start;
    for s in symbols {
        let at = format!("{what}: `{}` {:?} {:?}", s.name, s.range, s.selection);
        assert!(!s.name.is_empty(), "{at}: empty name");
        assert!(!s.name.contains(['\n', '\r']), "{at}: name on two lines");
        assert!(
            s.detail
                .as_ref()
                .is_none_or(|d| !d.is_empty() && !d.contains(['\n', '\r'])),
            "{at}: detail {:?}",
            s.detail
        );
        for r in [s.range, s.selection] {
            assert!(r.start <= r.end, "{at}: reversed range");
            assert!(
                text.is_char_boundary(r.start as usize) && text.is_char_boundary(r.end as usize),
                "{at}: off a character boundary"
            );
        }
        assert!(
            bounds.start <= s.range.start && s.range.end <= bounds.end,
            "{at}: outside its parent {bounds:?}"
        );
        assert!(
            s.range.start <= s.selection.start && s.selection.end <= s.range.end,
            "{at}: selection outside the range"
        );
        assert!(s.range.start >= previous, "{at}: siblings out of order");
        previous = s.range.start;
        count += 1 + check(&s.children, s.range, text, what);
    }
    count
}

fn check_document(document: &Document, text: &str, what: &str) -> usize {
    check(
        &document.outline(text),
        TextRange::from_usize(0..text.len()),
        text,
        what,
    )
}

/// Files larger than this are checked less (see [`truncations`]).
const LARGE: usize = 64 * 1024;

/// `text` cut at a few places (on character boundaries), the whole of it
/// left out; fewer for the few large files, which would take most of the
/// time and cut much like the others.
fn truncations(text: &str) -> Vec<&str> {
    let len = text.len();
    let mut cuts = vec![len / 2, len.saturating_sub(1)];
    if len <= LARGE {
        cuts.extend((1..8).map(|i| len * i / 8));
        cuts.extend([len.saturating_sub(2), 1]);
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts.into_iter()
        .filter(|&at| at < len)
        .map(|mut at| {
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            &text[..at]
        })
        .collect()
}

/// Parses `text` as `format` (whole, cut short, and as a fragment where
/// the format has them) and checks each outline.
fn check_text(format: Format, text: &str, what: &str) -> usize {
    let mut count = 0;
    if text.len() <= LARGE {
        assert_eq!(
            formats::parse(format, text).outline(text),
            formats::parse(format, text).outline(text),
            "{what} as {format}: not deterministic"
        );
    }
    for (i, piece) in std::iter::once(text).chain(truncations(text)).enumerate() {
        let what = format!("{what} as {format} (piece {i}, {} bytes)", piece.len());
        count += check_document(&formats::parse(format, piece), piece, &what);
        if format == Format::CSYNC2 {
            count += check_document(&formats::parse_fragment(format, piece), piece, &what);
        }
    }
    count
}

#[test]
fn corpus_outlines_are_valid() {
    let corpus = corpus();
    let dirs: &[(&str, &[Format])] = &[
        (
            "properties",
            &[
                Format::LIFERAY_PROPERTIES,
                Format::GLUU_SETUP,
                Format::OSGI_CFG,
            ],
        ),
        ("osgi-config", &[Format::OSGI_CONFIG]),
        ("nginx", &[Format::NGINX]),
        ("redis", &[Format::REDIS]),
        ("stunnel", &[Format::STUNNEL]),
        ("csync2", &[Format::CSYNC2]),
        ("hosts", &[Format::HOSTS]),
        ("kaazing-xml", &[Format::KAAZING_XML]),
    ];
    let mut symbols = 0;
    for (dir, formats_to_try) in dirs {
        let files = files_under(&corpus.join(dir));
        assert!(!files.is_empty(), "no files in corpus/{dir}");
        for path in files {
            let bytes = fs::read(&path).unwrap();
            for &format in *formats_to_try {
                let Ok((text, _)) = decode::decode(bytes.clone(), format.spec().encoding()) else {
                    continue;
                };
                symbols += check_text(format, &text, &path.display().to_string());
            }
        }
    }
    assert!(symbols > 10_000, "only {symbols} symbols in the corpus");
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

/// Every fixture file in the format the cluster reads it in (fragments as
/// fragments), then cut short.
#[test]
fn fixture_outlines_are_valid() {
    let mut symbols = 0;
    let mut kinds = std::collections::BTreeSet::new();
    for root in fixture_roots() {
        let analysis = Workspace::from_dir(&root).unwrap().analyze();
        for file in analysis.cluster.files.iter() {
            let Some(format) = file.format else { continue };
            let text = &file.source.text;
            let what = format!("{}/{}", root.display(), file.source.path);
            symbols += check_document(&file.document, text, &what);
            collect_kinds(&file.document.outline(text), &mut kinds);
            symbols += check_text(format, text, &what);
        }
    }
    assert!(symbols > 1_000, "only {symbols} symbols in the fixtures");
    // The fixtures hold every format, so every kind shows up.
    assert_eq!(kinds.len(), 9, "{kinds:?}");
}

fn collect_kinds(symbols: &[Symbol], kinds: &mut std::collections::BTreeSet<String>) {
    for s in symbols {
        kinds.insert(format!("{:?}", s.kind));
        collect_kinds(&s.children, kinds);
    }
}

/// Distinctive values planted wherever a secret can live: those of
/// tests/secrets.rs, and some places only the outline looks at.
const PLANTED: &[&str] = &[
    "Qz7Vx9kPwM5rLt2N", // tunnel secret (plain)
    "9f3ab7ce1d4b8a6e9f3ab7ce1d4b8a6f",
    "Hj4Kq8Zm2Wx6Yp0T", // JDBC password
    "Rb5Nc3Vd7Fg1Hs9J", // secret in a LIFERAY_ environment variable
    "Ty6Ui2Op8As4Df0G", // -D...password= in setenv.sh
    "Ol9Ik7Uj5Yh3Tg1R", // commented-out old secret
    "Wq2Ea4Sz6Xd8Cr0F", // password in an OSGi .config
    "Mn3Bv5Cx7Zl9Kj1H", // secret on a line with a parse error
    "Pw8Lk6Jh4Gf2Ds0A", // Gluu setup.properties password
    "Ea5Rt7Yu9Io1Pa3S", // Gluu setup.properties salt
    "Zx4Cv6Bn8Mq0We2R", // Gluu client `_pw`
    "Gh7Jk9Lq1Wz3Xc5V", // Redis requirepass (quoted, glued)
    "Bn2Mq4Wz6Er8Ty0U", // Redis masterauth
    "Ui3Op5As7Df9Gh1J", // Redis ACL user password
    "Kl2Zx4Cv6Bn8Mq0W", // csync2 key file
    "MIICXAIBAAKBgQC7", // PEM key body (unterminated)
    "Qa1Ws3Ed5Rf7Tg9Y", // stunnel PSK-style secret option
    "Yh6Uj8Ik0Ol2Pz4X", // gateway property holding a password
    "Nb7Vc9Xz1Lk3Jh5G", // gateway cluster AWS secret key
    // Only here:
    "Vf4Gb6Nh8Jm0Kl2P", // PEM key body (terminated)
    "Cd3Fv5Gb7Hn9Jm1K", // nginx Authorization header
    "Xs2Dc4Fv6Gb8Hn0M", // Redis Sentinel auth-pass
    "Lp9Ok7Ij5Uh3Yg1T", // csync2 database DSN password
    "Rf6Tg8Yh0Uj2Ik4O", // gateway keystore password under <security>
    "Az1Sx3Dc5Fv7Gb9N", // a -D password outside any assignment
];

fn planted_workspace() -> Workspace {
    let p = PLANTED;
    let mut w = Workspace::new();
    let mut write = |path: &str, text: String| w.add_file(path, text);
    write(
        "staging/portal-ext.properties",
        format!(
            "#tunneling.servlet.shared.secret={}\ntunneling.servlet.shared.secret={}\njdbc.default.password={}\n",
            p[5], p[0], p[2]
        ),
    );
    write(
        "app1/portal-ext.properties",
        format!(
            "tunneling.servlet.shared.secret={}\ntunneling.servlet.shared.secret.hex=true\ntunnel.servlet.hosts.allowed=127.0.0.1,SERVER_IP\n",
            p[1]
        ),
    );
    // A malformed escape on the secret's line, and a continuation that
    // swallows a second secret line into a key that is not secret.
    write(
        "app2/portal-ext.properties",
        format!(
            "tunneling.servlet.shared.secret={}\\u12\nother.key=a\\\n\njdbc.default.password={}\n",
            p[7], p[2]
        ),
    );
    write(
        "app2/tomcat/bin/setenv.sh",
        format!(
            "export LIFERAY_TUNNELING_PERIOD_SERVLET_PERIOD_SHARED_PERIOD_SECRET={}\nCATALINA_OPTS=\"-Djavax.net.ssl.keyStorePassword={} -Djava.net.preferIPv4Stack=true\"\nexec java -Djdbc.default.password={} -jar x.jar\n",
            p[3], p[4], p[24]
        ),
    );
    write(
        "app2/osgi/configs/com.liferay.portal.security.ldap.configuration.LDAPServerConfiguration~x.config",
        format!("securityCredential=\"{}\"\nbroken line\n", p[6]),
    );
    write(
        "gluu1/setup.properties",
        format!("ldapPass={}\noxtrust_admin_password={}\n", p[8], p[8]),
    );
    write(
        "gluu1/setup.properties.last",
        format!(
            "ip=192.0.2.11\nencode_salt={}\noxauthClient_pw={}\nldapPass={}\n",
            p[9], p[10], p[8]
        ),
    );
    write(
        "redis/etc/redis/redis.conf",
        format!(
            "protected-mode no\nrequirepass x\"{}\"\nprotected-mode no\nmasterauth {}\nuser app on >{} ~* +@all\nbind 0.0.0.0 # comment\n",
            p[11], p[12], p[13]
        ),
    );
    write(
        "redis/etc/redis/sentinel.conf",
        format!(
            "port 26379\nsentinel monitor m 127.0.0.1 6379 2\nsentinel auth-pass m {}\n",
            p[21]
        ),
    );
    write("gluu1/etc/csync2.key", format!("{}\n", p[14]));
    write(
        "gluu1/etc/csync2.cfg",
        format!(
            "database \"mysql://csync2:{}@db/csync2\";\ngroup g {{\n host gluu1 redis;\n key /etc/csync2.key;\n}}\n",
            p[22]
        ),
    );
    write(
        "redis/etc/stunnel/redis.conf",
        format!(
            "cert = /etc/stunnel/redis.pem\nkey = /etc/stunnel/key.pem\nPSKsecrets = {}\n[redis]\naccept = 192.0.2.30:16379\nconnect = 127.0.0.1:6390\n",
            p[16]
        ),
    );
    write(
        "redis/etc/stunnel/redis.pem",
        format!("-----BEGIN RSA PRIVATE KEY-----\n{}\n", p[15]),
    );
    write(
        "redis/etc/stunnel/key.pem",
        format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            p[19]
        ),
    );
    write(
        "lb/etc/nginx/nginx.conf",
        format!(
            "http {{\n  server {{\n    location / {{\n      proxy_set_header Authorization \"Basic {}\";\n      proxy_pass http://backend;\n    }}\n  }}\n}}\n",
            p[20]
        ),
    );
    write(
        "dmz1/conf/gateway-config.xml",
        format!(
            "<gateway-config xmlns=\"http://xmlns.kaazing.org/2016/06/gateway\">\n  <properties>\n    <property><name>keystore.password</name><value>{}</value></property>\n    <propertie/>\n  </properties>\n  <security>\n    <keystore><type>JCEKS</type><file>k.db</file><password>{}</password></keystore>\n  </security>\n  <cluster>\n    <name>c</name>\n    <accept>tcp://192.0.2.61:5941</accept>\n    <connect>aws://security-group:5941/g</connect>\n    <connect-options>\n      <aws.access-key-id>AKIAEXAMPLE</aws.access-key-id>\n      <aws.secret-key>{}</aws.secret-key>\n      <aws.secret-kee/>\n    </connect-options>\n  </cluster>\n</gateway-config>\n",
            p[17], p[23], p[18]
        ),
    );
    write(
        "clusterlint.toml",
        "[nodes.staging]\naddress = \"192.0.2.50\"\n".to_string(),
    );
    w
}

/// Every name and detail of the outline, one a line.
fn shown(symbols: &[Symbol], out: &mut String) {
    for s in symbols {
        out.push_str(&s.name);
        out.push('\n');
        if let Some(detail) = &s.detail {
            out.push_str(detail);
            out.push('\n');
        }
        shown(&s.children, out);
    }
}

#[test]
fn planted_secrets_never_reach_the_outline() {
    let analysis = planted_workspace().analyze();
    let mut seen = std::collections::BTreeSet::new();
    let mut outlined = Vec::new();
    for file in analysis.cluster.files.iter() {
        let Some(format) = file.format else { continue };
        let symbols = file.document.outline(&file.source.text);
        let mut text = String::new();
        shown(&symbols, &mut text);
        for secret in PLANTED {
            let chars: Vec<char> = secret.chars().collect();
            for window in chars.windows(4) {
                let piece: String = window.iter().collect();
                assert!(
                    !text.contains(&piece),
                    "the outline of {} shows `{piece}`, a piece of a planted secret:\n{text}",
                    file.source.path
                );
            }
        }
        if !symbols.is_empty() {
            seen.insert(format.name());
            outlined.push(file.source.path.as_str());
        }
    }
    for path in [
        "redis/etc/redis/sentinel.conf",
        "lb/etc/nginx/nginx.conf",
        "redis/etc/stunnel/key.pem",
        "gluu1/etc/csync2.cfg",
        "app2/tomcat/bin/setenv.sh",
    ] {
        assert!(outlined.contains(&path), "{path} has no outline");
    }
    // Each format was read as intended and outlined (the unterminated PEM
    // file has no block; the other PEM file has one).
    let expected = [
        "csync2",
        "csync2-key",
        "gluu-setup",
        "kaazing-xml",
        "liferay-properties",
        "nginx",
        "osgi-config",
        "pem",
        "redis",
        "stunnel",
        "tomcat-setenv",
    ];
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), expected);
}

/// Keys and directive names of secrets are shown, so the outline still
/// lists where they are.
#[test]
fn secret_keys_are_listed_by_name() {
    let analysis = planted_workspace().analyze();
    let mut names = Vec::new();
    for file in analysis.cluster.files.iter() {
        let mut text = String::new();
        shown(&file.document.outline(&file.source.text), &mut text);
        names.extend(text.lines().map(ToString::to_string));
    }
    for name in [
        "tunneling.servlet.shared.secret",
        "requirepass",
        "masterauth",
        "PSKsecrets",
        "keystore.password",
        "aws.secret-key",
        "-Djavax.net.ssl.keyStorePassword",
        "pre-shared key",
        "PRIVATE KEY",
    ] {
        assert!(names.iter().any(|n| n == name), "`{name}` is not listed");
    }
    assert!(
        names.iter().any(|n| n == "192.0.2.30:16379"),
        "a value that is not secret is shown"
    );
}
