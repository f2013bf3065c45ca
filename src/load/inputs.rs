//! The files of a cluster before they are read: listed from a folder on
//! disk (links resolved inside the cluster's tree, never on this host) or
//! held in memory, and read on demand, from disk only inside the
//! cluster's real folder.

use std::collections::HashMap;
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::formats;
use crate::includes;
use crate::manifest;

/// Why a cluster could not be checked at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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
pub(crate) enum Content {
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
pub(crate) struct InputFile {
    pub(crate) path: String,
    pub(crate) content: Content,
}

/// A cluster's files, on disk or in memory. Paths are relative to the
/// cluster root, with `/` separators.
#[derive(Clone, Debug)]
pub struct Inputs {
    pub(crate) root: Option<PathBuf>,
    pub(crate) manifest: Option<Content>,
    /// The manifest's path as reports show it.
    pub(crate) manifest_path: String,
    /// Sorted by path.
    pub(crate) files: Vec<InputFile>,
    /// The root's real path: files read from disk must be inside it when
    /// opened, whatever was swapped for a link since the listing.
    pub(crate) confined_to: Option<PathBuf>,
    /// The root folder's name.
    pub(crate) root_name: String,
    /// Small files read from disk during one load.
    reads: ReadOnce,
}

/// Small files read from disk during one load (see `Inputs::forget_reads`),
/// so that sniffing a file's format, looking for git's stand-in for a link
/// and parsing the file open it once. Never carried to a copy of the
/// inputs, nor from one load to the next: the disk may have changed.
#[derive(Debug, Default)]
struct ReadOnce(Mutex<HashMap<PathBuf, Arc<[u8]>>>);

impl Clone for ReadOnce {
    fn clone(&self) -> Self {
        Self::default()
    }
}

/// Files up to this size are kept whole from their first read.
const KEPT_WHOLE: u64 = 64 * 1024;

/// A file on disk once opened: whole if small, else still open.
enum Opened {
    Whole(Arc<[u8]>),
    Large(File, Metadata),
}

impl Default for Inputs {
    fn default() -> Self {
        Self {
            root: None,
            manifest: None,
            manifest_path: manifest::FILE_NAME.to_string(),
            files: Vec::new(),
            confined_to: None,
            root_name: String::new(),
            reads: ReadOnce::default(),
        }
    }
}

impl Inputs {
    /// Lists the files under `root` (hidden files and `.gitignore`d ones
    /// excepted) without the folders `excluded` (cluster paths) and without
    /// folders below the root that hold a manifest of their own (other
    /// clusters). Nothing is read yet.
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
        let mut inputs = Self {
            root: Some(root.to_path_buf()),
            confined_to: real_root,
            root_name: canonical_root
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            ..Self::default()
        };
        let skipped: Vec<PathBuf> = excluded.iter().map(|e| root.join(e)).collect();
        let top = root.to_path_buf();
        // Folders are listed in parallel: on a large cluster the listing's
        // system calls are most of the time. The order is restored below.
        let listed = Mutex::new(Vec::new());
        crate::walk::tree(root)
            .filter_entry(move |entry| {
                let path = entry.path();
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                !(skipped.iter().any(|s| s == path)
                    || (is_dir && path != top && path.join(manifest::FILE_NAME).is_file()))
            })
            .build_parallel()
            .run(|| {
                let listed = &listed;
                let canonical_root = &canonical_root;
                Box::new(move |entry| {
                    if let Some(file) = list_entry(entry, root, canonical_root)
                        && let Ok(mut listed) = listed.lock()
                    {
                        listed.push(file);
                    }
                    ignore::WalkState::Continue
                })
            });
        for file in listed.into_inner().unwrap_or_default() {
            match file.content {
                Content::Disk(path) if file.path == manifest::FILE_NAME => {
                    inputs.manifest = Some(Content::Disk(path));
                }
                _ => inputs.files.push(file),
            }
        }
        inputs.files.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
        inputs.read_through_unlisted_links(&canonical_root);
        inputs.mark_link_loops();
        Ok(inputs)
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
    pub fn read_into_memory(&mut self, max_size: u64) {
        let read: Vec<Option<Arc<[u8]>>> = self
            .files
            .par_iter()
            .map(|f| match &f.content {
                Content::Disk(_) => self.read(&f.content, max_size).ok().map(Into::into),
                _ => None,
            })
            .collect();
        self.forget_reads();
        for (file, bytes) in self.files.iter_mut().zip(read) {
            if let Some(bytes) = bytes {
                file.content = Content::Memory(bytes);
            }
        }
        if let Some(Content::Disk(_)) = &self.manifest
            && let Some(bytes) = self
                .manifest
                .as_ref()
                .and_then(|m| Self::read_within(m, max_size, None).ok())
        {
            self.manifest = Some(Content::Memory(bytes.into()));
        }
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

    /// The cluster root on disk, if the workspace came from one.
    #[must_use]
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// For a root that is a Liferay Workspace: the environment its build
    /// uses, `liferay.workspace.environment` in `gradle.properties`, else
    /// `local` (the workspace's default), else its first environment.
    pub(crate) fn default_environment(&self, max_size: u64) -> Option<String> {
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
            .and_then(|f| self.read(&f.content, max_size).ok())
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
    pub(crate) fn read_through_unlisted_links(&mut self, canonical_root: &Path) {
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
    pub(crate) fn mark_link_loops(&mut self) {
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

    pub(crate) fn read(&self, content: &Content, max_size: u64) -> Result<Vec<u8>, String> {
        let Content::Disk(path) = content else {
            return Self::read_within(content, max_size, self.confined_to.as_deref());
        };
        match self.open(path)? {
            Opened::Whole(bytes) => {
                if bytes.len() as u64 > max_size {
                    return Err(too_large(bytes.len() as u64, max_size));
                }
                Ok(bytes.to_vec())
            }
            Opened::Large(file, metadata) => read_open(file, &metadata, max_size),
        }
    }

    /// Opens the file at `path` inside the cluster's folder; a small one is
    /// read whole and kept until [`Inputs::forget_reads`].
    fn open(&self, path: &Path) -> Result<Opened, String> {
        if let Some(bytes) = self
            .reads
            .0
            .lock()
            .ok()
            .and_then(|kept| kept.get(path).cloned())
        {
            return Ok(Opened::Whole(bytes));
        }
        let (file, metadata) = crate::disk::open_regular_within(path, self.confined_to.as_deref())
            .map_err(|e| e.to_string())?;
        if metadata.len() > KEPT_WHOLE {
            return Ok(Opened::Large(file, metadata));
        }
        let bytes: Arc<[u8]> = read_open(file, &metadata, KEPT_WHOLE)?.into();
        if let Ok(mut kept) = self.reads.0.lock() {
            kept.insert(path.to_path_buf(), Arc::clone(&bytes));
        }
        Ok(Opened::Whole(bytes))
    }

    /// Drops the files kept since the last call: a load reads each file
    /// once, and the next load reads the disk afresh.
    pub(crate) fn forget_reads(&self) {
        if let Ok(mut kept) = self.reads.0.lock() {
            *kept = HashMap::new();
        }
    }

    /// The bytes of `content`; from disk only inside the folder `root`, if
    /// given.
    pub(crate) fn read_within(
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
                read_open(file, &metadata, max_size)
            }
            Content::Link(target) | Content::LinkInCluster(target) => Err(format!(
                "this symbolic link to `{target}` leads to no file of the cluster"
            )),
            Content::Unlistable(message) => Err(message.clone()),
        }
    }

    /// Whether the cluster holds the folder at cluster path `folder`: some
    /// of its files lie in it, or (on disk) it is there, with hidden files
    /// only.
    pub(crate) fn folder_exists(&self, sorted_paths: &[String], folder: &str) -> bool {
        let prefix = format!("{folder}/");
        let at = sorted_paths.partition_point(|p| p.as_str() < prefix.as_str());
        sorted_paths.get(at).is_some_and(|p| p.starts_with(&prefix))
            || self.root.as_ref().is_some_and(|root| {
                let path = root.join(folder);
                // Only inside the cluster's folder, never through a link.
                std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir())
            })
    }

    pub(crate) fn index_of(&self, path: &str) -> Option<usize> {
        self.files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
    }

    /// The file at cluster path `path`, symbolic links followed inside the
    /// cluster's tree (see [`resolve_link`]); `layers` are the folders of
    /// the node reading it, when known.
    pub(crate) fn resolve(
        &self,
        path: &str,
        layers: Option<&[String]>,
    ) -> Result<&InputFile, String> {
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
                    if let Some(target) = self.link_stand_in(&file.content)
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

    /// Git's stand-in for a link: see [`link_stand_in_of`].
    fn link_stand_in(&self, content: &Content) -> Option<String> {
        match content {
            Content::Memory(bytes) => link_stand_in_of(bytes),
            Content::Disk(path) => match self.open(path).ok()? {
                Opened::Whole(bytes) => link_stand_in_of(&bytes),
                Opened::Large(..) => None,
            },
            _ => None,
        }
    }

    /// The first bytes of a file, for guessing its format from its content.
    pub(crate) fn head(&self, path: &str) -> Option<Vec<u8>> {
        let file = self.resolve(path, None).ok()?;
        match &file.content {
            Content::Memory(bytes) => Some(bytes[..bytes.len().min(4096)].to_vec()),
            Content::Disk(p) => match self.open(p).ok()? {
                Opened::Whole(bytes) => Some(bytes[..bytes.len().min(4096)].to_vec()),
                Opened::Large(file, _) => {
                    let mut head = Vec::with_capacity(4096);
                    file.take(4096).read_to_end(&mut head).ok()?;
                    Some(head)
                }
            },
            Content::Link(_) | Content::LinkInCluster(_) | Content::Unlistable(_) => None,
        }
    }
}

/// What the walk found at one entry: a file, a link, or what could not
/// be listed; `None` for what is no file (a folder, a link to a folder
/// inside the cluster).
fn list_entry(
    entry: Result<ignore::DirEntry, ignore::Error>,
    root: &Path,
    canonical_root: &Path,
) -> Option<InputFile> {
    let entry = match entry {
        Ok(entry) => entry,
        Err(err) => {
            let path = match &err {
                ignore::Error::WithPath { path, .. } => relative(root, path),
                _ => String::from("."),
            };
            return Some(InputFile {
                path,
                content: Content::Unlistable(format!("cannot read this folder: {err}")),
            });
        }
    };
    if entry.depth() == 0 {
        return None;
    }
    let path = relative(root, entry.path());
    // A link is resolved inside the cluster's tree, never on this
    // host: an absolute target is the node's own path (see
    // `resolve_link`). Links to folders are not walked.
    if entry.path_is_symlink() {
        let content = match std::fs::read_link(entry.path()) {
            Ok(target) => link_content(&target, root, canonical_root)?,
            Err(e) => Content::Unlistable(format!("cannot read this symbolic link: {e}")),
        };
        if entry.path().is_dir() {
            // Links to folders are not walked; one that leaves the
            // cluster is said.
            return match &content {
                Content::Link(target) if target.starts_with('/') => Some(InputFile {
                    path,
                    content: Content::Unlistable(format!(
                        "this symbolic link leads out of the cluster, to `{target}`; it is not followed"
                    )),
                }),
                _ => None,
            };
        }
        return Some(InputFile { path, content });
    } else if !entry.file_type().is_some_and(|t| t.is_file()) {
        // A folder is known from its listing, without asking for its
        // metadata.
        if entry.file_type().is_some_and(|t| t.is_dir()) {
            return None;
        }
        // A FIFO, device or socket is said when it would be read,
        // never opened.
        let metadata = entry.metadata().ok().filter(|m| !m.is_dir())?;
        return Some(InputFile {
            path,
            content: Content::Unlistable(crate::disk::kind_of(&metadata)),
        });
    }
    Some(InputFile {
        path,
        content: Content::Disk(entry.into_path()),
    })
}

/// The listing's order: by path, then (for what could not be listed at
/// one path) by what is said, so that a parallel walk lists alike each time.
fn order_key(file: &InputFile) -> (&str, &str) {
    let said = match &file.content {
        Content::Unlistable(message) => message.as_str(),
        _ => "",
    };
    (file.path.as_str(), said)
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
fn link_stand_in_of(bytes: &[u8]) -> Option<String> {
    const MAX: usize = 512;
    if bytes.len() > MAX {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
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

/// The bytes of an opened file, at most `max_size` of them (more is an
/// error that says the size).
fn read_open(file: File, metadata: &Metadata, max_size: u64) -> Result<Vec<u8>, String> {
    if metadata.len() > max_size {
        return Err(too_large(metadata.len(), max_size));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    // The size the file had when opened is what is read, without a read
    // more to find its end; a size of 0 may be a file that does not know
    // its size, read to its end.
    let limit = match metadata.len() {
        0 => max_size + 1,
        len => len,
    };
    file.take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > max_size {
        return Err(too_large(bytes.len() as u64, max_size));
    }
    Ok(bytes)
}

fn too_large(size: u64, limit: u64) -> String {
    format!("the file is {size} bytes, over the limit of {limit} bytes")
}

/// `path` relative to `root`, with `/` separators.
pub(crate) fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}
