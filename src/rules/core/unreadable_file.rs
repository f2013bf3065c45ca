use crate::facts::FactKind;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a file of the cluster that cannot be read at all: no
    /// permission, not a regular file (a named pipe, a device), larger than
    /// the size limit, or not text (NUL bytes, such as a binary file or
    /// UTF-16). Also reports where includes stop being read: past
    /// `max-include-depth` or `max-includes`, or where files that include
    /// each other several times would splice more into one nginx, Redis or
    /// stunnel configuration than its budget (4,000,000 nginx directives,
    /// 1,000,000 Redis or stunnel lines).
    ///
    /// ## Why is this bad?
    /// Nothing in the file can be checked, so faults in it stay hidden. The
    /// rest of the cluster is still checked.
    ///
    /// ## Example
    /// A `portal-ext.properties` saved as UTF-16 by a Windows editor.
    ///
    /// ## How to fix
    /// Make the file readable, or save it as UTF-8 (or ISO-8859-1 for files
    /// read by `java.util.Properties`); include each file once.
    id: "core/unreadable-file",
    severity: Error,
    check: Some(check),
}

/// Reports what reading the cluster observed (see [`FactKind::UnreadableFile`]).
fn check(ctx: &mut RuleContext<'_>) {
    ctx.report_facts(FactKind::UnreadableFile);
}
