use crate::diagnostic::Diagnostic;
use crate::model::liferay::tunnel::{SECRET, SECRET_HEX, hex_enabled, secret};
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// With `tunneling.servlet.shared.secret.hex=true`, checks that the secret
    /// is an even number of hex digits (`0-9`, `a-f`, `A-F`). The message
    /// gives the length or the position of the first bad character, never
    /// the secret.
    ///
    /// ## Why is this bad?
    /// The portal decodes the secret with `StringUtil.hexStringToBytes`; an
    /// odd length or a non-hex character throws, the portal reports an
    /// invalid shared secret, and no tunnel request gets through.
    ///
    /// ## Example
    /// ```properties
    /// tunneling.servlet.shared.secret=my-staging-secret
    /// tunneling.servlet.shared.secret.hex=true
    /// ```
    ///
    /// ## How to fix
    /// Write the key as hex (for example `openssl rand -hex 16`), or set
    /// `tunneling.servlet.shared.secret.hex=false` on every node.
    id: "liferay/tunnel-secret-not-hex",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for node in &cluster.nodes {
        let Some(liferay) = cluster.liferay.node(node.id) else {
            continue;
        };
        if !hex_enabled(liferay) {
            continue;
        }
        let Some(secret) = secret(liferay) else {
            continue;
        };
        let value = &secret.value;
        let problem = if let Some(position) = value.chars().position(|c| !c.is_ascii_hexdigit()) {
            format!("character {} is not a hex digit", position + 1)
        } else if value.len() % 2 == 1 {
            format!("it has an odd number of digits ({})", value.len())
        } else {
            continue;
        };
        let mut diagnostic = Diagnostic::new(
            secret.value_span,
            format!("`{SECRET}` on `{}` is to be read as hex, but {problem}", node.name),
        )
        .label("not an even run of hex digits")
        .help(format!("write the key as hex digits (e.g. the output of `openssl rand -hex 16`), or set `{SECRET_HEX}=false` on every node"));
        if let Some(hex) = liferay.property(SECRET_HEX) {
            diagnostic = diagnostic.related(hex.value_span, "hex decoding is turned on here");
        }
        cx.report(diagnostic);
    }
}
