use crate::rules::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports an include that names no file of the node: Liferay's
    /// `include-and-override`, nginx `include`, Redis `include`.
    ///
    /// ## Why is this bad?
    /// The settings the operator meant to load are not loaded. Liferay skips a
    /// missing `include-and-override` file without a word, so a typo in the
    /// file name quietly drops a whole block of configuration.
    ///
    /// ## Example
    /// ```properties
    /// include-and-override=portal-clustre.properties
    /// ```
    ///
    /// ## How to fix
    /// Correct the name, or add the missing file to the node.
    id: "core/include-not-found",
    severity: Error,
    check: None,
}
