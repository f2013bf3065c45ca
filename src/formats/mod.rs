//! One parser per file format. Parsers know nothing of rules: each turns text
//! into a spanned document plus located [`ParseError`]s, and never fails.

pub mod csync2;
pub mod csync2_key;
pub mod decode;
pub mod hosts;
pub mod kaazing_schema;
pub mod nginx;
pub mod osgi_config;
pub mod pem;
pub mod properties;
pub mod redis;
pub mod setenv;
pub mod stunnel;
pub mod xml;

use std::borrow::Cow;
use std::fmt;

use crate::source::TextRange;

/// The file formats clusterlint knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// `portal-ext.properties` and other `portal-*.properties`.
    LiferayProperties,
    /// OSGi typed `.config` (Felix `ConfigurationHandler` format).
    OsgiConfig,
    /// OSGi `.cfg` (plain properties) under `osgi/configs`.
    OsgiCfg,
    /// Tomcat `setenv.sh`.
    TomcatSetenv,
    /// Gluu `setup.properties`.
    GluuSetup,
    /// KAAZING gateway XML.
    KaazingXml,
    Nginx,
    Redis,
    Stunnel,
    Csync2,
    /// `/etc/hosts`.
    Hosts,
    /// A PEM certificate or key a stunnel configuration points at.
    Pem,
    /// A csync2 pre-shared key file a csync2 group points at.
    Csync2Key,
    /// A Docker Compose file (deployment: services, environment, commands).
    Compose,
    /// A Dockerfile (deployment: the image's environment and command).
    Dockerfile,
    /// An environment file (`.env`, compose `env_file`).
    EnvFile,
    /// A start script (`start.sh`, `docker-entrypoint.sh`).
    ShellScript,
    /// supervisord's program list (`supervisord.conf`).
    Supervisor,
    /// A Gradle project's `gradle.properties` (a Liferay Workspace's
    /// product and bundle).
    GradleProperties,
}

impl Format {
    pub const ALL: [Self; 19] = [
        Self::LiferayProperties,
        Self::OsgiConfig,
        Self::OsgiCfg,
        Self::TomcatSetenv,
        Self::GluuSetup,
        Self::KaazingXml,
        Self::Nginx,
        Self::Redis,
        Self::Stunnel,
        Self::Csync2,
        Self::Hosts,
        Self::Pem,
        Self::Csync2Key,
        Self::Compose,
        Self::Dockerfile,
        Self::EnvFile,
        Self::ShellScript,
        Self::Supervisor,
        Self::GradleProperties,
    ];

    /// The name used in `clusterlint.toml` `[files]` and in `--verbose` output.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::LiferayProperties => "liferay-properties",
            Self::OsgiConfig => "osgi-config",
            Self::OsgiCfg => "osgi-cfg",
            Self::TomcatSetenv => "tomcat-setenv",
            Self::GluuSetup => "gluu-setup",
            Self::KaazingXml => "kaazing-xml",
            Self::Nginx => "nginx",
            Self::Redis => "redis",
            Self::Stunnel => "stunnel",
            Self::Csync2 => "csync2",
            Self::Hosts => "hosts",
            Self::Pem => "pem",
            Self::Csync2Key => "csync2-key",
            Self::Compose => "compose",
            Self::Dockerfile => "dockerfile",
            Self::EnvFile => "env-file",
            Self::ShellScript => "shell-script",
            Self::Supervisor => "supervisor",
            Self::GradleProperties => "gradle-properties",
        }
    }

    /// Whether files of this format say how nodes are started rather than
    /// configure a program: they attach to nodes, and never make one.
    #[must_use]
    pub const fn is_deployment(self) -> bool {
        matches!(
            self,
            Self::Compose
                | Self::Dockerfile
                | Self::EnvFile
                | Self::ShellScript
                | Self::Supervisor
                | Self::GradleProperties
        )
    }

    /// The descriptor kind of a deployment format.
    #[must_use]
    pub const fn descriptor(self) -> Option<crate::deploy::DescriptorKind> {
        use crate::deploy::DescriptorKind;
        match self {
            Self::Compose => Some(DescriptorKind::Compose),
            Self::Dockerfile => Some(DescriptorKind::Dockerfile),
            Self::EnvFile => Some(DescriptorKind::EnvFile),
            Self::ShellScript => Some(DescriptorKind::Script),
            Self::Supervisor => Some(DescriptorKind::Supervisor),
            _ => None,
        }
    }

    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether this version of clusterlint parses the format (others are
    /// classified and listed, not yet checked).
    #[must_use]
    pub const fn is_parsed(self) -> bool {
        true
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A located problem a parser found. Messages never quote values (they may
/// be secrets); keys and directive names are fine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub range: TextRange,
    pub message: Cow<'static, str>,
}

impl ParseError {
    #[must_use]
    pub fn new(range: TextRange, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            range,
            message: message.into(),
        }
    }
}

/// A parsed file of any format.
#[derive(Clone, Debug)]
pub enum Document {
    Properties(properties::PropertiesDocument),
    OsgiConfig(osgi_config::OsgiConfigDocument),
    Setenv(setenv::SetenvDocument),
    Nginx(nginx::NginxDocument),
    Redis(redis::RedisDocument),
    Stunnel(stunnel::StunnelDocument),
    Csync2(csync2::Csync2Document),
    Hosts(hosts::HostsDocument),
    Pem(pem::PemDocument),
    Csync2Key(csync2_key::Csync2KeyDocument),
    Xml(xml::XmlDocument),
    /// A deployment descriptor (compose file, Dockerfile, env file, script).
    Deployment(crate::deploy::DeploymentDocument),
    /// A format this version classifies but does not parse.
    NotParsed,
}

/// How a reference names its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferenceKind {
    /// One file; missing is an error when `required`.
    File,
    /// A glob (`*`, `?`, `[`): matching nothing is fine.
    Glob,
    /// Every file in a directory (stunnel `include`).
    Directory,
}

/// A file another file names: an include, a certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The path as written.
    pub value: String,
    /// Where it is written.
    pub range: TextRange,
    pub kind: ReferenceKind,
    /// The format of the target.
    pub format: Format,
    /// Whether a missing target is an error (`core/include-not-found`).
    pub required: bool,
    /// Whether the target is read as the inside of the block the reference
    /// stands in (a csync2 `config` within a `group`), not as a whole file.
    pub fragment: bool,
}

/// Whether an include names several files (`*`, `?` or `[`), as `glob(3)`
/// sees it.
#[must_use]
pub fn is_glob(path: &str) -> bool {
    path.contains(['*', '?', '['])
}

impl Document {
    #[must_use]
    pub fn errors(&self) -> &[ParseError] {
        match self {
            Self::Properties(doc) => &doc.errors,
            Self::OsgiConfig(doc) => &doc.errors,
            Self::Setenv(doc) => &doc.errors,
            Self::Nginx(doc) => &doc.errors,
            Self::Redis(doc) => &doc.errors,
            Self::Stunnel(doc) => &doc.errors,
            Self::Csync2(doc) => &doc.errors,
            Self::Pem(doc) => &doc.errors,
            Self::Csync2Key(doc) => &doc.errors,
            Self::Xml(doc) => &doc.errors,
            Self::Deployment(doc) => &doc.errors,
            Self::Hosts(_) | Self::NotParsed => &[],
        }
    }

    /// Ranges of the comments, for inline suppressions.
    #[must_use]
    pub fn comments(&self) -> &[TextRange] {
        match self {
            Self::Properties(doc) => &doc.comments,
            Self::OsgiConfig(doc) => &doc.comments,
            Self::Setenv(doc) => &doc.comments,
            Self::Nginx(doc) => &doc.comments,
            Self::Redis(doc) => &doc.comments,
            Self::Stunnel(doc) => &doc.comments,
            Self::Csync2(doc) => &doc.comments,
            Self::Hosts(doc) => &doc.comments,
            Self::Xml(doc) => &doc.comments,
            Self::Pem(_) | Self::Csync2Key(_) | Self::Deployment(_) | Self::NotParsed => &[],
        }
    }

    /// The files this document names (includes, certificates, keys), in
    /// order.
    #[must_use]
    pub fn references(&self, text: &str) -> Vec<Reference> {
        let include = |value: &str, range: TextRange, format: Format| {
            let kind = if is_glob(value) {
                ReferenceKind::Glob
            } else {
                ReferenceKind::File
            };
            Reference {
                value: value.to_string(),
                range,
                kind,
                format,
                required: kind == ReferenceKind::File,
                fragment: false,
            }
        };
        let optional = |value: &str, range: TextRange, format: Format| Reference {
            value: value.to_string(),
            range,
            kind: ReferenceKind::File,
            format,
            required: false,
            fragment: false,
        };
        match self {
            Self::Nginx(doc) => doc
                .walk()
                .filter(|(_, d)| d.name(text) == "include")
                .filter_map(|(_, d)| match d.args.as_slice() {
                    [arg] => Some(include(arg.text(text), arg.range, Format::Nginx)),
                    _ => None,
                })
                .collect(),
            Self::Redis(doc) => doc
                .directives
                .iter()
                .filter(|d| d.name == "include")
                .filter_map(|d| match d.args.as_slice() {
                    [arg] => Some(include(&arg.text, arg.range, Format::Redis)),
                    _ => None,
                })
                .collect(),
            Self::Csync2(doc) => {
                // csync2 reads a `config` file where the statement stands:
                // inside a group, the file is the group's statements.
                let configs = doc.includes.iter().map(|i| Reference {
                    kind: ReferenceKind::File,
                    required: true,
                    fragment: doc
                        .groups
                        .iter()
                        .any(|g| g.range.start < i.range.start && i.range.end <= g.range.end),
                    ..include(&i.text, i.range, Format::Csync2)
                });
                let keys = doc
                    .groups
                    .iter()
                    .flat_map(|g| &g.keys)
                    .map(|k| optional(&k.text, k.range, Format::Csync2Key));
                configs.chain(keys).collect()
            }
            Self::Stunnel(doc) => doc
                .global
                .iter()
                .chain(doc.services.iter().flat_map(|s| s.options.iter()))
                .filter_map(|o| match o.name.as_str() {
                    "include" => Some(Reference {
                        value: o.value.clone(),
                        range: o.value_range,
                        kind: ReferenceKind::Directory,
                        format: Format::Stunnel,
                        required: true,
                        fragment: false,
                    }),
                    "cert" | "key" => Some(optional(&o.value, o.value_range, Format::Pem)),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Every range the document holds, for invariant checks (in bounds, on
    /// character boundaries) in tests and fuzzing.
    #[must_use]
    pub fn ranges(&self) -> Vec<TextRange> {
        let mut out: Vec<TextRange> = self
            .errors()
            .iter()
            .map(|e| e.range)
            .chain(self.comments().iter().copied())
            .collect();
        match self {
            Self::Properties(doc) => {
                for e in &doc.entries {
                    out.extend([e.key_range, e.value_range]);
                }
            }
            Self::OsgiConfig(doc) => {
                for e in &doc.entries {
                    out.extend([e.key_range, e.value_range]);
                    out.extend(e.items.iter().map(|i| i.range));
                }
                out.extend(doc.liferay_stop);
            }
            Self::Setenv(doc) => {
                for a in &doc.assignments {
                    out.extend([a.name_range, a.value_range]);
                }
                for p in &doc.system_properties {
                    out.push(p.range);
                    out.extend(p.value_range);
                }
            }
            Self::Nginx(doc) => {
                for (_, d) in doc.walk() {
                    out.extend([d.range, d.name.range]);
                    out.extend(d.args.iter().flat_map(|a| [a.range, a.inner_range()]));
                    if let Some(block) = &d.block {
                        out.push(block.open);
                        out.extend(block.close);
                    }
                }
            }
            Self::Redis(doc) => {
                for d in &doc.directives {
                    out.extend([d.range, d.name_range]);
                    out.extend(d.args.iter().map(|a| a.range));
                }
            }
            Self::Stunnel(doc) => {
                let options = doc
                    .global
                    .iter()
                    .chain(doc.services.iter().flat_map(|s| s.options.iter()));
                for o in options {
                    out.extend([o.name_range, o.value_range]);
                }
                out.extend(doc.services.iter().map(|s| s.header));
            }
            Self::Csync2(doc) => {
                for g in &doc.groups {
                    out.extend([g.keyword, g.range]);
                    out.extend(g.name.iter().map(|n| n.range));
                    for h in &g.hosts {
                        out.push(h.name.range);
                        out.extend(h.peer.iter().map(|p| p.range));
                    }
                    let lists = [&g.keys, &g.includes, &g.excludes, &g.compare, &g.auto];
                    out.extend(lists.iter().flat_map(|l| l.iter().map(|t| t.range)));
                }
                out.extend(doc.includes.iter().map(|i| i.range));
            }
            Self::Hosts(doc) => {
                for e in &doc.entries {
                    out.extend([e.address_range, e.range]);
                    out.extend(e.names.iter().map(|n| n.range));
                }
            }
            Self::Pem(doc) => out.extend(doc.blocks.iter().flat_map(|b| [b.range, b.end])),
            Self::Csync2Key(doc) => out.push(doc.key_range),
            Self::Xml(doc) => {
                out.extend(doc.doctype);
                for e in doc.elements() {
                    out.extend([e.name_range, e.start_tag, e.range]);
                    for a in &e.attributes {
                        out.extend([a.name_range, a.value.range]);
                    }
                    for node in &e.children {
                        if let xml::Node::Text(t) = node {
                            out.push(t.range);
                        }
                    }
                }
            }
            Self::Deployment(doc) => {
                for launch in &doc.launches {
                    out.extend(crate::deploy::texts(launch).map(|t| t.range));
                }
            }
            Self::NotParsed => {}
        }
        out
    }

    #[must_use]
    pub fn as_deployment(&self) -> Option<&crate::deploy::DeploymentDocument> {
        match self {
            Self::Deployment(doc) => Some(doc),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_properties(&self) -> Option<&properties::PropertiesDocument> {
        match self {
            Self::Properties(doc) => Some(doc),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_osgi_config(&self) -> Option<&osgi_config::OsgiConfigDocument> {
        match self {
            Self::OsgiConfig(doc) => Some(doc),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_setenv(&self) -> Option<&setenv::SetenvDocument> {
        match self {
            Self::Setenv(doc) => Some(doc),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_nginx(&self) -> Option<&nginx::NginxDocument> {
        match self {
            Self::Nginx(doc) => Some(doc),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_redis(&self) -> Option<&redis::RedisDocument> {
        match self {
            Self::Redis(doc) => Some(doc),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_stunnel(&self) -> Option<&stunnel::StunnelDocument> {
        match self {
            Self::Stunnel(doc) => Some(doc),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_csync2(&self) -> Option<&csync2::Csync2Document> {
        match self {
            Self::Csync2(doc) => Some(doc),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_hosts(&self) -> Option<&hosts::HostsDocument> {
        match self {
            Self::Hosts(doc) => Some(doc),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_xml(&self) -> Option<&xml::XmlDocument> {
        match self {
            Self::Xml(doc) => Some(doc),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_pem(&self) -> Option<&pem::PemDocument> {
        match self {
            Self::Pem(doc) => Some(doc),
            _ => None,
        }
    }
}

/// Parses decoded `text` as the inside of a block of `format` (see
/// [`Reference::fragment`]); formats without such fragments parse whole.
#[must_use]
pub fn parse_fragment(format: Format, text: &str) -> Document {
    match format {
        Format::Csync2 => Document::Csync2(csync2::parse_group_body(text)),
        _ => parse(format, text),
    }
}

/// Parses decoded `text` as `format`, with nginx blocks and XML elements
/// read `max_depth` levels deep at most (`None`: each parser's default).
#[must_use]
pub fn parse_limited(format: Format, text: &str, max_depth: Option<usize>) -> Document {
    match (format, max_depth) {
        (Format::Nginx, Some(depth)) => Document::Nginx(nginx::parse_with_depth(text, depth)),
        (Format::KaazingXml, Some(depth)) => Document::Xml(xml::parse_with_depth(text, depth)),
        _ => parse(format, text),
    }
}

/// Parses decoded `text` as `format`.
#[must_use]
pub fn parse(format: Format, text: &str) -> Document {
    use properties::Dialect;
    match format {
        Format::LiferayProperties => {
            Document::Properties(properties::parse(text, Dialect::Liferay))
        }
        Format::OsgiCfg | Format::GluuSetup | Format::GradleProperties => {
            Document::Properties(properties::parse(text, Dialect::Jdk))
        }
        Format::OsgiConfig => Document::OsgiConfig(osgi_config::parse(text)),
        Format::TomcatSetenv => Document::Setenv(setenv::parse(text)),
        Format::Nginx => Document::Nginx(nginx::parse(text)),
        Format::Redis => Document::Redis(redis::parse(text)),
        Format::Stunnel => Document::Stunnel(stunnel::parse(text)),
        Format::Csync2 => Document::Csync2(csync2::parse(text)),
        Format::Hosts => Document::Hosts(hosts::parse(text)),
        Format::Pem => Document::Pem(pem::parse(text)),
        Format::Csync2Key => Document::Csync2Key(csync2_key::parse(text)),
        Format::KaazingXml => Document::Xml(xml::parse(text)),
        Format::Compose
        | Format::Dockerfile
        | Format::EnvFile
        | Format::ShellScript
        | Format::Supervisor => match format.descriptor() {
            Some(kind) => Document::Deployment(crate::deploy::parse(kind, text)),
            None => Document::NotParsed,
        },
    }
}
