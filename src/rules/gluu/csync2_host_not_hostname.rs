use std::collections::HashSet;
use std::net::IpAddr;

use crate::diagnostic::Diagnostic;
use crate::model::gluu::{csync2_given_names, own_names, same_host_name};
use crate::model::{Cluster, NodeId};
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Checks the name part of every `host` entry of the csync2 groups
    /// (the `NAME` of `NAME@PEER`; `PEER` is only the address csync2
    /// connects to). csync2 takes the group's entry equal to the machine's
    /// host name (`gethostname`, lower-cased, or the name given with `-N`)
    /// as the machine itself, so the entry must be a host name. Reported:
    ///
    /// - an entry that is an IP address: no host name is an address, so the
    ///   machine never finds itself in the group. It is reported in the
    ///   configuration of the node it stands for (as a peer to connect to,
    ///   an address works), or wherever it is written when that node has
    ///   no configuration here;
    /// - a name that stands for a node only through another machine's
    ///   hosts file, when the node's own names are known (its node name,
    ///   `hostname` from the manifest or compose, compose aliases, and the
    ///   names its own `/etc/hosts` gives its addresses or `127.0.1.1`) and
    ///   it is none of them, not even as the short form of a full name or
    ///   the reverse.
    ///
    /// Not reported: entries matching the `-N NAME` a node's csync2 is
    /// started with (a systemd unit `csync2*.service`, the xinetd service
    /// `xinetd.d/csync2`, compose commands, scripts, supervisord programs;
    /// an unknown `-N` value excuses every entry for that node), and names
    /// that are no node at all (`gluu/csync2-hosts-incomplete` reports
    /// those).
    ///
    /// ## Why is this bad?
    /// csync2 compares each `host` entry with the local host name, byte for
    /// byte after lower-casing. A machine whose name is in no group stops
    /// with "This host is not a member of any configured group"; a machine
    /// whose entry is written otherwise takes itself for a peer, and
    /// nothing is synchronised. The Gluu clustering guide's own example
    /// lists the nodes by address, which only works with `-N`.
    ///
    /// ## Example
    /// ```text
    /// group gluucluster {
    ///     host 192.0.2.11;
    ///     host 192.0.2.12;
    ///     key /etc/csync2.key;
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Write each node's host name (`hostname` on the machine), keeping the
    /// address as the peer if names do not resolve: `host
    /// gluu1@192.0.2.11;`. Or start csync2 with `-N NAME` on every node
    /// (the inetd/systemd server and each `csync2 -x`).
    id: "gluu/csync2-host-not-hostname",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let given: Vec<Vec<Option<String>>> = cluster
        .nodes
        .iter()
        .map(|n| csync2_given_names(cluster, n.id))
        .collect();
    // Indexed once: entries are many on a large cluster, and each is
    // looked up among every node's names.
    let mut given_names: HashSet<String> = HashSet::new();
    let mut given_unknown: HashSet<usize> = HashSet::new();
    for (i, names) in given.iter().enumerate() {
        for name in names {
            match name {
                Some(name) => {
                    given_names.insert(name.to_ascii_lowercase());
                }
                None => {
                    given_unknown.insert(i);
                }
            }
        }
    }
    // `-N` with a value not known here may be any entry of its node.
    let excused = |entry: &str, nodes: &[NodeId]| {
        given_names.contains(&entry.to_ascii_lowercase())
            || nodes.iter().any(|n| given_unknown.contains(&n.index()))
    };
    let names: Vec<Vec<String>> = cluster
        .nodes
        .iter()
        .map(|n| own_names(cluster, n.id))
        .collect();
    let known_names = HostNames::new(names.iter().flatten());
    let with_config: HashSet<NodeId> = cluster
        .gluu
        .csync2
        .iter()
        .filter(|c| c.read)
        .map(|c| c.node)
        .collect();
    for config in cluster.gluu.csync2.iter().filter(|c| c.read) {
        for group in &config.groups {
            for (file, host) in &group.hosts {
                let entry = host.name.text.as_str();
                let nodes = cluster.net.nodes_named(cluster, config.node, entry);
                if excused(entry, &nodes) {
                    continue;
                }
                let span = Span::new(*file, host.name.range);
                let bare = entry.trim_start_matches('[').trim_end_matches(']');
                if let Ok(ip) = bare.parse::<IpAddr>() {
                    // Where the node it stands for reads its own copy of the
                    // configuration, that copy is the one reported.
                    let judged = nodes.contains(&config.node)
                        || nodes.iter().any(|n| !with_config.contains(n));
                    if !judged {
                        continue;
                    }
                    cx.report(address_entry(
                        cluster,
                        span,
                        entry,
                        ip,
                        &nodes,
                        host.peer.is_some(),
                    ));
                    continue;
                }
                if nodes.is_empty() || known_names.contains(entry) {
                    continue;
                }
                // Only a name the node's own files or the manifest confirm.
                let Some(&node) = nodes
                    .iter()
                    .find(|&&n| cluster.node(n).hostname.is_some() || names[n.index()].len() > 1)
                else {
                    continue;
                };
                let known: Vec<String> = names[node.index()]
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect();
                let suggestion = preferred_name(cluster, node);
                cx.report(
                    Diagnostic::new(
                        span,
                        format!(
                            "`{entry}` stands for `{}` only through a hosts file, and is none of its names ({}): csync2 compares entries with the host name",
                            cluster.node(node).name,
                            known.join(", ")
                        ),
                    )
                    .label("not a host name")
                    .help(format!(
                        "write the node's host name, keeping this name as the address to connect to: `host {suggestion}@{entry};`"
                    )),
                );
            }
        }
    }
}

/// Whether a node has a csync2 configuration csync2 reads.
/// Host names, answering [`same_host_name`] against all of them at once:
/// equal without case, or one the short form of the other.
struct HostNames {
    full: HashSet<String>,
    /// The first label of every dotted name.
    short_of_dotted: HashSet<String>,
    undotted: HashSet<String>,
}

impl HostNames {
    fn new<'a>(names: impl Iterator<Item = &'a String>) -> Self {
        let mut out = Self {
            full: HashSet::new(),
            short_of_dotted: HashSet::new(),
            undotted: HashSet::new(),
        };
        for name in names {
            let name = name.to_ascii_lowercase();
            match name.split_once('.') {
                Some((short, _)) => {
                    out.short_of_dotted.insert(short.to_string());
                }
                None => {
                    out.undotted.insert(name.clone());
                }
            }
            out.full.insert(name);
        }
        out
    }

    fn contains(&self, entry: &str) -> bool {
        let entry = entry.to_ascii_lowercase();
        let found = match entry.split_once('.') {
            _ if self.full.contains(&entry) => true,
            Some((short, _)) => self.undotted.contains(short),
            None => self.short_of_dotted.contains(&entry),
        };
        debug_assert_eq!(found, self.full.iter().any(|n| same_host_name(n, &entry)));
        found
    }
}

fn address_entry(
    cluster: &Cluster,
    span: Span,
    entry: &str,
    ip: IpAddr,
    nodes: &[NodeId],
    has_peer: bool,
) -> Diagnostic {
    let node = nodes.first().copied();
    let who = node.map_or_else(
        || "the machine with this address".to_string(),
        |n| format!("`{}`", cluster.node(n).name),
    );
    let help = match node {
        Some(n) if !has_peer => {
            let name = preferred_name(cluster, n);
            format!(
                "write {who}'s host name (what `hostname` prints there), keeping the address to connect to: `host {name}@{ip};`; or start csync2 with `-N {entry}` on {who}"
            )
        }
        _ => format!(
            "write {who}'s host name (what `hostname` prints there) before the `@`; or start csync2 with `-N {entry}` there"
        ),
    };
    Diagnostic::new(
        span,
        format!(
            "`{entry}` is an address: csync2 compares `host` entries with the host name, so {who} never finds itself in this group"
        ),
    )
    .label("address, not a host name")
    .help(help)
}

/// The name to suggest for a node: its manifest or compose host name,
/// else its node name.
fn preferred_name(cluster: &Cluster, node: NodeId) -> String {
    let n = cluster.node(node);
    n.hostname
        .as_deref()
        .unwrap_or(&n.name)
        .to_ascii_lowercase()
}
