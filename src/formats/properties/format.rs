//! Java properties files as the pipeline needs them: the four formats
//! written as properties (portal properties, OSGi `.cfg`, Gluu's
//! `setup.properties`, `gradle.properties`), and their tree, outline and
//! secrets.

use crate::formats::decode::Encoding;
use crate::formats::outline::{Guard, Symbol, SymbolKind};
use crate::formats::tree::{ConfigTree, TreeNode, value};
use crate::formats::{
    Claim, CommentSyntax, Confirmation, Document, Family, FileFormat, FilePath, Format, ParseError,
    ParsedDocument, Reference, is_template,
};
use crate::layout::is_tomcat_folder;
use crate::secrets::is_secret_key;
use crate::source::TextRange;

use super::{Dialect, PropertiesDocument};

/// A `backslash` at a line's end continues the value.
const CONTINUED: CommentSyntax = CommentSyntax::Hash {
    continued_lines: true,
};

/// `portal-ext.properties` and the other `portal-*.properties`, read as
/// the portal reads them.
pub struct LiferayProperties;

/// The portal's properties format.
pub static LIFERAY_PROPERTIES: LiferayProperties = LiferayProperties;

impl FileFormat for LiferayProperties {
    fn name(&self) -> &'static str {
        "liferay-properties"
    }

    fn family(&self) -> Family {
        Family::Liferay
    }

    fn encoding(&self) -> Encoding {
        Encoding::Utf8Strict
    }

    fn parse(&self, text: &str, _max_depth: Option<usize>) -> Document {
        Document::new(super::parse(text, Dialect::Liferay))
    }

    fn claim(&self, path: &FilePath<'_>) -> Option<Claim> {
        let name = path.name;
        if name == "portal-ext.properties" {
            Some(Claim::Name)
        } else if name.starts_with("portal-") && name.ends_with(".properties") {
            Some(Claim::Pattern)
        } else {
            None
        }
    }

    // The portal's properties are resolved by the model, which ends a loop
    // of `include-and-override`s at the file it started from.
    fn include_loops_are_faults(&self) -> bool {
        false
    }

    fn home(&self, folders: &[&str]) -> Option<usize> {
        // Liferay's home is the folder above its Tomcat's.
        folders.iter().position(|f| is_tomcat_folder(f))
    }

    fn comment_syntax(&self) -> CommentSyntax {
        CONTINUED
    }
}

/// OSGi `.cfg` files: plain properties under `osgi/configs`.
pub struct OsgiCfg;

/// The OSGi `.cfg` format.
pub static OSGI_CFG: OsgiCfg = OsgiCfg;

impl FileFormat for OsgiCfg {
    fn name(&self) -> &'static str {
        "osgi-cfg"
    }

    fn family(&self) -> Family {
        Family::Liferay
    }

    fn encoding(&self) -> Encoding {
        Encoding::Latin1
    }

    fn parse(&self, text: &str, _max_depth: Option<usize>) -> Document {
        Document::new(super::parse(text, Dialect::Jdk))
    }

    fn claim(&self, path: &FilePath<'_>) -> Option<Claim> {
        (path.name.ends_with(".cfg") && path.has_folders(["osgi", "configs"]))
            .then_some(Claim::Folder)
    }

    fn home(&self, folders: &[&str]) -> Option<usize> {
        folders.windows(2).position(|w| w == ["osgi", "configs"])
    }

    fn comment_syntax(&self) -> CommentSyntax {
        CONTINUED
    }
}

/// Gluu's `setup.properties`.
pub struct GluuSetup;

/// The Gluu setup format.
pub static GLUU_SETUP: GluuSetup = GluuSetup;

impl FileFormat for GluuSetup {
    fn name(&self) -> &'static str {
        "gluu-setup"
    }

    fn encoding(&self) -> Encoding {
        Encoding::Latin1
    }

    fn parse(&self, text: &str, _max_depth: Option<usize>) -> Document {
        Document::new(super::parse(text, Dialect::Jdk))
    }

    fn claim(&self, path: &FilePath<'_>) -> Option<Claim> {
        matches!(path.name, "setup.properties" | "setup.properties.last").then_some(Claim::Name)
    }

    fn checks_content(&self) -> bool {
        true
    }

    // The name is generic: other programs write a `setup.properties` too.
    fn confirm(&self, head: &[u8]) -> Confirmation {
        let head = String::from_utf8_lossy(head);
        if is_template(&head) || !looks_like_gluu_setup(&head) {
            Confirmation::Drop
        } else {
            Confirmation::Keep
        }
    }

    fn comment_syntax(&self) -> CommentSyntax {
        CONTINUED
    }
}

/// Keys every Gluu `setup.properties` writes (the generic name is used by
/// other programs too).
fn looks_like_gluu_setup(text: &str) -> bool {
    const GLUU_KEYS: &[&str] = &[
        "installoxauth",
        "installoxtrust",
        "installldap",
        "orgname",
        "ldappass",
        "oxauth",
        "oxtrust",
        "inumorg",
        "admin_email",
        "gluu",
    ];
    let lower = text.to_ascii_lowercase();
    GLUU_KEYS.iter().any(|key| lower.contains(key))
}

/// A Gradle project's `gradle.properties` (a Liferay Workspace's product
/// and bundle).
pub struct GradleProperties;

/// The `gradle.properties` format.
pub static GRADLE_PROPERTIES: GradleProperties = GradleProperties;

impl FileFormat for GradleProperties {
    fn name(&self) -> &'static str {
        "gradle-properties"
    }

    fn family(&self) -> Family {
        Family::Deployment
    }

    fn encoding(&self) -> Encoding {
        Encoding::Latin1
    }

    fn parse(&self, text: &str, _max_depth: Option<usize>) -> Document {
        Document::new(super::parse(text, Dialect::Jdk))
    }

    fn claim(&self, path: &FilePath<'_>) -> Option<Claim> {
        (path.name == "gradle.properties").then_some(Claim::Name)
    }
}

/// OpenDJ's `config/java.properties`: the JVM arguments of each of the
/// server's command-line tools (`dsreplication.java-args=...`).
pub struct OpendjJavaProperties;

/// The OpenDJ `java.properties` format.
pub static OPENDJ_JAVA_PROPERTIES: OpendjJavaProperties = OpendjJavaProperties;

impl FileFormat for OpendjJavaProperties {
    fn name(&self) -> &'static str {
        "opendj-java-properties"
    }

    fn encoding(&self) -> Encoding {
        Encoding::Latin1
    }

    fn parse(&self, text: &str, _max_depth: Option<usize>) -> Document {
        Document::new(super::parse(text, Dialect::Jdk))
    }

    fn claim(&self, path: &FilePath<'_>) -> Option<Claim> {
        (path.name == "java.properties" && path.folders.last() == Some(&"config"))
            .then_some(Claim::Name)
    }

    fn checks_content(&self) -> bool {
        true
    }

    // Every OpenDJ template and every file its setup writes names the
    // tools' `java-args` or `java-home` (in its comments at least).
    fn confirm(&self, head: &[u8]) -> Confirmation {
        let head = String::from_utf8_lossy(head);
        if head.contains("java-args") || head.contains("java-home") {
            Confirmation::Keep
        } else {
            Confirmation::Drop
        }
    }

    // The instance root is the folder above `config/`.
    fn home(&self, folders: &[&str]) -> Option<usize> {
        (folders.last() == Some(&"config")).then(|| folders.len() - 1)
    }
}

impl ParsedDocument for PropertiesDocument {
    fn errors(&self) -> &[ParseError] {
        &self.errors
    }

    fn comments(&self) -> &[TextRange] {
        &self.comments
    }

    /// The portal reads the files `include-and-override` names over the
    /// including file, from its folder (which is `${liferay.home}` for the
    /// portal's own files); a path the node's files cannot show (absolute,
    /// a URL, another variable) names nothing to follow.
    fn references(&self, text: &str) -> Vec<Reference> {
        if self.dialect != Dialect::Liferay {
            return Vec::new();
        }
        self.entries_for(text, "include-and-override")
            .flat_map(|entry| entry.list_items(text))
            .filter_map(|item| {
                let path = item.text.replace("${liferay.home}", ".");
                let outside = path.is_empty()
                    || path.contains("${")
                    || path.starts_with('/')
                    || path.contains(':');
                (!outside)
                    .then(|| Reference::optional(&path, item.range, Format::LIFERAY_PROPERTIES))
            })
            .collect()
    }

    fn ranges(&self) -> Vec<TextRange> {
        self.entries
            .iter()
            .flat_map(|e| [e.key_range, e.value_range])
            .collect()
    }

    fn tree(&self, text: &str) -> ConfigTree {
        let entries = self
            .entries
            .iter()
            .map(|e| {
                let items = e.list_items(text);
                let values = if items.len() > 1 {
                    items.into_iter().map(|i| value(&i.text, i.range)).collect()
                } else {
                    vec![value(e.value(text), e.value_range)]
                };
                TreeNode::leaf(e.key(text), e.key_range, values, e.range())
            })
            .collect();
        ConfigTree {
            entries,
            flat: true,
        }
    }

    fn outline(&self, text: &str, guard: &Guard) -> Vec<Symbol> {
        self.entries
            .iter()
            .map(|entry| {
                let key = entry.key(text);
                Symbol::new(
                    SymbolKind::Key,
                    key,
                    "(empty key)",
                    entry.range(),
                    entry.key_range,
                )
                .with_detail(guard.value(
                    is_secret_key(key),
                    entry.value_range,
                    entry.value(text),
                ))
            })
            .collect()
    }

    fn secrets(&self, text: &str) -> Vec<TextRange> {
        self.entries
            .iter()
            .filter(|entry| is_secret_key(entry.key(text)))
            .map(|entry| entry.value_range)
            .collect()
    }
}
