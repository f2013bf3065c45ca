//! One parser per file format. Parsers know nothing of rules: each turns text
//! into a spanned document plus located [`ParseError`]s, and never fails.

pub mod decode;
pub mod osgi_config;
pub mod properties;
pub mod setenv;

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
}

impl Format {
    pub const ALL: [Self; 11] = [
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
        matches!(
            self,
            Self::LiferayProperties
                | Self::OsgiConfig
                | Self::OsgiCfg
                | Self::TomcatSetenv
                | Self::GluuSetup
        )
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
    /// A format this version classifies but does not parse.
    NotParsed,
}

impl Document {
    #[must_use]
    pub fn errors(&self) -> &[ParseError] {
        match self {
            Self::Properties(doc) => &doc.errors,
            Self::OsgiConfig(doc) => &doc.errors,
            Self::Setenv(doc) => &doc.errors,
            Self::NotParsed => &[],
        }
    }

    /// Ranges of the comments, for inline suppressions.
    #[must_use]
    pub fn comments(&self) -> &[TextRange] {
        match self {
            Self::Properties(doc) => &doc.comments,
            Self::OsgiConfig(doc) => &doc.comments,
            Self::Setenv(doc) => &doc.comments,
            Self::NotParsed => &[],
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
            Self::NotParsed => {}
        }
        out
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
}

/// Parses decoded `text` as `format`.
#[must_use]
pub fn parse(format: Format, text: &str) -> Document {
    use properties::Dialect;
    match format {
        Format::LiferayProperties => {
            Document::Properties(properties::parse(text, Dialect::Liferay))
        }
        Format::OsgiCfg | Format::GluuSetup => {
            Document::Properties(properties::parse(text, Dialect::Jdk))
        }
        Format::OsgiConfig => Document::OsgiConfig(osgi_config::parse(text)),
        Format::TomcatSetenv => Document::Setenv(setenv::parse(text)),
        Format::KaazingXml
        | Format::Nginx
        | Format::Redis
        | Format::Stunnel
        | Format::Csync2
        | Format::Hosts => Document::NotParsed,
    }
}
