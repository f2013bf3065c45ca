//! File formats. Each built-in format is one folder: its parser (which
//! knows nothing of rules: text in, a spanned document plus located
//! [`ParseError`]s out, never failing) and its `format.rs`, which gives the
//! pipeline everything else it needs of the format through [`FileFormat`]
//! and [`ParsedDocument`]: recognising a file, the files it names, the
//! common tree, the outline, its secrets, its comment syntax. Nothing
//! outside a format's folder dispatches on the format.
//!
//! Adding a format: a folder with those two files, a [`Format`] variant and
//! its line in `BUILTIN`; or, from outside the crate, [`register`].

#[doc(hidden)]
pub mod csync2;
#[doc(hidden)]
pub mod csync2_key;
pub mod decode;
#[doc(hidden)]
pub mod deploy;
mod document;
#[doc(hidden)]
pub mod hosts;
#[doc(hidden)]
pub mod nginx;
#[doc(hidden)]
pub mod osgi_config;
pub mod outline;
#[doc(hidden)]
pub mod pem;
#[doc(hidden)]
pub mod properties;
#[doc(hidden)]
pub mod redis;
#[doc(hidden)]
pub mod setenv;
mod spec;
#[doc(hidden)]
pub mod stunnel;
pub mod tree;
#[doc(hidden)]
pub mod xml;

use std::fmt;
use std::sync::RwLock;

pub use document::{Document, ParseError, ParsedDocument, Reference, ReferenceKind, is_glob};
pub use spec::{Claim, CommentSyntax, Confirmation, Family, FileFormat, FilePath, ProgramPaths};

/// A file format clusterlint reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
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
    /// `nginx.conf` and the files it includes.
    Nginx,
    /// `redis.conf`, `sentinel.conf`.
    Redis,
    /// `stunnel.conf`.
    Stunnel,
    /// `csync2.cfg`.
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
    /// A format added with [`register`].
    Custom(CustomFormat),
}

/// A format added with [`register`]: its place in the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CustomFormat(u16);

/// The built-in formats, in the order of [`Format`]'s variants: on a tie,
/// the one listed first recognises a file.
static BUILTIN: [&dyn FileFormat; 19] = [
    &properties::format::LIFERAY_PROPERTIES,
    &osgi_config::format::OsgiConfigFormat,
    &properties::format::OSGI_CFG,
    &setenv::format::SetenvFormat,
    &properties::format::GLUU_SETUP,
    &xml::format::KaazingXmlFormat,
    &nginx::format::NginxFormat,
    &redis::format::RedisFormat,
    &stunnel::format::StunnelFormat,
    &csync2::format::Csync2Format,
    &hosts::format::HostsFormat,
    &pem::format::PemFormat,
    &csync2_key::format::Csync2KeyFormat,
    &deploy::format::COMPOSE,
    &deploy::format::DOCKERFILE,
    &deploy::format::ENV_FILE,
    &deploy::format::SHELL_SCRIPT,
    &deploy::format::SUPERVISOR,
    &properties::format::GRADLE_PROPERTIES,
];

/// Formats added with [`register`], for the life of the process.
static CUSTOM: RwLock<Vec<&'static dyn FileFormat>> = RwLock::new(Vec::new());

/// Adds a format to every later check of this process: its files are
/// recognised, parsed, checked by `[[check]]`s through its tree, masked
/// where its secrets lie and outlined. Registering the same format again
/// gives the same [`Format`]; `None` when another format has the name.
pub fn register(format: &'static dyn FileFormat) -> Option<Format> {
    let name = format.name();
    if Format::BUILTIN.iter().any(|f| f.name() == name) {
        return None;
    }
    let mut custom = CUSTOM
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(at) = custom.iter().position(|f| f.name() == name) {
        return std::ptr::addr_eq(custom[at], format)
            .then(|| Format::Custom(CustomFormat(u16::try_from(at).unwrap_or(u16::MAX))));
    }
    let at = u16::try_from(custom.len()).ok()?;
    custom.push(format);
    Some(Format::Custom(CustomFormat(at)))
}

impl Format {
    /// The built-in formats.
    pub const BUILTIN: [Self; 19] = [
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

    /// Every format: the built-in ones, then those registered.
    pub fn all() -> impl Iterator<Item = Self> {
        let custom = CUSTOM.read().map_or(0, |c| c.len());
        let custom =
            (0..custom).filter_map(|i| Some(Self::Custom(CustomFormat(u16::try_from(i).ok()?))));
        Self::BUILTIN.into_iter().chain(custom)
    }

    /// The place of a built-in format in [`Format::BUILTIN`] (`0` for a
    /// registered one, which is not looked up there).
    const fn builtin_index(self) -> usize {
        match self {
            Self::LiferayProperties | Self::Custom(_) => 0,
            Self::OsgiConfig => 1,
            Self::OsgiCfg => 2,
            Self::TomcatSetenv => 3,
            Self::GluuSetup => 4,
            Self::KaazingXml => 5,
            Self::Nginx => 6,
            Self::Redis => 7,
            Self::Stunnel => 8,
            Self::Csync2 => 9,
            Self::Hosts => 10,
            Self::Pem => 11,
            Self::Csync2Key => 12,
            Self::Compose => 13,
            Self::Dockerfile => 14,
            Self::EnvFile => 15,
            Self::ShellScript => 16,
            Self::Supervisor => 17,
            Self::GradleProperties => 18,
        }
    }

    /// What the pipeline needs of the format.
    #[must_use]
    pub fn spec(self) -> &'static dyn FileFormat {
        match self {
            Self::Custom(CustomFormat(at)) => CUSTOM
                .read()
                .ok()
                .and_then(|c| c.get(usize::from(at)).copied())
                .unwrap_or(&UNKNOWN),
            builtin => BUILTIN[builtin.builtin_index()],
        }
    }

    /// The name used in `clusterlint.toml` `[files]` and in `--verbose` output.
    #[must_use]
    pub fn name(self) -> &'static str {
        self.spec().name()
    }

    /// Whether files of this format say how nodes are started rather than
    /// configure a program: they attach to nodes, and never make one.
    #[must_use]
    pub fn is_deployment(self) -> bool {
        self.spec().family() == Family::Deployment
    }

    /// The format of a name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::all().find(|f| f.name() == name)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Stands for a custom format id that names no registered format (which
/// [`register`] never hands out).
struct Unknown;

static UNKNOWN: Unknown = Unknown;

impl FileFormat for Unknown {
    fn name(&self) -> &'static str {
        "unknown"
    }

    fn parse(&self, _text: &str, _max_depth: Option<usize>) -> Document {
        Document::unparsed()
    }
}

/// Parses decoded `text` as the inside of a block of `format` (see
/// [`Reference::fragment`]); formats without such fragments parse whole.
#[must_use]
pub fn parse_fragment(format: Format, text: &str) -> Document {
    format.spec().parse_fragment(text)
}

/// Parses decoded `text` as `format`, with nesting read `max_depth` levels
/// deep at most (`None`: each parser's default).
#[must_use]
pub fn parse_limited(format: Format, text: &str, max_depth: Option<usize>) -> Document {
    format.spec().parse(text, max_depth)
}

/// Parses decoded `text` as `format`.
#[must_use]
pub fn parse(format: Format, text: &str) -> Document {
    parse_limited(format, text, None)
}

/// Whether a file's first bytes are a template of a configuration (ERB,
/// Jinja) rather than the configuration a program reads.
#[must_use]
pub fn is_template(head: &str) -> bool {
    ["<%", "{{", "{%"]
        .iter()
        .any(|marker| head.contains(marker))
}

/// The length of the home folder's prefix in `path`, the folder where the
/// node of a `format` file at `path` begins (`0`: the top of `path`).
///
/// A path through one of [`crate::layout::ROOT_FOLDERS`] is rooted: the
/// node begins above the first of them. Otherwise the format's own layout
/// decides ([`FileFormat::home`]): a gateway's `conf/`, Liferay's
/// `osgi/configs/` and Tomcat folder, and nginx's `conf/` lie inside the
/// node; any other file sits in its node's folder.
#[must_use]
pub fn home_len(path: &str, format: Format) -> usize {
    let parts: Vec<&str> = path.split('/').collect();
    let folders = &parts[..parts.len() - 1];
    let prefix_len = |count: usize| -> usize {
        if count == 0 {
            0
        } else {
            parts[..count].iter().map(|p| p.len() + 1).sum::<usize>() - 1
        }
    };
    if let Some(at) = folders
        .iter()
        .position(|f| crate::layout::ROOT_FOLDERS.contains(f))
    {
        return prefix_len(at);
    }
    let home = format.spec().home(folders).unwrap_or(folders.len());
    prefix_len(home)
}

/// The home folder of a `format` file at `path` (see [`home_len`]).
#[must_use]
pub fn home_of(path: &str, format: Format) -> &str {
    &path[..home_len(path, format)]
}

/// The format a path's name (and folders) give, without reading it: the
/// strongest [`Claim`], the earliest registered format on a tie.
#[must_use]
pub fn classify(path: &str) -> Option<Format> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let folders: Vec<&str> = path.split('/').collect();
    let path = FilePath {
        name,
        folders: &folders[..folders.len() - 1],
    };
    Format::all()
        .filter_map(|format| Some((format.spec().claim(&path)?, format)))
        .min_by_key(|(claim, _)| *claim)
        .map(|(_, format)| format)
}

/// A format a file's name gave, checked against its first bytes where the
/// format asks for it ([`FileFormat::confirm`]); `head` is read only then.
pub fn confirmed(format: Format, head: impl FnOnce() -> Option<Vec<u8>>) -> Option<Format> {
    let spec = format.spec();
    if !spec.checks_content() {
        return Some(format);
    }
    let Some(head) = head() else {
        return Some(format);
    };
    match spec.confirm(&head) {
        Confirmation::Keep => Some(format),
        Confirmation::Drop => None,
        Confirmation::Become(other) => Some(other),
    }
}

/// Whether some format looks at the first bytes of a file named `name`
/// that no name claims.
#[must_use]
pub fn sniffs(name: &str) -> bool {
    Format::all().any(|format| format.spec().sniffs(name))
}

/// The format a file no name claims has, from its name and first bytes.
#[must_use]
pub fn sniff(name: &str, head: &[u8]) -> Option<Format> {
    Format::all().find(|format| {
        let spec = format.spec();
        spec.sniffs(name) && spec.sniff(head)
    })
}

/// The format of the file at cluster path `path`: by name (confirmed by
/// content where the format asks), else by content where a format sniffs
/// such names; never a product's sample. `head` reads the file's first
/// bytes, only when needed.
pub fn recognise(path: &str, head: impl Fn() -> Option<Vec<u8>>) -> Option<Format> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let format = match classify(path) {
        Some(format) => confirmed(format, &head),
        None if sniffs(name) => sniff(name, &head()?),
        None => None,
    }?;
    (!format.spec().is_sample(path)).then_some(format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_format_finds_its_own_spec() {
        for (at, format) in Format::BUILTIN.into_iter().enumerate() {
            assert_eq!(format.builtin_index(), at);
            assert_eq!(Format::from_name(format.name()), Some(format));
        }
    }

    #[test]
    fn homes_of_rooted_and_flat_nodes() {
        let cases = [
            (
                "gluu-nginx/etc/nginx/nginx.conf",
                Format::Nginx,
                "gluu-nginx",
            ),
            (
                "gluu-main/opt/gluu-server-3.1.4/install/community-edition-setup/setup.properties",
                Format::GluuSetup,
                "gluu-main",
            ),
            ("s1/usr/local/etc/redis/sentinel.conf", Format::Redis, "s1"),
            ("etc/hosts", Format::Hosts, ""),
            (
                "member1/conf/gateway-config.xml",
                Format::KaazingXml,
                "member1",
            ),
            ("lb/conf/nginx.conf", Format::Nginx, "lb"),
            (
                "app1/osgi/configs/a.b.C~x.config",
                Format::OsgiConfig,
                "app1",
            ),
            ("app1/tomcat/bin/setenv.sh", Format::TomcatSetenv, "app1"),
            (
                "app1/tomcat-9.0.56/webapps/ROOT/WEB-INF/classes/portal-ext.properties",
                Format::LiferayProperties,
                "app1",
            ),
            ("x/bin/setenv.sh", Format::TomcatSetenv, "x"),
            (
                "app1/portal-ext.properties",
                Format::LiferayProperties,
                "app1",
            ),
            ("site-a/stunnel.conf", Format::Stunnel, "site-a"),
            ("nginx.conf", Format::Nginx, ""),
            (
                "repo/clusters/c1/n1/redis.conf",
                Format::Redis,
                "repo/clusters/c1/n1",
            ),
        ];
        for (path, format, home) in cases {
            assert_eq!(home_of(path, format), home, "{path}");
        }
    }
}
