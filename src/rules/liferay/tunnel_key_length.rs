use crate::diagnostic::Diagnostic;
use crate::model::liferay::tunnel::{ALGORITHM, SECRET, hex_enabled, key_bytes, secret};
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that the key the portal derives from
    /// `tunneling.servlet.shared.secret` (the hex-decoded bytes with
    /// `.hex=true`, else the secret's bytes) has a length the algorithm in
    /// `tunneling.servlet.encryption.algorithm` (default `AES`) accepts.
    ///
    /// The portal's code is the reference, and it is stricter than its
    /// documentation:
    ///
    /// | algorithm | key bytes the portal and JDK accept | hex digits |
    /// | --- | --- | --- |
    /// | AES | 16 or 32 (24 is refused by the portal) | 32 or 64 |
    /// | Blowfish | 8 to 56 | 16 to 112 |
    /// | DESede | 24 (the JDK refuses 16-byte two-key DESede) | 48 |
    /// | DES | 8 | 16 |
    /// | any | never fewer than 8 | |
    ///
    /// The documentation lists AES keys of 128, 192 and 256 bits, Blowfish
    /// keys of 32 to 448 bits and DESede keys of 112 or 168 bits; the portal
    /// refuses 192-bit AES keys and keys under 64 bits, and the JDK refuses
    /// 112-bit DESede keys.
    ///
    /// ## Why is this bad?
    /// The portal checks the key length when it builds the key and refuses
    /// every tunnel request with "invalid shared secret"; a length only the
    /// JDK refuses fails at the first encryption instead.
    ///
    /// ## Example
    /// ```properties
    /// # 24 hex digits: a 12-byte key, too short for AES
    /// tunneling.servlet.shared.secret=0123456789abcdef01234567
    /// tunneling.servlet.shared.secret.hex=true
    /// ```
    ///
    /// ## How to fix
    /// Use a key of an accepted length, for AES 32 or 64 hex digits
    /// (`openssl rand -hex 16` or `openssl rand -hex 32`).
    id: "liferay/tunnel-key-length",
    severity: Error,
    check: Some(check),
}

/// The key lengths in bytes the portal and the JDK accept for `algorithm`,
/// and a description of them.
fn accepted(algorithm: &str) -> (fn(usize) -> bool, &'static str) {
    match algorithm.to_ascii_uppercase().as_str() {
        "AES" => (
            |n| n == 16 || n == 32,
            "16 or 32 bytes (32 or 64 hex digits); the portal refuses 24-byte keys",
        ),
        "BLOWFISH" => (|n| (8..=56).contains(&n), "8 to 56 bytes"),
        "DESEDE" | "TRIPLEDES" => (
            |n| n == 24,
            "24 bytes (48 hex digits); the JDK refuses 16-byte keys",
        ),
        "DES" => (|n| n == 8, "8 bytes"),
        _ => (|n| n >= 8, "at least 8 bytes"),
    }
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for node in &cluster.nodes {
        let Some(liferay) = cluster.liferay.node(node.id) else {
            continue;
        };
        let (Some(secret), Some(key)) = (secret(liferay), key_bytes(liferay)) else {
            continue;
        };
        let algorithm_property = liferay
            .property(ALGORITHM)
            .filter(|p| !p.value.trim().is_empty());
        let algorithm = algorithm_property.map_or("AES", |p| p.value.trim());
        let (ok, wanted) = accepted(algorithm);
        if key.len() >= 8 && ok(key.len()) {
            continue;
        }
        let source = if hex_enabled(liferay) {
            "hex-decoded".to_string()
        } else if secret.value.is_ascii() {
            "one byte per character".to_string()
        } else {
            "as UTF-8; the JVM's default charset decides, so it may differ between nodes"
                .to_string()
        };
        let mut diagnostic = Diagnostic::new(
            secret.value_span,
            format!(
                "the tunnel key on `{}` is {} bytes ({source}), but {algorithm} needs {wanted}",
                node.name,
                key.len()
            ),
        )
        .label(format!("a {}-byte key", key.len()))
        .help(format!(
            "use a key of an accepted length, for AES 32 or 64 hex digits with `{SECRET}.hex=true`; \
             the documentation also lists 192-bit AES, 32-bit Blowfish and 112-bit DESede keys, \
             but the portal refuses keys under 8 bytes and AES keys of 24 bytes, and the JDK refuses 16-byte DESede keys"
        ));
        if let Some(p) = algorithm_property {
            diagnostic =
                diagnostic.related(p.value_span, format!("the algorithm is `{algorithm}`"));
        }
        cx.report(diagnostic);
    }
}
