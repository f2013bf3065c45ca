use crate::rules::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports that a check needs a node of some role (the Liferay staging
    /// server, say) that neither `clusterlint.toml` nor the files reveal.
    ///
    /// ## Why is this bad?
    /// The checks that need the role are skipped; clusterlint does not guess,
    /// because a wrong guess would hide real findings.
    ///
    /// ## Example
    /// Live nodes configure `tunneling.servlet.shared.secret`, but no node's
    /// name has the word `staging`, `stage`, `stg` or `authoring`
    /// (`staging`, `liferay-staging`, `staging2`, `liferay-stg`) and the
    /// manifest gives no node `role = "staging"`.
    ///
    /// ## How to fix
    /// Name the role in the manifest:
    /// ```toml
    /// [nodes.publisher]
    /// role = "staging"
    /// ```
    id: "core/unresolved-role",
    severity: Warning,
    check: None,
}
