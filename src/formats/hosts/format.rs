//! `/etc/hosts` as the pipeline needs it.

use crate::formats::outline::{Guard, Symbol, SymbolKind};
use crate::formats::tree::{ConfigTree, TreeNode, value};
use crate::formats::{
    Claim, Confirmation, Document, FileFormat, FilePath, ParseError, ParsedDocument,
};
use crate::source::TextRange;

use super::HostsDocument;

/// `/etc/hosts`.
pub struct HostsFormat;

impl FileFormat for HostsFormat {
    fn name(&self) -> &'static str {
        "hosts"
    }

    fn parse(&self, text: &str, _max_depth: Option<usize>) -> Document {
        Document::new(super::parse(text))
    }

    fn claim(&self, path: &FilePath<'_>) -> Option<Claim> {
        (path.name == "hosts").then_some(Claim::Name)
    }

    fn checks_content(&self) -> bool {
        true
    }

    fn confirm(&self, head: &[u8]) -> Confirmation {
        if is_ansible_inventory(head) {
            Confirmation::Drop
        } else {
            Confirmation::Keep
        }
    }
}

/// Whether a file named `hosts` is an Ansible inventory (INI groups,
/// `key=value` host variables, or YAML) rather than `/etc/hosts`, whose
/// lines start with an address.
#[must_use]
pub fn is_ansible_inventory(head: &[u8]) -> bool {
    // A binary file is no inventory (reading it reports it as it is).
    let Ok(text) = std::str::from_utf8(head) else {
        return false;
    };
    if text.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        return false;
    }
    let mut addresses = 0;
    let mut other = 0;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if line.starts_with('[') && line.ends_with(']') {
            return true;
        }
        let first = line.split_whitespace().next().unwrap_or("");
        if first.ends_with(':') || line.contains("ansible_") {
            return true;
        }
        let address = first.split('%').next().unwrap_or(first);
        if address.parse::<std::net::IpAddr>().is_ok() {
            addresses += 1;
        } else {
            other += 1;
        }
    }
    addresses == 0 && other > 0
}

impl ParsedDocument for HostsDocument {
    fn errors(&self) -> &[ParseError] {
        &[]
    }

    fn comments(&self) -> &[TextRange] {
        &self.comments
    }

    fn ranges(&self) -> Vec<TextRange> {
        let mut out = Vec::new();
        for e in &self.entries {
            out.extend([e.address_range, e.range]);
            out.extend(e.names.iter().map(|n| n.range));
        }
        out
    }

    fn tree(&self, _text: &str) -> ConfigTree {
        let entries = self
            .entries
            .iter()
            .map(|e| {
                let values = e.names.iter().map(|n| value(&n.name, n.range)).collect();
                TreeNode::leaf(&e.address_text, e.address_range, values, e.range)
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
                let detail = guard.words(entry.names.iter().map(|n| (n.range, n.name.as_str())));
                Symbol::new(
                    SymbolKind::Host,
                    &entry.address_text,
                    "(empty address)",
                    entry.range,
                    entry.address_range,
                )
                .with_detail(detail)
            })
            .collect()
    }
}
