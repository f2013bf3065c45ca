//! From the paths on the command line to the clusters to check (see
//! `roots.rs`): a folder stands for the clusters in or around it; a file
//! (as pre-commit passes them) for its own cluster, of which only the
//! findings touching the given files are reported.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::manifest;
use crate::roots::{self, ClusterRoot};

/// One cluster to check.
#[derive(Debug)]
pub struct ClusterToCheck {
    pub cluster: ClusterRoot,
    /// The root as reports show it, from the current folder.
    pub shown: String,
    /// Cluster paths of the files given on the command line; `None`: the
    /// whole cluster was asked for.
    pub only: Option<BTreeSet<String>>,
}

impl ClusterToCheck {
    /// The cluster's folder.
    pub fn root(&self) -> &Path {
        &self.cluster.folder
    }

    /// How headings name the cluster: its folder, and its environment.
    pub fn label(&self) -> String {
        match &self.cluster.environment {
            Some(env) => format!("{} (environment `{env}`)", self.shown),
            None => self.shown.clone(),
        }
    }
}

/// Targets in command-line order, plus what could not be used: paths that
/// do not exist (errors), files in no cluster and folders holding none
/// (notes and errors).
#[derive(Debug, Default)]
pub struct Targets {
    pub clusters: Vec<ClusterToCheck>,
    pub missing: Vec<PathBuf>,
    pub outside: Vec<PathBuf>,
    pub empty: Vec<PathBuf>,
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
            let found = roots::clusters_for_folder(path);
            if found.is_empty() {
                out.empty.push(path.clone());
            }
            for cluster in found {
                match out.position(&cluster) {
                    Some(at) => out.clusters[at].only = None,
                    None => out.clusters.push(ClusterToCheck {
                        shown: shown(&cluster.folder, path, &cwd),
                        cluster,
                        only: None,
                    }),
                }
            }
            continue;
        }
        let found = roots::clusters_for_file(path);
        if found.is_empty() {
            out.outside.push(path.clone());
            continue;
        }
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
        for cluster in found {
            let in_cluster = roots::display_relative(&absolute, &cluster.folder);
            let at = out.position(&cluster).unwrap_or_else(|| {
                out.clusters.push(ClusterToCheck {
                    shown: shown(&cluster.folder, Path::new(""), &cwd),
                    cluster,
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
    }
    out
}

/// A folder as reports show it: as typed when it is the path given;
/// relative to the current folder when it lies inside it or around it
/// (`..`); else absolute.
fn shown(folder: &Path, typed: &Path, cwd: &Path) -> String {
    if std::path::absolute(typed).is_ok_and(|t| t == folder) {
        return typed.to_string_lossy().replace('\\', "/");
    }
    if folder.starts_with(cwd) {
        return roots::display_relative(folder, cwd);
    }
    if let Ok(rest) = cwd.strip_prefix(folder) {
        let up = rest.components().count();
        return vec![".."; up.max(1)].join("/");
    }
    folder.to_string_lossy().replace('\\', "/")
}

impl Targets {
    /// The target checking the same cluster.
    fn position(&self, cluster: &ClusterRoot) -> Option<usize> {
        self.clusters.iter().position(|t| {
            t.cluster.folder == cluster.folder && t.cluster.environment == cluster.environment
        })
    }
}
