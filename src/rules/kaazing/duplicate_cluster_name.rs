use crate::diagnostic::Diagnostic;
use crate::model::NodeId;
use crate::model::kaazing::membership::clusters;
use crate::rules::consensus::duplicates;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Where the members of a cluster write their `<cluster><name>` with
    /// properties, as the Enterprise Shield walkthrough does
    /// (`tcp://${gateway.ip.address}:${cluster.port}`), each member's name
    /// is its own: two members that resolve to the same name are reported
    /// (the one later by name). A literal name shared by all members is
    /// the other convention; `kaazing/cluster-name-mismatch` checks it.
    ///
    /// ## Why is this bad?
    /// A name made of the member's address and port resolving to another
    /// member's means the properties were copied without being changed:
    /// the two members claim the same identity, and pairing or failover
    /// picks the wrong one.
    ///
    /// ## Example
    /// ```xml
    /// <!-- dmz2, copied from dmz1 -->
    /// <property><name>gateway.ip.address</name><value>172.19.20.1</value></property>
    /// <cluster><name>tcp://${gateway.ip.address}:${cluster.port}</name>...
    /// ```
    ///
    /// ## How to fix
    /// Change the properties that make up the name on the copied member.
    id: "kaazing/duplicate-cluster-name",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for group in clusters(cluster) {
        let named: Vec<_> = group
            .iter()
            .filter(|(_, c)| c.name_per_member)
            .filter_map(|(g, c)| Some((*g, c.name.as_ref().filter(|n| n.known)?)))
            .collect();
        let values: Vec<(NodeId, &str)> = named
            .iter()
            .map(|(g, n)| (g.node, n.text.as_str()))
            .collect();
        for (later, earlier) in duplicates(&values) {
            let ((gateway, name), (other, other_name)) = (named[later], named[earlier]);
            cx.report(
                Diagnostic::new(
                    name.span,
                    format!(
                        "the cluster name of `{}` resolves to `{}`, the same as on `{}`",
                        cluster.node(gateway.node).name,
                        name.text,
                        cluster.node(other.node).name
                    ),
                )
                .label("same name")
                .related(
                    other_name.span,
                    format!("the name of `{}`", cluster.node(other.node).name),
                )
                .help("change the properties the name is made of (the member's address and port)"),
            );
        }
    }
}
