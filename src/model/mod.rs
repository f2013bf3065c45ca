//! The cluster model: nodes with roles and addresses, and per-domain views
//! (Liferay portal properties, OSGi configurations, JVM options) built once
//! from the parsed documents. Rules read the model; they never parse.

pub mod liferay;
mod role;

use std::net::IpAddr;

pub use role::Role;

use crate::diagnostic::Diagnostic;
use crate::formats::{Document, Format, ReferenceKind};
use crate::manifest::Manifest;
use crate::source::{FileId, SourceFile, Span, TextRange};

/// Index of a node in [`Cluster::nodes`] (nodes are sorted by name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub u32);

impl NodeId {
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// An address of a node and where it was declared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    pub ip: IpAddr,
    /// Where the address is written (the manifest, or the file it was
    /// inferred from).
    pub span: Option<Span>,
}

/// Where a node's role comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleSource {
    /// Written in the manifest, here.
    Manifest(Span),
    /// Inferred from the node's name or files.
    Inferred,
}

/// One machine of the cluster.
#[derive(Clone, Debug)]
pub struct Node {
    pub id: NodeId,
    pub name: String,
    pub roles: Vec<(Role, RoleSource)>,
    pub addresses: Vec<Address>,
    pub hostname: Option<String>,
    /// The node's files, by path.
    pub files: Vec<FileId>,
    /// The node's table header in the manifest, if it has one.
    pub manifest_span: Option<Span>,
}

impl Node {
    #[must_use]
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.iter().any(|(r, _)| *r == role)
    }
}

/// A file of the analysis with what is known about it.
#[derive(Debug)]
pub struct ClusterFile {
    pub source: SourceFile,
    /// `None` for the manifest.
    pub format: Option<Format>,
    pub node: Option<NodeId>,
    pub document: Document,
    /// What the file's includes, certificates and keys name, resolved.
    pub includes: Vec<Include>,
}

/// A reference of one file to others (an include, a certificate), with the
/// files of the node it names, in the order the program reads them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Include {
    /// Where the path is written.
    pub range: TextRange,
    pub kind: ReferenceKind,
    /// The format of the targets.
    pub format: Format,
    pub targets: Vec<FileId>,
}

/// Everything the rules look at.
#[derive(Debug, Default)]
pub struct Cluster {
    pub name: Option<String>,
    pub files: Vec<ClusterFile>,
    pub nodes: Vec<Node>,
    pub manifest: Option<(FileId, Manifest)>,
    pub liferay: liferay::Liferay,
}

impl Cluster {
    #[must_use]
    pub fn file(&self, id: FileId) -> &ClusterFile {
        &self.files[id.index()]
    }

    #[must_use]
    pub fn source(&self, id: FileId) -> &SourceFile {
        &self.files[id.index()].source
    }

    #[must_use]
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    /// Nodes having `role`, by name.
    pub fn nodes_with(&self, role: Role) -> impl Iterator<Item = &Node> {
        self.nodes.iter().filter(move |n| n.has_role(role))
    }

    /// The manifest's file, if there is one.
    #[must_use]
    pub fn manifest_file(&self) -> Option<FileId> {
        self.manifest.as_ref().map(|(id, _)| *id)
    }

    /// The text `span` covers. Rules use it for values that are not secret.
    #[must_use]
    pub fn text(&self, span: Span) -> &str {
        let text = &self.source(span.file).text;
        text.get(span.range.as_usize()).unwrap_or("")
    }
}

/// Derives roles and addresses and builds the domain views. `diagnostics`
/// receives what the model itself finds (includes that name no file).
pub fn build(cluster: &mut Cluster, diagnostics: &mut Vec<Diagnostic>) {
    if let Some((manifest_file, manifest)) = &cluster.manifest {
        for node in &mut cluster.nodes {
            let Some(entry) = manifest.node(&node.name) else {
                continue;
            };
            node.manifest_span = Some(Span::new(*manifest_file, entry.name_range));
            for role in &entry.roles {
                if !node.has_role(role.value) {
                    node.roles.push((
                        role.value,
                        RoleSource::Manifest(Span::new(*manifest_file, role.range)),
                    ));
                }
            }
            for address in &entry.addresses {
                node.addresses.push(Address {
                    ip: address.value,
                    span: Some(Span::new(*manifest_file, address.range)),
                });
            }
            node.hostname = entry.hostname.as_ref().map(|h| h.value.clone());
        }
    }
    cluster.liferay = liferay::build(cluster, diagnostics);
    infer_roles(cluster);
}

/// Roles from the files, for nodes the manifest gives none.
fn infer_roles(cluster: &mut Cluster) {
    for index in 0..cluster.nodes.len() {
        if !cluster.nodes[index].roles.is_empty() {
            continue;
        }
        let mut roles = Vec::new();
        if cluster.liferay.node(NodeId(index as u32)).is_some() {
            let name = cluster.nodes[index].name.to_ascii_lowercase();
            roles.push(if name.starts_with("staging") {
                Role::Staging
            } else {
                Role::Live
            });
        }
        let node = &cluster.nodes[index];
        let formats: Vec<Format> = node
            .files
            .iter()
            .filter_map(|f| cluster.files[f.index()].format)
            .collect();
        if formats.contains(&Format::Nginx) {
            roles.push(Role::Balancer);
        }
        if formats.contains(&Format::GluuSetup) {
            roles.push(Role::Gluu);
        }
        if formats.contains(&Format::Redis) {
            roles.push(Role::Redis);
        }
        cluster.nodes[index]
            .roles
            .extend(roles.into_iter().map(|r| (r, RoleSource::Inferred)));
    }
}
