use crate::rules::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports an inline suppression comment
    /// (`# clusterlint: ignore[rule-id] reason`) that suppresses nothing: the
    /// rule reports nothing on that line, or the rule id is unknown.
    ///
    /// ## Why is this bad?
    /// A stale suppression would silently hide the finding if the fault came
    /// back later, and a misspelt rule id never suppressed anything.
    ///
    /// ## Example
    /// ```properties
    /// # clusterlint: ignore[liferay/tunnel-https-not-requird] behind TLS offload
    /// tunnel.servlet.https.required=false
    /// ```
    ///
    /// ## How to fix
    /// Correct the rule id, or delete the comment.
    id: "core/unused-suppression",
    severity: Info,
    check: None,
}
