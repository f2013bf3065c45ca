//! The nginx view of each node: every main configuration with its includes
//! spliced in where they stand, read for what the cluster checks need:
//! `upstream` blocks and their servers, virtual servers with their
//! `listen`, `server_name`, TLS settings, `location`s, `proxy_pass` and
//! `return` directives.
//!
//! Values keep the span of the text the user wrote, in whichever file of
//! the include tree it is.
//!
//! What nginx makes of the configuration, which rules and the graph share,
//! is in the modules below: what an upstream balances (`balanced`), which
//! upstreams `proxy_pass` uses (`proxied`), and which `location` serves a
//! request URI (`location`).

pub(crate) mod balanced;
pub(crate) mod location;
pub(crate) mod proxied;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::Arc;

use crate::facts::Fact;
use crate::formats::Format;
use crate::formats::nginx::{Directive, Directives, Word};
use crate::includes;
use crate::model::expansion::Budget;
use crate::model::net::{BadAddress, BindAddress, host_problem, split_host_port};
use crate::model::{Cluster, Include, NodeId};
use crate::source::{FileId, SharedText, Span};

/// Directives expanded per main configuration before the rest of an
/// include tree is cut off (guards against include fan-out).
pub const MAX_EXPANDED: usize = 4_000_000;

/// A word with where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub text: SharedText,
    pub span: Span,
}

/// The context an upstream or server lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Context {
    Http,
    Stream,
}

/// How a server address of an upstream is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host {
    Ip(IpAddr),
    /// A name nginx resolves at startup.
    Name(String),
    /// `unix:/path`.
    Unix(String),
}

/// `server ADDRESS [params];` inside an upstream.
#[derive(Clone, Debug)]
pub struct UpstreamServer {
    pub host: Host,
    /// The host text as written (without the port).
    pub host_text: String,
    pub port: Option<u16>,
    /// The address argument.
    pub address: Span,
    /// The whole directive.
    pub span: Span,
    /// The parameters after the address, as written.
    pub params: Vec<Text>,
    /// `max_fails=` and `fail_timeout=` as written, if given.
    pub max_fails: Option<Text>,
    pub fail_timeout: Option<Text>,
    pub backup: bool,
    pub down: bool,
}

/// `upstream NAME { ... }`
#[derive(Clone, Debug)]
pub struct Upstream {
    pub name: Text,
    /// The `upstream` directive's name (where a missing server belongs).
    pub keyword: Span,
    pub context: Context,
    pub servers: Vec<UpstreamServer>,
    /// `ip_hash`, `hash`, `sticky`, `least_conn`, `random`, ...
    pub balancing: Vec<Balancing>,
}

/// A balancing directive of an upstream and its arguments.
#[derive(Clone, Debug)]
pub struct Balancing {
    pub name: Text,
    pub args: Vec<String>,
}

impl Upstream {
    /// Whether the balancing method sends one client to one server:
    /// `ip_hash`, `sticky`, or `hash` on a key that names the client (its
    /// address, a cookie, a forwarded-for header, the user).
    #[must_use]
    pub fn is_sticky(&self) -> bool {
        self.balancing.iter().any(|b| match b.name.text.as_str() {
            "ip_hash" | "sticky" | "sticky_route" | "sticky_cookie_insert" => true,
            "hash" => b.args.first().is_some_and(|key| {
                let key = key.to_ascii_lowercase();
                [
                    "remote_addr",
                    "cookie",
                    "x_forwarded_for",
                    "x_real_ip",
                    "remote_user",
                    "session",
                ]
                .iter()
                .any(|k| key.contains(k))
            }),
            _ => false,
        })
    }
}

/// `listen ...;`
#[derive(Clone, Debug)]
pub struct Listen {
    /// `None` for a Unix socket.
    pub address: Option<BindAddress>,
    /// A host name written instead of an address.
    pub host: Option<String>,
    pub port: u16,
    pub ssl: bool,
    /// `quic`: HTTP/3 over UDP, with TLS of its own.
    pub quic: bool,
    /// `ipv6only=off`: an IPv6 wildcard that takes IPv4 too.
    pub dual_stack: bool,
    /// The address argument.
    pub address_span: Span,
    /// The whole directive.
    pub span: Span,
}

/// `proxy_pass URL;` and its kin.
#[derive(Clone, Debug)]
pub struct ProxyPass {
    /// The URL as written.
    pub url: Text,
    /// The host part (a name, an address or an upstream name).
    pub host: String,
    /// Where the host is written, when the URL reads as written (no
    /// escapes in it).
    pub host_span: Option<Span>,
    pub port: Option<String>,
    /// The URL holds variables: nginx resolves it per request.
    pub dynamic: bool,
    pub directive: Span,
    /// The upstream of the configuration the host names, if any (an index
    /// into `NginxConfig::upstreams`, set once they are all read).
    upstream: Option<usize>,
}

/// `return CODE [URL|TEXT];` or `return URL;`
#[derive(Clone, Debug)]
pub struct Return {
    pub code: u16,
    /// The redirect target, for codes 301, 302, 303, 307, 308.
    pub url: Option<Text>,
    pub span: Span,
}

/// `location [modifier] path { ... }`
#[derive(Clone, Debug)]
pub struct Location {
    /// `=`, `~`, `~*`, `^~`, or `None`.
    pub modifier: Option<String>,
    pub path: Text,
    /// The `location` directive's name.
    pub keyword: Span,
    pub proxy_passes: Vec<ProxyPass>,
}

/// `server { ... }` in `http` or `stream`.
#[derive(Clone, Debug)]
pub struct VirtualServer {
    pub context: Context,
    /// The `server` keyword.
    pub keyword: Span,
    pub listens: Vec<Listen>,
    pub server_names: Vec<Text>,
    /// `ssl on;` here or in `http`.
    pub ssl_on: Option<Span>,
    /// The server's own `ssl` directive, `on` or `off`.
    pub ssl_directive: Option<Span>,
    /// `ssl on;` in `http`, whether or not the server overrides it.
    pub inherited_ssl_on: Option<Span>,
    /// Every `listen` directive, also those `listens` leaves out (Unix
    /// sockets, unreadable ones).
    pub listen_directives: usize,
    /// `ssl_certificate` here or inherited from `http`.
    pub certificates: Vec<Span>,
    /// `ssl_certificate_key` here or inherited from `http`, in order: the
    /// n-th key goes with the n-th certificate.
    pub certificate_keys: Vec<Span>,
    pub locations: Vec<Location>,
    /// `proxy_pass` directly in the server (stream servers).
    pub proxy_passes: Vec<ProxyPass>,
    /// `return`s anywhere in the server.
    pub returns: Vec<Return>,
}

/// One main nginx configuration of a node, includes spliced in.
#[derive(Clone, Debug)]
pub struct NginxConfig {
    pub node: NodeId,
    /// The main file.
    pub file: FileId,
    /// The nginx process it configures, named by a main file: its own, or
    /// for files of an include folder that no main file of the node
    /// includes (`conf.d/*.conf` mounted into the official image, whose
    /// own `nginx.conf` includes them all), the first of them.
    pub process: FileId,
    pub upstreams: Vec<Upstream>,
    pub servers: Vec<VirtualServer>,
    /// Every `ssl` directive, `on` or `off` (deprecated since 1.15.0, gone
    /// in 1.25.1).
    pub ssl_directives: Vec<Span>,
    /// Addresses in `listen`, upstream `server` and `proxy_pass` that
    /// nginx cannot read.
    pub bad_addresses: Vec<BadAddress>,
    /// The first upstream of each lower-case name, per context.
    upstream_index: HashMap<Context, HashMap<String, usize>>,
    /// The upstreams some `proxy_pass` uses, each once, in the order they
    /// are first used.
    proxied_upstreams: Vec<usize>,
}

impl NginxConfig {
    /// The upstream a `proxy_pass` host names (names compare without case).
    #[must_use]
    pub fn upstream(&self, name: &str, context: Context) -> Option<&Upstream> {
        Some(&self.upstreams[self.upstream_index_of(name, context)?])
    }

    /// The upstream a `proxy_pass` of this configuration sends to, if its
    /// host names one.
    #[must_use]
    pub fn upstream_of(&self, pass: &ProxyPass) -> Option<&Upstream> {
        pass.upstream.map(|i| &self.upstreams[i])
    }

    /// The upstreams some `proxy_pass` uses, each once, in the order they
    /// are first used.
    pub fn proxied_upstreams(&self) -> impl Iterator<Item = &Upstream> {
        self.proxied_upstreams.iter().map(|&i| &self.upstreams[i])
    }

    /// Indexes the upstreams by name and links each `proxy_pass` to the
    /// upstream it names, once: many rules ask.
    fn index_upstreams(&mut self) {
        for (i, upstream) in self.upstreams.iter().enumerate() {
            self.upstream_index
                .entry(upstream.context)
                .or_default()
                .entry(upstream.name.text.to_ascii_lowercase())
                .or_insert(i);
        }
        let mut servers = std::mem::take(&mut self.servers);
        let mut used = HashSet::new();
        for server in &mut servers {
            let context = server.context;
            let passes = server
                .locations
                .iter_mut()
                .flat_map(|l| &mut l.proxy_passes)
                .chain(&mut server.proxy_passes);
            for pass in passes.filter(|p| !p.dynamic) {
                pass.upstream = self.upstream_index_of(&pass.host, context);
                if let Some(i) = pass.upstream
                    && used.insert(i)
                {
                    self.proxied_upstreams.push(i);
                }
            }
        }
        self.servers = servers;
    }

    fn upstream_index_of(&self, name: &str, context: Context) -> Option<usize> {
        let names = self.upstream_index.get(&context)?;
        if name.bytes().any(|b| b.is_ascii_uppercase()) {
            names.get(&name.to_ascii_lowercase()).copied()
        } else {
            names.get(name).copied()
        }
    }
}

/// A directive of the expanded tree, with its file.
#[derive(Clone, Copy)]
struct Item<'a> {
    file: FileId,
    directive: Directive<'a>,
}

/// Expands includes while walking: yields the directives of `list`, with
/// each `include` replaced by the directives of the files it names.
struct Expander<'a> {
    cluster: &'a Cluster,
    /// Per file: include ranges' start → resolved include.
    includes: HashMap<FileId, HashMap<u32, &'a Include>>,
    stack: Vec<FileId>,
    budget: Budget,
}

impl<'a> Expander<'a> {
    fn text(&self, file: FileId) -> &'a Arc<str> {
        &self.cluster.source(file).text
    }

    fn children(&mut self, item: Item<'a>) -> Vec<Item<'a>> {
        self.expand(item.file, item.directive.children())
    }

    fn expand(&mut self, file: FileId, list: Directives<'a>) -> Vec<Item<'a>> {
        let mut out = Vec::with_capacity(list.len());
        for directive in list.iter() {
            if !self.budget.take(file) {
                break;
            }
            let text = self.text(file);
            if directive.name(text) == "include"
                && let [arg] = directive.args()
            {
                let include = self
                    .includes
                    .entry(file)
                    .or_insert_with(|| {
                        self.cluster
                            .file(file)
                            .includes
                            .iter()
                            .map(|i| (i.range.start, i))
                            .collect()
                    })
                    .get(&arg.range.start)
                    .copied();
                for &target in include.map_or(&[][..], |i| i.targets.as_slice()) {
                    // A loop is reported as `core/include-cycle`; read each file once.
                    if self.stack.contains(&target) {
                        continue;
                    }
                    if !self.budget.allows_include() {
                        self.budget.cut_at(Span::new(file, directive.range()));
                        break;
                    }
                    let Some(doc) = self
                        .cluster
                        .file(target)
                        .document
                        .get::<crate::formats::nginx::NginxDocument>()
                    else {
                        continue;
                    };
                    self.stack.push(target);
                    let spliced = self.expand(target, doc.directives());
                    self.stack.pop();
                    out.extend(spliced);
                    self.budget.cut_at(Span::new(file, directive.range()));
                }
                continue;
            }
            out.push(Item { file, directive });
        }
        out
    }
}

/// Builds the nginx view of every node.
#[must_use]
pub fn build(cluster: &Cluster, facts: &mut Vec<Fact>) -> Vec<NginxConfig> {
    let mut configs = Vec::new();
    let mains = running_mains(cluster);
    // Where the file is on its machine: through the node's mounts.
    let in_include_folder = |node: NodeId, file: FileId| {
        let path = cluster.source(file).path.as_str();
        let placed = cluster
            .node(node)
            .mounts
            .iter()
            .find_map(|(target, source)| {
                if path == source {
                    return Some(target.clone());
                }
                let rest = path.strip_prefix(source.as_str())?.strip_prefix('/')?;
                Some(format!("{target}/{rest}"))
            });
        includes::parent(placed.as_deref().unwrap_or(path))
            .rsplit('/')
            .next()
            .is_some_and(|folder| matches!(folder, "conf.d" | "http.d" | "sites-enabled"))
    };
    for &(node, file) in &mains {
        let process = if in_include_folder(node, file) {
            mains
                .iter()
                .find(|&&(n, f)| n == node && in_include_folder(n, f))
                .map_or(file, |&(_, f)| f)
        } else {
            file
        };
        {
            let Some(doc) = cluster
                .file(file)
                .document
                .get::<crate::formats::nginx::NginxDocument>()
            else {
                continue;
            };
            let mut expander = Expander {
                cluster,
                includes: HashMap::new(),
                stack: vec![file],
                budget: Budget::new(file, MAX_EXPANDED),
            };
            let top = expander.expand(file, doc.directives());
            let mut config = NginxConfig {
                node,
                file,
                process,
                upstreams: Vec::new(),
                servers: Vec::new(),
                ssl_directives: Vec::new(),
                bad_addresses: Vec::new(),
                upstream_index: HashMap::new(),
                proxied_upstreams: Vec::new(),
            };
            let mut reader = Reader {
                expander,
                config: &mut config,
            };
            reader.main(&top);
            facts.extend(reader.expander.budget.finding(cluster, "nginx"));
            config.index_upstreams();
            configs.push(config);
        }
    }
    configs
}

/// The nginx main files nodes run. A machine runs one nginx: where a
/// node holds several main files and one sits where nginx reads it
/// (`/etc/nginx/nginx.conf`, or mounted there), the others are copies or
/// another program's (a cache's sample `nginx.conf`), not run.
fn running_mains(cluster: &Cluster) -> Vec<(NodeId, FileId)> {
    let mains = cluster.main_files(Format::NGINX);
    let at_default = |node: NodeId, file: FileId| {
        let node = cluster.node(node);
        let path = &cluster.file(file).source.path;
        let mounted = node.mounts.iter().any(|(target, source)| {
            source == path
                && includes::is_default_main(Format::NGINX, target.trim_start_matches('/'))
        });
        mounted
            || node.layers.iter().any(|layer| {
                let inside = if layer.is_empty() {
                    Some(path.as_str())
                } else {
                    path.strip_prefix(layer.as_str())
                        .and_then(|p| p.strip_prefix('/'))
                };
                inside.is_some_and(|p| includes::is_default_main(Format::NGINX, p))
            })
    };
    mains
        .iter()
        .copied()
        .filter(|&(node, file)| {
            let mine: Vec<FileId> = mains
                .iter()
                .filter(|(n, _)| *n == node)
                .map(|(_, f)| *f)
                .collect();
            mine.len() < 2
                || at_default(node, file)
                || !mine.iter().any(|&other| at_default(node, other))
        })
        .collect()
}

struct Reader<'a, 'c> {
    expander: Expander<'a>,
    config: &'c mut NginxConfig,
}

/// Settings `http` passes down to its servers.
#[derive(Clone, Default)]
struct Inherited {
    ssl_on: Option<Span>,
    certificates: Vec<Span>,
    certificate_keys: Vec<Span>,
}

impl<'a> Reader<'a, '_> {
    fn name(&self, item: Item<'a>) -> &'a str {
        item.directive.name(self.expander.text(item.file))
    }

    fn args(&self, item: Item<'a>) -> Vec<Text> {
        let text = self.expander.text(item.file);
        item.directive
            .args()
            .iter()
            .map(|w| word(item.file, w, text))
            .collect()
    }

    fn span(item: Item<'a>) -> Span {
        Span::new(item.file, item.directive.range())
    }

    fn keyword(item: Item<'a>) -> Span {
        Span::new(item.file, item.directive.name_word().range)
    }

    fn main(&mut self, top: &[Item<'a>]) {
        for &item in top {
            match self.name(item) {
                "http" => {
                    let children = self.expander.children(item);
                    self.block(&children, Context::Http);
                }
                "stream" => {
                    let children = self.expander.children(item);
                    self.block(&children, Context::Stream);
                }
                // A file read on its own may be an `http` fragment.
                "server" | "upstream" => self.block(&[item], Context::Http),
                _ => {}
            }
        }
    }

    /// The inside of `http` or `stream`.
    fn block(&mut self, items: &[Item<'a>], context: Context) {
        let mut inherited = Inherited::default();
        for &item in items {
            match self.name(item) {
                "ssl" => {
                    self.config.ssl_directives.push(Self::span(item));
                    inherited.ssl_on = self.is_on(item).then(|| Self::span(item));
                }
                "ssl_certificate" => inherited.certificates.push(Self::span(item)),
                "ssl_certificate_key" => inherited.certificate_keys.push(Self::span(item)),
                _ => {}
            }
        }
        for &item in items {
            match self.name(item) {
                "upstream" => self.upstream(item, context),
                "server" if item.directive.block().is_some() => {
                    self.server(item, context, &inherited);
                }
                _ => {}
            }
        }
    }

    fn is_on(&self, item: Item<'a>) -> bool {
        self.args(item)
            .first()
            .is_some_and(|a| a.text.eq_ignore_ascii_case("on"))
    }

    fn upstream(&mut self, item: Item<'a>, context: Context) {
        let Some(name) = self.args(item).into_iter().next() else {
            return;
        };
        let mut upstream = Upstream {
            name,
            keyword: Self::keyword(item),
            context,
            servers: Vec::new(),
            balancing: Vec::new(),
        };
        for child in self.expander.children(item) {
            let child_name = self.name(child);
            match child_name {
                "server" => {
                    if let Some(server) = self.upstream_server(child, context) {
                        upstream.servers.push(server);
                    }
                }
                "ip_hash"
                | "hash"
                | "sticky"
                | "sticky_route"
                | "sticky_cookie_insert"
                | "least_conn"
                | "least_time"
                | "random"
                | "ntlm" => {
                    upstream.balancing.push(Balancing {
                        name: Text {
                            text: child_name.to_string().into(),
                            span: Self::span(child),
                        },
                        args: self
                            .args(child)
                            .into_iter()
                            .map(|a| a.text.to_string())
                            .collect(),
                    });
                }
                _ => {}
            }
        }
        self.config.upstreams.push(upstream);
    }

    fn bad(&mut self, span: Span, problem: Option<String>) {
        if let Some(problem) = problem {
            self.config.bad_addresses.push(BadAddress {
                span,
                problem,
                help: None,
            });
        }
    }

    fn upstream_server(&mut self, item: Item<'a>, context: Context) -> Option<UpstreamServer> {
        let args = self.args(item);
        let (address, params) = args.split_first()?;
        if !address.text.starts_with("unix:") {
            let (host, port) = split_host_port(&address.text);
            self.bad(
                address.span,
                host_problem(host).or_else(|| port.and_then(port_problem)),
            );
        }
        let (host, port) = if let Some(path) = address.text.strip_prefix("unix:") {
            (Host::Unix(path.to_string()), None)
        } else {
            let (host, port) = split_host_port(&address.text);
            let bare = host.trim_start_matches('[').trim_end_matches(']');
            let parsed = bare
                .parse::<IpAddr>()
                .map_or_else(|_| Host::Name(host.to_string()), Host::Ip);
            let default = (context == Context::Http).then_some(80);
            (parsed, port.map_or(default, |p| p.parse().ok()))
        };
        let host_text = split_host_port(&address.text).0.to_string();
        let param = |key: &str| {
            params.iter().find_map(|p| {
                let value = p.text.strip_prefix(key)?.strip_prefix('=')?;
                Some(Text {
                    text: value.to_string().into(),
                    span: p.span,
                })
            })
        };
        Some(UpstreamServer {
            host,
            host_text,
            port,
            address: address.span,
            span: Self::span(item),
            params: params.to_vec(),
            max_fails: param("max_fails"),
            fail_timeout: param("fail_timeout"),
            backup: params.iter().any(|p| p.text == "backup"),
            down: params.iter().any(|p| p.text == "down"),
        })
    }

    fn server(&mut self, item: Item<'a>, context: Context, inherited: &Inherited) {
        let mut server = VirtualServer {
            context,
            keyword: Self::keyword(item),
            listens: Vec::new(),
            server_names: Vec::new(),
            ssl_on: inherited.ssl_on,
            ssl_directive: None,
            inherited_ssl_on: inherited.ssl_on,
            listen_directives: 0,
            certificates: inherited.certificates.clone(),
            certificate_keys: inherited.certificate_keys.clone(),
            locations: Vec::new(),
            proxy_passes: Vec::new(),
            returns: Vec::new(),
        };
        let children = self.expander.children(item);
        let mut own_certificates = Vec::new();
        let mut own_keys = Vec::new();
        for &child in &children {
            match self.name(child) {
                "listen" => {
                    server.listen_directives += 1;
                    server.listens.extend(self.listen(child));
                }
                "server_name" => server.server_names.extend(self.args(child)),
                "ssl" => {
                    self.config.ssl_directives.push(Self::span(child));
                    server.ssl_directive = Some(Self::span(child));
                    server.ssl_on = self.is_on(child).then(|| Self::span(child));
                }
                "ssl_certificate" => own_certificates.push(Self::span(child)),
                "ssl_certificate_key" => own_keys.push(Self::span(child)),
                "location" => self.location(child, &mut server),
                _ => {}
            }
        }
        // nginx inherits each array directive whole, or not at all.
        if !own_certificates.is_empty() {
            server.certificates = own_certificates;
        }
        if !own_keys.is_empty() {
            server.certificate_keys = own_keys;
        }
        // `proxy_pass` and `return` outside locations (also inside `if`).
        self.passes_and_returns(
            &children,
            &mut server.proxy_passes,
            &mut server.returns,
            false,
        );
        // A large configuration keeps many servers: each list at its size.
        server.listens.shrink_to_fit();
        server.server_names.shrink_to_fit();
        server.locations.shrink_to_fit();
        server.proxy_passes.shrink_to_fit();
        server.returns.shrink_to_fit();
        self.config.servers.push(server);
    }

    /// Collects `proxy_pass`es and `return`s of `items`, descending into
    /// blocks other than nested locations (and into those when `nested`).
    fn passes_and_returns(
        &mut self,
        items: &[Item<'a>],
        passes: &mut Vec<ProxyPass>,
        returns: &mut Vec<Return>,
        nested: bool,
    ) {
        for &item in items {
            match self.name(item) {
                "proxy_pass" | "grpc_pass" | "uwsgi_pass" | "scgi_pass" | "memcached_pass" => {
                    passes.extend(self.proxy_pass(item));
                }
                "return" => returns.extend(self.return_(item)),
                "location" if !nested => {}
                _ if item.directive.block().is_some() => {
                    let children = self.expander.children(item);
                    self.passes_and_returns(&children, passes, returns, nested);
                }
                _ => {}
            }
        }
    }

    fn location(&mut self, item: Item<'a>, server: &mut VirtualServer) {
        let args = self.args(item);
        let (modifier, path) = match args.as_slice() {
            [path] => (None, path.clone()),
            [modifier, path, ..] => (Some(modifier.text.to_string()), path.clone()),
            [] => return,
        };
        // `location ~^/x` glues the modifier to the path.
        let (modifier, path) = match (&modifier, path.text.strip_prefix('~')) {
            (None, Some(rest)) if !rest.is_empty() => (
                Some("~".to_string()),
                Text {
                    text: rest.trim_start_matches('*').to_string().into(),
                    span: path.span,
                },
            ),
            _ => (modifier, path),
        };
        let children = self.expander.children(item);
        let mut location = Location {
            modifier,
            path,
            keyword: Self::keyword(item),
            proxy_passes: Vec::new(),
        };
        self.passes_and_returns(
            &children,
            &mut location.proxy_passes,
            &mut server.returns,
            false,
        );
        location.proxy_passes.shrink_to_fit();
        server.locations.push(location);
        for &child in &children {
            if self.name(child) == "location" {
                self.location(child, server);
            }
        }
    }

    fn listen(&mut self, item: Item<'a>) -> Option<Listen> {
        let args = self.args(item);
        let (first, params) = args.split_first()?;
        if first.text.starts_with("unix:") {
            return None;
        }
        let (host, port) = match split_host_port(&first.text) {
            // `listen 80;`
            (only, None) if only.bytes().all(|b| b.is_ascii_digit()) => ("*", Some(only)),
            (host, port) => (host, port),
        };
        self.bad(
            first.span,
            host_problem(host).or_else(|| port.and_then(port_problem)),
        );
        let port = port.map_or(Some(80), |p| p.parse::<u16>().ok().filter(|&p| p > 0))?;
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let (address, host) = match bare {
            "*" => (Some(BindAddress::AnyV4), None),
            _ => match bare.parse::<IpAddr>() {
                Ok(ip) => (Some(BindAddress::from_ip(ip)), None),
                Err(_) => (None, Some(host.to_string())),
            },
        };
        Some(Listen {
            address,
            host,
            port,
            ssl: params.iter().any(|p| p.text == "ssl"),
            quic: params.iter().any(|p| p.text == "quic"),
            dual_stack: params.iter().any(|p| p.text == "ipv6only=off"),
            address_span: first.span,
            span: Self::span(item),
        })
    }

    fn proxy_pass(&mut self, item: Item<'a>) -> Option<ProxyPass> {
        let url = self.args(item).into_iter().next()?;
        let dynamic = url.text.contains('$');
        let rest = match url.text.split_once("://") {
            Some((_, rest)) => rest,
            None => url.text.as_str(),
        };
        // `http://unix:/run/app.sock:/uri`: a Unix socket, no host or port.
        if let Some(path) = rest.strip_prefix("unix:") {
            let socket = path.split(':').next().unwrap_or(path);
            return Some(ProxyPass {
                host: format!("unix:{socket}"),
                host_span: None,
                port: None,
                dynamic,
                directive: Self::span(item),
                url,
                upstream: None,
            });
        }
        let authority = rest.split('/').next().unwrap_or(rest);
        let (host, port) = split_host_port(authority);
        if !dynamic {
            self.bad(
                url.span,
                host_problem(host).or_else(|| port.and_then(port_problem)),
            );
        }
        // The host opens the authority, right after the scheme.
        let host_start = url.text.len() - rest.len();
        let raw = &self.expander.text(url.span.file)[url.span.range.as_usize()];
        let host_span = (raw == url.text && authority.starts_with(host)).then(|| {
            let start = url.span.range.start as usize + host_start;
            Span::new(
                url.span.file,
                crate::source::TextRange::from_usize(start..start + host.len()),
            )
        });
        Some(ProxyPass {
            host: host.to_string(),
            host_span,
            port: port.map(ToString::to_string),
            dynamic,
            directive: Self::span(item),
            url,
            upstream: None,
        })
    }

    fn return_(&self, item: Item<'a>) -> Option<Return> {
        let args = self.args(item);
        let first = args.first()?;
        let (code, url) = match first.text.parse::<u16>() {
            Ok(code) => (
                code,
                args.get(1)
                    .filter(|_| matches!(code, 301 | 302 | 303 | 307 | 308)),
            ),
            // `return URL;` redirects with 302.
            Err(_) => (302, Some(first)),
        };
        Some(Return {
            code,
            url: url.cloned(),
            span: Self::span(item),
        })
    }
}

/// What is wrong with a port nginx reads: it takes numbers only, no
/// service names.
fn port_problem(port: &str) -> Option<String> {
    match port.parse::<u16>() {
        Ok(p) if p > 0 => None,
        _ => Some(format!(
            "`{port}` is not a port (nginx takes a number from 1 to 65535)"
        )),
    }
}

fn word(file: FileId, word: &Word, text: &Arc<str>) -> Text {
    let inner = word.inner_range();
    Text {
        text: if word.is_verbatim() {
            SharedText::range(text, inner)
        } else {
            SharedText::from(word.text(text).to_string())
        },
        span: Span::new(file, inner),
    }
}

/// The host of an absolute `http(s)://` URL, unless it holds variables.
#[must_use]
pub fn url_host(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    // A variable ends the host (`https://example.org$request_uri`), unless
    // it is part of it (`https://www.$domain`).
    let authority = rest.split(['/', '?', '#', '$']).next()?;
    let (host, _) = split_host_port(authority);
    (!host.is_empty() && !host.ends_with('.')).then_some(host)
}

/// The `server_name` entries of many servers, indexed so that matching a
/// host costs a few lookups instead of one comparison per name.
#[derive(Debug, Default)]
pub struct ServerNameIndex<'a> {
    exact: NameSet<'a>,
    /// `*.example.org` as `.example.org`.
    star_suffixes: NameSet<'a>,
    /// `www.example.*` as `www.example`.
    star_prefixes: NameSet<'a>,
    /// `.example.org` as `example.org`.
    domains: NameSet<'a>,
    /// A `~` regular expression is taken to match any host.
    regex: bool,
}

/// Lower-cased names, borrowed where the configuration writes them so.
type NameSet<'a> = HashSet<Cow<'a, str>, rustc_hash::FxBuildHasher>;

/// `text` in ASCII lower case, copied only when it has upper case.
fn lowercase(text: &str) -> Cow<'_, str> {
    if text.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(text.to_ascii_lowercase())
    } else {
        Cow::Borrowed(text)
    }
}

/// `part` of `name`: borrowed from a borrowed name.
fn part_of<'a>(name: &Cow<'a, str>, part: std::ops::Range<usize>) -> Cow<'a, str> {
    match name {
        Cow::Borrowed(text) => Cow::Borrowed(&text[part]),
        Cow::Owned(text) => Cow::Owned(text[part].to_string()),
    }
}

impl<'a> ServerNameIndex<'a> {
    #[must_use]
    pub fn new(names: impl IntoIterator<Item = &'a str>) -> Self {
        let mut index = Self::default();
        for name in names {
            let name = lowercase(name);
            let len = name.len();
            if name.starts_with('~') {
                index.regex = true;
            } else if name.starts_with("*.") {
                index.star_suffixes.insert(part_of(&name, 1..len));
            } else if name.ends_with(".*") {
                index.star_prefixes.insert(part_of(&name, 0..len - 2));
            } else if name.starts_with('.') {
                index.domains.insert(part_of(&name, 1..len));
            } else {
                index.exact.insert(name);
            }
        }
        index
    }

    /// Whether any indexed name matches `host`, as [`server_name_matches`].
    #[must_use]
    pub fn matches(&self, host: &str) -> bool {
        let host = lowercase(host);
        let host = host.as_ref();
        if self.regex || self.exact.contains(host) || self.domains.contains(host) {
            return true;
        }
        host.match_indices('.').any(|(at, _)| {
            self.star_suffixes.contains(&host[at..])
                || self.domains.contains(&host[at + 1..])
                || self.star_prefixes.contains(&host[..at])
        })
    }
}

/// Whether `host` matches a `server_name` entry: exact, `*.example.org`,
/// `www.example.*`, `.example.org`, or a `~` regular expression (not
/// evaluated: any host is taken to match it).
#[must_use]
pub fn server_name_matches(name: &str, host: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let host = host.to_ascii_lowercase();
    if name.starts_with('~') {
        return true;
    }
    if let Some(suffix) = name.strip_prefix("*.") {
        return host.ends_with(&format!(".{suffix}"));
    }
    if let Some(prefix) = name.strip_suffix(".*") {
        return host.starts_with(&format!("{prefix}."));
    }
    if let Some(domain) = name.strip_prefix('.') {
        return host == domain || host.ends_with(&format!(".{domain}"));
    }
    name == host
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_hosts() {
        assert_eq!(
            url_host("https://loadbalance.example.org$request_uri"),
            Some("loadbalance.example.org")
        );
        assert_eq!(url_host("https://www.$domain/"), None);
        assert_eq!(url_host("https://$host$request_uri"), None);
        assert_eq!(
            url_host("https://lb.example.org/x$request_uri"),
            Some("lb.example.org")
        );
        assert_eq!(
            url_host("https://lb.example.org:8443/"),
            Some("lb.example.org")
        );
        assert_eq!(url_host("$scheme://$host$request_uri"), None);
        assert_eq!(url_host("/relative"), None);
    }

    #[test]
    fn server_names() {
        assert!(server_name_matches("*.example.org", "www.example.org"));
        assert!(!server_name_matches("*.example.org", "example.org"));
        assert!(server_name_matches(".example.org", "example.org"));
        assert!(server_name_matches("www.example.*", "www.example.net"));
        assert!(server_name_matches("LB.example.org", "lb.example.org"));
        assert!(!server_name_matches("lb.example.org", "lb.example.com"));
        for (names, host) in [
            (&["*.example.org"][..], "www.example.org"),
            (&["*.example.org"][..], "example.org"),
            (&[".example.org"][..], "example.org"),
            (&[".example.org"][..], "a.b.example.org"),
            (&["www.example.*"][..], "www.example.net"),
            (&["www.example.*"][..], "www.example"),
            (&["LB.example.org"][..], "lb.example.org"),
            (&["lb.example.org", "x"][..], "lb.example.com"),
            (&["~^www"][..], "anything"),
            (&["*"][..], "a.b"),
        ] {
            let index = ServerNameIndex::new(names.iter().copied());
            let one_by_one = names.iter().any(|n| server_name_matches(n, host));
            assert_eq!(index.matches(host), one_by_one, "{names:?} {host}");
        }
    }
}
