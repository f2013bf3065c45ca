use crate::diagnostic::Diagnostic;
use crate::model::Role;
use crate::model::liferay::tunnel::{SECRET, is_null};
use crate::rules::liferay::staging_nodes;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that the staging server and every live node set
    /// `tunneling.servlet.shared.secret` to a value the portal accepts
    /// (not empty, not blank, not the word `null`).
    ///
    /// ## Why is this bad?
    /// Remote staging publishes through the tunnel servlet, which encrypts
    /// every request with a key derived from this secret. Without it the
    /// portal refuses to tunnel ("Please configure
    /// tunneling.servlet.shared.secret") and publication fails.
    ///
    /// ## Example
    /// ```properties
    /// # app2/portal-ext.properties
    /// tunnel.servlet.hosts.allowed=127.0.0.1,SERVER_IP,192.0.2.50
    /// ```
    ///
    /// ## How to fix
    /// Set the same secret on the staging server and on every live node:
    /// ```properties
    /// tunneling.servlet.shared.secret=<32 hex digits>
    /// tunneling.servlet.shared.secret.hex=true
    /// ```
    id: "liferay/tunnel-secret-missing",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    if staging_nodes(cx).is_empty() {
        return;
    }
    let cluster = cx.cluster;
    for node in cluster
        .nodes
        .iter()
        .filter(|n| n.has_role(Role::Staging) || n.has_role(Role::Live))
    {
        let role = if node.has_role(Role::Staging) {
            "the staging server"
        } else {
            "live node"
        };
        let Some(liferay) = cluster.liferay.node(node.id) else {
            if let Some(span) = node.manifest_span {
                cx.report(
                    Diagnostic::new(
                        span,
                        format!(
                            "{role} `{}` has no Liferay properties file, so no `{SECRET}`",
                            node.name
                        ),
                    )
                    .label("this node")
                    .help(format!(
                        "add the node's `portal-ext.properties` with `{SECRET}` to its folder"
                    )),
                );
            }
            continue;
        };
        match liferay.property(SECRET) {
            None => cx.report(
                Diagnostic::new(
                    liferay.anchor(),
                    format!("{role} `{}` does not set `{SECRET}`", node.name),
                )
                .label("the secret belongs in this file")
                .help(format!(
                    "add `{SECRET}=...` with the secret the other nodes share"
                )),
            ),
            Some(p) if is_null(&p.value) => cx.report(
                Diagnostic::new(
                    crate::source::Span::new(
                        p.key_span.file,
                        p.key_span.range.cover(p.value_span.range),
                    ),
                    format!(
                        "`{SECRET}` on {role} `{}` is empty, so the portal treats it as unset",
                        node.name
                    ),
                )
                .label("empty secret")
                .help("set the secret the other nodes share"),
            ),
            Some(_) => {}
        }
    }
}
