//! `check --show-settings`: what a cluster was found to be, in words: its
//! root and manifest, the nodes with their folders, roles, addresses and
//! files, the product versions and editions assumed, and what was not
//! read. Nothing here is checked; it shows the inputs of the check.

use std::fmt::Write as _;

use crate::model::RoleSource;
use crate::roots::ClusterRoot;
use crate::workspace::Analysis;

/// How many skipped paths are listed before a count.
const SKIPPED_SHOWN: usize = 40;

/// The settings of one cluster as text.
#[must_use]
pub fn describe(label: &str, root: &ClusterRoot, analysis: &Analysis) -> String {
    let cluster = &analysis.cluster;
    let mut out = String::new();
    let _ = writeln!(out, "cluster {label}");
    let _ = writeln!(out, "  root: {}", root.folder.display());
    match (analysis.settings.file(), &root.settings) {
        (Some(file), _) => {
            let _ = writeln!(out, "  manifest: {}", cluster.source(file).path);
        }
        (None, _) => {
            let _ = writeln!(
                out,
                "  manifest: none (nodes found from the folders' shape)"
            );
        }
    }
    if let Some(env) = &root.environment {
        let _ = writeln!(
            out,
            "  layout: Liferay Workspace environment `{env}` (configs/common overlaid by configs/{env})"
        );
    }
    if !root.excluded.is_empty() {
        let _ = writeln!(
            out,
            "  not part of it (other clusters): {}",
            root.excluded.join(", ")
        );
    }
    for line in cluster.versions.describe() {
        let _ = writeln!(out, "  {line}");
    }
    for node in &cluster.nodes {
        let folders: Vec<String> = node
            .layers
            .iter()
            .map(|l| {
                if l.is_empty() {
                    "./".to_string()
                } else {
                    format!("{l}/")
                }
            })
            .collect();
        if folders.is_empty() {
            let _ = writeln!(out, "  node `{}` (no folder of its own)", node.name);
        } else {
            let _ = writeln!(
                out,
                "  node `{}` (folder {})",
                node.name,
                folders.join(" over ")
            );
        }
        for (target, source) in &node.mounts {
            let _ = writeln!(out, "    mounts {source} at {target}");
        }
        let roles: Vec<String> = node
            .roles
            .iter()
            .map(|(role, source)| match source {
                RoleSource::Manifest(_) => format!("{role}"),
                RoleSource::Inferred => format!("{role} (inferred)"),
            })
            .collect();
        let _ = writeln!(
            out,
            "    roles: {}",
            if roles.is_empty() {
                "none".to_string()
            } else {
                roles.join(", ")
            }
        );
        if !node.addresses.is_empty() {
            let addresses: Vec<String> = node
                .addresses
                .iter()
                .map(|a| match a.span {
                    Some(span) => format!("{} (from {})", a.ip, cluster.source(span.file).path),
                    None => a.ip.to_string(),
                })
                .collect();
            let _ = writeln!(out, "    addresses: {}", addresses.join(", "));
        }
        if !node.aliases.is_empty() {
            let _ = writeln!(out, "    also named: {}", node.aliases.join(", "));
        }
        for file in &node.files {
            let f = cluster.file(*file);
            let format = f.format.map_or("-", crate::formats::Format::name);
            let _ = writeln!(out, "    {} ({format})", f.source.path);
        }
        for launch in cluster.deployment.of(node.id) {
            let _ = writeln!(out, "    started by {}", launch.describe(cluster));
        }
    }
    let skipped = &analysis.ignored;
    if !skipped.is_empty() {
        let _ = writeln!(out, "  not read ({}):", skipped.len());
        for path in skipped.iter().take(SKIPPED_SHOWN) {
            let _ = writeln!(out, "    {path}");
        }
        if skipped.len() > SKIPPED_SHOWN {
            let _ = writeln!(out, "    … and {} more", skipped.len() - SKIPPED_SHOWN);
        }
    }
    out
}
