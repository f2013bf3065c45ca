//! The Liferay view of each node: portal properties as the portal resolves
//! them (include-and-override precedence, repeated keys joined, `LIFERAY_*`
//! environment overrides from `setenv.sh`), OSGi configurations by PID, and
//! the JVM's `-D` system properties.
//!
//! What the portal makes of its settings, which rules and the graph share,
//! is in the modules below: which clients an allow-list admits
//! (`hosts_allowed`), which database a node uses (`database`), the OSGi
//! PIDs the portal knows (`pids`), which nodes are portals of which role
//! (`portals`), what Cluster Link settings the nodes must share
//! (`cluster_link`), and the remote-staging tunnel's settings and key
//! (`tunnel`).

pub(crate) mod cluster_link;
pub(crate) mod database;
pub(crate) mod hosts_allowed;
pub(crate) mod pids;
pub(crate) mod portals;
pub(crate) mod store;
pub(crate) mod tunnel;

use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap as HashMap;

use crate::diagnostic::Diagnostic;
use crate::facts::{AsFact, Fact, FactKind};
use crate::formats::Format;
use crate::formats::osgi_config::Shape;
use crate::formats::properties::liferay_env::env_to_property;
use crate::formats::properties::{ListItem, PropertiesDocument};
use crate::model::{Cluster, NodeId};
use crate::source::{FileId, SharedText, Span, TextRange};

/// Where a property's effective value comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A properties file.
    File,
    /// A `LIFERAY_*` environment variable: exported in `setenv.sh`, or set
    /// by the node's container or service (compose, env file, image).
    Environment,
}

/// One element of a list value, with its location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub text: String,
    pub span: Span,
}

/// A portal property's effective value and where it is written.
#[derive(Clone, Debug)]
pub struct PortalProperty {
    /// The value as `PropsUtil.get` returns it.
    pub value: SharedText,
    pub key_span: Span,
    /// The value's text (the first definition when the key repeats).
    pub value_span: Span,
    pub origin: Origin,
    /// The first definition in the winning file (none for a variable).
    first: Option<(FileId, usize)>,
    /// The later definitions in the same file (a repeated key accumulates).
    repeats: Vec<usize>,
}

impl PortalProperty {
    /// The elements of the comma-separated value, each with its location.
    #[must_use]
    pub fn items(&self, cluster: &Cluster) -> Vec<Item> {
        if self.origin == Origin::Environment {
            return self
                .value
                .split(',')
                .map(|t| Item {
                    text: t.trim().to_string(),
                    span: self.value_span,
                })
                .collect();
        }
        let mut items = Vec::new();
        let Some((file, first)) = self.first else {
            return items;
        };
        for index in std::iter::once(first).chain(self.repeats.iter().copied()) {
            let source = cluster.source(file);
            let Some(doc) = cluster
                .file(file)
                .document
                .get::<crate::formats::properties::PropertiesDocument>()
            else {
                continue;
            };
            let entry = &doc.entries[index];
            let found = entry.list_items(&source.text);
            if found.is_empty() {
                items.push(Item {
                    text: String::new(),
                    span: Span::new(file, entry.value_range),
                });
            }
            items.extend(found.into_iter().map(|i| Item {
                text: i.text,
                span: Span::new(file, i.range),
            }));
        }
        items
    }

    /// The value read as Liferay's `GetterUtil.getBoolean` does.
    #[must_use]
    pub fn as_bool(&self) -> bool {
        liferay_bool(&self.value)
    }

    /// Whether the key is written more than once in its file.
    #[must_use]
    pub fn is_repeated(&self) -> bool {
        !self.repeats.is_empty()
    }
}

/// `GetterUtil.getBoolean`: true for `true`, `t`, `y`, `on`, `1` (any case).
#[must_use]
pub fn liferay_bool(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "true" | "t" | "y" | "on" | "1"
    )
}

/// One value of an OSGi configuration.
#[derive(Clone, Debug)]
pub struct ConfigValue {
    pub key: String,
    pub key_span: Span,
    /// List elements joined by `,`, or the scalar text.
    pub value: String,
    pub value_span: Span,
    /// Elements: array items, or the scalar split on commas.
    pub items: Vec<Item>,
    /// A typed `[...]` or `(...)` list, whose items are quoted strings.
    pub is_list: bool,
    /// The boolean this value is read as, for a scalar.
    pub as_bool: Option<bool>,
}

/// One OSGi configuration file.
#[derive(Clone, Debug)]
pub struct OsgiConfig {
    pub file: FileId,
    /// The (factory) PID the file name gives.
    pub pid: String,
    /// The instance name after `~`, `_` or `-`, for a factory configuration.
    pub instance: Option<String>,
    pub values: Vec<ConfigValue>,
}

impl OsgiConfig {
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&ConfigValue> {
        self.values.iter().rev().find(|v| v.key == key)
    }
}

/// A `-Dname=value` JVM option from `setenv.sh`.
#[derive(Clone, Debug)]
pub struct SystemProperty {
    pub name: String,
    pub value: Option<String>,
    pub span: Span,
}

/// The Liferay configuration of one node.
#[derive(Clone, Debug)]
pub struct LiferayNode {
    pub node: NodeId,
    /// `portal-ext.properties`: where a missing property is reported.
    pub home_file: Option<FileId>,
    /// Properties files in the order the portal consults them.
    pub property_files: Vec<FileId>,
    properties: HashMap<SharedText, PortalProperty>,
    pub configs: Vec<OsgiConfig>,
    pub system_properties: Vec<SystemProperty>,
    /// The first Liferay file of the node, for findings about the node as a whole.
    anchor: Span,
}

impl LiferayNode {
    /// The effective value of a portal property.
    #[must_use]
    pub fn property(&self, key: &str) -> Option<&PortalProperty> {
        self.properties.get(key)
    }

    /// The keys of the effective properties that start with `prefix`, sorted.
    #[must_use]
    pub fn keys_with_prefix(&self, prefix: &str) -> Vec<&str> {
        let mut keys: Vec<&str> = self
            .properties
            .keys()
            .map(SharedText::as_str)
            .filter(|k| k.starts_with(prefix))
            .collect();
        keys.sort_unstable();
        keys
    }

    /// The last `-D` option setting `name`.
    #[must_use]
    pub fn system_property(&self, name: &str) -> Option<&SystemProperty> {
        self.system_properties.iter().rev().find(|p| p.name == name)
    }

    /// Where to report something missing: the start of `portal-ext.properties`
    /// (or of the node's first Liferay file).
    #[must_use]
    pub fn anchor(&self) -> Span {
        self.home_file.map_or(self.anchor, Span::file_start)
    }

    /// Configurations whose PID is one of `pids`.
    pub fn configs_for<'a>(
        &'a self,
        pids: &'a [&'a str],
    ) -> impl Iterator<Item = &'a OsgiConfig> + 'a {
        self.configs
            .iter()
            .filter(move |c| pids.contains(&c.pid.as_str()))
    }
}

/// The Liferay view of every node (`None` for nodes without Liferay files).
#[derive(Clone, Debug, Default)]
pub struct Liferay {
    nodes: Vec<Option<LiferayNode>>,
}

impl Liferay {
    #[must_use]
    pub fn node(&self, id: NodeId) -> Option<&LiferayNode> {
        self.nodes.get(id.index()).and_then(Option::as_ref)
    }
}

/// Builds the Liferay view of every node.
pub fn build(cluster: &Cluster, facts: &mut Vec<Fact>) -> Liferay {
    let nodes = cluster
        .nodes
        .iter()
        .map(|node| build_node(cluster, node.id, facts))
        .collect();
    Liferay { nodes }
}

fn build_node(cluster: &Cluster, id: NodeId, facts: &mut Vec<Fact>) -> Option<LiferayNode> {
    let node = cluster.node(id);
    let of = |format: Format| {
        node.files
            .iter()
            .copied()
            .filter(move |f| cluster.file(*f).format == Some(format))
    };
    let property_files: Vec<FileId> = of(Format::LIFERAY_PROPERTIES).collect();
    let config_files: Vec<FileId> = of(Format::OSGI_CONFIG)
        .chain(of(Format::OSGI_CFG))
        .collect();
    let setenv_files: Vec<FileId> = of(Format::TOMCAT_SETENV)
        .chain(of(Format::TOMCAT_SETENV_BAT))
        .collect();
    // `LIFERAY_*` variables the node's container or service is started
    // with (compose `environment`, env files, the image's `ENV`).
    let environment: Vec<(FileId, &crate::formats::deploy::EnvVar, String)> = cluster
        .deployment
        .vars(id)
        .into_iter()
        .filter_map(|(file, var)| {
            var.value.as_ref()?;
            Some((file, var, env_to_property(&var.name.value)?))
        })
        .collect();
    let anchor = property_files
        .first()
        .or(config_files.first())
        .or(setenv_files.first())
        .map(|&f| Span::file_start(f))
        .or_else(|| {
            environment
                .first()
                .map(|(f, v, _)| Span::new(*f, v.name.range))
        })?;

    let home_file = home_file(cluster, &property_files);
    let order = home_file
        .map(|home| precedence(cluster, home, &property_files, facts))
        .unwrap_or_default();

    let mut properties: HashMap<SharedText, PortalProperty> = HashMap::default();
    for &file in &order {
        let Some(doc) = cluster
            .file(file)
            .document
            .get::<crate::formats::properties::PropertiesDocument>()
        else {
            continue;
        };
        let text = &cluster.source(file).text;
        properties.reserve(doc.entries.len());
        for (index, entry) in doc.entries.iter().enumerate() {
            match properties.entry(entry.shared_key(text)) {
                Entry::Occupied(mut found) => {
                    // A key repeated in one file: the values are joined
                    // (below); set by a file read earlier, it wins.
                    let p = found.get_mut();
                    if p.first.is_some_and(|(f, _)| f == file) {
                        p.repeats.push(index);
                    }
                }
                Entry::Vacant(slot) => {
                    slot.insert(PortalProperty {
                        value: entry.shared_value(text),
                        key_span: Span::new(file, entry.key_range),
                        value_span: Span::new(file, entry.value_range),
                        origin: Origin::File,
                        first: Some((file, index)),
                        repeats: Vec::new(),
                    });
                }
            }
        }
    }
    for p in properties.values_mut().filter(|p| !p.repeats.is_empty()) {
        p.value = joined_value(cluster, p).into();
    }

    // The process environment replaces the value from every file; a
    // variable `setenv.sh` exports is set later, and wins.
    for (file, var, key) in environment {
        let Some(value) = &var.value else { continue };
        properties.insert(
            key.into(),
            PortalProperty {
                value: value.value.clone().into(),
                key_span: Span::new(file, var.name.range),
                value_span: Span::new(file, value.range),
                origin: Origin::Environment,
                first: None,
                repeats: Vec::new(),
            },
        );
    }
    let mut system_properties = Vec::new();
    for &file in &setenv_files {
        let Some(doc) = cluster
            .file(file)
            .document
            .get::<crate::formats::setenv::SetenvDocument>()
        else {
            continue;
        };
        for p in &doc.system_properties {
            system_properties.push(SystemProperty {
                name: p.name.clone(),
                value: p.value.clone(),
                span: Span::new(file, p.range),
            });
        }
        // Environment overrides replace the value from every file.
        for a in doc.assignments.iter().filter(|a| a.exported) {
            let Some(key) = env_to_property(&a.name) else {
                continue;
            };
            properties.insert(
                key.into(),
                PortalProperty {
                    value: a.value.clone().into(),
                    key_span: Span::new(file, a.name_range),
                    value_span: Span::new(file, a.value_range),
                    origin: Origin::Environment,
                    first: None,
                    repeats: Vec::new(),
                },
            );
        }
    }

    let configs = config_files
        .iter()
        .filter_map(|&f| osgi_config(cluster, f))
        .collect();
    Some(LiferayNode {
        node: id,
        home_file,
        property_files: order,
        properties,
        configs,
        system_properties,
        anchor,
    })
}

/// The values of a key written several times in one file, joined with `,`
/// as Commons Configuration joins them.
fn joined_value(cluster: &Cluster, property: &PortalProperty) -> String {
    let mut joined = property.value.to_string();
    let Some((file, _)) = property.first else {
        return joined;
    };
    let text = &cluster.source(file).text;
    if let Some(doc) = cluster.file(file).document.get::<PropertiesDocument>() {
        for &index in &property.repeats {
            joined.push(',');
            joined.push_str(doc.entries[index].value(text));
        }
    }
    joined
}

/// `portal-ext.properties` nearest the node's root (the Liferay home).
fn home_file(cluster: &Cluster, files: &[FileId]) -> Option<FileId> {
    let by_depth = |name: &str| {
        files
            .iter()
            .copied()
            .filter(|f| file_name(&cluster.source(*f).path) == name)
            .min_by_key(|f| {
                (
                    cluster.source(*f).path.matches('/').count(),
                    cluster.source(*f).path.clone(),
                )
            })
    };
    by_depth("portal-ext.properties")
        .or_else(|| by_depth("portal-setup-wizard.properties"))
        .or_else(|| by_depth("portal-bundle.properties"))
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// The portal's files, highest precedence first: each file comes after the
/// files it includes (the last include first), and `portal-setup-wizard`
/// outranks `portal-ext`, which outranks `portal-bundle`.
fn precedence(
    cluster: &Cluster,
    home: FileId,
    files: &[FileId],
    facts: &mut Vec<Fact>,
) -> Vec<FileId> {
    let home_dir = dir_of(&cluster.source(home).path).to_string();
    let in_home = |name: &str| {
        let path = if home_dir.is_empty() {
            name.to_string()
        } else {
            format!("{home_dir}/{name}")
        };
        files
            .iter()
            .copied()
            .find(|f| cluster.source(*f).path == path)
    };
    let mut order = Vec::new();
    for name in [
        "portal-setup-wizard.properties",
        "portal-ext.properties",
        "portal-bundle.properties",
    ] {
        if let Some(file) = in_home(name) {
            visit(cluster, file, files, &home_dir, &mut order, facts);
        }
    }
    order
}

fn visit(
    cluster: &Cluster,
    file: FileId,
    files: &[FileId],
    home_dir: &str,
    order: &mut Vec<FileId>,
    facts: &mut Vec<Fact>,
) {
    if order.contains(&file) {
        return;
    }
    // Mark as visited first, so include cycles end here.
    order.push(file);
    let source = cluster.source(file);
    let Some(doc) = cluster
        .file(file)
        .document
        .get::<crate::formats::properties::PropertiesDocument>()
    else {
        return;
    };
    let mut included = Vec::new();
    for item in include_items(doc, &source.text).iter().rev() {
        let Some(path) = include_path(&item.text, &source.path, home_dir) else {
            continue; // Outside the node's files; cannot be checked.
        };
        // A workspace environment's file may find its include in `common`.
        let layers = cluster
            .file(file)
            .node
            .map_or(&[][..], |n| cluster.node(n).layers.as_slice());
        let mut candidates = in_layers(&path, layers);
        if candidates.is_empty() {
            candidates.push(path.clone());
        }
        let found = candidates.iter().find_map(|candidate| {
            files
                .iter()
                .copied()
                .find(|f| cluster.source(*f).path == *candidate)
        });
        match found {
            Some(target) => included.push(target),
            None => {
                if let Some(why) = missing_include(cluster, file, &path, files) {
                    facts.push(
                        Diagnostic::new(
                            Span::new(file, item.range),
                            format!(
                                "`include-and-override` names `{}`, which is not among the node's files ({why})",
                                item.text
                            ),
                        )
                        .label("no such file")
                        .help("fix the file name or add the file; Liferay skips a missing include silently, and its settings never apply")
                        .fact(FactKind::IncludeNotFound),
                    );
                }
            }
        }
    }
    // Included files outrank the file that includes them.
    let mut insert_at = order.len() - 1;
    for target in included {
        let before = order.len();
        visit(cluster, target, files, home_dir, order, facts);
        let added: Vec<FileId> = order.drain(before..).collect();
        for f in added {
            order.insert(insert_at, f);
            insert_at += 1;
        }
    }
}

/// Why a missing include is a fault, if it is: a file of a near name
/// beside it (a typo), or the file at the same place on another node (a
/// copy forgotten on this one). Liferay skips a missing include silently,
/// and a file the build or the machine writes (`portal-local.properties`,
/// a gitignored overlay) is missing from every node alike: not said. Nor
/// is a file the portal ships in its own class path.
fn missing_include(
    cluster: &Cluster,
    including: FileId,
    path: &str,
    files: &[FileId],
) -> Option<String> {
    let name = file_name(path);
    if ships_with_portal(name) {
        return None;
    }
    // A typo: a name two edits away at most, not the including file's own.
    let own = file_name(&cluster.source(including).path);
    let near = files
        .iter()
        .map(|&f| file_name(&cluster.source(f).path))
        .filter(|n| *n != own)
        .filter_map(|n| Some((crate::suggest::edit_distance(name, n, 2)?, n)))
        .min();
    if let Some((_, near)) = near {
        return Some(format!("did you mean `{near}`?"));
    }
    let node = cluster.file(including).node?;
    let layers = &cluster.node(node).layers;
    let layer = layers
        .iter()
        .find(|l| l.is_empty() || path.starts_with(&format!("{l}/")))?;
    let inside = if layer.is_empty() {
        path
    } else {
        &path[layer.len() + 1..]
    };
    cluster
        .nodes
        .iter()
        .filter(|n| n.id != node)
        .find_map(|other| {
            let holds = other.layers.iter().any(|l| {
                let wanted = if l.is_empty() {
                    inside.to_string()
                } else {
                    format!("{l}/{inside}")
                };
                other
                    .files
                    .iter()
                    .any(|&f| cluster.source(f).path == wanted)
            });
            holds.then(|| format!("`{}` has it", other.name))
        })
}

/// Whether the portal itself holds a properties file of this name (in
/// `portal-impl.jar`, read from the class path): `portal-developer`,
/// `portal`, `system` and the `portal-legacy-*` compatibility files.
#[must_use]
pub fn ships_with_portal(name: &str) -> bool {
    matches!(
        name,
        "portal-developer.properties" | "portal.properties" | "system.properties"
    ) || (name.starts_with("portal-legacy-") && name.ends_with(".properties"))
}

/// The values of a file's `include-and-override` lines, in order.
#[must_use]
pub fn include_items(doc: &PropertiesDocument, text: &str) -> Vec<ListItem> {
    doc.entries_for(text, "include-and-override")
        .flat_map(|entry| entry.list_items(text))
        .collect()
}

/// The cluster-relative path an `include-and-override` value names: relative
/// to the including file, or to the Liferay home with `${liferay.home}`.
/// `None` for what lies outside the node's files (absolute paths, URLs,
/// other `${...}` variables).
#[must_use]
pub fn include_path(value: &str, including_file: &str, home_dir: &str) -> Option<String> {
    let name = value.replace("${liferay.home}", home_dir);
    if name.is_empty() || name.contains("${") || name.starts_with('/') || name.contains(':') {
        return None;
    }
    let base = dir_of(including_file);
    let joined = if base.is_empty() || value.contains("${liferay.home}") {
        name
    } else {
        format!("{base}/{name}")
    };
    Some(normalize(&joined))
}

/// The paths a cluster path `path` of a node stands for in each of the
/// node's `layers` (its own first): a workspace environment's file may
/// lie in `common`. Empty when `path` is in none of them.
#[must_use]
pub fn in_layers(path: &str, layers: &[String]) -> Vec<String> {
    let Some(own) = layers
        .iter()
        .find(|l| l.is_empty() || path.starts_with(&format!("{l}/")))
    else {
        return Vec::new();
    };
    let inside = if own.is_empty() {
        path
    } else {
        &path[own.len() + 1..]
    };
    std::iter::once(own)
        .chain(layers.iter().filter(|l| *l != own))
        .map(|l| {
            if l.is_empty() {
                inside.to_string()
            } else {
                format!("{l}/{inside}")
            }
        })
        .collect()
}

/// Resolves `.` and `..` in a relative path.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// Liferay's file-name rule: the first `~`, else `_`, else `-` (not at the
/// start) splits a factory PID from the instance name.
#[must_use]
pub fn parse_pid(file_name: &str) -> (String, Option<String>) {
    let stem = file_name
        .strip_suffix(".config")
        .or_else(|| file_name.strip_suffix(".cfg"))
        .unwrap_or(file_name);
    for separator in ['~', '_', '-'] {
        if let Some(at) = stem.find(separator)
            && at > 0
        {
            return (stem[..at].to_string(), Some(stem[at + 1..].to_string()));
        }
    }
    (stem.to_string(), None)
}

fn osgi_config(cluster: &Cluster, file: FileId) -> Option<OsgiConfig> {
    let source = cluster.source(file);
    let (pid, instance) = parse_pid(file_name(&source.path));
    let mut values = Vec::new();
    let document = &cluster.file(file).document;
    if let Some(doc) = document.get::<crate::formats::osgi_config::OsgiConfigDocument>() {
        {
            for entry in &doc.entries {
                let items: Vec<Item> = match entry.shape {
                    Shape::Scalar | Shape::Unquoted => entry
                        .items
                        .iter()
                        .flat_map(|item| split_commas(&item.text, item.range, item.escaped, file))
                        .collect(),
                    _ => entry
                        .items
                        .iter()
                        .map(|i| Item {
                            text: i.text.clone(),
                            span: Span::new(file, i.range),
                        })
                        .collect(),
                };
                values.push(ConfigValue {
                    key: entry.key.clone(),
                    key_span: Span::new(file, entry.key_range),
                    value: entry.joined(),
                    value_span: Span::new(file, entry.value_range),
                    items,
                    is_list: matches!(entry.shape, Shape::Array | Shape::Vector),
                    as_bool: entry.as_bool(),
                });
            }
        }
    } else if let Some(doc) = document.get::<PropertiesDocument>() {
        {
            for entry in &doc.entries {
                let value = entry.value(&source.text);
                let exact = value.len() == entry.value_range.len() as usize;
                values.push(ConfigValue {
                    key: entry.key(&source.text).to_string(),
                    key_span: Span::new(file, entry.key_range),
                    value: value.to_string(),
                    value_span: Span::new(file, entry.value_range),
                    items: split_commas(value, entry.value_range, !exact, file),
                    is_list: false,
                    as_bool: Some(value.trim().eq_ignore_ascii_case("true")),
                });
            }
        }
    } else {
        return None;
    }
    Some(OsgiConfig {
        file,
        pid,
        instance,
        values,
    })
}

/// Splits a configuration's comma list as the portal's `StringUtil.split`
/// does: the whole value is trimmed, the elements are not. Spans are exact
/// when the text is the raw text.
fn split_commas(text: &str, range: TextRange, escaped: bool, file: FileId) -> Vec<Item> {
    let lead = text.len() - text.trim_start().len();
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Vec::new();
    }
    let mut items = Vec::new();
    let mut offset = lead;
    for part in trimmed.split(',') {
        let span = if escaped {
            range
        } else {
            let start = range.start + offset as u32;
            TextRange::new(start, start + part.len() as u32)
        };
        items.push(Item {
            text: part.to_string(),
            span: Span::new(file, span),
        });
        offset += part.len() + 1;
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pids_from_file_names() {
        assert_eq!(
            parse_pid("com.x.TunnelAuthVerifierConfiguration~default.config"),
            (
                "com.x.TunnelAuthVerifierConfiguration".to_string(),
                Some("default".to_string())
            )
        );
        assert_eq!(
            parse_pid("com.x.A-default.config"),
            ("com.x.A".to_string(), Some("default".to_string()))
        );
        assert_eq!(parse_pid("com.x.A.config"), ("com.x.A".to_string(), None));
    }

    #[test]
    fn booleans() {
        for t in ["true", "T", " y ", "on", "1"] {
            assert!(liferay_bool(t));
        }
        for f in ["false", "yes", "0", ""] {
            assert!(!liferay_bool(f));
        }
    }
}
