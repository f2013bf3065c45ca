use crate::facts::FactKind;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports an include that leads back to a file that is still being
    /// read: `a.conf` includes `b.conf`, which includes `a.conf` again (an
    /// nginx `include`, a Redis `include`, a csync2 `config`).
    ///
    /// ## Why is this bad?
    /// The server reads the files over and over until it runs out of file
    /// descriptors or memory, and refuses to start. clusterlint reads each
    /// file of the loop once and reports the include that closes it.
    ///
    /// ## Example
    /// ```nginx
    /// # conf.d/upstreams.conf
    /// include conf.d/*.conf;
    /// ```
    ///
    /// ## How to fix
    /// Remove the include that closes the loop; include shared files from
    /// the main file only.
    id: "core/include-cycle",
    severity: Error,
    check: Some(check),
}

/// Reports what reading the cluster observed (see [`FactKind::IncludeCycle`]).
fn check(ctx: &mut RuleContext<'_>) {
    ctx.report_facts(FactKind::IncludeCycle);
}
