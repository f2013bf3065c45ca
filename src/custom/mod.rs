//! The user's own checks, declared under `[[check]]` in `clusterlint.toml`:
//! a path into the common tree ([`crate::formats::tree`]) of some files of some
//! nodes, and one assertion about what it finds. They report like the
//! built-in rules (same diagnostics, suppressions, formats and language
//! server). `crate::manifest::check` reads them; `run.rs` evaluates them
//! on a cluster.

mod run;

pub use crate::manifest::check::{ASSERTIONS, BUILT_IN_PACKS};
pub use run::{run, unknown_targets};

/// What reports list about each check of the cluster's manifest (SARIF's
/// rule descriptors), as they list the built-in rules.
#[must_use]
pub fn describe(settings: &crate::manifest::Settings) -> Vec<crate::outcome::RuleMeta> {
    let Some(manifest) = settings.manifest() else {
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
            crate::outcome::RuleMeta {
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
