//! The stunnel view of each node: every main configuration, with its
//! `include` folders read in place, as a list of tunnels (services) with
//! the options they inherit from the global section, and where a tunnel's
//! `connect` leads (`connect_target`, `tls_peer`).

use std::collections::{HashMap, HashSet};

use crate::facts::Fact;
use crate::formats::Format;
use crate::formats::stunnel::{self, StunnelOption};
use crate::model::expansion::{Budget, MAX_EXPANDED};
use crate::model::net::{BadAddress, Destination, Program, host_problem, parse_port, port_problem};
use crate::model::{Cluster, NodeId};
use crate::source::{FileId, Span, TextRange};

/// An `accept` or `connect` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// The value as written.
    pub text: String,
    pub span: Span,
    pub address: EndpointAddress,
}

/// What an endpoint names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EndpointAddress {
    Unix(String),
    Inet {
        /// `None` for a port alone.
        host: Option<String>,
        port_text: String,
        /// `None` when the port is neither a number nor a known service.
        port: Option<u16>,
    },
}

impl Endpoint {
    fn new(option: &StunnelOption, file: FileId) -> Self {
        let address = match stunnel::address(&option.value) {
            stunnel::Address::Unix(path) => EndpointAddress::Unix(path.to_string()),
            stunnel::Address::Inet { host, port } => EndpointAddress::Inet {
                host: host.map(ToString::to_string),
                port_text: port.to_string(),
                port: parse_port(port),
            },
        };
        Self {
            text: option.value.clone(),
            span: Span::new(file, option.value_range),
            address,
        }
    }

    /// The host and port, for a TCP endpoint with a known port.
    #[must_use]
    pub fn inet(&self) -> Option<(Option<&str>, u16)> {
        match &self.address {
            EndpointAddress::Inet {
                host,
                port: Some(port),
                ..
            } => Some((host.as_deref(), *port)),
            _ => None,
        }
    }
}

/// An option's value and where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    pub value: String,
    pub span: Span,
}

/// One service of a configuration.
#[derive(Clone, Debug)]
pub struct Tunnel {
    pub node: NodeId,
    /// The main file of the configuration.
    pub config: FileId,
    pub name: String,
    /// The `[name]` line, or the start of the file in inetd mode (no
    /// sections).
    pub header: Span,
    /// `client = yes`: plain text in, TLS out.
    pub client: bool,
    /// The service's own last `client` option (not a global default).
    pub own_client: Option<Setting>,
    pub accepts: Vec<Endpoint>,
    pub connects: Vec<Endpoint>,
    pub cert: Option<Setting>,
    pub key: Option<Setting>,
    /// `CAfile`: the certificates a peer's must chain to.
    pub ca_file: Option<Setting>,
    /// `verify` (a level, 0 to 4; deprecated), `verifyChain`, `verifyPeer`.
    pub verify: Option<Setting>,
    pub verify_chain: Option<Setting>,
    pub verify_peer: Option<Setting>,
    /// `checkHost`: names the peer's certificate must cover (each option
    /// adds one).
    pub check_hosts: Vec<Setting>,
    /// The PEM files of the node `cert` and `key` name.
    pub pem_files: Vec<(FileId, Span)>,
}

/// What a configuration does with its pid file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pid {
    /// No `pid` option: the compiled-in default file.
    Default,
    /// `pid =`: none.
    Disabled,
    Path(Setting),
}

/// A main stunnel configuration of a node.
#[derive(Clone, Debug)]
pub struct StunnelConfig {
    pub node: NodeId,
    pub file: FileId,
    pub pid: Pid,
    /// Indexes into [`Stunnel::tunnels`].
    pub tunnels: Vec<usize>,
}

/// Every stunnel configuration and tunnel of the cluster.
#[derive(Clone, Debug, Default)]
pub struct Stunnel {
    pub configs: Vec<StunnelConfig>,
    pub tunnels: Vec<Tunnel>,
    /// `accept` and `connect` values stunnel cannot read.
    pub bad_addresses: Vec<BadAddress>,
    /// Server tunnels' `accept`s whose address stunnel cannot read, by
    /// node and port: indexes into `tunnels` and into the tunnel's
    /// `accepts`.
    pub unreadable_accepts: HashMap<(NodeId, u16), Vec<(usize, usize)>>,
}

/// Options that only the global section holds; they are not service
/// defaults.
const GLOBAL_ONLY: &[&str] = &[
    "chroot",
    "compression",
    "egd",
    "engine",
    "enginectrl",
    "enginedefault",
    "fips",
    "foreground",
    "iconactive",
    "iconerror",
    "iconidle",
    "log",
    "output",
    "pid",
    "provider",
    "providerparameter",
    "rndbytes",
    "rndfile",
    "rndoverwrite",
    "setenv",
    "syslog",
    "taskbar",
];

/// An option or a section start of the flattened configuration.
enum Event<'a> {
    Option(FileId, &'a StunnelOption),
    Section(FileId, &'a stunnel::Service),
}

/// Builds the stunnel view of every node.
#[must_use]
pub fn build(cluster: &Cluster, facts: &mut Vec<Fact>) -> Stunnel {
    let mut out = Stunnel::default();
    for (node, file) in cluster.main_files(Format::STUNNEL) {
        let mut events = Vec::new();
        let mut budget = Budget::new(file, MAX_EXPANDED);
        flatten(cluster, file, &mut vec![file], &mut budget, &mut events);
        facts.extend(budget.finding(cluster, "stunnel"));
        config(cluster, node, file, &events, &mut out);
    }
    let bad: HashSet<Span> = out.bad_addresses.iter().map(|b| b.span).collect();
    for (index, tunnel) in out.tunnels.iter().enumerate().filter(|(_, t)| !t.client) {
        for (at, accept) in tunnel.accepts.iter().enumerate() {
            if let Some((_, port)) = accept.inet().filter(|_| bad.contains(&accept.span)) {
                out.unreadable_accepts
                    .entry((tunnel.node, port))
                    .or_default()
                    .push((index, at));
            }
        }
    }
    out
}

fn flatten<'a>(
    cluster: &'a Cluster,
    file: FileId,
    stack: &mut Vec<FileId>,
    budget: &mut Budget,
    out: &mut Vec<Event<'a>>,
) {
    let Some(doc) = cluster
        .file(file)
        .document
        .get::<crate::formats::stunnel::StunnelDocument>()
    else {
        return;
    };
    let includes = &cluster.file(file).includes;
    let lists = std::iter::once((None, doc.global.as_slice())).chain(
        doc.services
            .iter()
            .map(|service| (Some(service), service.options.as_slice())),
    );
    for (service, options) in lists {
        if let Some(service) = service {
            if !budget.take(file) {
                return;
            }
            out.push(Event::Section(file, service));
        }
        for option in options {
            if !budget.take(file) {
                return;
            }
            if option.name != "include" {
                out.push(Event::Option(file, option));
                continue;
            }
            let targets = includes
                .iter()
                .find(|i| i.range == option.value_range)
                .map_or(&[][..], |i| i.targets.as_slice());
            for &target in targets {
                if stack.contains(&target) {
                    continue;
                }
                if budget.allows_include() {
                    stack.push(target);
                    flatten(cluster, target, stack, budget, out);
                    stack.pop();
                }
                let written = TextRange::new(option.name_range.start, option.value_range.end);
                budget.cut_at(Span::new(file, written));
            }
        }
    }
}

/// A service of the flattened configuration with its own options.
type Section<'a> = (
    FileId,
    &'a stunnel::Service,
    Vec<(FileId, &'a StunnelOption)>,
);

fn config(cluster: &Cluster, node: NodeId, file: FileId, events: &[Event<'_>], out: &mut Stunnel) {
    let mut defaults: Vec<(FileId, &StunnelOption)> = Vec::new();
    let mut pid = Pid::Default;
    let mut sections: Vec<Section<'_>> = Vec::new();
    for event in events {
        match *event {
            Event::Section(f, service) => sections.push((f, service, Vec::new())),
            Event::Option(f, option) => match sections.last_mut() {
                Some((_, _, options)) => options.push((f, option)),
                None if option.name == "pid" => {
                    pid = if option.value.is_empty() {
                        Pid::Disabled
                    } else {
                        Pid::Path(Setting {
                            value: option.value.clone(),
                            span: Span::new(f, option.value_range),
                        })
                    };
                }
                None if GLOBAL_ONLY.contains(&option.name.as_str()) => {}
                None => defaults.push((f, option)),
            },
        }
    }
    let mut config = StunnelConfig {
        node,
        file,
        pid,
        tunnels: Vec::new(),
    };
    if sections.is_empty() {
        // inetd mode: the global section is the one service.
        if defaults
            .iter()
            .any(|(_, o)| o.name == "accept" || o.name == "connect")
        {
            let tunnel = tunnel(
                cluster,
                node,
                file,
                String::new(),
                Span::file_start(file),
                &defaults,
            );
            check_endpoints(&tunnel, &mut out.bad_addresses);
            config.tunnels.push(out.tunnels.len());
            out.tunnels.push(tunnel);
        }
    }
    for (f, service, options) in &sections {
        let mut all = defaults.clone();
        all.extend(options.iter().copied());
        let mut tunnel = tunnel(
            cluster,
            node,
            file,
            service.name.clone(),
            Span::new(*f, service.header),
            &all,
        );
        tunnel.own_client = options
            .iter()
            .rev()
            .find(|(_, o)| o.name == "client")
            .map(|(f, o)| Setting {
                value: o.value.clone(),
                span: Span::new(*f, o.value_range),
            });
        check_endpoints(&tunnel, &mut out.bad_addresses);
        config.tunnels.push(out.tunnels.len());
        out.tunnels.push(tunnel);
    }
    out.configs.push(config);
}

/// Records the `accept` and `connect` values stunnel cannot read.
fn check_endpoints(tunnel: &Tunnel, bad: &mut Vec<BadAddress>) {
    for endpoint in tunnel.accepts.iter().chain(&tunnel.connects) {
        let EndpointAddress::Inet {
            host, port_text, ..
        } = &endpoint.address
        else {
            continue;
        };
        let problem = match host.as_deref() {
            Some(h) if h.starts_with('[') => Some(format!(
                "stunnel does not take brackets around an IPv6 address: write `{}:{port_text}`",
                h.trim_start_matches('[').trim_end_matches(']')
            )),
            Some(h) => host_problem(h),
            None => None,
        }
        .or_else(|| {
            port_problem(port_text).map(|p| format!("{p}, nor a service name stunnel knows"))
        });
        if let Some(problem) = problem {
            bad.push(BadAddress {
                span: endpoint.span,
                problem,
                help: None,
            });
        }
    }
}

fn tunnel(
    cluster: &Cluster,
    node: NodeId,
    config: FileId,
    name: String,
    header: Span,
    options: &[(FileId, &StunnelOption)],
) -> Tunnel {
    // List options append; scalar options: the last one wins.
    let list = |key: &str| -> Vec<Endpoint> {
        options
            .iter()
            .filter(|(_, o)| o.name == key)
            .map(|(f, o)| Endpoint::new(o, *f))
            .collect()
    };
    let last = |key: &str| {
        options
            .iter()
            .rev()
            .find(|(_, o)| o.name == key)
            .map(|(f, o)| Setting {
                value: o.value.clone(),
                span: Span::new(*f, o.value_range),
            })
    };
    let cert = last("cert");
    let key = last("key");
    let mut pem_files = Vec::new();
    for setting in cert.iter().chain(&key) {
        let includes = &cluster.file(setting.span.file).includes;
        if let Some(include) = includes.iter().find(|i| i.range == setting.span.range) {
            pem_files.extend(include.targets.iter().map(|&t| (t, setting.span)));
        }
    }
    Tunnel {
        node,
        config,
        name,
        header,
        client: last("client").is_some_and(|c| c.value.eq_ignore_ascii_case("yes")),
        own_client: None,
        accepts: list("accept"),
        connects: list("connect"),
        cert,
        key,
        ca_file: last("cafile"),
        verify: last("verify"),
        verify_chain: last("verifychain"),
        verify_peer: last("verifypeer"),
        check_hosts: options
            .iter()
            .filter(|(_, o)| o.name == "checkhost")
            .map(|(f, o)| Setting {
                value: o.value.clone(),
                span: Span::new(*f, o.value_range),
            })
            .collect(),
        pem_files,
    }
}

impl Tunnel {
    /// Whether the tunnel checks its peer's certificate: `verifyChain` or
    /// `verifyPeer` on, or a `verify` level above 0.
    #[must_use]
    pub fn verifies_peer(&self) -> bool {
        let yes = |s: &Option<Setting>| {
            s.as_ref()
                .is_some_and(|s| s.value.eq_ignore_ascii_case("yes"))
        };
        yes(&self.verify_chain)
            || yes(&self.verify_peer)
            || self
                .verify
                .as_ref()
                .is_some_and(|s| s.value.trim().parse::<u8>().is_ok_and(|level| level > 0))
    }
}

/// The server tunnel (index into [`Stunnel::tunnels`]) whose TLS `accept`
/// a client tunnel connects to, with the node it runs on.
#[must_use]
pub fn server_of(cluster: &Cluster, client: &Tunnel) -> Option<usize> {
    let (_, accept) = tls_peer(cluster, client)?;
    cluster
        .stunnel
        .tunnels
        .iter()
        .position(|t| t.accepts.iter().any(|a| a.span == accept))
}

/// Where a tunnel's `connect` leads: the node, the address and the port.
/// A port alone connects to the local host.
pub(crate) fn connect_target(
    cluster: &Cluster,
    tunnel: &Tunnel,
    connect: &Endpoint,
) -> Option<(Destination, u16)> {
    let (host, port) = connect.inet()?;
    let target = cluster
        .net
        .target(cluster, tunnel.node, host.unwrap_or("localhost"))?;
    Some((target, port))
}

/// The other stunnel's TLS `accept` a service connects to, if any: such a
/// service is meant as the client end of a tunnel. Where the other end's
/// `accept` address cannot be read (a typo, its own finding), its port on
/// the node the connection reaches still tells: one fault never hides
/// another.
pub(crate) fn tls_peer(cluster: &Cluster, tunnel: &Tunnel) -> Option<(Destination, Span)> {
    tunnel.connects.iter().find_map(|connect| {
        let (target, port) = connect_target(cluster, tunnel, connect)?;
        let listener = cluster
            .net
            .listening_at(target.node, target.ip, port)
            .filter(|l| !tunnel.accepts.iter().any(|a| a.span == l.span))
            .find(|l| l.program == Program::Stunnel && l.tls);
        if let Some(listener) = listener {
            return Some((target, listener.span));
        }
        let unreadable = unreadable_accept(cluster, target.node, port, tunnel)?;
        Some((target, unreadable.span))
    })
}

/// A server tunnel's `accept` on `node` with `port` whose address stunnel
/// cannot read (a typo, reported as `net/invalid-address`): where it is,
/// nothing can be said of what listens there.
pub(crate) fn unreadable_accept<'a>(
    cluster: &'a Cluster,
    node: NodeId,
    port: u16,
    except: &Tunnel,
) -> Option<&'a Endpoint> {
    let stunnel = &cluster.stunnel;
    stunnel
        .unreadable_accepts
        .get(&(node, port))?
        .iter()
        .map(|&(tunnel, accept)| (&stunnel.tunnels[tunnel], accept))
        .find(|(other, _)| !std::ptr::eq(*other, except))
        .map(|(other, accept)| &other.accepts[accept])
}
