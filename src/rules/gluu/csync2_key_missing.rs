use crate::diagnostic::Diagnostic;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a csync2 `group` without a `key` line (also none in a file
    /// a `config` line includes inside the group).
    ///
    /// ## Why is this bad?
    /// csync2 authenticates the nodes of a group with the pre-shared key
    /// the group names, and refuses to start without one ("every group
    /// must have a key"): nothing is synchronised.
    ///
    /// ## Example
    /// ```text
    /// group gluucluster {
    ///     host 192.0.2.11;
    ///     host 192.0.2.12;
    ///     include /etc/gluu/conf/;
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Generate a key once (`csync2 -k /etc/csync2.key`), copy it to every
    /// node, and name it in the group: `key /etc/csync2.key;`.
    id: "gluu/csync2-key-missing",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let mut seen = Vec::new();
    for config in &cluster.gluu.csync2 {
        for group in config.groups.iter().filter(|g| g.keys.is_empty()) {
            if seen.contains(&group.span) {
                continue;
            }
            seen.push(group.span);
            let name = group
                .name
                .as_ref()
                .map_or_else(|| "this group".to_string(), |n| format!("group `{n}`"));
            cx.report(
                Diagnostic::new(group.span, format!("{name} names no key; csync2 refuses to run without one"))
                    .label("no `key`")
                    .help("add `key /etc/csync2.key;` (made once with `csync2 -k`, the same file on every node)"),
            );
        }
    }
}
