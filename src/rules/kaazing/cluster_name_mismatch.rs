use crate::diagnostic::Diagnostic;
use crate::model::NodeId;
use crate::model::kaazing::membership::clusters;
use crate::rules::consensus::{agree, node_list};
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Where the members of a cluster write their `<cluster><name>`
    /// literally (no `${...}`), it is the cluster's shared name and must be
    /// the same on every member. The name most members hold is the
    /// reference; each member that differs is reported.
    ///
    /// ## Why is this bad?
    /// The gateway's cluster reference: "The name must be the same in the
    /// `cluster` service of every Gateway that wishes to join this
    /// cluster." A member with another name forms a cluster of its own and
    /// takes no part in failover.
    ///
    /// ## Example
    /// ```xml
    /// <!-- member 1 -->   <name>kzha</name>
    /// <!-- member 2 -->   <name>kz-ha</name>
    /// ```
    ///
    /// ## How to fix
    /// Give every member the same cluster name.
    id: "kaazing/cluster-name-mismatch",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for group in clusters(cluster) {
        let named: Vec<_> = group
            .iter()
            .filter(|(_, c)| !c.name_per_member)
            .filter_map(|(g, c)| Some((*g, c.name.as_ref()?)))
            .collect();
        let values: Vec<(NodeId, &str)> = named
            .iter()
            .map(|(g, n)| (g.node, n.text.as_str()))
            .collect();
        let Some(agreement) = agree(cluster, &values) else {
            continue;
        };
        let reference_nodes = node_list(cluster, agreement.reference.iter().map(|&i| values[i].0));
        let (_, reference) = named[agreement.representative(cluster, &values)];
        for &i in &agreement.outliers {
            let (gateway, name) = named[i];
            cx.report(
                Diagnostic::new(
                    name.span,
                    format!(
                        "`{}` names its cluster `{}`, {reference_nodes} `{}`: it will not join them",
                        cluster.node(gateway.node).name,
                        name.text,
                        reference.text
                    ),
                )
                .label("another cluster")
                .related(reference.span, format!("the name on {reference_nodes}"))
                .help(format!("use `{}` on every member", reference.text)),
            );
        }
    }
}
