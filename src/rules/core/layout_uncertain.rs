use crate::facts::FactKind;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Notes where the cluster's layout had to be guessed and the guess may
    /// be wrong: a folder taken for one node although it holds folders that
    /// each look like a node, a configuration file in no node's folder,
    /// one node found to play several roles.
    ///
    /// ## Why is this bad?
    /// Without a `clusterlint.toml`, nodes are found from the shape of the
    /// folders (see the README's "Roots and layouts"). When the shape is
    /// ambiguous, files may be compared with the wrong neighbours or not
    /// read at all, and findings that depend on roles may be missed or
    /// wrongly made.
    ///
    /// ## Example
    /// ```text
    /// prod/              <- checked as one cluster
    ///   portal-ext.properties   (in no node folder)
    ///   app1/portal-ext.properties
    ///   app2/portal-ext.properties
    /// ```
    ///
    /// ## How to fix
    /// Write a `clusterlint.toml` that names the nodes, their roles and, where
    /// the folders do not say it, their `files`; or check the inner folder
    /// on its own.
    id: "core/layout-uncertain",
    severity: Info,
    check: Some(check),
}

/// Reports what reading the cluster observed (see [`FactKind::LayoutUncertain`]).
fn check(ctx: &mut RuleContext<'_>) {
    ctx.report_facts(FactKind::LayoutUncertain);
}
