use crate::diagnostic::Diagnostic;
use crate::model::nginx::balanced::server_node;
use crate::model::nginx::location::select;
use crate::model::nginx::proxied::proxied;
use crate::model::nginx::{Context, NginxConfig, Upstream};
use crate::model::{NodeId, Role};
use crate::rules::consensus::node_list;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Finds the nginx upstreams that a `proxy_pass` uses and whose servers
    /// include two or more live Liferay nodes (their addresses or names
    /// resolved from the balancer), and checks that each keeps a client on
    /// one server: `ip_hash`, `hash` on the client (`$cookie_JSESSIONID`,
    /// `$remote_addr`, ...) or `sticky`. Servers marked `backup` or `down`
    /// do not count. An upstream that `nginx/sticky-session-missing`
    /// already reports for a path of the manifest's `[nginx] sticky-paths`
    /// is left to it.
    ///
    /// ## Why is this bad?
    /// A Liferay node keeps the user's HTTP session in its own memory;
    /// Cluster Link does not replicate sessions. Spread round-robin, a
    /// user's next request lands on a node that does not know the session:
    /// logins are lost, forms and staging publications fail half-way.
    /// Liferay's clustering guide asks for a balancer with sticky sessions.
    ///
    /// ## Example
    /// ```nginx
    /// upstream liferay {
    ///     server 192.0.2.11:8080;
    ///     server 192.0.2.12:8080;
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Pin each client to one node:
    /// ```nginx
    /// upstream liferay {
    ///     hash $cookie_JSESSIONID consistent;   # or: ip_hash;
    ///     server 192.0.2.11:8080;
    ///     server 192.0.2.12:8080;
    /// }
    /// ```
    id: "liferay/session-not-sticky",
    severity: Warning,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for config in &cluster.nginx {
        let mut seen: Vec<*const Upstream> = Vec::new();
        for (pass, upstream) in proxied(config) {
            if seen.contains(&std::ptr::from_ref(upstream)) {
                continue;
            }
            seen.push(std::ptr::from_ref(upstream));
            if upstream.is_sticky() {
                continue;
            }
            let mut nodes: Vec<NodeId> = upstream
                .servers
                .iter()
                .filter(|s| !s.backup && !s.down)
                .filter_map(|s| server_node(cluster, config.node, s))
                .filter(|&n| {
                    cluster.node(n).has_role(Role::Live) && cluster.liferay.node(n).is_some()
                })
                .collect();
            nodes.sort_unstable();
            nodes.dedup();
            if nodes.len() < 2 || reported_for_sticky_path(cx, config, upstream) {
                continue;
            }
            let list = node_list(cluster, nodes.iter().copied());
            cx.report(
                Diagnostic::new(
                    upstream.name.span,
                    format!(
                        "upstream `{}` spreads requests over the live Liferay nodes {list} without keeping a client on one of them",
                        upstream.name.text
                    ),
                )
                .label("no session affinity")
                .related(pass.directive, "requests reach the portal through here")
                .help(format!(
                    "add `hash $cookie_JSESSIONID consistent;` or `ip_hash;` to upstream `{}`; a Liferay session lives on one node",
                    upstream.name.text
                )),
            );
        }
    }
}

/// Whether `nginx/sticky-session-missing` reports `upstream` for one of the
/// manifest's sticky paths (a location nginx picks for the path proxies
/// to it).
fn reported_for_sticky_path(
    cx: &RuleContext<'_>,
    config: &NginxConfig,
    upstream: &Upstream,
) -> bool {
    let Some(paths) = cx.settings.manifest().and_then(|m| m.sticky_paths.as_ref()) else {
        return false;
    };
    if upstream.context != Context::Http || upstream.servers.len() < 2 {
        return false;
    }
    config
        .servers
        .iter()
        .filter(|s| s.context == Context::Http)
        .any(|server| {
            paths.iter().any(|path| {
                let path = &path.value;
                [path.clone(), format!("{}/", path.trim_end_matches('/'))]
                    .iter()
                    .filter_map(|uri| select(&server.locations, uri))
                    .flat_map(|l| &l.proxy_passes)
                    .filter(|p| !p.dynamic)
                    .any(|p| {
                        config
                            .upstream(&p.host, Context::Http)
                            .is_some_and(|u| std::ptr::eq(u, upstream))
                    })
            })
        })
}
