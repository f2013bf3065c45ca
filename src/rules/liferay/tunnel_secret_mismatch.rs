use crate::diagnostic::Diagnostic;
use crate::model::NodeId;
use crate::model::liferay::tunnel::{
    SECRET, decode_hex, hex_enabled, key_bytes, secret, tunnel_nodes,
};
use crate::rules::consensus::{agree, node_list};
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that the staging server and every live node share one tunnel
    /// secret. Secrets are compared as the key the portal derives from them,
    /// so `ABCD` and `abcd` with `tunneling.servlet.shared.secret.hex=true`
    /// are the same key. The value most nodes hold is the reference (a tie
    /// goes to the staging server); each node that differs is reported at its
    /// own secret. Values are never shown.
    ///
    /// ## Why is this bad?
    /// The staging server encrypts each tunnel request with its key and the
    /// live node decrypts it with its own. With different secrets decryption
    /// fails and publishing to that node (or, behind a balancer, to a random
    /// share of the requests) fails.
    ///
    /// ## Example
    /// ```properties
    /// # staging/portal-ext.properties
    /// tunneling.servlet.shared.secret=6a3f0c...
    /// # app2/portal-ext.properties
    /// tunneling.servlet.shared.secret=6a3f0d...
    /// ```
    ///
    /// ## How to fix
    /// Copy the staging server's secret to the node that differs.
    id: "liferay/tunnel-secret-mismatch",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let nodes: Vec<_> = tunnel_nodes(cluster)
        .into_iter()
        .filter(|(_, l)| secret(l).is_some())
        .collect();
    // Where `.hex` disagrees, tunnel-secret-hex-mismatch says so; compare the
    // written secrets then, so that one fault is not reported twice.
    let hex_agrees = nodes
        .windows(2)
        .all(|w| hex_enabled(w[0].1) == hex_enabled(w[1].1));
    let mut values: Vec<(NodeId, Vec<u8>)> = Vec::new();
    let mut spans = Vec::new();
    for (node, liferay) in nodes {
        let Some(secret) = secret(liferay) else {
            continue;
        };
        let written = || {
            let value = &secret.value;
            let folded = if decode_hex(value).is_some() {
                value.to_ascii_lowercase()
            } else {
                value.to_string()
            };
            folded.into_bytes()
        };
        let key = if hex_agrees {
            key_bytes(liferay).unwrap_or_else(written)
        } else {
            written()
        };
        values.push((node.id, key));
        spans.push(secret.value_span);
    }
    let Some(agreement) = agree(cluster, &values) else {
        return;
    };
    let reference_nodes = node_list(cluster, agreement.reference.iter().map(|&i| values[i].0));
    let reference = agreement.representative(cluster, &values);
    for &i in &agreement.outliers {
        let node = cluster.node(values[i].0);
        cx.report(
            Diagnostic::new(spans[i], format!("`{SECRET}` on `{}` differs from the one on {reference_nodes}", node.name))
                .label("this secret differs")
                .related(spans[reference], format!("the secret of {reference_nodes}"))
                .help(format!(
                    "copy the secret of `{}` to `{}`: the staging server and every live node need the same one",
                    cluster.node(values[reference].0).name,
                    node.name
                )),
        );
    }
}
