use crate::rules::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports that a check needs a node's IP address (the staging server's,
    /// to see whether live nodes admit it) that neither `clusterlint.toml`
    /// nor the files reveal.
    ///
    /// ## Why is this bad?
    /// The checks that need the address are skipped, so a live node that
    /// refuses the staging server would go unnoticed.
    ///
    /// ## Example
    /// A `staging` folder, and no `address` for it in the manifest.
    ///
    /// ## How to fix
    /// Give the node its address (or `addresses`) in the manifest:
    /// ```toml
    /// [nodes.staging]
    /// address = "192.0.2.50"
    /// ```
    id: "core/unresolved-address",
    severity: Warning,
    check: None,
}
