//! File formats. Each built-in format is one folder: its parser (which
//! knows nothing of rules: text in, a spanned document plus located
//! [`ParseError`]s out, never failing) and its `format.rs`, which gives the
//! pipeline everything else it needs of the format through [`FileFormat`]
//! and [`ParsedDocument`]: recognising a file, the files it names, the
//! common tree, the outline, its secrets, its comment syntax. Nothing
//! outside a format's folder dispatches on the format.
//!
//! Adding a format: a folder with those two files, its `pub mod` line and
//! its line in `builtin_formats!`; or, from outside the crate, [`register`].

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
pub mod keystore;
#[doc(hidden)]
pub mod ldif;
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

/// A file format clusterlint reads: one of the built-in ones
/// (`Format::NGINX`, ...) or one added with [`register`].
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Format(u16);

/// Declares the built-in formats, one line each: the constant that names
/// it, its place (the order in which formats are asked to recognise a file:
/// on a tie, the earlier wins) and its [`FileFormat`].
macro_rules! builtin_formats {
    ($($(#[doc = $doc:literal])* $name:ident = $index:literal => $spec:expr;)*) => {
        impl Format {
            $($(#[doc = $doc])* pub const $name: Self = Self($index);)*

            /// The built-in formats, in their order.
            pub const BUILTIN: [Self; [$($index),*].len()] = [$(Self::$name),*];
        }

        /// What each built-in format is, by its place.
        static BUILTIN: [&dyn FileFormat; [$($index),*].len()] = [$($spec),*];
    };
}

builtin_formats! {
    /// `portal-ext.properties` and other `portal-*.properties`.
    LIFERAY_PROPERTIES = 0 => &properties::format::LIFERAY_PROPERTIES;
    /// OSGi typed `.config` (Felix `ConfigurationHandler` format).
    OSGI_CONFIG = 1 => &osgi_config::format::OsgiConfigFormat;
    /// OSGi `.cfg` (plain properties) under `osgi/configs`.
    OSGI_CFG = 2 => &properties::format::OSGI_CFG;
    /// Tomcat `setenv.sh`.
    TOMCAT_SETENV = 3 => &setenv::format::SetenvFormat;
    /// Gluu `setup.properties`.
    GLUU_SETUP = 4 => &properties::format::GLUU_SETUP;
    /// KAAZING gateway XML.
    KAAZING_XML = 5 => &xml::format::KaazingXmlFormat;
    /// `nginx.conf` and the files it includes.
    NGINX = 6 => &nginx::format::NginxFormat;
    /// `redis.conf`, `sentinel.conf`.
    REDIS = 7 => &redis::format::RedisFormat;
    /// `stunnel.conf`.
    STUNNEL = 8 => &stunnel::format::StunnelFormat;
    /// `csync2.cfg`.
    CSYNC2 = 9 => &csync2::format::Csync2Format;
    /// `/etc/hosts`.
    HOSTS = 10 => &hosts::format::HostsFormat;
    /// A PEM certificate or key a stunnel configuration points at.
    PEM = 11 => &pem::format::PemFormat;
    /// A csync2 pre-shared key file a csync2 group points at.
    CSYNC2_KEY = 12 => &csync2_key::format::Csync2KeyFormat;
    /// A Docker Compose file (deployment: services, environment, commands).
    COMPOSE = 13 => &deploy::format::COMPOSE;
    /// A Dockerfile (deployment: the image's environment and command).
    DOCKERFILE = 14 => &deploy::format::DOCKERFILE;
    /// An environment file (`.env`, compose `env_file`).
    ENV_FILE = 15 => &deploy::format::ENV_FILE;
    /// A start script (`start.sh`, `docker-entrypoint.sh`).
    SHELL_SCRIPT = 16 => &deploy::format::SHELL_SCRIPT;
    /// supervisord's program list (`supervisord.conf`).
    SUPERVISOR = 17 => &deploy::format::SUPERVISOR;
    /// A Gradle project's `gradle.properties` (a Liferay Workspace's
    /// product and bundle).
    GRADLE_PROPERTIES = 18 => &properties::format::GRADLE_PROPERTIES;
    /// OpenDJ's `config/config.ldif`.
    OPENDJ_LDIF = 19 => &ldif::format::LdifFormat;
    /// OpenDJ's `config/java.properties` (the tools' JVM arguments).
    OPENDJ_JAVA_PROPERTIES = 20 => &properties::format::OPENDJ_JAVA_PROPERTIES;
    /// OpenDJ's keystores and PIN files, read as a digest only.
    OPENDJ_KEYSTORE = 21 => &keystore::format::KeystoreFormat;
    /// Tomcat `setenv.bat` (Windows).
    TOMCAT_SETENV_BAT = 22 => &setenv::format::SetenvBatFormat;
    /// What starts csync2 as a service (`csync2*.service`, `xinetd.d/csync2`).
    SERVICE_UNIT = 23 => &deploy::format::SERVICE_UNIT;
}

/// Formats added with [`register`], for the life of the process; the
/// first has the place after the last built-in one.
static CUSTOM: RwLock<Vec<&'static dyn FileFormat>> = RwLock::new(Vec::new());

/// Adds a format to every later check of this process: its files are
/// recognised, parsed, checked by `[[check]]`s through its tree, masked
/// where its secrets lie and outlined. Registering the same format again
/// gives the same [`Format`]; `None` when another format has the name.
pub fn register(format: &'static dyn FileFormat) -> Option<Format> {
    let name = format.name();
    if BUILTIN.iter().any(|f| f.name() == name) {
        return None;
    }
    let mut custom = CUSTOM
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let place = |at: usize| u16::try_from(BUILTIN.len() + at).ok().map(Format);
    if let Some(at) = custom.iter().position(|f| f.name() == name) {
        return std::ptr::addr_eq(custom[at], format)
            .then(|| place(at))
            .flatten();
    }
    let id = place(custom.len())?;
    custom.push(format);
    Some(id)
}

impl Format {
    /// Every format: the built-in ones, then those registered.
    pub fn all() -> impl Iterator<Item = Self> {
        let count = BUILTIN.len() + CUSTOM.read().map_or(0, |c| c.len());
        (0..count).filter_map(|at| u16::try_from(at).ok().map(Self))
    }

    /// What the pipeline needs of the format.
    #[must_use]
    pub fn spec(self) -> &'static dyn FileFormat {
        let at = usize::from(self.0);
        BUILTIN.get(at).copied().unwrap_or_else(|| {
            CUSTOM
                .read()
                .ok()
                .and_then(|c| c.get(at - BUILTIN.len()).copied())
                .unwrap_or(&UNKNOWN)
        })
    }

    /// Whether the format is one of clusterlint's own, not registered.
    #[must_use]
    pub fn is_builtin(self) -> bool {
        usize::from(self.0) < BUILTIN.len()
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

impl fmt::Debug for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Format({})", self.name())
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

/// The confirmation of a file whose name is enough unless it is a template
/// ([`is_template`]).
#[must_use]
pub fn unless_template(head: &[u8]) -> Confirmation {
    if is_template(&String::from_utf8_lossy(head)) {
        Confirmation::Drop
    } else {
        Confirmation::Keep
    }
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
    fn every_builtin_format_is_in_its_place_and_found_by_name() {
        for (at, format) in Format::BUILTIN.into_iter().enumerate() {
            assert_eq!(usize::from(format.0), at);
            assert!(format.is_builtin());
            assert_eq!(Format::from_name(format.name()), Some(format));
        }
        let mut names: Vec<&str> = Format::BUILTIN.iter().map(|f| f.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Format::BUILTIN.len(), "names are unique");
    }

    #[test]
    fn homes_of_rooted_and_flat_nodes() {
        let cases = [
            (
                "gluu-nginx/etc/nginx/nginx.conf",
                Format::NGINX,
                "gluu-nginx",
            ),
            (
                "gluu-main/opt/gluu-server-3.1.4/install/community-edition-setup/setup.properties",
                Format::GLUU_SETUP,
                "gluu-main",
            ),
            ("s1/usr/local/etc/redis/sentinel.conf", Format::REDIS, "s1"),
            ("etc/hosts", Format::HOSTS, ""),
            (
                "member1/conf/gateway-config.xml",
                Format::KAAZING_XML,
                "member1",
            ),
            ("lb/conf/nginx.conf", Format::NGINX, "lb"),
            (
                "app1/osgi/configs/a.b.C~x.config",
                Format::OSGI_CONFIG,
                "app1",
            ),
            ("app1/tomcat/bin/setenv.sh", Format::TOMCAT_SETENV, "app1"),
            (
                "app1/tomcat-9.0.56/webapps/ROOT/WEB-INF/classes/portal-ext.properties",
                Format::LIFERAY_PROPERTIES,
                "app1",
            ),
            ("x/bin/setenv.sh", Format::TOMCAT_SETENV, "x"),
            (
                "app1/portal-ext.properties",
                Format::LIFERAY_PROPERTIES,
                "app1",
            ),
            ("site-a/stunnel.conf", Format::STUNNEL, "site-a"),
            ("nginx.conf", Format::NGINX, ""),
            (
                "repo/clusters/c1/n1/redis.conf",
                Format::REDIS,
                "repo/clusters/c1/n1",
            ),
        ];
        for (path, format, home) in cases {
            assert_eq!(home_of(path, format), home, "{path}");
        }
    }
}
