use crate::diagnostic::Diagnostic;
use crate::model::NodeId;
use crate::rules::consensus::{agree, node_list};
use crate::rules::gluu::gluu_setups;
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Checks that every Gluu node's `setup.properties` gives the same
    /// `hostname`. The value most nodes hold is the reference; each node
    /// that differs is reported at its value, a node that sets none at the
    /// start of its file. Names compare without case.
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
    let setups = gluu_setups(cluster);
    let values: Vec<(NodeId, Option<String>)> = setups
        .iter()
        .map(|s| {
            (
                s.node,
                s.get("hostname")
                    .map(|e| e.value.trim().to_ascii_lowercase()),
            )
        })
        .collect();
    let Some(agreement) = agree(cluster, &values) else {
        return;
    };
    let reference_nodes = node_list(cluster, agreement.reference.iter().map(|&i| values[i].0));
    let reference_setup = setups[agreement.representative(cluster, &values)];
    // Where most nodes set no `hostname`, there is nothing to hold the
    // others to.
    let Some(reference) = reference_setup.get("hostname") else {
        return;
    };
    let name = reference.value.trim();
    for &i in &agreement.outliers {
        let setup = setups[i];
        let node = &cluster.node(setup.node).name;
        let diagnostic = match setup.get("hostname") {
            Some(entry) => Diagnostic::new(
                entry.value_span,
                format!(
                    "`hostname` on `{node}` is `{}`, on {reference_nodes} it is `{name}`",
                    entry.value.trim()
                ),
            )
            .label("differs"),
            None => Diagnostic::new(
                Span::file_start(setup.file),
                format!(
                    "`{node}` sets no `hostname`, so `setup.py` takes the machine's own name; {reference_nodes} use `{name}`"
                ),
            ),
        };
        cx.report(
            diagnostic
                .related(
                    reference.value_span,
                    format!("the name of {reference_nodes}"),
                )
                .help(format!("set `hostname={name}` on `{node}`")),
        );
    }
}
