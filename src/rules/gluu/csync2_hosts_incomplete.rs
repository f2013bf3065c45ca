use std::collections::BTreeSet;
use std::net::IpAddr;

use crate::diagnostic::{Diagnostic, Fix};
use crate::formats::csync2;
use crate::model::gluu::{Csync2Group, csync2_host_nodes};
use crate::model::{Cluster, NodeId, Role};
use crate::rules::consensus::node_list;
use crate::rules::edits;
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
    /// `--fix` adds the missing nodes to the group's last `host` statement
    /// (or as `host` lines of their own, where the group writes one per
    /// line), named the way the group's entries name theirs: by address,
    /// by node name or by the manifest's `hostname`.
    id: "gluu/csync2-hosts-incomplete",
    severity: Error,
    fix: Unsafe,
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
                let nodes = csync2_host_nodes(cluster, config.node, host);
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
                let mut diagnostic = Diagnostic::new(
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
                });
                if let Some(fix) = fix(cluster, group, &missing, &what) {
                    diagnostic = diagnostic.fix(fix);
                }
                cx.report(diagnostic);
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

/// How a group's `host` entries name the nodes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Naming {
    /// By address, IPv6 or not.
    Address { v6: bool },
    /// By node name (the folder or manifest table).
    NodeName,
    /// By the manifest's `hostname`.
    Hostname,
}

fn naming(cluster: &Cluster, entry: &str) -> Option<Naming> {
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(Naming::Address { v6: ip.is_ipv6() });
    }
    let lower = |s: &str| s.to_ascii_lowercase();
    if cluster.nodes.iter().any(|n| lower(&n.name) == entry) {
        Some(Naming::NodeName)
    } else if cluster
        .nodes
        .iter()
        .any(|n| n.hostname.as_deref().map(lower).as_deref() == Some(entry))
    {
        Some(Naming::Hostname)
    } else {
        None
    }
}

/// A bare word csync2's scanner reads as one host name.
fn is_plain_word(word: &str) -> bool {
    !word.is_empty()
        && !word.ends_with(':')
        && !word
            .chars()
            .any(|c| c.is_whitespace() || "@;()#\"".contains(c))
        && !csync2::KEYWORDS.contains(&word)
}

/// The missing nodes added to the group's last `host` statement, named as
/// every entry of the group names its node (all by address of one family,
/// all by node name, or all by the manifest's host name; lower case, as
/// csync2 compares names): on lines of their own when the group writes
/// one `host NAME;` per line, else appended to the last list. No fix for
/// groups with `NAME@PEER` entries or ending in a slave `( ... )` list, or
/// when a missing node has no such name.
fn fix(cluster: &Cluster, group: &Csync2Group, missing: &[NodeId], what: &str) -> Option<Fix> {
    if group.hosts.iter().any(|(_, h)| h.peer.is_some()) {
        return None;
    }
    let mut styles = group
        .hosts
        .iter()
        .map(|(_, h)| naming(cluster, &h.name.text));
    let style = styles.next()??;
    for other in styles {
        if other? != style {
            return None;
        }
    }
    let mut names = Vec::new();
    for &n in missing {
        let node = cluster.node(n);
        let name = match style {
            Naming::Address { v6 } => node
                .addresses
                .iter()
                .find(|a| a.ip.is_ipv6() == v6)?
                .ip
                .to_string(),
            Naming::NodeName => node.name.to_ascii_lowercase(),
            Naming::Hostname => node.hostname.as_deref()?.to_ascii_lowercase(),
        };
        if !is_plain_word(&name) {
            return None;
        }
        names.push(name);
    }
    let (file, last) = group.hosts.last()?;
    if last.slave {
        return None;
    }
    let text = &cluster.source(*file).text;
    let end = last.name.range.end as usize;
    let line = &text[edits::line_start(text, end)..edits::line_end(text, end)];
    let raw = last.name.range.slice(text);
    let words: Vec<&str> = line.split_whitespace().collect();
    let one_per_line = words == ["host", &format!("{raw};")] || words == ["host", raw, ";"];
    let edit = if one_per_line {
        let indent = edits::indentation(text, end);
        let lines: Vec<String> = names.iter().map(|n| format!("{indent}host {n};")).collect();
        let (range, inserted) = edits::line_after(text, end, &lines.join("\n"));
        edits::replace(*file, range, inserted)
    } else {
        edits::insert(*file, end, format!(" {}", names.join(" ")))
    };
    let shown: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    Some(Fix {
        description: format!("add {} to the hosts of {what}", shown.join(" and ")),
        edits: vec![edit],
    })
}
