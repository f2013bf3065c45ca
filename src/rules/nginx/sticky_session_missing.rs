use crate::diagnostic::Diagnostic;
use crate::model::Role;
use crate::model::nginx::Context;
use crate::model::nginx::balanced::balanced;
use crate::model::nginx::location::select;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// For each path that needs sticky sessions (`[nginx] sticky-paths` in
    /// `clusterlint.toml`; Gluu's `/identity` by default), finds the
    /// `location` nginx picks for it in each server, and checks that the
    /// upstream it proxies to pins clients to one server (`ip_hash`,
    /// `hash`, or `sticky`), when that upstream has several servers.
    /// Regular-expression locations are matched by their literal start.
    /// Without `sticky-paths` in the manifest, `/identity` is checked only
    /// where a location names it or the upstream balances Gluu nodes.
    ///
    /// ## Why is this bad?
    /// oxTrust (`/identity`) keeps its session in the memory of one node.
    /// Spread round-robin over the nodes, a user's next request lands on a
    /// node that does not know the session, and the login loops or fails.
    ///
    /// ## Example
    /// ```nginx
    /// upstream backend { server 192.0.2.11:443; server 192.0.2.12:443; }
    /// location /identity { proxy_pass https://backend/identity; }
    /// ```
    ///
    /// ## How to fix
    /// Proxy the path to an upstream with `ip_hash;` (the Gluu guide keeps
    /// a second upstream, `backend_id`, for this), or add it to this one.
    id: "nginx/sticky-session-missing",
    severity: Warning,
    check: Some(check),
}

/// The sticky paths when the manifest names none.
pub const DEFAULT_STICKY_PATHS: &[&str] = &["/identity"];

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let configured = cx.settings.manifest().and_then(|m| m.sticky_paths.as_ref());
    let paths: Vec<String> = configured.map_or_else(
        || {
            DEFAULT_STICKY_PATHS
                .iter()
                .map(ToString::to_string)
                .collect()
        },
        |paths| paths.iter().map(|p| p.value.clone()).collect(),
    );
    // Each path as written and with a trailing `/`.
    let paths: Vec<(String, [String; 2])> = paths
        .into_iter()
        .map(|path| {
            let uris = [path.clone(), format!("{}/", path.trim_end_matches('/'))];
            (path, uris)
        })
        .collect();
    for config in &cluster.nginx {
        let mut reported: Vec<(String, String)> = Vec::new();
        for server in config.servers.iter().filter(|s| s.context == Context::Http) {
            for (path, uris) in &paths {
                for location in uris.iter().filter_map(|uri| select(&server.locations, uri)) {
                    for pass in location.proxy_passes.iter().filter(|p| !p.dynamic) {
                        let Some(upstream) = config.upstream(&pass.host, Context::Http) else {
                            continue;
                        };
                        let key = (upstream.name.text.to_string(), path.clone());
                        if upstream.servers.len() < 2
                            || upstream.is_sticky()
                            || reported.contains(&key)
                        {
                            continue;
                        }
                        // Gluu's default path only concerns Gluu: a location
                        // named for it, or an upstream of Gluu nodes.
                        if configured.is_none()
                            && !location.path.text.contains(path.as_str())
                            && balanced(cluster, config, upstream).role != Some(Role::Gluu)
                        {
                            continue;
                        }
                        reported.push(key);
                        cx.report(
                            Diagnostic::new(
                                upstream.name.span,
                                format!(
                                    "requests to `{path}` go to upstream `{}`, which does not keep a client on one server",
                                    upstream.name.text
                                ),
                            )
                            .label("not sticky")
                            .related(
                                pass.directive,
                                format!("`location {}` proxies `{path}` here", location.path.text),
                            )
                            .help(format!(
                                "add `ip_hash;` to upstream `{}`, or proxy `{path}` to an upstream that has it",
                                upstream.name.text
                            )),
                        );
                    }
                }
            }
        }
    }
}
