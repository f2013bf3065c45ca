use std::net::IpAddr;

use crate::diagnostic::{Diagnostic, Fix};
use crate::model::nginx::balanced::{balanced, server_node};
use crate::model::nginx::proxied::proxied_upstreams;
use crate::model::nginx::{Host, NginxConfig, Upstream, UpstreamServer};
use crate::model::{Cluster, NodeId, Role};
use crate::rules::consensus::node_list;
use crate::rules::edits;
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Checks that each upstream a `proxy_pass` uses lists every node of
    /// the role it balances. The role is inferred from the nodes its
    /// servers' addresses belong to (the upstream with the Gluu nodes'
    /// addresses balances the `gluu` role); every other node of that role
    /// must be a server of it too. Where a balancer's upstreams split the
    /// role's nodes between them on purpose (each node in exactly one
    /// upstream, every node in one: oxTrust on one Gluu node, oxAuth on
    /// another, each behind its own paths), none of them is incomplete. An
    /// upstream whose servers are all on the nginx's own machine (Gluu
    /// CE's nginx on every node, proxying to `localhost`) balances no
    /// nodes and is not judged.
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
    /// `--fix` adds it after the last `server`, with the same indentation,
    /// when the node's address is known, the upstream's servers for the
    /// role agree on their port and parameters (those are copied; `backup`
    /// and `down` never are), and none of its servers is an unknown
    /// address (which may be the missing node mistyped).
    id: "nginx/upstream-missing-node",
    severity: Error,
    fix: Unsafe,
    check: Some(check),
}

/// Whether the upstreams of a configuration that balance `role` split its
/// nodes between them on purpose: two or more of them, no node in two,
/// every node of the role in one (a Gluu node serving oxTrust, another
/// oxAuth, each behind its own paths).
fn partitioned(cluster: &Cluster, config: &NginxConfig, role: Role) -> bool {
    let sets: Vec<Vec<NodeId>> = proxied_upstreams(config)
        .into_iter()
        .map(|u| balanced(cluster, config, u))
        .filter(|b| b.role == Some(role))
        .map(|b| {
            let mut nodes: Vec<NodeId> = b.matched.iter().map(|(_, n)| *n).collect();
            nodes.sort_unstable();
            nodes.dedup();
            nodes
        })
        .collect();
    if sets.len() < 2 {
        return false;
    }
    let mut all: Vec<NodeId> = sets.iter().flatten().copied().collect();
    let total = all.len();
    all.sort_unstable();
    all.dedup();
    all.len() == total
        && cluster
            .nodes_with(role)
            .all(|n| n.id == config.node || all.contains(&n.id))
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for config in &cluster.nginx {
        for upstream in proxied_upstreams(config) {
            let balanced = balanced(cluster, config, upstream);
            let Some(role) = balanced.role else { continue };
            // An nginx in front of its own machine's services (Gluu CE's
            // on every node, proxying to `localhost`) balances no nodes.
            if balanced.matched.iter().all(|(_, n)| *n == config.node) {
                continue;
            }
            if partitioned(cluster, config, role) {
                continue;
            }
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
            // A server that is no node may be a missing node's address
            // mistyped (`nginx/upstream-unknown-server`): correcting it is
            // the fix then, not another line.
            let unknown = upstream.servers.iter().enumerate().any(|(i, s)| {
                !matches!(s.host, Host::Unix(_)) && !balanced.matched.iter().any(|(m, _)| *m == i)
            });
            if let (false, Some(fix)) = (unknown, fix(cluster, config, upstream, role, &missing)) {
                diagnostic = diagnostic.fix(fix);
            }
            cx.report(diagnostic);
        }
    }
}

/// `server ADDRESS[:PORT] [PARAMS];` for each missing node, after the
/// upstream's last `server`: when the servers of the role agree on the
/// port (written or not) and on their parameters other than `backup` and
/// `down`, and every missing node has an address. A node is named as the
/// servers name theirs: by the balancer's `/etc/hosts` name for its
/// address when they use names (and that name leads to it), else by its
/// address.
fn fix(
    cluster: &Cluster,
    config: &NginxConfig,
    upstream: &Upstream,
    role: Role,
    missing: &[NodeId],
) -> Option<Fix> {
    let servers: Vec<&UpstreamServer> = upstream
        .servers
        .iter()
        .filter(|s| {
            server_node(cluster, config.node, s).is_some_and(|n| cluster.node(n).has_role(role))
        })
        .collect();
    let first = servers.first()?;
    // One port, written the same way (or by none, for the default).
    let written = |s: &UpstreamServer| cluster.text(s.address) != s.host_text;
    if servers.iter().any(|s| s.port != first.port) || first.port.is_none() {
        return None;
    }
    let port = if servers.iter().any(|s| written(s)) {
        format!(":{}", first.port?)
    } else {
        String::new()
    };
    // Common parameters, as written.
    let params = |s: &UpstreamServer| -> Option<Vec<String>> {
        s.params
            .iter()
            .filter(|p| p.text != "backup" && p.text != "down")
            .map(|p| (cluster.text(p.span) == p.text).then(|| p.text.to_string()))
            .collect()
    };
    let common = params(first)?;
    for server in &servers {
        if params(server)? != common {
            return None;
        }
    }
    let by_name = servers.iter().any(|s| matches!(s.host, Host::Name(_)));
    let v6 = servers
        .iter()
        .all(|s| matches!(s.host, Host::Ip(IpAddr::V6(_))));
    let mut directives = Vec::new();
    for &n in missing {
        let node = cluster.node(n);
        let named = by_name
            .then(|| {
                cluster
                    .net
                    .hosts_lines(config.node)
                    .iter()
                    .find(|(key, line)| {
                        node.addresses.iter().any(|a| a.ip == line.ip)
                            && cluster.net.resolve(cluster, config.node, key) == [line.ip]
                    })
                    .map(|(_, line)| cluster.text(line.span).to_string())
            })
            .flatten();
        let address = node
            .addresses
            .iter()
            .find(|a| a.ip.is_ipv6() == v6)
            .or_else(|| node.addresses.first())?;
        let host = named.unwrap_or_else(|| match address.ip {
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) => ip.to_string(),
        });
        let mut words = vec!["server".to_string(), format!("{host}{port}")];
        words.extend(common.iter().cloned());
        directives.push(format!("{};", words.join(" ")));
    }
    let last = upstream.servers.last()?;
    let file = last.span.file;
    let text = &cluster.source(file).text;
    let (start, end) = (last.span.range.start as usize, last.span.range.end as usize);
    let rest = text[end..edits::line_end(text, end)].trim_start();
    let edit = if edits::starts_line(text, start) && (rest.is_empty() || rest.starts_with('#')) {
        let indent = edits::indentation(text, start);
        let lines: Vec<String> = directives.iter().map(|d| format!("{indent}{d}")).collect();
        let (range, inserted) = edits::line_after(text, end, &lines.join("\n"));
        edits::replace(file, range, inserted)
    } else {
        // On the line of the last server, right after it.
        edits::insert(file, end, format!(" {}", directives.join(" ")))
    };
    let shown: Vec<String> = directives.iter().map(|d| format!("`{d}`")).collect();
    Some(Fix {
        description: format!(
            "add {} to upstream `{}`",
            shown.join(" and "),
            upstream.name.text
        ),
        edits: vec![edit],
    })
}
