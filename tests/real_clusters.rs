//! Real clusters from public repositories (`fixtures/real/`, each with its
//! sources and licence in `SOURCES.md`): every warning and error found on
//! them is a reviewed, real fault, listed with its reason in the
//! cluster's `expected.txt`; and where the user stands (the folder of all
//! of them, the cluster, a node folder, one file) does not change what is
//! found.
//!
//! `expected.txt` holds one finding per line as `path:line rule`, the path
//! relative to the cluster's folder, prefixed with `[environment] ` for a
//! Liferay Workspace environment; `#` lines give the reason of the finding
//! after them.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use clusterlint::roots::{self, ClusterRoot};
use clusterlint::{LintOptions, Severity, Workspace};

fn real_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/real")
}

/// Every real cluster's folder; at least the ones this test was written
/// for, so that a missing folder fails instead of passing.
fn cluster_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(real_root())
        .expect("fixtures/real")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        // Single-server OpenDJ files for the LDIF reader, not a cluster.
        .filter(|p| !p.ends_with("opendj"))
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 11,
        "fixtures/real holds {} clusters",
        dirs.len()
    );
    dirs
}

/// `[environment] path:line rule` for every warning and error of one
/// cluster, the path relative to `base`.
fn findings_of(cluster: &ClusterRoot, base: &Path) -> BTreeSet<String> {
    let workspace = Workspace::from_root(cluster).unwrap_or_else(|e| panic!("{e}"));
    let report = workspace.lint(&LintOptions::default());
    let prefix = cluster
        .environment
        .as_ref()
        .map(|e| format!("[{e}] "))
        .unwrap_or_default();
    report
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Info)
        .map(|d| {
            let (start, _) = report.position(d.primary.span);
            let path = cluster.folder.join(report.path(d.primary.span));
            let path = path.strip_prefix(base).unwrap_or(&path);
            let path = path.to_string_lossy().replace('\\', "/");
            format!("{prefix}{path}:{} {}", start.line, d.rule)
        })
        .collect()
}

fn findings_under(dir: &Path, clusters: &[ClusterRoot]) -> BTreeSet<String> {
    clusters.iter().flat_map(|c| findings_of(c, dir)).collect()
}

fn expected(dir: &Path) -> BTreeSet<String> {
    let path = dir.join("expected.txt");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(ToString::to_string)
        .collect()
}

#[test]
fn every_warning_and_error_on_a_real_cluster_is_a_reviewed_fault() {
    let mut failures = Vec::new();
    for dir in cluster_dirs() {
        let clusters = roots::clusters_for_folder(&dir);
        assert!(!clusters.is_empty(), "{}: no cluster found", dir.display());
        let found = findings_under(&dir, &clusters);
        let wanted = expected(&dir);
        if found != wanted {
            let extra: Vec<_> = found.difference(&wanted).collect();
            let missing: Vec<_> = wanted.difference(&found).collect();
            failures.push(format!(
                "{}:\n  found, not expected: {extra:#?}\n  expected, not found: {missing:#?}",
                dir.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The clusters found from `start`, by the real cluster folder each lies
/// in.
fn by_cluster_dir(start: &Path) -> BTreeMap<PathBuf, Vec<ClusterRoot>> {
    let mut out: BTreeMap<PathBuf, Vec<ClusterRoot>> = BTreeMap::new();
    let real = fs::canonicalize(real_root()).unwrap();
    for cluster in roots::clusters_for_folder(start) {
        let folder = fs::canonicalize(&cluster.folder).unwrap();
        let Ok(inside) = folder.strip_prefix(&real) else {
            continue;
        };
        let Some(first) = inside.components().next() else {
            continue;
        };
        out.entry(real.join(first)).or_default().push(cluster);
    }
    out
}

#[test]
fn the_folder_of_all_real_clusters_checks_each_as_itself() {
    let from_top = by_cluster_dir(&real_root());
    for dir in cluster_dirs() {
        let dir = fs::canonicalize(&dir).unwrap();
        let alone = roots::clusters_for_folder(&dir);
        let together = from_top
            .get(&dir)
            .unwrap_or_else(|| panic!("{}: not found from fixtures/real", dir.display()));
        assert_eq!(
            findings_under(&dir, together),
            findings_under(&dir, &alone),
            "{}",
            dir.display()
        );
    }
}

/// The folders a user may stand in inside a cluster: each node folder (the
/// subfolders but deployment ones), each workspace environment, and one
/// folder deeper in each.
fn folders_inside(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let push_children = |folder: &Path, out: &mut Vec<PathBuf>| {
        let Ok(entries) = fs::read_dir(folder) else {
            return;
        };
        let mut children: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy().to_string();
                !name.starts_with(['_', '.'])
            })
            .collect();
        children.sort();
        out.extend(children);
    };
    push_children(dir, &mut out);
    let configs = dir.join("configs");
    if configs.is_dir() {
        push_children(&configs, &mut out);
    }
    let first_level = out.clone();
    for folder in &first_level {
        let mut deeper = Vec::new();
        push_children(folder, &mut deeper);
        out.extend(deeper.into_iter().take(1));
    }
    out
}

#[test]
fn standing_inside_a_node_checks_that_nodes_cluster() {
    for dir in cluster_dirs() {
        let dir = fs::canonicalize(&dir).unwrap();
        let whole = roots::clusters_for_folder(&dir);
        for folder in folders_inside(&dir) {
            let found = roots::clusters_for_folder(&folder);
            // Standing in one environment of a workspace checks that one.
            assert!(!found.is_empty(), "{}: no cluster", folder.display());
            for cluster in &found {
                let same = whole.iter().any(|w| {
                    fs::canonicalize(&w.folder).unwrap()
                        == fs::canonicalize(&cluster.folder).unwrap()
                        && w.environment == cluster.environment
                });
                assert!(
                    same,
                    "{}: found {} ({:?}), not one of the cluster's own",
                    folder.display(),
                    cluster.folder.display(),
                    cluster.environment
                );
            }
            let expected: BTreeSet<String> = whole
                .iter()
                .filter(|w| found.iter().any(|f| f.environment == w.environment))
                .flat_map(|w| findings_of(w, &dir))
                .collect();
            assert_eq!(
                findings_under(&dir, &found),
                expected,
                "{}",
                folder.display()
            );
        }
    }
}

#[test]
fn a_file_is_checked_within_its_own_cluster() {
    for dir in cluster_dirs() {
        let dir = fs::canonicalize(&dir).unwrap();
        let whole = roots::clusters_for_folder(&dir);
        for path in common_files(&dir) {
            let found = roots::clusters_for_file(&path);
            for cluster in &found {
                assert!(
                    whole.iter().any(|w| fs::canonicalize(&w.folder).unwrap()
                        == fs::canonicalize(&cluster.folder).unwrap()
                        && w.environment == cluster.environment),
                    "{}: checked in {} ({:?})",
                    path.display(),
                    cluster.folder.display(),
                    cluster.environment
                );
            }
        }
    }
}

/// The configuration files of a cluster (not its deployment folders).
fn common_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            if name.starts_with(['_', '.']) {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if clusterlint::formats::classify(&name).is_some()
                || name.ends_with(".xml")
                || name.ends_with(".conf")
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
