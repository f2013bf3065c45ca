#![warn(missing_docs)]
//! clusterlint checks the configuration of a whole server cluster (Liferay,
//! Gluu, KAAZING gateways, nginx, Redis, stunnel, csync2) for faults that
//! span files and nodes: a shared secret that differs on one node, a staging
//! server missing from an allowed-hosts list, a balancer that forgets a node.
//!
//! ```no_run
//! let report = clusterlint::lint_dir(std::path::Path::new("fixtures/clusters/liferay-remote-staging"))?;
//! for d in &report.diagnostics {
//!     let (start, _) = report.position(d.primary.span);
//!     println!("{}:{}: {} [{}]", report.path(d.primary.span), start.line, d.message, d.rule);
//! }
//! # Ok::<(), clusterlint::Error>(())
//! ```
//!
//! Files can also be linted from memory, without any I/O:
//!
//! ```
//! let mut workspace = clusterlint::Workspace::new();
//! workspace.add_file("staging/portal-ext.properties", "tunneling.servlet.shared.secret=0123456789abcdef0123456789abcdef\n");
//! workspace.add_file("app1/portal-ext.properties", "tunneling.servlet.shared.secret=fedcba9876543210fedcba9876543210\n");
//! let report = workspace.lint(&clusterlint::LintOptions::default());
//! assert!(report.diagnostics.iter().any(|d| d.rule == "liferay/tunnel-secret-mismatch"));
//! ```

#[doc(hidden)]
pub mod clock;
#[doc(hidden)]
pub mod custom;
#[doc(hidden)]
pub mod diagnostic;
#[doc(hidden)]
pub mod discover;
#[doc(hidden)]
pub mod disk;
#[doc(hidden)]
pub mod engine;
#[doc(hidden)]
pub mod facts;
#[doc(hidden)]
pub mod files;
#[doc(hidden)]
pub mod fix;
pub mod formats;
#[doc(hidden)]
pub mod graph;
#[doc(hidden)]
pub mod includes;
#[cfg(any(debug_assertions, feature = "testing"))]
#[doc(hidden)]
pub mod invariants;
#[doc(hidden)]
pub mod layout;
#[doc(hidden)]
pub mod limits;
#[doc(hidden)]
pub mod load;
#[cfg(feature = "lsp")]
#[doc(hidden)]
pub mod lsp;
#[doc(hidden)]
pub mod manifest;
#[doc(hidden)]
pub mod model;
#[doc(hidden)]
pub mod outcome;
#[doc(hidden)]
pub mod redact;
pub mod report;
#[doc(hidden)]
pub mod role;
#[doc(hidden)]
pub mod roots;
pub mod rules;
#[doc(hidden)]
pub mod secrets;
#[doc(hidden)]
pub mod source;
#[doc(hidden)]
pub mod suggest;
#[doc(hidden)]
pub mod suppress;
#[doc(hidden)]
pub mod versions;
#[doc(hidden)]
pub mod walk;
#[doc(hidden)]
pub mod workspace;

#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;

use std::path::Path;

pub use diagnostic::{Diagnostic, Edit, Fix, Label, Severity};
pub use engine::LintOptions;
pub use outcome::{CheckedNode, Report, RuleMeta, Summary};
pub use source::{FileId, Span, TextRange};
pub use workspace::{Error, Workspace};

/// Lints the cluster rooted at `root` with the settings of its
/// `clusterlint.toml`, if any.
pub fn lint_dir(root: &Path) -> Result<Report, Error> {
    Ok(Workspace::from_dir(root)?.lint(&LintOptions::default()))
}
