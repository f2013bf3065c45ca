//! Deployment descriptors: the files that say how nodes are started rather
//! than how their programs are configured (Docker Compose files, `.env`
//! files, Dockerfiles, start scripts). They carry what a product reads
//! besides its own files: environment variables (`LIFERAY_*`,
//! `GATEWAY_OPTS`), command-line options (`redis-server --port 6391`) and
//! the names nodes answer to (compose services, `hostname:`, `links:`).
//!
//! Each descriptor is read into [`Launch`]es (a compose service, a
//! Dockerfile's image, a script's commands); `model/deployment.rs` says
//! which node each one starts.

pub mod format;

pub mod shell;
pub mod yaml;

use crate::formats::ParseError;
use crate::source::TextRange;

use shell::ShellCommand;
use yaml::Yaml;

/// What kind of descriptor a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DescriptorKind {
    Compose,
    Dockerfile,
    EnvFile,
    Script,
    /// supervisord's program list (`[program:x]` with `command=`).
    Supervisor,
    /// What starts csync2 as a service: a systemd unit (`csync2.service`,
    /// `csync2@.service`: its `ExecStart=` lines) or an xinetd service
    /// (`xinetd.d/csync2`: `server` with `server_args`).
    ServiceUnit,
}

impl DescriptorKind {
    /// The kind a file's name gives.
    #[must_use]
    pub fn of_name(name: &str) -> Option<Self> {
        let lower = name.to_ascii_lowercase();
        let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
        if yaml && (lower.starts_with("docker-compose") || lower.starts_with("compose")) {
            Some(Self::Compose)
        } else if lower == "dockerfile"
            || lower.starts_with("dockerfile.")
            || lower.ends_with(".dockerfile")
        {
            Some(Self::Dockerfile)
        } else if lower == ".env" || lower.ends_with(".env") {
            Some(Self::EnvFile)
        } else if (lower.ends_with(".sh") && lower != "setenv.sh")
            || (lower.starts_with("gateway.") && lower.ends_with(".start"))
        {
            // KAAZING's launcher is `bin/gateway.start`, and copies of it keep
            // the name's shape (`gateway.openshift.start`).
            Some(Self::Script)
        } else if lower == "supervisord.conf" {
            Some(Self::Supervisor)
        } else if lower.starts_with("csync2") && lower.ends_with(".service") {
            Some(Self::ServiceUnit)
        } else {
            None
        }
    }
}

/// Whether a file of this name describes a deployment (compose files,
/// Dockerfiles, `.env` files); scripts are not counted, being everywhere.
#[must_use]
pub fn is_descriptor_name(name: &str) -> bool {
    matches!(
        DescriptorKind::of_name(name),
        Some(DescriptorKind::Compose | DescriptorKind::Dockerfile | DescriptorKind::EnvFile)
    ) || name.eq_ignore_ascii_case("vagrantfile")
}

/// Whether a YAML file's text is a Docker Compose file whatever its name:
/// a top-level `services:`, or (the version 1 format) top-level entries
/// each holding an `image:` or `build:`.
#[must_use]
pub fn looks_like_compose(text: &str) -> bool {
    if text.lines().any(|l| l.trim_end() == "services:") {
        return true;
    }
    let (Some(Yaml::Mapping(entries)), _) = yaml::parse(text) else {
        return false;
    };
    !entries.is_empty()
        && entries
            .iter()
            .any(|(_, v)| v.get("image").is_some() || v.get("build").is_some())
        && entries
            .iter()
            .filter(|(k, _)| !k.text.starts_with("x-") && k.text != "version")
            .all(|(_, v)| matches!(v, Yaml::Mapping(_)))
}

/// A text and where it is written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text {
    pub value: String,
    pub range: TextRange,
}

/// An environment variable set for a process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvVar {
    pub name: Text,
    /// `None` for a name alone (compose passes the caller's value).
    pub value: Option<Text>,
}

/// A bind mount or volume: where it comes from, where it lands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    pub source: Text,
    pub target: Text,
}

/// How one process or container is started.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Launch {
    /// The compose service's name.
    pub service: Option<Text>,
    pub hostname: Option<Text>,
    pub container_name: Option<Text>,
    /// Other names other services reach it by (network aliases).
    pub aliases: Vec<Text>,
    /// `links:`: a service, and the name it is reached by from here.
    pub links: Vec<(Text, Option<Text>)>,
    pub image: Option<Text>,
    /// The build context folder and Dockerfile, relative to the file.
    pub build: Option<(Text, Option<Text>)>,
    pub env: Vec<EnvVar>,
    pub env_files: Vec<Text>,
    pub commands: Vec<ShellCommand>,
    pub mounts: Vec<Mount>,
    /// URLs a Dockerfile downloads or adds from (what they name tells the
    /// product's edition and version).
    pub mentions: Vec<Text>,
    /// Fixed addresses on its networks (`ipv4_address`, `ipv6_address`).
    pub addresses: Vec<Text>,
}

/// A parsed descriptor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeploymentDocument {
    pub kind: DescriptorKind,
    pub launches: Vec<Launch>,
    pub errors: Vec<ParseError>,
}

/// A folder or file of the cluster a compose service mounts or builds
/// from: the service reads it, at `target` in its file system (`None` for
/// a build context, copied in by its Dockerfile).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    pub service: String,
    /// A cluster path: the file, or the folder all of whose files it takes.
    pub source: String,
    pub folder: bool,
    /// The absolute path it is mounted at.
    pub target: Option<String>,
    /// The cluster path of the compose file.
    pub compose: String,
    /// Absolute paths the service's command line names
    /// (`stunnel /etc/stunnel/srv.conf`): of the files of a mounted
    /// folder, the ones it runs.
    pub named: Vec<String>,
    /// The highest folder the relative path passes through (`../../x`
    /// climbs above the compose file's folder): a cluster holding the
    /// claim holds this folder.
    pub reach: String,
}

/// What the services of the compose file at cluster path `compose` mount
/// or build from the cluster's files (`sorted_paths`): bind mounts of
/// relative paths (`./conf/redis-master.conf:/etc/redis.conf`) and build
/// contexts. Named volumes, absolute host paths and paths with variables
/// claim nothing.
#[must_use]
pub fn claims(compose: &str, doc: &DeploymentDocument, sorted_paths: &[String]) -> Vec<Claim> {
    let folder = compose.rsplit_once('/').map_or("", |(f, _)| f);
    let exists_file = |p: &str| sorted_paths.binary_search_by(|x| x.as_str().cmp(p)).is_ok();
    let exists_folder = |p: &str| {
        let prefix = format!("{p}/");
        let at = sorted_paths.partition_point(|x| x.as_str() < prefix.as_str());
        sorted_paths.get(at).is_some_and(|x| x.starts_with(&prefix))
    };
    let mut out = Vec::new();
    for launch in &doc.launches {
        // A service named by a variable (`${site}:`) has no name yet.
        let Some(service) = launch.service.as_ref().filter(|s| !s.value.contains('$')) else {
            continue;
        };
        let named: Vec<String> = launch
            .commands
            .iter()
            .flat_map(|c| &c.words)
            .filter(|w| w.value.starts_with('/'))
            .map(|w| w.value.clone())
            .collect();
        let sources = launch
            .mounts
            .iter()
            .map(|m| (&m.source.value, Some(m.target.value.clone())))
            .chain(
                launch
                    .build
                    .iter()
                    .map(|(context, _)| (&context.value, None)),
            );
        for (source, target) in sources {
            let relative = source.starts_with("./") || source.starts_with("../") || source == ".";
            if !relative || source.contains('$') {
                continue;
            }
            let Some((path, reach)) = join_within(folder, source) else {
                continue;
            };
            // The compose file's own folder or one above it is the whole
            // project, not one service's files.
            if path.is_empty() || folder == path || folder.starts_with(&format!("{path}/")) {
                continue;
            }
            let target = target.map(|t| t.split(':').next().unwrap_or(&t).to_string());
            if exists_file(&path) {
                out.push(Claim {
                    service: service.value.clone(),
                    source: path,
                    folder: false,
                    target,
                    reach,
                    compose: compose.to_string(),
                    named: named.clone(),
                });
            } else if exists_folder(&path) {
                out.push(Claim {
                    service: service.value.clone(),
                    source: path,
                    folder: true,
                    target,
                    reach,
                    compose: compose.to_string(),
                    named: named.clone(),
                });
            }
        }
    }
    out
}

/// Where a claimed cluster file lies in its container: the target of a
/// file mount, or the file's place below a mounted folder's target.
#[must_use]
pub fn place_in_container(claims: &[Claim], path: &str) -> Option<String> {
    claims.iter().find_map(|claim| {
        let target = claim.target.as_deref()?;
        if !claim.folder {
            return (claim.source == path).then(|| target.to_string());
        }
        let rest = path
            .strip_prefix(claim.source.as_str())?
            .strip_prefix('/')?;
        Some(format!("{}/{rest}", target.trim_end_matches('/')))
    })
}

/// The services of a compose document that run the Liferay portal,
/// configured or not by files of the cluster: an image of the portal
/// (`liferay/dxp`, `liferay/portal`, `liferaycloud/liferay-dxp`), or
/// `LIFERAY_*` variables (the portal image's way of taking properties).
#[must_use]
pub fn portal_services(doc: &DeploymentDocument) -> Vec<String> {
    let portal_image = |image: &str| {
        let lower = image.to_ascii_lowercase();
        let repository = lower.split(':').next().unwrap_or(&lower);
        let repository = repository.strip_prefix("docker.io/").unwrap_or(repository);
        matches!(
            repository,
            "liferay/dxp" | "liferay/portal" | "liferay/commerce" | "liferaycloud/liferay-dxp"
        )
    };
    doc.launches
        .iter()
        .filter(|launch| {
            launch
                .image
                .as_ref()
                .is_some_and(|i| portal_image(&i.value))
                || launch
                    .env
                    .iter()
                    .any(|v| v.name.value.starts_with("LIFERAY_"))
        })
        .filter_map(|launch| launch.service.as_ref())
        .filter(|service| !service.value.contains('$'))
        .map(|service| service.value.clone())
        .collect()
}

/// Whether a file called `name` may be a compose file: a compose name, or
/// any YAML file (recipes and overrides have names of their own; the text
/// decides, see [`looks_like_compose`]).
#[must_use]
pub fn may_be_compose(name: &str) -> bool {
    if let Some(kind) = DescriptorKind::of_name(name) {
        return kind == DescriptorKind::Compose;
    }
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".yml") || lower.ends_with(".yaml")
}

/// The claims of the file at cluster path `path` with text `text`, if it
/// is a compose file (see [`claims`]).
#[must_use]
pub fn compose_claims(path: &str, text: &str, sorted_paths: &[String]) -> Vec<Claim> {
    compose_services(path, text, sorted_paths).0
}

/// The claims of a compose file (see [`claims`]) and its services that run
/// the portal (see [`portal_services`]); nothing if the text is no compose
/// file.
#[must_use]
pub fn compose_services(
    path: &str,
    text: &str,
    sorted_paths: &[String],
) -> (Vec<Claim>, Vec<String>) {
    if !looks_like_compose(text) {
        return (Vec::new(), Vec::new());
    }
    let doc = parse(DescriptorKind::Compose, text);
    (claims(path, &doc, sorted_paths), portal_services(&doc))
}

/// `folder/relative` with `.` and `..` resolved, and the highest folder
/// on the way; `None` above the root.
fn join_within(folder: &str, relative: &str) -> Option<(String, String)> {
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    let mut highest = parts.len();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
                highest = highest.min(parts.len());
            }
            other => parts.push(other),
        }
    }
    let reach = folder
        .split('/')
        .filter(|p| !p.is_empty())
        .take(highest)
        .collect::<Vec<_>>()
        .join("/");
    Some((parts.join("/"), reach))
}

/// The names a launch brings onto its networks: its service, host and
/// container names, its aliases, and the services it links with their
/// link aliases.
pub fn network_names(launch: &Launch) -> impl Iterator<Item = &Text> {
    launch
        .service
        .iter()
        .chain(&launch.hostname)
        .chain(&launch.container_name)
        .chain(&launch.aliases)
        .chain(
            launch
                .links
                .iter()
                .flat_map(|(t, a)| std::iter::once(t).chain(a)),
        )
}

/// Every text a launch holds (for range invariants and secret marking).
pub fn texts(launch: &Launch) -> impl Iterator<Item = &Text> {
    network_names(launch)
        .chain(&launch.image)
        .chain(
            launch
                .build
                .iter()
                .flat_map(|(c, d)| std::iter::once(c).chain(d)),
        )
        .chain(
            launch
                .env
                .iter()
                .flat_map(|e| std::iter::once(&e.name).chain(&e.value)),
        )
        .chain(&launch.env_files)
        .chain(launch.commands.iter().flat_map(|c| {
            c.assignments
                .iter()
                .flat_map(|(n, v)| [n, v])
                .chain(&c.words)
        }))
        .chain(launch.mounts.iter().flat_map(|m| [&m.source, &m.target]))
        .chain(&launch.mentions)
        .chain(&launch.addresses)
}

/// Parses a descriptor of `kind`.
#[must_use]
pub fn parse(kind: DescriptorKind, text: &str) -> DeploymentDocument {
    let (launches, errors) = match kind {
        DescriptorKind::Compose => compose(text),
        DescriptorKind::Dockerfile => (vec![dockerfile(text)], Vec::new()),
        DescriptorKind::EnvFile => (vec![env_file(text)], Vec::new()),
        DescriptorKind::Script => (vec![script(text)], Vec::new()),
        DescriptorKind::Supervisor => (vec![supervisor(text)], Vec::new()),
        DescriptorKind::ServiceUnit => (vec![service_unit(text)], Vec::new()),
    };
    DeploymentDocument {
        kind,
        launches,
        errors,
    }
}

fn text_of(scalar: &yaml::Scalar) -> Text {
    Text {
        value: scalar.text.clone(),
        range: scalar.range,
    }
}

/// Top-level keys of a compose file that are not services.
const COMPOSE_TOP: &[&str] = &[
    "version", "services", "networks", "volumes", "secrets", "configs", "include", "name",
];

fn compose(text: &str) -> (Vec<Launch>, Vec<ParseError>) {
    let (tree, errors) = yaml::parse(text);
    let Some(tree) = tree else {
        return (Vec::new(), errors);
    };
    // Version 1 files list the services at the top.
    let services: Vec<&(yaml::Scalar, Yaml)> = match tree.get("services") {
        Some(services) => services.entries().iter().collect(),
        None => tree
            .entries()
            .iter()
            .filter(|(k, v)| {
                !COMPOSE_TOP.contains(&k.text.as_str())
                    && !k.text.starts_with("x-")
                    && matches!(v, Yaml::Mapping(_))
            })
            .collect(),
    };
    let launches = services
        .into_iter()
        .map(|(name, service)| compose_service(name, service, text))
        .collect();
    (launches, errors)
}

fn compose_service(name: &yaml::Scalar, service: &Yaml, text: &str) -> Launch {
    let scalar = |key: &str| service.get(key).and_then(Yaml::as_scalar).map(text_of);
    let mut launch = Launch {
        service: Some(text_of(name)),
        hostname: scalar("hostname"),
        container_name: scalar("container_name"),
        image: scalar("image"),
        ..Launch::default()
    };
    match service.get("build") {
        Some(Yaml::Scalar(context)) => launch.build = Some((text_of(context), None)),
        Some(build @ Yaml::Mapping(_)) => {
            let context = build
                .get("context")
                .and_then(Yaml::as_scalar)
                .map_or_else(Text::default, text_of);
            let dockerfile = build
                .get("dockerfile")
                .and_then(Yaml::as_scalar)
                .map(text_of);
            launch.build = Some((context, dockerfile));
        }
        _ => {}
    }
    match service.get("environment") {
        Some(Yaml::Mapping(entries)) => {
            for (key, value) in entries {
                // A null value passes the caller's variable on.
                let value = value
                    .as_scalar()
                    .filter(|v| !v.plain || !matches!(v.text.as_str(), "" | "null" | "~"));
                launch.env.push(EnvVar {
                    name: text_of(key),
                    value: value.map(text_of),
                });
            }
        }
        Some(Yaml::Sequence(items)) => {
            for item in items.iter().filter_map(Yaml::as_scalar) {
                launch
                    .env
                    .push(env_assignment(&item.text, item.range.start));
            }
        }
        _ => {}
    }
    match service.get("env_file") {
        Some(Yaml::Scalar(file)) => launch.env_files.push(text_of(file)),
        Some(Yaml::Sequence(items)) => {
            for item in items {
                let file = match item {
                    Yaml::Scalar(file) => Some(file),
                    other => other.get("path").and_then(Yaml::as_scalar),
                };
                launch.env_files.extend(file.map(text_of));
            }
        }
        _ => {}
    }
    // The entrypoint runs the command as its arguments.
    let mut words: Vec<Text> = Vec::new();
    for key in ["entrypoint", "command"] {
        match service.get(key) {
            Some(Yaml::Scalar(line)) => {
                let offset = line.range.start;
                let source = text.get(line.range.as_usize()).unwrap_or("");
                let split = if source == line.text {
                    shell::commands(&line.text, offset)
                } else {
                    // Escapes or folding: the words, placed at the value.
                    shell::commands(&line.text, 0)
                        .into_iter()
                        .map(|mut c| {
                            for w in &mut c.words {
                                w.range = line.range;
                            }
                            c
                        })
                        .collect()
                };
                for command in split {
                    words.extend(command.words);
                }
            }
            Some(Yaml::Sequence(items)) => {
                words.extend(items.iter().filter_map(Yaml::as_scalar).map(text_of));
            }
            _ => {}
        }
    }
    launch.commands = expand_shell_c(words);
    for volume in service.get("volumes").map(Yaml::items).unwrap_or_default() {
        match volume {
            Yaml::Scalar(short) => {
                let mut parts = short.text.splitn(3, ':');
                let (Some(source), Some(target)) = (parts.next(), parts.next()) else {
                    continue;
                };
                let start = short.range.start;
                launch.mounts.push(Mount {
                    source: Text {
                        value: source.to_string(),
                        range: TextRange::new(start, start + source.len() as u32),
                    },
                    target: Text {
                        value: target.to_string(),
                        range: short.range,
                    },
                });
            }
            long @ Yaml::Mapping(_) => {
                if let (Some(source), Some(target)) = (
                    long.get("source").and_then(Yaml::as_scalar),
                    long.get("target").and_then(Yaml::as_scalar),
                ) {
                    launch.mounts.push(Mount {
                        source: text_of(source),
                        target: text_of(target),
                    });
                }
            }
            Yaml::Sequence(_) => {}
        }
    }
    for link in service.get("links").map(Yaml::items).unwrap_or_default() {
        let Some(link) = link.as_scalar() else {
            continue;
        };
        let (target, alias) = match link.text.split_once(':') {
            Some((t, a)) => (t, Some(a)),
            None => (link.text.as_str(), None),
        };
        launch.links.push((
            Text {
                value: target.to_string(),
                range: link.range,
            },
            alias.map(|a| Text {
                value: a.to_string(),
                range: link.range,
            }),
        ));
    }
    if let Some(networks @ Yaml::Mapping(_)) = service.get("networks") {
        for (_, network) in networks.entries() {
            for alias in network.get("aliases").map(Yaml::items).unwrap_or_default() {
                launch.aliases.extend(alias.as_scalar().map(text_of));
            }
            for key in ["ipv4_address", "ipv6_address"] {
                launch
                    .addresses
                    .extend(network.get(key).and_then(Yaml::as_scalar).map(text_of));
            }
        }
    }
    launch
}

/// `sh -c "a && b"`: the commands of the string, where the words run one.
fn expand_shell_c(words: Vec<Text>) -> Vec<ShellCommand> {
    let is_shell = |w: &Text| {
        let name = w.value.rsplit('/').next().unwrap_or(&w.value);
        matches!(name, "sh" | "bash" | "ash" | "dash")
    };
    if words.len() >= 3 && is_shell(&words[0]) && words[1].value == "-c" {
        let script = &words[2];
        return shell::commands(&script.value, 0)
            .into_iter()
            .map(|mut c| {
                for w in c
                    .words
                    .iter_mut()
                    .chain(c.assignments.iter_mut().flat_map(|(n, v)| [n, v]))
                {
                    w.range = script.range;
                }
                c
            })
            .collect();
    }
    if words.is_empty() {
        Vec::new()
    } else {
        vec![ShellCommand {
            assignments: Vec::new(),
            words,
        }]
    }
}

/// `NAME=value` (or `NAME` alone) written at `offset`.
fn env_assignment(text: &str, offset: u32) -> EnvVar {
    match text.split_once('=') {
        Some((name, value)) => {
            let value_start = offset + name.len() as u32 + 1;
            EnvVar {
                name: Text {
                    value: name.trim().to_string(),
                    range: TextRange::new(offset, offset + name.len() as u32),
                },
                value: Some(Text {
                    value: value.to_string(),
                    range: TextRange::new(value_start, value_start + value.len() as u32),
                }),
            }
        }
        None => EnvVar {
            name: Text {
                value: text.trim().to_string(),
                range: TextRange::new(offset, offset + text.len() as u32),
            },
            value: None,
        },
    }
}

/// Physical lines joined where they end in `\`, each logical line with
/// its start offset; comment lines (`#`) dropped.
fn logical_lines(text: &str) -> Vec<(String, Vec<(usize, u32)>)> {
    let mut out = Vec::new();
    let mut current = String::new();
    // (offset in `current`, offset in the file) for each piece.
    let mut pieces: Vec<(usize, u32)> = Vec::new();
    let mut at = 0usize;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        if current.is_empty() && body.trim_start().starts_with('#') {
            continue;
        }
        let (body, continues) = match body.strip_suffix('\\') {
            Some(b) => (b, true),
            None => (body, false),
        };
        pieces.push((current.len(), start as u32));
        current.push_str(body);
        if continues {
            current.push(' ');
        } else {
            out.push((std::mem::take(&mut current), std::mem::take(&mut pieces)));
        }
    }
    if !current.is_empty() {
        out.push((current, pieces));
    }
    out
}

/// The file offset of byte `i` of a logical line.
fn offset_in(pieces: &[(usize, u32)], i: usize) -> u32 {
    let piece = pieces
        .iter()
        .rev()
        .find(|(from, _)| *from <= i)
        .copied()
        .unwrap_or((0, 0));
    piece.1 + (i - piece.0) as u32
}

fn dockerfile(text: &str) -> Launch {
    let mut launch = Launch::default();
    for (line, pieces) in logical_lines(text) {
        let trimmed = line.trim_start();
        let lead = line.len() - trimmed.len();
        let (instruction, rest) = trimmed
            .split_once(char::is_whitespace)
            .unwrap_or((trimmed, ""));
        let rest_start =
            lead + instruction.len() + (trimmed.len() - instruction.len() - rest.len());
        let rest_offset = offset_in(&pieces, rest_start);
        match instruction.to_ascii_uppercase().as_str() {
            "FROM" => {
                let image = rest.split_whitespace().next().unwrap_or("");
                launch.image = Some(Text {
                    value: image.to_string(),
                    range: TextRange::new(rest_offset, rest_offset + image.len() as u32),
                });
            }
            "ENV" => {
                let words = shell::commands(rest, rest_offset);
                let words: Vec<Text> = words
                    .into_iter()
                    .flat_map(|c| {
                        c.assignments
                            .into_iter()
                            .map(|(n, v)| Text {
                                value: format!("{}={}", n.value, v.value),
                                range: TextRange::new(n.range.start, v.range.end),
                            })
                            .chain(c.words)
                    })
                    .collect();
                if words.iter().all(|w| w.value.contains('=')) {
                    for word in words {
                        let (name, value) = word.value.split_once('=').unwrap_or_default();
                        let value_start = word.range.start + name.len() as u32 + 1;
                        launch.env.push(EnvVar {
                            name: Text {
                                value: name.to_string(),
                                range: TextRange::new(
                                    word.range.start,
                                    word.range.start + name.len() as u32,
                                ),
                            },
                            value: Some(Text {
                                value: value.to_string(),
                                range: TextRange::new(
                                    value_start.min(word.range.end),
                                    word.range.end,
                                ),
                            }),
                        });
                    }
                } else if let Some((name, value)) = rest.trim().split_once(char::is_whitespace) {
                    // `ENV NAME value with spaces`
                    let value = value.trim();
                    let value_at = rest.find(value).unwrap_or(0);
                    let name_at = rest.find(name).unwrap_or(0);
                    launch.env.push(EnvVar {
                        name: Text {
                            value: name.to_string(),
                            range: TextRange::new(
                                rest_offset + name_at as u32,
                                rest_offset + (name_at + name.len()) as u32,
                            ),
                        },
                        value: Some(Text {
                            value: unquote(value),
                            range: TextRange::new(
                                rest_offset + value_at as u32,
                                rest_offset + (value_at + value.len()) as u32,
                            ),
                        }),
                    });
                }
            }
            "RUN" | "ADD" | "COPY" => {
                for command in shell::commands(rest, rest_offset) {
                    launch.mentions.extend(
                        command
                            .words
                            .into_iter()
                            .filter(|w| w.value.contains("://")),
                    );
                }
            }
            "CMD" | "ENTRYPOINT" => {
                let rest_trim = rest.trim();
                let words: Vec<Text> = if rest_trim.starts_with('[') {
                    // The exec form: a JSON array of strings.
                    serde_json::from_str::<Vec<String>>(rest_trim)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|w| Text {
                            value: w,
                            range: TextRange::new(rest_offset, rest_offset + rest.len() as u32),
                        })
                        .collect()
                } else {
                    shell::commands(rest, rest_offset)
                        .into_iter()
                        .flat_map(|c| c.words)
                        .collect()
                };
                launch.commands.extend(expand_shell_c(words));
            }
            _ => {}
        }
    }
    launch
}

fn unquote(value: &str) -> String {
    let v = value.trim();
    if v.len() >= 2
        && (v.starts_with('"') && v.ends_with('"') || v.starts_with('\'') && v.ends_with('\''))
    {
        v[1..v.len() - 1].to_string()
    } else {
        v.to_string()
    }
}

fn env_file(text: &str) -> Launch {
    let mut launch = Launch::default();
    let mut at = 0u32;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len() as u32;
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let lead = (body.len() - trimmed.len()) as u32;
        let (skip, assignment) = match trimmed.strip_prefix("export ") {
            Some(rest) => (7, rest),
            None => (0, trimmed),
        };
        let mut var = env_assignment(assignment, start + lead + skip);
        if let Some(value) = &mut var.value {
            value.value = unquote(&value.value);
        }
        if var.value.is_some() {
            launch.env.push(var);
        }
    }
    launch
}

/// supervisord's `[program:x]` sections: each `command=` line (and the
/// indented lines continuing it) is a command line.
/// A systemd unit's `ExecStart=` (and `ExecStartPre=`, `ExecStartPost=`)
/// command lines, their `-@:+!` prefixes dropped; an xinetd service's
/// `server` with its `server_args`. Each on one line (no continuations).
fn service_unit(text: &str) -> Launch {
    let mut launch = Launch::default();
    let mut at = 0u32;
    let mut server: Option<Text> = None;
    let mut server_args: Option<(String, u32)> = None;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len() as u32;
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start();
        if trimmed.starts_with(['#', ';']) {
            continue;
        }
        let Some((key, value)) = body.split_once('=') else {
            continue;
        };
        let key = key.trim();
        let mut value_start = start + body.len() as u32 - value.len() as u32;
        let lead = value.len() - value.trim_start().len();
        value_start += lead as u32;
        let value = value.trim();
        match key {
            "ExecStart" | "ExecStartPre" | "ExecStartPost" => {
                let command = value.trim_start_matches(['-', '@', ':', '+', '!']);
                let skipped = (value.len() - command.len()) as u32;
                launch
                    .commands
                    .extend(shell::commands(command, value_start + skipped));
            }
            "server" => {
                server = Some(Text {
                    value: value.to_string(),
                    range: TextRange::new(value_start, value_start + value.len() as u32),
                });
            }
            "server_args" => server_args = Some((value.to_string(), value_start)),
            _ => {}
        }
    }
    if let Some(server) = server {
        let mut command = shell::ShellCommand {
            words: vec![server],
            ..shell::ShellCommand::default()
        };
        if let Some((args, offset)) = server_args {
            for parsed in shell::commands(&args, offset) {
                command
                    .words
                    .extend(parsed.assignments.into_iter().map(|(n, _)| n));
                command.words.extend(parsed.words);
            }
        }
        launch.commands.push(command);
    }
    launch
}

fn supervisor(text: &str) -> Launch {
    let mut launch = Launch::default();
    let mut in_program = false;
    let mut at = 0u32;
    let mut lines = text.split_inclusive('\n').peekable();
    while let Some(line) = lines.next() {
        let start = at;
        at += line.len() as u32;
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim();
        if trimmed.starts_with('[') {
            in_program = trimmed.starts_with("[program:");
            continue;
        }
        if !in_program || trimmed.starts_with([';', '#']) {
            continue;
        }
        let Some((key, value)) = body.split_once('=') else {
            continue;
        };
        if key.trim() != "command" {
            continue;
        }
        let value_start = start + key.len() as u32 + 1;
        let mut command = value.to_string();
        // Continuation lines are indented.
        while let Some(next) = lines.peek() {
            if !next.starts_with([' ', '\t']) || next.trim().is_empty() {
                break;
            }
            at += next.len() as u32;
            command.push(' ');
            command.push_str(next.trim_end_matches(['\n', '\r']));
            lines.next();
        }
        // Offsets hold for the first line; words past it point at it.
        let first_len = value.len() as u32;
        for mut parsed in shell::commands(&command, value_start) {
            for word in &mut parsed.words {
                if word.range.end > value_start + first_len {
                    word.range = TextRange::new(value_start, value_start + first_len);
                }
            }
            launch.commands.push(parsed);
        }
    }
    launch
}

fn script(text: &str) -> Launch {
    let mut launch = Launch::default();
    for command in shell::commands(text, 0) {
        if command.words.is_empty() {
            for (name, value) in &command.assignments {
                launch.env.push(EnvVar {
                    name: name.clone(),
                    value: Some(value.clone()),
                });
            }
        } else {
            launch.commands.push(command);
        }
    }
    launch
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_services_both_formats() {
        let v1 = "cloud:\n  build: dockerized.gateway\n  hostname: gateway.example.com\n  environment: \n    GATEWAY_OPTS: -Dproxy.to.logical.port=9000 -Dreverse.connection.port=9001\n  command: gateway.start --config conf/kwic-cloud-gateway-config.xml\nonpremise:\n  build: dockerized.gateway\n  links:\n    - cloud:gateway.example.com\n";
        assert!(looks_like_compose(v1));
        let doc = parse(DescriptorKind::Compose, v1);
        assert_eq!(doc.launches.len(), 2);
        let cloud = &doc.launches[0];
        assert_eq!(cloud.service.as_ref().unwrap().value, "cloud");
        assert_eq!(cloud.env[0].name.value, "GATEWAY_OPTS");
        let opts = cloud.env[0].value.as_ref().unwrap();
        assert!(opts.range.slice(v1).starts_with("-Dproxy"));
        let words: Vec<&str> = cloud.commands[0]
            .words
            .iter()
            .map(|w| w.value.as_str())
            .collect();
        assert_eq!(
            words,
            [
                "gateway.start",
                "--config",
                "conf/kwic-cloud-gateway-config.xml"
            ]
        );
        assert_eq!(
            doc.launches[1].links[0].1.as_ref().unwrap().value,
            "gateway.example.com"
        );

        let v3 = "services:\n  site-a:\n    command: sh -c \"redis-server --requirepass ${pw} && stunnel /stunnel.conf\"\n    environment:\n      - LIFERAY_A_PERIOD_B=1\n    volumes:\n      - ./site-a/stunnel.conf:/stunnel.conf\n";
        let doc = parse(DescriptorKind::Compose, v3);
        let site = &doc.launches[0];
        assert_eq!(site.commands.len(), 2);
        assert_eq!(site.commands[0].words[0].value, "redis-server");
        assert_eq!(site.env[0].value.as_ref().unwrap().range.slice(v3), "1");
        assert_eq!(site.mounts[0].source.value, "./site-a/stunnel.conf");
        assert!(!looks_like_compose("- hosts: all\n  roles: [x]\n"));

        let text = "services:\n  redis-master:\n    volumes: [\"./conf/redis-master.conf:/etc/redis.conf:ro\", \"data:/data\"]\n  web:\n    build: ./web\n  all:\n    build: .\n";
        let doc = parse(DescriptorKind::Compose, text);
        let paths: Vec<String> = [
            "deploy/conf/redis-master.conf",
            "deploy/docker-compose.yml",
            "deploy/web/nginx.conf",
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        let found = claims("deploy/docker-compose.yml", &doc, &paths);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].source, "deploy/conf/redis-master.conf");
        assert_eq!(found[0].target.as_deref(), Some("/etc/redis.conf"));
        assert!(found[1].folder && found[1].source == "deploy/web");
    }

    #[test]
    fn dockerfiles_env_files_and_scripts() {
        let text = "FROM liferay/dxp:7.4.13-u77\nENV LIFERAY_A_PERIOD_B true\nENV X=1 \\\n    Y=\"two words\"\nCMD [\"gateway.start\"]\n";
        let launch = &parse(DescriptorKind::Dockerfile, text).launches[0];
        assert_eq!(
            launch.image.as_ref().unwrap().value,
            "liferay/dxp:7.4.13-u77"
        );
        let env: Vec<(&str, &str)> = launch
            .env
            .iter()
            .map(|e| {
                (
                    e.name.value.as_str(),
                    e.value.as_ref().unwrap().value.as_str(),
                )
            })
            .collect();
        assert_eq!(
            env,
            [
                ("LIFERAY_A_PERIOD_B", "true"),
                ("X", "1"),
                ("Y", "two words")
            ]
        );
        assert_eq!(
            launch.env[0].value.as_ref().unwrap().range.slice(text),
            "true"
        );
        assert_eq!(launch.commands[0].words[0].value, "gateway.start");

        let text = "# db\nMYSQL_ROOT_PASSWORD=secret\nexport B='x'\n";
        let launch = &parse(DescriptorKind::EnvFile, text).launches[0];
        assert_eq!(launch.env.len(), 2);
        assert_eq!(
            launch.env[0].value.as_ref().unwrap().range.slice(text),
            "secret"
        );
        assert_eq!(launch.env[1].value.as_ref().unwrap().value, "x");

        let text = "[supervisord]\nnodaemon=true\n[program:primary-6379]\ndirectory=/data/Basic\ncommand=/usr/local/bin/redis-server /data/Basic/primary-6379.conf\n[program:sentinel-26379]\ncommand=/usr/local/bin/redis-server /data/Sentinel/sentinel-26379.conf\n  --sentinel\n";
        let launch = &parse(DescriptorKind::Supervisor, text).launches[0];
        let words: Vec<Vec<&str>> = launch
            .commands
            .iter()
            .map(|c| c.words.iter().map(|w| w.value.as_str()).collect())
            .collect();
        assert_eq!(
            words[0],
            [
                "/usr/local/bin/redis-server",
                "/data/Basic/primary-6379.conf"
            ]
        );
        assert_eq!(words[1][2], "--sentinel");
        assert_eq!(
            launch.commands[0].words[1].range.slice(text),
            "/data/Basic/primary-6379.conf"
        );
    }

    #[test]
    fn csync2_service_units() {
        let unit = "[Service]\nExecStart=-/usr/sbin/csync2 -i -v -N gluu1\nStandardInput=socket\n";
        let launch = &parse(DescriptorKind::ServiceUnit, unit).launches[0];
        let words: Vec<&str> = launch.commands[0]
            .words
            .iter()
            .map(|w| w.value.as_str())
            .collect();
        assert_eq!(words, ["/usr/sbin/csync2", "-i", "-v", "-N", "gluu1"]);
        let w = &launch.commands[0].words[4];
        assert_eq!(&unit[w.range.start as usize..w.range.end as usize], "gluu1");
        let xinetd = "service csync2\n{\n\tserver\t\t= /usr/sbin/csync2\n\tserver_args\t= -i -l -N gluu2\n}\n";
        let launch = &parse(DescriptorKind::ServiceUnit, xinetd).launches[0];
        let words: Vec<&str> = launch.commands[0]
            .words
            .iter()
            .map(|w| w.value.as_str())
            .collect();
        assert_eq!(words, ["/usr/sbin/csync2", "-i", "-l", "-N", "gluu2"]);
        let w = &launch.commands[0].words[0];
        assert_eq!(
            &xinetd[w.range.start as usize..w.range.end as usize],
            "/usr/sbin/csync2"
        );
        assert_eq!(
            DescriptorKind::of_name("csync2@.service"),
            Some(DescriptorKind::ServiceUnit)
        );
        assert_eq!(DescriptorKind::of_name("nginx.service"), None);
    }
}
