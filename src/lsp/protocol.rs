//! Conversions between clusterlint's values and the protocol's: ranges
//! in the negotiated column unit, diagnostics, document symbols, hovers,
//! code actions. The only module that builds `lsp_types` values from the
//! library's.

use std::collections::HashMap;
use std::path::Path;

use lsp_types as lsp;

use crate::diagnostic::{Diagnostic, Edit, Fix, Severity};
use crate::formats::outline::{Symbol, SymbolKind};
use crate::lsp::uri;
use crate::outcome::Report;
use crate::rules;
use crate::source::{ColumnUnit, LineIndex, SourceFile, TextRange};

/// A byte range of `source` as a protocol range.
#[must_use]
pub fn range(source: &SourceFile, range: TextRange, unit: ColumnUnit) -> lsp::Range {
    range_in(&source.lines, &source.text, range, unit)
}

fn range_in(lines: &LineIndex, text: &str, range: TextRange, unit: ColumnUnit) -> lsp::Range {
    let position = |offset: u32| {
        let (line, character) = lines.line_column(text, offset, unit);
        lsp::Position { line, character }
    };
    lsp::Range {
        start: position(range.start),
        end: position(range.end.max(range.start)),
    }
}

/// The byte offset of a protocol position in `text`.
#[must_use]
pub fn offset(lines: &LineIndex, text: &str, position: lsp::Position, unit: ColumnUnit) -> u32 {
    lines.offset_at(text, position.line, position.character, unit)
}

/// Where rule documentation lives: a base the client gave
/// (`initializationOptions.ruleDocsUrl`), else the cluster manifest's
/// `[docs] rules-url`; without either, no link (never a path on the
/// machine the binary was built on).
#[derive(Clone, Debug, Default)]
pub struct RuleDocs {
    base: Option<String>,
}

impl RuleDocs {
    #[must_use]
    pub fn new(client_base: Option<String>) -> Self {
        Self { base: client_base }
    }

    fn href(&self, report: &Report, rule: &str) -> Option<lsp::Uri> {
        let url = match &self.base {
            // Only the built-in rules have a reference page.
            Some(base) => crate::rules::find(rule)
                .map(|_| format!("{}/{rule}.md", base.trim_end_matches('/')))?,
            None => report.rule_url(rule)?,
        };
        url.parse().ok()
    }
}

/// A diagnostic of `report` for the protocol; its related locations are
/// in files under `root`.
#[must_use]
pub fn diagnostic(
    report: &Report,
    root: &Path,
    d: &Diagnostic,
    unit: ColumnUnit,
    docs: &RuleDocs,
) -> lsp::Diagnostic {
    let source = report.files.source(d.primary.span.file);
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|label| {
            let file = report.files.source(label.span.file);
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location {
                    uri: uri::from_path(&root.join(&file.path))?,
                    range: range(file, label.span.range, unit),
                },
                message: if label.message.is_empty() {
                    "related".to_string()
                } else {
                    label.message.clone()
                },
            })
        })
        .collect();
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    lsp::Diagnostic {
        range: range(source, d.primary.span.range, unit),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.rule.to_string())),
        code_description: docs
            .href(report, &d.rule)
            .map(|href| lsp::CodeDescription { href }),
        source: Some("clusterlint".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
    }
}

/// The documentation of the rules behind the diagnostics under the
/// cursor, as Markdown.
#[must_use]
pub fn hover(rule_ids: &[&str], range: lsp::Range) -> Option<lsp::Hover> {
    let pages: Vec<String> = rule_ids
        .iter()
        .filter_map(|id| rules::find(id))
        .map(rules::Rule::reference_page)
        .collect();
    if pages.is_empty() {
        return None;
    }
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: pages.join("\n---\n\n"),
        }),
        range: Some(range),
    })
}

/// An outline as nested document symbols.
#[must_use]
#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be written.
pub fn symbols(
    outline: &[Symbol],
    lines: &LineIndex,
    text: &str,
    unit: ColumnUnit,
) -> Vec<lsp::DocumentSymbol> {
    outline
        .iter()
        .map(|symbol| lsp::DocumentSymbol {
            name: symbol.name.clone(),
            detail: symbol.detail.clone(),
            kind: symbol_kind(symbol.kind),
            tags: None,
            deprecated: None,
            range: range_in(lines, text, symbol.range, unit),
            selection_range: range_in(lines, text, symbol.selection, unit),
            children: (!symbol.children.is_empty())
                .then(|| symbols(&symbol.children, lines, text, unit)),
        })
        .collect()
}

fn symbol_kind(kind: SymbolKind) -> lsp::SymbolKind {
    match kind {
        SymbolKind::Section => lsp::SymbolKind::NAMESPACE,
        SymbolKind::Block => lsp::SymbolKind::OBJECT,
        SymbolKind::Directive | SymbolKind::Option => lsp::SymbolKind::PROPERTY,
        SymbolKind::Key => lsp::SymbolKind::KEY,
        SymbolKind::Element => lsp::SymbolKind::STRUCT,
        SymbolKind::Group => lsp::SymbolKind::MODULE,
        SymbolKind::Host => lsp::SymbolKind::CONSTANT,
        SymbolKind::Variable => lsp::SymbolKind::VARIABLE,
    }
}

/// What the client accepts in a workspace edit.
#[derive(Clone, Copy, Debug, Default)]
pub struct EditSupport {
    /// `documentChanges` with versioned text document edits.
    pub document_changes: bool,
    /// Renaming files in `documentChanges`.
    pub rename: bool,
}

/// A fix as a quick fix; `None` when the client cannot apply it (a rename
/// without rename support) or a path has no URI.
#[must_use]
#[allow(clippy::mutable_key_type)] // `lsp_types` keys edits by `Uri`.
pub fn fix_action<S: std::hash::BuildHasher>(
    report: &Report,
    root: &Path,
    fix: &Fix,
    diagnostic: lsp::Diagnostic,
    versions: &HashMap<String, i32, S>,
    unit: ColumnUnit,
    support: EditSupport,
) -> Option<lsp::CodeAction> {
    // Text edits per file, in the fix's order; renames after them.
    let mut edits: Vec<(String, Vec<lsp::TextEdit>)> = Vec::new();
    let mut renames: Vec<(String, String)> = Vec::new();
    for edit in &fix.edits {
        match edit {
            Edit::Replace { span, text } => {
                let source = report.files.source(span.file);
                let edit = lsp::TextEdit {
                    range: range(source, span.range, unit),
                    new_text: text.clone(),
                };
                match edits.iter_mut().find(|(p, _)| *p == source.path) {
                    Some((_, list)) => list.push(edit),
                    None => edits.push((source.path.clone(), vec![edit])),
                }
            }
            Edit::Rename { file, to } => {
                renames.push((report.files.source(*file).path.clone(), to.clone()));
            }
        }
    }
    if !(renames.is_empty() || support.document_changes && support.rename) {
        return None;
    }
    let uri_of = |path: &str| uri::from_path(&root.join(path));
    let edit = if support.document_changes {
        let mut operations = Vec::new();
        for (path, list) in edits {
            operations.push(lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
                text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                    uri: uri_of(&path)?,
                    version: versions.get(&path).copied(),
                },
                edits: list.into_iter().map(lsp::OneOf::Left).collect(),
            }));
        }
        for (from, to) in renames {
            operations.push(lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Rename(
                lsp::RenameFile {
                    old_uri: uri_of(&from)?,
                    new_uri: uri_of(&to)?,
                    options: Some(lsp::RenameFileOptions {
                        overwrite: Some(false),
                        ignore_if_exists: Some(false),
                    }),
                    annotation_id: None,
                },
            )));
        }
        lsp::WorkspaceEdit {
            document_changes: Some(lsp::DocumentChanges::Operations(operations)),
            ..lsp::WorkspaceEdit::default()
        }
    } else {
        let mut changes = HashMap::new();
        for (path, list) in edits {
            changes.insert(uri_of(&path)?, list);
        }
        lsp::WorkspaceEdit {
            changes: Some(changes),
            ..lsp::WorkspaceEdit::default()
        }
    };
    Some(lsp::CodeAction {
        title: fix.description.clone(),
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic]),
        edit: Some(edit),
        is_preferred: Some(true),
        ..lsp::CodeAction::default()
    })
}

/// "Suppress": `new_text` (the suppression comment with its line break
/// or leading blank) inserted at `at` in the document at `uri`.
#[must_use]
#[allow(clippy::mutable_key_type)] // `lsp_types` keys edits by `Uri`.
pub fn suppress_action(
    uri: lsp::Uri,
    rule: &str,
    at: lsp::Position,
    new_text: String,
    diagnostic: lsp::Diagnostic,
) -> lsp::CodeAction {
    let edit = lsp::TextEdit {
        range: lsp::Range { start: at, end: at },
        new_text,
    };
    lsp::CodeAction {
        title: format!("Suppress `{rule}` here"),
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic]),
        edit: Some(lsp::WorkspaceEdit {
            changes: Some(HashMap::from([(uri, vec![edit])])),
            ..lsp::WorkspaceEdit::default()
        }),
        ..lsp::CodeAction::default()
    }
}
