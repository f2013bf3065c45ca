//! Which clusters a path stands for, wherever the user stands: like ruff
//! finding its settings, the nearest `clusterlint.toml` upward decides;
//! without one, the shape of the folders does. A folder may be a cluster
//! root, hold several clusters (each is checked as itself), or lie inside
//! a node (its cluster is checked); a file stands for its own cluster. A
//! Liferay Workspace holds one cluster per environment.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::formats::{self, Family, Format};
use crate::layout;
use crate::manifest;

/// One cluster to check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterRoot {
    /// The cluster's folder.
    pub folder: PathBuf,
    /// The Liferay Workspace environment this cluster is, if it is one.
    pub environment: Option<String>,
    /// Folders inside `folder` (cluster paths) that hold other clusters.
    pub excluded: Vec<String>,
    /// A `clusterlint.toml` above the folder whose settings apply (one that
    /// names no nodes), when the folder has none of its own.
    pub settings: Option<PathBuf>,
}

impl ClusterRoot {
    fn new(folder: &Path) -> Self {
        Self {
            // Without a trailing `/` or `.` (`check .` names the folder).
            folder: folder.components().collect(),
            environment: None,
            excluded: Vec::new(),
            settings: None,
        }
    }
}

/// How far above a folder its ancestors' names are read to place it, and
/// how many entries a look at a neighbouring folder may read.
const LOOK_UP_LEVELS: usize = 6;
const SCAN_BUDGET: usize = 50_000;

/// The clusters a folder stands for: the cluster of the nearest manifest
/// above it that names nodes; else the clusters its shape shows (the
/// folder itself, the clusters below it, or the cluster of the node it
/// lies in). Empty when nothing in or around it looks like a cluster.
#[must_use]
pub fn clusters_for_folder(dir: &Path) -> Vec<ClusterRoot> {
    let Ok(dir) = std::path::absolute(dir) else {
        return Vec::new();
    };
    let settings = manifest_above(&dir);
    if let Some(root) = &settings
        && manifest_names_nodes(root)
    {
        return vec![ClusterRoot::new(root)];
    }
    let ceiling = ceiling_of(&dir, settings.as_deref());
    let mut clusters = plan_folder(&dir, &ceiling);
    if clusters.is_empty() {
        clusters = deployed_from(&dir, &ceiling);
    }
    if clusters.is_empty() {
        clusters = workspace_environments_around(&dir);
    }
    if clusters.is_empty() {
        clusters = around_unread_node(&dir, &ceiling);
    }
    let mut clusters = lifted_to_deployments(clusters, &ceiling);
    let settings_file = settings.map(|root| root.join(manifest::FILE_NAME));
    for cluster in &mut clusters {
        if !cluster.folder.join(manifest::FILE_NAME).is_file() {
            cluster.settings.clone_from(&settings_file);
        }
    }
    clusters
}

/// A folder of deployment files (compose files, Dockerfiles, scripts)
/// beside the nodes stands for the cluster it deploys, however deep.
fn deployed_from(dir: &Path, ceiling: &Path) -> Vec<ClusterRoot> {
    let mut at = dir.to_path_buf();
    while at != ceiling && at.starts_with(ceiling) && holds_deployment(&at) {
        let Some(above) = at.parent() else { break };
        let clusters: Vec<ClusterRoot> = plan_folder(above, ceiling)
            .into_iter()
            .filter(|c| c.folder == above)
            .collect();
        if !clusters.is_empty() {
            return clusters;
        }
        at = above.to_path_buf();
    }
    Vec::new()
}

/// Anywhere in a Liferay Workspace: in `configs/<environment>/`, that
/// environment; elsewhere (`common`, `templates/`, `modules/`), every one.
fn workspace_environments_around(dir: &Path) -> Vec<ClusterRoot> {
    let Some((workspace, environment)) = workspace_around(dir) else {
        return Vec::new();
    };
    let chosen = match environment {
        Some(env) if env != layout::WORKSPACE_COMMON => [env].into(),
        _ => environments_on_disk(&workspace),
    };
    workspace_clusters(&workspace, &chosen)
}

/// Each cluster, or the cluster of a compose file a few folders above it
/// that mounts or builds its files (`compose.yaml` beside `config/<service>/`).
fn lifted_to_deployments(clusters: Vec<ClusterRoot>, ceiling: &Path) -> Vec<ClusterRoot> {
    let mut out: Vec<ClusterRoot> = Vec::new();
    for cluster in clusters {
        let lifted = if cluster.environment.is_some()
            || cluster.folder.join(manifest::FILE_NAME).is_file()
        {
            None
        } else {
            deployment_above(&cluster.folder, ceiling)
        };
        let cluster = lifted.unwrap_or(cluster);
        if !out
            .iter()
            .any(|c| c.folder == cluster.folder && c.environment == cluster.environment)
        {
            out.push(cluster);
        }
    }
    out
}

/// The cluster of a compose file in a folder above `folder` (up to
/// [`LOOK_UP_LEVELS`], not above `ceiling`) whose services mount or build
/// files of `folder`, when that cluster holds `folder`.
fn deployment_above(folder: &Path, ceiling: &Path) -> Option<ClusterRoot> {
    let holds_compose = |dir: &Path| {
        std::fs::read_dir(dir).is_ok_and(|entries| {
            entries.flatten().any(|e| {
                crate::formats::deploy::DescriptorKind::of_name(&e.file_name().to_string_lossy())
                    == Some(crate::formats::deploy::DescriptorKind::Compose)
            })
        })
    };
    folder
        .ancestors()
        .skip(1)
        .take(LOOK_UP_LEVELS)
        .take_while(|a| a.starts_with(ceiling) && a.parent().is_some())
        .filter(|a| holds_compose(a))
        .find_map(|above| {
            let base = base_of(above, ceiling);
            let listing = list(above, &base, None, SCAN_BUDGET);
            if listing.truncated {
                return None;
            }
            let inside = folder.strip_prefix(&base).map(slashes).ok()?;
            deployments(&listing, &base)
                .into_iter()
                .find(|(root, sources)| {
                    is_inside(&inside, root)
                        && sources
                            .iter()
                            .any(|s| s == &inside || is_inside(s, &inside) || is_inside(&inside, s))
                })
                .map(|(root, _)| ClusterRoot::new(&base.join(root)))
        })
        .map(|lifted| {
            // The planner's view of that folder, with its exclusions.
            plan_folder(&lifted.folder, ceiling)
                .into_iter()
                .find(|c| c.folder == lifted.folder)
                .unwrap_or(lifted)
        })
}

/// In the folder of a node whose files clusterlint does not read (a
/// database's, a search engine's), or inside its `/`
/// (`elastic-1/usr/share/...`): the cluster around that node.
fn around_unread_node(dir: &Path, ceiling: &Path) -> Vec<ClusterRoot> {
    let is_root_folder = |p: &Path| {
        p.file_name()
            .is_some_and(|n| layout::ROOT_FOLDERS.contains(&n.to_string_lossy().as_ref()))
    };
    let node = dir
        .ancestors()
        .take_while(|a| a.starts_with(ceiling) && *a != ceiling && a.parent().is_some())
        .find_map(|a| {
            if is_root_folder(a) {
                return a.parent();
            }
            let mirrors = std::fs::read_dir(a).is_ok_and(|entries| {
                entries
                    .flatten()
                    .any(|e| e.path().is_dir() && is_root_folder(&e.path()))
            });
            mirrors.then_some(a)
        })
        .filter(|p| p.parent().is_some())
        .map_or_else(|| dir.to_path_buf(), Path::to_path_buf);
    let around = cluster_around_node(&node, ceiling);
    if around.folder == node {
        Vec::new()
    } else {
        vec![around]
    }
}

/// The clusters a file belongs to (several for a file a Liferay
/// Workspace shares between its environments). Empty when the file is in
/// no cluster.
#[must_use]
pub fn clusters_for_file(file: &Path) -> Vec<ClusterRoot> {
    let Ok(file) = std::path::absolute(file) else {
        return Vec::new();
    };
    let Some(folder) = file.parent() else {
        return Vec::new();
    };
    let settings = manifest_above(folder);
    if let Some(root) = &settings
        && manifest_names_nodes(root)
    {
        return vec![ClusterRoot::new(root)];
    }
    let ceiling = ceiling_of(folder, settings.as_deref());
    let settings_file = settings.map(|root| root.join(manifest::FILE_NAME));
    let mut clusters = Vec::new();
    // A configuration file places its node; any other file is placed by
    // the nearest folder upward that is, or lies in, a cluster.
    // Deployment files place nothing: they are placed by their folder.
    let format = format_of(&file, &base_of(folder, &ceiling)).filter(|f| !f.is_deployment());
    let mut at = folder.to_path_buf();
    loop {
        let found = match format {
            Some(format) => plan_file(&file, format, &ceiling),
            None => plan_folder(&at, &ceiling),
        };
        // Climbing from a file that is no configuration file: a cluster
        // above counts when the climb stood in one of its nodes, or the file
        // is in the cluster's own folder, never for a file in some folder
        // beside its nodes.
        let holding: Vec<ClusterRoot> = found
            .into_iter()
            .filter(|c| file.starts_with(&c.folder))
            .filter(|c| format.is_some() || c.folder == folder || at != c.folder)
            .filter(|c| c.environment.is_none() || workspace_file_in_environment(c, &file))
            .collect();
        if !holding.is_empty() {
            clusters = holding;
            break;
        }
        if format.is_some() || at == ceiling || !at.pop() || !at.starts_with(&ceiling) {
            break;
        }
    }
    let mut clusters = lifted_to_deployments(clusters, &ceiling);
    for cluster in &mut clusters {
        if !cluster.folder.join(manifest::FILE_NAME).is_file() {
            cluster.settings.clone_from(&settings_file);
        }
    }
    clusters
}

/// The Liferay Workspace a folder lies in (a folder above it with a
/// `configs/` folder and a build file or `configs/common/`), and the
/// environment when the folder is in `configs/<environment>/`.
fn workspace_around(dir: &Path) -> Option<(PathBuf, Option<String>)> {
    for at in dir.ancestors().take(LOOK_UP_LEVELS + 2) {
        let configs = at.join(layout::WORKSPACE_CONFIGS);
        if !configs.is_dir() {
            continue;
        }
        let marked = layout::WORKSPACE_MARKERS
            .iter()
            .any(|m| at.join(m).is_file())
            || configs.join(layout::WORKSPACE_COMMON).is_dir();
        if !marked {
            continue;
        }
        let environment = dir
            .strip_prefix(&configs)
            .ok()
            .and_then(|rest| rest.components().next())
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        return Some((at.to_path_buf(), environment));
    }
    None
}

/// Whether a folder is a deployment folder (`_deploy`) or holds deployment
/// descriptors.
fn holds_deployment(dir: &Path) -> bool {
    let named = dir
        .file_name()
        .is_some_and(|n| layout::is_non_node_folder(&n.to_string_lossy()));
    named
        || std::fs::read_dir(dir).is_ok_and(|entries| {
            entries.flatten().any(|e| {
                crate::formats::deploy::DescriptorKind::of_name(&e.file_name().to_string_lossy())
                    .is_some()
            })
        })
}

/// Whether a workspace file lies in the environment cluster `c` (its own
/// environment, `common`, or outside `configs/`).
fn workspace_file_in_environment(c: &ClusterRoot, file: &Path) -> bool {
    let Ok(inside) = file.strip_prefix(&c.folder) else {
        return false;
    };
    let path = slashes(inside);
    match layout::workspace_environment("", &path) {
        Some(env) => env == layout::WORKSPACE_COMMON || Some(env) == c.environment.as_deref(),
        None => true,
    }
}

/// The nearest folder at or above `folder` holding a `clusterlint.toml`,
/// looking no higher than the git repository it is in.
#[must_use]
pub fn manifest_above(folder: &Path) -> Option<PathBuf> {
    for dir in folder.ancestors() {
        if dir.join(manifest::FILE_NAME).is_file() {
            return Some(dir.to_path_buf());
        }
        // `.git` is a folder, or a file in worktrees and submodules.
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

/// Whether the manifest in `root` names nodes or claims files (then the
/// folder is one cluster, whatever its shape).
fn manifest_names_nodes(root: &Path) -> bool {
    let Ok(bytes) = crate::disk::read_regular(&root.join(manifest::FILE_NAME), 1 << 20) else {
        return true;
    };
    let parsed = manifest::parse(&String::from_utf8_lossy(&bytes));
    !parsed.nodes.is_empty() || !parsed.files.is_empty() || !parsed.errors.is_empty()
}

/// The highest folder a search from `dir` may look at: the settings'
/// folder, else the git repository's root, else a few levels up (never
/// the file system's root, whose top folders would read as a machine's).
fn ceiling_of(dir: &Path, settings: Option<&Path>) -> PathBuf {
    if let Some(root) = settings {
        return root.to_path_buf();
    }
    if let Some(git) = dir.ancestors().find(|d| d.join(".git").exists()) {
        return git.to_path_buf();
    }
    base_of(dir, Path::new("/"))
}

/// The folder whose relative paths are read to place `dir`: up to
/// [`LOOK_UP_LEVELS`] above it, not above `ceiling`, never the root of
/// the file system.
fn base_of(dir: &Path, ceiling: &Path) -> PathBuf {
    let mut base = dir.to_path_buf();
    for _ in 0..LOOK_UP_LEVELS {
        if base == ceiling || !base.starts_with(ceiling) {
            break;
        }
        let Some(parent) = base.parent() else { break };
        if parent.parent().is_none() {
            // `parent` is `/`: stay one level below it.
            break;
        }
        base = parent.to_path_buf();
    }
    base
}

/// What a look at a folder found.
#[derive(Debug, Default)]
struct Listing {
    /// Files with their format (`None`: not a configuration file), as
    /// paths relative to the listing's base.
    files: Vec<(String, Option<Format>)>,
    /// Folders holding a `clusterlint.toml`.
    manifests: BTreeSet<String>,
    /// Folders holding a file that marks a Liferay Workspace.
    workspace_markers: BTreeSet<String>,
    /// Whether the budget ran out before the look was complete.
    truncated: bool,
    /// The listed folder, relative to the base.
    prefix: String,
}

/// Lists `dir` (hidden and git-ignored files excepted, links not
/// followed), with paths relative to `base`.
fn list(dir: &Path, base: &Path, skip: Option<&Path>, budget: usize) -> Listing {
    let prefix = dir.strip_prefix(base).map(slashes).unwrap_or_default();
    let mut listing = Listing {
        prefix: prefix.clone(),
        ..Listing::default()
    };
    let join = |rel: &str| match (prefix.is_empty(), rel.is_empty()) {
        (true, _) => rel.to_string(),
        (false, true) => prefix.clone(),
        (false, false) => format!("{prefix}/{rel}"),
    };
    let mut walker = crate::walk::tree(dir);
    if let Some(skip) = skip {
        let skip = skip.to_path_buf();
        walker.filter_entry(move |e| e.path() != skip);
    }
    for (seen, entry) in walker.build().flatten().enumerate() {
        if seen >= budget {
            listing.truncated = true;
            break;
        }
        let path = entry.path();
        let is_file = entry
            .file_type()
            .is_some_and(|t| t.is_file() || t.is_symlink());
        if !is_file {
            continue;
        }
        let Ok(rel) = path.strip_prefix(dir) else {
            continue;
        };
        let rel = join(&slashes(rel));
        let name = rel.rsplit('/').next().unwrap_or(&rel);
        let folder = rel.rsplit_once('/').map_or("", |(f, _)| f).to_string();
        if name == manifest::FILE_NAME {
            listing.manifests.insert(folder);
            continue;
        }
        if layout::WORKSPACE_MARKERS.contains(&name) {
            listing.workspace_markers.insert(folder);
        }
        let format = classify_on_disk(path, &rel);
        listing.files.push((rel, format));
    }
    listing
}

/// The format of the file at `path` (cluster path `rel`): by name, then
/// by content where the name allows it.
fn classify_on_disk(path: &Path, rel: &str) -> Option<Format> {
    formats::recognise(rel, || head_of(path))
}

fn head_of(path: &Path) -> Option<Vec<u8>> {
    // Through a link inside the tree (its target is checked when read);
    // never blocking on a FIFO.
    let real = std::fs::canonicalize(path).ok()?;
    let mut head = Vec::with_capacity(4096);
    crate::disk::open_regular(&real)
        .ok()?
        .0
        .take(4096)
        .read_to_end(&mut head)
        .ok()?;
    Some(head)
}

fn format_of(file: &Path, base: &Path) -> Option<Format> {
    let rel = file.strip_prefix(base).map(slashes).ok()?;
    classify_on_disk(file, &rel)
}

/// Where each configuration file's node begins, and which folders are
/// cluster roots, for a listing relative to `base`.
#[derive(Debug, Default)]
struct Shape {
    /// Node folders (paths relative to the base), outermost only.
    homes: BTreeSet<String>,
    /// Liferay Workspaces: their folder and environments.
    workspaces: BTreeMap<String, BTreeSet<String>>,
    /// Folders with their own manifest.
    manifests: BTreeSet<String>,
    /// Cluster folders of compose files that mount or build configuration
    /// files: the folder holding both the compose file and those files.
    deployed: BTreeSet<String>,
}

fn shape_of(listing: &Listing, base: &Path) -> Shape {
    let mut shape = Shape {
        manifests: listing.manifests.clone(),
        ..Shape::default()
    };
    let under_manifest = |path: &str, manifests: &BTreeSet<String>| {
        manifests
            .iter()
            .any(|m| m.is_empty() || path.starts_with(&format!("{m}/")))
    };
    let mut homes: BTreeSet<String> = BTreeSet::new();
    for (path, format) in &listing.files {
        let Some(format) = format else { continue };
        if under_manifest(path, &shape.manifests)
            || in_non_node_folder(path, &listing.prefix)
            || format.is_deployment()
        {
            continue;
        }
        if format.spec().family() == Family::Liferay
            && let Some((workspace, environment)) = workspace_of(path, listing, base)
        {
            let environments = shape.workspaces.entry(workspace).or_default();
            if environment != layout::WORKSPACE_COMMON {
                environments.insert(environment);
            }
            continue;
        }
        homes.insert(formats::home_of(path, *format).to_string());
    }
    // A folder that mirrors a machine's `/` (it holds `etc/`, `usr/`, ...
    // with files) is one node: homes below it are its own folders.
    let rooted: BTreeSet<&str> = listing
        .files
        .iter()
        .filter_map(|(path, _)| {
            let folders: Vec<&str> = path.split('/').collect();
            let at = folders[..folders.len() - 1]
                .iter()
                .position(|f| layout::ROOT_FOLDERS.contains(f))?;
            (at > 0).then(|| &path[..folders[..at].iter().map(|f| f.len() + 1).sum::<usize>() - 1])
        })
        .collect();
    // The outermost such folder at or above each home, by its prefixes.
    homes = homes
        .into_iter()
        .map(|h| {
            let outermost = h
                .match_indices('/')
                .map(|(at, _)| &h[..at])
                .chain(std::iter::once(h.as_str()))
                .find(|prefix| rooted.contains(prefix))
                .map(str::to_string);
            outermost.unwrap_or(h)
        })
        .collect();
    // Homes whose files a compose file mounts or builds are its services'
    // (one node per service, not per folder); the cluster is the
    // deployment's.
    for (root, sources) in deployments(listing, base) {
        homes.retain(|h| {
            !sources.iter().any(|source| {
                h == source || is_inside(h, source) || (!h.is_empty() && is_inside(source, h))
            })
        });
        shape.deployed.insert(root);
    }
    // Homes inside a workspace's folder belong to it (its `docker/` files).
    homes.retain(|h| {
        !shape
            .workspaces
            .keys()
            .any(|w| w.is_empty() || h == w || h.starts_with(&format!("{w}/")))
    });
    shape.homes = node_folders(&homes);
    shape
}

/// The node folders among `homes`: a home holding the homes of two
/// folders or more is a cluster folder, not a node (its own files are
/// strays); any other home is a node, and the homes inside a node are
/// part of it.
fn node_folders(homes: &BTreeSet<String>) -> BTreeSet<String> {
    let is_node = |home: &str| {
        let mut below: Option<&str> = None;
        let start = if home.is_empty() {
            String::new()
        } else {
            format!("{home}/")
        };
        for inner in homes.range(start.clone()..) {
            if !inner.starts_with(&start) {
                break;
            }
            if inner == home {
                continue;
            }
            let first = first_below(inner, home);
            match below {
                None => below = Some(first),
                Some(seen) if seen != first => return false,
                Some(_) => {}
            }
        }
        true
    };
    // Each home's answer once: many homes ask about one enclosing folder.
    let known = std::cell::RefCell::new(std::collections::HashMap::<&str, bool>::new());
    let is_node = |home: &str| -> bool {
        if let Some(&answer) = known.borrow().get(home) {
            return answer;
        }
        let answer = is_node(home);
        if let Some(key) = homes.get(home) {
            known.borrow_mut().insert(key.as_str(), answer);
        }
        answer
    };
    let mut nodes = BTreeSet::new();
    for home in homes {
        if !is_node(home) {
            continue;
        }
        // An enclosing home that is a node takes this one in.
        let mut enclosed = false;
        let mut at = home.as_str();
        while !at.is_empty() {
            at = parent(at);
            if homes.contains(at) && is_node(at) {
                enclosed = true;
                break;
            }
        }
        if !enclosed {
            nodes.insert(home.clone());
        }
    }
    nodes
}

/// Whether `inner` is a folder strictly inside `outer` (`""` is the top).
fn is_inside(inner: &str, outer: &str) -> bool {
    if outer.is_empty() {
        !inner.is_empty()
    } else {
        inner.len() > outer.len()
            && inner.starts_with(outer)
            && inner.as_bytes()[outer.len()] == b'/'
    }
}

/// The first folder of `inner` below `outer`.
fn first_below<'a>(inner: &'a str, outer: &str) -> &'a str {
    let rest = if outer.is_empty() {
        inner
    } else {
        &inner[outer.len() + 1..]
    };
    let end = rest
        .find('/')
        .map_or(inner.len(), |i| inner.len() - rest.len() + i);
    &inner[..end]
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(p, _)| p)
}

/// The Liferay Workspace and environment a portal file lies in: a
/// `<workspace>/configs/<environment>/` folder, where the workspace holds
/// a build file or a `configs/common` folder.
/// Whether a listed path lies in a folder that holds no node. Build
/// output above the listed folder does not count: the user named a folder
/// inside it (`target/bench/cluster`).
fn in_non_node_folder(path: &str, prefix: &str) -> bool {
    let below = if prefix.is_empty() {
        path
    } else {
        path.strip_prefix(prefix)
            .and_then(|p| p.strip_prefix('/'))
            .unwrap_or(path)
    };
    layout::in_non_node_folder(below)
        || (below.len() < path.len()
            && prefix
                .split('/')
                .any(|f| layout::is_non_node_folder(f) && !layout::is_build_output(f)))
}

/// The compose files of a listing that mount or build its configuration
/// files: for each, the folder holding the compose file and those files
/// (its cluster), and the paths it claims.
fn deployments(listing: &Listing, base: &Path) -> Vec<(String, Vec<String>)> {
    let mut sorted: Vec<String> = listing.files.iter().map(|(p, _)| p.clone()).collect();
    sorted.sort();
    let configuration: BTreeSet<&str> = listing
        .files
        .iter()
        .filter(|(_, f)| f.is_some_and(|f| !f.is_deployment()))
        .map(|(p, _)| p.as_str())
        .collect();
    let mut out = Vec::new();
    for (rel, _) in &listing.files {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let below = rel.strip_prefix(listing.prefix.as_str()).unwrap_or(rel);
        if !crate::formats::deploy::may_be_compose(name) || layout::in_tooling_folder(below) {
            continue;
        }
        let Some(text) = small_text(&base.join(rel)) else {
            continue;
        };
        let (claims, portals) = crate::formats::deploy::compose_services(rel, &text, &sorted);
        let claims: Vec<crate::formats::deploy::Claim> = claims
            .into_iter()
            .filter(|claim| {
                // A configuration file by its name here, or by its place
                // in the container (`./proxy/` at `/etc/nginx/conf.d/`).
                let configures = |path: &str| {
                    configuration.contains(path)
                        || crate::formats::deploy::place_in_container(
                            std::slice::from_ref(claim),
                            path,
                        )
                        .is_some_and(|t| formats::classify(t.trim_start_matches('/')).is_some())
                };
                if claim.folder {
                    let prefix = format!("{}/", claim.source);
                    let at = sorted.partition_point(|p| p.as_str() < prefix.as_str());
                    sorted[at..]
                        .iter()
                        .take_while(|p| p.starts_with(&prefix))
                        .any(|p| configures(p))
                } else {
                    configures(&claim.source)
                }
            })
            .collect();
        if claims.is_empty() && portals.is_empty() {
            continue;
        }
        let root = claims
            .iter()
            .flat_map(|c| {
                let home = if c.folder {
                    c.source.as_str()
                } else {
                    parent(&c.source)
                };
                [home, c.reach.as_str()]
            })
            .fold(deployed_cluster_folder(rel), |common, path| {
                common_folder(&common, path)
            });
        out.push((root, claims.into_iter().map(|c| c.source).collect()));
    }
    out
}

/// The folder of the cluster a compose file at `rel` deploys: its own
/// folder, or the folder above a deployment folder it lies in
/// (`_deploy/docker-compose.yml` deploys the cluster around `_deploy/`).
fn deployed_cluster_folder(rel: &str) -> String {
    let folders: Vec<&str> = parent(rel).split('/').filter(|f| !f.is_empty()).collect();
    let end = folders
        .iter()
        .position(|f| f.starts_with('_'))
        .unwrap_or(folders.len());
    folders[..end].join("/")
}

/// The deepest folder holding both folders `a` and `b`.
fn common_folder(a: &str, b: &str) -> String {
    let mut common = Vec::new();
    for (x, y) in a.split('/').zip(b.split('/')) {
        if x != y || x.is_empty() {
            break;
        }
        common.push(x);
    }
    common.join("/")
}

/// The text of a small file (compose files are); `None` for a large or
/// unreadable one.
fn small_text(path: &Path) -> Option<String> {
    const LIMIT: u64 = 1 << 20;
    let (file, metadata) = crate::disk::open_regular(path).ok()?;
    if metadata.len() > LIMIT {
        return None;
    }
    let mut bytes = Vec::new();
    file.take(LIMIT).read_to_end(&mut bytes).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

fn workspace_of(path: &str, listing: &Listing, base: &Path) -> Option<(String, String)> {
    let parts: Vec<&str> = path.split('/').collect();
    let at = parts
        .iter()
        .take(parts.len().saturating_sub(2))
        .position(|p| *p == layout::WORKSPACE_CONFIGS)?;
    let workspace = parts[..at].join("/");
    let environment = parts[at + 1].to_string();
    let configs = if workspace.is_empty() {
        layout::WORKSPACE_CONFIGS.to_string()
    } else {
        format!("{workspace}/{}", layout::WORKSPACE_CONFIGS)
    };
    let on_disk = base.join(&workspace);
    let marked = listing.workspace_markers.contains(&workspace)
        || layout::WORKSPACE_MARKERS
            .iter()
            .any(|m| on_disk.join(m).is_file())
        || base.join(&configs).join(layout::WORKSPACE_COMMON).is_dir();
    marked.then_some((workspace, environment))
}

/// The environments of the workspace at `folder`: its `configs/*`
/// folders but `common`.
fn environments_on_disk(folder: &Path) -> BTreeSet<String> {
    let Ok(entries) = std::fs::read_dir(folder.join(layout::WORKSPACE_CONFIGS)) else {
        return BTreeSet::new();
    };
    entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| n != layout::WORKSPACE_COMMON && !n.starts_with('.'))
        .collect()
}

/// The clusters in or around the folder `dir` (absolute), looking no
/// higher than `ceiling`.
fn plan_folder(dir: &Path, ceiling: &Path) -> Vec<ClusterRoot> {
    let base = base_of(dir, ceiling);
    let listing = list(dir, &base, None, usize::MAX);
    let shape = shape_of(&listing, &base);
    let here = dir.strip_prefix(&base).map(slashes).unwrap_or_default();

    // Standing in a workspace (or one of its environments), or in the
    // node of a cluster.
    for (workspace, environments) in &shape.workspaces {
        if !(here == *workspace || is_inside(&here, workspace)) {
            continue;
        }
        let folder = base.join(workspace);
        let probe = format!("{here}/x");
        let inside = layout::workspace_environment(workspace, &probe);
        let chosen: BTreeSet<String> = match inside {
            Some(env) if env != layout::WORKSPACE_COMMON => [env.to_string()].into(),
            _ => environments_on_disk(&folder)
                .union(environments)
                .cloned()
                .collect(),
        };
        return workspace_clusters(&folder, &chosen);
    }
    if let Some(home) = shape
        .homes
        .iter()
        .find(|h| here == **h || is_inside(&here, h))
    {
        return vec![cluster_around_node(&base.join(home), ceiling)];
    }

    let mut clusters: Vec<ClusterRoot> = Vec::new();
    for manifest_folder in &shape.manifests {
        if manifest_folder == &here || is_inside(manifest_folder, &here) {
            clusters.push(ClusterRoot::new(&base.join(manifest_folder)));
        }
    }
    for (workspace, environments) in &shape.workspaces {
        let folder = base.join(workspace);
        let all = environments_on_disk(&folder)
            .union(environments)
            .cloned()
            .collect();
        clusters.extend(workspace_clusters(&folder, &all));
    }
    let mut by_parent: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for home in &shape.homes {
        by_parent.entry(parent(home)).or_default().push(home);
    }
    for deployed in &shape.deployed {
        if deployed == &here || is_inside(deployed, &here) || is_inside(&here, deployed) {
            by_parent.entry(deployed).or_default();
        }
    }
    let roots: Vec<&str> = by_parent.keys().copied().collect();
    for root in &roots {
        let mut cluster = ClusterRoot::new(&base.join(root));
        // Other clusters below this one are not its nodes.
        for other in roots.iter().filter(|o| is_inside(o, root)) {
            cluster.excluded.push(relative_to(other, root));
        }
        for other in shape.manifests.iter().filter(|m| is_inside(m, root)) {
            cluster.excluded.push(relative_to(other, root));
        }
        for workspace in shape.workspaces.keys().filter(|w| is_inside(w, root)) {
            cluster.excluded.push(relative_to(workspace, root));
        }
        cluster.excluded.sort();
        cluster.excluded.dedup();
        clusters.push(cluster);
    }
    clusters.sort_by(|a, b| (&a.folder, &a.environment).cmp(&(&b.folder, &b.environment)));
    clusters
}

/// The cluster of a configuration file (absolute), from its node.
fn plan_file(file: &Path, format: Format, ceiling: &Path) -> Vec<ClusterRoot> {
    let folder = file.parent().unwrap_or(file);
    let base = base_of(folder, ceiling);
    let Ok(rel) = file.strip_prefix(&base).map(slashes) else {
        return Vec::new();
    };
    if layout::in_non_node_folder(&rel) {
        return plan_folder(folder, ceiling);
    }
    if format.spec().family() == Family::Liferay {
        let listing = Listing::default();
        if let Some((workspace, environment)) = workspace_of(&rel, &listing, &base) {
            let folder = base.join(&workspace);
            let chosen = if environment == layout::WORKSPACE_COMMON {
                environments_on_disk(&folder)
            } else {
                [environment].into()
            };
            return workspace_clusters(&folder, &chosen);
        }
    }
    let home = formats::home_of(&rel, format);
    vec![cluster_around_node(&base.join(home), ceiling)]
}

fn workspace_clusters(folder: &Path, environments: &BTreeSet<String>) -> Vec<ClusterRoot> {
    environments
        .iter()
        .map(|env| ClusterRoot {
            environment: Some(env.clone()),
            ..ClusterRoot::new(folder)
        })
        .collect()
}

/// The cluster of the node whose folder is `node`: the folder above it
/// when that folder holds other nodes or deployment files, else the node
/// alone.
fn cluster_around_node(node: &Path, ceiling: &Path) -> ClusterRoot {
    let alone = || ClusterRoot::new(node);
    let Some(above) = node.parent() else {
        return alone();
    };
    if node == ceiling || !above.starts_with(ceiling) || above.parent().is_none() {
        return alone();
    }
    let base = base_of(above, ceiling);
    let listing = list(above, &base, Some(node), SCAN_BUDGET);
    if listing.truncated {
        return alone();
    }
    let shape = shape_of(&listing, &base);
    let above_rel = above.strip_prefix(&base).map(slashes).unwrap_or_default();
    // Node folders beside this one, and most of the folder's folders nodes:
    // a folder of unrelated things (a temporary or home folder) is no
    // cluster.
    let sibling_homes = shape
        .homes
        .iter()
        .filter(|h| parent(h) == above_rel)
        .count();
    let folders = std::fs::read_dir(above).map_or(0, |entries| {
        entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                !name.starts_with('.') && !layout::is_non_node_folder(&name)
            })
            .count()
    });
    let siblings = sibling_homes >= 1 && 2 * (sibling_homes + 1) >= folders;
    let deployment = std::fs::read_dir(above).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            (layout::is_non_node_folder(&name) && e.path().is_dir())
                || crate::formats::deploy::is_descriptor_name(&name)
        })
    });
    if siblings || deployment {
        let mut cluster = ClusterRoot::new(above);
        for home in &shape.homes {
            if is_inside(home, &above_rel) && parent(home) != above_rel {
                // A cluster of its own below; not this cluster's node.
                cluster.excluded.push(relative_to(parent(home), &above_rel));
            }
        }
        cluster.excluded.sort();
        cluster.excluded.dedup();
        cluster
    } else {
        alone()
    }
}

/// `path` relative to `root` (both relative to one base).
fn relative_to(path: &str, root: &str) -> String {
    if root.is_empty() {
        path.to_string()
    } else {
        path.strip_prefix(root)
            .and_then(|p| p.strip_prefix('/'))
            .unwrap_or(path)
            .to_string()
    }
}

/// `path` relative to `base` when it lies inside it (`.` for `base`
/// itself), else `path` unchanged; `/` separators.
#[must_use]
pub fn display_relative(path: &Path, base: &Path) -> String {
    match path.strip_prefix(base) {
        Ok(rest) if rest.as_os_str().is_empty() => ".".to_string(),
        Ok(rest) => slashes(rest),
        Err(_) => slashes(path),
    }
}

fn slashes(path: &Path) -> String {
    if path.has_root() {
        return path.to_string_lossy().into_owned();
    }
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}
