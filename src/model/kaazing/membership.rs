//! Which gateways form one KAAZING cluster: the gateways of one
//! Enterprise Shield side (DMZ gateways, internal gateways, or plain
//! gateways) that have a `<cluster>`, and the port each member listens on
//! for it.

use crate::model::kaazing::{Gateway, GatewayCluster, Substituted, Uri};
use crate::model::{Cluster, Role};
use crate::source::Span;

/// Which cluster a gateway belongs to: its Enterprise Shield side.
pub(crate) fn side(cluster: &Cluster, gateway: &Gateway) -> u8 {
    let node = cluster.node(gateway.node);
    if node.has_role(Role::DmzGateway) {
        1
    } else if node.has_role(Role::InternalGateway) {
        2
    } else {
        0
    }
}

/// The clusters of the root: gateways with a `<cluster>`, grouped by side,
/// each group in node order.
pub(crate) fn clusters(cluster: &Cluster) -> Vec<Vec<(&Gateway, &GatewayCluster)>> {
    let mut groups: [Vec<(&Gateway, &GatewayCluster)>; 3] = Default::default();
    for gateway in &cluster.kaazing {
        if let Some(c) = &gateway.cluster {
            groups[usize::from(side(cluster, gateway))].push((gateway, c));
        }
    }
    groups.into_iter().filter(|g| g.len() > 1).collect()
}

/// Whether the gateways of a group are the DMZ side of an Enterprise
/// Shield.
pub(crate) fn is_dmz(cluster: &Cluster, group: &[(&Gateway, &GatewayCluster)]) -> bool {
    group.first().is_some_and(|(g, _)| side(cluster, g) == 1)
}

/// The gateways on the same side as `gateway` (itself included).
pub(crate) fn same_side<'a>(cluster: &'a Cluster, gateway: &Gateway) -> Vec<&'a Gateway> {
    let own = side(cluster, gateway);
    cluster
        .kaazing
        .iter()
        .filter(|g| side(cluster, g) == own)
        .collect()
}

/// The port a member listens on for the cluster: its `<accept>` URI's,
/// else the port in a URI-like `<name>` (as the Enterprise Shield
/// walkthrough writes it), else its `cluster.port` property.
/// The span is where the port is written: the property a `${name}` port
/// comes from, else the URI.
pub(crate) fn cluster_port(
    cluster: &Cluster,
    gateway: &Gateway,
    c: &GatewayCluster,
) -> Option<(u16, Span)> {
    let written = |uri: &Substituted| {
        let raw = cluster.text(uri.span);
        let port = raw.rsplit(':').next().unwrap_or("");
        let name = port.strip_prefix("${").and_then(|p| p.split('}').next());
        name.and_then(|n| gateway.property(n))
            .map_or(uri.span, |p| p.value_span)
    };
    c.accepts
        .iter()
        .filter(|a| a.known)
        .find_map(|a| Some((Uri::parse(&a.text)?.port?, written(a))))
        .or_else(|| {
            let name = c.name.as_ref().filter(|n| n.known)?;
            Some((Uri::parse(&name.text)?.port?, written(name)))
        })
        .or_else(|| {
            let p = gateway.property("cluster.port")?;
            Some((p.value.parse().ok()?, p.value_span))
        })
}
