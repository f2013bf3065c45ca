use crate::diagnostic::Diagnostic;
use crate::model::NodeId;
use crate::rules::consensus::{agree, node_list};
use crate::rules::gluu::gluu_setups;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that every Gluu node's `setup.properties` gives the same
    /// `hostname`. The value most nodes hold is the reference; each node
    /// that differs is reported at its value. Names compare without case.
    ///
    /// ## Why is this bad?
    /// All nodes of a multi-master cluster answer under one name, the one
    /// in their certificates and in the balancer's `server_name`. A node
    /// installed under another name issues tokens and metadata for that
    /// name, and logins that land on it fail.
    ///
    /// ## Example
    /// ```properties
    /// # gluu2/setup.properties
    /// hostname=gluu2.example.org
    /// ```
    /// while the other nodes have `hostname=idp.example.org`.
    ///
    /// ## How to fix
    /// Give every node the cluster's common `hostname`.
    id: "gluu/hostname-mismatch",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let setups: Vec<_> = gluu_setups(cluster)
        .into_iter()
        .filter_map(|s| Some((s, s.get("hostname")?)))
        .collect();
    let values: Vec<(NodeId, String)> = setups
        .iter()
        .map(|(s, e)| (s.node, e.value.trim().to_ascii_lowercase()))
        .collect();
    let Some(agreement) = agree(cluster, &values) else {
        return;
    };
    let reference_nodes = node_list(cluster, agreement.reference.iter().map(|&i| values[i].0));
    let reference = setups[agreement.representative(cluster, &values)].1;
    for &i in &agreement.outliers {
        let (setup, entry) = setups[i];
        let node = &cluster.node(setup.node).name;
        cx.report(
            Diagnostic::new(
                entry.value_span,
                format!(
                    "`hostname` on `{node}` is `{}`, on {reference_nodes} it is `{}`",
                    entry.value.trim(),
                    reference.value.trim()
                ),
            )
            .label("differs")
            .related(
                reference.value_span,
                format!("the name of {reference_nodes}"),
            )
            .help(format!(
                "set `hostname={}` on `{node}`",
                reference.value.trim()
            )),
        );
    }
}
