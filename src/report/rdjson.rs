//! `--format rdjson`: reviewdog's Diagnostic Format (the
//! `DiagnosticResult` JSON of `reviewdog -f=rdjson`), so reviewdog can
//! comment on pull requests: each diagnostic has its message (with the
//! help), `location.path` and a `range` whose columns count UTF-8 bytes
//! from 1 with an exclusive end, `severity` (`ERROR`, `WARNING`, `INFO`),
//! `code.value` (the rule, with `code.url` where rule pages are
//! published) and the fix's replacements in the same file as
//! `suggestions`.

use serde::Serialize;

use crate::diagnostic::{Edit, Severity};
use crate::outcome::Report;
use crate::report::{Finding, findings};
use crate::source::{ColumnUnit, Span};

#[derive(Serialize)]
struct DiagnosticResult<'a> {
    source: Source,
    diagnostics: Vec<Diagnostic<'a>>,
}

#[derive(Serialize)]
struct Source {
    name: &'static str,
}

#[derive(Serialize)]
struct Diagnostic<'a> {
    message: String,
    location: Location,
    severity: &'static str,
    code: Code<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suggestions: Vec<Suggestion<'a>>,
}

#[derive(Serialize)]
struct Location {
    path: String,
    range: Range,
}

#[derive(Serialize)]
struct Range {
    start: Position,
    end: Position,
}

#[derive(Serialize)]
struct Position {
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct Code<'a> {
    value: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct Suggestion<'a> {
    range: Range,
    text: &'a str,
}

/// One-based line and UTF-8 column of `span`'s ends.
fn range(finding: &Finding<'_>, span: Span) -> Range {
    let source = finding.report.files.source(span.file);
    let at = |offset: u32| {
        let (line, column) = source
            .lines
            .line_column(&source.text, offset, ColumnUnit::Utf8);
        Position {
            line: line + 1,
            column: column + 1,
        }
    };
    Range {
        start: at(span.range.start),
        end: at(span.range.end),
    }
}

/// The report as reviewdog's `DiagnosticResult`.
#[must_use]
pub fn render(reports: &[(&str, &Report)]) -> String {
    let diagnostics = findings(reports)
        .map(|finding| {
            let d = finding.diagnostic;
            let file = d.primary.span.file;
            Diagnostic {
                message: match &d.help {
                    Some(help) => format!("{}\n{help}", d.message),
                    None => d.message.clone(),
                },
                location: Location {
                    path: finding.path(),
                    range: range(&finding, d.primary.span),
                },
                severity: match d.severity {
                    Severity::Error => "ERROR",
                    Severity::Warning => "WARNING",
                    Severity::Info => "INFO",
                },
                code: Code {
                    value: &d.rule,
                    url: finding.report.rule_url(&d.rule),
                },
                // reviewdog suggests changes to the file it comments on.
                suggestions: d
                    .fix
                    .iter()
                    .flat_map(|fix| &fix.edits)
                    .filter_map(|edit| match edit {
                        Edit::Replace { span, text } if span.file == file => Some(Suggestion {
                            range: range(&finding, *span),
                            text,
                        }),
                        _ => None,
                    })
                    .collect(),
            }
        })
        .collect();
    let result = DiagnosticResult {
        source: Source {
            name: "clusterlint",
        },
        diagnostics,
    };
    let mut text = serde_json::to_string_pretty(&result).unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    text
}
