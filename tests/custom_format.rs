//! A format added from outside the crate, through the public registration
//! point (`clusterlint::formats::register`), goes through the whole
//! pipeline: its files are recognised on disk and assigned to nodes,
//! parsed, their parse errors reported, their secrets masked in every
//! output, their tree queried by a `[[check]]`, their comments honoured as
//! suppressions, and their outline served.

use std::fs;

use clusterlint::formats::outline::{Guard, Symbol, SymbolKind};
use clusterlint::formats::tree::{ConfigTree, TreeNode, value};
use clusterlint::formats::{
    self, Claim, Document, FileFormat, FilePath, Format, ParseError, ParsedDocument,
};
use clusterlint::report::json;
use clusterlint::{LintOptions, TextRange, Workspace};

/// `key = value` lines; `;` starts a comment; a line without `=` is an
/// error. A made-up format no built-in one reads.
#[derive(Debug, Default)]
struct AcmeDocument {
    entries: Vec<Entry>,
    comments: Vec<TextRange>,
    errors: Vec<ParseError>,
}

#[derive(Debug)]
struct Entry {
    key: String,
    key_range: TextRange,
    value: String,
    value_range: TextRange,
}

fn parse(text: &str) -> AcmeDocument {
    let mut doc = AcmeDocument::default();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let start = at;
        at += line.len();
        let trimmed = body.trim_start();
        let indent = body.len() - trimmed.len();
        if trimmed.is_empty() {
            continue;
        }
        if trimmed.starts_with(';') {
            doc.comments
                .push(TextRange::from_usize(start + indent..start + body.len()));
            continue;
        }
        let Some((key, value)) = body.split_once('=') else {
            doc.errors.push(ParseError::new(
                TextRange::from_usize(start..start + body.len()),
                "expected `key = value`",
            ));
            continue;
        };
        let key_start = start + key.len() - key.trim_start().len();
        let key_text = key.trim();
        let value_offset = start + key.len() + 1;
        let value_start = value_offset + value.len() - value.trim_start().len();
        let value_text = value.trim();
        doc.entries.push(Entry {
            key: key_text.to_string(),
            key_range: TextRange::from_usize(key_start..key_start + key_text.len()),
            value: value_text.to_string(),
            value_range: TextRange::from_usize(value_start..value_start + value_text.len()),
        });
    }
    doc
}

impl ParsedDocument for AcmeDocument {
    fn errors(&self) -> &[ParseError] {
        &self.errors
    }

    fn comments(&self) -> &[TextRange] {
        &self.comments
    }

    fn tree(&self, _text: &str) -> ConfigTree {
        let entries = self
            .entries
            .iter()
            .map(|e| {
                TreeNode::leaf(
                    &e.key,
                    e.key_range,
                    vec![value(&e.value, e.value_range)],
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
            .map(|e| {
                Symbol::new(
                    SymbolKind::Key,
                    &e.key,
                    "(empty key)",
                    e.key_range.cover(e.value_range),
                    e.key_range,
                )
                .with_detail(guard.detail(e.value_range, &e.value))
            })
            .collect()
    }

    fn secrets(&self, _text: &str) -> Vec<TextRange> {
        self.entries
            .iter()
            .filter(|e| e.key.contains("token"))
            .map(|e| e.value_range)
            .collect()
    }
}

struct Acme;

impl FileFormat for Acme {
    fn name(&self) -> &'static str {
        "acme-ini"
    }

    fn parse(&self, text: &str, _max_depth: Option<usize>) -> Document {
        Document::new(parse(text))
    }

    fn claim(&self, path: &FilePath<'_>) -> Option<Claim> {
        path.name.ends_with(".acme").then_some(Claim::Name)
    }
}

static ACME: Acme = Acme;

/// A format that takes a built-in format's name.
struct Impostor;

impl FileFormat for Impostor {
    fn name(&self) -> &'static str {
        "nginx"
    }

    fn parse(&self, text: &str, _: Option<usize>) -> Document {
        Document::new(parse(text))
    }
}

static IMPOSTOR: Impostor = Impostor;

const TOKEN_ONE: &str = "Zq7-acme-token-one-5521";
const TOKEN_TWO: &str = "Zq7-acme-token-two-9043";

fn acme() -> Format {
    formats::register(&ACME).expect("the name is free")
}

#[test]
fn registering_gives_one_format_by_name() {
    let format = acme();
    assert_eq!(formats::register(&ACME), Some(format));
    assert_eq!(Format::from_name("acme-ini"), Some(format));
    assert_eq!(format.name(), "acme-ini");
    assert_eq!(formats::classify("app1/etc/acme/app.acme"), Some(format));
    assert_eq!(formats::classify("app1/app.acmex"), None);
    // A built-in name is refused.
    assert_eq!(formats::register(&IMPOSTOR), None);
}

#[test]
fn a_registered_format_is_checked_end_to_end() {
    acme();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |path: &str, text: &str| {
        let path = root.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };
    write(
        "clusterlint.toml",
        "[rules]\nselect = [\"core\", \"acme\"]\n\n[nodes.app1]\n[nodes.app2]\n\n[[check]]\nid = \"acme/port-agrees\"\nseverity = \"error\"\npath = \"app.acme:port\"\nsame-across-nodes = true\n",
    );
    write(
        "app1/app.acme",
        &format!("; the first node\nport = 8080\napi.token = {TOKEN_ONE}\n"),
    );
    write(
        "app2/app.acme",
        &format!("port = 9090\napi.token = {TOKEN_TWO}\nthis line is broken\n"),
    );

    let workspace = Workspace::from_dir(root).unwrap();
    let report = workspace.lint(&LintOptions::default());
    let found: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| {
            let (start, _) = report.position(d.primary.span);
            format!("{}:{} {}", report.path(d.primary.span), start.line, d.rule)
        })
        .collect();
    // The check ran on the format's tree; the parse error is located.
    assert!(
        found.iter().any(|f| {
            f == "app1/app.acme:2 acme/port-agrees" || f == "app2/app.acme:1 acme/port-agrees"
        }),
        "{found:?}"
    );
    assert!(
        found.contains(&"app2/app.acme:3 core/parse-error".to_string()),
        "{found:?}"
    );
    // Both files belong to their nodes and have the format.
    for node in &report.nodes {
        assert_eq!(node.files.len(), 1, "{}", node.name);
        let file = report.files.file(node.files[0]);
        assert_eq!(file.format, Some(acme()));
    }
    // The tokens are masked in every rendering.
    let outputs = [
        json::render(&report),
        clusterlint::report::human::render(
            &report,
            clusterlint::report::human::HumanOptions::default(),
        ),
    ];
    for output in &outputs {
        for token in [TOKEN_ONE, TOKEN_TWO] {
            assert!(!output.contains(&token[..8]), "a token leaked: {output}");
        }
    }
    // The outline lists the keys and hides the tokens.
    let file = report.files.file(report.nodes[0].files[0]);
    let symbols = file.document.outline(&file.source.text);
    let names: Vec<&str> = symbols.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["port", "api.token"]);
    assert_eq!(symbols[0].detail.as_deref(), Some("8080"));
    assert_eq!(symbols[1].detail, None);
}

#[test]
fn suppression_comments_of_the_format_are_honoured() {
    acme();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("app1")).unwrap();
    fs::write(
        root.join("app1/app.acme"),
        "; clusterlint: ignore[core/parse-error]\nbroken line\nnext line broken\n",
    )
    .unwrap();
    let report = Workspace::from_dir(root)
        .unwrap()
        .lint(&LintOptions::default());
    let lines: Vec<u32> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "core/parse-error")
        .map(|d| report.position(d.primary.span).0.line)
        .collect();
    assert_eq!(lines, [3], "{:?}", report.diagnostics);
}
