use crate::facts::FactKind;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports mistakes in `clusterlint.toml`: TOML syntax errors, unknown
    /// keys (with the nearest known one), unknown roles, formats, severities
    /// or rule ids, addresses that are not IP addresses, and globs or node
    /// folders that match no file.
    ///
    /// ## Why is this bad?
    /// A manifest key that is silently ignored gives a wrong picture of the
    /// cluster: a misspelt `adress` would leave the staging server without an
    /// address and hide every finding that needs it.
    ///
    /// ## Example
    /// ```toml
    /// [nodes.staging]
    /// rol = "staging"
    /// ```
    ///
    /// ## How to fix
    /// Correct the key or value the message points at:
    /// ```toml
    /// [nodes.staging]
    /// role = "staging"
    /// ```
    id: "core/manifest-error",
    severity: Error,
    check: Some(check),
}

/// Reports what reading the cluster observed (see [`FactKind::ManifestError`]).
fn check(ctx: &mut RuleContext<'_>) {
    ctx.report_facts(FactKind::ManifestError);
}
