//! The Gluu view of each node: its `setup.properties` as `setup.py` reads
//! it, and its csync2 configurations, read as a list of statements that
//! can be compared across nodes, with the nodes each `host` entry stands
//! for; and the nginx servers that balance the Gluu nodes.

use crate::formats::Format;
use crate::formats::csync2::{Csync2Document, Host};
use crate::model::{Cluster, NodeId};
use crate::source::{FileId, Span};

/// A key of `setup.properties` with its effective value (the last
/// definition wins, as in `java.util.Properties`).
#[derive(Clone, Debug)]
pub struct SetupEntry {
    pub key: String,
    pub value: String,
    pub key_span: Span,
    pub value_span: Span,
}

/// The setup file of a Gluu node.
#[derive(Clone, Debug)]
pub struct GluuSetup {
    pub node: NodeId,
    pub file: FileId,
    /// Keys in the order of their first definition.
    pub entries: Vec<SetupEntry>,
}

impl GluuSetup {
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&SetupEntry> {
        self.entries.iter().find(|e| e.key == key)
    }
}

/// One statement of a csync2 configuration, for comparisons: its words
/// (never secret: csync2 keys live in their own files) and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub text: String,
    pub span: Span,
}

/// A `group` of a csync2 configuration, with what files included inside
/// it add.
#[derive(Clone, Debug)]
pub struct Csync2Group {
    /// `group NAME` (or the keyword alone).
    pub span: Span,
    pub name: Option<String>,
    /// Each host with the file it is written in.
    pub hosts: Vec<(FileId, Host)>,
    /// Each `key` value.
    pub keys: Vec<Span>,
}

/// A csync2 configuration of a node: the file csync2 reads, with the
/// files its `config` lines include.
#[derive(Clone, Debug)]
pub struct Csync2Config {
    pub node: NodeId,
    pub file: FileId,
    /// `""` for `csync2.cfg` (or `csync2.conf`); `NAME` for
    /// `csync2_NAME.cfg`, read with `csync2 -C NAME`.
    pub name: String,
    /// Every statement, includes read in place.
    pub statements: Vec<Statement>,
    /// The main file and the files it includes.
    pub files: Vec<FileId>,
    pub groups: Vec<Csync2Group>,
    /// Whether csync2 reads this file: `csync2.cfg` (or `csync2_NAME.cfg`),
    /// or the only configuration of its name on the node. A `csync2.conf`
    /// beside a `csync2.cfg` is a copy csync2 ignores.
    pub read: bool,
}

/// The Gluu view of the cluster.
#[derive(Clone, Debug, Default)]
pub struct Gluu {
    pub setups: Vec<GluuSetup>,
    pub csync2: Vec<Csync2Config>,
}

impl Gluu {
    #[must_use]
    pub fn setup(&self, node: NodeId) -> Option<&GluuSetup> {
        self.setups.iter().find(|s| s.node == node)
    }
}

/// Builds the Gluu view of every node.
#[must_use]
pub fn build(cluster: &Cluster) -> Gluu {
    let mut gluu = Gluu::default();
    for node in &cluster.nodes {
        if let Some(setup) = setup(cluster, node.id) {
            gluu.setups.push(setup);
        }
    }
    for (node, file) in cluster.main_files(Format::CSYNC2) {
        let mut config = Csync2Config {
            node,
            file,
            name: config_name(&cluster.source(file).path),
            statements: Vec::new(),
            files: Vec::new(),
            groups: Vec::new(),
            read: true,
        };
        read_csync2(cluster, file, &mut config);
        gluu.csync2.push(config);
    }
    let is_cfg = |c: &Csync2Config| cluster.source(c.file).path.ends_with(".cfg");
    // Configurations of one name on one node shadow each other.
    let mut same_name: std::collections::HashMap<(NodeId, &str), Vec<usize>> =
        std::collections::HashMap::new();
    for (i, config) in gluu.csync2.iter().enumerate() {
        same_name
            .entry((config.node, config.name.as_str()))
            .or_default()
            .push(i);
    }
    let mut shadowed = vec![false; gluu.csync2.len()];
    for group in same_name.values().filter(|g| g.len() > 1) {
        for &i in group {
            let config = &gluu.csync2[i];
            shadowed[i] = group.iter().any(|&j| {
                let other = &gluu.csync2[j];
                j != i
                    && (is_cfg(other) && !is_cfg(config)
                        || is_cfg(other) == is_cfg(config) && j < i)
            });
        }
    }
    for (config, shadowed) in gluu.csync2.iter_mut().zip(shadowed) {
        config.read = !shadowed;
    }
    gluu
}

/// The cluster nodes a csync2 `host` entry stands for, seen from `from`,
/// the node whose configuration lists it: the nodes its name is (a node
/// name, a manifest host name, or an address of a node, directly or as
/// `from`'s `/etc/hosts` resolves the name), and for a `NAME@PEER` entry
/// the nodes either part is. Sorted, each once; empty when the entry is
/// no node of the cluster.
pub(crate) fn csync2_host_nodes(cluster: &Cluster, from: NodeId, host: &Host) -> Vec<NodeId> {
    let mut nodes = cluster.net.nodes_named(cluster, from, &host.name.text);
    if let Some(peer) = &host.peer {
        nodes.extend(cluster.net.nodes_named(cluster, from, &peer.text));
    }
    nodes.sort();
    nodes.dedup();
    nodes
}

/// An nginx that balances the Gluu nodes: among the upstreams its
/// `proxy_pass` directives use, some list a Gluu node other than the
/// machine nginx runs on. Gluu CE's own nginx, in front of its services on
/// every node, proxies to the node itself (`localhost`) and is no balancer.
#[derive(Clone, Debug)]
pub struct GluuBalancer<'a> {
    pub config: &'a crate::model::nginx::NginxConfig,
    /// The upstreams that list another Gluu node, in the order they are
    /// first used.
    pub upstreams: Vec<&'a crate::model::nginx::Upstream>,
    /// The Gluu nodes those upstreams list (the balancer's own included,
    /// if it is one), each once, in node order.
    pub nodes: Vec<NodeId>,
}

/// The nginx configurations that balance the Gluu nodes.
#[must_use]
pub fn balancers(cluster: &Cluster) -> Vec<GluuBalancer<'_>> {
    use crate::model::nginx::balanced::server_node;
    use crate::model::nginx::proxied::proxied_upstreams;
    let mut out = Vec::new();
    for config in &cluster.nginx {
        let mut upstreams = Vec::new();
        let mut nodes: Vec<NodeId> = Vec::new();
        for upstream in proxied_upstreams(config) {
            let gluu: Vec<NodeId> = upstream
                .servers
                .iter()
                .filter_map(|s| server_node(cluster, config.node, s))
                .filter(|&n| cluster.node(n).has_role(crate::model::Role::Gluu))
                .collect();
            if gluu.iter().any(|&n| n != config.node) {
                upstreams.push(upstream);
                nodes.extend(gluu);
            }
        }
        if upstreams.is_empty() {
            continue;
        }
        nodes.sort();
        nodes.dedup();
        out.push(GluuBalancer {
            config,
            upstreams,
            nodes,
        });
    }
    out
}

/// The names a node may call itself, lower case: its node name, its
/// manifest or compose host name, the names compose gives it, and the
/// names its own hosts files give its own addresses (or `127.0.1.1`,
/// where Debian writes the machine's name).
#[must_use]
pub fn own_names(cluster: &Cluster, node: NodeId) -> Vec<String> {
    let n = cluster.node(node);
    let mut names = vec![n.name.to_ascii_lowercase()];
    names.extend(n.hostname.iter().map(|h| h.to_ascii_lowercase()));
    names.extend(n.aliases.iter().map(|a| a.to_ascii_lowercase()));
    let debian = std::net::IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 1, 1));
    for (name, line) in cluster.net.hosts_lines(node) {
        if line.ip == debian || n.addresses.iter().any(|a| a.ip == line.ip) {
            names.push(name.clone());
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Whether two host names may be one machine's: equal without case, or
/// one the first label of the other (`gluu1` and `gluu1.example.org`:
/// `gethostname` gives either, depending on how the machine was set up).
#[must_use]
pub fn same_host_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    if a == b {
        return true;
    }
    let short = |long: &str, short: &str| {
        !short.contains('.') && long.split('.').next() == Some(short) && long.contains('.')
    };
    short(&a, &b) || short(&b, &a)
}

/// The names a node's csync2 is told to take as its own with `-N NAME`
/// in the commands that start it (systemd units, the xinetd service,
/// compose commands, scripts, supervisord programs); `None` for a name that is not known here (a variable).
/// Empty when no command passes `-N`.
#[must_use]
pub fn csync2_given_names(cluster: &Cluster, node: NodeId) -> Vec<Option<String>> {
    let mut out = Vec::new();
    for (_, command) in cluster.deployment.commands(node) {
        let Some(program) = command.words.first() else {
            continue;
        };
        if program.value.rsplit('/').next() != Some("csync2") {
            continue;
        }
        out.extend(option_n(
            command.words[1..].iter().map(|w| w.value.as_str()),
        ));
    }
    out
}

/// The `-N` values of a csync2 command line, read as `getopt` reads
/// `W:s:Ftp:G:P:C:D:N:HBAIXULlSTMRvhcuoimfxrd` (glibc's `getopt` takes
/// options after operands too, up to `--`).
fn option_n<'a>(args: impl Iterator<Item = &'a str>) -> Vec<Option<String>> {
    const WITH_VALUE: &str = "WspGPCDN";
    let known = |v: &str| (!v.contains('$')).then(|| v.to_ascii_lowercase());
    let mut out = Vec::new();
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        if !arg.starts_with('-') || arg == "-" {
            continue;
        }
        let flags = &arg[1..];
        for (i, c) in flags.char_indices() {
            if WITH_VALUE.contains(c) {
                let rest = &flags[i + c.len_utf8()..];
                let value = if rest.is_empty() {
                    args.next()
                } else {
                    Some(rest)
                };
                if c == 'N' {
                    out.push(value.and_then(known));
                }
                break;
            }
        }
    }
    out
}

/// `setup.properties.last` (what `setup.py` last ran with), else
/// `setup.properties`, nearest the node folder.
fn setup(cluster: &Cluster, node: NodeId) -> Option<GluuSetup> {
    let files = &cluster.node(node).files;
    let pick = |name: &str| {
        files
            .iter()
            .copied()
            .filter(|f| cluster.file(*f).format == Some(Format::GLUU_SETUP))
            .filter(|f| cluster.source(*f).path.rsplit('/').next() == Some(name))
            .min_by_key(|f| cluster.source(*f).path.matches('/').count())
    };
    let file = pick("setup.properties.last").or_else(|| pick("setup.properties"))?;
    let doc = cluster
        .file(file)
        .document
        .get::<crate::formats::properties::PropertiesDocument>()?;
    let text = &cluster.source(file).text;
    let mut entries: Vec<SetupEntry> = Vec::new();
    for entry in &doc.entries {
        let key = entry.key(text);
        let value = SetupEntry {
            key: key.to_string(),
            value: entry.value(text).to_string(),
            key_span: Span::new(file, entry.key_range),
            value_span: Span::new(file, entry.value_range),
        };
        match entries.iter_mut().find(|e| e.key == key) {
            Some(existing) => *existing = value,
            None => entries.push(value),
        }
    }
    Some(GluuSetup {
        node,
        file,
        entries,
    })
}

/// `csync2_NAME.cfg` → `NAME`; `csync2.cfg`, `csync2.conf` → `""`.
fn config_name(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name
        .strip_suffix(".cfg")
        .or_else(|| name.strip_suffix(".conf"))
        .unwrap_or(name);
    stem.strip_prefix("csync2")
        .map_or(stem, |rest| rest.trim_start_matches(['_', '-', '.']))
        .to_string()
}

fn read_csync2(cluster: &Cluster, file: FileId, config: &mut Csync2Config) {
    if config.files.contains(&file) {
        return;
    }
    config.files.push(file);
    let Some(doc) = cluster
        .file(file)
        .document
        .get::<crate::formats::csync2::Csync2Document>()
    else {
        return;
    };
    let includes = &cluster.file(file).includes;
    let fragment_targets = |range: crate::source::TextRange| -> Vec<FileId> {
        includes
            .iter()
            .filter(|i| i.format == Format::CSYNC2 && i.fragment)
            .filter(|i| range.start < i.range.start && i.range.end <= range.end)
            .flat_map(|i| i.targets.iter().copied())
            .collect()
    };
    config.statements.extend(statements(doc, file, false));
    for group in &doc.groups {
        let mut merged = Csync2Group {
            span: Span::new(
                file,
                group
                    .name
                    .as_ref()
                    .map_or(group.keyword, |n| group.keyword.cover(n.range)),
            ),
            name: group.name.as_ref().map(|n| n.text.clone()),
            hosts: group.hosts.iter().map(|h| (file, h.clone())).collect(),
            keys: group
                .keys
                .iter()
                .map(|k| Span::new(file, k.range))
                .collect(),
        };
        // `config` inside the group: the file's statements belong to it.
        for target in fragment_targets(group.range) {
            if config.files.contains(&target) {
                continue;
            }
            config.files.push(target);
            let Some(body) = cluster
                .file(target)
                .document
                .get::<crate::formats::csync2::Csync2Document>()
            else {
                continue;
            };
            config.statements.extend(statements(body, target, true));
            for inner in &body.groups {
                merged
                    .hosts
                    .extend(inner.hosts.iter().map(|h| (target, h.clone())));
                merged
                    .keys
                    .extend(inner.keys.iter().map(|k| Span::new(target, k.range)));
            }
        }
        config.groups.push(merged);
    }
    let targets: Vec<FileId> = includes
        .iter()
        .filter(|i| i.format == Format::CSYNC2 && !i.fragment)
        .flat_map(|i| i.targets.iter().copied())
        .collect();
    for target in targets {
        read_csync2(cluster, target, config);
    }
}

/// The statements of one file, each as words; a `fragment` (the inside of
/// a group) has no `group` line of its own.
fn statements(doc: &Csync2Document, file: FileId, fragment: bool) -> Vec<Statement> {
    let mut out = Vec::new();
    let mut push = |text: String, range| {
        out.push(Statement {
            text,
            span: Span::new(file, range),
        });
    };
    for statement in &doc.statements {
        let words: Vec<&str> = std::iter::once(statement.keyword.text.as_str())
            .chain(statement.args.iter().map(|a| a.text.as_str()))
            .collect();
        push(words.join(" "), statement.keyword.range);
    }
    for group in &doc.groups {
        let name = group.name.as_ref().map_or("", |n| n.text.as_str());
        if !fragment {
            push(format!("group {name}"), group.keyword);
        }
        for host in &group.hosts {
            let peer = host
                .peer
                .as_ref()
                .map(|p| format!("@{}", p.text))
                .unwrap_or_default();
            let text = if host.slave {
                format!("host ({}{peer})", host.name.text)
            } else {
                format!("host {}{peer}", host.name.text)
            };
            push(text, host.name.range);
        }
        let lists = [
            ("key", &group.keys),
            ("include", &group.includes),
            ("exclude", &group.excludes),
            ("compare", &group.compare),
            ("auto", &group.auto),
        ];
        for (keyword, values) in lists {
            for value in values {
                push(format!("{keyword} {}", value.text), value.range);
            }
        }
        for (keyword, value) in [
            ("backup-directory", &group.backup_directory),
            ("backup-generations", &group.backup_generations),
        ] {
            if let Some(value) = value {
                push(format!("{keyword} {}", value.text), value.range);
            }
        }
        for action in &group.actions {
            push("action".to_string(), action.range);
            for pattern in &action.patterns {
                push(format!("action pattern {}", pattern.text), pattern.range);
            }
            for exec in &action.exec {
                push(format!("action exec {}", exec.text), exec.range);
            }
            if let Some(logfile) = &action.logfile {
                push(format!("action logfile {}", logfile.text), logfile.range);
            }
            if action.do_local {
                push("action do-local".to_string(), action.range);
            }
            if action.do_local_only {
                push("action do-local-only".to_string(), action.range);
            }
        }
        if !fragment {
            push("}".to_string(), group.range);
        }
    }
    for include in &doc.includes {
        push(format!("config {}", include.text), include.range);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csync2_option_n() {
        let n = |line: &str| option_n(line.split_whitespace());
        assert_eq!(n("-i -N gluu1"), vec![Some("gluu1".to_string())]);
        assert_eq!(n("-iNGluu1"), vec![Some("gluu1".to_string())]);
        assert_eq!(n("-x -C prod -N $HOST"), vec![None]);
        assert_eq!(n("-C N -x"), Vec::<Option<String>>::new());
        assert_eq!(n("-x /etc -N late"), vec![Some("late".to_string())]);
        assert_eq!(n("-x -- -N late"), Vec::<Option<String>>::new());
        assert!(same_host_name("gluu1", "GLUU1.example.org"));
        assert!(!same_host_name("gluu1", "gluu10.example.org"));
        assert!(!same_host_name("gluu1.example.org", "gluu1.example.net"));
    }

    #[test]
    fn config_names() {
        assert_eq!(config_name("n/etc/csync2.cfg"), "");
        assert_eq!(config_name("n/etc/csync2.conf"), "");
        assert_eq!(config_name("n/etc/csync2_prod.cfg"), "prod");
    }
}
