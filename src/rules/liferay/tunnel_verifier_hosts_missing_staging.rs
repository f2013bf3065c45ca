use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::formats::Format;
use crate::model::Role;
use crate::rules::liferay::{hosts_allowed, staging_nodes, tunnel_verifiers, with_role};
use crate::rules::{RuleContext, declare_rule};
use crate::source::{Span, TextRange};

declare_rule! {
    /// ## What it does
    /// Checks that the `hostsAllowed` of each TunnelAuthVerifier
    /// configuration on a live node admits every address of the staging
    /// server (as an address, or a network containing it). A configuration
    /// without `hostsAllowed` admits everyone and is not reported.
    ///
    /// ## Why is this bad?
    /// The verifier refuses to authenticate tunnel requests from addresses
    /// it does not admit, so publication from the staging server fails even
    /// when `tunnel.servlet.hosts.allowed` is right.
    ///
    /// ## Example
    /// ```text
    /// hostsAllowed="127.0.0.1,SERVER_IP"
    /// ```
    ///
    /// ## How to fix
    /// ```text
    /// hostsAllowed="127.0.0.1,SERVER_IP,192.0.2.50"
    /// ```
    id: "liferay/tunnel-verifier-hosts-missing-staging",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for staging in staging_nodes(cx) {
        if staging.addresses.is_empty() {
            continue; // tunnel-hosts-missing-staging reports the unknown address.
        }
        for (node, liferay) in with_role(cluster, Role::Live) {
            for config in tunnel_verifiers(liferay) {
                let Some(hosts) = config.get("hostsAllowed") else {
                    continue;
                };
                let missing: Vec<String> = staging
                    .addresses
                    .iter()
                    .filter(|a| !hosts_allowed::list_admits(&hosts.items, a.ip))
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
                let mut diagnostic = Diagnostic::new(
                    hosts.value_span,
                    format!(
                        "the TunnelAuthVerifier's `hostsAllowed` on `{}` does not admit the staging server `{}` ({list})",
                        node.name, staging.name
                    ),
                )
                .label("the staging server is missing here")
                .help(format!("add {list} to `hostsAllowed`"));
                for address in &staging.addresses {
                    if let Some(at) = address.span {
                        diagnostic = diagnostic
                            .related(at, format!("the staging server's address `{}`", address.ip));
                    }
                }
                // A plain quoted scalar: insert before the closing quote.
                let is_config = cluster.file(config.file).format == Some(Format::OsgiConfig);
                let valid = hosts_allowed::entries_are_valid(&hosts.items);
                if let (true, true, Some(last)) = (is_config, valid, hosts.items.last()) {
                    let text = if hosts.value.is_empty() {
                        missing.join(",")
                    } else {
                        format!(",{}", missing.join(","))
                    };
                    diagnostic = diagnostic.fix(Fix {
                        description: format!("add {list} to `hostsAllowed`"),
                        edits: vec![Edit::Replace {
                            span: Span::new(config.file, TextRange::empty(last.span.range.end)),
                            text,
                        }],
                    });
                }
                cx.report(diagnostic);
            }
        }
    }
}
