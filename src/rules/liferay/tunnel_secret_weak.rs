use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::model::liferay::tunnel::{SECRET, decode_hex, hex_enabled, key_bytes, secret};
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Warns when the tunnel secret is weak: a well-known example or default
    /// value, a key shorter than 16 bytes (128 bits), or text with little
    /// entropy (few distinct characters, one block repeated, a run such as
    /// `123456...`). The message says why, never what the secret is.
    /// With `tunneling.servlet.shared.secret.hex=true` the key is what the
    /// hex digits decode to, and that is what is judged: hex that spells
    /// `abcdefghijklmnop` is as weak as the text itself.
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

/// Why a key the secret's hex digits decode to is weak, if it is: the
/// text checks when the bytes are printable text (a typed word, hex
/// encoded), else the checks that hold for any key (examples, few distinct
/// bytes, runs, repeats, length).
fn weakness_of_key(key: &[u8]) -> Option<String> {
    if let Ok(text) = std::str::from_utf8(key)
        && text.chars().all(|c| c.is_ascii_graphic() || c == ' ')
    {
        return weakness(text, key.len())
            .map(|why| format!("its hex digits decode to text, and {why}"));
    }
    let mut distinct = key.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let run = key.len() >= 6
        && key
            .windows(2)
            .all(|w| i16::from(w[1]) - i16::from(w[0]) == i16::from(key[1]) - i16::from(key[0]))
        && (i16::from(key[1]) - i16::from(key[0])).abs() == 1;
    let period = (1..=key.len() / 2)
        .find(|&p| key.len().is_multiple_of(p) && key.chunks(p).all(|c| c == &key[..p]));
    if distinct.len() <= 2 {
        Some(format!(
            "its key has only {} distinct byte(s)",
            distinct.len()
        ))
    } else if run {
        Some("its key is a run of consecutive bytes".to_string())
    } else if let Some(period) = period {
        Some(format!("its key repeats a block of {period} bytes"))
    } else if key.len() < 16 {
        Some(format!("its key is {} bits, under 128", key.len() * 8))
    } else {
        None
    }
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
        let why = if hex_enabled(liferay) {
            // Not hex at all is its own finding (`tunnel-secret-not-hex`).
            let lower = secret.value.to_ascii_lowercase();
            decode_hex(&secret.value).and_then(|key| {
                if EXAMPLES.contains(&lower.as_str()) {
                    Some("it is a well-known example value".to_string())
                } else {
                    weakness_of_key(&key)
                }
            })
        } else {
            let key_len = key_bytes(liferay).map_or(secret.value.len(), |k| k.len());
            weakness(&secret.value, key_len)
        };
        let Some(why) = why else {
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
        // Hex judged by what it decodes to.
        assert!(weakness_of_key(b"abcdefghijklmnop").is_some());
        assert!(weakness_of_key(&[7; 16]).is_some());
        assert!(
            weakness_of_key(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]).is_some()
        );
        let random = [
            0x9f, 0x86, 0xd0, 0x81, 0x88, 0x4c, 0x7d, 0x65, 0x9a, 0x2f, 0xea, 0xa0, 0xc5, 0x5a,
            0xd0, 0x15,
        ];
        assert!(weakness_of_key(&random).is_none());
        assert!(weakness_of_key(&random[..8]).is_some());
    }
}
