use crate::diagnostic::Diagnostic;
use crate::formats::Format;
use crate::rules::{RuleContext, declare_rule};
use crate::source::{FileId, Span};

declare_rule! {
    /// ## What it does
    /// Reports a csync2 `group` without a `key` line.
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
    for (index, file) in cluster.files.iter().enumerate() {
        if file.format != Some(Format::Csync2) {
            continue;
        }
        let Some(doc) = file.document.as_csync2() else {
            continue;
        };
        for group in doc.groups.iter().filter(|g| g.keys.is_empty()) {
            let name = group.name.as_ref().map_or_else(
                || "this group".to_string(),
                |n| format!("group `{}`", n.text),
            );
            let range = group
                .name
                .as_ref()
                .map_or(group.keyword, |n| group.keyword.cover(n.range));
            cx.report(
                Diagnostic::new(
                    Span::new(FileId(index as u32), range),
                    format!("{name} names no key; csync2 refuses to run without one"),
                )
                .label("no `key`")
                .help("add `key /etc/csync2.key;` (made once with `csync2 -k`, the same file on every node)"),
            );
        }
    }
}
