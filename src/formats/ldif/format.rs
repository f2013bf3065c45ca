//! OpenDJ's `config/config.ldif` (and the `config-changes.ldif` OpenDJ
//! 3.x applies at start-up) as the pipeline needs it: records as a tree,
//! an outline of entries, passwords, PINs and keys as secrets.

use crate::formats::outline::{Guard, Symbol, SymbolKind};
use crate::formats::tree::{ConfigTree, TreeNode, value};
use crate::formats::{Claim, Document, FileFormat, FilePath, ParseError, ParsedDocument};
use crate::source::TextRange;

use super::{LdifDocument, Value};

/// The LDIF files in an OpenDJ instance's `config/` folder.
pub struct LdifFormat;

/// The names the server reads from `config/`.
const SERVER_FILES: &[&str] = &["config.ldif", "config-changes.ldif"];

impl FileFormat for LdifFormat {
    fn name(&self) -> &'static str {
        "opendj-ldif"
    }

    fn parse(&self, text: &str, _max_depth: Option<usize>) -> Document {
        Document::new(super::parse(text))
    }

    fn claim(&self, path: &FilePath<'_>) -> Option<Claim> {
        (SERVER_FILES.contains(&path.name) && path.folders.last() == Some(&"config"))
            .then_some(Claim::Name)
    }

    // The instance root is the folder above `config/`.
    fn home(&self, folders: &[&str]) -> Option<usize> {
        (folders.last() == Some(&"config")).then(|| folders.len() - 1)
    }
}

impl ParsedDocument for LdifDocument {
    fn errors(&self) -> &[ParseError] {
        &self.errors
    }

    fn comments(&self) -> &[TextRange] {
        &self.comments
    }

    fn ranges(&self) -> Vec<TextRange> {
        let mut out = Vec::new();
        for r in &self.records {
            out.extend([r.dn_range, r.dn_line, r.range]);
            for a in &r.attributes {
                out.extend([a.name_range, a.value_range, a.range]);
                out.extend(a.value_pieces.iter().copied());
            }
        }
        out
    }

    /// Each record is a `dn` entry labelled by its DN, holding its
    /// attributes under lowercase names.
    fn tree(&self, _text: &str) -> ConfigTree {
        let entries = self
            .records
            .iter()
            .map(|r| {
                let children = r
                    .attributes
                    .iter()
                    .map(|a| {
                        let text = match &a.value {
                            Value::Text(t) | Value::Url(t) => t.as_str(),
                            Value::Bytes(_) => "",
                        };
                        TreeNode::leaf(
                            &a.name.to_ascii_lowercase(),
                            a.name_range,
                            vec![value(text, a.value_range)],
                            a.range,
                        )
                    })
                    .collect();
                TreeNode {
                    name: "dn".to_string(),
                    name_range: r.dn_line,
                    values: vec![value(&r.dn, r.dn_range)],
                    children,
                    range: r.range,
                }
            })
            .collect();
        ConfigTree {
            entries,
            flat: false,
        }
    }

    fn outline(&self, _text: &str, guard: &Guard) -> Vec<Symbol> {
        self.records
            .iter()
            .map(|r| {
                let children = r
                    .attributes
                    .iter()
                    .map(|a| {
                        let detail = a
                            .text()
                            .and_then(|t| guard.value(a.is_secret(), a.value_range, t));
                        Symbol::new(SymbolKind::Key, &a.name, "(no name)", a.range, a.name_range)
                            .with_detail(detail)
                    })
                    .collect();
                Symbol::new(SymbolKind::Block, &r.dn, "(empty DN)", r.range, r.dn_range)
                    .with_children(children)
            })
            .collect()
    }

    fn secrets(&self, _text: &str) -> Vec<TextRange> {
        self.records
            .iter()
            .flat_map(|r| &r.attributes)
            .filter(|a| a.is_secret())
            .flat_map(|a| a.value_pieces.iter().copied())
            .collect()
    }
}
