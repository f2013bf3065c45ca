//! The Redis view of each node: every main `redis.conf` (or
//! `sentinel.conf`) with its includes read in place, and the settings the
//! checks need, as the server resolves them (directives are
//! case-insensitive and the last one wins).

use std::collections::HashMap;
use std::net::IpAddr;

use crate::facts::Fact;
use crate::formats::Format;
use crate::formats::redis::RedisDirective;
use crate::model::expansion::{Budget, MAX_EXPANDED};
use crate::model::net::BindAddress;
use crate::model::{Cluster, NodeId};
use crate::source::{FileId, Span};

/// The default `port` of a data server and of a sentinel.
pub const DEFAULT_PORT: u16 = 6379;
pub const DEFAULT_SENTINEL_PORT: u16 = 26379;

/// One `bind` address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BindEntry {
    /// The address as written, without the optional `-` prefix.
    pub text: String,
    /// `None` when the text is no address (a typo).
    pub address: Option<BindAddress>,
    pub span: Span,
}

/// A Redis server (or sentinel) configuration.
#[derive(Clone, Debug)]
pub struct RedisServer {
    pub node: NodeId,
    /// The main file.
    pub file: FileId,
    /// A sentinel, not a data server.
    pub sentinel: bool,
    pub port: u16,
    /// The effective `port` directive, if written.
    pub port_span: Option<Span>,
    pub tls_port: Option<(u16, Span)>,
    /// The effective `bind` directive's addresses and its span; `None`
    /// when there is none (Redis then listens on every interface).
    pub bind: Option<(Vec<BindEntry>, Span)>,
    /// The effective `requirepass`, and whether it sets a password (`""`
    /// sets none).
    pub requirepass: Option<(bool, Span)>,
    /// The last `user default ...` line, and whether it leaves the default
    /// user without a password (`on` with `nopass`).
    pub default_user: Option<(bool, Span)>,
    pub aclfile: Option<Span>,
    /// The effective `protected-mode`, if written, and whether it is off.
    pub protected_mode: Option<(bool, Span)>,
    /// Whether an `include` of its files names nothing that was read: what
    /// it sets is unknown.
    pub unread_include: bool,
    /// Whether it is a replica of a master on another host (`replicaof`
    /// an address or name other than the loopback).
    pub remote_master: bool,
    /// The effective `replicaof` (or `slaveof`) naming a master; `None`
    /// without one or with `replicaof no one`.
    pub replica_of: Option<MasterAddress>,
    /// The values of `tls-cert-file`, `tls-key-file`, `tls-ca-cert-file`.
    pub tls_files: [Option<Span>; 3],
    /// The effective `masterauth`, and whether it sets a password.
    pub masterauth: Option<(bool, Span)>,
    /// The effective `masteruser`.
    pub masteruser: Option<Span>,
    /// The password clients give as the `default` user, when the
    /// configuration states it plainly (`requirepass`, no `user default`
    /// line, no `aclfile`, no include left unread).
    pub password: Option<Password>,
    /// A sentinel's `sentinel monitor` lines.
    pub monitors: Vec<Monitor>,
    /// The file of the command line (a script, compose, supervisord) that
    /// starts it; `None` when only its configuration file says it exists.
    pub started_in: Option<FileId>,
}

/// A master's address as a replica or a sentinel names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MasterAddress {
    /// The host as written (an address or a name).
    pub host: String,
    pub port: u16,
    /// The whole line.
    pub span: Span,
}

/// A password read from a configuration. It is compared, never shown:
/// its `Debug` says only that it is there.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Whether two passwords are the same.
    #[must_use]
    pub fn matches(&self, other: &Password) -> bool {
        self.0 == other.0
    }

    /// Whether the value is a placeholder filled in before the program
    /// starts (`$REDIS_PASSWORD`, `${PASS}`, `{{ pass }}`): what it
    /// becomes is not in the files.
    #[must_use]
    pub fn is_placeholder(&self) -> bool {
        let v = self.0.as_str();
        let variable = |name: &str| {
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        };
        v.strip_prefix("${")
            .and_then(|r| r.strip_suffix('}'))
            .map(|inner| inner.split([':', '-']).next().unwrap_or(""))
            .is_some_and(variable)
            || v.strip_prefix('$').is_some_and(variable)
            || (v.starts_with("{{") && v.ends_with("}}"))
            || (v.starts_with('%') && v.ends_with('%') && v.len() > 2)
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(..)")
    }
}

/// A sentinel's `sentinel monitor <name> <host> <port> <quorum>`, with the
/// `sentinel auth-pass` and `auth-user` lines for the same master name.
#[derive(Clone, Debug)]
pub struct Monitor {
    /// The master's name as the sentinel knows it.
    pub name: String,
    pub master: MasterAddress,
    /// The `auth-pass` line's password, and the line.
    pub auth_pass: Option<(Password, Span)>,
    /// Whether an `auth-user` line names an ACL user (whose password the
    /// master's ACL holds, not `requirepass`).
    pub auth_user: bool,
}

impl RedisServer {
    /// Whether clients must authenticate: the default user (the one a
    /// client is before `AUTH`) has a password or is off. A `user default`
    /// line decides over `requirepass`; an `aclfile` is taken to.
    #[must_use]
    pub fn has_password(&self) -> bool {
        // An `aclfile`, or an include that was not read, may well set one.
        if self.aclfile.is_some() || self.unread_include {
            return true;
        }
        match (self.default_user, self.requirepass) {
            (Some((open, _)), _) => !open,
            (None, Some((set, _))) => set,
            (None, None) => false,
        }
    }

    /// Whether the files say for certain that clients must authenticate
    /// (an `aclfile` or an unread include may, or may not).
    #[must_use]
    pub fn surely_has_password(&self) -> bool {
        match (self.default_user, self.requirepass) {
            (Some((open, _)), _) => !open,
            (None, Some((set, _))) => set,
            (None, None) => false,
        }
    }

    /// Whether it authenticates to its master: a non-empty `masterauth`.
    #[must_use]
    pub fn authenticates_to_master(&self) -> bool {
        self.masterauth.is_some_and(|(set, _)| set)
    }

    /// Where its password is set: the `user default` or `requirepass` line.
    #[must_use]
    pub fn password_span(&self) -> Option<Span> {
        self.default_user
            .map(|(_, span)| span)
            .or(self.requirepass.map(|(_, span)| span))
    }

    /// The addresses Redis binds: `bind`'s, or every interface without it.
    #[must_use]
    pub fn bound(&self) -> Vec<(BindAddress, Option<Span>)> {
        match &self.bind {
            Some((entries, _)) => entries
                .iter()
                .filter_map(|e| Some((e.address?, Some(e.span))))
                .collect(),
            None => vec![(BindAddress::AnyV4, None), (BindAddress::AnyV6, None)],
        }
    }
}

/// Builds the Redis view of every node: each main file once, or once per
/// command line that starts a server with it (`redis-server FILE --port
/// 6391` in a start script or a compose `command`, its options read as
/// lines after the file's, as Redis does), and each command line that
/// starts a server from options alone.
#[must_use]
pub fn build(cluster: &Cluster, facts: &mut Vec<Fact>) -> Vec<RedisServer> {
    let mut servers = Vec::new();
    let launches = launches(cluster);
    let mains = cluster.main_files(Format::REDIS);
    let mut mains_of: HashMap<NodeId, Vec<FileId>> = HashMap::new();
    for &(node, file) in &mains {
        mains_of.entry(node).or_default().push(file);
    }
    let mut launches_of: HashMap<NodeId, Vec<&Launch>> = HashMap::new();
    for launch in &launches {
        launches_of.entry(launch.node).or_default().push(launch);
    }
    for &(node, file) in &mains {
        let on_node = launches_of.get(&node).map_or(&[][..], Vec::as_slice);
        let mut lines = Vec::new();
        let mut budget = Budget::new(file, MAX_EXPANDED);
        flatten(cluster, file, &mut vec![file], &mut budget, &mut lines);
        facts.extend(budget.finding(cluster, "Redis"));
        let started: Vec<&Launch> = on_node
            .iter()
            .copied()
            .filter(|l| l.config == Some(file))
            .collect();
        // A process manager's list (supervisord) is every process the
        // node runs: a file it starts no server with is not running.
        let listed_elsewhere = on_node.iter().any(|l| l.config.is_some() && l.process_list);
        // A byte-for-byte copy of another main file of the node (a
        // console and a service variant of one instance) is no second
        // server.
        let copy = mains_of[&node]
            .iter()
            .any(|&other| other < file && cluster.source(other).text == cluster.source(file).text);
        if started.is_empty() && !listed_elsewhere && !copy {
            servers.push(server(cluster, node, file, &lines, false));
        }
        for launch in started {
            let mut all = lines.clone();
            all.extend(launch.options.iter().map(|d| (launch.file, d)));
            let mut started = server(cluster, node, file, &all, launch.sentinel);
            started.started_in = Some(launch.file);
            servers.push(started);
        }
    }
    for launch in launches.iter().filter(|l| l.config.is_none()) {
        let lines: Vec<(FileId, &RedisDirective)> =
            launch.options.iter().map(|d| (launch.file, d)).collect();
        let mut started = server(cluster, launch.node, launch.file, &lines, launch.sentinel);
        started.started_in = Some(launch.file);
        servers.push(started);
    }
    servers
}

/// A `redis-server` (or `redis-sentinel`) command line of a node.
struct Launch {
    node: NodeId,
    /// The file the command line is written in.
    file: FileId,
    /// The configuration file it names, among the node's.
    config: Option<FileId>,
    /// `--name value...` options, as configuration lines.
    options: Vec<RedisDirective>,
    sentinel: bool,
    /// Written in a process manager's list of every process it runs.
    process_list: bool,
}

/// Options that only ask the binary something; such a command line
/// starts no server.
const NOT_A_SERVER: &[&str] = &["version", "help", "test-memory", "check-system"];

fn launches(cluster: &Cluster) -> Vec<Launch> {
    let mut out = Vec::new();
    for node in &cluster.nodes {
        for (file, command) in cluster.deployment.commands(node.id) {
            let Some(program) = command.words.first() else {
                continue;
            };
            let name = program.value.rsplit('/').next().unwrap_or(&program.value);
            if name != "redis-server" && name != "redis-sentinel" {
                continue;
            }
            let args = &command.words[1..];
            let (config_word, rest) = match args.first() {
                Some(w) if !w.value.starts_with('-') => (Some(w), &args[1..]),
                _ => (None, args),
            };
            let mut options: Vec<RedisDirective> = Vec::new();
            let mut sentinel = name == "redis-sentinel";
            let mut only_asks = false;
            for word in rest {
                if let Some(option) = word.value.strip_prefix("--") {
                    let option = option.to_ascii_lowercase();
                    if option == "sentinel" {
                        sentinel = true;
                        continue;
                    }
                    only_asks |= NOT_A_SERVER.contains(&option.as_str());
                    options.push(RedisDirective {
                        name: option.into(),
                        name_range: word.range,
                        args: Vec::new(),
                        range: word.range,
                    });
                } else if let Some(last) = options.last_mut() {
                    last.args.push(crate::formats::redis::Arg::with_text(
                        &word.value,
                        word.range,
                    ));
                    last.range = last.range.cover(word.range);
                }
            }
            if only_asks || (config_word.is_none() && options.is_empty()) {
                continue;
            }
            let config = config_word.and_then(|w| config_file(cluster, node.id, &w.value));
            if config_word.is_some() && config.is_none() {
                // A file the cluster does not hold: nothing to say of it.
                continue;
            }
            out.push(Launch {
                node: node.id,
                file,
                config,
                options,
                sentinel,
                process_list: cluster.file(file).format == Some(Format::SUPERVISOR),
            });
        }
    }
    out
}

/// The node's Redis file a command line names: an absolute path in the
/// node's folder, else the one file of that name.
fn config_file(cluster: &Cluster, node: NodeId, path: &str) -> Option<FileId> {
    let node = cluster.node(node);
    let redis_files = || {
        node.files
            .iter()
            .copied()
            .filter(|&f| cluster.file(f).format == Some(Format::REDIS))
    };
    if path.starts_with('/')
        && let Some((_, source)) = node.mounts.iter().find(|(target, _)| target == path)
        && let Some(f) = redis_files().find(|&f| cluster.source(f).path == *source)
    {
        return Some(f);
    }
    if let Some(absolute) = path.strip_prefix('/') {
        for layer in &node.layers {
            let wanted = if layer.is_empty() {
                absolute.to_string()
            } else {
                format!("{layer}/{absolute}")
            };
            if let Some(f) = redis_files().find(|&f| cluster.source(f).path == wanted) {
                return Some(f);
            }
        }
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    let mut named =
        redis_files().filter(|&f| cluster.source(f).path.rsplit('/').next() == Some(name));
    let first = named.next()?;
    named.next().is_none().then_some(first)
}

/// The directives of `file` with includes read in place.
fn flatten<'a>(
    cluster: &'a Cluster,
    file: FileId,
    stack: &mut Vec<FileId>,
    budget: &mut Budget,
    out: &mut Vec<(FileId, &'a RedisDirective)>,
) {
    let Some(doc) = cluster
        .file(file)
        .document
        .get::<crate::formats::redis::RedisDocument>()
    else {
        return;
    };
    let includes = &cluster.file(file).includes;
    for directive in &doc.directives {
        if !budget.take(file) {
            break;
        }
        if directive.name == "include" {
            let targets = directive
                .args
                .first()
                .and_then(|a| includes.iter().find(|i| i.range == a.range))
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
                budget.cut_at(Span::new(file, directive.range));
            }
            continue;
        }
        out.push((file, directive));
    }
}

/// The value of an argument of a line read from `file`.
fn arg_text<'a>(
    cluster: &'a Cluster,
    file: FileId,
    arg: &'a crate::formats::redis::Arg,
) -> &'a str {
    arg.text(&cluster.source(file).text)
}

fn server(
    cluster: &Cluster,
    node: NodeId,
    file: FileId,
    lines: &[(FileId, &RedisDirective)],
    started_as_sentinel: bool,
) -> RedisServer {
    // The last line of each name, found in one pass.
    let mut last_of: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
    for (i, (_, d)) in lines.iter().enumerate() {
        last_of.insert(d.name.as_ref(), i);
    }
    let last = |name: &str| last_of.get(name).map(|&i| &lines[i]);
    let span = |(f, d): &(FileId, &RedisDirective)| Span::new(*f, d.range);
    let file_name = cluster.source(file).path.rsplit('/').next().unwrap_or("");
    let sentinel = started_as_sentinel
        || file_name.contains("sentinel")
        || lines.iter().any(|(_, d)| d.name == "sentinel");
    let default_port = if sentinel {
        DEFAULT_SENTINEL_PORT
    } else {
        DEFAULT_PORT
    };
    let port_line = last("port");
    let port = port_line
        .and_then(|(f, d)| arg_text(cluster, *f, d.args.first()?).parse::<u16>().ok())
        .unwrap_or(default_port);
    let tls_port = last("tls-port").and_then(|line| {
        let port = arg_text(cluster, line.0, line.1.args.first()?)
            .parse::<u16>()
            .ok()?;
        (port > 0).then(|| (port, span(line)))
    });
    let bind = last("bind").map(|line @ (f, d)| {
        // One argument holding several addresses is split again.
        let entries = d
            .args
            .iter()
            .flat_map(|arg| {
                arg_text(cluster, *f, arg)
                    .split_whitespace()
                    .map(move |text| (text.to_string(), arg.range))
            })
            .map(|(text, range)| {
                let text = text.strip_prefix('-').unwrap_or(&text).to_string();
                let address = bind_address(&text);
                BindEntry {
                    text,
                    address,
                    span: Span::new(*f, range),
                }
            })
            .collect();
        (entries, span(line))
    });
    let requirepass = last("requirepass").map(|line| {
        let set = line
            .1
            .args
            .first()
            .is_some_and(|a| !arg_text(cluster, line.0, a).is_empty());
        (set, span(line))
    });
    let default_user = lines
        .iter()
        .rev()
        .find(|(f, d)| {
            d.name == "user"
                && d.args
                    .first()
                    .is_some_and(|a| arg_text(cluster, *f, a) == "default")
        })
        .map(|line| {
            // ACL rules apply in order; a user starts off, with no password.
            let (mut on, mut nopass) = (false, false);
            for rule in line
                .1
                .args
                .iter()
                .skip(1)
                .map(|a| arg_text(cluster, line.0, a))
            {
                match rule {
                    "on" => on = true,
                    "off" => on = false,
                    "nopass" => nopass = true,
                    "resetpass" | "reset" => nopass = false,
                    r if r.starts_with('>') || r.starts_with('#') => nopass = false,
                    _ => {}
                }
            }
            (on && nopass, span(line))
        });
    let aclfile = last("aclfile").map(span);
    let protected_mode = last("protected-mode").map(|line| {
        let on = !line
            .1
            .args
            .first()
            .is_some_and(|a| arg_text(cluster, line.0, a).eq_ignore_ascii_case("no"));
        (on, span(line))
    });
    let replica_of = lines
        .iter()
        .rev()
        .find(|(_, d)| d.name == "replicaof" || d.name == "slaveof")
        .and_then(|line| {
            let host = arg_text(cluster, line.0, line.1.args.first()?).to_string();
            let port = arg_text(cluster, line.0, line.1.args.get(1)?)
                .parse::<u16>()
                .ok()?;
            (!host.eq_ignore_ascii_case("no")).then(|| MasterAddress {
                host,
                port,
                span: span(line),
            })
        });
    let masterauth = last("masterauth").map(|line| {
        let set = line
            .1
            .args
            .first()
            .is_some_and(|a| !arg_text(cluster, line.0, a).is_empty());
        (set, span(line))
    });
    let masteruser = last("masteruser").map(span);
    let tls_file =
        |name: &str| last(name).and_then(|(file, d)| Some(Span::new(*file, d.args.first()?.range)));
    let tls_files = [
        tls_file("tls-cert-file"),
        tls_file("tls-key-file"),
        tls_file("tls-ca-cert-file"),
    ];
    let unread_include = has_unread_include(cluster, file, lines);
    let default_user_line = lines.iter().any(|(f, d)| {
        d.name == "user"
            && d.args
                .first()
                .is_some_and(|a| arg_text(cluster, *f, a) == "default")
    });
    let password = last("requirepass")
        .and_then(|(f, d)| Some(arg_text(cluster, *f, d.args.first()?)))
        .filter(|text| !text.is_empty())
        .filter(|_| !default_user_line && last("aclfile").is_none() && !unread_include)
        .map(|text| Password(text.to_string()));
    let monitors = if sentinel {
        monitors(cluster, lines)
    } else {
        Vec::new()
    };
    RedisServer {
        node,
        file,
        sentinel,
        port,
        port_span: port_line.map(span),
        tls_port,
        bind,
        requirepass,
        default_user,
        aclfile,
        protected_mode,
        unread_include,
        remote_master: ["replicaof", "slaveof"]
            .iter()
            .filter_map(|name| last(name))
            .filter_map(|(f, d)| Some(arg_text(cluster, *f, d.args.first()?)))
            .any(|host| {
                let host = host.trim_matches(['"', '\'']);
                !(host.eq_ignore_ascii_case("localhost")
                    || host.starts_with("127.")
                    || host == "::1"
                    || host.eq_ignore_ascii_case("no"))
            }),
        replica_of,
        masterauth,
        tls_files,
        masteruser,
        password,
        monitors,
        started_in: None,
    }
}

/// A sentinel's `sentinel monitor` lines, each with the `auth-pass` and
/// `auth-user` lines for its master name (the last of each wins).
fn monitors(cluster: &Cluster, lines: &[(FileId, &RedisDirective)]) -> Vec<Monitor> {
    let sentinel_lines = || {
        lines.iter().filter_map(|(f, d)| {
            let sub = d.args.first()?;
            (d.name == "sentinel")
                .then(|| (*f, *d, arg_text(cluster, *f, sub).to_ascii_lowercase()))
        })
    };
    let mut out: Vec<Monitor> = Vec::new();
    for (file, d, sub) in sentinel_lines() {
        if sub != "monitor" {
            continue;
        }
        let (Some(name), Some(host), Some(port)) = (d.args.get(1), d.args.get(2), d.args.get(3))
        else {
            continue;
        };
        let Ok(port) = arg_text(cluster, file, port).parse::<u16>() else {
            continue;
        };
        let master = MasterAddress {
            host: arg_text(cluster, file, host).to_string(),
            port,
            span: Span::new(file, d.range),
        };
        // A later `monitor` of the same name replaces the earlier one.
        let name = arg_text(cluster, file, name);
        out.retain(|m| m.name != name);
        out.push(Monitor {
            name: name.to_string(),
            master,
            auth_pass: None,
            auth_user: false,
        });
    }
    for (file, d, sub) in sentinel_lines() {
        let Some(monitor) = d.args.get(1).and_then(|name| {
            let name = arg_text(cluster, file, name);
            out.iter_mut().find(|m| m.name == name)
        }) else {
            continue;
        };
        match sub.as_str() {
            "auth-pass" => {
                monitor.auth_pass = d.args.get(2).map(|a| {
                    let password = Password(arg_text(cluster, file, a).to_string());
                    (password, Span::new(file, d.range))
                });
            }
            "auth-user" => monitor.auth_user = true,
            _ => {}
        }
    }
    out
}

/// Whether an `include` in the main file or the files it brought in names
/// no file that was read.
fn has_unread_include(
    cluster: &Cluster,
    file: FileId,
    lines: &[(FileId, &RedisDirective)],
) -> bool {
    let mut files: Vec<FileId> = lines.iter().map(|(f, _)| *f).collect();
    files.push(file);
    files.sort();
    files.dedup();
    files.into_iter().any(|f| {
        let Some(doc) = cluster
            .file(f)
            .document
            .get::<crate::formats::redis::RedisDocument>()
        else {
            return false;
        };
        let includes = &cluster.file(f).includes;
        doc.directives
            .iter()
            .filter(|d| d.name == "include")
            .filter_map(|d| d.args.first())
            .any(|arg| {
                includes
                    .iter()
                    .find(|i| i.range == arg.range)
                    .is_none_or(|i| i.targets.is_empty())
            })
    })
}

/// A `bind` address: an IP, `*` (every IPv4 address) or `::*` (every IPv6
/// address).
#[must_use]
pub fn bind_address(text: &str) -> Option<BindAddress> {
    match text {
        "*" => Some(BindAddress::AnyV4),
        "::*" => Some(BindAddress::AnyV6),
        _ => text.parse::<IpAddr>().ok().map(BindAddress::from_ip),
    }
}

/// What a `replicaof` or `sentinel monitor` address leads to.
#[derive(Clone, Copy, Debug)]
pub enum MasterLookup<'a> {
    /// The host is no node of the cluster (or not known here).
    Unknown,
    /// A node of the cluster, where no data server of the cluster listens
    /// on that port; `may_run_redis` when the node may run one that its
    /// files do not describe (an image run with its defaults, the `redis`
    /// role).
    NoServer { node: NodeId, may_run_redis: bool },
    /// The data server there.
    Found(&'a RedisServer),
}

/// The data server `address`, written on node `from`, reaches.
#[must_use]
pub fn master_at<'a>(
    cluster: &'a Cluster,
    from: NodeId,
    address: &MasterAddress,
) -> MasterLookup<'a> {
    let Some(destination) = cluster.net.target(cluster, from, &address.host) else {
        return MasterLookup::Unknown;
    };
    let on_node = || {
        cluster
            .redis
            .iter()
            .filter(move |s| s.node == destination.node && !s.sentinel)
    };
    if let Some(server) = on_node().find(|s| {
        (s.port == address.port || s.tls_port.is_some_and(|(p, _)| p == address.port)) && {
            let bound = s.bound();
            bound.is_empty() || bound.iter().any(|(b, _)| b.accepts(destination.ip))
        }
    }) {
        return MasterLookup::Found(server);
    }
    let node = cluster.node(destination.node);
    let may_run_redis = on_node().next().is_none()
        && (node.has_role(crate::role::Role::Redis)
            || cluster.deployment.of(node.id).any(|launch| {
                launch.image.as_ref().is_some_and(|(_, image)| {
                    let image = image.value.to_ascii_lowercase();
                    image.contains("redis") || image.contains("valkey") || image.contains('$')
                })
            }));
    MasterLookup::NoServer {
        node: destination.node,
        may_run_redis,
    }
}
