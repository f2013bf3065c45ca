//! OSGi typed `.config` files as the pipeline needs them.

use crate::formats::decode::Encoding;
use crate::formats::outline::{Guard, Symbol, SymbolKind};
use crate::formats::tree::{ConfigTree, TreeNode, value};
use crate::formats::{
    Claim, CommentSyntax, Document, Family, FileFormat, FilePath, ParseError, ParsedDocument,
};
use crate::secrets::is_secret_key;
use crate::source::TextRange;

use super::OsgiConfigDocument;

/// OSGi typed `.config` (Felix `ConfigurationHandler` format).
pub struct OsgiConfigFormat;

impl FileFormat for OsgiConfigFormat {
    fn name(&self) -> &'static str {
        "osgi-config"
    }

    fn family(&self) -> Family {
        Family::Liferay
    }

    fn encoding(&self) -> Encoding {
        Encoding::Utf8Strict
    }

    fn parse(&self, text: &str, _max_depth: Option<usize>) -> Document {
        Document::new(super::parse(text))
    }

    fn claim(&self, path: &FilePath<'_>) -> Option<Claim> {
        (path.name.ends_with(".config") && is_pid_file_name(path.name, path.folders))
            .then_some(Claim::Pattern)
    }

    fn home(&self, folders: &[&str]) -> Option<usize> {
        folders.windows(2).position(|w| w == ["osgi", "configs"])
    }

    fn comment_syntax(&self) -> CommentSyntax {
        CommentSyntax::HashBeforeEntries
    }
}

/// Whether a `.config` file is an OSGi configuration: in `osgi/configs/`,
/// or named after a dotted PID (`com.example.Thing.config`,
/// `...Configuration~default.config`); not a .NET `Web.config`,
/// `App.config` or `packages.config`.
fn is_pid_file_name(name: &str, folders: &[&str]) -> bool {
    if folders.windows(2).any(|w| w == ["osgi", "configs"]) {
        return true;
    }
    let stem = name.strip_suffix(".config").unwrap_or(name);
    let pid = stem.split(['~', '-', '_']).next().unwrap_or(stem);
    pid.matches('.').count() >= 2
        && pid
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()))
}

impl ParsedDocument for OsgiConfigDocument {
    fn errors(&self) -> &[ParseError] {
        &self.errors
    }

    fn comments(&self) -> &[TextRange] {
        &self.comments
    }

    fn ranges(&self) -> Vec<TextRange> {
        let mut out = Vec::new();
        for e in &self.entries {
            out.extend([e.key_range, e.value_range]);
            out.extend(e.items.iter().map(|i| i.range));
        }
        out.extend(self.liferay_stop);
        out
    }

    fn tree(&self, _text: &str) -> ConfigTree {
        let entries = self
            .entries
            .iter()
            .map(|e| {
                let values = e.items.iter().map(|i| value(&i.text, i.range)).collect();
                TreeNode::leaf(
                    &e.key,
                    e.key_range,
                    values,
                    e.key_range.cover(e.value_range),
                )
            })
            .collect();
        ConfigTree {
            entries,
            flat: true,
        }
    }

    fn outline(&self, _text: &str, guard: &Guard) -> Vec<Symbol> {
        self.entries
            .iter()
            .map(|entry| {
                Symbol::new(
                    SymbolKind::Key,
                    &entry.key,
                    "(empty key)",
                    entry.key_range.cover(entry.value_range),
                    entry.key_range,
                )
                .with_detail(guard.value(
                    is_secret_key(&entry.key),
                    entry.value_range,
                    &entry.joined(),
                ))
            })
            .collect()
    }

    fn secrets(&self, _text: &str) -> Vec<TextRange> {
        self.entries
            .iter()
            .filter(|entry| is_secret_key(&entry.key))
            .map(|entry| entry.value_range)
            .collect()
    }
}
