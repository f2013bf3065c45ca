//! The cluster model: nodes with roles and addresses, and per-domain views
//! (Liferay portal properties, OSGi configurations, JVM options) built once
//! from the parsed documents. Rules read the model; they never parse.

pub mod deployment;
mod expansion;
pub mod gluu;
pub mod kaazing;
pub mod liferay;
pub mod net;
pub mod nginx;
pub mod opendj;
pub mod redis;
pub mod stunnel;
pub mod tls;
pub mod versions;

use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::Arc;

use crate::facts::{AsFact, Fact, FactKind};
pub use crate::files::{ClusterFile, Files, Include, NodeId};
pub use crate::role::Role;

use crate::diagnostic::Diagnostic;
use crate::formats::Format;
use crate::manifest::Settings;
use crate::source::{FileId, SourceFile, Span};

/// An address of a node and where it was declared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    pub ip: IpAddr,
    /// Where the address is written (the manifest, or the file it was
    /// inferred from).
    pub span: Option<Span>,
}

/// Where a node's role comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleSource {
    /// Written in the manifest, here.
    Manifest(Span),
    /// Inferred from the node's name or files.
    Inferred,
}

/// One machine of the cluster.
#[derive(Clone, Debug)]
pub struct Node {
    pub id: NodeId,
    pub name: String,
    pub roles: Vec<(Role, RoleSource)>,
    pub addresses: Vec<Address>,
    pub hostname: Option<String>,
    /// The node's files, by path.
    pub files: Vec<FileId>,
    /// The folders (cluster paths, `""` for the root) standing for the
    /// node's `/` or its product's home, the first laid over the others.
    pub layers: Vec<String>,
    /// Absolute paths of the node's file system and the cluster paths
    /// mounted there (a compose service's bind mounts), before `layers`.
    pub mounts: Vec<(String, String)>,
    /// Other names the node answers to (compose services, container names,
    /// network aliases and links), for name resolution.
    pub aliases: Vec<String>,
    /// The node's table header in the manifest, if it has one.
    pub manifest_span: Option<Span>,
}

impl Node {
    #[must_use]
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.iter().any(|(r, _)| *r == role)
    }
}

/// Everything the rules look at.
#[derive(Debug, Default)]
pub struct Cluster {
    pub name: Option<String>,
    pub files: Arc<Files>,
    pub nodes: Vec<Node>,
    pub liferay: liferay::Liferay,
    pub gluu: gluu::Gluu,
    pub nginx: Vec<nginx::NginxConfig>,
    pub redis: Vec<redis::RedisServer>,
    pub stunnel: stunnel::Stunnel,
    /// The certificates programs present and the ones they trust.
    pub tls: tls::Tls,
    pub kaazing: Vec<kaazing::Gateway>,
    pub opendj: opendj::OpenDj,
    pub net: net::Net,
    /// What starts each node (compose services, Dockerfiles, scripts).
    pub deployment: deployment::Deployment,
    /// The product versions and editions the checks assume.
    pub versions: crate::versions::Versions,
}

impl Cluster {
    /// The files, to add to or change while the loader reads them (a
    /// copy is made only if a report already shares them).
    pub fn files_mut(&mut self) -> &mut Files {
        Arc::make_mut(&mut self.files)
    }

    #[must_use]
    pub fn file(&self, id: FileId) -> &ClusterFile {
        &self.files[id.index()]
    }

    #[must_use]
    pub fn source(&self, id: FileId) -> &SourceFile {
        &self.files[id.index()].source
    }

    #[must_use]
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    /// Nodes having `role`, by name.
    pub fn nodes_with(&self, role: Role) -> impl Iterator<Item = &Node> {
        self.nodes.iter().filter(move |n| n.has_role(role))
    }

    /// The main files of `format`, with their nodes, in node order: files of
    /// that format that no other file of it includes, and that parsed.
    #[must_use]
    pub fn main_files(&self, format: Format) -> Vec<(NodeId, FileId)> {
        let mut included = vec![false; self.files.len()];
        for file in self.files.iter().filter(|f| f.format == Some(format)) {
            for include in file.includes.iter().filter(|i| i.format == format) {
                for target in &include.targets {
                    included[target.index()] = true;
                }
            }
        }
        self.nodes
            .iter()
            .flat_map(|node| node.files.iter().map(move |&file| (node.id, file)))
            .filter(|&(_, file)| {
                let f = self.file(file);
                f.format == Some(format) && !included[file.index()] && !f.document.is_unparsed()
            })
            .collect()
    }

    /// The text `span` covers. Rules use it for values that are not secret.
    #[must_use]
    pub fn text(&self, span: Span) -> &str {
        let text = &self.source(span.file).text;
        text.get(span.range.as_usize()).unwrap_or("")
    }
}

/// Builds the cluster model from what loading gave: the nodes with their
/// roles and addresses, and the domain views. The facts are loading's and
/// those the model itself finds (includes that name no file, doubtful
/// roles).
#[must_use]
pub fn build(loaded: crate::load::Loaded) -> (Cluster, Settings, Vec<Fact>) {
    let crate::load::Loaded {
        name,
        files,
        nodes,
        manifest,
        mut facts,
        ignored: _,
    } = loaded;
    let nodes = nodes
        .into_iter()
        .enumerate()
        .map(|(index, node)| Node {
            id: NodeId(index as u32),
            name: node.name,
            roles: Vec::new(),
            addresses: Vec::new(),
            hostname: None,
            files: node.files,
            layers: node.layers,
            mounts: node.mounts,
            aliases: Vec::new(),
            manifest_span: None,
        })
        .collect();
    let mut cluster = Cluster {
        name,
        files: Arc::new(files),
        nodes,
        ..Cluster::default()
    };
    let settings = Settings { manifest };
    build_views(&mut cluster, &settings, &mut facts);
    (cluster, settings, facts)
}

/// Derives roles and addresses and builds the domain views.
fn build_views(cluster: &mut Cluster, settings: &Settings, facts: &mut Vec<Fact>) {
    if let Some((manifest_file, manifest)) = &settings.manifest {
        // The first entry of each name, as `Manifest::node` finds it.
        let mut entries = std::collections::HashMap::new();
        for entry in &manifest.nodes {
            entries.entry(entry.name.as_str()).or_insert(entry);
        }
        for node in &mut cluster.nodes {
            let Some(entry) = entries.get(node.name.as_str()) else {
                continue;
            };
            node.manifest_span = Some(Span::new(*manifest_file, entry.name_range));
            for role in &entry.roles {
                if !node.has_role(role.value) {
                    node.roles.push((
                        role.value,
                        RoleSource::Manifest(Span::new(*manifest_file, role.range)),
                    ));
                }
            }
            for address in &entry.addresses {
                node.addresses.push(Address {
                    ip: address.value,
                    span: Some(Span::new(*manifest_file, address.range)),
                });
            }
            node.hostname = entry.hostname.as_ref().map(|h| h.value.clone());
        }
    }
    cluster.deployment = deployment::build(cluster);
    for index in 0..cluster.nodes.len() {
        let id = NodeId(index as u32);
        cluster.nodes[index].aliases = deployment::aliases(cluster, id);
        if cluster.nodes[index].hostname.is_none() {
            let hostname = cluster.deployment.of(id).find_map(|l| {
                let doc = cluster
                    .file(l.file)
                    .document
                    .get::<crate::formats::deploy::DeploymentDocument>()?;
                doc.launches
                    .get(l.index)?
                    .hostname
                    .as_ref()
                    .map(|h| h.value.clone())
            });
            cluster.nodes[index].hostname = hostname.filter(|h| !h.contains("${"));
        }
    }
    cluster.versions = versions::infer(cluster, settings.manifest());
    cluster.liferay = liferay::build(cluster, facts);
    cluster.gluu = gluu::build(cluster);
    cluster.nginx = nginx::build(cluster, facts);
    cluster.redis = redis::build(cluster, facts);
    cluster.stunnel = stunnel::build(cluster, facts);
    cluster.tls = tls::build(cluster);
    cluster.kaazing = kaazing::build(cluster, facts);
    cluster.opendj = opendj::build(cluster);
    // A node found to play several roles may be several nodes in one
    // folder: said, with the roles found.
    for index in infer_roles(cluster, settings.manifest.is_some()) {
        let node = &cluster.nodes[index];
        let Some(&file) = node.files.first() else {
            continue;
        };
        let roles: Vec<&str> = node.roles.iter().map(|(r, _)| r.name()).collect();
        facts.push(
            Diagnostic::new(
                Span::file_start(file),
                format!(
                    "`{}` was found to be {}: if these are several machines, give each its own folder or name them in a clusterlint.toml",
                    node.name,
                    roles.join(" and ")
                ),
            )
            .help("`[nodes.NAME]` with `role` and `files` says which node plays which role")
            .fact(FactKind::LayoutUncertain),
        );
    }
    infer_addresses(cluster);
    let mut net = net::Net::default();
    net::build_hosts(cluster, &mut net);
    net::index_nodes(cluster, &mut net);
    cluster.net = net;
    let listeners = listeners(cluster);
    cluster.net.set_listeners(listeners);
}

/// Roles from the files, for nodes the manifest gives none.
fn infer_roles(cluster: &mut Cluster, declared: bool) -> Vec<usize> {
    let mut several_roles = Vec::new();
    for index in 0..cluster.nodes.len() {
        if !cluster.nodes[index].roles.is_empty() {
            continue;
        }
        let id = NodeId(index as u32);
        let mut roles = Vec::new();
        if cluster.liferay.node(id).is_some() {
            // `staging`, `staging2`, `liferay-staging`, `lr_staging_1`,
            // `stg`, `stage`, `authoring` (the authoring environment).
            let name = cluster.nodes[index].name.to_ascii_lowercase();
            let staging = name.split(['-', '_', '.']).any(|word| {
                matches!(
                    word.trim_end_matches(|c: char| c.is_ascii_digit()),
                    "staging" | "stage" | "stg" | "authoring"
                )
            });
            roles.push(if staging { Role::Staging } else { Role::Live });
        }
        if cluster
            .nginx
            .iter()
            .any(|c| c.node == id && !c.upstreams.is_empty())
        {
            roles.push(Role::Balancer);
        }
        if cluster.gluu.setup(id).is_some() {
            roles.push(Role::Gluu);
        }
        if cluster.redis.iter().any(|r| r.node == id && !r.sentinel) {
            roles.push(Role::Redis);
        }
        // Enterprise Shield: a DMZ gateway has a public front plane; an
        // internal gateway only names the DMZ back plane it connects to.
        // With reverse connectivity (SOCKS), the DMZ gateway connects
        // back through the connection the internal one opens: `socks.mode
        // reverse` in its connect options, the internal one's in its
        // accept options.
        for gateway in cluster.kaazing.iter().filter(|g| g.node == id) {
            let reverse = |options: &[(String, kaazing::Substituted)]| {
                options.iter().any(|(name, value)| {
                    name == "socks.mode" && value.text.eq_ignore_ascii_case("reverse")
                })
            };
            if gateway
                .property("dmz.cluster.frontplane.hostname")
                .is_some()
                || gateway.services.iter().any(|s| reverse(&s.connect_options))
            {
                roles.push(Role::DmzGateway);
            } else if gateway.property("dmz.cluster.backplane.hostname").is_some()
                || gateway.services.iter().any(|s| reverse(&s.accept_options))
            {
                roles.push(Role::InternalGateway);
            }
        }
        if roles.len() > 1 && !declared {
            several_roles.push(index);
        }
        roles.dedup();
        cluster.nodes[index]
            .roles
            .extend(roles.into_iter().map(|r| (r, RoleSource::Inferred)));
    }
    several_roles
}

/// Addresses from the files, for nodes the manifest gives none: a Gluu
/// node's `ip`, else the specific addresses its programs bind (a program
/// can only bind its own machine's addresses). An address another node
/// already has is not taken.
fn infer_addresses(cluster: &mut Cluster) {
    let mut taken: HashSet<IpAddr> = cluster
        .nodes
        .iter()
        .flat_map(|n| n.addresses.iter().map(|a| a.ip))
        .collect();
    // What a node says of itself comes first: a Gluu node's `ip`, a
    // gateway's `gateway.ip.address`.
    let mut declared: Vec<(NodeId, IpAddr, Span)> = cluster
        .gluu
        .setups
        .iter()
        .filter_map(|setup| {
            let entry = setup.get("ip")?;
            Some((
                setup.node,
                entry.value.trim().parse().ok()?,
                entry.value_span,
            ))
        })
        .collect();
    // A compose service's fixed address on its network.
    for launch in &cluster.deployment.launches {
        let Some(l) = cluster
            .file(launch.file)
            .document
            .get::<crate::formats::deploy::DeploymentDocument>()
            .and_then(|d| d.launches.get(launch.index))
        else {
            continue;
        };
        for address in &l.addresses {
            if let Ok(ip) = address.value.parse() {
                declared.push((launch.node, ip, Span::new(launch.file, address.range)));
            }
        }
    }
    declared.extend(cluster.kaazing.iter().filter_map(|gateway| {
        let property = gateway.property("gateway.ip.address")?;
        Some((
            gateway.node,
            property.value.parse().ok()?,
            property.value_span,
        ))
    }));
    for (node, ip, span) in declared {
        let node = &mut cluster.nodes[node.index()];
        if node.addresses.is_empty() && taken.insert(ip) {
            node.addresses.push(Address {
                ip,
                span: Some(span),
            });
        }
    }
    let mut bound: Vec<(NodeId, IpAddr, Span)> = Vec::new();
    for config in &cluster.nginx {
        for listen in config.servers.iter().flat_map(|s| &s.listens) {
            if let Some(net::BindAddress::Ip(ip)) = listen.address {
                bound.push((config.node, ip, listen.address_span));
            }
        }
    }
    for server in &cluster.redis {
        for (address, span) in server.bound() {
            if let (net::BindAddress::Ip(ip), Some(span)) = (address, span) {
                bound.push((server.node, ip, span));
            }
        }
    }
    for tunnel in &cluster.stunnel.tunnels {
        for accept in &tunnel.accepts {
            if let Some((Some(host), _)) = accept.inet()
                && let Ok(ip) = host.parse::<IpAddr>()
            {
                bound.push((tunnel.node, ip, accept.span));
            }
        }
    }
    let bare: Vec<bool> = cluster
        .nodes
        .iter()
        .map(|n| n.addresses.is_empty())
        .collect();
    for (node, ip, span) in bound {
        if bare[node.index()] && !ip.is_loopback() && !ip.is_unspecified() && taken.insert(ip) {
            cluster.nodes[node.index()].addresses.push(Address {
                ip,
                span: Some(span),
            });
        }
    }
}

/// The sockets a gateway binds: each service `accept` (where `tcp.bind`
/// or the scheme's `*.bind` says, else the URI's host) and the cluster
/// `accept`. Services of HTTP-family schemes share one socket.
fn gateway_listeners(cluster: &Cluster, out: &mut Vec<net::Listener>) {
    use net::{BindAddress, Listener, Program};
    let resolve = |node: NodeId, host: &str| -> Vec<BindAddress> {
        match host {
            "" | "*" | "0.0.0.0" => vec![BindAddress::AnyV4],
            _ => cluster
                .net
                .resolve(cluster, node, host)
                .into_iter()
                .map(BindAddress::from_ip)
                .collect(),
        }
    };
    for gateway in &cluster.kaazing {
        for service in &gateway.services {
            for accept in service.accepts.iter().filter(|a| a.known) {
                let Some(uri) = kaazing::Uri::parse(&accept.text) else {
                    continue;
                };
                let bind = service
                    .accept_option("tcp.bind")
                    .or_else(|| service.accept_option(&format!("{}.bind", uri.scheme)))
                    .filter(|b| b.known);
                let (host, port, span) = match bind {
                    // A port alone binds every address.
                    Some(b) if !b.text.contains(':') => {
                        (String::new(), b.text.parse().ok(), b.span)
                    }
                    Some(b) => {
                        let (host, port) = net::split_host_port(&b.text);
                        (
                            host.trim_matches(['[', ']']).to_string(),
                            port.and_then(|p| p.parse().ok()),
                            b.span,
                        )
                    }
                    None => (uri.host.clone(), uri.port, accept.span),
                };
                let Some(port) = port else { continue };
                for address in resolve(gateway.node, &host) {
                    out.push(Listener {
                        node: gateway.node,
                        address,
                        port,
                        program: Program::Kaazing,
                        config: gateway.file,
                        shared: kaazing::is_http_family(&uri.scheme),
                        tls: matches!(uri.scheme.as_str(), "wss" | "https" | "ssl" | "tls"),
                        span,
                    });
                }
            }
        }
        for accept in gateway
            .cluster
            .iter()
            .flat_map(|c| &c.accepts)
            .filter(|a| a.known)
        {
            let Some(uri) = kaazing::Uri::parse(&accept.text) else {
                continue;
            };
            let Some(port) = uri.port else { continue };
            for address in resolve(gateway.node, &uri.host) {
                out.push(Listener {
                    node: gateway.node,
                    address,
                    port,
                    program: Program::Kaazing,
                    config: gateway.file,
                    shared: false,
                    tls: false,
                    span: accept.span,
                });
            }
        }
    }
}

/// Every socket the nodes' programs bind.
fn listeners(cluster: &Cluster) -> Vec<net::Listener> {
    use net::{BindAddress, Listener, Program};
    let mut out: Vec<Listener> = Vec::new();
    // Server blocks of one configuration share their sockets.
    let mut nginx_seen: HashSet<(FileId, BindAddress, u16)> = HashSet::new();
    for config in &cluster.nginx {
        for server in &config.servers {
            for listen in &server.listens {
                let addresses = match (listen.address, &listen.host) {
                    (Some(BindAddress::AnyV6), _) if listen.dual_stack => {
                        vec![BindAddress::AnyDual]
                    }
                    (Some(address), _) => vec![address],
                    (None, Some(host)) => cluster
                        .net
                        .resolve(cluster, config.node, host)
                        .into_iter()
                        .map(BindAddress::from_ip)
                        .collect(),
                    (None, None) => Vec::new(),
                };
                for address in addresses {
                    if nginx_seen.insert((config.file, address, listen.port)) {
                        out.push(Listener {
                            node: config.node,
                            address,
                            port: listen.port,
                            program: Program::Nginx,
                            config: config.process,
                            shared: true,
                            tls: listen.ssl || server.ssl_on.is_some(),
                            span: listen.address_span,
                        });
                    }
                }
            }
        }
    }
    for server in &cluster.redis {
        // Files side by side that no command line starts, one a replica of
        // a master on another host, on the port of another server of the
        // node: the replica's file is another machine's (`redis-master.conf`
        // and `redis-slave.conf` in one folder), not a second server here.
        let another_machine = server.started_in.is_none()
            && server.remote_master
            && cluster.redis.iter().any(|other| {
                other.node == server.node
                    && other.file != server.file
                    && other.port == server.port
                    && other.started_in.is_none()
                    && !other.remote_master
            });
        if another_machine {
            continue;
        }
        let ports = std::iter::once((server.port, false, server.port_span))
            .chain(server.tls_port.map(|(p, s)| (p, true, Some(s))))
            .filter(|(p, _, _)| *p > 0);
        for (port, tls, port_span) in ports {
            for (address, bind_span) in server.bound() {
                out.push(Listener {
                    node: server.node,
                    address,
                    port,
                    program: Program::Redis,
                    config: server.file,
                    shared: true,
                    tls,
                    span: bind_span
                        .or(port_span)
                        .unwrap_or_else(|| Span::file_start(server.file)),
                });
            }
        }
    }
    gateway_listeners(cluster, &mut out);
    for tunnel in &cluster.stunnel.tunnels {
        for accept in &tunnel.accepts {
            let Some((host, port)) = accept.inet() else {
                continue;
            };
            let addresses = match host {
                None => vec![BindAddress::AnyV4],
                // stunnel leaves `IPV6_V6ONLY` off: `:::port` takes IPv4 too.
                Some("::") => vec![BindAddress::AnyDual],
                Some(host) => cluster
                    .net
                    .resolve(cluster, tunnel.node, host)
                    .into_iter()
                    .map(BindAddress::from_ip)
                    .collect(),
            };
            for address in addresses {
                out.push(Listener {
                    node: tunnel.node,
                    address,
                    port,
                    program: Program::Stunnel,
                    config: tunnel.config,
                    shared: false,
                    tls: !tunnel.client,
                    span: accept.span,
                });
            }
        }
    }
    out
}
