//! The outcome of checking a cluster: its files and the findings, what
//! every reporter, the fixer and the language server read.

use std::path::PathBuf;
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Severity};
use crate::files::Files;
use crate::files::NodeId;
use crate::manifest::check::BUILT_IN_PACKS;
use crate::role::Role;
use crate::source::{LineCol, Span};

/// The result of checking a cluster.
#[derive(Debug)]
#[non_exhaustive]
pub struct Report {
    /// The cluster root on disk, if any.
    pub root: Option<PathBuf>,
    /// Every file read, by [`crate::FileId`]: the diagnostics' spans point
    /// into them.
    pub files: Arc<Files>,
    /// The findings, sorted by path, position and rule.
    pub diagnostics: Vec<Diagnostic>,
    /// Files that belong to no node or match no format.
    pub ignored: Vec<String>,
    /// The nodes that were checked, by name.
    pub nodes: Vec<CheckedNode>,
    /// Where the rule pages are published (`[docs] rules-url` or
    /// `--rules-url`); without it, reports link no page.
    pub rules_url: Option<String>,
    /// What reports list about the cluster's own `[[check]]`s.
    pub checks: Vec<RuleMeta>,
}

/// A node that was checked: what `--verbose` lists.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CheckedNode {
    /// Its index among the nodes.
    pub id: NodeId,
    /// Its name (its folder, or its table in `clusterlint.toml`).
    pub name: String,
    /// The roles it was given or found to play.
    pub roles: Vec<Role>,
    /// Its addresses.
    pub addresses: Vec<std::net::IpAddr>,
    /// Its files.
    pub files: Vec<crate::FileId>,
}

/// Counts for the summary line and the JSON `summary`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Summary {
    /// Files of the nodes that were checked.
    pub files: usize,
    /// Nodes that were checked.
    pub nodes: usize,
    /// Findings at error level.
    pub errors: usize,
    /// Findings at warning level.
    pub warnings: usize,
    /// Findings at info level.
    pub infos: usize,
}

impl Report {
    /// A report of `diagnostics` over `files`, with no node counted, no
    /// page published and no check of the user's.
    #[must_use]
    pub fn new(root: Option<PathBuf>, files: Files, diagnostics: Vec<Diagnostic>) -> Self {
        Self {
            root,
            files: Arc::new(files),
            diagnostics,
            ignored: Vec::new(),
            nodes: Vec::new(),
            rules_url: None,
            checks: Vec::new(),
        }
    }

    /// The published page of built-in rule `rule`, if pages are
    /// published (the user's own checks have none).
    #[must_use]
    pub fn rule_url(&self, rule: &str) -> Option<String> {
        let pack = rule.split_once('/').map_or(rule, |(pack, _)| pack);
        if !BUILT_IN_PACKS.contains(&pack) {
            return None;
        }
        let base = self.rules_url.as_deref()?.trim_end_matches('/');
        Some(format!("{base}/{rule}.md"))
    }

    /// The counts of files, nodes and findings.
    #[must_use]
    pub fn summary(&self) -> Summary {
        let count = |s: Severity| self.diagnostics.iter().filter(|d| d.severity == s).count();
        Summary {
            files: self.files.iter().filter(|f| f.node.is_some()).count(),
            nodes: self.nodes.len(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
        }
    }

    /// Whether any finding is at error level.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// Whether the manifest itself is broken (the run is exit code 2).
    #[must_use]
    pub fn has_manifest_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.rule == MANIFEST_ERROR && d.severity == Severity::Error)
    }

    /// The path of a span's file, relative to the cluster root.
    #[must_use]
    pub fn path(&self, span: Span) -> &str {
        &self.files.source(span.file).path
    }

    /// The text `span` covers.
    #[must_use]
    pub fn text(&self, span: Span) -> &str {
        let text = &self.files.source(span.file).text;
        text.get(span.range.as_usize()).unwrap_or("")
    }

    /// One-based start and (exclusive) end of a span.
    #[must_use]
    pub fn position(&self, span: Span) -> (LineCol, LineCol) {
        let source = self.files.source(span.file);
        (
            source.line_col(span.range.start),
            source.line_col(span.range.end),
        )
    }
}

/// The id of the rule reporting manifest mistakes (fixed, like every id).
const MANIFEST_ERROR: &str = "core/manifest-error";

/// What SARIF says about a rule in `tool.driver.rules`. The caller builds
/// the list (from the rule registry and the manifest's checks); reporters
/// never look at rules.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RuleMeta {
    /// `<pack>/<name>`, or a custom check's `prefix/name`.
    pub id: std::borrow::Cow<'static, str>,
    /// One sentence: what the rule checks.
    pub summary: String,
    /// Its severity unless the settings say otherwise.
    pub default_severity: Severity,
    /// The rule's reference page, as Markdown.
    pub doc: String,
}

impl RuleMeta {
    /// What a report lists about rule `id`.
    #[must_use]
    pub fn new(
        id: impl Into<std::borrow::Cow<'static, str>>,
        summary: String,
        default_severity: Severity,
        doc: String,
    ) -> Self {
        Self {
            id: id.into(),
            summary,
            default_severity,
            doc,
        }
    }
}
