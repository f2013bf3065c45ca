//! The files of one cluster, from disk or memory, and the pipeline that turns
//! them into a [`Cluster`]: discover, read, decode, parse (in parallel), mark
//! secrets, build the model.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::discover::{self, Discovery};
use crate::engine::{self, LintOptions};
use crate::facts::{AsFact, Fact, FactKind};
use crate::files::Files;
use crate::formats::decode::{self, NotText};
use crate::formats::{self, Document, Format, Reference, ReferenceKind};
use crate::includes;
use crate::manifest::{self, Manifest};
use crate::model::{self, Cluster, ClusterFile, Include, Node, NodeId, liferay};
use crate::outcome::{CheckedNode, Report};
use crate::source::{FileId, SourceFile, Span, TextRange};

/// What a cached parse is for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct CacheKey {
    path: String,
    format: Format,
    fragment: bool,
    limits: Limits,
}

#[derive(Debug)]
struct CachedLoad {
    content: Arc<[u8]>,
    id: FileId,
    loaded: Arc<(ClusterFile, Vec<Fact>)>,
}

/// Parses kept between analyses of one workspace (see
/// [`Workspace::enable_parse_cache`]). The facts' spans name the
/// file's id, so a parse is reused only under the same id.
#[derive(Debug, Default)]
struct ParseCache {
    entries: Mutex<HashMap<CacheKey, CachedLoad>>,
}

impl ParseCache {
    fn get(
        &self,
        key: &CacheKey,
        content: &Arc<[u8]>,
        id: FileId,
    ) -> Option<(ClusterFile, Vec<Fact>)> {
        let loaded = {
            let entries = self.entries.lock().ok()?;
            let entry = entries.get(key)?;
            if entry.id != id || !Arc::ptr_eq(&entry.content, content) {
                return None;
            }
            Arc::clone(&entry.loaded)
        };
        Some((loaded.0.clone(), loaded.1.clone()))
    }

    fn put(
        &self,
        key: CacheKey,
        content: Arc<[u8]>,
        id: FileId,
        loaded: &(ClusterFile, Vec<Fact>),
    ) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(
                key,
                CachedLoad {
                    content,
                    id,
                    loaded: Arc::new((loaded.0.clone(), loaded.1.clone())),
                },
            );
        }
    }
}

pub use crate::limits::DEFAULT_MAX_FILE_SIZE;
use crate::limits::Limits;

/// Why a cluster could not be checked at all.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read `{path}`: {source}")]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{0}` is not a directory")]
    NotADirectory(PathBuf),
}

#[derive(Clone, Debug)]
enum Content {
    /// Shared, so that an unchanged file is recognised by its allocation.
    Memory(Arc<[u8]>),
    Disk(PathBuf),
    /// A symbolic link, with its target as written. An absolute target is
    /// the node's own path (the node folder is its `/`), never this host's.
    Link(String),
    /// A symbolic link whose absolute target lies in the cluster's own
    /// folder: the cluster path it names.
    LinkInCluster(String),
    /// A directory the walk could not enter, or a link it does not follow:
    /// what to tell the user.
    Unlistable(String),
}

#[derive(Clone, Debug)]
struct InputFile {
    path: String,
    content: Content,
}

/// A cluster's files, on disk or in memory. Paths are relative to the
/// cluster root, with `/` separators.
#[derive(Clone, Debug)]
pub struct Workspace {
    root: Option<PathBuf>,
    manifest: Option<Content>,
    /// The manifest's path as reports show it.
    manifest_path: String,
    files: Vec<InputFile>,
    cache: Option<Arc<ParseCache>>,
    /// The limits the manifest's `[limits]` is laid over.
    limits: Limits,
    /// The Liferay Workspace environment this cluster is, if it is one.
    environment: Option<String>,
    /// The name of a node whose folder is the root itself.
    root_name: String,
    /// The root's real path: files read from disk must be inside it when
    /// opened, whatever was swapped for a link since the listing.
    confined_to: Option<PathBuf>,
}

impl Default for Workspace {
    fn default() -> Self {
        Self::new()
    }
}

/// A cluster model and what the pipeline reported while building it.
#[derive(Debug)]
pub struct Analysis {
    pub cluster: Cluster,
    pub facts: Vec<Fact>,
    /// Paths that belong to no node or match no format.
    pub ignored: Vec<String>,
}

impl Workspace {
    /// An empty in-memory workspace.
    #[must_use]
    pub fn new() -> Self {
        Self {
            root: None,
            manifest: None,
            manifest_path: manifest::FILE_NAME.to_string(),
            files: Vec::new(),
            cache: None,
            limits: Limits::default(),
            environment: None,
            root_name: String::new(),
            confined_to: None,
        }
    }

    /// Checks the Liferay Workspace held in the files as its environment
    /// `name` (`configs/common` overlaid by `configs/<name>`).
    pub fn set_environment(&mut self, name: &str) {
        self.environment = Some(name.to_string());
    }

    /// The Liferay Workspace environment this cluster is, if any.
    #[must_use]
    pub fn environment(&self) -> Option<&str> {
        self.environment.as_deref()
    }

    /// Names the node whose folder is the cluster root itself (a folder of
    /// one node's files); by default the root folder's name.
    pub fn set_root_name(&mut self, name: &str) {
        self.root_name = name.to_string();
    }

    /// The cluster a [`crate::roots::ClusterRoot`] describes: its folder
    /// without the folders of other clusters, as its environment, with the
    /// settings found above it.
    pub fn from_root(root: &crate::roots::ClusterRoot) -> Result<Self, Error> {
        let mut workspace = Self::from_dir_excluding(&root.folder, &root.excluded)?;
        if let Some(environment) = &root.environment {
            workspace.set_environment(environment);
        }
        if workspace.manifest.is_none()
            && let Some(settings) = &root.settings
        {
            workspace.set_manifest_file(settings);
        }
        Ok(workspace)
    }

    /// Adds a file; `path` is relative to the cluster root (`app1/portal-ext.properties`).
    pub fn add_file(&mut self, path: impl Into<String>, content: impl Into<Vec<u8>>) {
        let path = path.into();
        if path == manifest::FILE_NAME {
            self.manifest = Some(Content::Memory(content.into().into()));
            return;
        }
        let file = InputFile {
            path,
            content: Content::Memory(content.into().into()),
        };
        match self.files.binary_search_by(|f| f.path.cmp(&file.path)) {
            Ok(at) => self.files[at] = file,
            Err(at) => self.files.insert(at, file),
        }
    }

    /// Removes a file (or the manifest); whether there was one.
    pub fn remove_file(&mut self, path: &str) -> bool {
        if path == self.manifest_path {
            return self.manifest.take().is_some();
        }
        match self.files.binary_search_by(|f| f.path.as_str().cmp(path)) {
            Ok(at) => {
                self.files.remove(at);
                true
            }
            Err(_) => false,
        }
    }

    /// Whether the workspace holds a file at cluster path `path` (the
    /// manifest included).
    #[must_use]
    pub fn contains(&self, path: &str) -> bool {
        (path == self.manifest_path && self.manifest.is_some())
            || self
                .files
                .binary_search_by(|f| f.path.as_str().cmp(path))
                .is_ok()
    }

    /// Reads every file on disk into memory now, so later analyses read
    /// nothing (an editor keeps a cluster open and re-checks it on every
    /// change). Files that cannot be read stay on disk and are reported
    /// as unreadable when analysed.
    pub fn read_into_memory(&mut self) {
        let read: Vec<Option<Arc<[u8]>>> = self
            .files
            .par_iter()
            .map(|f| match &f.content {
                Content::Disk(_) => self
                    .read(&f.content, self.limits.max_file_size)
                    .ok()
                    .map(Into::into),
                _ => None,
            })
            .collect();
        for (file, bytes) in self.files.iter_mut().zip(read) {
            if let Some(bytes) = bytes {
                file.content = Content::Memory(bytes);
            }
        }
        if let Some(Content::Disk(_)) = &self.manifest
            && let Some(bytes) = self
                .manifest
                .as_ref()
                .and_then(|m| Self::read_within(m, self.limits.max_file_size, None).ok())
        {
            self.manifest = Some(Content::Memory(bytes.into()));
        }
    }

    /// Keeps every file's parse between analyses and reuses it while the
    /// file's content is the same (the same allocation, as after
    /// [`Workspace::read_into_memory`] or an unchanged [`Workspace::add_file`]).
    pub fn enable_parse_cache(&mut self) {
        self.cache = Some(Arc::new(ParseCache::default()));
    }

    /// Reads the manifest from `path` (`--config`) instead of the root's
    /// `clusterlint.toml`. Reports show `path` relative to the root when it
    /// lies inside it, else as given.
    pub fn set_manifest_file(&mut self, path: &Path) {
        self.manifest_path = match &self.root {
            Some(root) if path.starts_with(root) => relative(root, path),
            _ => path.to_string_lossy().replace('\\', "/"),
        };
        // A manifest inside the root is not also one of the nodes' files.
        let shown = self.manifest_path.clone();
        self.files.retain(|f| f.path != shown);
        self.manifest = Some(Content::Disk(path.to_path_buf()));
    }

    /// Sets the size above which files are not read.
    pub fn set_max_file_size(&mut self, bytes: u64) {
        self.limits.max_file_size = bytes;
    }

    /// The cluster root on disk, if the workspace came from one.
    #[must_use]
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// Lists the files under `root` (hidden files and `.gitignore`d ones
    /// excepted). Nothing is read yet.
    pub fn from_dir(root: &Path) -> Result<Self, Error> {
        Self::from_dir_excluding(root, &[])
    }

    /// [`Workspace::from_dir`] without the folders `excluded` (cluster
    /// paths) and without folders below the root that hold a manifest of
    /// their own (other clusters).
    pub fn from_dir_excluding(root: &Path, excluded: &[String]) -> Result<Self, Error> {
        let metadata = std::fs::metadata(root).map_err(|source| Error::Unreadable {
            path: root.to_path_buf(),
            source,
        })?;
        if !metadata.is_dir() {
            return Err(Error::NotADirectory(root.to_path_buf()));
        }
        std::fs::read_dir(root).map_err(|source| Error::Unreadable {
            path: root.to_path_buf(),
            source,
        })?;
        let real_root = std::fs::canonicalize(root).ok();
        let canonical_root = real_root.clone().unwrap_or_else(|| root.to_path_buf());
        let mut workspace = Self {
            root: Some(root.to_path_buf()),
            confined_to: real_root,
            root_name: canonical_root
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            ..Self::new()
        };
        let skipped: Vec<PathBuf> = excluded.iter().map(|e| root.join(e)).collect();
        let top = root.to_path_buf();
        let walker = crate::walk::tree(root)
            .filter_entry(move |entry| {
                let path = entry.path();
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                !(skipped.iter().any(|s| s == path)
                    || (is_dir && path != top && path.join(manifest::FILE_NAME).is_file()))
            })
            .build();
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    let path = match &err {
                        ignore::Error::WithPath { path, .. } => relative(root, path),
                        _ => String::from("."),
                    };
                    workspace.files.push(InputFile {
                        path,
                        content: Content::Unlistable(format!("cannot read this folder: {err}")),
                    });
                    continue;
                }
            };
            if entry.depth() == 0 {
                continue;
            }
            let path = relative(root, entry.path());
            // A link is resolved inside the cluster's tree, never on this
            // host: an absolute target is the node's own path (see
            // `resolve_link`). Links to folders are not walked.
            if entry.path_is_symlink() {
                let content = match std::fs::read_link(entry.path()) {
                    Ok(target) => match link_content(&target, root, &canonical_root) {
                        Some(content) => content,
                        None => continue,
                    },
                    Err(e) => Content::Unlistable(format!("cannot read this symbolic link: {e}")),
                };
                if entry.path().is_dir() {
                    // Links to folders are not walked; one that leaves the
                    // cluster is said.
                    if let Content::Link(target) = &content
                        && target.starts_with('/')
                    {
                        workspace.files.push(InputFile {
                            path,
                            content: Content::Unlistable(format!(
                                "this symbolic link leads out of the cluster, to `{target}`; it is not followed"
                            )),
                        });
                    }
                    continue;
                }
                workspace.files.push(InputFile { path, content });
                continue;
            } else if !entry.file_type().is_some_and(|t| t.is_file()) {
                // A FIFO, device or socket is said when it would be read,
                // never opened.
                if let Ok(metadata) = entry.metadata()
                    && !metadata.is_dir()
                {
                    workspace.files.push(InputFile {
                        path,
                        content: Content::Unlistable(crate::disk::kind_of(&metadata)),
                    });
                }
                continue;
            }
            if path == manifest::FILE_NAME {
                workspace.manifest = Some(Content::Disk(entry.into_path()));
            } else {
                workspace.files.push(InputFile {
                    path,
                    content: Content::Disk(entry.into_path()),
                });
            }
        }
        workspace.files.sort_by(|a, b| a.path.cmp(&b.path));
        workspace.read_through_unlisted_links(&canonical_root);
        workspace.mark_link_loops();
        if workspace.manifest.is_none() {
            workspace.environment = workspace.default_environment();
        }
        Ok(workspace)
    }

    /// For a root that is a Liferay Workspace: the environment its build
    /// uses, `liferay.workspace.environment` in `gradle.properties`, else
    /// `local` (the workspace's default), else its first environment.
    fn default_environment(&self) -> Option<String> {
        let environments: Vec<&str> = self
            .files
            .iter()
            .filter(|f| {
                formats::classify(&f.path)
                    .is_some_and(|f| f.spec().family() == formats::Family::Liferay)
            })
            .filter_map(|f| crate::layout::workspace_environment("", &f.path))
            .filter(|e| *e != crate::layout::WORKSPACE_COMMON)
            .collect();
        let marked = crate::layout::WORKSPACE_MARKERS
            .iter()
            .any(|m| self.index_of(m).is_some())
            || self.files.iter().any(|f| {
                f.path.starts_with(&format!(
                    "{}/{}/",
                    crate::layout::WORKSPACE_CONFIGS,
                    crate::layout::WORKSPACE_COMMON
                ))
            });
        if environments.is_empty() || !marked {
            return None;
        }
        let configured = self
            .resolve("gradle.properties", None)
            .ok()
            .and_then(|f| self.read(&f.content, self.limits.max_file_size).ok())
            .and_then(|bytes| {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let doc = crate::formats::properties::parse(
                    &text,
                    crate::formats::properties::Dialect::Jdk,
                );
                doc.entries_for(&text, "liferay.workspace.environment")
                    .last()
                    .map(|e| e.value(&text).trim().to_string())
            });
        configured
            .filter(|c| environments.contains(&c.as_str()))
            .or_else(|| environments.contains(&"local").then(|| "local".to_string()))
            .or_else(|| environments.iter().min().map(|e| (*e).to_string()))
    }

    /// A link to a file inside the cluster's folder that the listing left
    /// out (a hidden or ignored one) is read through to that file.
    fn read_through_unlisted_links(&mut self, canonical_root: &Path) {
        let Some(root) = self.root.clone() else {
            return;
        };
        for i in 0..self.files.len() {
            let Content::LinkInCluster(target) = &self.files[i].content else {
                continue;
            };
            if self.index_of(target).is_some() {
                continue;
            }
            // The real path, links resolved, so that the file is opened
            // without following any (see `disk::open_regular`).
            let real = std::fs::canonicalize(root.join(target))
                .ok()
                .filter(|real| real.starts_with(canonical_root) && real.is_file());
            if let Some(real) = real {
                self.files[i].content = Content::Disk(real);
            }
        }
    }

    /// Links that lead back to themselves within the tree are unreadable,
    /// whatever their name: said, not followed.
    fn mark_link_loops(&mut self) {
        let mut looping = Vec::new();
        for (i, file) in self.files.iter().enumerate() {
            if !matches!(file.content, Content::Link(_) | Content::LinkInCluster(_)) {
                continue;
            }
            let mut current = file.path.clone();
            let mut hops = 0;
            while let Some(at) = self.index_of(&current) {
                let next = match &self.files[at].content {
                    Content::LinkInCluster(path) => path.clone(),
                    Content::Link(target) if !target.starts_with('/') => {
                        match join_lexically(includes::parent(&current), target) {
                            Some(next) => next,
                            None => break,
                        }
                    }
                    _ => break,
                };
                hops += 1;
                if hops > MAX_LINK_HOPS {
                    looping.push(i);
                    break;
                }
                current = next;
            }
        }
        for i in looping {
            self.files[i].content = Content::Unlistable(
                "this symbolic link is part of a loop of links; it is not followed".to_string(),
            );
        }
    }

    fn read(&self, content: &Content, max_size: u64) -> Result<Vec<u8>, String> {
        Self::read_within(content, max_size, self.confined_to.as_deref())
    }

    /// The bytes of `content`; from disk only inside the folder `root`, if
    /// given.
    fn read_within(
        content: &Content,
        max_size: u64,
        root: Option<&Path>,
    ) -> Result<Vec<u8>, String> {
        match content {
            Content::Memory(bytes) => {
                if bytes.len() as u64 > max_size {
                    return Err(too_large(bytes.len() as u64, max_size));
                }
                Ok(bytes.to_vec())
            }
            Content::Disk(path) => {
                let (file, metadata) =
                    crate::disk::open_regular_within(path, root).map_err(|e| e.to_string())?;
                if metadata.len() > max_size {
                    return Err(too_large(metadata.len(), max_size));
                }
                let mut bytes = Vec::with_capacity(metadata.len() as usize);
                file.take(max_size + 1)
                    .read_to_end(&mut bytes)
                    .map_err(|e| e.to_string())?;
                if bytes.len() as u64 > max_size {
                    return Err(too_large(bytes.len() as u64, max_size));
                }
                Ok(bytes)
            }
            Content::Link(target) | Content::LinkInCluster(target) => Err(format!(
                "this symbolic link to `{target}` leads to no file of the cluster"
            )),
            Content::Unlistable(message) => Err(message.clone()),
        }
    }

    /// Reads and parses the file at cluster path `path` (of a node whose
    /// folders are `layers`), or takes the parse the cache holds for the
    /// same content under the same id.
    fn load_path(
        &self,
        id: FileId,
        path: &str,
        format: Format,
        fragment: bool,
        limits: &Limits,
        layers: Option<&[String]>,
    ) -> (ClusterFile, Vec<Fact>) {
        let resolved = self.resolve(path, layers);
        let read = || {
            resolved
                .as_ref()
                .map_err(Clone::clone)
                .and_then(|file| self.read(&file.content, limits.max_file_size))
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
            return load(id, path, format, fragment, depth, read());
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
        let loaded = load(id, path, format, fragment, depth, read());
        cache.put(key, bytes.clone(), id, &loaded);
        loaded
    }

    /// Whether the cluster holds the folder at cluster path `folder`: some
    /// of its files lie in it, or (on disk) it is there, with hidden files
    /// only.
    fn folder_exists(&self, sorted_paths: &[String], folder: &str) -> bool {
        let prefix = format!("{folder}/");
        let at = sorted_paths.partition_point(|p| p.as_str() < prefix.as_str());
        sorted_paths.get(at).is_some_and(|p| p.starts_with(&prefix))
            || self.root.as_ref().is_some_and(|root| {
                let path = root.join(folder);
                // Only inside the cluster's folder, never through a link.
                std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir())
            })
    }

    fn index_of(&self, path: &str) -> Option<usize> {
        self.files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
    }

    /// The file at cluster path `path`, symbolic links followed inside the
    /// cluster's tree (see [`resolve_link`]); `layers` are the folders of
    /// the node reading it, when known.
    fn resolve(&self, path: &str, layers: Option<&[String]>) -> Result<&InputFile, String> {
        let mut current = path.to_string();
        for _ in 0..MAX_LINK_HOPS {
            let file = &self.files[self.index_of(&current).ok_or("missing")?];
            match &file.content {
                Content::Link(target) => {
                    current =
                        resolve_link(&current, target, layers, &|p| self.index_of(p).is_some())?;
                }
                Content::LinkInCluster(path) => {
                    if self.index_of(path).is_none() {
                        return Err(format!(
                            "this symbolic link points to `{path}`, which is not among the cluster's files"
                        ));
                    }
                    current.clone_from(path);
                }
                Content::Memory(_) | Content::Disk(_) => {
                    // Git's stand-in for a link where links cannot be made:
                    // a small file holding only the target's path.
                    if let Some(target) = link_stand_in(&file.content)
                        && let Ok(next) =
                            resolve_link(&current, &target, layers, &|p| self.index_of(p).is_some())
                    {
                        current = next;
                        continue;
                    }
                    return Ok(file);
                }
                Content::Unlistable(message) => return Err(message.clone()),
            }
        }
        Err("this symbolic link is part of a loop of links; it is not followed".to_string())
    }

    /// The first bytes of a file, for guessing its format from its content.
    fn head(&self, path: &str) -> Option<Vec<u8>> {
        let file = self.resolve(path, None).ok()?;
        match &file.content {
            Content::Memory(bytes) => Some(bytes[..bytes.len().min(4096)].to_vec()),
            Content::Disk(p) => {
                let mut head = Vec::with_capacity(4096);
                crate::disk::open_regular_within(p, self.confined_to.as_deref())
                    .ok()?
                    .0
                    .take(4096)
                    .read_to_end(&mut head)
                    .ok()?;
                Some(head)
            }
            Content::Link(_) | Content::LinkInCluster(_) | Content::Unlistable(_) => None,
        }
    }

    /// Reads, parses and models the cluster.
    #[must_use]
    pub fn analyze(&self) -> Analysis {
        let mut cluster = Cluster::default();
        let mut facts = Vec::new();

        let manifest = self
            .manifest
            .as_ref()
            .map(|content| self.load_manifest(content, &mut cluster, &mut facts));
        let manifest_ref = manifest.as_ref().map(|(_, m)| m);
        cluster.name = manifest_ref.and_then(|m| m.cluster_name.as_ref().map(|n| n.value.clone()));

        let paths: Vec<String> = self
            .files
            .iter()
            .filter(|f| !matches!(f.content, Content::Unlistable(_)))
            .map(|f| f.path.clone())
            .collect();
        let head = |path: &str| self.head(path);
        let (claims, services) = self.compose_claims(&paths);
        let context = discover::Context {
            root_name: &self.root_name,
            environment: self.environment.as_deref(),
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
            cluster.nodes.push(Node {
                id: NodeId(rank as u32),
                name: nodes[index].name.clone(),
                roles: Vec::new(),
                addresses: Vec::new(),
                hostname: None,
                files: Vec::new(),
                layers: nodes[index].layers.clone(),
                mounts: nodes[index].mounts.clone(),
                aliases: Vec::new(),
                manifest_span: None,
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
        for (file, mut found) in loaded {
            let id = FileId(cluster.files.len() as u32);
            if let Some(node) = file.node {
                cluster.nodes[node.index()].files.push(id);
            }
            cluster.files_mut().push(file);
            facts.append(&mut found);
        }
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
        self.follow_liferay_includes(&mut cluster, &mut ignored, &mut facts, first_id, &limits);
        self.follow_references(&mut cluster, &mut ignored, &mut facts, first_id, &limits);
        report_include_cycles(&cluster, &mut facts);
        for unlistable in self
            .files
            .iter()
            .filter(|f| matches!(f.content, Content::Unlistable(_)))
        {
            let id = FileId(cluster.files.len() as u32);
            let message = self.read(&unlistable.content, 0).err().unwrap_or_default();
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
        model::build(&mut cluster, &mut facts);
        Analysis {
            cluster,
            facts,
            ignored,
        }
    }

    /// Files that portal properties include are portal properties too,
    /// whatever their name: parse those that discovery skipped.
    fn follow_liferay_includes(
        &self,
        cluster: &mut Cluster,
        ignored: &mut Vec<String>,
        facts: &mut Vec<Fact>,
        first_id: usize,
        limits: &Limits,
    ) {
        let mut pending: Vec<FileId> = (first_id..cluster.files.len())
            .filter(|&i| cluster.files[i].format == Some(Format::LiferayProperties))
            .map(|i| FileId(i as u32))
            .collect();
        while let Some(id) = pending.pop() {
            let file = &cluster.files[id.index()];
            let Some(doc) = file
                .document
                .get::<crate::formats::properties::PropertiesDocument>()
            else {
                continue;
            };
            let path = &file.source.path;
            let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
            let node = file.node;
            let layers: Vec<String> = node
                .map(|n| cluster.nodes[n.index()].layers.clone())
                .unwrap_or_default();
            let targets: Vec<String> = liferay::include_items(doc, &file.source.text)
                .iter()
                .filter_map(|item| liferay::include_path(&item.text, path, dir))
                // Only within the including file's node (any of its layers).
                .flat_map(|target| liferay::in_layers(&target, &layers))
                .collect();
            for target in targets {
                let Some(at) = ignored.iter().position(|p| *p == target) else {
                    continue;
                };
                ignored.remove(at);
                let new_id = FileId(cluster.files.len() as u32);
                let (mut file, mut found) = self.load_path(
                    new_id,
                    &target,
                    Format::LiferayProperties,
                    false,
                    limits,
                    Some(&layers),
                );
                file.node = node;
                if let Some(node) = node {
                    cluster.nodes[node.index()].files.push(new_id);
                }
                cluster.files_mut().push(file);
                facts.append(&mut found);
                pending.push(new_id);
            }
        }
    }

    /// Follows what files name (includes, certificates, keys): loads the
    /// targets discovery skipped, in the target's format, records every
    /// resolved reference on its file, and reports includes that name no
    /// file. Relative nginx includes start from the configuration prefix
    /// (the main file's folder), everything else from the including file's
    /// folder.
    fn follow_references(
        &self,
        cluster: &mut Cluster,
        ignored: &mut Vec<String>,
        facts: &mut Vec<Fact>,
        first_id: usize,
        limits: &Limits,
    ) {
        let paths: Vec<String> = self.files.iter().map(|f| f.path.clone()).collect();
        // A file several nodes read is one file per node.
        let mut ids: HashMap<(String, Option<NodeId>), FileId> = (0..cluster.files.len())
            .map(|i| {
                let file = &cluster.files[i];
                ((file.source.path.clone(), file.node), FileId(i as u32))
            })
            .collect();
        // Shallow files first, so that a main `nginx.conf` sets the prefix
        // of the files it includes before they are visited themselves.
        let mut wave: Vec<(FileId, String)> = (first_id..cluster.files.len())
            .filter(|&i| cluster.files[i].format.is_some_and(names_files))
            .map(|i| {
                let path = &cluster.files[i].source.path;
                (FileId(i as u32), includes::parent(path).to_string())
            })
            .collect();
        wave.sort_by_key(|(id, _)| cluster.files[id.index()].source.path.matches('/').count());
        // Files of nginx's include folders start from the prefix of the
        // main file that includes them; only those no file includes are
        // followed on their own, from the folder above (the prefix a stock
        // `nginx.conf` gives them).
        let (mut deferred, first): (Vec<_>, Vec<_>) = wave
            .into_iter()
            .partition(|(id, _)| in_nginx_include_folder(&cluster.files[id.index()]));
        wave = first;
        let mut visited: HashSet<FileId> = wave.iter().map(|(id, _)| *id).collect();
        let unloaded: HashSet<String> = ignored.iter().cloned().collect();
        let mut fragments: HashSet<FileId> = HashSet::new();
        // How deep the next wave's files are included, and how many files
        // includes brought in so far.
        let mut depth = 1;
        let mut included = 0;
        loop {
            if wave.is_empty() {
                wave = std::mem::take(&mut deferred)
                    .into_iter()
                    .filter(|(id, _)| visited.insert(*id))
                    .map(|(id, folder)| (id, includes::parent(&folder).to_string()))
                    .collect();
                if wave.is_empty() {
                    break;
                }
            }
            let mut to_load: Vec<(String, Format, Option<NodeId>, bool)> = Vec::new();
            let mut reparse: Vec<FileId> = Vec::new();
            let mut next = Vec::new();
            for (id, base) in std::mem::take(&mut wave) {
                let file = &cluster.files[id.index()];
                let Some(format) = file.format else { continue };
                let layers: &[String] = file
                    .node
                    .map_or(&[], |n| cluster.nodes[n.index()].layers.as_slice());
                let mounts: &[(String, String)] = file
                    .node
                    .map_or(&[], |n| cluster.nodes[n.index()].mounts.as_slice());
                let mut resolved = Vec::new();
                for reference in file.document.references(&file.source.text) {
                    let Some(located) = includes::locate(
                        &reference.value,
                        &file.source.path,
                        &base,
                        format,
                        layers,
                        mounts,
                    ) else {
                        continue;
                    };
                    let found = located
                        .candidates
                        .iter()
                        .map(|c| includes::matching(c, reference.kind, &paths))
                        .find(|found| !found.is_empty())
                        .unwrap_or_default();
                    // A folder the package creates empty, or a file it
                    // installs, may be missing; a folder with files none of
                    // which match is still said.
                    let package_default =
                        includes::may_be_absent(format, &reference.value, reference.kind)
                            && (reference.kind != ReferenceKind::Glob
                                || !self.folder_exists(
                                    &paths,
                                    includes::parent(&located.candidates[0]),
                                ));
                    let judged = located.certain
                        && located
                            .mirrored_top
                            .as_ref()
                            .is_none_or(|top| self.folder_exists(&paths, top));
                    if found.is_empty() && judged && !package_default {
                        if let Some(d) = unresolved(id, &reference, &located.candidates[0]) {
                            facts.push(d);
                        }
                        continue;
                    }
                    let mut targets = Vec::new();
                    for path in found {
                        let key = (path.to_string(), file.node);
                        let target = match ids.get(&key) {
                            Some(&target) => target,
                            None if unloaded.contains(path)
                                && (depth > limits.max_include_depth
                                    || included >= limits.max_includes) =>
                            {
                                facts.push(over_include_limit(
                                    id,
                                    &reference,
                                    path,
                                    depth > limits.max_include_depth,
                                    limits,
                                ));
                                continue;
                            }
                            None if unloaded.contains(path) => {
                                included += 1;
                                let target = FileId((cluster.files.len() + to_load.len()) as u32);
                                to_load.push((
                                    path.to_string(),
                                    reference.format,
                                    file.node,
                                    reference.fragment,
                                ));
                                ids.insert(key, target);
                                target
                            }
                            None => continue,
                        };
                        if reference.fragment
                            && fragments.insert(target)
                            && target.index() < cluster.files.len()
                        {
                            // Discovery read it as a whole file; it is not one.
                            reparse.push(target);
                        }
                        let target_format = cluster
                            .files
                            .get(target.index())
                            .map_or(Some(reference.format), |f| f.format);
                        if target_format != Some(reference.format) {
                            continue;
                        }
                        targets.push(target);
                        if names_files(reference.format) && visited.insert(target) {
                            let target_base = if format == Format::Nginx {
                                base.clone()
                            } else {
                                includes::parent(path).to_string()
                            };
                            next.push((target, target_base));
                        }
                    }
                    resolved.push(Include {
                        range: reference.range,
                        kind: reference.kind,
                        format: reference.format,
                        fragment: reference.fragment,
                        targets,
                    });
                }
                cluster.files_mut()[id.index()].includes = resolved;
            }
            let loading: HashSet<&str> = to_load.iter().map(|(p, ..)| p.as_str()).collect();
            ignored.retain(|p| !loading.contains(p.as_str()));
            for target in reparse {
                reparse_as_fragment(cluster, target, facts);
            }
            let first_new = cluster.files.len();
            let loaded: Vec<(ClusterFile, Vec<Fact>)> = to_load
                .par_iter()
                .enumerate()
                .map(|(i, (path, format, node, fragment))| {
                    let layers = node.map(|n| cluster.nodes[n.index()].layers.as_slice());
                    let (mut file, found) = self.load_path(
                        FileId((first_new + i) as u32),
                        path,
                        *format,
                        *fragment,
                        limits,
                        layers,
                    );
                    file.node = *node;
                    (file, found)
                })
                .collect();
            for (file, mut found) in loaded {
                let id = FileId(cluster.files.len() as u32);
                if let Some(node) = file.node {
                    cluster.nodes[node.index()].files.push(id);
                }
                cluster.files_mut().push(file);
                facts.append(&mut found);
            }
            wave = next;
            depth += 1;
        }
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
                .resolve(path, None)
                .ok()
                .and_then(|f| self.read(&f.content, self.limits.max_file_size).ok())
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
        cluster: &mut Cluster,
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
        cluster: &mut Cluster,
        facts: &mut Vec<Fact>,
    ) -> (FileId, Manifest) {
        let id = FileId(cluster.files.len() as u32);
        // The manifest may be named from anywhere (`--config`).
        let (text, error) = match Self::read_within(content, self.limits.max_file_size, None) {
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
            source: SourceFile::new(self.manifest_path.as_str(), text),
            format: None,
            node: None,
            document: Arc::new(Document::unparsed()),
            includes: Vec::new(),
        });
        (id, parsed)
    }

    /// Analyzes the cluster and runs the rules.
    #[must_use]
    pub fn lint(&self, options: &LintOptions) -> Report {
        self.lint_with_cluster(options).1
    }

    /// [`Workspace::lint`], keeping the cluster model the rules read (for
    /// the graph and `--verbose`).
    #[doc(hidden)]
    #[must_use]
    pub fn lint_with_cluster(&self, options: &LintOptions) -> (Cluster, Report) {
        let Analysis {
            cluster,
            facts,
            ignored,
        } = self.analyze();
        let diagnostics = engine::run(&cluster, facts, options);
        let manifest = cluster.manifest.as_ref().map(|(_, m)| m);
        let mut report = Report::new(self.root.clone(), Files::default(), diagnostics);
        report.files = std::sync::Arc::clone(&cluster.files);
        report.ignored = ignored;
        report.nodes = cluster
            .nodes
            .iter()
            .map(|n| CheckedNode {
                id: n.id,
                name: n.name.clone(),
                roles: n.roles.iter().map(|(r, _)| *r).collect(),
                addresses: n.addresses.iter().map(|a| a.ip).collect(),
                files: n.files.clone(),
            })
            .collect();
        report.rules_url = manifest
            .and_then(|m| m.rules_url.as_ref())
            .map(|url| url.value.clone());
        report.checks = crate::custom::describe(&cluster);
        (cluster, report)
    }
}

/// The finding for an include that would read `path` past the include
/// limits.
fn over_include_limit(
    file: FileId,
    reference: &Reference,
    path: &str,
    too_deep: bool,
    limits: &Limits,
) -> Fact {
    let why = if too_deep {
        format!(
            "it would be included {} levels deep, over `max-include-depth` = {}",
            limits.max_include_depth + 1,
            limits.max_include_depth
        )
    } else {
        format!(
            "includes already brought in {} files, the `max-includes` limit",
            limits.max_includes
        )
    };
    Diagnostic::new(
        Span::new(file, reference.range),
        format!("`{path}` is not read: {why} (`[limits]` in clusterlint.toml)"),
    )
    .fact(FactKind::UnreadableFile)
}

/// How many links one path may go through.
const MAX_LINK_HOPS: usize = 8;

/// Whether a link's absolute target is a file a package installs outside
/// any configuration folder (Debian's `modules-enabled/*.conf` point into
/// `/usr/share/nginx/modules-available/`).
fn is_package_path(target: &str) -> bool {
    ["/usr/share/", "/usr/lib/", "/lib/"]
        .iter()
        .any(|p| target.starts_with(p))
}

/// The cluster path a link at `link` to `target` names. A relative target
/// is read from the link's folder and must stay in the cluster. An
/// absolute one is the node's own path: it is looked for under each of
/// the node's `layers` (else each folder above the link, nearest first),
/// as mirrored there or, for a flat node, without its `/etc/<program>/`
/// (`/etc/nginx/sites-available/x` in `lb/sites-available/x`). Never
/// resolved on this host.
fn resolve_link(
    link: &str,
    target: &str,
    layers: Option<&[String]>,
    exists: &dyn Fn(&str) -> bool,
) -> Result<String, String> {
    let folder = includes::parent(link);
    let Some(absolute) = target.strip_prefix('/') else {
        let joined = join_lexically(folder, target).ok_or_else(|| {
            format!(
                "this symbolic link leads out of the cluster, to `{target}`; it is not followed"
            )
        })?;
        return if exists(&joined) {
            Ok(joined)
        } else {
            Err(format!(
                "this symbolic link points to `{target}`, which is not among the cluster's files"
            ))
        };
    };
    let above: Vec<String> = layers.map_or_else(
        || {
            let mut folders = Vec::new();
            let mut at = folder;
            loop {
                folders.push(at.to_string());
                if at.is_empty() {
                    break;
                }
                at = includes::parent(at);
            }
            folders
        },
        <[String]>::to_vec,
    );
    let flat = flat_config_path(absolute);
    for base in &above {
        for candidate in std::iter::once(absolute).chain(flat) {
            if let Some(path) = join_lexically(base, candidate)
                && exists(&path)
            {
                return Ok(path);
            }
        }
    }
    Err(format!(
        "this symbolic link leads out of the cluster, to `{target}`: it is read as the node's own `{target}`, which the node's folder does not hold (it is never followed on this machine)"
    ))
}

/// What a symbolic link to `target` found under `root` stands for: a path
/// of the cluster when its absolute target lies in the cluster's folder,
/// else the target as written; `None` for a module a package installs
/// (Debian's `modules-enabled/*.conf` point into
/// `/usr/share/nginx/modules-available/`), which is not the cluster's.
fn link_content(target: &Path, root: &Path, canonical_root: &Path) -> Option<Content> {
    if target.is_absolute() {
        for base in [canonical_root, root] {
            if let Ok(inside) = target.strip_prefix(base) {
                return Some(Content::LinkInCluster(relative(Path::new(""), inside)));
            }
        }
    }
    let target = target.to_string_lossy().replace('\\', "/");
    (!is_package_path(&target)).then_some(Content::Link(target))
}

/// `etc/nginx/x` → `x`: where a flat node keeps a program's files.
fn flat_config_path(absolute: &str) -> Option<&str> {
    let rest = absolute
        .strip_prefix("usr/local/etc/")
        .or_else(|| absolute.strip_prefix("etc/"))?;
    let (_, inside) = rest.split_once('/')?;
    (!inside.is_empty()).then_some(inside)
}

/// `folder/relative` with `.` and `..` resolved; `None` above the root.
fn join_lexically(folder: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// The target a small file names when it is git's stand-in for a link
/// (checked out where links cannot be made): one path and nothing else.
fn link_stand_in(content: &Content) -> Option<String> {
    const MAX: usize = 512;
    let bytes = match content {
        Content::Memory(bytes) => bytes.to_vec(),
        Content::Disk(path) => {
            let (file, metadata) = crate::disk::open_regular(path).ok()?;
            if metadata.len() as usize > MAX {
                return None;
            }
            let mut bytes = Vec::with_capacity(MAX);
            file.take(MAX as u64 + 1).read_to_end(&mut bytes).ok()?;
            bytes
        }
        _ => return None,
    };
    if bytes.len() > MAX {
        return None;
    }
    let text = std::str::from_utf8(&bytes).ok()?;
    let text = text.strip_suffix('\n').unwrap_or(text);
    let plausible = (text.starts_with('/') || text.starts_with("../") || text.starts_with("./"))
        && text.len() > 1
        && !text.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(c, ';' | '{' | '}' | '=' | '#' | '"' | '\'' | '<')
        });
    plausible.then(|| text.to_string())
}

fn too_large(size: u64, limit: u64) -> String {
    format!("the file is {size} bytes, over the limit of {limit} bytes")
}

/// `path` relative to `root`, with `/` separators.
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// Decodes and parses one file; an unreadable one becomes an empty file with
/// a diagnostic.
fn load(
    id: FileId,
    path: &str,
    format: Format,
    fragment: bool,
    max_depth: Option<usize>,
    bytes: Result<Vec<u8>, String>,
) -> (ClusterFile, Vec<Fact>) {
    let mut facts = Vec::new();
    let decoded = bytes.and_then(|bytes| {
        decode::decode(bytes, format.spec().encoding()).map_err(|NotText::Binary| {
            "the file is not text (it contains NUL bytes: a binary file, or UTF-16)".to_string()
        })
    });
    let (source, document) = match decoded {
        Ok((text, errors)) => {
            let document = if fragment {
                formats::parse_fragment(format, &text)
            } else {
                formats::parse_limited(format, &text, max_depth)
            };
            let mut source = SourceFile::new(path, text);
            source.add_secrets(document.secrets(&source.text));
            for error in errors.iter().chain(document.errors()) {
                facts.push(
                    Diagnostic::new(
                        Span::new(id, clamp(error.range, &source)),
                        error.message.to_string(),
                    )
                    .fact(FactKind::ParseError),
                );
            }
            (source, document)
        }
        Err(message) => {
            facts.push(
                Diagnostic::new(
                    Span::file_start(id),
                    format!("cannot read `{path}`: {message}"),
                )
                .fact(FactKind::UnreadableFile),
            );
            (SourceFile::new(path, ""), Document::unparsed())
        }
    };
    (
        ClusterFile {
            source,
            format: Some(format),
            node: None,
            document: Arc::new(document),
            includes: Vec::new(),
        },
        facts,
    )
}

/// Keeps a parser's range inside the text and on character boundaries.
fn clamp(range: TextRange, source: &SourceFile) -> TextRange {
    let start = crate::source::clamp_to_char_boundary(&source.text, range.start);
    let end = crate::source::clamp_to_char_boundary(&source.text, range.end.max(start));
    TextRange::new(start, end)
}

/// Parses a file again as a fragment (see [`Reference::fragment`]),
/// replacing the parse errors of its first reading.
fn reparse_as_fragment(cluster: &mut Cluster, id: FileId, facts: &mut Vec<Fact>) {
    let file = &mut cluster.files_mut()[id.index()];
    let Some(format) = file.format else { return };
    file.document = Arc::new(formats::parse_fragment(format, &file.source.text));
    facts.retain(|f| !(f.kind == FactKind::ParseError && f.finding.primary.span.file == id));
    for error in file.document.errors() {
        facts.push(
            Diagnostic::new(
                Span::new(id, clamp(error.range, &file.source)),
                error.message.to_string(),
            )
            .fact(FactKind::ParseError),
        );
    }
}

/// Formats whose files name other files.
/// Whether `file` is an nginx file in one of the folders stock main
/// files include (`conf.d/`, `http.d/`, `sites-enabled/`).
fn in_nginx_include_folder(file: &ClusterFile) -> bool {
    file.format == Some(Format::Nginx)
        && includes::parent(&file.source.path)
            .rsplit('/')
            .next()
            .is_some_and(|folder| matches!(folder, "conf.d" | "http.d" | "sites-enabled"))
}

fn names_files(format: Format) -> bool {
    matches!(
        format,
        Format::Nginx | Format::Redis | Format::Stunnel | Format::Csync2
    )
}

/// The finding for a reference that names no file of the node: a missing
/// file or folder, or a glob matching nothing. `None` for optional
/// references (certificates, keys) that the tree need not hold.
fn unresolved(file: FileId, reference: &Reference, path: &str) -> Option<Fact> {
    let span = Span::new(file, reference.range);
    let fact = match reference.kind {
        _ if !reference.required && reference.kind != ReferenceKind::Glob => return None,
        ReferenceKind::Glob => Diagnostic::new(
            span,
            format!(
                "`{}` matches no file of the node (`{path}`)",
                reference.value
            ),
        )
        .label("matches nothing")
        .help("check the pattern; if nothing is meant to be included yet, this is only a note")
        .fact(FactKind::IncludeGlobEmpty),
        ReferenceKind::File => Diagnostic::new(
            span,
            format!("`{}` names no file of the node (`{path}`)", reference.value),
        )
        .label("no such file")
        .help("fix the path or add the file to the node; the server refuses to start without it")
        .fact(FactKind::IncludeNotFound),
        ReferenceKind::Directory => Diagnostic::new(
            span,
            format!(
                "`{}` names a folder with no file of the node (`{path}`)",
                reference.value
            ),
        )
        .label("no such folder")
        .help("fix the path or add the folder's files to the node")
        .fact(FactKind::IncludeNotFound),
    };
    Some(fact)
}

/// Reports each include that leads back to a file already being read
/// (`core/include-cycle`), once per include.
fn report_include_cycles(cluster: &Cluster, facts: &mut Vec<Fact>) {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut marks = vec![Mark::New; cluster.files.len()];
    // Start from the files nothing includes, so that a loop is entered from
    // its main file and the include back is the one reported.
    let mut included = vec![false; cluster.files.len()];
    for file in cluster.files.iter() {
        for target in file.includes.iter().flat_map(|i| &i.targets) {
            included[target.index()] = true;
        }
    }
    // Where every file of a loop is included, the program's main file name
    // (`nginx.conf`, `redis.conf`) and then the shallower path go first.
    let not_main_name = |i: usize| {
        let path = &cluster.files[i].source.path;
        let name = path.rsplit('/').next().unwrap_or(path);
        !matches!(
            name,
            "nginx.conf" | "redis.conf" | "sentinel.conf" | "stunnel.conf" | "csync2.cfg"
        )
    };
    let mut starts: Vec<usize> = (0..cluster.files.len())
        .filter(|&i| !cluster.files[i].includes.is_empty())
        .collect();
    starts.sort_by_cached_key(|&i| {
        (
            included[i],
            not_main_name(i),
            cluster.files[i].source.path.matches('/').count(),
            i,
        )
    });
    for start in starts {
        if marks[start] != Mark::New || cluster.files[start].includes.is_empty() {
            continue;
        }
        // Depth-first, without recursion: (file, next include, next target).
        let mut stack: Vec<(usize, usize, usize)> = vec![(start, 0, 0)];
        marks[start] = Mark::Open;
        while let Some(&mut (file, ref mut include, ref mut target)) = stack.last_mut() {
            let includes = &cluster.files[file].includes;
            let Some(current) = includes.get(*include) else {
                marks[file] = Mark::Done;
                stack.pop();
                continue;
            };
            let Some(&next) = current.targets.get(*target) else {
                *include += 1;
                *target = 0;
                continue;
            };
            *target += 1;
            let range = current.range;
            match marks[next.index()] {
                Mark::New => {
                    marks[next.index()] = Mark::Open;
                    stack.push((next.index(), 0, 0));
                }
                Mark::Open => facts.push(
                    Diagnostic::new(
                        Span::new(FileId(file as u32), range),
                        format!(
                            "this include leads back to `{}`, which is still being read: the files include each other in a loop",
                            cluster.files[next.index()].source.path
                        ),
                    )
                    .label("closes the loop")
                    .help("remove the include that makes the loop")
                    .fact(FactKind::IncludeCycle),
                ),
                Mark::Done => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document_of<'a>(analysis: &'a Analysis, path: &str) -> &'a Arc<Document> {
        let file = analysis
            .cluster
            .files
            .iter()
            .find(|f| f.source.path == path);
        &file.unwrap_or_else(|| panic!("no {path}")).document
    }

    #[test]
    fn the_parse_cache_reparses_only_what_changed() {
        let mut workspace = Workspace::new();
        workspace.add_file("n1/etc/redis/redis.conf", "port 6379\n");
        workspace.add_file("n2/etc/redis/redis.conf", "port 6380\n");
        workspace.enable_parse_cache();
        let first = workspace.analyze();
        let second = workspace.analyze();
        for path in ["n1/etc/redis/redis.conf", "n2/etc/redis/redis.conf"] {
            assert!(
                Arc::ptr_eq(document_of(&first, path), document_of(&second, path)),
                "{path}"
            );
        }
        workspace.add_file(
            "n2/etc/redis/redis.conf",
            "port 6381\nbind 127.0.0.1 # here\n",
        );
        let third = workspace.analyze();
        let n1 = "n1/etc/redis/redis.conf";
        let n2 = "n2/etc/redis/redis.conf";
        assert!(Arc::ptr_eq(
            document_of(&first, n1),
            document_of(&third, n1)
        ));
        assert!(!Arc::ptr_eq(
            document_of(&first, n2),
            document_of(&third, n2)
        ));
        // The new parse is the one reported: a `#` after a value.
        let mut fresh = Workspace::new();
        fresh.add_file(n1, "port 6379\n");
        fresh.add_file(n2, "port 6381\nbind 127.0.0.1 # here\n");
        let expected = fresh.analyze();
        assert_eq!(third.facts, expected.facts);
        assert!(!third.facts.is_empty());
    }

    #[test]
    fn files_can_be_removed_and_read_into_memory() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("n1/etc")).unwrap();
        std::fs::write(dir.path().join("n1/etc/hosts"), "127.0.0.1 localhost\n").unwrap();
        let mut workspace = Workspace::from_dir(dir.path()).unwrap();
        workspace.read_into_memory();
        std::fs::remove_file(dir.path().join("n1/etc/hosts")).unwrap();
        assert!(workspace.contains("n1/etc/hosts"));
        assert_eq!(
            workspace.analyze().cluster.nodes.len(),
            1,
            "read before the file went"
        );
        assert!(workspace.remove_file("n1/etc/hosts"));
        assert!(!workspace.contains("n1/etc/hosts"));
        assert!(workspace.analyze().cluster.nodes.is_empty());
    }
}
