use crate::diagnostic::Diagnostic;
use crate::model::NodeId;
use crate::model::nginx::Host;
use crate::rules::consensus::node_list;
use crate::rules::nginx::{balanced, proxied_upstreams};
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Checks that each upstream a `proxy_pass` uses lists every node of
    /// the role it balances. The role is inferred from the nodes its
    /// servers' addresses belong to (the upstream with the Gluu nodes'
    /// addresses balances the `gluu` role); every other node of that role
    /// must be a server of it too.
    ///
    /// ## Why is this bad?
    /// A node missing from the balancer gets no traffic: the cluster runs
    /// on fewer nodes than it has, and failover to the missing node never
    /// happens. It is the classic slip after adding a node.
    ///
    /// ## Example
    /// ```nginx
    /// upstream backend {
    ///     server 192.0.2.11:443;
    ///     server 192.0.2.12:443;
    /// }
    /// ```
    /// in a cluster with a third Gluu node at `192.0.2.13`.
    ///
    /// ## How to fix
    /// Add a `server` line for the missing node to the upstream.
    id: "nginx/upstream-missing-node",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for config in &cluster.nginx {
        for upstream in proxied_upstreams(config) {
            let balanced = balanced(cluster, config, upstream);
            let Some(role) = balanced.role else { continue };
            let missing: Vec<NodeId> = cluster
                .nodes_with(role)
                .map(|n| n.id)
                .filter(|&n| n != config.node && !balanced.matched.iter().any(|(_, m)| *m == n))
                .collect();
            if missing.is_empty() {
                continue;
            }
            let port = balanced
                .matched
                .first()
                .and_then(|(i, _)| upstream.servers[*i].port)
                .map(|p| format!(":{p}"))
                .unwrap_or_default();
            // Written as the other servers are: by name where they use names.
            let by_name = balanced
                .matched
                .iter()
                .any(|(i, _)| matches!(upstream.servers[*i].host, Host::Name(_)));
            let lines: Vec<String> = missing
                .iter()
                .filter_map(|&n| {
                    let node = cluster.node(n);
                    let address = node.addresses.first()?;
                    let name = by_name
                        .then(|| {
                            cluster
                                .net
                                .hosts_lines(config.node)
                                .iter()
                                .find(|(_, line)| node.addresses.iter().any(|a| a.ip == line.ip))
                                .map(|(_, line)| cluster.text(line.span).to_string())
                                .or_else(|| node.hostname.clone())
                        })
                        .flatten();
                    let host = name.unwrap_or_else(|| match address.ip {
                        std::net::IpAddr::V6(v6) => format!("[{v6}]"),
                        v4 @ std::net::IpAddr::V4(_) => v4.to_string(),
                    });
                    Some(format!("`server {host}{port};`"))
                })
                .collect();
            let span = if upstream.keyword.file == upstream.name.span.file {
                Span::new(
                    upstream.keyword.file,
                    upstream.keyword.range.cover(upstream.name.span.range),
                )
            } else {
                upstream.name.span
            };
            let mut diagnostic = Diagnostic::new(
                span,
                format!(
                    "upstream `{}` balances the `{role}` nodes but leaves out {}",
                    upstream.name.text,
                    node_list(cluster, missing.iter().copied())
                ),
            )
            .label("incomplete upstream")
            .help(if lines.is_empty() {
                "add a `server` line for every node of the role".to_string()
            } else {
                format!("add {}", lines.join(" and "))
            });
            for &node in &missing {
                if let Some(address) = cluster.node(node).addresses.first()
                    && let Some(at) = address.span
                {
                    diagnostic = diagnostic
                        .related(at, format!("the address of `{}`", cluster.node(node).name));
                }
            }
            cx.report(diagnostic);
        }
    }
}
