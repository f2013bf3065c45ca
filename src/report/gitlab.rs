//! `--format gitlab`: a GitLab Code Quality report (the
//! `artifacts:reports:codequality` of a CI job), a JSON array of issues
//! with the fields GitLab reads: `description`, `check_name`,
//! `fingerprint`, `severity` (`info`, `minor`, `major`, `critical` or
//! `blocker`) and `location` (`path` and `lines.begin`, one-based).
//!
//! Errors are `major`, warnings `minor`, notes `info`. The fingerprint is
//! the SARIF one (rule, file, the masked text of the line, its rank among
//! equals): it stays when lines move, so GitLab tells new findings from
//! old ones across commits. Paths are relative to the repository root
//! when clusterlint runs from there.

use serde::Serialize;

use crate::diagnostic::Severity;
use crate::outcome::Report;
use crate::report::{Fingerprints, findings};

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

/// The report as a GitLab Code Quality array.
#[must_use]
pub fn render(reports: &[(&str, &Report)]) -> String {
    let mut fingerprints = Fingerprints::default();
    let issues: Vec<Issue<'_>> = findings(reports)
        .map(|finding| {
            let d = finding.diagnostic;
            let (start, _) = finding.position();
            Issue {
                description: d.message.clone(),
                check_name: &d.rule,
                fingerprint: fingerprints.of(&finding),
                severity: match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
                location: Location {
                    path: finding.path(),
                    lines: Lines { begin: start.line },
                },
            }
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".to_string());
    text.push('\n');
    text
}
