//! Product versions and editions, where they change what a file means:
//! which Liferay reads `.cfg` files, which gateway reads a namespace or an
//! Enterprise element. Each is inferred from the files (a workspace's
//! product, an image tag, a namespace) or given by the manifest, and
//! carries where it came from, for `--show-settings` and for messages.

use std::fmt;

/// A Liferay Portal or DXP release line: `7.0` to `7.4`, or a quarterly
/// release (`2023.q3` and later), which continues 7.4.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LiferayVersion {
    pub major: u16,
    pub minor: u16,
}

impl LiferayVersion {
    pub const V7_4: Self = Self { major: 7, minor: 4 };

    /// Reads `7.3`, `7.4.3.112`, `7.4.13-u77`, `portal-7.3-ga8`,
    /// `dxp-7.4-u70`, `dxp-2024.q1.1`, `2023.q4.0`, `7.0-ga4`.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().to_ascii_lowercase();
        let text = text
            .strip_prefix("portal-")
            .or_else(|| text.strip_prefix("dxp-"))
            .or_else(|| text.strip_prefix("commerce-"))
            .unwrap_or(&text);
        let mut parts = text.split(['.', '-', '_']);
        let major: u16 = parts.next()?.parse().ok()?;
        let second = parts.next()?;
        if (2023..2100).contains(&major) && second.starts_with('q') {
            // Quarterly releases carry on from 7.4.
            return Some(Self::V7_4);
        }
        let minor: u16 = second.parse().ok()?;
        (major == 6 || major == 7).then_some(Self { major, minor })
    }

    /// Whether this Liferay reads OSGi `.cfg` files without
    /// `module.framework.file.install.cfg.enabled=true` (7.0 to 7.3, whose
    /// Felix File Install reads both formats).
    #[must_use]
    pub fn reads_cfg_files(self) -> bool {
        self < Self::V7_4
    }
}

impl fmt::Display for LiferayVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// A KAAZING Gateway release line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KaazingVersion {
    pub major: u8,
    pub minor: u8,
}

impl KaazingVersion {
    pub const V5_0: Self = Self { major: 5, minor: 0 };

    /// Reads `4`, `4.0`, `4.0.9`, `5.6.0`.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().split('.');
        let major: u8 = parts.next()?.parse().ok()?;
        let minor: u8 = match parts.next() {
            Some(m) => m.parse().ok()?,
            None => 0,
        };
        (3..=6).contains(&major).then_some(Self { major, minor })
    }
}

impl fmt::Display for KaazingVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Which KAAZING Gateway: the open-source one, or the commercial
/// Enterprise Edition (with Enterprise Shield, reverse connectivity and
/// the other Enterprise options), or its JMS edition (Enterprise plus the
/// `jms` services).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KaazingEdition {
    Community,
    Enterprise,
    Jms,
}

impl KaazingEdition {
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "community" | "open-source" | "oss" => Some(Self::Community),
            "enterprise" | "ee" => Some(Self::Enterprise),
            "jms" => Some(Self::Jms),
            _ => None,
        }
    }

    /// Whether the edition has the Enterprise elements and options.
    #[must_use]
    pub fn is_enterprise(self) -> bool {
        matches!(self, Self::Enterprise | Self::Jms)
    }

    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Community => "community",
            Self::Enterprise => "enterprise",
            Self::Jms => "jms",
        }
    }
}

impl fmt::Display for KaazingEdition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A value and where it was learnt (a file and what in it, or the
/// manifest), for `--show-settings`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Guess<T> {
    pub value: T,
    pub source: String,
    /// Whether the manifest says so (not a guess at all).
    pub declared: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn liferay_versions_as_written() {
        let v = |s| LiferayVersion::parse(s).map(|v| v.to_string());
        assert_eq!(v("7.0"), Some("7.0".into()));
        assert_eq!(v("portal-7.3-ga8"), Some("7.3".into()));
        assert_eq!(v("dxp-7.4-u70"), Some("7.4".into()));
        assert_eq!(v("7.4.13-u77"), Some("7.4".into()));
        assert_eq!(v("7.4.3.112-ga112"), Some("7.4".into()));
        assert_eq!(v("dxp-2024.q1.1"), Some("7.4".into()));
        assert_eq!(v("2023.q4.0"), Some("7.4".into()));
        assert_eq!(v("latest"), None);
        assert!(LiferayVersion::parse("7.3").unwrap().reads_cfg_files());
        assert!(!LiferayVersion::parse("7.4").unwrap().reads_cfg_files());
    }

    #[test]
    fn kaazing_versions_and_editions() {
        assert_eq!(KaazingVersion::parse("4.0.9").unwrap().to_string(), "4.0");
        assert_eq!(KaazingVersion::parse("5").unwrap().to_string(), "5.0");
        assert!(KaazingVersion::parse("x").is_none());
        assert!(KaazingEdition::parse("JMS").unwrap().is_enterprise());
        assert!(!KaazingEdition::parse("community").unwrap().is_enterprise());
    }
}

/// The versions and editions a cluster's checks assume.
#[derive(Clone, Debug, Default)]
pub struct Versions {
    pub liferay: Option<Guess<LiferayVersion>>,
    pub kaazing: Option<Guess<KaazingVersion>>,
    pub kaazing_edition: Option<Guess<KaazingEdition>>,
}

impl Versions {
    /// Lines for `--show-settings`.
    #[must_use]
    pub fn describe(&self) -> Vec<String> {
        fn line<T: fmt::Display>(what: &str, guess: &Guess<T>) -> String {
            let how = if guess.declared {
                "given by"
            } else {
                "inferred from"
            };
            format!("{what}: {} ({how} {})", guess.value, guess.source)
        }
        let mut out = Vec::new();
        if let Some(g) = &self.liferay {
            out.push(line("Liferay version", g));
        }
        if let Some(g) = &self.kaazing {
            out.push(line("KAAZING Gateway version", g));
        }
        if let Some(g) = &self.kaazing_edition {
            out.push(line("KAAZING Gateway edition", g));
        }
        out
    }

    /// Whether the portal reads OSGi `.cfg` files, and what says so
    /// (`None` for the version: unknown, 7.4 and later assumed).
    #[must_use]
    pub fn liferay_reads_cfg(&self) -> bool {
        self.liferay
            .as_ref()
            .is_some_and(|g| g.value.reads_cfg_files())
    }
}
