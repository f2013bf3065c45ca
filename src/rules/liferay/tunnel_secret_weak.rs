use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::rules::liferay::{SECRET, key_bytes, secret};
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Warns when the tunnel secret is weak: a well-known example or default
    /// value, a key shorter than 16 bytes (128 bits), or text with little
    /// entropy (few distinct characters, one block repeated, a run such as
    /// `123456...`). The message says why, never what the secret is.
    ///
    /// ## Why is this bad?
    /// Anyone who can reach the tunnel servlet of a live node and guess the
    /// secret can publish content to it, as the staging server does.
    ///
    /// ## Example
    /// ```properties
    /// tunneling.servlet.shared.secret=changeme
    /// ```
    ///
    /// ## How to fix
    /// Generate a random key and set it on every node, for example
    /// `openssl rand -hex 32` with `tunneling.servlet.shared.secret.hex=true`.
    id: "liferay/tunnel-secret-weak",
    severity: Warning,
    check: Some(check),
}

/// Values seen in documentation, tutorials and defaults.
const EXAMPLES: &[&str] = &[
    "[secret]",
    "secret",
    "mysecret",
    "sharedsecret",
    "shared-secret",
    "changeme",
    "change-me",
    "change_me",
    "password",
    "liferay",
    "test",
    "abc123",
    "example",
    "staging",
    "tunnel",
    "1234567890123456",
    "0123456789abcdef",
    "0123456789abcdef0123456789abcdef",
    "00000000000000000000000000000000",
];

/// Shannon entropy of the characters, in bits for the whole text.
fn entropy_bits(text: &str) -> f64 {
    let mut counts: HashMap<char, usize> = HashMap::new();
    for c in text.chars() {
        *counts.entry(c).or_default() += 1;
    }
    let n = text.chars().count() as f64;
    counts
        .values()
        .map(|&k| k as f64)
        .map(|k| -k / n * (k / n).log2() * n)
        .sum()
}

/// Each character one step from the one before (`abcdef`, `987654`).
fn is_run(text: &str) -> bool {
    let codes: Vec<i64> = text.chars().map(|c| i64::from(u32::from(c))).collect();
    codes.len() >= 6
        && codes
            .windows(2)
            .all(|w| (w[1] - w[0]).abs() == 1 && w[1] - w[0] == codes[1] - codes[0])
}

/// The length of a block the text repeats (`deadbeefdeadbeef`), if any.
fn repeat_period(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    (1..=bytes.len() / 2)
        .find(|&p| bytes.len().is_multiple_of(p) && bytes.chunks(p).all(|c| c == &bytes[..p]))
}

/// Why the secret is weak, if it is.
fn weakness(value: &str, key_len: usize) -> Option<String> {
    let lower = value.to_ascii_lowercase();
    if EXAMPLES.contains(&lower.as_str()) {
        return Some("it is a well-known example value".to_string());
    }
    let distinct = {
        let mut chars: Vec<char> = value.chars().collect();
        chars.sort_unstable();
        chars.dedup();
        chars.len()
    };
    if distinct <= 2 {
        return Some(format!("it has only {distinct} distinct character(s)"));
    }
    if is_run(value) {
        return Some("it is a run of consecutive characters".to_string());
    }
    if let Some(period) = repeat_period(value) {
        return Some(format!("it repeats a block of {period} characters"));
    }
    if key_len < 16 {
        return Some(format!("its key is {} bits, under 128", key_len * 8));
    }
    let bits = entropy_bits(value);
    if bits < 64.0 {
        return Some(format!(
            "its characters carry about {bits:.0} bits of entropy, under 64"
        ));
    }
    None
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for node in &cluster.nodes {
        let Some(liferay) = cluster.liferay.node(node.id) else {
            continue;
        };
        let Some(secret) = secret(liferay) else {
            continue;
        };
        let key_len = key_bytes(liferay).map_or(secret.value.len(), |k| k.len());
        let Some(why) = weakness(&secret.value, key_len) else {
            continue;
        };
        cx.report(
            Diagnostic::new(secret.value_span, format!("the `{SECRET}` on `{}` is weak: {why}", node.name))
                .label("weak secret")
                .help("generate a random key, e.g. `openssl rand -hex 32` with `tunneling.servlet.shared.secret.hex=true`, and set it on every node"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_and_strong() {
        assert!(weakness("changeme", 8).is_some());
        assert!(weakness("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 32).is_some());
        assert!(weakness("abcdefghijklmnop", 16).is_some());
        assert!(weakness("k3y", 3).is_some());
        assert!(weakness("abababababababab", 16).is_some());
        assert!(weakness("deadbeefdeadbeefdeadbeefdeadbeef", 16).is_some());
        assert!(weakness("9f86d081884c7d659a2feaa0c55ad015", 16).is_none());
        assert!(weakness("Xq7#pL2!vR9@mK4$", 16).is_none());
    }
}
