use crate::facts::FactKind;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports text that a file's own reader would reject, misread or
    /// silently drop: a malformed `\uXXXX` escape, a `.config` value without
    /// quotes, a line that continues across a blank line, a byte-order mark
    /// glued to the first key, invalid UTF-8 in a file read as UTF-8.
    ///
    /// ## Why is this bad?
    /// The portal or server reads something other than what the file seems to
    /// say, or stops reading the file at that point. Liferay 7.4 and later, for
    /// example, stop reading an OSGi `.config` file at the first line they
    /// cannot parse and ignore every key after it.
    ///
    /// Every error is reported at its own location and parsing goes on, so one
    /// broken file never hides findings elsewhere in the cluster.
    ///
    /// ## Example
    /// ```text
    /// # osgi/configs/...TunnelAuthVerifierConfiguration~default.config
    /// enabled=true
    /// ```
    ///
    /// ## How to fix
    /// Write the value the way the reader expects it; the message says how:
    /// ```text
    /// enabled=B"true"
    /// ```
    id: "core/parse-error",
    severity: Error,
    check: Some(check),
}

/// Reports what reading the cluster observed (see [`FactKind::ParseError`]).
fn check(ctx: &mut RuleContext<'_>) {
    ctx.report_facts(FactKind::ParseError);
}
