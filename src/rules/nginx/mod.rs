//! `nginx`: the load balancer in front of the cluster. Which role an
//! upstream balances is inferred from the nodes its servers' addresses
//! belong to.

pub mod proxy_pass_unknown_upstream;
pub mod redirect_host_mismatch;
pub mod ssl_listen_missing;
pub mod ssl_on_deprecated;
pub mod sticky_session_missing;
pub mod upstream_health_inconsistent;
pub mod upstream_missing_node;
pub mod upstream_unknown_server;

use crate::model::nginx::{Host, NginxConfig, ProxyPass, Upstream, UpstreamServer};
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

/// Every `proxy_pass` of a configuration that names an upstream it
/// defines, with that upstream.
pub(crate) fn proxied(config: &NginxConfig) -> Vec<(&ProxyPass, &Upstream)> {
    let mut out = Vec::new();
    for server in &config.servers {
        let passes = server
            .locations
            .iter()
            .flat_map(|l| &l.proxy_passes)
            .chain(&server.proxy_passes);
        for pass in passes.filter(|p| !p.dynamic) {
            if let Some(upstream) = config.upstream(&pass.host, server.context) {
                out.push((pass, upstream));
            }
        }
    }
    out
}

/// The upstreams some `proxy_pass` of the configuration uses, each once,
/// in the order they are first used.
pub(crate) fn proxied_upstreams(config: &NginxConfig) -> Vec<&Upstream> {
    let mut out: Vec<&Upstream> = Vec::new();
    for (_, upstream) in proxied(config) {
        if !out.iter().any(|u| std::ptr::eq(*u, upstream)) {
            out.push(upstream);
        }
    }
    out
}

/// Whether a `proxy_pass` host is meant as an upstream name rather than a
/// host: no dots, not an address, not `localhost`.
pub(crate) fn is_bare_name(host: &str) -> bool {
    !host.is_empty()
        && !host.contains(['.', ':', '[', '/'])
        && !host.eq_ignore_ascii_case("localhost")
        && !host.starts_with("unix")
        && host.bytes().any(|b| b.is_ascii_alphabetic())
}
