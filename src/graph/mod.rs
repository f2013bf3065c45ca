//! The topology picture behind `clusterlint graph`: which node talks to
//! which, built from the cluster model, with the findings of a [`crate::Report`]
//! marked on the nodes and links they concern. [`Topology`] is format-free;
//! [`dot`] and [`mermaid`] draw it.
//!
//! Nodes are the cluster's machines, grouped by their first role (the
//! manifest's first role, else the first inferred one), so a node with
//! several roles is drawn once. Endpoints the model names but no node owns
//! (an upstream server, a Remote Live host, a tunnel target) become
//! *external* nodes labelled by the address as written, so that the link
//! still shows. Labels hold names, roles, addresses, ports and rule ids,
//! never a property's value: secrets cannot reach the picture.

mod derive;
pub mod dot;
mod marks;
pub mod mermaid;

use std::collections::BTreeSet;

pub use derive::MAX_PAIRWISE;
pub use dot::render_dot;
pub use mermaid::render_mermaid;

use crate::diagnostic::Diagnostic;
use crate::manifest::Settings;
use crate::model::{Cluster, NodeId, Role};
use crate::source::{FileId, Span};

/// How a node or link is drawn: red for errors, orange for warnings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Ok,
    Warning,
    Error,
}

/// The rule ids of the findings marked on a node or link.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Findings {
    pub errors: BTreeSet<String>,
    pub warnings: BTreeSet<String>,
}

impl Findings {
    #[must_use]
    pub fn status(&self) -> Status {
        if !self.errors.is_empty() {
            Status::Error
        } else if !self.warnings.is_empty() {
            Status::Warning
        } else {
            Status::Ok
        }
    }

    /// One line per finding, errors first: `✗ rule` and `⚠ rule`.
    #[must_use]
    pub fn lines(&self) -> Vec<String> {
        let errors = self.errors.iter().map(|r| format!("✗ {r}"));
        let warnings = self.warnings.iter().map(|r| format!("⚠ {r}"));
        errors.chain(warnings).collect()
    }
}

/// What a node of the picture stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// A node of the cluster.
    Member(NodeId),
    /// An address the files name that belongs to no node.
    External,
    /// A stand-in for a large group (a csync2 group, a gateway cluster):
    /// each member is linked to it instead of to every other member.
    Hub,
}

/// A node of the picture.
#[derive(Clone, Debug)]
pub struct GraphNode {
    pub kind: NodeKind,
    pub name: String,
    pub roles: Vec<Role>,
    /// Addresses and the host name, as people write them.
    pub addresses: Vec<String>,
    /// The files of a cluster node; empty for external nodes and hubs.
    pub files: Vec<FileId>,
    /// Index into [`Topology::groups`]; `None` for hubs.
    pub group: Option<usize>,
    pub findings: Findings,
}

impl GraphNode {
    /// The label: name, roles, addresses, then one line per finding.
    #[must_use]
    pub fn label_lines(&self) -> Vec<String> {
        let mut lines = vec![self.name.clone()];
        if !self.roles.is_empty() {
            let roles: Vec<&str> = self.roles.iter().map(|r| r.name()).collect();
            lines.push(roles.join(", "));
        }
        if !self.addresses.is_empty() {
            lines.push(self.addresses.join(", "));
        }
        lines.extend(self.findings.lines());
        lines
    }
}

/// A role group: the nodes drawn in one box.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// A role name, `unassigned` or `external`.
    pub name: String,
    pub label: String,
    /// Indexes into [`Topology::nodes`].
    pub nodes: Vec<usize>,
}

/// What a link stands for, and where it comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeKind {
    /// Balancer → upstream server: a `server` of an nginx `upstream`.
    Upstream,
    /// Staging → the Remote Live host of `[liferay.remote-live]`.
    RemoteLive,
    /// Staging → live node: publication through the tunnel servlet,
    /// admitted or refused by the live node's allowed-hosts lists.
    StagingTunnel,
    /// stunnel client → the node of the TLS tunnel it connects to.
    StunnelClient,
    /// stunnel server → the node its `connect` leads to (Redis).
    StunnelServer,
    /// Gateway ↔ gateway: members of one KAAZING cluster.
    GatewayMember,
    /// DMZ gateway ↔ internal gateway: an Enterprise Shield pair.
    ShieldPair,
    /// Node ↔ node: hosts of one csync2 group.
    Csync2Peer,
    /// Node ↔ node: OpenDJ replication servers that name each other.
    OpendjReplication,
}

impl EdgeKind {
    /// Whether the link has a direction (a client and a server); peers and
    /// pairs have none.
    #[must_use]
    pub const fn is_directed(self) -> bool {
        !matches!(
            self,
            Self::GatewayMember | Self::ShieldPair | Self::Csync2Peer | Self::OpendjReplication
        )
    }

    /// Whether the link should order the layout (left to right); links
    /// between peers of one group should not.
    #[must_use]
    pub const fn orders_layout(self) -> bool {
        !matches!(
            self,
            Self::GatewayMember | Self::Csync2Peer | Self::OpendjReplication
        )
    }
}

/// A link of the picture.
#[derive(Clone, Debug)]
pub struct Edge {
    /// Indexes into [`Topology::nodes`].
    pub from: usize,
    pub to: usize,
    pub kind: EdgeKind,
    pub label: String,
    /// The other end refuses the link (a tunnel the live node does not
    /// admit): drawn dashed.
    pub refused: bool,
    /// The text the link comes from (an upstream `server`, a tunnel
    /// `connect`, an allowed-hosts list): findings located here mark it.
    pub spans: Vec<Span>,
    pub findings: Findings,
}

impl Edge {
    /// The label's lines, then one line per finding.
    #[must_use]
    pub fn label_lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.label.lines().map(ToString::to_string).collect();
        lines.extend(self.findings.lines());
        lines
    }
}

/// The cluster as a picture: nodes in role groups, links between them.
#[derive(Clone, Debug, Default)]
pub struct Topology {
    /// The cluster's name from the manifest.
    pub name: Option<String>,
    pub nodes: Vec<GraphNode>,
    pub groups: Vec<Group>,
    pub edges: Vec<Edge>,
}

impl Topology {
    /// The index of the node called `name`.
    #[must_use]
    pub fn node_index(&self, name: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.name == name)
    }

    /// The links of `kind` from the node `from` to the node `to` (either
    /// way for links without direction).
    pub fn edges_between<'a>(
        &'a self,
        kind: EdgeKind,
        from: &str,
        to: &str,
    ) -> impl Iterator<Item = &'a Edge> + 'a {
        let (a, b) = (self.node_index(from), self.node_index(to));
        self.edges.iter().filter(move |e| {
            let (f, t) = (Some(e.from), Some(e.to));
            e.kind == kind && ((f, t) == (a, b) || (!kind.is_directed() && (f, t) == (b, a)))
        })
    }

    /// Marks the findings of `diagnostics` on nodes and links: a node
    /// carries the findings whose primary location is in its files; a link
    /// those with a location within one of its spans, or (when no link
    /// matched so) whose primary location is in a file of the link's spans
    /// and that name files of both its ends.
    pub fn mark(&mut self, diagnostics: &[crate::Diagnostic]) {
        marks::mark(self, diagnostics);
    }

    /// Puts every node but hubs in the group of its first role; nodes
    /// without a role go to `unassigned`, external nodes to `external`.
    /// Groups follow [`Role::ALL`], then those two.
    pub fn group_nodes(&mut self) {
        let mut names: Vec<&str> = Role::ALL.iter().map(|r| r.name()).collect();
        names.extend(["unassigned", "external"]);
        let key = |node: &GraphNode| match node.kind {
            NodeKind::Hub => None,
            NodeKind::External => Some("external"),
            NodeKind::Member(_) => Some(node.roles.first().map_or("unassigned", |r| r.name())),
        };
        self.groups.clear();
        for name in names {
            let members: Vec<usize> = (0..self.nodes.len())
                .filter(|&i| key(&self.nodes[i]) == Some(name))
                .collect();
            if members.is_empty() {
                continue;
            }
            for &i in &members {
                self.nodes[i].group = Some(self.groups.len());
            }
            let label = match name {
                "unassigned" => "no role".to_string(),
                "external" => "outside the cluster".to_string(),
                role => role.to_string(),
            };
            self.groups.push(Group {
                name: name.to_string(),
                label,
                nodes: members,
            });
        }
    }
}

/// The topology of a checked cluster, with its findings marked.
#[must_use]
pub fn build(cluster: &Cluster, settings: &Settings, diagnostics: &[Diagnostic]) -> Topology {
    let mut topology = derive::derive(cluster, settings);
    topology.mark(diagnostics);
    topology.group_nodes();
    topology
}
