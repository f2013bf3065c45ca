//! `--format json`: one object with `version`, `diagnostics` and `summary`,
//! exactly the contract in DESIGN.md. Paths are relative to the cluster root
//! with `/`; lines and columns start at 1 and count characters; the end is
//! exclusive.

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Edit};
use crate::outcome::Report;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: &'static str,
    message: &'a str,
    path: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    related: Vec<JsonRelated<'a>>,
    help: Option<&'a str>,
    fix: Option<JsonFix<'a>>,
    /// The rule's published page, where pages are published.
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    path: &'a str,
    line: u32,
    column: u32,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    description: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum JsonEdit<'a> {
    Replace {
        path: &'a str,
        line: u32,
        column: u32,
        end_line: u32,
        end_column: u32,
        text: &'a str,
    },
    Rename {
        path: &'a str,
        to: &'a str,
    },
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    nodes: usize,
    errors: usize,
    warnings: usize,
}

fn diagnostic<'a>(report: &'a Report, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    let (start, end) = report.position(d.primary.span);
    JsonDiagnostic {
        rule: &d.rule,
        severity: d.severity.as_str(),
        message: &d.message,
        path: report.path(d.primary.span),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        related: d
            .related
            .iter()
            .map(|r| {
                let (at, _) = report.position(r.span);
                JsonRelated {
                    path: report.path(r.span),
                    line: at.line,
                    column: at.column,
                    message: &r.message,
                }
            })
            .collect(),
        help: d.help.as_deref(),
        fix: d.fix.as_ref().map(|fix| JsonFix {
            description: &fix.description,
            edits: fix
                .edits
                .iter()
                .map(|edit| match edit {
                    Edit::Replace { span, text } => {
                        let (start, end) = report.position(*span);
                        JsonEdit::Replace {
                            path: report.path(*span),
                            line: start.line,
                            column: start.column,
                            end_line: end.line,
                            end_column: end.column,
                            text,
                        }
                    }
                    Edit::Rename { file, to } => JsonEdit::Rename {
                        path: &report.files.source(*file).path,
                        to,
                    },
                })
                .collect(),
        }),
        url: report.rule_url(&d.rule),
    }
}

/// Renders the report as the JSON contract (pretty-printed, one object).
#[must_use]
pub fn render(report: &Report) -> String {
    render_all(&[(None, report)])
}

/// Renders several cluster roots as one object; with a prefix, each path is
/// preceded by its root.
#[must_use]
pub fn render_all(reports: &[(Option<&str>, &Report)]) -> String {
    let mut summary = JsonSummary {
        files: 0,
        nodes: 0,
        errors: 0,
        warnings: 0,
    };
    let mut diagnostics = Vec::new();
    let mut prefixed_paths: Vec<String> = Vec::new();
    for (_, report) in reports {
        let s = report.summary();
        summary.files += s.files;
        summary.nodes += s.nodes;
        summary.errors += s.errors;
        summary.warnings += s.warnings;
    }
    // Prefixed paths are built first so the borrowed output can point at them.
    for (prefix, report) in reports {
        if let Some(prefix) = prefix {
            let prefix = prefix.trim_end_matches('/');
            for d in &report.diagnostics {
                prefixed_paths.push(format!("{prefix}/{}", report.path(d.primary.span)));
                for r in &d.related {
                    prefixed_paths.push(format!("{prefix}/{}", report.path(r.span)));
                }
            }
        }
    }
    let mut next = 0;
    for (prefix, report) in reports {
        for d in &report.diagnostics {
            let mut out = diagnostic(report, d);
            if prefix.is_some() {
                out.path = &prefixed_paths[next];
                next += 1;
                for r in &mut out.related {
                    r.path = &prefixed_paths[next];
                    next += 1;
                }
            }
            diagnostics.push(out);
        }
    }
    let output = Output {
        version: 1,
        diagnostics,
        summary,
    };
    let mut text =
        serde_json::to_string_pretty(&output).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
