//! `--format concise`: one line per diagnostic for editors' and CI error
//! parsers (vim's `errorformat`, Emacs compile mode, VS Code problem
//! matchers), the shape of gcc's and `ruff --output-format concise`:
//!
//! ```text
//! PATH:LINE:COL: SEVERITY[RULE] MESSAGE
//! ```
//!
//! and nothing else: related locations, help and a summary line would read
//! as findings to such parsers, so they are left out (the JSON and human
//! formats have them). Line breaks and other control characters inside a
//! message become spaces, so one finding is always one line. No
//! diagnostics, no output. Lines and columns are one-based; columns count
//! characters.

use std::fmt::Write as _;

use crate::outcome::Report;
use crate::report::findings;

/// One line per diagnostic, in report order.
#[must_use]
pub fn render(reports: &[(&str, &Report)]) -> String {
    let mut out = String::new();
    for finding in findings(reports) {
        let d = finding.diagnostic;
        let (start, _) = finding.position();
        let _ = writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            one_line(&finding.path()),
            start.line,
            start.column,
            d.severity,
            d.rule,
            one_line(&d.message)
        );
    }
    out
}

/// `text` on one line: each line break (`\r\n` counts as one) and every
/// other control character becomes a space. Tabs stay; U+2028 and U+2029
/// go too, since some parsers split lines there.
fn one_line(text: &str) -> String {
    text.replace("\r\n", " ")
        .chars()
        .map(|c| {
            if (c.is_control() && c != '\t') || matches!(c, '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::report::testing;
    use crate::source::{FileId, Span};

    #[test]
    fn one_line_per_diagnostic_and_nothing_else() {
        let mut report = testing::report(&[("n1/é.conf", "a\r\nkey=1\n"), ("other", "")]);
        let key = testing::span_of(&report, 0, "1");
        report.diagnostics.push(
            testing::diagnostic("redis/x", Severity::Warning, key, "two\r\nlines\nand\rmore")
                .related(Span::file_start(FileId(1)), "there")
                .help("do this"),
        );
        report.diagnostics.push(testing::diagnostic(
            "core/y",
            Severity::Info,
            Span::file_start(FileId(1)),
            "fyi",
        ));
        assert_eq!(
            render(&[("./c", &report), (".", &report)]),
            "c/n1/é.conf:2:5: warning[redis/x] two lines and more\n\
             c/other:1:1: info[core/y] fyi\n\
             n1/é.conf:2:5: warning[redis/x] two lines and more\n\
             other:1:1: info[core/y] fyi\n"
        );
    }

    #[test]
    fn control_characters_become_spaces() {
        assert_eq!(
            one_line("a\r\nb\u{1b}[31mc\u{0}d\te\u{2028}f\u{85}g"),
            "a b [31mc d\te f g"
        );
    }

    #[test]
    fn nothing_to_report_is_no_output() {
        assert_eq!(render(&[]), "");
    }
}
