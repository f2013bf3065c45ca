//! `--format junit`: JUnit XML for CI test-report views, in ruff's layout
//! (which follows the Ant/Jenkins JUnit schema):
//!
//! - `<testsuites name="clusterlint" tests failures errors="0">`;
//! - one `<testsuite>` per file with findings, named by its path, in the
//!   order the files first appear in the reports;
//! - one `<testcase name="org.clusterlint.RULE" classname="PATH" line col>`
//!   per diagnostic. Errors and warnings are failures:
//!   `<failure message="MESSAGE" type="RULE">PATH:LINE:COL: MESSAGE</failure>`
//!   (then the help and the related locations); infos are passing test cases
//!   with the same text in `<system-out>`, so they are visible but keep the
//!   build green;
//! - no diagnostics at all: one passing
//!   `<testcase name="clusterlint" classname="clusterlint"/>`, so CI shows a
//!   green result rather than an empty report.
//!
//! Written by hand: text is escaped for XML 1.0 and characters XML 1.0 cannot
//! hold (control characters other than tab, newline and carriage return,
//! U+FFFE, U+FFFF) become U+FFFD. No source text is ever shown.

use std::fmt::Write as _;

use crate::diagnostic::Severity;
use crate::outcome::Report;
use crate::report::{Finding, findings};

/// The findings of one file.
struct Suite<'a> {
    path: String,
    findings: Vec<Finding<'a>>,
}

impl Suite<'_> {
    fn failures(&self) -> usize {
        self.findings.iter().filter(|f| is_failure(f)).count()
    }
}

/// Errors and warnings fail the test case; infos pass.
fn is_failure(finding: &Finding<'_>) -> bool {
    finding.diagnostic.severity >= Severity::Warning
}

/// The whole JUnit document.
#[must_use]
pub fn render(reports: &[(&str, &Report)]) -> String {
    let suites = suites(reports);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if suites.is_empty() {
        out.push_str(concat!(
            "<testsuites name=\"clusterlint\" tests=\"1\" failures=\"0\" errors=\"0\">\n",
            "    <testsuite name=\"clusterlint\" tests=\"1\" disabled=\"0\" errors=\"0\" failures=\"0\" package=\"org.clusterlint\">\n",
            "        <testcase name=\"clusterlint\" classname=\"clusterlint\"/>\n",
            "    </testsuite>\n",
            "</testsuites>\n",
        ));
        return out;
    }
    let tests: usize = suites.iter().map(|s| s.findings.len()).sum();
    let failures: usize = suites.iter().map(Suite::failures).sum();
    let _ = writeln!(
        out,
        "<testsuites name=\"clusterlint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
    );
    for suite in &suites {
        write_suite(&mut out, suite);
    }
    out.push_str("</testsuites>\n");
    out
}

/// Findings grouped by file, files in order of first appearance.
fn suites<'a>(reports: &'a [(&'a str, &'a Report)]) -> Vec<Suite<'a>> {
    let mut suites: Vec<Suite<'a>> = Vec::new();
    let mut index = std::collections::BTreeMap::new();
    for finding in findings(reports) {
        let path = finding.path();
        let at = *index.entry(path.clone()).or_insert_with(|| {
            suites.push(Suite {
                path,
                findings: Vec::new(),
            });
            suites.len() - 1
        });
        suites[at].findings.push(finding);
    }
    suites
}

fn write_suite(out: &mut String, suite: &Suite<'_>) {
    let _ = writeln!(
        out,
        "    <testsuite name=\"{}\" tests=\"{}\" disabled=\"0\" errors=\"0\" failures=\"{}\" package=\"org.clusterlint\">",
        escape_attribute(&suite.path),
        suite.findings.len(),
        suite.failures(),
    );
    for finding in &suite.findings {
        write_case(out, &suite.path, finding);
    }
    out.push_str("    </testsuite>\n");
}

fn write_case(out: &mut String, path: &str, finding: &Finding<'_>) {
    let d = finding.diagnostic;
    let (start, _) = finding.position();
    let rule = escape_attribute(&d.rule);
    let _ = writeln!(
        out,
        "        <testcase name=\"org.clusterlint.{rule}\" classname=\"{}\" line=\"{}\" column=\"{}\">",
        escape_attribute(path),
        start.line,
        start.column,
    );
    let body = escape_text(&details(finding));
    if is_failure(finding) {
        let _ = writeln!(
            out,
            "            <failure message=\"{}\" type=\"{rule}\">{body}</failure>",
            escape_attribute(&d.message),
        );
    } else {
        let _ = writeln!(out, "            <system-out>{body}</system-out>");
    }
    out.push_str("        </testcase>\n");
}

/// `path:line:col: message`, then the help and the related locations.
fn details(finding: &Finding<'_>) -> String {
    let d = finding.diagnostic;
    let (start, _) = finding.position();
    let mut text = format!(
        "{}:{}:{}: {}",
        finding.path(),
        start.line,
        start.column,
        d.message
    );
    if let Some(help) = &d.help {
        let _ = write!(text, "\nhelp: {help}");
    }
    for label in &d.related {
        let (at, _) = finding.report.position(label.span);
        let _ = write!(
            text,
            "\n{}:{}:{}: related",
            finding.path_of(label.span),
            at.line,
            at.column
        );
        if !label.message.is_empty() {
            let _ = write!(text, ": {}", label.message);
        }
    }
    text
}

/// Whether XML 1.0 allows `c` at all (its `Char` production; Rust `char`s
/// are never surrogates).
const fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Character data: markup characters escaped, illegal characters replaced.
#[must_use]
pub fn escape_text(text: &str) -> String {
    escape(text, false)
}

/// An attribute value in double quotes. Tab, newline and carriage return
/// are written as character references: a parser would turn them into
/// spaces otherwise (attribute-value normalisation).
#[must_use]
pub fn escape_attribute(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            // A raw CR would be read as a newline even in text.
            '\r' => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing;
    use crate::source::{FileId, Span};

    #[test]
    fn escaping_covers_markup_and_illegal_characters() {
        assert_eq!(escape_text("a<b>&\"c'"), "a&lt;b&gt;&amp;\"c'");
        assert_eq!(escape_attribute("a\"b\tc\nd"), "a&quot;b&#9;c&#10;d");
        assert_eq!(
            escape_text("x\u{0}y\u{1b}z\u{FFFE}"),
            "x\u{FFFD}y\u{FFFD}z\u{FFFD}"
        );
        assert_eq!(
            escape_text("keep\ttab\nnewline\rcr"),
            "keep\ttab\nnewline&#13;cr"
        );
        assert_eq!(escape_text("é😀\u{7f}"), "é😀\u{7f}");
    }

    #[test]
    fn no_diagnostics_is_one_passing_test() {
        let report = testing::report(&[("a", "x")]);
        let out = render(&[(".", &report)]);
        assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
        assert!(out.contains("<testcase name=\"clusterlint\" classname=\"clusterlint\"/>"));
        assert!(out.contains("tests=\"1\" failures=\"0\""));
        assert_eq!(out, render(&[]));
    }

    #[test]
    fn files_are_suites_and_infos_pass() {
        let mut report = testing::report(&[("a&b.conf", "k=v\n"), ("c", "x\n")]);
        let k = testing::span_of(&report, 0, "v");
        report.diagnostics.push(
            testing::diagnostic("redis/x", Severity::Error, k, "bad <value>\nsecond")
                .help("fix it")
                .related(Span::file_start(FileId(1)), "there"),
        );
        report.diagnostics.push(testing::diagnostic(
            "redis/y",
            Severity::Info,
            Span::file_start(FileId(1)),
            "fyi",
        ));
        report
            .diagnostics
            .push(testing::diagnostic("redis/z", Severity::Warning, k, "warn"));
        let out = render(&[("root", &report)]);
        assert!(
            out.contains(
                "<testsuites name=\"clusterlint\" tests=\"3\" failures=\"2\" errors=\"0\">"
            )
        );
        assert_eq!(out.matches("<testsuite ").count(), 2, "{out}");
        assert!(out.contains("<testsuite name=\"root/a&amp;b.conf\" tests=\"2\" disabled=\"0\" errors=\"0\" failures=\"2\""));
        assert!(out.contains(
            "<testcase name=\"org.clusterlint.redis/x\" classname=\"root/a&amp;b.conf\" line=\"1\" column=\"3\">"
        ));
        assert!(out.contains(
            "<failure message=\"bad &lt;value&gt;&#10;second\" type=\"redis/x\">root/a&amp;b.conf:1:3: bad &lt;value&gt;\nsecond\nhelp: fix it\nroot/c:1:1: related: there</failure>"
        ));
        assert!(out.contains("<system-out>root/c:1:1: fyi</system-out>"));
        // The warning in the first file joins that file's suite.
        let first_suite = out.split("</testsuite>").next().unwrap();
        assert!(first_suite.contains("redis/z"));
    }
}
