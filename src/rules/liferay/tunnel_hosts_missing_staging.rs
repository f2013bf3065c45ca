use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::model::Role;
use crate::model::liferay::Origin;
use crate::model::liferay::hosts_allowed::{self, DEFAULT};
use crate::model::liferay::portals::with_role;
use crate::model::liferay::tunnel::HOSTS_ALLOWED;
use crate::rules::liferay::staging_nodes;
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Checks that `tunnel.servlet.hosts.allowed` on every live node admits
    /// every address of the staging server: the address itself, or a
    /// network (`10.0.0.0/8`, `192.168.1.0/255.255.255.0`) that contains it.
    /// An unset property means the portal's default, `127.0.0.1,SERVER_IP`,
    /// which admits only the node itself. An empty value admits everyone.
    ///
    /// ## Why is this bad?
    /// The tunnel servlet refuses requests from addresses that are not
    /// listed, so publishing from the staging server to that node fails with
    /// an access error. Host names never match: the portal compares
    /// addresses.
    ///
    /// ## Example
    /// ```properties
    /// # app3/portal-ext.properties, staging server at 192.0.2.50
    /// tunnel.servlet.hosts.allowed=127.0.0.1,SERVER_IP
    /// ```
    ///
    /// ## How to fix
    /// Add the staging server's addresses:
    /// ```properties
    /// tunnel.servlet.hosts.allowed=127.0.0.1,SERVER_IP,192.0.2.50
    /// ```
    id: "liferay/tunnel-hosts-missing-staging",
    severity: Error,
    fix: Unsafe,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for staging in staging_nodes(cx) {
        let live = with_role(cluster, Role::Live);
        if live.is_empty() {
            continue;
        }
        if staging.addresses.is_empty() {
            let anchor = cluster.liferay.node(staging.id).map_or(
                live[0].1.anchor(),
                crate::model::liferay::LiferayNode::anchor,
            );
            cx.unresolved_address(staging, anchor);
            continue;
        }
        for (node, liferay) in live {
            let property = liferay.property(HOSTS_ALLOWED);
            let items = property.map(|p| p.items(cluster)).unwrap_or_default();
            let missing: Vec<String> = staging
                .addresses
                .iter()
                .filter(|a| property.is_none() || !hosts_allowed::list_admits(&items, a.ip))
                .map(|a| a.ip.to_string())
                .collect();
            if missing.is_empty() {
                continue;
            }
            let list = missing
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let (span, message) = match property {
                Some(p) => (
                    p.value_span,
                    format!(
                        "`{HOSTS_ALLOWED}` on `{}` does not admit the staging server `{}` ({list})",
                        node.name, staging.name
                    ),
                ),
                None => (
                    liferay.anchor(),
                    format!(
                        "`{}` does not set `{HOSTS_ALLOWED}`, and the default `{DEFAULT}` does not admit the staging server `{}` ({list})",
                        node.name, staging.name
                    ),
                ),
            };
            let addition = missing.join(",");
            let mut diagnostic = Diagnostic::new(span, message)
                .label(if property.is_some() {
                    "the staging server is missing here"
                } else {
                    "the property belongs in this file"
                })
                .help(format!(
                    "add {list} to `{HOSTS_ALLOWED}` on `{}`",
                    node.name
                ));
            for address in &staging.addresses {
                if let Some(at) = address.span {
                    diagnostic = diagnostic
                        .related(at, format!("the staging server's address `{}`", address.ip));
                }
            }
            if let Some(p) = property.filter(|p| {
                p.origin == Origin::File
                    && !p.is_repeated()
                    && hosts_allowed::entries_are_valid(&items)
            }) {
                let text = if p.value.is_empty() {
                    addition
                } else {
                    format!(",{addition}")
                };
                diagnostic = diagnostic.fix(Fix {
                    description: format!("add {list} to `{HOSTS_ALLOWED}`"),
                    edits: vec![Edit::Replace {
                        span: Span::new(
                            p.value_span.file,
                            crate::source::TextRange::empty(p.value_span.range.end),
                        ),
                        text,
                    }],
                });
            }
            cx.report(diagnostic);
        }
    }
}
