//! `--format checkstyle`: the XML that Checkstyle writes and that CI
//! dashboards, Jenkins' warnings plug-in and `reviewdog -f=checkstyle`
//! read:
//!
//! ```xml
//! <checkstyle version="4.3">
//!   <file name="PATH">
//!     <error line="L" column="C" severity="error|warning|info" message="…" source="RULE"/>
//!   </file>
//! </checkstyle>
//! ```
//!
//! One `<file>` per file with findings, in the order of its first finding;
//! paths as the user opens them; columns count characters; the help
//! follows the message after a line break.

use std::fmt::Write as _;

use crate::outcome::Report;
use crate::report::findings;
use crate::report::junit::escape_attribute;

/// The report as Checkstyle XML.
#[must_use]
pub fn render(reports: &[(&str, &Report)]) -> String {
    let mut files: Vec<(String, String)> = Vec::new();
    for finding in findings(reports) {
        let d = finding.diagnostic;
        let path = finding.path();
        let (start, _) = finding.position();
        let message = match &d.help {
            Some(help) => format!("{}\n{help}", d.message),
            None => d.message.clone(),
        };
        let entry = format!(
            "    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" source=\"{}\"/>\n",
            start.line,
            start.column,
            d.severity,
            escape_attribute(&message),
            escape_attribute(&d.rule)
        );
        match files.iter_mut().find(|(p, _)| *p == path) {
            Some((_, errors)) => errors.push_str(&entry),
            None => files.push((path, entry)),
        }
    }
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n");
    for (path, errors) in files {
        let _ = write!(
            out,
            "  <file name=\"{}\">\n{errors}  </file>\n",
            escape_attribute(&path)
        );
    }
    out.push_str("</checkstyle>\n");
    out
}
