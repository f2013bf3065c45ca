use crate::diagnostic::Diagnostic;
use crate::model::liferay::cluster_link::{Shared, keys, setting};
use crate::model::liferay::portals::{CLUSTER_LINK_ENABLED, separate_portals, with_role};
use crate::model::liferay::{LiferayNode, PortalProperty};
use crate::model::{NodeId, Role};
use crate::rules::consensus::{agree, node_list};
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Compares the Cluster Link settings of the live nodes that enable
    /// it: the channel names (`cluster.link.channel.name.control`,
    /// `.transport.0` and any further transport channel), the transport
    /// protocol of each channel's stack
    /// (`cluster.link.channel.properties.*`: UDP multicast when unset, TCP
    /// with `tcp.xml`; an inline stack's multicast group), the multicast
    /// settings in `cluster.link.channel.system.properties`, and, when every
    /// node runs the default UDP stacks, the `multicast.group.*` addresses
    /// and ports of Cluster Link. An unset setting counts as the portal's
    /// default. The setting most nodes hold is the reference.
    ///
    /// The logic names (`cluster.link.channel.logic.name.*`), which should
    /// differ from node to node, the bind addresses and
    /// `cluster.link.autodetect.address` are the node's own and are not
    /// compared; a stack file whose name says neither `tcp` nor `udp` is
    /// not judged. Nodes that do not enable Cluster Link are
    /// `liferay/cluster-link-disabled`'s concern.
    ///
    /// ## Why is this bad?
    /// JGroups joins only channels of the same name over the same
    /// protocol and group. A node on another channel name, or on TCP while
    /// the others multicast, forms a cluster of its own: it starts without
    /// error, but caches, index updates and scheduled jobs are no longer
    /// coordinated with the others.
    ///
    /// ## Example
    /// ```properties
    /// # app1/portal-ext.properties
    /// cluster.link.enabled=true
    /// cluster.link.channel.properties.control=tcp.xml
    /// # app2/portal-ext.properties
    /// cluster.link.enabled=true
    /// ```
    ///
    /// ## How to fix
    /// Give every live node the same channel names and stacks, for
    /// example from one shared properties file included by each node.
    /// Keep only the logic names and addresses per node.
    id: "liferay/cluster-link-inconsistent",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    if separate_portals(cluster) {
        return;
    }
    let linked: Vec<(NodeId, &LiferayNode)> = with_role(cluster, Role::Live)
        .into_iter()
        .filter(|(_, l)| {
            l.property(CLUSTER_LINK_ENABLED)
                .is_some_and(PortalProperty::as_bool)
        })
        .map(|(n, l)| (n.id, l))
        .collect();
    if linked.len() < 2 {
        return;
    }
    let nodes: Vec<&LiferayNode> = linked.iter().map(|(_, l)| *l).collect();
    for key in keys(&nodes) {
        let values: Vec<(NodeId, Shared)> = linked
            .iter()
            .filter_map(|(id, l)| Some((*id, setting(l, &key)?)))
            .collect();
        let compared: Vec<(NodeId, &str)> = values
            .iter()
            .map(|(id, s)| (*id, s.compared.as_str()))
            .collect();
        let Some(agreement) = agree(cluster, &compared) else {
            continue;
        };
        let reference = &values[agreement.representative(cluster, &compared)].1;
        let reference_nodes = node_list(cluster, agreement.reference.iter().map(|&i| values[i].0));
        let verb = if agreement.reference.len() == 1 {
            "uses"
        } else {
            "use"
        };
        for &i in &agreement.outliers {
            let (id, shared) = &values[i];
            let node = cluster.node(*id);
            let liferay = linked.iter().find(|(n, _)| n == id).map(|(_, l)| *l);
            let Some(span) = shared.span.or_else(|| liferay.map(LiferayNode::anchor)) else {
                continue;
            };
            let label = if shared.span.is_some() {
                "differs from the other live nodes".to_string()
            } else {
                format!("`{key}` not set here (the portal's default)")
            };
            let mut diagnostic = Diagnostic::new(
                span,
                format!(
                    "live node `{}` has {} for `{key}`, but {reference_nodes} {verb} {}",
                    node.name, shared.description, reference.description
                ),
            )
            .label(label)
            .help(format!(
                "set `{key}` alike on every live node; nodes whose Cluster Link channels differ do not join one cluster"
            ));
            if let Some(at) = reference.span {
                diagnostic = diagnostic.related(at, format!("the setting of {reference_nodes}"));
            }
            cx.report(diagnostic);
        }
    }
}
