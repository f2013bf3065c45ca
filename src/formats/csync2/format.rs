//! csync2 as the pipeline needs it: recognising its files, its `config`
//! includes and key files, tree, outline and secrets.

use crate::formats::outline::{Guard, Symbol, SymbolKind};
use crate::formats::tree::{ConfigTree, TreeNode, value};
use crate::formats::{
    Claim, Confirmation, Document, FileFormat, FilePath, Format, ParseError, ParsedDocument,
    ProgramPaths, Reference, ReferenceKind, unless_template,
};
use crate::secrets::dsn_password;
use crate::source::TextRange;

use super::{Action, Csync2Document, Group, Host, Statement, Text};

/// `csync2.cfg` and the files its `config` statements include.
pub struct Csync2Format;

static PATHS: ProgramPaths = ProgramPaths {
    usual_folders: &["/etc/csync2/", "/usr/local/etc/csync2/", "/etc/"],
    main_files: &["csync2.cfg"],
    package_files: &[],
    package_globs: &[],
    include_folders: &[],
    relative_to_prefix: false,
    relative_to_working_dir: false,
};

impl FileFormat for Csync2Format {
    fn name(&self) -> &'static str {
        "csync2"
    }

    fn parse(&self, text: &str, _max_depth: Option<usize>) -> Document {
        Document::new(super::parse(text))
    }

    fn parse_fragment(&self, text: &str) -> Document {
        Document::new(super::parse_group_body(text))
    }

    fn claim(&self, path: &FilePath<'_>) -> Option<Claim> {
        let name = path.name;
        if name == "csync2.cfg" {
            Some(Claim::Name)
        } else if name.starts_with("csync2") && (name.ends_with(".cfg") || name.ends_with(".conf"))
        {
            Some(Claim::Pattern)
        } else {
            None
        }
    }

    fn checks_content(&self) -> bool {
        true
    }

    fn confirm(&self, head: &[u8]) -> Confirmation {
        unless_template(head)
    }

    fn program_paths(&self) -> &'static ProgramPaths {
        &PATHS
    }
}

impl ParsedDocument for Csync2Document {
    fn errors(&self) -> &[ParseError] {
        &self.errors
    }

    fn comments(&self) -> &[TextRange] {
        &self.comments
    }

    fn references(&self, _text: &str) -> Vec<Reference> {
        // csync2 reads a `config` file where the statement stands: inside
        // a group, the file is the group's statements.
        let configs = self.includes.iter().map(|i| Reference {
            kind: ReferenceKind::File,
            required: true,
            fragment: self
                .groups
                .iter()
                .any(|g| g.range.start < i.range.start && i.range.end <= g.range.end),
            ..Reference::include(&i.text, i.range, Format::CSYNC2)
        });
        let keys = self
            .groups
            .iter()
            .flat_map(|g| &g.keys)
            .map(|k| Reference::optional(&k.text, k.range, Format::CSYNC2_KEY));
        configs.chain(keys).collect()
    }

    fn ranges(&self) -> Vec<TextRange> {
        let mut out = Vec::new();
        for g in &self.groups {
            out.extend([g.keyword, g.range]);
            out.extend(g.name.iter().map(|n| n.range));
            for h in &g.hosts {
                out.push(h.name.range);
                out.extend(h.peer.iter().map(|p| p.range));
            }
            let lists = [&g.keys, &g.includes, &g.excludes, &g.compare, &g.auto];
            out.extend(lists.iter().flat_map(|l| l.iter().map(|t| t.range)));
        }
        out.extend(self.includes.iter().map(|i| i.range));
        out
    }

    fn tree(&self, _text: &str) -> ConfigTree {
        ConfigTree {
            entries: tree(self),
            flat: false,
        }
    }

    fn outline(&self, _text: &str, guard: &Guard) -> Vec<Symbol> {
        outline(self, guard)
    }

    fn secrets(&self, text: &str) -> Vec<TextRange> {
        let mut ranges = Vec::new();
        // `database pgsql://user:password@host/db`: the password part.
        for statement in self
            .statements
            .iter()
            .filter(|s| s.keyword.text == "database")
        {
            for arg in &statement.args {
                if let Some(password) = dsn_password(arg.range.slice(text)) {
                    let start = arg.range.start + password.start as u32;
                    ranges.push(TextRange::new(start, start + password.len() as u32));
                }
            }
        }
        ranges
    }
}

fn tree(doc: &Csync2Document) -> Vec<TreeNode> {
    let words = |name: &str, list: &[Text]| -> Option<TreeNode> {
        let first = list.first()?;
        let range = list.iter().fold(first.range, |r, t| r.cover(t.range));
        Some(TreeNode::leaf(
            name,
            first.range,
            list.iter().map(|t| value(&t.text, t.range)).collect(),
            range,
        ))
    };
    let mut entries: Vec<TreeNode> = doc
        .statements
        .iter()
        .map(|s| {
            let range = s.args.iter().fold(s.keyword.range, |r, t| r.cover(t.range));
            TreeNode::leaf(
                &s.keyword.text,
                s.keyword.range,
                s.args.iter().map(|t| value(&t.text, t.range)).collect(),
                range,
            )
        })
        .collect();
    entries.extend(words("config", &doc.includes));
    for group in &doc.groups {
        let mut children: Vec<TreeNode> = group
            .hosts
            .iter()
            .map(|h| {
                let mut values = vec![value(&h.name.text, h.name.range)];
                values.extend(h.peer.iter().map(|p| value(&p.text, p.range)));
                TreeNode::leaf("host", h.name.range, values, h.name.range)
            })
            .collect();
        for (name, list) in [
            ("key", &group.keys),
            ("include", &group.includes),
            ("exclude", &group.excludes),
            ("compare", &group.compare),
            ("auto", &group.auto),
        ] {
            children.extend(
                list.iter()
                    .filter_map(|t| words(name, std::slice::from_ref(t))),
            );
        }
        children.extend(
            group
                .backup_directory
                .iter()
                .filter_map(|t| words("backup-directory", std::slice::from_ref(t))),
        );
        children.extend(
            group
                .backup_generations
                .iter()
                .filter_map(|t| words("backup-generations", std::slice::from_ref(t))),
        );
        for action in &group.actions {
            let mut parts: Vec<TreeNode> = Vec::new();
            parts.extend(words("pattern", &action.patterns));
            parts.extend(
                action
                    .exec
                    .iter()
                    .filter_map(|t| words("exec", std::slice::from_ref(t))),
            );
            parts.extend(
                action
                    .logfile
                    .iter()
                    .filter_map(|t| words("logfile", std::slice::from_ref(t))),
            );
            children.push(TreeNode {
                name: "action".to_string(),
                name_range: action.range,
                values: Vec::new(),
                children: parts,
                range: action.range,
            });
        }
        children.sort_by_key(|c| c.range.start);
        let name = group.name.as_ref();
        entries.push(TreeNode {
            name: "group".to_string(),
            name_range: group.keyword,
            values: name.map(|n| value(&n.text, n.range)).into_iter().collect(),
            children,
            range: group.range,
        });
    }
    entries.sort_by_key(|e| e.range.start);
    entries
}

fn outline(doc: &Csync2Document, guard: &Guard) -> Vec<Symbol> {
    let mut out = Vec::new();
    for group in &doc.groups {
        let mut children = csync2_group_children(group, guard);
        // `config FILE;` stands where it is written, also inside a group.
        children.extend(
            doc.includes
                .iter()
                .filter(|i| group.range.start <= i.range.start && i.range.end <= group.range.end)
                .map(|i| csync2_value(SymbolKind::Directive, "config", i, guard)),
        );
        if group.keyword.is_empty() {
            // The body of a group in a file a `config` includes: the whole
            // file is the group, so its statements stand at the top.
            out.extend(children);
            continue;
        }
        let (name, selection) = match &group.name {
            Some(name) => (name.text.as_str(), name.range),
            None => ("", group.keyword),
        };
        out.push(
            Symbol::new(
                SymbolKind::Group,
                name,
                "(unnamed group)",
                group.range,
                selection,
            )
            .with_children(children),
        );
    }
    out.extend(
        doc.includes
            .iter()
            .filter(|i| {
                !doc.groups
                    .iter()
                    .any(|g| g.range.start <= i.range.start && i.range.end <= g.range.end)
            })
            .map(|i| csync2_value(SymbolKind::Directive, "config", i, guard)),
    );
    out.extend(doc.statements.iter().map(|s| csync2_statement(s, guard)));
    out
}

/// A top-level statement: `nossl`, `database`, `tempdir`, ...
fn csync2_statement(statement: &Statement, guard: &Guard) -> Symbol {
    let keyword = &statement.keyword;
    let range = statement
        .args
        .iter()
        .fold(keyword.range, |range, a| range.cover(a.range));
    // A database is named by a DSN, which may carry a password.
    let detail = if keyword.text == "database" {
        None
    } else {
        guard.words(statement.args.iter().map(|a| (a.range, a.text.as_str())))
    };
    Symbol::new(
        SymbolKind::Directive,
        &keyword.text,
        "(empty statement)",
        range,
        keyword.range,
    )
    .with_detail(detail)
}

/// The statements of a group. The parser keeps the values of `key`,
/// `include`, ... but not their keywords, so each value is a symbol of
/// its own, ranged over the value.
fn csync2_group_children(group: &Group, guard: &Guard) -> Vec<Symbol> {
    let mut out: Vec<Symbol> = group.hosts.iter().map(|h| csync2_host(h, guard)).collect();
    let lists: [(SymbolKind, &str, &[Text]); 5] = [
        (SymbolKind::Key, "key", &group.keys),
        (SymbolKind::Directive, "include", &group.includes),
        (SymbolKind::Directive, "exclude", &group.excludes),
        (SymbolKind::Directive, "compare", &group.compare),
        (SymbolKind::Directive, "auto", &group.auto),
    ];
    for (kind, keyword, values) in lists {
        out.extend(values.iter().map(|v| csync2_value(kind, keyword, v, guard)));
    }
    let singles = [
        ("backup-directory", &group.backup_directory),
        ("backup-generations", &group.backup_generations),
    ];
    for (keyword, value) in singles {
        out.extend(
            value
                .iter()
                .map(|v| csync2_value(SymbolKind::Directive, keyword, v, guard)),
        );
    }
    out.extend(group.actions.iter().map(|a| csync2_action(a, guard)));
    out
}

fn csync2_host(host: &Host, guard: &Guard) -> Symbol {
    let range = host
        .peer
        .iter()
        .fold(host.name.range, |range, p| range.cover(p.range));
    let mut notes: Vec<String> = host
        .peer
        .iter()
        .filter_map(|p| guard.detail(p.range, &p.text))
        .map(|p| format!("@{p}"))
        .collect();
    if host.slave {
        notes.push("slave".to_string());
    }
    Symbol::new(
        SymbolKind::Host,
        &host.name.text,
        "(empty host)",
        range,
        host.name.range,
    )
    .with_detail(Some(notes.join(" ")).filter(|n| !n.is_empty()))
}

/// `keyword VALUE`, ranged over the value.
fn csync2_value(kind: SymbolKind, keyword: &str, value: &Text, guard: &Guard) -> Symbol {
    Symbol::new(kind, keyword, keyword, value.range, value.range)
        .with_detail(guard.detail(value.range, &value.text))
}

fn csync2_action(action: &Action, guard: &Guard) -> Symbol {
    let patterns: Vec<Symbol> = action
        .patterns
        .iter()
        .map(|p| csync2_value(SymbolKind::Directive, "pattern", p, guard))
        .collect();
    let detail = guard.words(action.patterns.iter().map(|p| (p.range, p.text.as_str())));
    let mut children = patterns;
    // A command line is free text that may hold a password: named, not
    // shown.
    children.extend(
        action
            .exec
            .iter()
            .map(|e| Symbol::new(SymbolKind::Directive, "exec", "exec", e.range, e.range)),
    );
    children.extend(
        action
            .logfile
            .iter()
            .map(|l| csync2_value(SymbolKind::Directive, "logfile", l, guard)),
    );
    // The parser's range starts at the `action` keyword.
    let keyword = TextRange::new(
        action.range.start,
        (action.range.start + 6).min(action.range.end),
    );
    Symbol::new(SymbolKind::Block, "action", "action", action.range, keyword)
        .with_detail(detail)
        .with_children(children)
}
