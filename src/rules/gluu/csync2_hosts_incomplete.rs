use std::collections::BTreeSet;

use crate::diagnostic::Diagnostic;
use crate::model::{NodeId, Role};
use crate::rules::consensus::node_list;
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Checks each csync2 group on the Gluu nodes: it must list every Gluu
    /// node of the cluster, and every `host` it lists must be a node. A
    /// host entry is matched to a node by the node's name, its host name
    /// or address (from `clusterlint.toml` or `setup.properties`), or the
    /// address the node's `/etc/hosts` gives the name; `NAME@PEER` entries
    /// are matched by either part.
    ///
    /// ## Why is this bad?
    /// csync2 only synchronises between the hosts a group lists. A node
    /// left out never receives the files the others change (Shibboleth
    /// metadata, certificates), and an entry for a machine that is gone
    /// makes every run wait for it.
    ///
    /// ## Example
    /// ```text
    /// group gluucluster {
    ///     host 192.0.2.11;
    ///     host 192.0.2.12;
    ///     key /etc/csync2.key;
    /// }
    /// ```
    /// in a cluster of three Gluu nodes.
    ///
    /// ## How to fix
    /// Add a `host` line for every Gluu node to the group, on every node.
    id: "gluu/csync2-hosts-incomplete",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let gluu_nodes: Vec<NodeId> = cluster.nodes_with(Role::Gluu).map(|n| n.id).collect();
    if gluu_nodes.len() < 2 {
        return;
    }
    let unaddressed: Vec<NodeId> = gluu_nodes
        .iter()
        .copied()
        .filter(|&n| cluster.node(n).addresses.is_empty() && cluster.node(n).hostname.is_none())
        .collect();
    for config in cluster
        .gluu
        .csync2
        .iter()
        .filter(|c| c.read && gluu_nodes.contains(&c.node))
    {
        for group in &config.groups {
            let mut listed: BTreeSet<NodeId> = BTreeSet::new();
            let mut unknown = Vec::new();
            for (file, host) in &group.hosts {
                let mut nodes = cluster
                    .net
                    .nodes_named(cluster, config.node, &host.name.text);
                if let Some(peer) = &host.peer {
                    nodes.extend(cluster.net.nodes_named(cluster, config.node, &peer.text));
                }
                if nodes.is_empty() {
                    unknown.push((*file, host));
                }
                listed.extend(nodes);
            }
            let missing: Vec<NodeId> = gluu_nodes
                .iter()
                .copied()
                .filter(|n| !listed.contains(n))
                .collect();
            if missing.iter().any(|n| unaddressed.contains(n)) {
                // An entry may stand for a node whose address is unknown.
                for &node in missing.iter().filter(|n| unaddressed.contains(n)) {
                    cx.unresolved_address(cluster.node(node), group.span);
                }
                continue;
            }
            let what = group.name.as_ref().map_or_else(
                || "this csync2 group".to_string(),
                |n| format!("csync2 group `{n}`"),
            );
            if !missing.is_empty() {
                let hint: Vec<String> = missing
                    .iter()
                    .filter_map(|&n| cluster.node(n).addresses.first())
                    .map(|a| format!("`host {};`", a.ip))
                    .collect();
                cx.report(
                    Diagnostic::new(
                        group.span,
                        format!(
                            "{what} on `{}` does not list the Gluu node{} {}",
                            cluster.node(config.node).name,
                            if missing.len() > 1 { "s" } else { "" },
                            node_list(cluster, missing.iter().copied())
                        ),
                    )
                    .label("incomplete host list")
                    .help(if hint.is_empty() {
                        "add a `host` line for every Gluu node".to_string()
                    } else {
                        format!("add {}", hint.join(" and "))
                    }),
                );
            }
            for (file, host) in unknown {
                cx.report(
                    Diagnostic::new(
                        Span::new(file, host.name.range),
                        format!("`{}` in {what} is no node of the cluster", host.name.text),
                    )
                    .label("unknown host")
                    .help("remove the entry, or name the node's address or host name in clusterlint.toml"),
                );
            }
        }
    }
}
