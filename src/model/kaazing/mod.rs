//! The KAAZING Gateway view of each node: its `gateway-config` with
//! `${name}` substituted the way the gateway does it, and read for what the
//! cluster checks need: properties, services (accept, connect, balance,
//! type, accept options, cross-site constraints) and the `<cluster>`.
//!
//! Substitution follows `ConfigParameter.resolveAndReplace`: `${name}` is
//! looked up among the Java system properties the gateway is started with
//! (`-Dname=value` in `GATEWAY_OPTS` or `JAVA_OPTS`, from the node's
//! compose service, env files, image or start script), then among the
//! `<properties>` (values whitespace-collapsed, never substituted
//! themselves); an empty value counts as missing; `$${name}` is the
//! literal `${name}` (one `$` dropped); there is no `name:default`. Every
//! value keeps the span of the text the user wrote.
//!
//! Which gateways form one cluster, and the port each listens on for it,
//! is `membership`; what the schema refuses is `schema`.

pub(crate) mod membership;
mod schema;

use std::borrow::Cow;
use std::net::IpAddr;

pub use schema::{SchemaProblem, SchemaProblemKind};

use crate::diagnostic::Diagnostic;
use crate::facts::{AsFact, Fact, FactKind};
use crate::formats::Format;
use crate::formats::xml::{Element, Value};
use crate::model::net::{BadAddress, host_problem, split_host_port};
use crate::model::{Cluster, NodeId};
use crate::source::{FileId, Span, TextRange};

/// Names the gateway resolves itself when no property defines them.
pub const BUILT_IN_NAMES: &[&str] = &["hostname", "cloud.host", "cloud.instanceId"];

/// The namespace of a `gateway-config` document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// `http://xmlns.kaazing.org/2016/06/gateway`, the current one.
    June2016,
    /// `http://xmlns.kaazing.org/2015/11/gateway`, translated on load.
    November2015,
    /// `http://xmlns.kaazing.org/2014/09/gateway`, translated on load.
    September2014,
    /// A namespace the gateway knows by name but no longer loads.
    Unsupported,
    /// Any other namespace, or none.
    Unknown,
}

impl Dialect {
    /// The release line whose own namespace this is (4.0 wrote
    /// `.com/2012/09`, open-source 5.0 `.org/2014/09`, 5.1 `2015/11`, 5.2
    /// and later `2016/06`).
    #[must_use]
    pub fn native_version(self, uri: Option<&str>) -> Option<crate::versions::KaazingVersion> {
        let (major, minor) = match self {
            Self::June2016 => (5, 2),
            Self::November2015 => (5, 1),
            Self::September2014 => (5, 0),
            Self::Unsupported => match uri?.to_ascii_lowercase().as_str() {
                "http://xmlns.kaazing.com/2012/09/gateway" => (4, 0),
                "http://xmlns.kaazing.com/2012/08/gateway" => (3, 5),
                "http://xmlns.kaazing.com/2012/03/gateway" => (3, 3),
                _ => (3, 0),
            },
            Self::Unknown => return None,
        };
        Some(crate::versions::KaazingVersion { major, minor })
    }

    /// `GatewayConfigNamespace.fromURI`: compared without case.
    #[must_use]
    pub fn of(uri: Option<&str>) -> Self {
        let Some(uri) = uri else { return Self::Unknown };
        match uri.to_ascii_lowercase().as_str() {
            "http://xmlns.kaazing.org/2016/06/gateway" => Self::June2016,
            "http://xmlns.kaazing.org/2015/11/gateway" => Self::November2015,
            "http://xmlns.kaazing.org/2014/09/gateway" => Self::September2014,
            "http://xmlns.kaazing.com/2012/09/gateway"
            | "http://xmlns.kaazing.com/2012/08/gateway"
            | "http://xmlns.kaazing.com/2012/03/gateway"
            | "http://xmlns.kaazing.com/gateway-config/excalibur"
            | "http://xmlns.kaazing.com/gateway-config/dragonfire" => Self::Unsupported,
            _ => Self::Unknown,
        }
    }
}

/// `${name}` in a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropertyUse {
    pub name: String,
    /// The `${name}` text.
    pub span: Span,
    /// Whether a property (or the gateway itself) gives it a value.
    pub defined: bool,
}

/// A value after substitution, with the span of the text as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Substituted {
    /// Substituted and whitespace-collapsed; unresolved names stay as
    /// `${name}`.
    pub text: String,
    pub span: Span,
    /// Whether every `${name}` in it resolved to a known value (built-in
    /// names resolve at run time, so their value is unknown here).
    pub known: bool,
}

/// `<property><name>..</name><value>..</value></property>`
#[derive(Clone, Debug)]
pub struct Property {
    pub name: String,
    pub value: String,
    pub name_span: Span,
    pub value_span: Span,
}

/// A `scheme://host:port/path` URI, after substitution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uri {
    pub scheme: String,
    pub host: String,
    /// The explicit port, or the scheme's default.
    pub port: Option<u16>,
    pub path: String,
}

impl Uri {
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let (scheme, rest) = text.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
        let path = &rest[authority.len()..];
        let (host, port) = split_host_port(authority);
        let port = match port {
            Some(p) => Some(p.parse().ok()?),
            None => default_port(&scheme),
        };
        Some(Self {
            scheme,
            host: host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_string(),
            port,
            path: path.to_string(),
        })
    }

    /// The URI as the gateway compares URIs: the host without case, the
    /// scheme's default port written out, an empty path as `/`.
    #[must_use]
    pub fn canonical(&self) -> String {
        let port = self.port.map(|p| format!(":{p}")).unwrap_or_default();
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        format!(
            "{}://{}{port}{path}",
            self.scheme,
            self.host.to_ascii_lowercase()
        )
    }

    /// The host as an address, if it is one.
    #[must_use]
    pub fn ip(&self) -> Option<IpAddr> {
        self.host.parse().ok()
    }
}

/// A URI as the gateway compares it (see [`Uri::canonical`]); text that
/// is no URI as it is.
pub(crate) fn canonical(text: &str) -> String {
    Uri::parse(text).map_or_else(|| text.to_string(), |u| u.canonical())
}

/// The port a scheme implies (`ws`, `http`: 80; `wss`, `https`: 443).
#[must_use]
pub fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" | "sse" | "httpxe" | "wsn" | "wsx" => Some(80),
        "https" | "wss" | "sses" | "httpxe+ssl" | "wsn+ssl" | "wsx+ssl" => Some(443),
        _ => None,
    }
}

/// Whether a scheme is carried over HTTP, so that services of it share one
/// bound socket.
#[must_use]
pub fn is_http_family(scheme: &str) -> bool {
    default_port(scheme).is_some()
}

/// `<cross-site-constraint>`
#[derive(Clone, Debug)]
pub struct CrossSite {
    pub allow_origin: Option<Substituted>,
}

/// A `<service>`.
#[derive(Clone, Debug)]
pub struct Service {
    /// The `service` start tag's name.
    pub span: Span,
    pub name: Option<Substituted>,
    pub kind: Option<Substituted>,
    pub accepts: Vec<Substituted>,
    pub connects: Vec<Substituted>,
    pub balances: Vec<Substituted>,
    /// `<accept-options>` children by name (`tcp.bind`, `ssl.ciphers`, ...).
    pub accept_options: Vec<(String, Substituted)>,
    /// `<connect-options>` children by name (`socks.mode`, ...).
    pub connect_options: Vec<(String, Substituted)>,
    /// `<realm-name>`: the service authenticates its clients.
    pub realm: Option<Substituted>,
    pub cross_site: Vec<CrossSite>,
}

impl Service {
    /// The service's `type`, lower-cased.
    #[must_use]
    pub fn kind(&self) -> Option<String> {
        self.kind.as_ref().map(|k| k.text.to_ascii_lowercase())
    }

    /// A `<connect-options>` value by name.
    #[must_use]
    pub fn connect_option(&self, name: &str) -> Option<&Substituted> {
        self.connect_options
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    #[must_use]
    pub fn accept_option(&self, name: &str) -> Option<&Substituted> {
        self.accept_options
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

/// `<cluster>`
#[derive(Clone, Debug)]
pub struct GatewayCluster {
    pub span: Span,
    pub name: Option<Substituted>,
    /// Whether the `<name>` is written with `${...}` (a name per member, as
    /// the Enterprise Shield walkthrough writes it) rather than literally.
    pub name_per_member: bool,
    pub accepts: Vec<Substituted>,
    pub connects: Vec<Substituted>,
}

/// One gateway configuration.
#[derive(Clone, Debug)]
pub struct Gateway {
    pub node: NodeId,
    pub file: FileId,
    pub dialect: Dialect,
    /// The gateway's version: the manifest's or the deployment's, else the
    /// release whose own namespace the file is written in.
    pub version: Option<crate::versions::KaazingVersion>,
    /// The edition: the manifest's or the deployment's, else Enterprise
    /// when the file uses Enterprise-only elements (`None`: unknown).
    pub edition: Option<crate::versions::KaazingEdition>,
    /// `-Dname=value` options the gateway's JVM is started with; they win
    /// over `<properties>`.
    pub system_properties: Vec<Property>,
    /// Whether the namespace is written exactly as the schema's (the
    /// gateway recognises it without case, but validation then fails).
    pub namespace_exact: bool,
    /// The root element's name.
    pub root: Span,
    pub properties: Vec<Property>,
    pub services: Vec<Service>,
    pub cluster: Option<GatewayCluster>,
    /// Every `${name}`, in file order.
    pub uses: Vec<PropertyUse>,
    /// Cluster URIs the gateway refuses (no `tcp://`/`udp://`/`aws://`
    /// scheme, no port).
    pub bad_addresses: Vec<BadAddress>,
    /// What the gateway's schema validation refuses.
    pub schema_problems: Vec<SchemaProblem>,
}

impl Gateway {
    /// The effective value of a property: a system property of that name
    /// (the last `-D` wins), else the last `<property>` definition.
    #[must_use]
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.system_properties
            .iter()
            .rev()
            .find(|p| p.name == name && !p.value.is_empty())
            .or_else(|| self.properties.iter().rev().find(|p| p.name == name))
    }

    /// The back plane this gateway names, as a host name and where it is
    /// written: `dmz.cluster.backplane.hostname`, else the host of the
    /// `socks.transport` of a reverse connection (the connect options of a
    /// DMZ gateway, the accept options of an internal one).
    #[must_use]
    pub fn backplane(&self) -> Option<(String, Span)> {
        if let Some(p) = self.property(BACKPLANE_HOSTNAME) {
            return Some((p.value.clone(), p.value_span));
        }
        self.services.iter().find_map(|service| {
            [&service.connect_options, &service.accept_options]
                .into_iter()
                .find_map(|options| reverse_host(options))
        })
    }

    /// The DMZ hosts an internal gateway opens reverse connections to:
    /// the hosts of `socks.transport` in every accept option with
    /// `socks.mode reverse` (a KWIC on-premise gateway may serve several
    /// cloud gateways, and a cloud gateway several tenants).
    #[must_use]
    pub fn reverse_partners(&self) -> Vec<(String, Span)> {
        self.services
            .iter()
            .filter_map(|service| reverse_host(&service.accept_options))
            .collect()
    }

    /// Whether the Enterprise elements and options are the gateway's own
    /// (not when the manifest or the deployment says it is the open-source
    /// gateway).
    #[must_use]
    pub fn allows_enterprise(&self) -> bool {
        !matches!(
            self.edition,
            Some(crate::versions::KaazingEdition::Community)
        )
    }

    /// Whether the gateway loads a file in this namespace: 4.x reads the
    /// `.com` namespaces of its time; the Enterprise Edition 5.x upgrades
    /// them on start; the open-source 5.x refuses them.
    #[must_use]
    pub fn loads_dialect(&self) -> bool {
        match self.dialect {
            Dialect::Unknown => false,
            Dialect::Unsupported => {
                self.version.is_none_or(|v| v.major < 5)
                    || self
                        .edition
                        .is_some_and(crate::versions::KaazingEdition::is_enterprise)
            }
            _ => true,
        }
    }
}

/// The Java system properties a node's gateway is started with: each
/// `-Dname=value` word of `GATEWAY_OPTS` and `JAVA_OPTS` (the start script
/// passes both to the JVM) and of a `gateway.start` command line.
fn system_properties(cluster: &Cluster, node: NodeId) -> Vec<Property> {
    let mut out = Vec::new();
    let mut take = |file: FileId, word: &str, range: TextRange, precise: bool| {
        let Some(option) = word.strip_prefix("-D") else {
            return;
        };
        let (name, value) = option.split_once('=').unwrap_or((option, ""));
        if name.is_empty() {
            return;
        }
        let value_range = if precise {
            let start = range.start + 2 + name.len() as u32 + 1;
            TextRange::new(start.min(range.end), range.end)
        } else {
            range
        };
        out.push(Property {
            name: name.to_string(),
            value: collapse(value),
            name_span: Span::new(file, range),
            value_span: Span::new(file, value_range),
        });
    };
    for (file, var) in cluster.deployment.vars(node) {
        if !matches!(var.name.value.as_str(), "GATEWAY_OPTS" | "JAVA_OPTS") {
            continue;
        }
        let Some(value) = &var.value else { continue };
        let source = &cluster.source(file).text;
        // Words placed at their own text where the value is written as is.
        let exact = source.get(value.range.as_usize()) == Some(value.value.as_str());
        let mut at = 0usize;
        for word in value.value.split_whitespace() {
            let offset = value.value[at..].find(word).map_or(at, |o| at + o);
            at = offset + word.len();
            let range = if exact {
                TextRange::new(
                    value.range.start + offset as u32,
                    value.range.start + at as u32,
                )
            } else {
                value.range
            };
            take(file, word, range, exact);
        }
    }
    for (file, command) in cluster.deployment.commands(node) {
        if runs_gateway(command) {
            for word in &command.words[1..] {
                take(file, &word.value, word.range, true);
            }
        }
    }
    out
}

/// Whether a command line starts the gateway: its launcher
/// (`gateway.start`, or a copy such as `gateway.openshift.start`), or the
/// JVM on the gateway's main class.
fn runs_gateway(command: &crate::formats::deploy::shell::ShellCommand) -> bool {
    let Some(program) = command.words.first() else {
        return false;
    };
    let name = program.value.rsplit('/').next().unwrap_or(&program.value);
    (name.starts_with("gateway.") && name.ends_with("start"))
        || (name == "java"
            && command.words.iter().any(|w| {
                w.value.starts_with("org.kaazing.gateway")
                    || w.value.starts_with("com.kaazing.gateway")
            }))
}

/// The configuration files a node's `gateway.start --config PATH` names
/// (relative to the gateway's home, the node's folder).
fn started_configs(cluster: &Cluster, node: NodeId) -> Vec<String> {
    let mut out = Vec::new();
    for (_, command) in cluster.deployment.commands(node) {
        let words = &command.words;
        if !runs_gateway(command) {
            continue;
        }
        for pair in words.windows(2) {
            if pair[0].value == "--config" {
                out.push(pair[1].value.trim_start_matches("./").to_string());
            }
        }
    }
    out
}

/// Builds the gateway view of every node. A file read as a gateway
/// configuration whose root is another element is reported in
/// `facts` (`kaazing/unsupported-namespace`: the gateway refuses it).
pub fn build(cluster: &Cluster, facts: &mut Vec<Fact>) -> Vec<Gateway> {
    let mut out = Vec::new();
    for node in &cluster.nodes {
        let started = started_configs(cluster, node.id);
        let properties = system_properties(cluster, node.id);
        for &file in &node.files {
            if cluster.file(file).format != Some(Format::KAAZING_XML) {
                continue;
            }
            // `--config` picks the node's configuration among several.
            let path = &cluster.source(file).path;
            if !started.is_empty()
                && !started.iter().any(|s| {
                    node.layers.iter().any(|l| {
                        *path
                            == if l.is_empty() {
                                s.clone()
                            } else {
                                format!("{l}/{s}")
                            }
                    })
                })
            {
                continue;
            }
            let Some(root) = cluster
                .file(file)
                .document
                .get::<crate::formats::xml::XmlDocument>()
                .and_then(crate::formats::xml::XmlDocument::root)
            else {
                continue;
            };
            if root.local_name() != "gateway-config" {
                facts.push(
                    Diagnostic::new(
                        Span::new(file, root.name_range()),
                        format!(
                            "the root element is `<{}>`, not `<gateway-config>`: the gateway cannot load this as its configuration",
                            root.name()
                        ),
                    )
                    .label("not a gateway configuration")
                    .help("name the file otherwise if it is not the gateway's configuration, or give it a `<gateway-config>` root")
                    .fact(FactKind::UnsupportedNamespace),
                );
                continue;
            }
            let mut gateway = gateway(node.id, file, root, properties.clone());
            let versions = &cluster.versions;
            gateway.version = versions
                .kaazing
                .as_ref()
                .map(|g| g.value)
                .or_else(|| gateway.dialect.native_version(root.namespace()));
            gateway.edition = versions
                .kaazing_edition
                .as_ref()
                .map(|g| g.value)
                .or_else(|| {
                    uses_enterprise(&gateway).then_some(crate::versions::KaazingEdition::Enterprise)
                });
            gateway.schema_problems = schema::check(&gateway, root);
            out.push(gateway);
        }
    }
    out
}

/// Service types only the Enterprise and JMS editions have.
pub const ENTERPRISE_SERVICE_TYPES: &[&str] = &[
    "jms",
    "jms.proxy",
    "kerberos5.proxy",
    "redis",
    "ibmmq",
    "turn.proxy",
];

/// Accept and connect options only the Enterprise edition has (reverse
/// connectivity, rate limits), and options it documents that no
/// open-source schema declares.
pub const ENTERPRISE_OPTIONS: &[&str] = &[
    "socks.mode",
    "socks.timeout",
    "socks.transport",
    "socks.bind",
    "socks.retry.maximum.interval",
    "socks.ssl.ciphers",
    "socks.ssl.protocols",
    "socks.ssl.verify-client",
    "tcp.maximum.outbound.rate",
    "http.server.header",
    "udp.bind",
    "ssl.verify-client",
];

/// Whether a configuration uses what only the Enterprise edition reads.
fn uses_enterprise(gateway: &Gateway) -> bool {
    gateway.services.iter().any(|s| {
        s.kind()
            .is_some_and(|k| ENTERPRISE_SERVICE_TYPES.contains(&k.as_str()))
            || s.accept_options
                .iter()
                .chain(&s.connect_options)
                .any(|(name, _)| name.starts_with("socks.") || name == "tcp.maximum.outbound.rate")
    })
}

fn gateway(node: NodeId, file: FileId, root: Element<'_>, system: Vec<Property>) -> Gateway {
    let mut gateway = Gateway {
        node,
        file,
        dialect: Dialect::of(root.namespace()),
        version: None,
        edition: None,
        system_properties: system,
        namespace_exact: root.namespace().is_some_and(|ns| {
            matches!(
                ns,
                "http://xmlns.kaazing.org/2016/06/gateway"
                    | "http://xmlns.kaazing.org/2015/11/gateway"
                    | "http://xmlns.kaazing.org/2014/09/gateway"
            )
        }),
        root: Span::new(file, root.name_range()),
        properties: Vec::new(),
        services: Vec::new(),
        cluster: None,
        uses: Vec::new(),
        bad_addresses: Vec::new(),
        schema_problems: Vec::new(),
    };
    // Pass 1: the properties, as written (collapsed, never substituted).
    for properties in root.elements().filter(|e| e.local_name() == "properties") {
        for property in properties
            .elements()
            .filter(|e| e.local_name() == "property")
        {
            let (Some(name), Some(value)) = (
                property.child("name").and_then(|e| e.text()),
                property.child("value").and_then(|e| e.text()),
            ) else {
                continue;
            };
            gateway.properties.push(Property {
                name: collapse(&name.text),
                value: collapse(&value.text),
                name_span: Span::new(file, name.range),
                value_span: Span::new(file, value.range),
            });
        }
    }
    // Pass 2: every other text and attribute value is substituted.
    let mut reader = Reader {
        file,
        gateway: &mut gateway,
    };
    let mut defaults: Vec<(String, Substituted)> = Vec::new();
    for element in root.elements() {
        match element.local_name() {
            "service" => {
                let service = reader.service(element);
                reader.gateway.services.push(service);
            }
            "cluster" => {
                let cluster = reader.cluster(element);
                reader.gateway.cluster.get_or_insert(cluster);
            }
            "service-defaults" => {
                for options in element
                    .elements()
                    .filter(|e| e.local_name() == "accept-options")
                {
                    for option in options.elements() {
                        if let Some(value) = reader.text_of(option) {
                            defaults.push((option.local_name().to_string(), value));
                        }
                    }
                }
            }
            // Property values are substituted in the document too (an
            // undefined name there fails startup), but the map keeps them
            // as written.
            _ => reader.scan(element),
        }
    }
    // `<service-defaults>` accept options apply where a service sets none.
    for service in &mut gateway.services {
        for (name, value) in &defaults {
            if service.accept_option(name).is_none() {
                service.accept_options.push((name.clone(), value.clone()));
            }
        }
    }
    gateway
}

/// `${name}` substituted in `value` as the gateway does it: the text (not
/// collapsed), whether every name resolved to a known value, and each use.
pub(crate) fn substitute<'v>(
    gateway: &Gateway,
    file: FileId,
    value: &'v Value,
) -> (Cow<'v, str>, bool, Vec<PropertyUse>) {
    let text = &value.text;
    if !text.contains('$') {
        return (Cow::Borrowed(text), true, Vec::new());
    }
    let mut out = String::with_capacity(text.len());
    let mut known = true;
    let mut uses = Vec::new();
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        // `([$]?)([$]+\{)([^{}]*)(\})`: a run of `$` before `{`.
        if bytes[i] != b'$' {
            let next = text[i..].find('$').map_or(text.len(), |p| i + p);
            out.push_str(&text[i..next]);
            i = next;
            continue;
        }
        let run = text[i..].bytes().take_while(|&b| b == b'$').count();
        let open = i + run;
        let close = (bytes.get(open) == Some(&b'{'))
            .then(|| text[open + 1..].find(['{', '}']).map(|p| open + 1 + p))
            .flatten()
            .filter(|&c| bytes[c] == b'}');
        let Some(close) = close else {
            out.push_str(&text[i..open]);
            i = open;
            continue;
        };
        let name = &text[open + 1..close];
        if run >= 2 {
            // Escaped: one `$` is dropped, the rest is literal.
            out.push_str(&text[i + 1..=close]);
        } else {
            let span = Span::new(file, value.raw_range(TextRange::from_usize(i..close + 1)));
            let property = gateway.property(name).filter(|p| !p.value.is_empty());
            if let Some(p) = property {
                // A value the shell fills in (`-Dhost=$HOST_IP`) is set, but
                // not known here.
                if p.value.contains('$') {
                    known = false;
                }
                out.push_str(&p.value);
            } else {
                known = false;
                out.push_str(&text[i..=close]);
            }
            uses.push(PropertyUse {
                name: name.to_string(),
                span,
                defined: property.is_some() || BUILT_IN_NAMES.contains(&name),
            });
        }
        i = close + 1;
    }
    (Cow::Owned(out), known, uses)
}

/// The Enterprise Shield property naming the back plane: a DMZ gateway's
/// own back-plane host name, or the DMZ gateway an internal gateway
/// connects out to.
pub const BACKPLANE_HOSTNAME: &str = "dmz.cluster.backplane.hostname";

/// The DMZ gateway an internal gateway pairs with: the first DMZ gateway
/// (role `dmz-gateway`) whose own `dmz.cluster.backplane.hostname` is the
/// name the internal gateway gives (without case), or that runs on a node
/// the name stands for. This is how `kaazing/backplane-pair-mismatch`
/// matches pairs; call it once roles are known.
#[must_use]
pub fn backplane_partner<'a>(cluster: &'a Cluster, internal: &Gateway) -> Option<&'a Gateway> {
    let (wanted, _) = internal.backplane()?;
    let named = cluster.net.nodes_named(cluster, internal.node, &wanted);
    cluster
        .kaazing
        .iter()
        .filter(|d| {
            cluster
                .node(d.node)
                .has_role(crate::model::Role::DmzGateway)
        })
        .find(|d| {
            d.backplane()
                .is_some_and(|(name, _)| name.eq_ignore_ascii_case(&wanted))
                || named.contains(&d.node)
        })
}

/// The DMZ host of reverse connectivity in a service's options
/// (`socks.mode reverse`): the host of `socks.transport`, else of the
/// transport that runs over SOCKS (`http.transport
/// socks+ssl://host:8001`, `pipe.transport socks://host`, as older
/// gateways write it).
fn reverse_host(options: &[(String, Substituted)]) -> Option<(String, Span)> {
    let reverse = options
        .iter()
        .any(|(n, v)| n == "socks.mode" && v.text.eq_ignore_ascii_case("reverse"));
    if !reverse {
        return None;
    }
    let socks_transport = options
        .iter()
        .find(|(n, v)| n == "socks.transport" && v.known)
        .map(|(_, v)| v);
    let over_socks = || {
        options
            .iter()
            .filter(|(n, v)| n.ends_with(".transport") && v.known)
            .map(|(_, v)| v)
            .find(|v| Uri::parse(&v.text).is_some_and(|u| u.scheme.starts_with("socks")))
    };
    let transport = socks_transport.or_else(over_socks)?;
    let uri = Uri::parse(&transport.text)?;
    (!uri.host.is_empty()).then_some((uri.host, transport.span))
}

/// XML Schema's `collapse`: trims and turns runs of blanks into one space.
#[must_use]
pub fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_ascii_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

struct Reader<'g> {
    file: FileId,
    gateway: &'g mut Gateway,
}

impl Reader<'_> {
    /// Substitutes `${name}` in `value`, recording each use.
    fn resolve(&mut self, value: &Value) -> Substituted {
        let (text, known, uses) = substitute(self.gateway, self.file, value);
        self.gateway.uses.extend(uses);
        Substituted {
            text: collapse(&text),
            span: Span::new(self.file, value.range),
            known,
        }
    }

    /// Substitutes (and so records the uses in) every value below `element`.
    fn scan(&mut self, element: Element<'_>) {
        for attribute in element.attributes() {
            self.resolve(&attribute.value);
        }
        if let Some(text) = element.text() {
            self.resolve(&text);
        }
        for child in element.elements() {
            self.scan(child);
        }
    }

    fn text_of(&mut self, element: Element<'_>) -> Option<Substituted> {
        for attribute in element.attributes() {
            self.resolve(&attribute.value);
        }
        let text = element.text();
        for child in element.elements() {
            self.scan(child);
        }
        text.map(|t| self.resolve(&t))
    }

    fn service(&mut self, element: Element<'_>) -> Service {
        let mut service = Service {
            span: Span::new(self.file, element.name_range()),
            name: None,
            kind: None,
            accepts: Vec::new(),
            connects: Vec::new(),
            balances: Vec::new(),
            accept_options: Vec::new(),
            connect_options: Vec::new(),
            realm: None,
            cross_site: Vec::new(),
        };
        for child in element.elements() {
            match child.local_name() {
                "name" => service.name = self.text_of(child),
                "type" => service.kind = self.text_of(child),
                "accept" => service.accepts.extend(self.text_of(child)),
                "connect" => service.connects.extend(self.text_of(child)),
                "balance" => service.balances.extend(self.text_of(child)),
                "accept-options" | "connect-options" => {
                    for option in child.elements() {
                        if let Some(value) = self.text_of(option) {
                            let options = if child.local_name() == "accept-options" {
                                &mut service.accept_options
                            } else {
                                &mut service.connect_options
                            };
                            options.push((option.local_name().to_string(), value));
                        }
                    }
                }
                "realm-name" => service.realm = self.text_of(child),
                "cross-site-constraint" => {
                    let mut constraint = CrossSite { allow_origin: None };
                    for part in child.elements() {
                        let value = self.text_of(part);
                        if part.local_name() == "allow-origin" {
                            constraint.allow_origin = value;
                        }
                    }
                    service.cross_site.push(constraint);
                }
                _ => self.scan(child),
            }
        }
        service
    }

    fn cluster(&mut self, element: Element<'_>) -> GatewayCluster {
        let mut cluster = GatewayCluster {
            span: Span::new(self.file, element.name_range()),
            name: None,
            name_per_member: false,
            accepts: Vec::new(),
            connects: Vec::new(),
        };
        for child in element.elements() {
            match child.local_name() {
                "name" => {
                    cluster.name_per_member = child.text().is_some_and(|t| t.text.contains("${"));
                    cluster.name = self.text_of(child);
                }
                "accept" => cluster.accepts.extend(self.text_of(child)),
                "connect" => cluster.connects.extend(self.text_of(child)),
                _ => self.scan(child),
            }
        }
        let accepts = cluster.accepts.iter().map(|u| (u, true));
        let connects = cluster.connects.iter().map(|u| (u, false));
        for (uri, is_accept) in accepts.chain(connects).filter(|(u, _)| u.known) {
            let problem = match Uri::parse(&uri.text) {
                None => Some(format!(
                    "`{}` is not a cluster URI: the gateway needs `tcp://host:port` (or `udp://` for discovery)",
                    uri.text
                )),
                Some(u) if !matches!(u.scheme.as_str(), "tcp" | "udp" | "aws") => Some(format!(
                    "the cluster takes `tcp://`, `udp://` or `aws://` URIs, not `{}://`",
                    u.scheme
                )),
                Some(u) if u.port.is_none() => Some(format!(
                    "`{}` has no port; the cluster needs `{}://host:port`",
                    uri.text, u.scheme
                )),
                // "Cannot accept on a multicast or aws address".
                Some(u) if is_accept && u.scheme != "tcp" => Some(format!(
                    "the cluster accepts on `tcp://` URIs only, not `{}://`: discovery belongs in `<connect>`",
                    u.scheme
                )),
                Some(u) if u.scheme != "aws" => host_problem(&u.host),
                Some(_) => None,
            };
            if let Some(problem) = problem {
                self.gateway.bad_addresses.push(BadAddress {
                    span: uri.span,
                    problem,
                    help: Some(
                        "write `tcp://<address>:<port>` (`udp://<group>:<port>` for discovery)"
                            .to_string(),
                    ),
                });
            }
        }
        cluster
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::xml;

    fn gateway_of(text: &str) -> Gateway {
        let doc = xml::parse(text);
        let root = doc.root().unwrap();
        let mut gateway = gateway(NodeId(0), FileId(0), root, Vec::new());
        gateway.schema_problems = schema::check(&gateway, root);
        gateway
    }

    #[test]
    fn substitution_as_the_gateway_does_it() {
        let text = r#"<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <properties>
    <property><name> gateway.ip </name><value>
        10.0.0.1 </value></property>
    <property><name>port</name><value>${gateway.ip}</value></property>
    <property><name>empty</name><value></value></property>
  </properties>
  <service>
    <name>$${literal} and ${gateway.ip}:${missing}</name>
    <accept>tcp://${gateway.ip}:${port}</accept>
    <connect>tcp://${empty}:1</connect>
    <balance>ws://${hostname}:80/x</balance>
    <type>echo</type>
    <accept-options><tcp.bind>${gateway.ip}:8443</tcp.bind></accept-options>
  </service>
</gateway-config>"#;
        let g = gateway_of(text);
        assert_eq!(g.dialect, Dialect::June2016);
        assert_eq!(g.property("gateway.ip").unwrap().value, "10.0.0.1");
        let s = &g.services[0];
        assert_eq!(
            s.name.as_ref().unwrap().text,
            "${literal} and 10.0.0.1:${missing}"
        );
        // Property values are not substituted inside properties.
        assert_eq!(s.accepts[0].text, "tcp://10.0.0.1:${gateway.ip}");
        assert!(!s.connects[0].known);
        assert_eq!(s.accept_option("tcp.bind").unwrap().text, "10.0.0.1:8443");
        let undefined: Vec<&str> = g
            .uses
            .iter()
            .filter(|u| !u.defined)
            .map(|u| u.name.as_str())
            .collect();
        assert_eq!(undefined, ["missing", "empty"]);
        // Spans point at what the user wrote.
        let missing = g.uses.iter().find(|u| u.name == "missing").unwrap();
        assert_eq!(missing.span.range.slice(text), "${missing}");
        assert_eq!(
            s.accept_option("tcp.bind").unwrap().span.range.slice(text),
            "${gateway.ip}:8443"
        );
    }

    #[test]
    fn uris() {
        let u = Uri::parse("wss://gateway.example.com:8443/app1").unwrap();
        assert_eq!(
            (u.scheme.as_str(), u.host.as_str(), u.port),
            ("wss", "gateway.example.com", Some(8443))
        );
        assert_eq!(Uri::parse("ws://example.com/echo").unwrap().port, Some(80));
        assert_eq!(
            Uri::parse("tcp://[::1]:5941").unwrap().ip(),
            Some("::1".parse().unwrap())
        );
        assert_eq!(
            Uri::parse("udp://224.2.2.44:44444").unwrap().port,
            Some(44444)
        );
        assert!(Uri::parse("172.19.20.1").is_none());
    }

    #[test]
    fn dialects() {
        assert_eq!(
            Dialect::of(Some("HTTP://XMLNS.KAAZING.ORG/2016/06/GATEWAY")),
            Dialect::June2016
        );
        assert_eq!(
            Dialect::of(Some("http://xmlns.kaazing.com/2012/09/gateway")),
            Dialect::Unsupported
        );
        assert_eq!(Dialect::of(None), Dialect::Unknown);
    }
}
