use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::formats::Format;
use crate::model::Role;
use crate::model::liferay::hosts_allowed;
use crate::model::liferay::portals::with_role;
use crate::model::liferay::tunnel::tunnel_verifiers;
use crate::rules::liferay::staging_nodes;
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
    fix: Unsafe,
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
                let is_config = cluster.file(config.file).format == Some(Format::OSGI_CONFIG);
                let valid = hosts_allowed::entries_are_valid(&hosts.items);
                if let (true, true, Some(last)) = (is_config, valid, hosts.items.last()) {
                    // A list gets new quoted elements after the last one's
                    // closing quote; a scalar gets comma-separated text
                    // before its closing quote.
                    let after_quote = last.span.range.end as usize + 1;
                    let source = &cluster.source(config.file).text;
                    let (at, text) = if hosts.is_list {
                        // Separated as the list's last two elements are.
                        let separator = hosts
                            .items
                            .len()
                            .checked_sub(2)
                            .and_then(|i| {
                                let from = hosts.items[i].span.range.end as usize + 1;
                                source.get(from..(last.span.range.start as usize).saturating_sub(1))
                            })
                            .filter(|s| s.trim() == ",")
                            .unwrap_or(",");
                        let elements = missing.iter().fold(String::new(), |mut out, a| {
                            out.push_str(separator);
                            out.push('"');
                            out.push_str(a);
                            out.push('"');
                            out
                        });
                        (after_quote, elements)
                    } else if hosts.value.is_empty() {
                        (after_quote - 1, missing.join(","))
                    } else {
                        (after_quote - 1, format!(",{}", missing.join(",")))
                    };
                    if !hosts.is_list || source[..at].ends_with('"') {
                        diagnostic = diagnostic.fix(Fix {
                            description: format!("add {list} to `hostsAllowed`"),
                            edits: vec![Edit::Replace {
                                span: Span::new(config.file, TextRange::from_usize(at..at)),
                                text,
                            }],
                        });
                    }
                }
                cx.report(diagnostic);
            }
        }
    }
}
