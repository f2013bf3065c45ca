//! Which files belong to which node, and in which format they are.
//!
//! Discovery works on a list of paths relative to the cluster root, so the
//! same rules apply to a directory on disk and to files held in memory.
//! `[nodes.*]` tables name nodes, claim files by glob (several nodes may
//! claim one file: a file mounted into replicas) and give roles and
//! addresses. Elsewhere the paths' shape decides (`layout.rs`): each
//! top-level folder holding a node's files is a node; a root whose files
//! are one node's (`etc/…`, `conf/gateway-config.xml`) is that node; a
//! Liferay Workspace environment is one node, `configs/common` overlaid
//! by `configs/<environment>`. Deployment folders (`_deploy/`, Ansible
//! roles and inventories) and the manifest's `exclude` hold no node.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use globset::{Glob, GlobMatcher, GlobSet, GlobSetBuilder};
use rayon::prelude::*;

use crate::formats::{self, Format, ParseError, classify, confirmed, sniff, sniffs};
use crate::layout;
use crate::manifest::Manifest;

/// A node: its name and the folders its files lie in.
#[derive(Clone, Debug)]
pub struct DiscoveredNode {
    pub name: String,
    /// Index into the manifest's nodes, if the manifest names this node.
    pub manifest_index: Option<usize>,
    /// The folders (cluster paths, `""` for the root) that stand for the
    /// node's `/` or its product's home, the first one laid over the
    /// others: one folder, or a workspace environment over `common`.
    pub layers: Vec<String>,
    /// Absolute paths of the node's file system and the cluster paths
    /// mounted there (a compose service's bind mounts).
    pub mounts: Vec<(String, String)>,
}

/// A file of a node. A file several nodes read is listed once per node;
/// a deployment descriptor outside every node's folder has no node.
#[derive(Clone, Debug)]
pub struct DiscoveredFile {
    pub path: String,
    pub format: Format,
    pub node: Option<usize>,
}

/// A guess discovery was not sure of, said to the user with a hint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayoutNote {
    /// The node the note is about, or `None` for the cluster.
    pub node: Option<usize>,
    /// A path the note is about (a file of the node or a stray file).
    pub path: Option<String>,
    pub message: String,
}

/// The outcome of discovery.
#[derive(Clone, Debug, Default)]
pub struct Discovery {
    pub nodes: Vec<DiscoveredNode>,
    pub files: Vec<DiscoveredFile>,
    /// Paths no node claims or no format matches (shown with `--verbose`).
    pub ignored: Vec<String>,
    /// Manifest problems only the file list reveals (globs matching nothing).
    pub manifest_errors: Vec<ParseError>,
    /// What the layout left uncertain.
    pub notes: Vec<LayoutNote>,
}

/// What discovery needs besides the paths.
#[derive(Clone, Copy, Debug, Default)]
pub struct Context<'a> {
    /// The name of a node whose folder is the cluster root itself.
    pub root_name: &'a str,
    /// The Liferay Workspace environment the cluster is.
    pub environment: Option<&'a str>,
    /// What compose services mount or build from the cluster's files: each
    /// such service is a node reading them.
    pub claims: &'a [crate::formats::deploy::Claim],
    /// Compose services that run the portal: each is a node, with files or
    /// configured by its environment alone.
    pub services: &'a [String],
}

/// Sorts `paths` into nodes and formats. `head` reads the start of a file
/// whose name says too little, for a guess from its content.
pub fn discover(
    paths: &[String],
    manifest: Option<&Manifest>,
    head: &(dyn Fn(&str) -> Option<Vec<u8>> + Sync),
    context: Context<'_>,
) -> Discovery {
    let mut discovery = Discovery::default();
    let empty = Manifest::default();
    let manifest = manifest.unwrap_or(&empty);
    let mounted_at: HashMap<&str, String> = paths
        .iter()
        .filter_map(|p| {
            Some((
                p.as_str(),
                crate::formats::deploy::place_in_container(context.claims, p)?,
            ))
        })
        .collect();
    let formats = formats_of(paths, manifest, head, &mounted_at, &mut discovery);
    let excluded = excluded_paths(paths, manifest, &mut discovery);
    // Owners of each path: several nodes may read one file.
    let mut owners: Vec<Vec<usize>> = vec![Vec::new(); paths.len()];
    let mut claimed = claim_by_manifest(paths, manifest, &mut owners, &mut discovery);
    // Nodes a compose file starts whatever their files (a portal configured
    // by `LIFERAY_*` variables alone).
    let mut started: Vec<usize> = Vec::new();
    if manifest.nodes.is_empty() && context.environment.is_none() {
        started = context
            .services
            .iter()
            .map(|service| node_named(&mut discovery, service))
            .collect();
    }
    if manifest.nodes.is_empty() {
        claim_by_deployment(
            paths,
            context.claims,
            &formats,
            &excluded,
            &mut claimed,
            &mut owners,
            &mut discovery,
        );
    }

    if let Some(environment) = context.environment {
        workspace_node(
            paths,
            environment,
            &formats,
            &claimed,
            &mut owners,
            &mut discovery,
        );
    } else {
        infer_nodes(
            paths,
            manifest,
            &formats,
            &excluded,
            &claimed,
            &mut owners,
            &mut discovery,
            context,
        );
    }

    for (i, path) in paths.iter().enumerate() {
        match (owners[i].is_empty(), formats[i]) {
            (false, Some(format)) => {
                for &node in &owners[i] {
                    discovery.files.push(DiscoveredFile {
                        path: path.clone(),
                        format,
                        node: Some(node),
                    });
                }
            }
            (true, Some(format)) if format.is_deployment() => {
                discovery.files.push(DiscoveredFile {
                    path: path.clone(),
                    format,
                    node: None,
                });
            }
            _ => discovery.ignored.push(path.clone()),
        }
    }
    drop_empty_nodes(&mut discovery, &started);
    discovery
}

/// Each path's format: the manifest's `[files]` override, its name, then
/// its content (an XML root element, an INI section with `accept`); a
/// file named `hosts` that is an Ansible inventory is none.
fn formats_of(
    paths: &[String],
    manifest: &Manifest,
    head: &(dyn Fn(&str) -> Option<Vec<u8>> + Sync),
    mounted_at: &HashMap<&str, String>,
    discovery: &mut Discovery,
) -> Vec<Option<Format>> {
    let overrides: Vec<(GlobMatcher, Format)> = manifest
        .files
        .iter()
        .filter_map(|o| Some((matcher(&o.glob.value)?, o.format)))
        .collect();
    let mut override_used = vec![false; overrides.len()];
    let chosen: Vec<Option<usize>> = paths
        .iter()
        .map(|path| overrides.iter().position(|(m, _)| m.is_match(path)))
        .collect();
    for &k in chosen.iter().flatten() {
        override_used[k] = true;
    }
    // Confirming or sniffing a format reads the file's first bytes: the
    // files are read in parallel.
    let formats = paths
        .par_iter()
        .zip(&chosen)
        .map(|(path, chosen)| {
            if let Some(k) = *chosen {
                return Some(overrides[k].1);
            }
            let name = path.rsplit('/').next().unwrap_or(path);
            // A file mounted into a container is what its place there says
            // (`./conf/master.conf` at `/etc/redis/redis.conf`).
            let by_place = || {
                mounted_at
                    .get(path.as_str())
                    .and_then(|target| classify(target.trim_start_matches('/')))
            };
            let format = match classify(path).or_else(by_place) {
                Some(format) => confirmed(format, || head(path)),
                None if sniffs(name) => head(path).and_then(|h| sniff(name, &h)),
                None => None,
            };
            format.filter(|f| !f.spec().is_sample(path))
        })
        .collect();
    for (used, o) in override_used.iter().zip(&manifest.files) {
        if !used {
            discovery.manifest_errors.push(ParseError::new(
                o.glob.range,
                format!("the glob `{}` matches no file", o.glob.value),
            ));
        }
    }
    formats
}

/// Paths that belong to no node: those of deployment folders and those the
/// manifest's `exclude` names (a glob, or a folder and all below it).
fn excluded_paths(paths: &[String], manifest: &Manifest, discovery: &mut Discovery) -> Vec<bool> {
    let mut globs = GlobSetBuilder::new();
    for pattern in &manifest.exclude {
        let value = pattern.value.trim_end_matches('/');
        if let Ok(glob) = Glob::new(value) {
            globs.add(glob);
        }
        if let Ok(glob) = Glob::new(&format!("{value}/**")) {
            globs.add(glob);
        }
    }
    let set = globs.build().unwrap_or_else(|_| GlobSet::empty());
    let mut used = vec![false; manifest.exclude.len()];
    let excluded = paths
        .iter()
        .map(|path| {
            let by_manifest = set.matches(path);
            for &m in &by_manifest {
                used[m / 2] = true;
            }
            !by_manifest.is_empty() || layout::in_non_node_folder(path)
        })
        .collect();
    for (used, pattern) in used.iter().zip(&manifest.exclude) {
        if !used {
            discovery.manifest_errors.push(ParseError::new(
                pattern.range,
                format!("`exclude` names `{}`, which matches no file", pattern.value),
            ));
        }
    }
    excluded
}

/// The manifest's nodes, in its order, with the files they claim (by
/// `files` glob, else their folder). Returns which paths are claimed.
fn claim_by_manifest(
    paths: &[String],
    manifest: &Manifest,
    owners: &mut [Vec<usize>],
    discovery: &mut Discovery,
) -> Vec<bool> {
    let mut claimed = vec![false; paths.len()];
    // Paths in sorted order, so a node folder's files are one range found by
    // binary search instead of a scan per node.
    let mut sorted: Vec<usize> = (0..paths.len()).collect();
    sorted.sort_by(|&a, &b| paths[a].cmp(&paths[b]));
    let under = |prefix: &str| {
        let start = sorted.partition_point(|&i| paths[i].as_str() < prefix);
        let len = sorted[start..].partition_point(|&i| paths[i].starts_with(prefix));
        &sorted[start..start + len]
    };
    // All globs go in one set, matched once per path.
    let mut globs = GlobSetBuilder::new();
    let mut glob_owner: Vec<(usize, usize)> = Vec::new(); // (node, glob index in the node)
    for (index, node) in manifest.nodes.iter().enumerate() {
        let node_index = discovery.nodes.len();
        let layers = if node.files.is_some() {
            Vec::new()
        } else {
            vec![node.name.clone()]
        };
        discovery.nodes.push(DiscoveredNode {
            name: node.name.clone(),
            manifest_index: Some(index),
            layers,
            mounts: Vec::new(),
        });
        if let Some(node_globs) = &node.files {
            for (k, glob) in node_globs.iter().enumerate() {
                if let Ok(compiled) = Glob::new(&glob.value) {
                    globs.add(compiled);
                    glob_owner.push((node_index, k));
                }
            }
        } else {
            let prefix = format!("{}/", node.name);
            let files = under(&prefix);
            for &i in files {
                owners[i].push(node_index);
                claimed[i] = true;
            }
            if files.is_empty() {
                discovery.manifest_errors.push(ParseError::new(
                    node.name_range,
                    format!(
                        "node `{}` has no folder `{}/` and no `files` globs, so it has no files",
                        node.name, node.name
                    ),
                ));
            }
        }
    }
    if glob_owner.is_empty() {
        return claimed;
    }
    let set = globs.build().unwrap_or_else(|_| GlobSet::empty());
    let mut glob_used = vec![false; glob_owner.len()];
    let mut hits = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        set.matches_into(path, &mut hits);
        for &g in &hits {
            glob_used[g] = true;
            let node = glob_owner[g].0;
            if !owners[i].contains(&node) {
                owners[i].push(node);
            }
            claimed[i] = true;
        }
    }
    // A node given by globs lives where its files do: the folder all its
    // claimed files share, for resolving absolute paths.
    for node in 0..discovery.nodes.len() {
        if !discovery.nodes[node].layers.is_empty() {
            continue;
        }
        let mine: Vec<&str> = (0..paths.len())
            .filter(|&i| owners[i].contains(&node))
            .map(|i| paths[i].as_str())
            .collect();
        discovery.nodes[node].layers = vec![common_folder(&mine)];
    }
    for (g, &(node_index, k)) in glob_owner.iter().enumerate() {
        if glob_used[g] {
            continue;
        }
        let index = discovery.nodes[node_index].manifest_index.unwrap_or(0);
        if let Some(glob) = manifest.nodes[index].files.as_ref().and_then(|f| f.get(k)) {
            discovery.manifest_errors.push(ParseError::new(
                glob.range,
                format!("the glob `{}` matches no file", glob.value),
            ));
        }
    }
    claimed
}

/// The index of the node called `name`, added without folders if there is
/// none yet.
fn node_named(discovery: &mut Discovery, name: &str) -> usize {
    if let Some(node) = discovery.nodes.iter().position(|n| n.name == name) {
        return node;
    }
    discovery.nodes.push(DiscoveredNode {
        name: name.to_string(),
        manifest_index: None,
        layers: Vec::new(),
        mounts: Vec::new(),
    });
    discovery.nodes.len() - 1
}

/// The nodes of compose services that mount or build from the cluster's
/// files: named after the service, reading each file it mounts (one file
/// mounted into two services is read by both) and every file of a folder
/// it mounts or builds from.
fn claim_by_deployment(
    paths: &[String],
    claims: &[crate::formats::deploy::Claim],
    formats: &[Option<Format>],
    excluded: &[bool],
    claimed: &mut [bool],
    owners: &mut [Vec<usize>],
    discovery: &mut Discovery,
) {
    for claim in claims {
        let node = node_named(discovery, &claim.service);
        if let Some(target) = &claim.target {
            let mount = (
                target.trim_end_matches('/').to_string(),
                claim.source.clone(),
            );
            // Alternative compose files may mount the same file alike.
            if !discovery.nodes[node].mounts.contains(&mount) {
                discovery.nodes[node].mounts.push(mount);
            }
        }
        let prefix = format!("{}/", claim.source);
        // Of a mounted folder's files, those of a kind the command line
        // names one of are the named ones only (`stunnel
        // /etc/stunnel/srv.conf` runs srv.conf, not cli.conf beside it).
        let place = |path: &str| {
            crate::formats::deploy::place_in_container(std::slice::from_ref(claim), path)
        };
        let named_formats: Vec<Format> = if claim.folder {
            paths
                .iter()
                .enumerate()
                .filter(|(_, p)| p.starts_with(&prefix))
                .filter(|(_, p)| place(p).is_some_and(|t| claim.named.contains(&t)))
                .filter_map(|(i, _)| formats[i])
                .collect()
        } else {
            Vec::new()
        };
        for (i, path) in paths.iter().enumerate() {
            let taken = if claim.folder {
                path.starts_with(&prefix)
                    && (formats[i].is_none_or(|f| !named_formats.contains(&f))
                        || place(path).is_some_and(|t| claim.named.contains(&t)))
            } else {
                *path == claim.source
            };
            if claim.folder && path.starts_with(&prefix) && !taken {
                // Another service's, or included by the named one.
                claimed[i] = true;
                continue;
            }
            if taken
                && !owners[i].contains(&node)
                && (claim.folder || !excluded[i] || claim.target.is_some())
            {
                owners[i].push(node);
                claimed[i] = true;
            }
        }
    }
    not_deployed(paths, claims, formats, claimed, discovery);
    // A node made of mounts lives where its files do, for the rest.
    for node in 0..discovery.nodes.len() {
        if discovery.nodes[node].layers.is_empty() && discovery.nodes[node].manifest_index.is_none()
        {
            let mine: Vec<&str> = (0..paths.len())
                .filter(|&i| owners[i].contains(&node))
                .map(|i| paths[i].as_str())
                .collect();
            if mine.is_empty() {
                // A service configured by its environment: its folder, if
                // any, comes from the folders' shape.
                continue;
            }
            discovery.nodes[node].layers = vec![common_folder(&mine)];
        }
    }
}

/// Configuration files that compose services would mount but none does:
/// a file beside the compose file, or beside files mounted one by one,
/// of a format mounted from there (`config/echo-server-config.xml` when
/// the services mount `config/cloud-config.xml` and
/// `config/onprem-config.xml`). No container reads them; they are
/// skipped with a note.
fn not_deployed(
    paths: &[String],
    claims: &[crate::formats::deploy::Claim],
    formats: &[Option<Format>],
    claimed: &mut [bool],
    discovery: &mut Discovery,
) {
    let index: HashMap<&str, usize> = paths
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), i))
        .collect();
    // Folder → formats mounted one file at a time from it, and the
    // compose file mounting them.
    let mut mounted: HashMap<&str, Vec<(Format, &str)>> = HashMap::new();
    for claim in claims.iter().filter(|c| !c.folder && c.target.is_some()) {
        let Some(format) = index.get(claim.source.as_str()).and_then(|&i| formats[i]) else {
            continue;
        };
        if format.is_deployment() {
            continue;
        }
        // The compose file's folder counts unless an image is built there
        // (its Dockerfile may copy the file in).
        let compose_folder = folder_of(&claim.compose);
        let builds_there = paths.iter().any(|p| {
            folder_of(p) == compose_folder
                && crate::formats::deploy::DescriptorKind::of_name(
                    p.rsplit('/').next().unwrap_or(p),
                ) == Some(crate::formats::deploy::DescriptorKind::Dockerfile)
        });
        let mut folders = vec![folder_of(&claim.source)];
        if !builds_there {
            folders.push(compose_folder);
        }
        for folder in folders {
            mounted
                .entry(folder)
                .or_default()
                .push((format, claim.compose.as_str()));
        }
    }
    for (i, path) in paths.iter().enumerate() {
        let Some(format) = formats[i] else { continue };
        if claimed[i] {
            continue;
        }
        let Some((_, compose)) = mounted
            .get(folder_of(path))
            .and_then(|m| m.iter().find(|(f, _)| *f == format))
        else {
            continue;
        };
        claimed[i] = true;
        discovery.notes.push(LayoutNote {
            node: None,
            path: Some(path.clone()),
            message: format!(
                "no service of `{compose}` mounts `{path}`, though they mount files of its kind beside it: it was not checked"
            ),
        });
    }
}

/// The folder part of a path (`""` at the top).
fn folder_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(folder, _)| folder)
}

/// The longest folder all `paths` lie in (`""` if none).
fn common_folder(paths: &[&str]) -> String {
    let mut iter = paths.iter();
    let Some(first) = iter.next() else {
        return String::new();
    };
    let mut common: Vec<&str> = first.split('/').collect();
    common.pop();
    for path in iter {
        let parts: Vec<&str> = path.split('/').collect();
        let folders = &parts[..parts.len() - 1];
        let same = common
            .iter()
            .zip(folders)
            .take_while(|(a, b)| a == b)
            .count();
        common.truncate(same);
    }
    // A folder that mirrors `/` stands for the node's root.
    if let Some(at) = common.iter().position(|f| layout::ROOT_FOLDERS.contains(f)) {
        common.truncate(at);
    }
    common.join("/")
}

/// The one node of a Liferay Workspace environment: `configs/common`
/// overlaid by `configs/<environment>` (the workspace copies both into the
/// bundle, the environment last). A file of `common` that the environment
/// replaces is not read.
fn workspace_node(
    paths: &[String],
    environment: &str,
    formats: &[Option<Format>],
    claimed: &[bool],
    owners: &mut [Vec<usize>],
    discovery: &mut Discovery,
) {
    let own = format!("{}/{environment}", layout::WORKSPACE_CONFIGS);
    let common = format!("{}/{}", layout::WORKSPACE_CONFIGS, layout::WORKSPACE_COMMON);
    let node = discovery.nodes.len();
    discovery.nodes.push(DiscoveredNode {
        name: environment.to_string(),
        manifest_index: None,
        layers: vec![own.clone(), common.clone()],
        mounts: Vec::new(),
    });
    let in_own: HashSet<&str> = paths
        .iter()
        .filter_map(|p| p.strip_prefix(&own)?.strip_prefix('/'))
        .collect();
    for (i, path) in paths.iter().enumerate() {
        if claimed[i] || formats[i].is_none() {
            continue;
        }
        let belongs = if let Some(rest) = path.strip_prefix(&own).and_then(|r| r.strip_prefix('/'))
        {
            !rest.is_empty()
        } else if let Some(rest) = path.strip_prefix(&common).and_then(|r| r.strip_prefix('/')) {
            !in_own.contains(rest)
        } else {
            false
        };
        if belongs {
            owners[i].push(node);
        }
    }
}

/// Nodes from the paths' shape, for the files the manifest leaves.
#[allow(clippy::too_many_arguments)]
fn infer_nodes(
    paths: &[String],
    manifest: &Manifest,
    formats: &[Option<Format>],
    excluded: &[bool],
    claimed: &[bool],
    owners: &mut [Vec<usize>],
    discovery: &mut Discovery,
    context: Context<'_>,
) {
    let manifest_names: HashSet<&str> = manifest.nodes.iter().map(|n| n.name.as_str()).collect();
    // Where each configuration file's node begins.
    let mut folders: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut at_root: Vec<usize> = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let Some(format) = formats[i] else { continue };
        if claimed[i] || excluded[i] || format.is_deployment() {
            continue;
        }
        let home = formats::home_of(path, format);
        if home.is_empty() {
            at_root.push(i);
        } else {
            let top = home.split('/').next().unwrap_or(home);
            let inner = folders.entry(top).or_default();
            if home != top {
                let below = &home[top.len() + 1..];
                inner.insert(below.split('/').next().unwrap_or(below));
            }
        }
    }
    folders.retain(|name, _| !manifest_names.contains(name));

    let mut by_name: BTreeMap<&str, usize> = BTreeMap::new();
    if folders.is_empty() && !at_root.is_empty() {
        // The root is the node (its files mirror `/` or a product's home).
        let node = discovery.nodes.len();
        discovery.nodes.push(DiscoveredNode {
            name: if context.root_name.is_empty() {
                "node".to_string()
            } else {
                context.root_name.to_string()
            },
            manifest_index: None,
            layers: vec![String::new()],
            mounts: Vec::new(),
        });
        for i in 0..paths.len() {
            if !claimed[i] && !excluded[i] {
                owners[i].push(node);
            }
        }
        return;
    }
    // A node folder that mirrors a machine's `/` holds its programs'
    // folders, not other nodes.
    let rooted: HashSet<&str> = paths
        .iter()
        .filter_map(|p| {
            let (top, rest) = p.split_once('/')?;
            let (first, _) = rest.split_once('/')?;
            layout::ROOT_FOLDERS.contains(&first).then_some(top)
        })
        .collect();
    for (name, inner) in &folders {
        // A folder named like a compose service's node is that node.
        let node = node_named(discovery, name);
        discovery.nodes[node].layers.push((*name).to_string());
        by_name.insert(name, node);
        if inner.len() >= 2 && !rooted.contains(name) {
            let mut names: Vec<&str> = inner.iter().copied().take(4).collect();
            if inner.len() > 4 {
                names.push("…");
            }
            discovery.notes.push(LayoutNote {
                node: Some(node),
                path: None,
                message: format!(
                    "`{name}` was taken for one node, but it holds folders that each look like a node (`{}`): if it is a cluster of its own, check it on its own or name its nodes in a clusterlint.toml",
                    names.join("`, `")
                ),
            });
        }
    }
    for (i, path) in paths.iter().enumerate() {
        if claimed[i] || excluded[i] {
            continue;
        }
        let Some((top, _)) = path.split_once('/') else {
            continue;
        };
        if let Some(&node) = by_name.get(top) {
            owners[i].push(node);
        }
    }
    for &i in &at_root {
        if owners[i].is_empty() {
            discovery.notes.push(LayoutNote {
                node: None,
                path: Some(paths[i].clone()),
                message: format!(
                    "`{}` is in no node folder, so no node reads it: name the node it belongs to in a clusterlint.toml (`files`)",
                    paths[i]
                ),
            });
        }
    }
}

/// Removes the inferred nodes no file was found for, renumbering files.
fn drop_empty_nodes(discovery: &mut Discovery, started: &[usize]) {
    let mut keep: Vec<bool> = discovery
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| n.manifest_index.is_some() || started.contains(&i))
        .collect();
    for file in &discovery.files {
        if let Some(node) = file.node {
            keep[node] = true;
        }
    }
    let mut remap = vec![usize::MAX; discovery.nodes.len()];
    let mut next = 0;
    for (i, kept) in keep.iter().enumerate() {
        if *kept {
            remap[i] = next;
            next += 1;
        }
    }
    let mut i = 0;
    discovery.nodes.retain(|_| {
        i += 1;
        keep[i - 1]
    });
    for file in &mut discovery.files {
        file.node = file.node.map(|n| remap[n]);
    }
    discovery.notes.retain_mut(|note| match note.node {
        Some(node) if remap[node] == usize::MAX => false,
        Some(node) => {
            note.node = Some(remap[node]);
            true
        }
        None => true,
    });
}

fn matcher(glob: &str) -> Option<GlobMatcher> {
    Some(Glob::new(glob).ok()?.compile_matcher())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(list: &[&str]) -> Vec<String> {
        list.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn classification_precedence() {
        assert_eq!(
            classify("a/etc/stunnel/redis-client.conf"),
            Some(Format::STUNNEL)
        );
        assert_eq!(classify("a/etc/redis/redis-6379.conf"), Some(Format::REDIS));
        assert_eq!(classify("a/osgi/configs/x.cfg"), Some(Format::OSGI_CFG));
        assert_eq!(classify("a/x.cfg"), None);
        assert_eq!(
            classify("a/osgi/configs/x.config"),
            Some(Format::OSGI_CONFIG)
        );
        assert_eq!(
            classify("a/portal-setup-wizard.properties"),
            Some(Format::LIFERAY_PROPERTIES)
        );
        assert_eq!(classify("a/etc/hosts"), Some(Format::HOSTS));
        assert_eq!(classify("a/csync2_prod.cfg"), Some(Format::CSYNC2));
        assert_eq!(classify("a/README.md"), None);
        assert_eq!(classify("a/WebApp/Web.config"), None);
        assert_eq!(classify("a/packages.config"), None);
        assert_eq!(
            classify("a/com.example.portal.Thing~default.config"),
            Some(Format::OSGI_CONFIG)
        );
        assert_eq!(
            classify("a/osgi/configs/Odd.config"),
            Some(Format::OSGI_CONFIG)
        );
        assert_eq!(
            classify("lb/etc/nginx/conf.d/site.conf"),
            Some(Format::NGINX)
        );
        assert_eq!(
            classify("lb/etc/nginx/sites-enabled/default"),
            Some(Format::NGINX)
        );
        assert_eq!(classify("lb/etc/nginx/sites-available/default"), None);
        assert_eq!(classify("app/conf.d/site.conf"), None);
    }

    #[test]
    fn sniffing() {
        assert_eq!(
            sniff(
                "x.conf",
                b"<?xml version=\"1.0\"?>\n<!-- c -->\n<gateway-config xmlns=\"x\">"
            ),
            Some(Format::KAAZING_XML)
        );
        assert_eq!(sniff("x.conf", b"<beans/>"), None);
        assert_eq!(
            sniff("x.conf", b"pid = /run/x.pid\n[redis]\naccept = 6379\n"),
            Some(Format::STUNNEL)
        );
        assert_eq!(sniff("x.conf", b"port 6379\n"), None);
        assert_eq!(
            sniff(
                "x.conf",
                b"# primary\nport 6382\nrepl-diskless-sync yes\nsave \"\"\n"
            ),
            Some(Format::REDIS)
        );
        assert_eq!(sniff("x.conf", b"worker_processes 1;\nevents { }\n"), None);
        assert_eq!(
            sniff("x.conf", b"[program:x]\ncommand=redis-server a.conf\n"),
            None
        );
    }

    #[test]
    fn folders_are_nodes() {
        let d = discover(
            &paths(&[
                "app1/portal-ext.properties",
                "app2/portal-ext.properties",
                "README.md",
                "docs/notes.txt",
            ]),
            None,
            &|_| None,
            Context::default(),
        );
        let names: Vec<_> = d.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["app1", "app2"]);
        assert_eq!(d.ignored, ["README.md", "docs/notes.txt"]);
    }

    #[test]
    fn manifest_globs_claim_files() {
        let manifest = crate::manifest::parse(
            "[nodes.lb]\nfiles = [\"balancer/**\"]\n[nodes.ghost]\n[nodes.app1]\nfiles = [\"nowhere/**\"]\n",
        );
        let d = discover(
            &paths(&["balancer/nginx.conf", "app1/portal-ext.properties"]),
            Some(&manifest),
            &|_| None,
            Context::default(),
        );
        assert_eq!(d.nodes[d.files[0].node.unwrap()].name, "lb");
        // `app1/` is not claimed by node app1 (its glob points elsewhere).
        assert_eq!(d.ignored, ["app1/portal-ext.properties"]);
        assert_eq!(d.manifest_errors.len(), 2);
    }

    fn names(d: &Discovery) -> Vec<&str> {
        d.nodes.iter().map(|n| n.name.as_str()).collect()
    }

    fn files_of<'a>(d: &'a Discovery, node: &str) -> Vec<&'a str> {
        let index = d.nodes.iter().position(|n| n.name == node).unwrap();
        d.files
            .iter()
            .filter(|f| f.node == Some(index))
            .map(|f| f.path.as_str())
            .collect()
    }

    #[test]
    fn a_node_folders_own_subfolders_are_not_nodes() {
        let d = discover(
            &paths(&[
                "osgi/configs/a.b.C.config",
                "portal-ext.properties",
                "tomcat/bin/setenv.sh",
            ]),
            None,
            &|_| None,
            Context {
                root_name: "app1",
                environment: None,
                claims: &[],
                services: &[],
            },
        );
        assert_eq!(names(&d), ["app1"]);
        assert_eq!(d.nodes[0].layers, [""]);
        assert_eq!(d.files.len(), 3);
        // A rooted node at the top is one node too.
        let d = discover(
            &paths(&[
                "etc/nginx/nginx.conf",
                "etc/hosts",
                "etc/nginx/conf.d/a.conf",
            ]),
            None,
            &|_| None,
            Context {
                root_name: "lb",
                environment: None,
                claims: &[],
                services: &[],
            },
        );
        assert_eq!(names(&d), ["lb"]);
        // nginx's own include folder belongs to it.
        assert!(d.ignored.is_empty(), "{:?}", d.ignored);
        assert_eq!(files_of(&d, "lb").len(), 3);
    }

    #[test]
    fn deployment_folders_and_inventories_hold_no_nodes() {
        let inventory = b"[gluu-servers]\ngluu-main\ngluu-mirror\n".to_vec();
        let head = move |path: &str| path.ends_with("hosts").then(|| inventory.clone());
        let d = discover(
            &paths(&[
                "_deploy/env/hosts",
                "_deploy/sentinel/sentinel.conf",
                "s1/usr/local/etc/redis/sentinel.conf",
                "lb/hosts",
            ]),
            None,
            &head,
            Context::default(),
        );
        assert_eq!(names(&d), ["s1"]);
        assert!(d.ignored.contains(&"lb/hosts".to_string()));
        assert!(crate::formats::hosts::format::is_ansible_inventory(
            b"gluu-main ansible_host=1.2.3.4\n"
        ));
        assert!(!crate::formats::hosts::format::is_ansible_inventory(
            b"127.0.0.1 localhost\nbad line\n"
        ));
    }

    #[test]
    fn the_manifest_excludes_and_shares_files() {
        let manifest = crate::manifest::parse(
            "[cluster]\nexclude = [\"old\"]\n[nodes.r1]\nfiles = [\"shared/redis.conf\"]\n[nodes.r2]\nfiles = [\"shared/redis.conf\"]\n",
        );
        assert!(manifest.errors.is_empty(), "{:?}", manifest.errors);
        let d = discover(
            &paths(&["shared/redis.conf", "old/x/redis.conf"]),
            Some(&manifest),
            &|_| None,
            Context::default(),
        );
        assert_eq!(names(&d), ["r1", "r2"]);
        assert_eq!(files_of(&d, "r1"), ["shared/redis.conf"]);
        assert_eq!(files_of(&d, "r2"), ["shared/redis.conf"]);
        assert_eq!(d.ignored, ["old/x/redis.conf"]);
    }

    #[test]
    fn a_workspace_environment_is_common_overlaid_by_its_folder() {
        let d = discover(
            &paths(&[
                "configs/common/portal-ext.properties",
                "configs/common/osgi/configs/a.B.config",
                "configs/prod/portal-ext.properties",
                "configs/uat/portal-ext.properties",
                "gradle.properties",
            ]),
            None,
            &|_| None,
            Context {
                root_name: "ws",
                environment: Some("prod"),
                claims: &[],
                services: &[],
            },
        );
        assert_eq!(names(&d), ["prod"]);
        assert_eq!(
            files_of(&d, "prod"),
            [
                "configs/common/osgi/configs/a.B.config",
                "configs/prod/portal-ext.properties"
            ]
        );
    }

    #[test]
    fn a_folder_holding_node_folders_is_noted() {
        let d = discover(
            &paths(&[
                "c1/n1/etc/redis/redis.conf",
                "c1/n2/etc/redis/redis.conf",
                "n3/redis.conf",
            ]),
            None,
            &|_| None,
            Context::default(),
        );
        assert_eq!(names(&d), ["c1", "n3"]);
        assert_eq!(d.notes.len(), 1);
        assert!(d.notes[0].message.contains("`c1`"));
    }
}
