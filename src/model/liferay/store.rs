//! The document store (Documents and Media files): which store class a
//! node runs, where a file-system store keeps its files, and, for a node
//! run as a compose service, what holds that folder (a volume, a bind
//! mount, or the container's own file system).

use crate::formats::deploy::{DeploymentDocument, Launch, Text};
use crate::model::liferay::{LiferayNode, pids};
use crate::model::{Cluster, NodeId};
use crate::source::{FileId, Span};
use crate::versions::LiferayVersion;

pub(crate) const STORE_IMPL: &str = "dl.store.impl";
/// The root of the file-system stores before their OSGi configurations
/// (6.x), still read by 7.0.
const LEGACY_ROOT: &str = "dl.store.file.system.root.dir";
/// Where the official images put the Liferay home.
const IMAGE_HOME: &str = "/opt/liferay";

/// The store class a node runs.
#[derive(Clone, Debug)]
pub(crate) struct StoreClass {
    /// The class's simple name (`FileSystemStore`, `DBStore`, `S3Store`):
    /// the package differs between 6.x and 7.x for the same store.
    pub name: String,
    /// Where `dl.store.impl` is set; `None` for the version's default.
    pub span: Option<Span>,
}

impl StoreClass {
    /// Whether the store keeps its files in a folder of the node.
    #[must_use]
    pub fn is_file_system(&self) -> bool {
        matches!(
            self.name.as_str(),
            "FileSystemStore" | "AdvancedFileSystemStore"
        )
    }
}

/// The store class of a node: `dl.store.impl`, or the default of the
/// versions whose default is known to be the file-system store (6.x to
/// 7.3); `None` when unset and the version is later or unknown (some 7.4
/// editions and cloud images default to another store).
pub(crate) fn class(liferay: &LiferayNode, version: Option<LiferayVersion>) -> Option<StoreClass> {
    match liferay.property(STORE_IMPL) {
        Some(p) => {
            let value = p.value.trim();
            let name = value.rsplit('.').next().unwrap_or(value);
            (!name.is_empty()).then(|| StoreClass {
                name: name.to_string(),
                span: Some(p.value_span),
            })
        }
        None => version
            .filter(|v| *v < LiferayVersion::V7_4)
            .map(|_| StoreClass {
                name: "FileSystemStore".to_string(),
                span: None,
            }),
    }
}

/// The absolute folder the file-system store `class` keeps its files in on `node`,
/// and where it is set (`None`: the default, `data/document_library` in the
/// Liferay home). `None` when the Liferay home is not known.
pub(crate) fn root(
    cluster: &Cluster,
    node: NodeId,
    liferay: &LiferayNode,
    class: &StoreClass,
) -> Option<(String, Option<Span>)> {
    // Each store reads its own configuration.
    let pid = if class.name == "AdvancedFileSystemStore" {
        pids::FILE_SYSTEM_STORES[1]
    } else {
        pids::FILE_SYSTEM_STORES[0]
    };
    let configured = liferay
        .configs_for(&[pid])
        .filter_map(|c| c.get("rootDir"))
        .last()
        .map(|v| (v.value.trim().to_string(), v.value_span))
        .or_else(|| {
            liferay
                .property(LEGACY_ROOT)
                .map(|p| (p.value.trim().to_string(), p.value_span))
        });
    let (path, span) = match configured {
        Some((path, span)) if !path.is_empty() => (path, Some(span)),
        _ => ("data/document_library".to_string(), None),
    };
    let path = path.replace('\\', "/");
    if path.starts_with('/') && !path.contains("${") {
        return Some((clean(&path), span));
    }
    let home = home(cluster, node, liferay)?;
    let relative = path
        .strip_prefix("${liferay.home}")
        .map_or(path.as_str(), |r| r.trim_start_matches('/'));
    if relative.contains("${") {
        return None;
    }
    Some((clean(&format!("{home}/{relative}")), span))
}

/// The Liferay home: `liferay.home` when absolute, else the container's
/// `LIFERAY_HOME`, else `/opt/liferay` for a node run from a Liferay image.
fn home(cluster: &Cluster, node: NodeId, liferay: &LiferayNode) -> Option<String> {
    if let Some(p) = liferay.property("liferay.home") {
        let value = p.value.trim();
        if value.starts_with('/') && !value.contains("${") {
            return Some(clean(value));
        }
    }
    if let Some((_, var)) = cluster.deployment.var(node, "LIFERAY_HOME")
        && let Some(value) = &var.value
        && value.value.starts_with('/')
    {
        return Some(clean(&value.value));
    }
    let image = cluster
        .deployment
        .of(node)
        .filter_map(|l| l.image.as_ref())
        .any(|(_, image)| crate::model::deployment::is_liferay_image(&image.value));
    image.then(|| IMAGE_HOME.to_string())
}

fn clean(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        "/".to_string()
    } else {
        trimmed.to_string()
    }
}

/// A compose service that runs a node.
pub(crate) struct Service<'a> {
    pub file: FileId,
    pub launch: &'a Launch,
    pub name: &'a Text,
}

/// The compose service that runs `node`, if one does.
pub(crate) fn service(cluster: &Cluster, node: NodeId) -> Option<Service<'_>> {
    cluster.deployment.of(node).find_map(|l| {
        let launch = cluster
            .file(l.file)
            .document
            .get::<DeploymentDocument>()?
            .launches
            .get(l.index)?;
        Some(Service {
            file: l.file,
            name: launch.service.as_ref()?,
            launch,
        })
    })
}

/// What holds `path` in a container: the mount whose target is the
/// longest prefix of it, as `(source, path inside the source)`; `None`
/// when no mount covers it (the container's own file system). A mount
/// without a source is an anonymous volume, the container's own.
pub(crate) fn holder<'a>(launch: &'a Launch, path: &str) -> Option<(&'a Text, String)> {
    launch
        .mounts
        .iter()
        .filter(|m| !m.source.value.trim().is_empty())
        .filter_map(|m| {
            let target = clean(m.target.value.trim());
            let rest = if target == "/" {
                path.trim_start_matches('/')
            } else if path == target {
                ""
            } else {
                path.strip_prefix(&format!("{target}/"))?
            };
            Some((target.len(), &m.source, rest.to_string()))
        })
        .max_by_key(|(len, _, _)| *len)
        .map(|(_, source, rest)| (source, rest))
}

/// A mount source as compared between services of one compose file: a
/// named volume by name, a bind mount by its path without `./` and a
/// trailing `/`.
#[must_use]
pub(crate) fn source_key(source: &str) -> String {
    let s = source.trim();
    let s = s.strip_prefix("./").unwrap_or(s);
    clean(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::deploy::Mount;

    fn text(v: &str) -> Text {
        Text {
            value: v.to_string(),
            range: crate::source::TextRange::default(),
        }
    }

    #[test]
    fn holders() {
        let launch = Launch {
            mounts: vec![
                Mount {
                    source: text("liferay-data"),
                    target: text("/opt/liferay/data"),
                },
                Mount {
                    source: text("./configs"),
                    target: text("/mnt/liferay/files/"),
                },
            ],
            ..Launch::default()
        };
        let (source, rest) = holder(&launch, "/opt/liferay/data/document_library").unwrap();
        assert_eq!(
            (source.value.as_str(), rest.as_str()),
            ("liferay-data", "document_library")
        );
        assert!(holder(&launch, "/opt/liferay/database").is_none());
        assert!(holder(&launch, "/opt/liferay/data2").is_none());
        assert_eq!(source_key("./shared/dl/"), "shared/dl");
    }
}
