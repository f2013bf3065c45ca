//! The clusters an editor session has open: each one's workspace held in
//! memory (read once, parses reused between checks), the editor's buffers
//! laid over the files on disk, and the last report. Nothing here knows
//! the protocol.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::engine::LintOptions;
use crate::manifest;
use crate::outcome::Report;
use crate::roots;
use crate::workspace::Workspace;

/// One open cluster: its workspace, the editor's unsaved buffers and the
/// last report.
pub struct ClusterSession {
    pub root: PathBuf,
    /// What the cluster is (its folder, environment, excluded folders).
    spec: roots::ClusterRoot,
    workspace: Workspace,
    /// The editor's buffers by cluster path; they override the disk.
    buffers: BTreeMap<String, String>,
    /// The files on disk must be listed again (a file appeared, the
    /// manifest or an ignore file changed) before the next check.
    reread: bool,
    /// The last check; `None` until checked, and after a change.
    report: Option<Report>,
    /// Earlier checks, not yet freed.
    retired: Vec<Report>,
}

impl ClusterSession {
    /// Reads the cluster `spec` describes into memory.
    pub fn open(spec: &roots::ClusterRoot) -> Result<Self, String> {
        Ok(Self {
            root: spec.folder.clone(),
            spec: spec.clone(),
            workspace: read(spec)?,
            buffers: BTreeMap::new(),
            reread: false,
            report: None,
            retired: Vec::new(),
        })
    }

    /// The path of `file` inside this cluster, if it is inside.
    #[must_use]
    pub fn cluster_path(&self, file: &Path) -> Option<String> {
        let relative = file.strip_prefix(&self.root).ok()?;
        let parts: Option<Vec<&str>> = relative
            .components()
            .map(|c| c.as_os_str().to_str())
            .collect();
        let path = parts?.join("/");
        (!path.is_empty()).then_some(path)
    }

    /// Lays an editor's text over the file at `path` (the manifest
    /// included: discovery reads it on every check).
    pub fn set_buffer(&mut self, path: &str, text: &str) {
        self.buffers.insert(path.to_string(), text.to_string());
        self.workspace.add_file(path, text.as_bytes().to_vec());
        self.stale();
    }

    /// Drops the buffer of `path`: the file on disk counts again.
    pub fn close_buffer(&mut self, path: &str) {
        if self.buffers.remove(path).is_some() {
            self.reload_from_disk(path);
        }
    }

    /// A file changed or went on disk; an open buffer keeps overriding
    /// it. Files the cluster does not hold (ignored ones, folders) make
    /// it list the disk again.
    pub fn disk_changed(&mut self, path: &str) {
        let listing = path == manifest::FILE_NAME
            || Path::new(path)
                .file_name()
                .is_some_and(|name| name == ".gitignore" || name == ".ignore");
        if listing || !self.workspace.contains(path) {
            self.disk_listing_changed();
        } else if !self.buffers.contains_key(path) {
            self.reload_from_disk(path);
        }
    }

    /// Files appeared on disk, or may have: list them again before the
    /// next check.
    pub fn disk_listing_changed(&mut self) {
        self.reread = true;
        self.stale();
    }

    fn reload_from_disk(&mut self, path: &str) {
        // Through links inside the root only; never a FIFO.
        let inside = std::fs::canonicalize(self.root.join(path))
            .ok()
            .filter(|real| {
                std::fs::canonicalize(&self.root).is_ok_and(|root| real.starts_with(root))
            });
        let read = inside.map_or_else(
            || Err(std::io::Error::other("outside the root")),
            |real| crate::disk::read_regular(&real, crate::limits::DEFAULT_MAX_FILE_SIZE),
        );
        match read {
            Ok(bytes) => self.workspace.add_file(path, bytes),
            Err(_) => {
                self.workspace.remove_file(path);
            }
        }
        self.stale();
    }

    /// Forgets the last check. A report of a large cluster takes
    /// milliseconds to free, so it is kept until [`ClusterSession::free_retired`],
    /// after the new diagnostics are out.
    fn stale(&mut self) {
        if let Some(report) = self.report.take() {
            self.retired.push(report);
        }
    }

    /// Frees the reports of earlier checks.
    pub fn free_retired(&mut self) {
        self.retired.clear();
    }

    /// The last check, if nothing changed since.
    #[must_use]
    pub fn report(&self) -> Option<&Report> {
        self.report.as_ref()
    }

    /// Checks the cluster if anything changed since the last check;
    /// whether it checked.
    pub fn check(&mut self) -> bool {
        if self.report.is_some() {
            return false;
        }
        if std::mem::take(&mut self.reread) {
            match read(&self.spec) {
                Ok(workspace) => self.workspace = workspace,
                // The root went away: what the buffers hold is all there is.
                Err(_) => self.workspace = Workspace::new(),
            }
            for (path, text) in &self.buffers {
                self.workspace
                    .add_file(path.as_str(), text.as_bytes().to_vec());
            }
        }
        self.report = Some(self.workspace.lint(&LintOptions::default()));
        true
    }
}

fn read(spec: &roots::ClusterRoot) -> Result<Workspace, String> {
    let mut workspace = Workspace::from_root(spec).map_err(|e| e.to_string())?;
    workspace.read_into_memory();
    workspace.enable_parse_cache();
    Ok(workspace)
}

/// The cluster `file` belongs to: the nearest folder upward with a
/// `clusterlint.toml`, else the cluster the folders' shape shows (see
/// `roots.rs`; for a file a Liferay Workspace shares, its first
/// environment), else the innermost workspace folder holding it.
#[must_use]
pub fn root_of(file: &Path, workspace_folders: &[PathBuf]) -> Option<roots::ClusterRoot> {
    if let Some(found) = roots::clusters_for_file(file).into_iter().next() {
        return Some(found);
    }
    workspace_folders
        .iter()
        .filter(|folder| file.starts_with(folder) && file != folder.as_path())
        .max_by_key(|folder| folder.components().count())
        .map(|folder| roots::ClusterRoot {
            folder: folder.clone(),
            environment: None,
            excluded: Vec::new(),
            settings: None,
        })
}
