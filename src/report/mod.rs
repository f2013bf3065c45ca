//! Reporters: the same diagnostics as text for people (miette), JSON for
//! machines, SARIF, GitHub Actions annotations, JUnit XML and one-line
//! `path:line:col:` output for CI and editors, and per-rule statistics.
//! Reporters never look at rules or at the cluster model: they render a
//! [`crate::Report`]'s files and diagnostics (SARIF gets the rules' documentation
//! from its caller as [`crate::outcome::RuleMeta`]).

pub mod checkstyle;
pub mod concise;
pub mod github;
pub mod gitlab;
#[cfg(feature = "fancy")]
pub mod human;
pub mod json;
pub mod junit;
pub mod rdjson;
pub mod sarif;
pub mod statistics;

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::outcome::Report;
use crate::source::{FileId, LineCol, LineIndex, Span};

/// The path of a report's file as the user's tools open it from the current
/// directory: the cluster root as given on the command line joined with the
/// path relative to it. `.` (or `./`) roots give the bare relative path and a
/// leading `./` is dropped, so the same file is always written the same way.
#[must_use]
pub fn display_path(root: &str, relative: &str) -> String {
    let relative = strip_dot_prefixes(relative);
    let root = trim_root(root);
    if root.is_empty() {
        relative.to_string()
    } else if relative.is_empty() {
        root.to_string()
    } else if root.ends_with('/') {
        // Only the file-system root `/` keeps its slash.
        format!("{root}{relative}")
    } else {
        format!("{root}/{relative}")
    }
}

/// `root` without leading `./` pieces and without trailing `/` and `/.`
/// pieces; empty for the current directory.
fn trim_root(root: &str) -> &str {
    let mut root = strip_dot_prefixes(root);
    loop {
        let trimmed = root
            .strip_suffix('/')
            .or_else(|| root.strip_suffix("/."))
            .unwrap_or(root);
        if trimmed.is_empty() && root.starts_with('/') {
            return "/";
        }
        if trimmed == root {
            break;
        }
        root = trimmed;
    }
    if root == "." { "" } else { root }
}

/// `path` without its leading `./` (or `.//`) pieces.
fn strip_dot_prefixes(path: &str) -> &str {
    let mut path = path;
    while let Some(rest) = path.strip_prefix("./") {
        path = rest.trim_start_matches('/');
    }
    path
}

/// One diagnostic with the cluster root it was found under: what every
/// line-oriented reporter walks over, in report order.
pub(crate) struct Finding<'a> {
    pub root: &'a str,
    pub report: &'a Report,
    pub diagnostic: &'a Diagnostic,
}

impl Finding<'_> {
    /// Where `span` is, as the user opens it (see [`display_path`]).
    pub fn path_of(&self, span: Span) -> String {
        display_path(self.root, self.report.path(span))
    }

    /// The primary location's file, as the user opens it.
    pub fn path(&self) -> String {
        self.path_of(self.diagnostic.primary.span)
    }

    /// One-based start and exclusive end of the primary location.
    pub fn position(&self) -> (LineCol, LineCol) {
        self.report.position(self.diagnostic.primary.span)
    }
}

/// Every diagnostic of every report, in report order (nothing is re-sorted:
/// the engine already sorted each report).
pub(crate) fn findings<'a>(
    reports: &'a [(&'a str, &'a Report)],
) -> impl Iterator<Item = Finding<'a>> {
    reports.iter().flat_map(|&(root, report)| {
        report.diagnostics.iter().map(move |diagnostic| Finding {
            root,
            report,
            diagnostic,
        })
    })
}

/// Fingerprints of findings: each finding's rule, file and the text of
/// its first line as shown (secrets masked), and how many such findings
/// came before, hashed (FNV-1a); line numbers are left out, so edits above
/// it do not change it. Each file's masked text is made once.
#[derive(Default)]
pub(crate) struct Fingerprints {
    shown: HashMap<(*const Report, FileId), (String, LineIndex)>,
    seen: HashMap<(String, String, String), usize>,
}

impl Fingerprints {
    pub(crate) fn of(&mut self, finding: &Finding<'_>) -> String {
        let d = finding.diagnostic;
        let file = d.primary.span.file;
        let source = finding.report.files.source(file);
        let (shown, lines) = self
            .shown
            .entry((std::ptr::from_ref(finding.report), file))
            .or_insert_with(|| {
                let shown = source.redacted_text();
                let lines = LineIndex::new(&shown);
                (shown, lines)
            });
        let range = lines.line_range(lines.line_of(d.primary.span.range.start), shown);
        let text = shown[range.start as usize..range.end as usize]
            .trim()
            .to_string();
        let key = (d.rule.to_string(), source.path.clone(), text);
        let count = self.seen.entry(key.clone()).or_insert(0);
        *count += 1;
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for part in [
            key.0.as_bytes(),
            key.1.as_bytes(),
            key.2.as_bytes(),
            &count.to_le_bytes(),
        ] {
            for &byte in part.iter().chain(&[0xff]) {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{hash:016x}")
    }
}

/// Test helpers: a report built by hand from in-memory files, without
/// running any rule.
#[cfg(test)]
pub(crate) mod testing {
    use crate::diagnostic::Diagnostic;
    use crate::files::{ClusterFile, Files};
    use crate::formats::Document;
    use crate::outcome::Report;
    use crate::source::{FileId, SourceFile, Span, TextRange};

    /// A report over `files` (path, text) with no diagnostics yet.
    pub fn report(files: &[(&str, &str)]) -> Report {
        let mut all = Files::default();
        for (path, text) in files {
            all.push(ClusterFile {
                source: SourceFile::new(*path, *text),
                format: None,
                node: None,
                document: std::sync::Arc::new(Document::unparsed()),
                includes: Vec::new(),
            });
        }
        Report::new(None, all, Vec::new())
    }

    /// The span of the first `needle` in file `file`.
    pub fn span_of(report: &Report, file: u32, needle: &str) -> Span {
        let text = &report.files.source(FileId(file)).text;
        let start = text.find(needle).expect("needle in the file");
        Span::new(
            FileId(file),
            TextRange::from_usize(start..start + needle.len()),
        )
    }

    /// A diagnostic of `rule` at `severity` on `span`.
    pub fn diagnostic(
        rule: &'static str,
        severity: crate::diagnostic::Severity,
        span: Span,
        message: &str,
    ) -> Diagnostic {
        Diagnostic::new(span, message).with_rule(rule, severity)
    }
}

#[cfg(test)]
mod tests {
    use super::display_path;

    #[test]
    fn display_path_joins_the_root_as_given() {
        assert_eq!(
            display_path("fixtures/clusters/gluu-ha", "gluu1/setup.properties"),
            "fixtures/clusters/gluu-ha/gluu1/setup.properties"
        );
        assert_eq!(display_path("a/b/", "c"), "a/b/c");
        assert_eq!(display_path("a/b///", "c"), "a/b/c");
        assert_eq!(display_path("/srv/cluster", "c"), "/srv/cluster/c");
        assert_eq!(display_path("/", "c"), "/c");
        assert_eq!(display_path("../up", "c/d"), "../up/c/d");
    }

    #[test]
    fn display_path_drops_current_directory_pieces() {
        assert_eq!(display_path(".", "app1/x.properties"), "app1/x.properties");
        assert_eq!(display_path("./", "x"), "x");
        assert_eq!(display_path(".//", "x"), "x");
        assert_eq!(display_path("", "x"), "x");
        assert_eq!(display_path("./cluster", "x"), "cluster/x");
        assert_eq!(display_path("././cluster/.", "x"), "cluster/x");
        assert_eq!(display_path("cluster/./", "x"), "cluster/x");
        assert_eq!(display_path("cluster", "./x"), "cluster/x");
        assert_eq!(display_path(".", "./x"), "x");
    }

    #[test]
    fn display_path_keeps_unusual_names() {
        assert_eq!(
            display_path("my cluster", "nœud 1/a b.conf"),
            "my cluster/nœud 1/a b.conf"
        );
        assert_eq!(display_path(".hidden", "x"), ".hidden/x");
        assert_eq!(display_path("..", "x"), "../x");
        assert_eq!(display_path("cluster", ""), "cluster");
    }
}
