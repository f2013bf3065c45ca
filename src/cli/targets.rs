//! From the paths on the command line to the clusters to check: a folder
//! is a cluster root; a file (as pre-commit passes them) stands for the
//! cluster it belongs to, and only findings touching the given files are
//! reported.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::manifest;
use crate::roots;

/// One cluster to check.
#[derive(Debug)]
pub struct Target {
    /// The root as given (folders) or found (files).
    pub root: PathBuf,
    /// The root as reports show it, from the current folder.
    pub shown: String,
    /// Cluster paths of the files given on the command line; `None`: the
    /// whole cluster was asked for.
    pub only: Option<BTreeSet<String>>,
}

/// Targets in command-line order, plus what could not be used: paths that
/// do not exist (errors) and files in no cluster (notes).
#[derive(Debug, Default)]
pub struct Targets {
    pub clusters: Vec<Target>,
    pub missing: Vec<PathBuf>,
    pub outside: Vec<PathBuf>,
}

/// Sorts the command line's paths into targets.
#[must_use]
pub fn resolve(paths: &[PathBuf]) -> Targets {
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut out = Targets::default();
    for path in paths {
        let Ok(metadata) = std::fs::metadata(path) else {
            out.missing.push(path.clone());
            continue;
        };
        if metadata.is_dir() {
            let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
            match out.position(&absolute) {
                Some(at) => out.clusters[at].only = None,
                None => out.clusters.push(Target {
                    root: path.clone(),
                    shown: path.to_string_lossy().replace('\\', "/"),
                    only: None,
                }),
            }
            continue;
        }
        let Some(root) = roots::cluster_root_of(path) else {
            out.outside.push(path.clone());
            continue;
        };
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
        let in_cluster = roots::display_relative(&absolute, &root);
        let at = out.position(&root).unwrap_or_else(|| {
            out.clusters.push(Target {
                shown: roots::display_relative(&root, &cwd),
                root: root.clone(),
                only: Some(BTreeSet::new()),
            });
            out.clusters.len() - 1
        });
        let target = &mut out.clusters[at];
        // The manifest shapes every finding: a change to it checks all.
        if in_cluster == manifest::FILE_NAME {
            target.only = None;
        } else if let Some(only) = &mut target.only {
            only.insert(in_cluster);
        }
    }
    out
}

impl Targets {
    /// The target whose root is `absolute`.
    fn position(&self, absolute: &Path) -> Option<usize> {
        self.clusters
            .iter()
            .position(|t| std::path::absolute(&t.root).is_ok_and(|root| root == absolute))
    }
}
