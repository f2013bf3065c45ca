use crate::facts::FactKind;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Notes an include pattern (`include conf.d/*.conf;` in nginx,
    /// `include /etc/redis/*.conf` in Redis) that matches no file of the
    /// node.
    ///
    /// ## Why is this bad?
    /// The server accepts a pattern that matches nothing and loads nothing
    /// there, without a word. That is fine for a folder kept empty on
    /// purpose, but a misspelt folder or suffix drops every file meant to
    /// be loaded, such as the `upstream` blocks of a balancer.
    ///
    /// ## Example
    /// ```nginx
    /// include conf.d/*.cnf;
    /// ```
    ///
    /// ## How to fix
    /// Correct the pattern, or ignore this note where the folder is empty on
    /// purpose.
    id: "core/include-glob-empty",
    severity: Info,
    check: Some(check),
}

/// Reports what reading the cluster observed (see [`FactKind::IncludeGlobEmpty`]).
fn check(ctx: &mut RuleContext<'_>) {
    ctx.report_facts(FactKind::IncludeGlobEmpty);
}
