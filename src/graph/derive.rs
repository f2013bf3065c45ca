//! The links of the picture, read from the cluster model with the same
//! helpers the rules use, so that the picture and the findings agree on
//! where an upstream server, a tunnel or a back plane leads.
//!
//! Each link keeps the spans of the text that makes *that* link (the
//! upstream `server` line, the client's `connect`, the live node's
//! allowed-hosts list), not the text it shares with its siblings (the
//! server tunnel's `accept`, the staging server's addresses): a finding
//! that points at shared text as a reference would otherwise mark every
//! sibling.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::graph::{Edge, EdgeKind, Findings, GraphNode, NodeKind, Topology};
use crate::manifest::Settings;
use crate::model::gluu::csync2_host_nodes;
use crate::model::kaazing::membership::{cluster_port, clusters};
use crate::model::kaazing::{BACKPLANE_HOSTNAME, backplane_partner};
use crate::model::liferay::portals::with_role;
use crate::model::liferay::tunnel::{
    ALGORITHM, HOSTS_ALLOWED, HTTPS_REQUIRED, SECRET, SECRET_HEX, tunnel_verifiers,
};
use crate::model::liferay::{PortalProperty, hosts_allowed};
use crate::model::nginx::Host;
use crate::model::nginx::balanced::server_node;
use crate::model::stunnel::{Tunnel, connect_target, tls_peer};
use crate::model::{Cluster, NodeId, Role};
use crate::source::Span;

/// Groups larger than this are drawn around a hub node rather than with a
/// link between every two members (n·(n−1)/2 links stop being readable).
pub const MAX_PAIRWISE: usize = 6;

/// The picture of `cluster` (with what its `settings` declare), without
/// findings or groups yet.
pub fn derive(cluster: &Cluster, settings: &Settings) -> Topology {
    let mut b = Builder {
        cluster,
        settings,
        nodes: cluster.nodes.iter().map(member).collect(),
        edges: Vec::new(),
        externals: HashMap::new(),
    };
    balancer_edges(&mut b);
    remote_live_edges(&mut b);
    staging_edges(&mut b);
    stunnel_edges(&mut b);
    gateway_edges(&mut b);
    csync2_edges(&mut b);
    opendj_edges(&mut b);
    Topology {
        name: cluster.name.clone(),
        nodes: b.nodes,
        groups: Vec::new(),
        edges: b.edges,
    }
}

/// Cluster node `i` is graph node `i`; external nodes and hubs follow.
struct Builder<'a> {
    cluster: &'a Cluster,
    settings: &'a Settings,
    nodes: Vec<GraphNode>,
    edges: Vec<Edge>,
    /// External nodes by label, so that one address is one node.
    externals: HashMap<String, usize>,
}

impl Builder<'_> {
    fn external(&mut self, address: &str) -> usize {
        if let Some(&i) = self.externals.get(address) {
            return i;
        }
        let i = self.push(NodeKind::External, address.to_string());
        self.externals.insert(address.to_string(), i);
        i
    }

    fn push(&mut self, kind: NodeKind, name: String) -> usize {
        self.nodes.push(GraphNode {
            kind,
            name,
            roles: Vec::new(),
            addresses: Vec::new(),
            files: Vec::new(),
            group: None,
            findings: Findings::default(),
        });
        self.nodes.len() - 1
    }

    fn edge(&mut self, from: usize, to: usize, kind: EdgeKind, label: String, spans: Vec<Span>) {
        self.edges.push(Edge {
            from,
            to,
            kind,
            label,
            refused: false,
            spans,
            findings: Findings::default(),
        });
    }

    /// Links the members of a group: every two of them for which `pair`
    /// gives spans, or each member to a hub named `hub` when there are
    /// more than [`MAX_PAIRWISE`].
    fn peers(
        &mut self,
        members: &[usize],
        kind: EdgeKind,
        label: &str,
        hub: String,
        pair: impl Fn(usize, usize) -> Option<Vec<Span>>,
        alone: impl Fn(usize) -> Vec<Span>,
    ) {
        if members.len() > MAX_PAIRWISE {
            let hub = self.push(NodeKind::Hub, hub);
            for &m in members {
                self.edge(m, hub, kind, String::new(), alone(m));
            }
            return;
        }
        for (i, &a) in members.iter().enumerate() {
            for &b in &members[i + 1..] {
                if let Some(spans) = pair(a, b) {
                    self.edge(a, b, kind, label.to_string(), spans);
                }
            }
        }
    }
}

fn member(node: &crate::model::Node) -> GraphNode {
    let mut addresses: Vec<String> = node.addresses.iter().map(|a| a.ip.to_string()).collect();
    addresses.extend(node.hostname.iter().cloned());
    GraphNode {
        kind: NodeKind::Member(node.id),
        name: node.name.clone(),
        roles: node.roles.iter().map(|(r, _)| *r).collect(),
        addresses,
        files: node.files.clone(),
        group: None,
        findings: Findings::default(),
    }
}

/// From a key to its value, where both are in one file.
fn property_span(p: &PortalProperty) -> Span {
    if p.key_span.file == p.value_span.file {
        Span::new(p.key_span.file, p.key_span.range.cover(p.value_span.range))
    } else {
        p.value_span
    }
}

/// Balancer → each `server` of each nginx `upstream`, resolved from the
/// balancer's point of view as `nginx/upstream-*` resolve it.
fn balancer_edges(b: &mut Builder<'_>) {
    let cluster = b.cluster;
    for config in &cluster.nginx {
        let own = |host: &str| {
            cluster
                .net
                .target(cluster, config.node, host)
                .is_some_and(|t| t.node == config.node)
        };
        for upstream in &config.upstreams {
            // `upstream NAME`, where findings about the whole upstream point.
            let header = if upstream.keyword.file == upstream.name.span.file {
                Span::new(
                    upstream.keyword.file,
                    upstream.keyword.range.cover(upstream.name.span.range),
                )
            } else {
                upstream.name.span
            };
            for server in &upstream.servers {
                if matches!(server.host, Host::Unix(_)) {
                    continue;
                }
                let to = match server_node(cluster, config.node, server) {
                    Some(node) => node.index(),
                    None if own(&server.host_text) => config.node.index(),
                    None => b.external(&server.host_text),
                };
                let mut label = format!("upstream {}", upstream.name.text);
                if let Some(port) = server.port {
                    let _ = write!(label, " :{port}");
                }
                for (flag, text) in [(server.backup, " (backup)"), (server.down, " (down)")] {
                    if flag {
                        label.push_str(text);
                    }
                }
                let spans = vec![server.span, header];
                b.edge(config.node.index(), to, EdgeKind::Upstream, label, spans);
            }
        }
    }
}

/// Staging → the Remote Live host, from `[liferay.remote-live]`.
fn remote_live_edges(b: &mut Builder<'_>) {
    let cluster = b.cluster;
    let Some((manifest_file, manifest)) = &b.settings.manifest else {
        return;
    };
    let Some(remote) = &manifest.remote_live else {
        return;
    };
    let Some(host) = &remote.host else { return };
    let value = host.value.trim();
    let mut spans = vec![Span::new(*manifest_file, host.range)];
    let mut label = "Remote Live".to_string();
    if let Some(port) = &remote.port {
        spans.push(Span::new(*manifest_file, port.range));
        let _ = write!(label, " :{}", port.value);
    }
    for staging in cluster.nodes_with(Role::Staging) {
        let targets = cluster.net.nodes_named(cluster, staging.id, value);
        let targets: Vec<usize> = if targets.is_empty() {
            vec![b.external(value)]
        } else {
            targets.iter().map(|n| n.index()).collect()
        };
        for to in targets {
            b.edge(
                staging.id.index(),
                to,
                EdgeKind::RemoteLive,
                label.clone(),
                spans.clone(),
            );
        }
    }
}

/// Staging → each live node, admitted when `tunnel.servlet.hosts.allowed`
/// and every TunnelAuthVerifier `hostsAllowed` admit all the staging
/// server's addresses, as `liferay/tunnel-*-missing-staging` decide.
fn staging_edges(b: &mut Builder<'_>) {
    let cluster = b.cluster;
    for staging in cluster.nodes_with(Role::Staging) {
        for (live, liferay) in with_role(cluster, Role::Live) {
            if live.id == staging.id {
                continue;
            }
            let property = liferay.property(HOSTS_ALLOWED);
            let items = property.map(|p| p.items(cluster)).unwrap_or_default();
            let admits_all = |items: &[crate::model::liferay::Item]| {
                staging
                    .addresses
                    .iter()
                    .all(|a| hosts_allowed::list_admits(items, a.ip))
            };
            // Unset, the default admits only the node itself.
            let mut admitted = property.is_some() && admits_all(&items);
            let mut spans = vec![property.map_or_else(|| liferay.anchor(), property_span)];
            for config in tunnel_verifiers(liferay) {
                if let Some(hosts) = config.get("hostsAllowed") {
                    admitted &= admits_all(&hosts.items);
                    spans.push(hosts.value_span);
                }
            }
            // The live side of the tunnel's other settings: a wrong secret
            // or algorithm breaks this link too.
            for key in [SECRET, SECRET_HEX, ALGORITHM, HTTPS_REQUIRED] {
                spans.extend(liferay.property(key).map(property_span));
            }
            let known = !staging.addresses.is_empty();
            let label = match (known, admitted) {
                (false, _) => "tunnel (staging address unknown)",
                (true, true) => "tunnel",
                (true, false) => "refused",
            };
            b.edge(
                staging.id.index(),
                live.id.index(),
                EdgeKind::StagingTunnel,
                label.to_string(),
                spans,
            );
            if known
                && !admitted
                && let Some(edge) = b.edges.last_mut()
            {
                edge.refused = true;
            }
        }
    }
}

/// `[name]`, or `inetd` for a configuration without sections.
fn tunnel_name(tunnel: &Tunnel) -> String {
    if tunnel.name.is_empty() {
        "inetd".to_string()
    } else {
        format!("[{}]", tunnel.name)
    }
}

/// Client tunnel → the node of the TLS tunnel it connects to; server
/// tunnel → the node its `connect` leads to, naming the program that
/// listens there. A service connecting to another stunnel's TLS `accept`
/// is a client even without `client = yes` (`stunnel/client-mode-missing`
/// reports that it lacks it).
fn stunnel_edges(b: &mut Builder<'_>) {
    let cluster = b.cluster;
    for tunnel in &cluster.stunnel.tunnels {
        let client = tunnel.client || tls_peer(cluster, tunnel).is_some();
        for connect in &tunnel.connects {
            let Some((host, _)) = connect.inet() else {
                continue; // A Unix socket stays on the node.
            };
            let target = connect_target(cluster, tunnel, connect);
            let to = match target {
                Some((t, _)) => t.node.index(),
                None => b.external(host.unwrap_or("localhost")),
            };
            let spans = vec![tunnel.header, connect.span];
            if client {
                let label = format!("stunnel {}\n→ {}", tunnel_name(tunnel), connect.text);
                b.edge(
                    tunnel.node.index(),
                    to,
                    EdgeKind::StunnelClient,
                    label,
                    spans,
                );
                continue;
            }
            let program = target.and_then(|(t, port)| {
                cluster
                    .net
                    .listening_at(t.node, t.ip, port)
                    .find(|l| !tunnel.accepts.iter().any(|a| a.span == l.span))
                    .map(|l| l.program)
            });
            let mut label = format!("stunnel {}\n→ {}", tunnel_name(tunnel), connect.text);
            if let Some(program) = program {
                let _ = write!(label, " ({program})");
            }
            b.edge(
                tunnel.node.index(),
                to,
                EdgeKind::StunnelServer,
                label,
                spans,
            );
        }
    }
}

/// Gateway ↔ gateway within each KAAZING cluster (the members the
/// `kaazing/cluster-*` rules compare), and DMZ ↔ internal gateway for
/// each Enterprise Shield pair `kaazing/backplane-pair-mismatch` finds.
fn gateway_edges(b: &mut Builder<'_>) {
    let cluster = b.cluster;
    for group in clusters(cluster) {
        let names: std::collections::BTreeSet<&str> = group
            .iter()
            .filter(|(_, c)| !c.name_per_member)
            .filter_map(|(_, c)| Some(c.name.as_ref()?.text.as_str()))
            .collect();
        let label = match names.iter().next() {
            Some(name) if names.len() == 1 => format!("cluster {name}"),
            _ => "cluster".to_string(),
        };
        let members: Vec<usize> = group.iter().map(|(g, _)| g.node.index()).collect();
        let spans_of = |node: usize| -> Vec<Span> {
            let Some((g, c)) = group.iter().find(|(g, _)| g.node.index() == node) else {
                return Vec::new();
            };
            let mut spans = vec![c.span];
            spans.extend(c.name.iter().map(|n| n.span));
            spans.extend(c.accepts.iter().chain(&c.connects).map(|u| u.span));
            spans.extend(cluster_port(cluster, g, c).map(|(_, span)| span));
            spans
        };
        b.peers(
            &members,
            EdgeKind::GatewayMember,
            &label,
            label.clone(),
            |x, y| Some([spans_of(x), spans_of(y)].concat()),
            spans_of,
        );
    }
    for internal in &cluster.kaazing {
        if !cluster.node(internal.node).has_role(Role::InternalGateway) {
            continue;
        }
        let Some(dmz) = backplane_partner(cluster, internal) else {
            continue;
        };
        let mut spans = Vec::new();
        let mut label = "back plane".to_string();
        if let Some(p) = internal.property(BACKPLANE_HOSTNAME) {
            spans.push(p.value_span);
            let _ = write!(label, "\n{}", p.value);
        }
        spans.extend(dmz.property(BACKPLANE_HOSTNAME).map(|p| p.value_span));
        // DMZ first: the DMZ side is drawn left of the trusted network.
        b.edge(
            dmz.node.index(),
            internal.node.index(),
            EdgeKind::ShieldPair,
            label,
            spans,
        );
    }
}

/// A `host` entry of a csync2 group, resolved.
struct HostEntry {
    /// The node whose configuration lists it.
    on: NodeId,
    span: Span,
    /// The graph node it stands for.
    target: usize,
}

/// One csync2 group (by name) as every node's configuration writes it.
#[derive(Default)]
struct NamedGroup {
    name: Option<String>,
    /// The `group NAME` span of each configuration.
    headers: Vec<(NodeId, Span)>,
    entries: Vec<HostEntry>,
}

/// Node ↔ node for each two hosts some configuration lists in one csync2
/// group (groups of one name on different nodes are one group). Host
/// entries resolve from the listing node by [`csync2_host_nodes`], as
/// `gluu/csync2-hosts-incomplete` resolves them. A link keeps what the
/// configurations of its two ends say: their `group` line and their
/// entries for either end.
fn csync2_edges(b: &mut Builder<'_>) {
    let cluster = b.cluster;
    let mut groups: Vec<NamedGroup> = Vec::new();
    for config in cluster.gluu.csync2.iter().filter(|c| c.read) {
        for group in &config.groups {
            let index = if let Some(i) = groups.iter().position(|g| g.name == group.name) {
                i
            } else {
                groups.push(NamedGroup {
                    name: group.name.clone(),
                    ..NamedGroup::default()
                });
                groups.len() - 1
            };
            groups[index].headers.push((config.node, group.span));
            for (file, host) in &group.hosts {
                let nodes = csync2_host_nodes(cluster, config.node, host);
                let targets: Vec<usize> = if nodes.is_empty() {
                    vec![b.external(&host.name.text)]
                } else {
                    nodes.iter().map(|n| n.index()).collect()
                };
                for target in targets {
                    groups[index].entries.push(HostEntry {
                        on: config.node,
                        span: Span::new(*file, host.name.range),
                        target,
                    });
                }
            }
        }
    }
    for group in &groups {
        let mut members: Vec<usize> = group.entries.iter().map(|e| e.target).collect();
        members.sort_unstable();
        members.dedup();
        let name = group.name.as_deref().unwrap_or("(unnamed)");
        let lists = |on: NodeId, target: usize| {
            group
                .entries
                .iter()
                .any(|e| e.on == on && e.target == target)
        };
        let pair = |x: usize, y: usize| -> Option<Vec<Span>> {
            let listed_together = group
                .headers
                .iter()
                .any(|&(on, _)| lists(on, x) && lists(on, y));
            if !listed_together {
                return None;
            }
            let at_an_end = |on: NodeId| on.index() == x || on.index() == y;
            let mut spans: Vec<Span> = group
                .headers
                .iter()
                .filter(|(on, _)| at_an_end(*on))
                .map(|(_, span)| *span)
                .collect();
            spans.extend(
                group
                    .entries
                    .iter()
                    .filter(|e| at_an_end(e.on) && (e.target == x || e.target == y))
                    .map(|e| e.span),
            );
            Some(spans)
        };
        let alone = |m: usize| -> Vec<Span> {
            let on_m = |on: NodeId| on.index() == m;
            let headers = group.headers.iter().filter(|(on, _)| on_m(*on));
            let entries = group.entries.iter().filter(|e| on_m(e.on));
            headers
                .map(|(_, s)| *s)
                .chain(entries.map(|e| e.span))
                .collect()
        };
        b.peers(
            &members,
            EdgeKind::Csync2Peer,
            &format!("csync2 {name}"),
            format!("csync2 group {name}"),
            pair,
            alone,
        );
    }
}

/// OpenDJ replication: the nodes whose replication servers or domains name
/// each other (`ds-cfg-replication-server`), linked by the values that do.
fn opendj_edges(b: &mut Builder<'_>) {
    let cluster = b.cluster;
    // (on, value, target graph node)
    let mut entries: Vec<(NodeId, Span, usize)> = Vec::new();
    for instance in cluster.opendj.replicating() {
        for peer in instance.peers() {
            let nodes = crate::model::opendj::peer_nodes(cluster, instance.node, peer);
            if nodes.is_empty() {
                let external = b.external(&peer.host);
                entries.push((instance.node, peer.span, external));
            }
            for node in nodes.into_iter().filter(|&n| n != instance.node) {
                entries.push((instance.node, peer.span, node.index()));
            }
        }
    }
    if entries.is_empty() {
        return;
    }
    let mut members: Vec<usize> = entries
        .iter()
        .flat_map(|&(on, _, target)| [on.index(), target])
        .collect();
    members.sort_unstable();
    members.dedup();
    let pair = |x: usize, y: usize| -> Option<Vec<Span>> {
        let spans: Vec<Span> = entries
            .iter()
            .filter(|&&(on, _, target)| {
                (on.index() == x && target == y) || (on.index() == y && target == x)
            })
            .map(|&(_, span, _)| span)
            .collect();
        (!spans.is_empty()).then_some(spans)
    };
    let alone = |m: usize| -> Vec<Span> {
        entries
            .iter()
            .filter(|&&(on, _, _)| on.index() == m)
            .map(|&(_, span, _)| span)
            .collect()
    };
    b.peers(
        &members,
        EdgeKind::OpendjReplication,
        "OpenDJ replication",
        "OpenDJ replication".to_string(),
        pair,
        alone,
    );
}
