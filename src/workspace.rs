//! The library's front door: a cluster's files, from disk or memory, and
//! the check of them: load ([`crate::load`]), build the model
//! ([`crate::model`]), run the rules ([`crate::engine`]) into a
//! [`Report`].

use std::path::Path;
use std::sync::Arc;

use crate::engine::{self, LintOptions};
use crate::facts::Fact;
use crate::files::Files;
use crate::limits::Limits;
use crate::load::{Inputs, Loader, ParseCache};
use crate::manifest::Settings;
use crate::model::{self, Cluster};
use crate::outcome::{CheckedNode, Report};

pub use crate::limits::DEFAULT_MAX_FILE_SIZE;
pub use crate::load::Error;

/// A cluster's files, on disk or in memory, and how to check them. Paths
/// are relative to the cluster root, with `/` separators.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    inputs: Inputs,
    cache: Option<Arc<ParseCache>>,
    /// The limits the manifest's `[limits]` is laid over.
    limits: Limits,
    /// The Liferay Workspace environment this cluster is, if it is one.
    environment: Option<String>,
}

/// A cluster model and what the pipeline observed while building it.
#[derive(Debug)]
#[doc(hidden)]
pub struct Analysis {
    /// The model.
    pub cluster: Cluster,
    /// The check's settings.
    pub settings: Settings,
    /// What loading and the model found wrong, for the core rules.
    pub facts: Vec<Fact>,
    /// Paths that belong to no node or match no format.
    pub ignored: Vec<String>,
}

impl Workspace {
    /// An empty in-memory workspace.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
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
        self.inputs.root_name = name.to_string();
    }

    /// The cluster a [`crate::roots::ClusterRoot`] describes: its folder
    /// without the folders of other clusters, as its environment, with the
    /// settings found above it.
    pub fn from_root(root: &crate::roots::ClusterRoot) -> Result<Self, Error> {
        let mut workspace = Self::from_dir_excluding(&root.folder, &root.excluded)?;
        if let Some(environment) = &root.environment {
            workspace.set_environment(environment);
        }
        if workspace.inputs.manifest.is_none()
            && let Some(settings) = &root.settings
        {
            workspace.set_manifest_file(settings);
        }
        Ok(workspace)
    }

    /// Adds a file; `path` is relative to the cluster root (`app1/portal-ext.properties`).
    pub fn add_file(&mut self, path: impl Into<String>, content: impl Into<Vec<u8>>) {
        self.inputs.add_file(path.into(), content.into());
    }

    /// Removes a file (or the manifest); whether there was one.
    pub fn remove_file(&mut self, path: &str) -> bool {
        self.inputs.remove_file(path)
    }

    /// Whether the workspace holds a file at cluster path `path` (the
    /// manifest included).
    #[must_use]
    pub fn contains(&self, path: &str) -> bool {
        self.inputs.contains(path)
    }

    /// Reads every file on disk into memory now, so later analyses read
    /// nothing (an editor keeps a cluster open and re-checks it on every
    /// change). Files that cannot be read stay on disk and are reported
    /// as unreadable when analysed.
    pub fn read_into_memory(&mut self) {
        self.inputs.read_into_memory(self.limits.max_file_size);
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
        self.inputs.set_manifest_file(path);
    }

    /// Sets the size above which files are not read.
    pub fn set_max_file_size(&mut self, bytes: u64) {
        self.limits.max_file_size = bytes;
    }

    /// The cluster root on disk, if the workspace came from one.
    #[must_use]
    pub fn root(&self) -> Option<&Path> {
        self.inputs.root()
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
        let inputs = Inputs::from_dir_excluding(root, excluded)?;
        let limits = Limits::default();
        let environment = if inputs.manifest.is_none() {
            inputs.default_environment(limits.max_file_size)
        } else {
            None
        };
        Ok(Self {
            inputs,
            cache: None,
            limits,
            environment,
        })
    }

    /// Reads, parses and models the cluster.
    #[doc(hidden)]
    #[must_use]
    pub fn analyze(&self) -> Analysis {
        let loader = Loader {
            inputs: &self.inputs,
            cache: self.cache.as_deref(),
            limits: self.limits,
            environment: self.environment.as_deref(),
        };
        let loaded = loader.load();
        let ignored = loaded.ignored.clone();
        let (cluster, settings, facts) = model::build(loaded);
        Analysis {
            cluster,
            settings,
            facts,
            ignored,
        }
    }

    /// Analyzes the cluster and runs the rules.
    #[must_use]
    pub fn lint(&self, options: &LintOptions) -> Report {
        let (cluster, settings, report) = self.lint_with_cluster(options);
        // Freeing a large model takes a tenth of a check: done on the pool,
        // while the caller renders the report.
        rayon::spawn(move || drop((cluster, settings)));
        report
    }

    /// [`Workspace::lint`], keeping the cluster model and the settings the
    /// rules read (for the graph).
    #[doc(hidden)]
    #[must_use]
    pub fn lint_with_cluster(&self, options: &LintOptions) -> (Cluster, Settings, Report) {
        let Analysis {
            cluster,
            settings,
            facts,
            ignored,
        } = self.analyze();
        let diagnostics = engine::run(&cluster, &settings, facts, options);
        let manifest = settings.manifest();
        let mut report = Report::new(self.inputs.root.clone(), Files::default(), diagnostics);
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
        report.checks = crate::custom::describe(&settings);
        (cluster, settings, report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::Document;

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
    fn each_analysis_reads_the_disk_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let hosts = dir.path().join("n1/etc/hosts");
        std::fs::create_dir_all(hosts.parent().unwrap()).unwrap();
        std::fs::write(&hosts, "127.0.0.1 localhost\n").unwrap();
        let workspace = Workspace::from_dir(dir.path()).unwrap();
        let text = |analysis: &Analysis| {
            let file = analysis
                .cluster
                .files
                .iter()
                .find(|f| f.source.path == "n1/etc/hosts")
                .expect("the hosts file is read");
            file.source.text.to_string()
        };
        assert_eq!(text(&workspace.analyze()), "127.0.0.1 localhost\n");
        // Read once per load, not kept from one load to the next.
        std::fs::write(&hosts, "127.0.0.1 localhost\n10.0.0.5 app1\n").unwrap();
        assert_eq!(
            text(&workspace.analyze()),
            "127.0.0.1 localhost\n10.0.0.5 app1\n"
        );
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
