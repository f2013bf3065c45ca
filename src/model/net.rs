//! The network view of the cluster: the sockets each node's programs bind
//! (listeners), each node's `/etc/hosts`, and how a host name written in a
//! file of one node resolves to a node of the cluster.
//!
//! Names are resolved the way the node itself would, without DNS: an IP
//! literal is itself; otherwise the node's own hosts files (the first line
//! naming it wins, as glibc reads them), then the names and host names the
//! manifest gives nodes.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::formats::Format;
use crate::model::{Cluster, NodeId};
use crate::source::{FileId, Span};

/// The program that binds a socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Program {
    Nginx,
    Redis,
    Stunnel,
    Kaazing,
}

impl Program {
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Nginx => "nginx",
            Self::Redis => "Redis",
            Self::Stunnel => "stunnel",
            Self::Kaazing => "the gateway",
        }
    }
}

impl fmt::Display for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The address part of a listening socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BindAddress {
    /// Every IPv4 address of the node (`0.0.0.0`, `*`, a port alone).
    AnyV4,
    /// Every IPv6 address of the node (`::`).
    AnyV6,
    /// Every address of both families: an IPv6 wildcard socket without
    /// `IPV6_V6ONLY` (stunnel's `:::port`, nginx `ipv6only=off`).
    AnyDual,
    Ip(IpAddr),
}

impl BindAddress {
    /// `0.0.0.0` and `::` are the wildcards; anything else is one address.
    #[must_use]
    pub fn from_ip(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) if v4.is_unspecified() => Self::AnyV4,
            IpAddr::V6(v6) if v6.is_unspecified() => Self::AnyV6,
            ip => Self::Ip(ip),
        }
    }

    /// Whether two bound addresses take the same socket: equal, or one is
    /// the wildcard of the other's family.
    #[must_use]
    pub fn overlaps(self, other: Self) -> bool {
        match (self, other) {
            (a, b) if a == b => true,
            (Self::AnyDual, _)
            | (_, Self::AnyDual)
            | (Self::AnyV4, Self::Ip(IpAddr::V4(_)))
            | (Self::Ip(IpAddr::V4(_)), Self::AnyV4)
            | (Self::AnyV6, Self::Ip(IpAddr::V6(_)))
            | (Self::Ip(IpAddr::V6(_)), Self::AnyV6) => true,
            _ => false,
        }
    }

    /// Whether a connection to `ip` on the node reaches a socket bound here.
    #[must_use]
    pub fn accepts(self, ip: IpAddr) -> bool {
        match self {
            Self::AnyV4 => ip.is_ipv4(),
            Self::AnyV6 => ip.is_ipv6(),
            Self::AnyDual => true,
            Self::Ip(own) => own == ip,
        }
    }
}

impl fmt::Display for BindAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AnyV4 => f.write_str("0.0.0.0"),
            Self::AnyV6 | Self::AnyDual => f.write_str("[::]"),
            Self::Ip(IpAddr::V6(v6)) => write!(f, "[{v6}]"),
            Self::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

/// A TCP socket a program binds on a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listener {
    pub node: NodeId,
    pub address: BindAddress,
    pub port: u16,
    pub program: Program,
    /// The configuration that binds it (its main file). One program shares
    /// a socket between the parts of one configuration where it says so
    /// ([`Listener::shared`]).
    pub config: FileId,
    /// Sockets of one configuration with the same `shared` key are one
    /// socket to the program (nginx `server` blocks on one `listen`).
    pub shared: bool,
    /// Whether the socket speaks TLS (stunnel's server side, nginx
    /// `listen ... ssl`, Redis `tls-port`).
    pub tls: bool,
    /// What binds it: the `listen`, `accept`, `port` or `bind` text.
    pub span: Span,
}

impl Listener {
    /// `address:port`, as people write it.
    #[must_use]
    pub fn endpoint(&self) -> String {
        format!("{}:{}", self.address, self.port)
    }
}

/// One line of a hosts file that maps a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostsName {
    pub ip: IpAddr,
    /// The name as written.
    pub span: Span,
}

/// Everything about addresses and names.
#[derive(Clone, Debug, Default)]
pub struct Net {
    /// Every socket of the cluster; set with [`Net::set_listeners`], which
    /// indexes them.
    pub listeners: Vec<Listener>,
    /// Indexes into `listeners` by node and port, in order: a cluster may
    /// bind a hundred thousand sockets, and each connection looks up one.
    listeners_at: HashMap<(NodeId, u16), Vec<u32>>,
    /// Indexes into `listeners` per node, in order.
    listeners_by_node: Vec<Vec<u32>>,
    /// Per node: indexes into its `hosts_lines` of the first line mapping
    /// each name, sorted by name (a binary search finds a name without a
    /// second copy of every name).
    hosts: Vec<Vec<u32>>,
    /// Per node: every name its hosts files map, in file order, with every
    /// line (not only the first), for consistency checks.
    hosts_lines: Vec<Vec<(String, HostsName)>>,
    node_of_ip: HashMap<IpAddr, NodeId>,
    /// Lower-cased node names and manifest host names → nodes.
    node_of_name: HashMap<String, Vec<NodeId>>,
}

/// Where a host name written on a node leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Destination {
    pub node: NodeId,
    pub ip: IpAddr,
}

impl Net {
    /// The node owning `ip`, by its known addresses.
    #[must_use]
    pub fn node_of(&self, ip: IpAddr) -> Option<NodeId> {
        self.node_of_ip.get(&ip).copied()
    }

    /// The addresses `host` stands for on node `from` (an IP literal,
    /// bracketed or not, a hosts-file name, a node name or host name).
    #[must_use]
    pub fn resolve(&self, cluster: &Cluster, from: NodeId, host: &str) -> Vec<IpAddr> {
        let bare = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        if let Ok(ip) = bare.parse::<IpAddr>() {
            return vec![ip];
        }
        // `@eth0` (KAAZING): the addresses of that interface, on the machine
        // that reads it.
        if bare.starts_with('@') {
            return cluster.node(from).addresses.iter().map(|a| a.ip).collect();
        }
        let name = host.to_ascii_lowercase();
        if let Some(entry) = self.first_hosts_line(from, &name) {
            return vec![entry.ip];
        }
        if name == "localhost" {
            return vec![
                IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(Ipv6Addr::LOCALHOST),
            ];
        }
        self.node_of_name
            .get(&name)
            .into_iter()
            .flatten()
            .flat_map(|&n| cluster.node(n).addresses.iter().map(|a| a.ip))
            .collect()
    }

    /// The node and address a connection from `from` to `host` reaches:
    /// loopback stays on `from`, other addresses go to their owner.
    #[must_use]
    pub fn target(&self, cluster: &Cluster, from: NodeId, host: &str) -> Option<Destination> {
        self.resolve(cluster, from, host)
            .into_iter()
            .find_map(|ip| self.target_ip(from, ip))
    }

    /// [`Net::target`] for an address.
    #[must_use]
    pub fn target_ip(&self, from: NodeId, ip: IpAddr) -> Option<Destination> {
        if ip.is_loopback() {
            return Some(Destination { node: from, ip });
        }
        self.node_of(ip).map(|node| Destination { node, ip })
    }

    /// Whether a name resolves on `from` at all (it is an IP, a hosts-file
    /// name, or a known node).
    #[must_use]
    pub fn is_known_name(&self, cluster: &Cluster, from: NodeId, host: &str) -> bool {
        !self.resolve(cluster, from, host).is_empty()
    }

    /// The nodes a name written anywhere stands for: a node name, a
    /// manifest host name, or an address of a node.
    #[must_use]
    pub fn nodes_named(&self, cluster: &Cluster, from: NodeId, name: &str) -> Vec<NodeId> {
        let mut out: Vec<NodeId> = self
            .node_of_name
            .get(&name.to_ascii_lowercase())
            .cloned()
            .unwrap_or_default();
        for ip in self.resolve(cluster, from, name) {
            if let Some(node) = self.node_of(ip) {
                out.push(node);
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// The listeners of a node.
    pub fn listeners_of(&self, node: NodeId) -> impl Iterator<Item = &Listener> {
        self.listeners_by_node
            .get(node.index())
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|&i| &self.listeners[i as usize])
    }

    /// Sets the cluster's sockets and indexes them by node and port.
    pub fn set_listeners(&mut self, listeners: Vec<Listener>) {
        self.listeners_at.clear();
        self.listeners_by_node.clear();
        for (i, listener) in listeners.iter().enumerate() {
            let i = i as u32;
            self.listeners_at
                .entry((listener.node, listener.port))
                .or_default()
                .push(i);
            let node = listener.node.index();
            if self.listeners_by_node.len() <= node {
                self.listeners_by_node.resize_with(node + 1, Vec::new);
            }
            self.listeners_by_node[node].push(i);
        }
        self.listeners = listeners;
    }

    /// The listeners on `node` that a connection to `ip:port` reaches.
    pub fn listening_at(
        &self,
        node: NodeId,
        ip: IpAddr,
        port: u16,
    ) -> impl Iterator<Item = &Listener> {
        self.listeners_at
            .get(&(node, port))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|&i| &self.listeners[i as usize])
            .filter(move |l| l.address.accepts(ip))
    }

    /// Every name the hosts files of `node` map, with each line's address.
    #[must_use]
    /// The first hosts line of `node` mapping lower-cased `name`.
    fn first_hosts_line(&self, node: NodeId, name: &str) -> Option<&HostsName> {
        let lines = self.hosts_lines.get(node.index())?;
        let index = self.hosts.get(node.index())?;
        let at = index
            .binary_search_by(|&i| lines[i as usize].0.as_str().cmp(name))
            .ok()?;
        Some(&lines[index[at] as usize].1)
    }

    pub fn hosts_lines(&self, node: NodeId) -> &[(String, HostsName)] {
        self.hosts_lines
            .get(node.index())
            .map_or(&[], Vec::as_slice)
    }
}

/// Reads the hosts files of every node (shallowest file first, so the
/// machine's `/etc/hosts` outranks copies deeper in the tree, such as a
/// container's).
pub(crate) fn build_hosts(cluster: &Cluster, net: &mut Net) {
    net.hosts = vec![Vec::new(); cluster.nodes.len()];
    net.hosts_lines = vec![Vec::new(); cluster.nodes.len()];
    for node in &cluster.nodes {
        let mut files: Vec<FileId> = node
            .files
            .iter()
            .copied()
            .filter(|f| cluster.file(*f).format == Some(Format::HOSTS))
            .collect();
        files.sort_by_key(|f| {
            let path = &cluster.source(*f).path;
            (path.matches('/').count(), path.clone())
        });
        let lines = &mut net.hosts_lines[node.id.index()];
        for file in files {
            let Some(doc) = cluster
                .file(file)
                .document
                .get::<crate::formats::hosts::HostsDocument>()
            else {
                continue;
            };
            for entry in &doc.entries {
                let Some(ip) = entry.address else { continue };
                for name in &entry.names {
                    let mapped = HostsName {
                        ip,
                        span: Span::new(file, name.range),
                    };
                    lines.push((name.name.to_ascii_lowercase(), mapped));
                }
            }
        }
        // The first line per name: a stable sort keeps file order among equals.
        let mut index: Vec<u32> = (0..lines.len() as u32).collect();
        index.sort_by(|&a, &b| lines[a as usize].0.cmp(&lines[b as usize].0));
        index.dedup_by(|later, earlier| lines[*later as usize].0 == lines[*earlier as usize].0);
        net.hosts[node.id.index()] = index;
    }
}

/// Indexes node addresses and names, once addresses are final.
pub(crate) fn index_nodes(cluster: &Cluster, net: &mut Net) {
    net.node_of_ip.clear();
    net.node_of_name.clear();
    for node in &cluster.nodes {
        for address in &node.addresses {
            net.node_of_ip.entry(address.ip).or_insert(node.id);
        }
        let mut names = vec![node.name.to_ascii_lowercase()];
        names.extend(node.hostname.iter().map(|h| h.to_ascii_lowercase()));
        names.extend(node.aliases.iter().map(|a| a.to_ascii_lowercase()));
        for name in names {
            let owners = net.node_of_name.entry(name).or_default();
            if !owners.contains(&node.id) {
                owners.push(node.id);
            }
        }
    }
}

/// An address written in a file that its program cannot read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadAddress {
    pub span: Span,
    /// What is wrong, naming the text.
    pub problem: String,
    /// How to write it instead, where that is more than "the right
    /// address".
    pub help: Option<String>,
}

/// What is wrong with a host written where an address or name is
/// expected, if it is meant as an IP address and is not one.
#[must_use]
pub fn host_problem(host: &str) -> Option<String> {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if !looks_like_ip(bare) || bare.parse::<IpAddr>().is_ok() {
        return None;
    }
    if bare.contains(':') {
        return Some(format!("`{bare}` is not a valid IPv6 address"));
    }
    let parts: Vec<&str> = bare.split('.').collect();
    let detail = if parts.len() != 4 {
        format!("it has {} parts, not 4", parts.len())
    } else if let Some(part) = parts.iter().find(|p| p.is_empty()) {
        format!("a part is empty{part}")
    } else if let Some(part) = parts
        .iter()
        .find(|p| p.parse::<u32>().is_ok_and(|n| n > 255))
    {
        format!("`{part}` is over 255")
    } else if let Some(part) = parts.iter().find(|p| p.len() > 1 && p.starts_with('0')) {
        format!("`{part}` has a leading zero, which readers refuse or take as octal")
    } else {
        "it is malformed".to_string()
    };
    Some(format!("`{bare}` is not a valid IPv4 address: {detail}"))
}

/// What is wrong with a port, if it is neither a number from 1 to 65535
/// nor a well-known service name.
#[must_use]
pub fn port_problem(port: &str) -> Option<String> {
    parse_port(port)
        .is_none()
        .then(|| format!("`{port}` is not a port (a number from 1 to 65535)"))
}

/// Splits `host:port` at the last `:`; brackets around an IPv6 host are
/// kept in the host part.
#[must_use]
pub fn split_host_port(text: &str) -> (&str, Option<&str>) {
    if text.starts_with('[') {
        return match text.find(']') {
            Some(end) => match text[end + 1..].strip_prefix(':') {
                Some(port) => (&text[..=end], Some(port)),
                None => (text, None),
            },
            None => (text, None),
        };
    }
    match text.rsplit_once(':') {
        // A bare IPv6 address has several colons; it has no port.
        Some((host, _)) if host.contains(':') => (text, None),
        Some((host, port)) => (host, Some(port)),
        None => (text, None),
    }
}

/// A port number 1-65535, or a well-known service name as `getservbyname`
/// knows it.
#[must_use]
pub fn parse_port(text: &str) -> Option<u16> {
    if let Ok(port) = text.parse::<u16>() {
        return (port > 0).then_some(port);
    }
    Some(match text {
        "http" => 80,
        "https" => 443,
        "ssh" => 22,
        "smtp" => 25,
        "smtps" | "submissions" => 465,
        "submission" => 587,
        "imap" => 143,
        "imaps" => 993,
        "pop3" => 110,
        "pop3s" => 995,
        "ldap" => 389,
        "ldaps" => 636,
        "mysql" => 3306,
        "postgresql" => 5432,
        "redis" => 6379,
        "domain" => 53,
        "ftp" => 21,
        "telnet" => 23,
        "nntp" => 119,
        "nntps" => 563,
        "rsync" => 873,
        "csync2" => 30865,
        _ => return None,
    })
}

/// Whether `text` is meant as an IP address literal (only digits and dots
/// with a dot, or hex digits and colons with a colon), so that failing to
/// parse it is a typo rather than a host name.
#[must_use]
pub fn looks_like_ip(text: &str) -> bool {
    let bare = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(text);
    let v4 = bare.contains('.') && bare.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    let address = bare.split_once('%').map_or(bare, |(address, _)| address);
    let v6 = address.contains(':')
        && address
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || matches!(b, b':' | b'.' | b'%'));
    v4 || v6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_port() {
        assert_eq!(split_host_port("10.0.0.1:443"), ("10.0.0.1", Some("443")));
        assert_eq!(split_host_port("[::1]:80"), ("[::1]", Some("80")));
        assert_eq!(split_host_port("::1"), ("::1", None));
        assert_eq!(split_host_port("backend"), ("backend", None));
        assert_eq!(parse_port("443"), Some(443));
        assert_eq!(parse_port("0"), None);
        assert_eq!(parse_port("https"), Some(443));
        assert_eq!(parse_port("99999"), None);
    }

    #[test]
    fn overlapping_binds() {
        let v4: IpAddr = "10.0.0.1".parse().unwrap();
        let v6: IpAddr = "::1".parse().unwrap();
        assert!(BindAddress::AnyV4.overlaps(BindAddress::Ip(v4)));
        assert!(!BindAddress::AnyV4.overlaps(BindAddress::Ip(v6)));
        assert!(!BindAddress::AnyV4.overlaps(BindAddress::AnyV6));
        assert!(BindAddress::AnyV6.accepts(v6));
        assert!(BindAddress::AnyDual.overlaps(BindAddress::AnyV4));
        assert!(BindAddress::AnyDual.accepts(v4));
        assert_eq!(
            BindAddress::from_ip("0.0.0.0".parse().unwrap()),
            BindAddress::AnyV4
        );
    }

    #[test]
    fn ip_lookalikes() {
        assert!(looks_like_ip("197.122.32.421"));
        assert!(looks_like_ip("fe80::1%lo0"));
        assert!(!looks_like_ip("redis.example.org"));
        assert!(!looks_like_ip("backend"));
        assert!(
            host_problem("197.122.32.421")
                .unwrap()
                .contains("`421` is over 255")
        );
        assert!(host_problem("10.0.0").unwrap().contains("3 parts"));
        assert!(host_problem("10.0.0.01").unwrap().contains("leading zero"));
        assert_eq!(host_problem("10.0.0.1"), None);
        assert_eq!(host_problem("[::1]"), None);
        assert_eq!(host_problem("redis.example.org"), None);
        assert!(port_problem("65536").is_some());
        assert_eq!(port_problem("443"), None);
    }
}
