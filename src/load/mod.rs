//! Loading a cluster: discovery of its nodes and formats, every file read
//! and parsed (in parallel, through the parse cache when one is kept), the
//! files they name followed, and what went wrong recorded as facts. The
//! result, [`Loaded`], is what the model is built from.

mod cache;
pub(crate) mod file;
pub mod inputs;
mod references;

use std::sync::Arc;

use rayon::prelude::*;

pub(crate) use cache::ParseCache;
pub use inputs::{Error, Inputs};

use crate::diagnostic::Diagnostic;
use crate::discover::{self, Discovery};
use crate::facts::{AsFact, Fact, FactKind};
use crate::files::{ClusterFile, Files, NodeId};
use crate::formats::{Document, Format};
use crate::limits::Limits;
use crate::manifest::{self, Manifest};
use crate::source::{FileId, SourceFile, Span};
use cache::CacheKey;
use inputs::{Content, InputFile};

/// A node as discovery found it: its name, its folders and its files.
#[derive(Clone, Debug, Default)]
pub struct LoadedNode {
    /// The node's name (its folder, or its table in the manifest).
    pub name: String,
    /// The folders (cluster paths, `""` for the root) standing for the
    /// node's `/` or its product's home, the first laid over the others.
    pub layers: Vec<String>,
    /// Absolute paths of the node's file system and the cluster paths
    /// mounted there (a compose service's bind mounts).
    pub mounts: Vec<(String, String)>,
    /// The node's files.
    pub files: Vec<FileId>,
}

/// What loading gives the model: the files, the nodes (by name; a node's
/// index is its [`NodeId`]), the settings, and the facts found.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The cluster's name, from the manifest.
    pub name: Option<String>,
    /// Every file read, the manifest's included.
    pub files: Files,
    /// The nodes, sorted by name.
    pub nodes: Vec<LoadedNode>,
    /// The manifest and its file.
    pub manifest: Option<(FileId, Manifest)>,
    /// What reading found wrong.
    pub facts: Vec<Fact>,
    /// Paths that belong to no node or match no format.
    pub ignored: Vec<String>,
}

impl Loaded {
    /// The files, to add to or change.
    pub(crate) fn files_mut(&mut self) -> &mut Files {
        &mut self.files
    }

    /// Adds loaded files in order, each to its node, and what loading
    /// them found to `facts`.
    pub(crate) fn add(&mut self, loaded: Vec<(ClusterFile, Vec<Fact>)>, facts: &mut Vec<Fact>) {
        for (file, mut found) in loaded {
            let id = FileId(self.files.len() as u32);
            if let Some(node) = file.node {
                self.nodes[node.index()].files.push(id);
            }
            self.files.push(file);
            facts.append(&mut found);
        }
    }
}

/// Loads one cluster's [`Inputs`].
pub(crate) struct Loader<'a> {
    pub(crate) inputs: &'a Inputs,
    pub(crate) cache: Option<&'a ParseCache>,
    /// The limits the manifest's `[limits]` is laid over.
    pub(crate) limits: Limits,
    /// The Liferay Workspace environment the cluster is, if it is one.
    pub(crate) environment: Option<&'a str>,
}

impl Loader<'_> {
    /// Discovers, reads and parses the cluster's files and follows what
    /// they name.
    pub(crate) fn load(&self) -> Loaded {
        self.inputs.forget_reads();
        let mut cluster = Loaded::default();
        let mut facts = Vec::new();

        let manifest = self
            .inputs
            .manifest
            .as_ref()
            .map(|content| self.load_manifest(content, &mut cluster, &mut facts));
        let manifest_ref = manifest.as_ref().map(|(_, m)| m);
        cluster.name = manifest_ref.and_then(|m| m.cluster_name.as_ref().map(|n| n.value.clone()));

        let paths: Vec<String> = self
            .inputs
            .files
            .iter()
            .filter(|f| !matches!(f.content, Content::Unlistable(_)))
            .map(|f| f.path.clone())
            .collect();
        let head = |path: &str| self.inputs.head(path);
        let (claims, services) = self.compose_claims(&paths);
        let context = discover::Context {
            root_name: &self.inputs.root_name,
            environment: self.environment,
            claims: &claims,
            services: &services,
        };
        let Discovery {
            nodes,
            mut files,
            ignored,
            manifest_errors,
            notes,
        } = discover::discover(&paths, manifest_ref, &head, context);
        let limits = manifest_ref.map_or(self.limits, |m| m.limits_over(self.limits));
        let over_limit = (files.len() > limits.max_files).then(|| {
            let dropped = files.len() - limits.max_files;
            (files.swap_remove(limits.max_files), dropped)
        });
        files.truncate(limits.max_files);
        if let Some((file, _)) = &manifest {
            for error in manifest_errors {
                facts.push(
                    Diagnostic::new(Span::new(*file, error.range), error.message)
                        .fact(FactKind::ManifestError),
                );
            }
        }

        // Nodes by name; node ids follow that order.
        let mut order: Vec<usize> = (0..nodes.len()).collect();
        order.sort_by(|&a, &b| nodes[a].name.cmp(&nodes[b].name));
        let mut node_id = vec![NodeId(0); nodes.len()];
        for (rank, &index) in order.iter().enumerate() {
            node_id[index] = NodeId(rank as u32);
            cluster.nodes.push(LoadedNode {
                name: nodes[index].name.clone(),
                layers: nodes[index].layers.clone(),
                mounts: nodes[index].mounts.clone(),
                files: Vec::new(),
            });
        }

        let first_id = cluster.files.len();
        let loaded: Vec<(ClusterFile, Vec<Fact>)> = files
            .par_iter()
            .enumerate()
            .map(|(i, found)| {
                let id = FileId((first_id + i) as u32);
                let node = found.node.map(|n| node_id[n]);
                let layers = node.map(|n| cluster.nodes[n.index()].layers.as_slice());
                let mut loaded =
                    self.load_path(id, &found.path, found.format, false, &limits, layers);
                loaded.0.node = node;
                loaded
            })
            .collect();
        cluster.add(loaded, &mut facts);
        if let Some((first, dropped)) = over_limit {
            let id = FileId(cluster.files.len() as u32);
            cluster.files_mut().push(ClusterFile {
                source: SourceFile::new(first.path, ""),
                format: Some(first.format),
                node: first.node.map(|n| node_id[n]),
                document: Arc::new(Document::unparsed()),
                includes: Vec::new(),
            });
            if let Some(node) = first.node {
                cluster.nodes[node_id[node].index()].files.push(id);
            }
            facts.push(
                Diagnostic::new(
                    Span::file_start(id),
                    format!(
                        "the cluster has more than {} files (`max-files` in `[limits]`): this one and the {} after it are not read",
                        limits.max_files,
                        dropped - 1
                    ),
                )
                .fact(FactKind::UnreadableFile),
            );
        }
        Self::report_layout_notes(&notes, &node_id, &mut cluster, &mut facts);
        let mut ignored = ignored;
        self.follow_references(&mut cluster, &mut ignored, &mut facts, first_id, &limits);
        references::report_include_cycles(&cluster, &mut facts);
        for unlistable in self
            .inputs
            .files
            .iter()
            .filter(|f| matches!(f.content, Content::Unlistable(_)))
        {
            let id = FileId(cluster.files.len() as u32);
            let message = self
                .inputs
                .read(&unlistable.content, 0)
                .err()
                .unwrap_or_default();
            cluster.files_mut().push(ClusterFile {
                source: SourceFile::new(unlistable.path.clone(), ""),
                format: None,
                node: None,
                document: Arc::new(Document::unparsed()),
                includes: Vec::new(),
            });
            facts.push(
                Diagnostic::new(Span::file_start(id), message).fact(FactKind::UnreadableFile),
            );
        }
        cluster.manifest = manifest;
        cluster.facts = facts;
        cluster.ignored = ignored;
        self.inputs.forget_reads();
        cluster
    }

    /// Reads and parses the file at cluster path `path` (of a node whose
    /// folders are `layers`), or takes the parse the cache holds for the
    /// same content under the same id.
    pub(crate) fn load_path(
        &self,
        id: FileId,
        path: &str,
        format: Format,
        fragment: bool,
        limits: &Limits,
        layers: Option<&[String]>,
    ) -> (ClusterFile, Vec<Fact>) {
        let resolved = self.inputs.resolve(path, layers);
        let read = || {
            resolved
                .as_ref()
                .map_err(Clone::clone)
                .and_then(|file| self.inputs.read(&file.content, limits.max_file_size))
        };
        let depth = limits.max_nesting_depth;
        let (
            Some(cache),
            Ok(InputFile {
                content: Content::Memory(bytes),
                ..
            }),
        ) = (&self.cache, &resolved)
        else {
            return file::load(id, path, format, fragment, depth, read());
        };
        let key = CacheKey {
            path: path.to_string(),
            format,
            fragment,
            limits: *limits,
        };
        if let Some(hit) = cache.get(&key, bytes, id) {
            return hit;
        }
        let loaded = file::load(id, path, format, fragment, depth, read());
        cache.put(key, bytes.clone(), id, &loaded);
        loaded
    }

    /// What the cluster's compose files mount or build from its files (see
    /// [`crate::formats::deploy::claims`]), and their services that run the portal;
    /// compose files in folders that hold no node (`_deploy/`) count too.
    /// Read before discovery, and once more when loaded: they are small.
    fn compose_claims(
        &self,
        sorted_paths: &[String],
    ) -> (Vec<crate::formats::deploy::Claim>, Vec<String>) {
        let mut out = Vec::new();
        let mut services = Vec::new();
        for path in sorted_paths {
            if crate::layout::in_tooling_folder(path)
                || !crate::formats::deploy::may_be_compose(path.rsplit('/').next().unwrap_or(path))
            {
                continue;
            }
            let Some(bytes) = self
                .inputs
                .resolve(path, None)
                .ok()
                .and_then(|f| self.inputs.read(&f.content, self.limits.max_file_size).ok())
            else {
                continue;
            };
            let text = String::from_utf8_lossy(&bytes);
            let (claims, portals) =
                crate::formats::deploy::compose_services(path, &text, sorted_paths);
            out.extend(claims);
            services.extend(portals);
        }
        (out, services)
    }

    /// What discovery was unsure of, as `core/layout-uncertain` notes at
    /// the node's first file (or the stray file itself).
    fn report_layout_notes(
        notes: &[discover::LayoutNote],
        node_id: &[NodeId],
        cluster: &mut Loaded,
        facts: &mut Vec<Fact>,
    ) {
        for note in notes {
            let at = match (&note.path, note.node) {
                (Some(path), _) => {
                    // A stray file is in the report as a file of no node,
                    // its text unread (nothing of it is shown).
                    let id = FileId(cluster.files.len() as u32);
                    let source = SourceFile::new(path.as_str(), "");
                    cluster.files_mut().push(ClusterFile {
                        source,
                        format: None,
                        node: None,
                        document: Arc::new(Document::unparsed()),
                        includes: Vec::new(),
                    });
                    Some(id)
                }
                (None, Some(node)) => cluster.nodes[node_id[node].index()].files.first().copied(),
                (None, None) => None,
            };
            if let Some(file) = at {
                facts.push(
                    Diagnostic::new(Span::file_start(file), note.message.clone())
                        .help("name the nodes in a clusterlint.toml (`[nodes.NAME]` with `files`), or `clusterlint check --show-settings` to see what was found")
                        .fact(FactKind::LayoutUncertain),
                );
            }
        }
    }

    fn load_manifest(
        &self,
        content: &Content,
        cluster: &mut Loaded,
        facts: &mut Vec<Fact>,
    ) -> (FileId, Manifest) {
        let id = FileId(cluster.files.len() as u32);
        // The manifest may be named from anywhere (`--config`).
        let (text, error) = match Inputs::read_within(content, self.limits.max_file_size, None) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => (text, None),
                Err(err) => (
                    String::from_utf8_lossy(err.as_bytes()).into_owned(),
                    Some("the manifest is not valid UTF-8".to_string()),
                ),
            },
            Err(message) => (
                String::new(),
                Some(format!("cannot read the manifest: {message}")),
            ),
        };
        let parsed = manifest::parse(&text);
        for e in &parsed.errors {
            facts.push(
                Diagnostic::new(Span::new(id, e.range), e.message.to_string())
                    .fact(FactKind::ManifestError),
            );
        }
        if let Some(message) = error {
            facts
                .push(Diagnostic::new(Span::file_start(id), message).fact(FactKind::ManifestError));
        }
        cluster.files_mut().push(ClusterFile {
            source: SourceFile::new(self.inputs.manifest_path.as_str(), text),
            format: None,
            node: None,
            document: Arc::new(Document::unparsed()),
            includes: Vec::new(),
        });
        (id, parsed)
    }
}
