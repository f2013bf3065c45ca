use std::collections::BTreeMap;

use rustc_hash::FxHashSet;
use std::net::IpAddr;

use crate::diagnostic::Diagnostic;
use crate::model::NodeId;
use crate::model::net::HostsName;
use crate::rules::consensus::{agree, node_list};
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Compares the `/etc/hosts` files of the nodes: a name that several
    /// nodes map must map to the same address on each (the first line
    /// naming it for each address family counts, as glibc reads the file;
    /// two addresses of one node are the same machine). Loopback lines and
    /// a node's lines for its own addresses are left out: each node may map
    /// its own name to itself (the Gluu guide gives all nodes one host
    /// name, each mapped to the node's own address). The address most
    /// nodes give is the reference.
    ///
    /// ## Why is this bad?
    /// The nodes then reach different machines under one name: one Gluu
    /// node caches in an old Redis server, or the balancer proxies to a
    /// retired node. Hosts files are copied by hand, and one missed copy
    /// is enough.
    ///
    /// ## Example
    /// ```text
    /// # gluu1/etc/hosts         # gluu2/etc/hosts
    /// 192.0.2.30 redis.lan      192.0.2.31 redis.lan
    /// ```
    ///
    /// ## How to fix
    /// Give the name the same address on every node.
    id: "net/hosts-inconsistent",
    severity: Warning,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    // Per name and address family: glibc answers each family with the first
    // line of that family naming it.
    let mut by_name: BTreeMap<(&str, bool), Vec<(NodeId, &HostsName)>> = BTreeMap::new();
    for node in &cluster.nodes {
        let own: Vec<IpAddr> = node.addresses.iter().map(|a| a.ip).collect();
        let mut seen: FxHashSet<(&str, bool)> = FxHashSet::default();
        for (name, line) in cluster.net.hosts_lines(node.id) {
            let key = (name.as_str(), line.ip.is_ipv6());
            if !seen.insert(key) {
                continue;
            }
            if line.ip.is_loopback()
                || own.contains(&line.ip)
                || is_own_name(cluster, node.id, name)
            {
                continue;
            }
            by_name.entry(key).or_default().push((node.id, line));
        }
    }
    for ((name, _), lines) in by_name {
        // Two addresses of one node are the same machine.
        let values: Vec<(NodeId, Result<NodeId, IpAddr>)> = lines
            .iter()
            .map(|(n, l)| (*n, cluster.net.node_of(l.ip).ok_or(l.ip)))
            .collect();
        let Some(agreement) = agree(cluster, &values) else {
            continue;
        };
        let reference_nodes = node_list(cluster, agreement.reference.iter().map(|&i| values[i].0));
        let reference = lines[agreement.representative(cluster, &values)];
        for &i in &agreement.outliers {
            let (node, line) = lines[i];
            cx.report(
                Diagnostic::new(
                    line.span,
                    format!(
                        "`/etc/hosts` on `{}` maps `{name}` to `{}`, on {reference_nodes} it is `{}`",
                        cluster.node(node).name,
                        line.ip,
                        reference.1.ip
                    ),
                )
                .label("another address")
                .related(reference.1.span, format!("the address on {reference_nodes}"))
                .help(format!("map `{name}` to `{}` here too, or correct the other nodes", reference.1.ip)),
            );
        }
    }
}

/// Whether `name` is the node's own name or host name.
fn is_own_name(cluster: &crate::model::Cluster, node: NodeId, name: &str) -> bool {
    let node = cluster.node(node);
    node.name.eq_ignore_ascii_case(name)
        || node
            .hostname
            .as_deref()
            .is_some_and(|h| h.eq_ignore_ascii_case(name))
}
