//! stunnel as the pipeline needs it: recognising its files, its includes
//! and key files, tree, outline and secrets.

use crate::formats::outline::{Guard, Symbol, SymbolKind};
use crate::formats::tree::{ConfigTree, TreeNode, value};
use crate::formats::{
    Claim, Confirmation, Document, FileFormat, FilePath, Format, ParseError, ParsedDocument,
    ProgramPaths, Reference, ReferenceKind, unless_template, xml,
};
use crate::secrets::is_secret_key;
use crate::source::TextRange;

use super::{StunnelDocument, StunnelOption};

/// `stunnel.conf` and the files of its `include` folders.
pub struct StunnelFormat;

static PATHS: ProgramPaths = ProgramPaths {
    usual_folders: &["/etc/stunnel/", "/usr/local/etc/stunnel/"],
    main_files: &["stunnel.conf"],
    package_files: &[],
    package_globs: &[],
    include_folders: &[],
    relative_to_prefix: false,
    relative_to_working_dir: false,
};

impl FileFormat for StunnelFormat {
    fn name(&self) -> &'static str {
        "stunnel"
    }

    fn parse(&self, text: &str, _max_depth: Option<usize>) -> Document {
        Document::new(super::parse(text))
    }

    fn claim(&self, path: &FilePath<'_>) -> Option<Claim> {
        // `/etc/stunnel/redis-client.conf` is stunnel whatever its name.
        if path.name.ends_with(".conf") && path.folders.contains(&"stunnel") {
            Some(Claim::Folder)
        } else {
            (path.name == "stunnel.conf").then_some(Claim::Name)
        }
    }

    fn checks_content(&self) -> bool {
        true
    }

    fn confirm(&self, head: &[u8]) -> Confirmation {
        unless_template(head)
    }

    fn sniffs(&self, name: &str) -> bool {
        name.ends_with(".xml") || name.ends_with(".conf")
    }

    fn sniff(&self, head: &[u8]) -> bool {
        let head = &String::from_utf8_lossy(head);
        xml::format::root_element(head).is_none() && has_service_sections(head)
    }

    fn program_paths(&self) -> &'static ProgramPaths {
        &PATHS
    }
}

/// Whether text holds an INI `[section]` followed by an `accept` or
/// `connect` option, as a stunnel service does.
#[must_use]
pub fn has_service_sections(text: &str) -> bool {
    let mut section = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') && line.ends_with(']') {
            section = true;
        } else if section {
            let key = line.split('=').next().unwrap_or("").trim();
            if key == "accept" || key == "connect" {
                return true;
            }
        }
    }
    false
}

impl StunnelDocument {
    fn options(&self) -> impl Iterator<Item = &StunnelOption> {
        self.global
            .iter()
            .chain(self.services.iter().flat_map(|s| s.options.iter()))
    }
}

impl ParsedDocument for StunnelDocument {
    fn errors(&self) -> &[ParseError] {
        &self.errors
    }

    fn comments(&self) -> &[TextRange] {
        &self.comments
    }

    fn references(&self, _text: &str) -> Vec<Reference> {
        self.options()
            .filter_map(|o| match o.name.as_str() {
                "include" => Some(Reference {
                    value: o.value.clone(),
                    range: o.value_range,
                    kind: ReferenceKind::Directory,
                    format: Format::STUNNEL,
                    required: true,
                    fragment: false,
                }),
                "cert" | "key" | "cafile" => {
                    Some(Reference::optional(&o.value, o.value_range, Format::PEM))
                }
                _ => None,
            })
            .collect()
    }

    fn ranges(&self) -> Vec<TextRange> {
        let mut out: Vec<TextRange> = self
            .options()
            .flat_map(|o| [o.name_range, o.value_range])
            .collect();
        out.extend(self.services.iter().map(|s| s.header));
        out
    }

    fn tree(&self, _text: &str) -> ConfigTree {
        let option = |o: &StunnelOption| {
            TreeNode::leaf(
                &o.name,
                o.name_range,
                vec![value(&o.value, o.value_range)],
                o.name_range.cover(o.value_range),
            )
        };
        let mut entries: Vec<TreeNode> = self.global.iter().map(option).collect();
        entries.extend(self.services.iter().map(|s| {
            let children: Vec<TreeNode> = s.options.iter().map(option).collect();
            let range = children.iter().fold(s.header, |r, c| r.cover(c.range));
            TreeNode {
                name: "service".to_string(),
                name_range: s.header,
                values: vec![value(&s.name, s.header)],
                children,
                range,
            }
        }));
        ConfigTree {
            entries,
            flat: false,
        }
    }

    fn outline(&self, text: &str, guard: &Guard) -> Vec<Symbol> {
        let mut out: Vec<Symbol> = self
            .global
            .iter()
            .map(|o| outline_option(o, text, guard))
            .collect();
        out.extend(self.services.iter().map(|service| {
            let options: Vec<Symbol> = service
                .options
                .iter()
                .map(|o| outline_option(o, text, guard))
                .collect();
            let range = options
                .iter()
                .fold(service.header, |range, o| range.cover(o.range));
            // The header is the trimmed `[name]` line: the name is inside.
            let header = service.header;
            let selection = if header.len() >= 2 {
                TextRange::new(header.start + 1, header.end - 1)
            } else {
                header
            };
            Symbol::new(
                SymbolKind::Section,
                &service.name,
                "(unnamed service)",
                range,
                selection,
            )
            .with_children(options)
        }));
        out
    }

    fn secrets(&self, text: &str) -> Vec<TextRange> {
        let mut ranges: Vec<TextRange> = self
            .options()
            .filter(|o| is_secret_key(&o.name))
            .map(|o| o.value_range)
            .collect();
        crate::secrets::scan_psk_lines(text, &mut ranges);
        ranges
    }
}

fn outline_option(option: &StunnelOption, text: &str, guard: &Guard) -> Symbol {
    // The name as written (`PSKsecrets`), not lower-cased as stunnel
    // compares it.
    Symbol::new(
        SymbolKind::Key,
        option.name_range.slice(text),
        "(empty option)",
        option.name_range.cover(option.value_range),
        option.name_range,
    )
    .with_detail(guard.value(
        is_secret_key(&option.name),
        option.value_range,
        &option.value,
    ))
}
