//! Reporters: the same diagnostics as text for people (miette), JSON for
//! machines. Reporters never look at rules; they only render diagnostics.

#[cfg(feature = "fancy")]
pub mod human;
pub mod json;

use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Cluster;
use crate::source::{LineCol, Span};

/// The result of checking a cluster.
#[derive(Debug)]
pub struct Report {
    /// The cluster root on disk, if any.
    pub root: Option<PathBuf>,
    pub cluster: Cluster,
    pub diagnostics: Vec<Diagnostic>,
    /// Files that belong to no node or match no format.
    pub ignored: Vec<String>,
}

/// Counts for the summary line and the JSON `summary`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files of the nodes that were checked.
    pub files: usize,
    pub nodes: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Report {
    #[must_use]
    pub fn summary(&self) -> Summary {
        let count = |s: Severity| self.diagnostics.iter().filter(|d| d.severity == s).count();
        Summary {
            files: self
                .cluster
                .files
                .iter()
                .filter(|f| f.node.is_some())
                .count(),
            nodes: self.cluster.nodes.len(),
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
        let id = crate::rules::core::manifest_error::RULE.id;
        self.diagnostics
            .iter()
            .any(|d| d.rule == id && d.severity == Severity::Error)
    }

    /// The path of a span's file, relative to the cluster root.
    #[must_use]
    pub fn path(&self, span: Span) -> &str {
        &self.cluster.source(span.file).path
    }

    /// One-based start and (exclusive) end of a span.
    #[must_use]
    pub fn position(&self, span: Span) -> (LineCol, LineCol) {
        let source = self.cluster.source(span.file);
        (
            source.line_col(span.range.start),
            source.line_col(span.range.end),
        )
    }
}
