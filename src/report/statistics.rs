//! `--statistics`: how many findings each rule has, like `ruff --statistics`.
//! The text form is aligned columns `count  rule  severity`, sorted by count
//! (most first) then rule id, then a `total` line; with no findings it is
//! empty. The JSON form (`--statistics --format json`) is an array of
//! `{"rule", "severity", "count"}` objects in the same order. A rule whose
//! findings have different severities (severity overrides, pipeline
//! findings) has one row per severity.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::diagnostic::Severity;
use crate::outcome::Report;
use crate::report::findings;

/// Findings of one rule at one severity.
#[derive(Serialize)]
struct Row<'a> {
    rule: &'a str,
    severity: &'static str,
    count: usize,
}

/// The rows, most findings first, then by rule id and severity (error first).
fn rows<'a>(reports: &'a [(&'a str, &'a Report)]) -> Vec<Row<'a>> {
    let mut counts: BTreeMap<(&str, std::cmp::Reverse<Severity>), usize> = BTreeMap::new();
    for finding in findings(reports) {
        let d = finding.diagnostic;
        *counts
            .entry((&*d.rule, std::cmp::Reverse(d.severity)))
            .or_default() += 1;
    }
    let mut rows: Vec<Row<'a>> = counts
        .into_iter()
        .map(|((rule, severity), count)| Row {
            rule,
            severity: severity.0.as_str(),
            count,
        })
        .collect();
    // Stable: equal counts keep the map's (rule, severity) order.
    rows.sort_by_key(|row| std::cmp::Reverse(row.count));
    rows
}

/// The text table: `count  rule  severity` per row, then the total.
#[must_use]
pub fn statistics(reports: &[(&str, &Report)]) -> String {
    let rows = rows(reports);
    if rows.is_empty() {
        return String::new();
    }
    let total: usize = rows.iter().map(|r| r.count).sum();
    let count_width = total.to_string().len();
    let rule_width = rows
        .iter()
        .map(|r| r.rule.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for row in &rows {
        let _ = writeln!(
            out,
            "{:>count_width$}  {:<rule_width$}  {}",
            row.count, row.rule, row.severity
        );
    }
    let _ = writeln!(out, "{total:>count_width$}  total");
    out
}

/// The same rows as a JSON array.
#[must_use]
pub fn statistics_json(reports: &[(&str, &Report)]) -> String {
    let mut text = serde_json::to_string_pretty(&rows(reports))
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing;
    use crate::source::{FileId, Span};

    fn report() -> Report {
        let mut report = testing::report(&[("a", "x\n")]);
        let at = Span::file_start(FileId(0));
        for (rule, severity) in [
            ("redis/b", Severity::Warning),
            ("core/a", Severity::Error),
            ("redis/b", Severity::Warning),
            ("nginx/long-rule-name", Severity::Info),
            ("core/a", Severity::Warning),
        ] {
            report
                .diagnostics
                .push(testing::diagnostic(rule, severity, at, "m"));
        }
        report
    }

    #[test]
    fn rows_are_sorted_by_count_then_rule() {
        let report = report();
        assert_eq!(
            statistics(&[(".", &report)]),
            "2  redis/b               warning\n\
             1  core/a                error\n\
             1  core/a                warning\n\
             1  nginx/long-rule-name  info\n\
             5  total\n"
        );
    }

    #[test]
    fn counts_add_up_across_reports_and_json_has_the_same_rows() {
        let report = report();
        let json: serde_json::Value =
            serde_json::from_str(&statistics_json(&[("a", &report), ("b", &report)])).unwrap();
        assert_eq!(
            json,
            serde_json::json!([
                {"rule": "redis/b", "severity": "warning", "count": 4},
                {"rule": "core/a", "severity": "error", "count": 2},
                {"rule": "core/a", "severity": "warning", "count": 2},
                {"rule": "nginx/long-rule-name", "severity": "info", "count": 2},
            ])
        );
        assert!(statistics(&[("a", &report), ("b", &report)]).ends_with("10  total\n"));
    }

    #[test]
    fn no_findings() {
        assert_eq!(statistics(&[]), "");
        assert_eq!(statistics_json(&[]), "[]\n");
    }
}
