use crate::diagnostic::Diagnostic;
use crate::model::NodeId;
use crate::model::liferay::tunnel::{SECRET_HEX, hex_enabled, secret, tunnel_nodes};
use crate::rules::consensus::{agree, node_list};
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that `tunneling.servlet.shared.secret.hex` reads the same on
    /// the staging server and every live node that sets a secret (unset
    /// counts as `false`).
    ///
    /// ## Why is this bad?
    /// With `.hex=true` the portal decodes the secret as hex digits; without
    /// it, it uses the secret's characters as the key. The same secret text
    /// then gives two different keys, and tunnel requests fail to decrypt.
    ///
    /// ## Example
    /// ```properties
    /// # staging/portal-ext.properties
    /// tunneling.servlet.shared.secret.hex=true
    /// # app1/portal-ext.properties: no .hex line
    /// ```
    ///
    /// ## How to fix
    /// Set `tunneling.servlet.shared.secret.hex` the same way on every node.
    id: "liferay/tunnel-secret-hex-mismatch",
    severity: Error,
    check: Some(check),
}

fn describe(set: bool, value: bool) -> &'static str {
    match (set, value) {
        (_, true) => "`true`",
        (true, false) => "`false`",
        (false, false) => "unset (`false`)",
    }
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let mut values: Vec<(NodeId, bool)> = Vec::new();
    let mut places = Vec::new();
    for (node, liferay) in tunnel_nodes(cluster) {
        if secret(liferay).is_none() {
            continue;
        }
        let property = liferay.property(SECRET_HEX);
        values.push((node.id, hex_enabled(liferay)));
        places.push((
            property.map_or(liferay.anchor(), |p| p.value_span),
            property.is_some(),
        ));
    }
    let Some(agreement) = agree(cluster, &values) else {
        return;
    };
    let reference = agreement.representative(cluster, &values);
    let reference_nodes = node_list(cluster, agreement.reference.iter().map(|&i| values[i].0));
    let reference_text = describe(places[reference].1, values[reference].1);
    for &i in &agreement.outliers {
        let node = cluster.node(values[i].0);
        let (span, set) = places[i];
        let label = if set {
            "hex decoding differs here"
        } else {
            "no `.hex` line in this file"
        };
        cx.report(
            Diagnostic::new(
                span,
                format!(
                    "`{SECRET_HEX}` is {} on `{}` but {reference_text} on {reference_nodes}",
                    describe(set, values[i].1),
                    node.name
                ),
            )
            .label(label)
            .related(
                places[reference].0,
                format!(
                    "{reference_text} on `{}`",
                    cluster.node(values[reference].0).name
                ),
            )
            .help(format!(
                "set `{SECRET_HEX}={}` on `{}`",
                values[reference].1, node.name
            )),
        );
    }
}
