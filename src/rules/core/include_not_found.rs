use crate::facts::FactKind;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports an include that names no file of the node: nginx `include`,
    /// Redis `include`, stunnel `include` folders, csync2 `config`; and
    /// Liferay's `include-and-override` where the missing file is a fault
    /// for sure: a file of a near name lies beside it (a typo), or another
    /// node has the file at that place (a copy forgotten on this one).
    /// Files a package installs (nginx's `mime.types`, `proxy_params`, its
    /// empty `conf.d/`) and the properties files Liferay ships in its own
    /// class path (`portal-developer.properties`) may be absent; so may a
    /// Liferay include missing from every node alike (an overlay the build
    /// or the machine writes, kept out of the repository).
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
    check: Some(check),
}

/// Reports what reading the cluster observed (see [`FactKind::IncludeNotFound`]).
fn check(ctx: &mut RuleContext<'_>) {
    ctx.report_facts(FactKind::IncludeNotFound);
}
