//! What an upstream balances: the nodes its servers' addresses belong to,
//! seen from the balancer, and the role those nodes share.

use crate::model::nginx::{Host, NginxConfig, Upstream, UpstreamServer};
use crate::model::{Cluster, NodeId, Role};

/// Roles a balancer spreads requests over, in order of preference when an
/// upstream's servers have several.
const BALANCED_ROLES: &[Role] = &[
    Role::Gluu,
    Role::Live,
    Role::InternalGateway,
    Role::DmzGateway,
    Role::Redis,
    Role::Staging,
];

/// What an upstream balances: its servers that are nodes, and the role
/// they share.
pub(crate) struct Balanced {
    /// `(server index, node)` for each server that is a known node.
    pub matched: Vec<(usize, NodeId)>,
    pub role: Option<Role>,
}

/// The node an upstream server's address belongs to, seen from the
/// balancer (its `/etc/hosts` resolves names). The balancer's own node
/// counts: nginx on a Gluu node balances over that node too.
pub(crate) fn server_node(
    cluster: &Cluster,
    balancer: NodeId,
    server: &UpstreamServer,
) -> Option<NodeId> {
    match &server.host {
        Host::Ip(ip) => cluster.net.target_ip(balancer, *ip).map(|t| t.node),
        Host::Name(name) => cluster.net.target(cluster, balancer, name).map(|t| t.node),
        Host::Unix(_) => None,
    }
}

/// What `upstream` of `config` balances: its servers that are nodes, and
/// the role most of them have (among equals, the earlier in
/// `BALANCED_ROLES`).
pub(crate) fn balanced(cluster: &Cluster, config: &NginxConfig, upstream: &Upstream) -> Balanced {
    let matched: Vec<(usize, NodeId)> = upstream
        .servers
        .iter()
        .enumerate()
        .filter_map(|(i, s)| Some((i, server_node(cluster, config.node, s)?)))
        .collect();
    let role = BALANCED_ROLES
        .iter()
        .copied()
        .map(|role| {
            let count = matched
                .iter()
                .filter(|(_, n)| cluster.node(*n).has_role(role))
                .count();
            (role, count)
        })
        .filter(|(_, count)| *count > 0)
        // Most servers first; among equals the earlier role in the list.
        .max_by(|a, b| a.1.cmp(&b.1).then(std::cmp::Ordering::Greater))
        .map(|(role, _)| role);
    Balanced { matched, role }
}
