//! The user's own checks, declared under `[[check]]` in `clusterlint.toml`:
//! a path into the common tree ([`crate::formats::tree`]) of some files of some
//! nodes, and one assertion about what it finds. They report like the
//! built-in rules (same diagnostics, suppressions, formats and language
//! server). `read.rs` reads a check from the manifest, locating every
//! mistake; `run.rs` evaluates the checks on a cluster.

mod read;
mod run;

pub use read::{ASSERTIONS, BUILT_IN_PACKS, ReadCheck, read_check};
pub use run::run;

/// What reports list about each check of the cluster's manifest (SARIF's
/// rule descriptors), as they list the built-in rules.
#[must_use]
pub fn describe(cluster: &crate::model::Cluster) -> Vec<crate::report::RuleMeta> {
    let Some((_, manifest)) = &cluster.manifest else {
        return Vec::new();
    };
    manifest
        .checks
        .iter()
        .map(|check| {
            let summary = check.message.clone().unwrap_or_else(|| {
                format!(
                    "`{}:{}` holds `{}`.",
                    check.target.file,
                    check.target.path.text,
                    check.assertion.key()
                )
            });
            crate::report::RuleMeta {
                id: check.id.clone().into(),
                doc: format!(
                    "{summary}\n\nA check of this cluster's `clusterlint.toml`: `{}` on `{}:{}`.\n{}",
                    check.assertion.key(),
                    check.target.file,
                    check.target.path.text,
                    check.help.as_deref().unwrap_or("")
                ),
                summary,
                default_severity: check.severity,
            }
        })
        .collect()
}

use crate::diagnostic::Severity;
use crate::formats::tree::TreePath;
use crate::source::TextRange;

/// One `[[check]]`.
#[derive(Clone, Debug)]
pub struct Check {
    /// `prefix/name`; the prefix is the user's, never a built-in pack.
    pub id: String,
    pub severity: Severity,
    /// What the finding says (the assertion's own words without one).
    pub message: Option<String>,
    pub help: Option<String>,
    /// Roles or node names; empty: every node.
    pub nodes: Vec<String>,
    pub target: Target,
    pub assertion: Assertion,
    /// The `[[check]]` table in the manifest.
    pub range: TextRange,
}

/// `FILE:PATH`: which files of a node, and what in them.
#[derive(Clone, Debug)]
pub struct Target {
    /// The glob as written; it matches a file's cluster path or any
    /// trailing part of it (`portal-ext.properties`, `osgi/configs/*.config`).
    pub file: String,
    pub matcher: globset::GlobMatcher,
    pub path: TreePath,
}

/// What must hold of the entries a check's path selects. Value
/// assertions hold of every value of every entry.
#[derive(Clone, Debug)]
pub enum Assertion {
    /// Every selected node has the entry.
    Required,
    /// No selected node has it.
    Forbidden,
    /// Each value is exactly this.
    Equals(String),
    /// Each value matches this regular expression (anchored at both ends).
    Matches {
        pattern: String,
        regex: regex_automata::meta::Regex,
    },
    /// Each value is one of these.
    OneOf(Vec<String>),
    /// The nodes agree on the entry's values.
    SameAcrossNodes,
    /// No two nodes hold the same values.
    UniqueAcrossNodes,
    /// Each value is among the values the other path finds on the same node.
    SubsetOf(Box<Target>),
    /// Each value's port (a number, `host:port`, a URI's port or its
    /// scheme's default) is in this range.
    PortRange(u16, u16),
}

impl Assertion {
    /// The manifest key that states it.
    #[must_use]
    pub fn key(&self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::Forbidden => "forbidden",
            Self::Equals(_) => "equals",
            Self::Matches { .. } => "matches",
            Self::OneOf(_) => "one-of",
            Self::SameAcrossNodes => "same-across-nodes",
            Self::UniqueAcrossNodes => "unique-across-nodes",
            Self::SubsetOf(_) => "subset-of",
            Self::PortRange(..) => "port-range",
        }
    }
}
