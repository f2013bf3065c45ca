//! The OpenDJ view of each node: every server instance (a `config/`
//! folder holding `config.ldif`), with what the replication checks need
//! of its configuration entries, its `java.properties` and its keystores.
//!
//! Values are read as the server reads its configuration: attribute names
//! and DNs without case, the first value of a single-valued attribute,
//! the documented default when an attribute is absent (the administration
//! connector listens on `0.0.0.0`; the crypto manager's `ssl-encryption`
//! is `false`). `config-changes.ldif` (applied at start-up by OpenDJ 3.x)
//! is not laid over `config.ldif`.

use crate::formats::Format;
use crate::formats::keystore::KeystoreDocument;
use crate::formats::ldif::{LdifDocument, Record};
use crate::formats::properties::PropertiesDocument;
use crate::model::net::{parse_port, split_host_port};
use crate::model::{Cluster, NodeId};
use crate::source::{FileId, Span};

/// The multi-master synchronization provider's entries.
pub const MULTIMASTER: &str =
    "cn=Multimaster Synchronization,cn=Synchronization Providers,cn=config";
/// The replication server entry.
pub const REPLICATION_SERVER: &str =
    "cn=Replication Server,cn=Multimaster Synchronization,cn=Synchronization Providers,cn=config";
/// The parent of the replication domain entries.
pub const DOMAINS: &str =
    "cn=domains,cn=Multimaster Synchronization,cn=Synchronization Providers,cn=config";
/// The administration connector.
pub const ADMIN_CONNECTOR: &str = "cn=Administration Connector,cn=config";
/// The crypto manager.
pub const CRYPTO_MANAGER: &str = "cn=Crypto Manager,cn=config";
/// The parent of the connection handlers.
pub const CONNECTION_HANDLERS: &str = "cn=Connection Handlers,cn=config";

/// The system property that turns endpoint identification off for JNDI
/// LDAP connections (JDK 8u181 and later turn it on).
pub const DISABLE_ENDPOINT_IDENTIFICATION: &str =
    "com.sun.jndi.ldap.object.disableEndpointIdentification";

/// A value and where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub span: Span,
}

/// A `host:port` of a `ds-cfg-replication-server` list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peer {
    /// The host as written.
    pub host: String,
    /// `None` when the port is missing or no port.
    pub port: Option<u16>,
    pub span: Span,
}

/// The replication server entry of an instance.
#[derive(Clone, Debug)]
pub struct ReplicationServer {
    /// The `dn:` line.
    pub dn: Span,
    pub port: Option<Located<u16>>,
    pub server_id: Option<Located<String>>,
    pub peers: Vec<Peer>,
}

/// A replication domain entry (one replicated base DN).
#[derive(Clone, Debug)]
pub struct Domain {
    pub dn: Span,
    /// `ds-cfg-base-dn` as written.
    pub base_dn: Option<Located<String>>,
    pub server_id: Option<Located<String>>,
    pub peers: Vec<Peer>,
}

impl Domain {
    /// The base DN in a form for comparing (the entry's DN when no
    /// `ds-cfg-base-dn` is written).
    #[must_use]
    pub fn base_key(&self) -> Option<String> {
        self.base_dn
            .as_ref()
            .map(|b| crate::formats::ldif::normal_dn(&b.value))
    }
}

/// A connection handler entry.
#[derive(Clone, Debug)]
pub struct ConnectionHandler {
    /// The entry's `cn`.
    pub name: String,
    pub dn: Span,
    pub enabled: bool,
    pub port: Option<Located<u16>>,
    /// `ds-cfg-listen-address` values; empty: `0.0.0.0`.
    pub listen: Vec<Located<String>>,
    pub ssl: bool,
}

/// The administration connector.
#[derive(Clone, Debug)]
pub struct AdminConnector {
    pub dn: Span,
    pub port: Option<Located<u16>>,
    /// `ds-cfg-listen-address` values; empty means `0.0.0.0`.
    pub listen: Vec<Located<String>>,
}

impl AdminConnector {
    /// Whether every address it listens on is a loopback address (and
    /// one at least is written).
    #[must_use]
    pub fn loopback_only(&self) -> bool {
        !self.listen.is_empty() && self.listen.iter().all(|a| is_loopback(&a.value))
    }
}

/// Whether a host as written is the loopback interface.
#[must_use]
pub fn is_loopback(host: &str) -> bool {
    let bare = host.trim().trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// One `java.properties` line for a tool.
#[derive(Clone, Debug)]
pub struct JavaArgs {
    /// The key (`dsreplication.java-args`, `default.java-args`).
    pub key: String,
    pub value: String,
    pub span: Span,
}

impl JavaArgs {
    /// Whether the arguments set endpoint identification off
    /// (`-Dcom.sun.jndi.ldap.object.disableEndpointIdentification=true`).
    #[must_use]
    pub fn disables_endpoint_identification(&self) -> bool {
        self.value.split_whitespace().any(|arg| {
            arg.strip_prefix("-D")
                .and_then(|p| p.strip_prefix(DISABLE_ENDPOINT_IDENTIFICATION))
                .is_some_and(|rest| rest.is_empty() || rest.eq_ignore_ascii_case("=true"))
        })
    }
}

/// A tool's Java version, when the `java-home` lines name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JavaVersion {
    pub major: u32,
    /// The update (`1.8.0_181` → 181), when written.
    pub update: Option<u32>,
}

impl JavaVersion {
    /// Whether JNDI checks the server's name against its certificate on
    /// LDAPS connections: JDK 8u181 and later (and every later major).
    #[must_use]
    pub fn identifies_endpoints(self) -> bool {
        match self.major {
            0..=7 => false,
            8 => self.update.is_none_or(|u| u >= 181),
            _ => true,
        }
    }

    /// The version a Java home path names (`/usr/lib/jvm/jdk1.8.0_162`,
    /// `java-1.8.0-openjdk`, `jdk-11.0.2`, `jre1.7.0_80`, `/opt/jdk8u172`).
    #[must_use]
    pub fn from_home(path: &str) -> Option<Self> {
        let lower = path.to_ascii_lowercase();
        for segment in lower.split('/').rev() {
            if let Some(v) = Self::from_segment(segment) {
                return Some(v);
            }
        }
        None
    }

    fn from_segment(segment: &str) -> Option<Self> {
        let number = |s: &str| -> Option<u32> {
            let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        };
        let java = ["jdk", "jre", "java"].iter().any(|w| segment.contains(w));
        if let Some(at) = segment.find("1.").filter(|_| java) {
            let rest = &segment[at + 2..];
            let major = number(rest)?;
            if (5..=8).contains(&major) {
                let update = rest.find('_').and_then(|u| number(&rest[u + 1..]));
                return Some(Self { major, update });
            }
        }
        for prefix in ["jdk", "jre", "java-", "openjdk"] {
            if let Some(rest) = segment.strip_prefix(prefix) {
                let rest = rest.trim_start_matches(['-', '_']);
                let major = number(rest)?;
                if !(5..=40).contains(&major) {
                    return None;
                }
                let digits = major.to_string().len();
                let update = rest[digits..].strip_prefix('u').and_then(number);
                return Some(Self { major, update });
            }
        }
        None
    }
}

/// One keystore or PIN file of an instance.
#[derive(Clone, Debug)]
pub struct Keystore {
    /// `keystore`, `keystore.pin`, `truststore`, ...
    pub name: String,
    pub file: FileId,
}

/// One OpenDJ server instance of a node.
#[derive(Clone, Debug)]
pub struct Instance {
    pub node: NodeId,
    /// The instance's `config/config.ldif`.
    pub config: FileId,
    /// The cluster path of its `config/` folder.
    pub folder: String,
    pub replication_server: Option<ReplicationServer>,
    pub domains: Vec<Domain>,
    pub handlers: Vec<ConnectionHandler>,
    pub admin: Option<AdminConnector>,
    /// The crypto manager entry and its `ds-cfg-ssl-encryption`.
    pub crypto_manager: Option<(Span, Option<Located<bool>>)>,
    /// The `config/java.properties` beside it.
    pub java_properties: Option<FileId>,
    /// Its `*.java-args` lines, in file order.
    pub java_args: Vec<JavaArgs>,
    /// The Java version its `*.java-home` lines name, if any does.
    pub java_version: Option<JavaVersion>,
    pub keystores: Vec<Keystore>,
}

impl Instance {
    /// Whether the instance takes part in replication: a replication
    /// server or domain entry lists replication servers.
    #[must_use]
    pub fn replicates(&self) -> bool {
        self.replication_server
            .as_ref()
            .is_some_and(|r| !r.peers.is_empty())
            || self.domains.iter().any(|d| !d.peers.is_empty())
    }

    /// Every `ds-cfg-replication-server` value, server entry first.
    pub fn peers(&self) -> impl Iterator<Item = &Peer> {
        self.replication_server
            .iter()
            .flat_map(|r| &r.peers)
            .chain(self.domains.iter().flat_map(|d| &d.peers))
    }

    /// The `java.properties` lines `dsreplication` reads: its own
    /// `dsreplication.java-args` lines, else `default.java-args`.
    #[must_use]
    pub fn dsreplication_args(&self) -> Vec<&JavaArgs> {
        let own: Vec<&JavaArgs> = self
            .java_args
            .iter()
            .filter(|a| a.key == "dsreplication.java-args")
            .collect();
        if own.is_empty() {
            self.java_args
                .iter()
                .filter(|a| a.key == "default.java-args")
                .collect()
        } else {
            own
        }
    }

    /// The keystore or PIN file named `name`.
    #[must_use]
    pub fn keystore(&self, name: &str) -> Option<&Keystore> {
        self.keystores.iter().find(|k| k.name == name)
    }
}

/// The OpenDJ instances of the cluster.
#[derive(Clone, Debug, Default)]
pub struct OpenDj {
    pub instances: Vec<Instance>,
}

impl OpenDj {
    /// The instances of `node`.
    pub fn of(&self, node: NodeId) -> impl Iterator<Item = &Instance> {
        self.instances.iter().filter(move |i| i.node == node)
    }

    /// The instances that replicate.
    pub fn replicating(&self) -> impl Iterator<Item = &Instance> {
        self.instances.iter().filter(|i| i.replicates())
    }
}

/// The nodes a `ds-cfg-replication-server` value names, seen from the
/// instance's node: loopback is the node itself; a name or address goes to
/// the nodes that hold it (hosts files, node names, host names,
/// addresses). Empty when the host is no node of the cluster.
#[must_use]
pub fn peer_nodes(cluster: &Cluster, from: NodeId, peer: &Peer) -> Vec<NodeId> {
    if is_loopback(&peer.host) {
        return vec![from];
    }
    let mut nodes = cluster.net.nodes_named(cluster, from, &peer.host);
    if let Some(target) = cluster.net.target(cluster, from, &peer.host) {
        nodes.push(target.node);
    }
    nodes.sort();
    nodes.dedup();
    nodes
}

/// A value of the instance's replication lists that leads to another
/// host: a node of the cluster other than its own, or, among two hosts
/// or more that are not the loopback, one that is no node of the cluster.
#[must_use]
pub fn peer_on_other_host<'a>(cluster: &Cluster, instance: &'a Instance) -> Option<&'a Peer> {
    let node = instance.node;
    if let Some(peer) = instance.peers().find(|p| {
        let nodes = peer_nodes(cluster, node, p);
        !nodes.is_empty() && !nodes.contains(&node)
    }) {
        return Some(peer);
    }
    let mut hosts: Vec<String> = instance
        .peers()
        .filter(|p| !is_loopback(&p.host))
        .map(|p| p.host.to_ascii_lowercase())
        .collect();
    hosts.sort();
    hosts.dedup();
    if hosts.len() < 2 {
        return None;
    }
    instance
        .peers()
        .find(|p| !is_loopback(&p.host) && peer_nodes(cluster, node, p).is_empty())
}

/// The folder of a cluster path.
fn folder_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(f, _)| f)
}

fn name_of(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Reads every node's `config/config.ldif` files.
#[must_use]
pub fn build(cluster: &Cluster) -> OpenDj {
    let mut instances = Vec::new();
    for node in &cluster.nodes {
        for &file in &node.files {
            let f = cluster.file(file);
            if f.format != Some(Format::OPENDJ_LDIF) || name_of(&f.source.path) != "config.ldif" {
                continue;
            }
            let Some(doc) = f.document.get::<LdifDocument>() else {
                continue;
            };
            let folder = folder_of(&f.source.path).to_string();
            let mut instance = read_config(node.id, file, folder, doc);
            for &other in &node.files {
                let o = cluster.file(other);
                if folder_of(&o.source.path) != instance.folder {
                    continue;
                }
                if o.format == Some(Format::OPENDJ_JAVA_PROPERTIES) {
                    read_java_properties(&mut instance, other, cluster);
                } else if o.format == Some(Format::OPENDJ_KEYSTORE)
                    && o.document.get::<KeystoreDocument>().is_some()
                {
                    instance.keystores.push(Keystore {
                        name: name_of(&o.source.path).to_string(),
                        file: other,
                    });
                }
            }
            instances.push(instance);
        }
    }
    OpenDj { instances }
}

fn read_config(node: NodeId, file: FileId, folder: String, doc: &LdifDocument) -> Instance {
    let span = |range| Span::new(file, range);
    let text_of = |record: &Record, name: &str| {
        record.first(name).and_then(|a| {
            a.text().map(|t| Located {
                value: t.trim().to_string(),
                span: span(a.value_range),
            })
        })
    };
    let port_of = |record: &Record, name: &str| {
        text_of(record, name).and_then(|v| {
            parse_port(&v.value).map(|p| Located {
                value: p,
                span: v.span,
            })
        })
    };
    let peers_of = |record: &Record| {
        record
            .all("ds-cfg-replication-server")
            .filter_map(|a| {
                let text = a.text()?.trim();
                let (host, port) = split_host_port(text);
                Some(Peer {
                    host: host.to_string(),
                    port: port.and_then(parse_port),
                    span: span(a.value_range),
                })
            })
            .collect::<Vec<_>>()
    };
    let addresses_of = |record: &Record| {
        record
            .all("ds-cfg-listen-address")
            .filter_map(|a| {
                a.text().map(|t| Located {
                    value: t.trim().to_string(),
                    span: span(a.value_range),
                })
            })
            .collect::<Vec<_>>()
    };
    let flag =
        |record: &Record, name: &str| text_of(record, name).is_some_and(|v| is_true(&v.value));
    let mut instance = Instance {
        node,
        config: file,
        folder,
        replication_server: None,
        domains: Vec::new(),
        handlers: Vec::new(),
        admin: None,
        crypto_manager: None,
        java_properties: None,
        java_args: Vec::new(),
        java_version: None,
        keystores: Vec::new(),
    };
    for record in doc.records.iter().filter(|r| r.changetype.is_none()) {
        if record.is_dn(REPLICATION_SERVER)
            || record.is_child_of(MULTIMASTER) && is_replication_server(record)
        {
            if instance.replication_server.is_none() {
                instance.replication_server = Some(ReplicationServer {
                    dn: span(record.dn_line),
                    port: port_of(record, "ds-cfg-replication-port"),
                    server_id: text_of(record, "ds-cfg-replication-server-id").map(|v| Located {
                        value: server_id(v.value),
                        span: v.span,
                    }),
                    peers: peers_of(record),
                });
            }
        } else if record.is_child_of(DOMAINS) {
            instance.domains.push(Domain {
                dn: span(record.dn_line),
                base_dn: text_of(record, "ds-cfg-base-dn"),
                server_id: text_of(record, "ds-cfg-server-id").map(|v| Located {
                    value: server_id(v.value),
                    span: v.span,
                }),
                peers: peers_of(record),
            });
        } else if record.is_dn(ADMIN_CONNECTOR) {
            instance.admin = Some(AdminConnector {
                dn: span(record.dn_line),
                port: port_of(record, "ds-cfg-listen-port"),
                listen: addresses_of(record),
            });
        } else if record.is_dn(CRYPTO_MANAGER) {
            let ssl = text_of(record, "ds-cfg-ssl-encryption").map(|v| Located {
                value: is_true(&v.value),
                span: v.span,
            });
            instance.crypto_manager = Some((span(record.dn_line), ssl));
        } else if record.is_child_of(CONNECTION_HANDLERS) {
            instance.handlers.push(ConnectionHandler {
                name: record
                    .first("cn")
                    .and_then(|a| a.text())
                    .unwrap_or("")
                    .to_string(),
                dn: span(record.dn_line),
                enabled: flag(record, "ds-cfg-enabled"),
                port: port_of(record, "ds-cfg-listen-port"),
                listen: addresses_of(record),
                ssl: flag(record, "ds-cfg-use-ssl"),
            });
        }
    }
    instance
}

/// A boolean property as the server reads it (`true`, `yes`, `on`, `1`,
/// in any case).
#[must_use]
pub fn is_true(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "true" | "yes" | "on" | "1"
    )
}

/// A server id in a form for comparing (`01` is `1`).
fn server_id(value: String) -> String {
    value.parse::<u32>().map_or(value, |n| n.to_string())
}

/// Whether an entry below the multi-master provider is the replication
/// server (its object class), whatever its RDN's spelling.
fn is_replication_server(record: &Record) -> bool {
    record.all("objectclass").any(|a| {
        a.text()
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("ds-cfg-replication-server"))
    })
}

fn read_java_properties(instance: &mut Instance, file: FileId, cluster: &Cluster) {
    let f = cluster.file(file);
    let Some(doc) = f.document.get::<PropertiesDocument>() else {
        return;
    };
    let text = &f.source.text;
    instance.java_properties = Some(file);
    for entry in &doc.entries {
        let key = entry.key(text);
        if key.ends_with(".java-args") {
            instance.java_args.push(JavaArgs {
                key: key.to_string(),
                value: entry.value(text).to_string(),
                span: Span::new(file, entry.range()),
            });
        } else if (key == "dsreplication.java-home" || key == "default.java-home")
            && let Some(version) = JavaVersion::from_home(entry.value(text))
        {
            // The tool's own line outranks the default.
            if key == "dsreplication.java-home" || instance.java_version.is_none() {
                instance.java_version = Some(version);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_versions_from_homes() {
        let v = |p| JavaVersion::from_home(p);
        assert_eq!(
            v("/usr/lib/jvm/jdk1.8.0_162"),
            Some(JavaVersion {
                major: 8,
                update: Some(162)
            })
        );
        assert!(
            !v("/usr/lib/jvm/jdk1.8.0_162")
                .unwrap()
                .identifies_endpoints()
        );
        assert!(v("/opt/jdk1.8.0_181").unwrap().identifies_endpoints());
        assert!(
            v("/usr/lib/jvm/java-11-openjdk-amd64")
                .unwrap()
                .identifies_endpoints()
        );
        assert!(!v("/opt/jdk8u172").unwrap().identifies_endpoints());
        assert!(
            v("/usr/lib/jvm/java-1.8.0-openjdk")
                .unwrap()
                .identifies_endpoints()
        );
        assert!(!v("/opt/jre1.7.0_80").unwrap().identifies_endpoints());
        assert_eq!(v("/opt/jre"), None);
    }

    #[test]
    fn endpoint_identification_flag() {
        let args = |value: &str| JavaArgs {
            key: "dsreplication.java-args".into(),
            value: value.into(),
            span: Span::file_start(FileId(0)),
        };
        assert!(
            args("-Xms8m -client -Dcom.sun.jndi.ldap.object.disableEndpointIdentification=true")
                .disables_endpoint_identification()
        );
        assert!(!args("-Xms8m -client").disables_endpoint_identification());
        assert!(
            !args("-Dcom.sun.jndi.ldap.object.disableEndpointIdentification=false")
                .disables_endpoint_identification()
        );
    }

    #[test]
    fn loopback() {
        assert!(is_loopback("127.0.0.1"));
        assert!(is_loopback("localhost"));
        assert!(is_loopback("::1"));
        assert!(!is_loopback("0.0.0.0"));
        assert!(!is_loopback("10.0.0.1"));
    }
}
