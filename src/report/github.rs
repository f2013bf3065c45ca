//! `--format github`: GitHub Actions workflow commands, one line per
//! diagnostic, which the runner turns into annotations on the changed files:
//!
//! ```text
//! ::error file=F,line=L,endLine=L2,col=C,endColumn=C2,title=RULE::MESSAGE
//! ```
//!
//! `warning` for warnings and `notice` for infos. Escaping is exactly that of
//! `@actions/core` 3.0.1 (`escapeData`, `escapeProperty`; checked against it,
//! see ECOSYSTEM.md §4): the message gets `%`, `\r` and `\n` encoded, property
//! values also `:` and `,`. The message is the diagnostic's message, its help
//! and one `also: path:line: note` line per related location, all on one
//! command line thanks to the encoded newlines. Lines and columns are
//! one-based, columns count characters; all four are always written (GitHub
//! drops the columns of a multi-line annotation itself). No source text is
//! ever shown.

use std::fmt::Write as _;

use crate::diagnostic::Severity;
use crate::outcome::Report;
use crate::report::{Finding, findings};

/// One workflow command per diagnostic, in report order.
#[must_use]
pub fn render(reports: &[(&str, &Report)]) -> String {
    let mut out = String::new();
    for finding in findings(reports) {
        out.push_str(&annotation(&finding));
        out.push('\n');
    }
    out
}

/// The workflow command a severity maps to.
const fn command_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

fn annotation(finding: &Finding<'_>) -> String {
    let (start, end) = finding.position();
    let properties = [
        ("file", finding.path()),
        ("line", start.line.to_string()),
        ("endLine", end.line.to_string()),
        ("col", start.column.to_string()),
        ("endColumn", end.column.to_string()),
        ("title", finding.diagnostic.rule.to_string()),
    ];
    command(
        command_name(finding.diagnostic.severity),
        &properties,
        &message(finding),
    )
}

/// The message, the help and the related locations, one per line.
fn message(finding: &Finding<'_>) -> String {
    let d = finding.diagnostic;
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push('\n');
        text.push_str(help);
    }
    for label in &d.related {
        let (at, _) = finding.report.position(label.span);
        let _ = write!(text, "\nalso: {}:{}", finding.path_of(label.span), at.line);
        if !label.message.is_empty() {
            let _ = write!(text, ": {}", label.message);
        }
    }
    text
}

/// `::name key=value,key=value::message`, as `@actions/core`'s `Command`
/// writes it (no space before the properties when there are none).
fn command(name: &str, properties: &[(&str, String)], message: &str) -> String {
    let mut out = format!("::{name}");
    for (i, (key, value)) in properties.iter().enumerate() {
        out.push(if i == 0 { ' ' } else { ',' });
        let _ = write!(out, "{key}={}", escape_property(value));
    }
    let _ = write!(out, "::{}", escape_data(message));
    out
}

/// `escapeData` of `@actions/core`: the message part of a command.
#[must_use]
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// `escapeProperty` of `@actions/core`: a property value, where `:` and `,`
/// would end the value.
#[must_use]
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing;
    use crate::source::{FileId, Span, TextRange};

    /// The line `@actions/core` 3.0.1 printed (ECOSYSTEM.md §4).
    const ORACLE: &str = "::error title=CL001%3A maxmemory,file=conf/redis%2Ca%3Ab.conf,line=3,endLine=3,col=11,endColumn=16::bad value: 100%25%0Asecond line, with comma";

    #[test]
    fn escaping_matches_actions_core() {
        assert_eq!(escape_property("CL001: maxmemory"), "CL001%3A maxmemory");
        assert_eq!(
            escape_property("conf/redis,a:b.conf"),
            "conf/redis%2Ca%3Ab.conf"
        );
        assert_eq!(
            escape_data("bad value: 100%\nsecond line, with comma"),
            "bad value: 100%25%0Asecond line, with comma"
        );
        assert_eq!(escape_data("a\r\nb%0A"), "a%0D%0Ab%250A");
        assert_eq!(escape_property("%:,\r\n"), "%25%3A%2C%0D%0A");
    }

    #[test]
    fn commands_are_written_as_actions_core_writes_them() {
        let properties = [
            ("title", "CL001: maxmemory".to_string()),
            ("file", "conf/redis,a:b.conf".to_string()),
            ("line", "3".to_string()),
            ("endLine", "3".to_string()),
            ("col", "11".to_string()),
            ("endColumn", "16".to_string()),
        ];
        assert_eq!(
            command(
                "error",
                &properties,
                "bad value: 100%\nsecond line, with comma"
            ),
            ORACLE
        );
        assert_eq!(command("notice", &[], "x"), "::notice::x");
    }

    #[test]
    fn a_diagnostic_becomes_one_line_in_our_property_order() {
        let mut report = testing::report(&[
            ("conf/redis,a:b.conf", "# x\r\n\r\nmaxmemory 100%\n"),
            ("é other", "x\n"),
        ]);
        let value = testing::span_of(&report, 0, "100%");
        let other = testing::span_of(&report, 1, "x");
        report.diagnostics.push(
            testing::diagnostic("redis/maxmemory", Severity::Error, value, "bad value: 100%")
                .help("second line, with comma")
                .related(other, "compared: here")
                .related(Span::new(FileId(1), TextRange::empty(2)), ""),
        );
        report.diagnostics.push(testing::diagnostic(
            "core/x",
            Severity::Info,
            Span::file_start(FileId(1)),
            "note",
        ));
        assert_eq!(
            render(&[("./", &report)]),
            "::error file=conf/redis%2Ca%3Ab.conf,line=3,endLine=3,col=11,endColumn=15,title=redis/maxmemory::bad value: 100%25%0Asecond line, with comma%0Aalso: é other:1: compared: here%0Aalso: é other:2\n\
             ::notice file=é other,line=1,endLine=1,col=1,endColumn=1,title=core/x::note\n"
        );
    }

    #[test]
    fn nothing_to_report_is_no_output() {
        assert_eq!(render(&[]), "");
        let report = testing::report(&[("a", "")]);
        assert_eq!(render(&[("root", &report)]), "");
    }
}
