//! OpenDJ's secrets never leave: PINs and passwords in `config.ldif`,
//! base64 keys, the bytes of keystores and PIN files, and the digests they
//! are compared by appear in no output, not even as a 4-character piece,
//! although findings point at those files and the lines beside them.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use clusterlint::report::{human, json};
use sha2::{Digest, Sha256};

/// Distinctive values planted where OpenDJ keeps secrets.
const PLANTED: &[&str] = &[
    "Xq7Wm3Kz9Vb5Nt1R", // ds-cfg-key-store-pin in config.ldif
    "Lj4Hf8Dg2Sa6Pq0E", // ds-cfg-trust-store-pin beside a parse error
    "Uy5Tr3Ew1Qa9Zs7C", // userPassword of the root user entry
    "Oi8Uy6Tr4Ew2Qz0M", // ds-cfg-symmetric-key, base64-encoded below
    "Gk2Jh4Fd6Sa8Lp0W", // bytes inside gluu1's keystore
    "Bv9Cx7Zm5Nq3Wr1T", // bytes inside gluu2's keystore
    "Hy6Gt4Fr2De0Sw8Q", // keystore.pin
];

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn keystore(marker: &str) -> Vec<u8> {
    let mut bytes = b"\xfe\xed\xfe\xed\x00\x00\x00\x02\x00\x00\x00\x01".to_vec();
    bytes.extend_from_slice(marker.as_bytes());
    bytes.extend_from_slice(&[0, 0, 1, 0x7f]);
    bytes
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

fn config(node: u8, ssl: &str) -> String {
    format!(
        "dn: cn=config\nobjectClass: top\ncn: config\n\n\
         dn: cn=Crypto Manager,cn=config\nobjectClass: top\ncn: Crypto Manager\n\
         ds-cfg-ssl-encryption: {ssl}\nds-cfg-key-store-pin: {pin}\n\
         ds-cfg-symmetric-key:: {key}\n\n\
         dn: cn=JKS,cn=Trust Manager Providers,cn=config\nobjectClass: top\ncn: JKS\n\
         ds-cfg-trust-store-pin: {trust}\nthis line has no colon\n\n\
         dn: cn=Directory Manager,cn=Root DNs,cn=config\nobjectClass: top\n\
         userPassword: {user}\n\n\
         dn: cn=Administration Connector,cn=config\nobjectClass: top\n\
         ds-cfg-listen-address: 127.0.0.1\nds-cfg-listen-port: 4444\n\n\
         dn: cn=replication server,cn=Multimaster Synchronization,cn=Synchronization Providers,cn=config\n\
         objectClass: top\nobjectClass: ds-cfg-replication-server\n\
         ds-cfg-replication-port: 8989\n\
         ds-cfg-replication-server: 192.0.2.1:8989\nds-cfg-replication-server: 192.0.2.2:8989\n\
         ds-cfg-replication-server-id: {node}\n",
        pin = PLANTED[0],
        key = base64(PLANTED[3].as_bytes()),
        trust = PLANTED[1],
        user = PLANTED[2],
    )
}

fn planted_cluster(dir: &Path) -> Vec<String> {
    let write = |path: &str, bytes: &[u8]| {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    };
    write(
        "clusterlint.toml",
        b"[nodes.gluu1]\nrole = \"gluu\"\naddress = \"192.0.2.1\"\n\n[nodes.gluu2]\nrole = \"gluu\"\naddress = \"192.0.2.2\"\n",
    );
    let mut digests = Vec::new();
    for (node, ssl, marker) in [(1u8, "false", PLANTED[4]), (2, "true", PLANTED[5])] {
        let base = format!("gluu{node}/opt/opendj/config");
        write(&format!("{base}/config.ldif"), config(node, ssl).as_bytes());
        let store = keystore(marker);
        digests.push(hex(&Sha256::digest(&store)));
        write(&format!("{base}/keystore"), &store);
        write(
            &format!("{base}/keystore.pin"),
            format!("{}\n", PLANTED[6]).as_bytes(),
        );
        digests.push(hex(&Sha256::digest(format!("{}\n", PLANTED[6]).as_bytes())));
        write(
            &format!("{base}/java.properties"),
            b"dsreplication.java-args=-Xms8m -client\n",
        );
    }
    digests
}

fn assert_clean(what: &str, output: &str, digests: &[String]) {
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
    let encoded = base64(PLANTED[3].as_bytes()).to_ascii_lowercase();
    assert!(
        !lower.contains(&encoded[..8]),
        "{what} shows the base64 key"
    );
    for digest in digests {
        assert!(
            !lower.contains(&digest[..8]),
            "{what} shows a keystore's digest"
        );
    }
}

#[test]
fn opendj_secrets_never_reach_the_outline() {
    let dir = tempfile::tempdir().unwrap();
    let digests = planted_cluster(dir.path());
    let analysis = clusterlint::Workspace::from_dir(dir.path())
        .unwrap()
        .analyze();
    let mut outlined = 0;
    for file in analysis.cluster.files.iter() {
        let symbols = file.document.outline(&file.source.text);
        outlined += usize::from(!symbols.is_empty());
        assert_clean(
            &format!("the outline of {}", file.source.path),
            &format!("{symbols:?}"),
            &digests,
        );
    }
    assert!(outlined >= 2, "the config.ldif files have outlines");
}

#[test]
fn opendj_secrets_never_appear() {
    let dir = tempfile::tempdir().unwrap();
    let digests = planted_cluster(dir.path());
    let report = clusterlint::lint_dir(dir.path()).unwrap();
    let rules: Vec<&str> = report.diagnostics.iter().map(|d| d.rule.as_ref()).collect();
    // Findings point into every file that holds a secret.
    for rule in [
        "opendj/ssl-encryption-off",
        "opendj/keystore-divergent",
        "opendj/admin-connector-local",
        "core/parse-error",
    ] {
        assert!(rules.contains(&rule), "no {rule} finding: {rules:?}");
    }
    assert_clean("json", &json::render(&report), &digests);
    for color in [false, true] {
        let options = human::HumanOptions {
            color,
            ..human::HumanOptions::default()
        };
        assert_clean("human", &human::render(&report, options), &digests);
    }
    assert_clean(
        "debug of diagnostics",
        &format!("{:?}", report.diagnostics),
        &digests,
    );
    for args in [
        vec!["check"],
        vec!["check", "--format", "json"],
        vec!["check", "--verbose"],
        vec!["check", "--format", "sarif"],
        vec!["check", "--format", "concise"],
        vec!["check", "--format", "rdjson"],
        vec!["check", "--diff", "--unsafe-fixes"],
        vec!["graph"],
    ] {
        let output = Command::cargo_bin("clusterlint")
            .unwrap()
            .args(&args)
            .arg(dir.path())
            .output()
            .unwrap();
        assert_clean("stdout", &String::from_utf8_lossy(&output.stdout), &digests);
        assert_clean("stderr", &String::from_utf8_lossy(&output.stderr), &digests);
    }
}
