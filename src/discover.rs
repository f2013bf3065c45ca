//! Which files belong to which node, and in which format they are.
//!
//! Discovery works on a list of paths relative to the cluster root, so the
//! same rules apply to a directory on disk and to files held in memory.
//! Without a manifest every top-level folder is a node; `[nodes.*]` tables
//! name nodes, claim files by glob and give roles and addresses.

use std::collections::{HashMap, HashSet};

use globset::{Glob, GlobMatcher, GlobSet, GlobSetBuilder};

use crate::formats::{Format, ParseError};
use crate::manifest::Manifest;

/// A node and the indexes of its files in [`Discovery::files`].
#[derive(Clone, Debug)]
pub struct DiscoveredNode {
    pub name: String,
    /// Index into the manifest's nodes, if the manifest names this node.
    pub manifest_index: Option<usize>,
}

/// A file of a node.
#[derive(Clone, Debug)]
pub struct DiscoveredFile {
    pub path: String,
    pub format: Format,
    pub node: usize,
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
}

/// Sorts `paths` into nodes and formats. `sniff` reads the start of a file
/// whose name says nothing and guesses its format from the content.
pub fn discover(
    paths: &[String],
    manifest: Option<&Manifest>,
    sniff: &dyn Fn(&str) -> Option<Format>,
) -> Discovery {
    let mut discovery = Discovery::default();
    let mut owner: Vec<Option<usize>> = vec![None; paths.len()];
    let empty = Manifest::default();
    let manifest = manifest.unwrap_or(&empty);
    // Paths in sorted order, so a node folder's files are one range found by
    // binary search instead of a scan per node.
    let mut sorted: Vec<usize> = (0..paths.len()).collect();
    sorted.sort_by(|&a, &b| paths[a].cmp(&paths[b]));
    let under = |prefix: &str| {
        let start = sorted.partition_point(|&i| paths[i].as_str() < prefix);
        let len = sorted[start..].partition_point(|&i| paths[i].starts_with(prefix));
        &sorted[start..start + len]
    };

    // Nodes the manifest names, in its order; their files by glob or folder.
    // All globs go in one set, matched once per path.
    let mut globs = GlobSetBuilder::new();
    let mut glob_owner: Vec<(usize, usize)> = Vec::new(); // (node, glob index in the node)
    for (index, node) in manifest.nodes.iter().enumerate() {
        let node_index = discovery.nodes.len();
        discovery.nodes.push(DiscoveredNode {
            name: node.name.clone(),
            manifest_index: Some(index),
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
                owner[i].get_or_insert(node_index);
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
    if !glob_owner.is_empty() {
        let set = globs.build().unwrap_or_else(|_| GlobSet::empty());
        let mut glob_used = vec![false; glob_owner.len()];
        let mut hits = Vec::new();
        for (i, path) in paths.iter().enumerate() {
            set.matches_into(path, &mut hits);
            // The first node (in manifest order) that claims a path owns it.
            for &g in &hits {
                glob_used[g] = true;
            }
            if let Some(&g) = hits.iter().min_by_key(|&&g| glob_owner[g].0) {
                let node = glob_owner[g].0;
                owner[i] = Some(owner[i].map_or(node, |o| o.min(node)));
            }
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
    }

    // Every other top-level folder is a node of its own.
    let manifest_names: HashSet<&str> = manifest.nodes.iter().map(|n| n.name.as_str()).collect();
    let mut by_name: HashMap<String, usize> = discovery
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.name.clone(), i))
        .collect();
    for (i, path) in paths.iter().enumerate() {
        if owner[i].is_some() {
            continue;
        }
        let Some((folder, _)) = path.split_once('/') else {
            continue;
        };
        if manifest_names.contains(folder) {
            // The manifest gave this node explicit files elsewhere.
            continue;
        }
        let index = *by_name.entry(folder.to_string()).or_insert_with(|| {
            discovery.nodes.push(DiscoveredNode {
                name: folder.to_string(),
                manifest_index: None,
            });
            discovery.nodes.len() - 1
        });
        owner[i] = Some(index);
    }

    let overrides: Vec<(GlobMatcher, Format)> = manifest
        .files
        .iter()
        .filter_map(|o| Some((matcher(&o.glob.value)?, o.format)))
        .collect();
    let mut override_used = vec![false; overrides.len()];
    for (i, path) in paths.iter().enumerate() {
        let forced = overrides.iter().position(|(m, _)| m.is_match(path));
        if let Some(k) = forced {
            override_used[k] = true;
        }
        let format = forced
            .map(|k| overrides[k].1)
            .or_else(|| classify(path))
            .or_else(|| {
                let name = path.rsplit('/').next().unwrap_or(path);
                let sniffable = name.ends_with(".xml") || name.ends_with(".conf");
                if sniffable { sniff(path) } else { None }
            });
        match (owner[i], format) {
            (Some(node), Some(format)) => {
                discovery.files.push(DiscoveredFile {
                    path: path.clone(),
                    format,
                    node,
                });
            }
            _ => discovery.ignored.push(path.clone()),
        }
    }
    for (used, o) in override_used.iter().zip(&manifest.files) {
        if !used {
            discovery.manifest_errors.push(ParseError::new(
                o.glob.range,
                format!("the glob `{}` matches no file", o.glob.value),
            ));
        }
    }
    // A folder whose files all went unrecognised is no node.
    let mut keep: Vec<bool> = discovery
        .nodes
        .iter()
        .map(|n| n.manifest_index.is_some())
        .collect();
    for file in &discovery.files {
        keep[file.node] = true;
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
        file.node = remap[file.node];
    }
    discovery
}

fn matcher(glob: &str) -> Option<GlobMatcher> {
    Some(Glob::new(glob).ok()?.compile_matcher())
}

/// The format a path's name (and folders) give, without reading it.
#[must_use]
pub fn classify(path: &str) -> Option<Format> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let folders: Vec<&str> = path.split('/').collect();
    let folders = &folders[..folders.len() - 1];
    // Folder rules come first: `/etc/stunnel/redis-client.conf` is stunnel.
    if name.ends_with(".cfg") && folders.windows(2).any(|w| w == ["osgi", "configs"]) {
        return Some(Format::OsgiCfg);
    }
    if name.ends_with(".conf") && folders.contains(&"stunnel") {
        return Some(Format::Stunnel);
    }
    let exact = match name {
        "portal-ext.properties" => Some(Format::LiferayProperties),
        "nginx.conf" => Some(Format::Nginx),
        "redis.conf" | "sentinel.conf" => Some(Format::Redis),
        "stunnel.conf" => Some(Format::Stunnel),
        "csync2.cfg" => Some(Format::Csync2),
        "hosts" => Some(Format::Hosts),
        "setup.properties" | "setup.properties.last" => Some(Format::GluuSetup),
        "setenv.sh" => Some(Format::TomcatSetenv),
        _ => None,
    };
    if exact.is_some() {
        return exact;
    }
    let pattern = |prefix: &str, suffix: &str| name.starts_with(prefix) && name.ends_with(suffix);
    if pattern("portal-", ".properties") {
        Some(Format::LiferayProperties)
    } else if name.ends_with(".config") {
        Some(Format::OsgiConfig)
    } else if pattern("redis-", ".conf") {
        Some(Format::Redis)
    } else if pattern("csync2", ".cfg") || pattern("csync2", ".conf") {
        Some(Format::Csync2)
    } else if pattern("gateway-config", ".xml") {
        Some(Format::KaazingXml)
    } else {
        None
    }
}

/// Guesses a format from the first bytes of a file: an XML root element
/// `gateway-config` is KAAZING, an INI `[section]` with `accept`/`connect`
/// is stunnel.
#[must_use]
pub fn sniff(head: &[u8]) -> Option<Format> {
    let text = String::from_utf8_lossy(head);
    if let Some(root) = xml_root_element(&text) {
        return (root == "gateway-config" || root.ends_with(":gateway-config"))
            .then_some(Format::KaazingXml);
    }
    let mut section = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') && line.ends_with(']') {
            section = true;
        } else if section {
            let key = line.split('=').next().unwrap_or("").trim();
            if key == "accept" || key == "connect" {
                return Some(Format::Stunnel);
            }
        }
    }
    None
}

/// The name of the first element of an XML text, skipping the prolog.
fn xml_root_element(text: &str) -> Option<&str> {
    let mut rest = text.trim_start_matches('\u{feff}');
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("<?") {
            rest = &after[after.find("?>")? + 2..];
        } else if let Some(after) = rest.strip_prefix("<!--") {
            rest = &after[after.find("-->")? + 3..];
        } else if let Some(after) = rest.strip_prefix("<!") {
            rest = &after[after.find('>')? + 1..];
        } else if let Some(after) = rest.strip_prefix('<') {
            let end = after
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(after.len());
            return Some(&after[..end]);
        } else {
            return None;
        }
    }
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
            Some(Format::Stunnel)
        );
        assert_eq!(classify("a/etc/redis/redis-6379.conf"), Some(Format::Redis));
        assert_eq!(classify("a/osgi/configs/x.cfg"), Some(Format::OsgiCfg));
        assert_eq!(classify("a/x.cfg"), None);
        assert_eq!(
            classify("a/osgi/configs/x.config"),
            Some(Format::OsgiConfig)
        );
        assert_eq!(
            classify("a/portal-setup-wizard.properties"),
            Some(Format::LiferayProperties)
        );
        assert_eq!(classify("a/etc/hosts"), Some(Format::Hosts));
        assert_eq!(classify("a/csync2_prod.cfg"), Some(Format::Csync2));
        assert_eq!(classify("a/README.md"), None);
    }

    #[test]
    fn sniffing() {
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?>\n<!-- c -->\n<gateway-config xmlns=\"x\">"),
            Some(Format::KaazingXml)
        );
        assert_eq!(sniff(b"<beans/>"), None);
        assert_eq!(
            sniff(b"pid = /run/x.pid\n[redis]\naccept = 6379\n"),
            Some(Format::Stunnel)
        );
        assert_eq!(sniff(b"port 6379\n"), None);
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
        );
        assert_eq!(d.nodes[d.files[0].node].name, "lb");
        // `app1/` is not claimed by node app1 (its glob points elsewhere).
        assert_eq!(d.ignored, ["app1/portal-ext.properties"]);
        assert_eq!(d.manifest_errors.len(), 2);
    }
}
