use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Fix};
use crate::model::nginx::Context;
use crate::model::nginx::proxied::is_bare_name;
use crate::rules::edits;
use crate::rules::{RuleContext, declare_rule};
use crate::suggest;

declare_rule! {
    /// ## What it does
    /// Reports a `proxy_pass` (or `grpc_pass`, `uwsgi_pass`, ...) whose
    /// host is a bare name, such as `http://backend_id`, when no `upstream`
    /// of that name is defined (names compare without case, as nginx
    /// does). Names the node's `/etc/hosts` or the cluster knows are
    /// hosts, not upstreams, and are left alone.
    ///
    /// ## Why is this bad?
    /// nginx then takes the name for a host and resolves it at startup:
    /// `host not found in upstream "backend_id"`, and the balancer does not
    /// start. A typo in the upstream name is the usual cause.
    ///
    /// ## Example
    /// ```nginx
    /// upstream backend_id { ip_hash; server 192.0.2.11:443; }
    /// location /identity { proxy_pass https://backend_idp/identity; }
    /// ```
    ///
    /// ## How to fix
    /// Use the name of a defined upstream, or define the upstream. When
    /// exactly one defined upstream's name is a near miss of the name, and
    /// the URL gives no port (nginx refuses a port after an upstream's
    /// name), `--fix` writes that name in the URL.
    id: "nginx/proxy-pass-unknown-upstream",
    severity: Error,
    fix: Safe,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for config in &cluster.nginx {
        // One suggester per context: an upstream serves its own context.
        let mut suggesters: HashMap<Context, suggest::Suggester<'_>> = HashMap::new();
        let mut near_misses: HashMap<(Context, &str), Option<&str>> = HashMap::new();
        for server in &config.servers {
            let passes = server
                .locations
                .iter()
                .flat_map(|l| &l.proxy_passes)
                .chain(&server.proxy_passes);
            for pass in passes {
                if pass.dynamic
                    || !is_bare_name(&pass.host)
                    || config.upstream_of(pass).is_some()
                    || cluster.net.is_known_name(cluster, config.node, &pass.host)
                    || !cluster
                        .net
                        .nodes_named(cluster, config.node, &pass.host)
                        .is_empty()
                    || cluster.deployment.is_service_name(&pass.host)
                {
                    continue;
                }
                let names = config
                    .upstreams
                    .iter()
                    .filter(|u| u.context == server.context)
                    .map(|u| u.name.text.as_str());
                let hint = suggesters
                    .entry(server.context)
                    .or_insert_with(|| suggest::Suggester::new(names.clone()))
                    .did_you_mean(&pass.host);
                // With a port the name is a host to nginx (an upstream's
                // name takes none): only a near miss of an upstream's name
                // is taken for a typo.
                if pass.port.is_some() && hint.is_empty() {
                    continue;
                }
                let mut diagnostic = Diagnostic::new(
                    pass.url.span,
                    format!("`{}` names no upstream defined here{hint}", pass.host),
                )
                .label("unknown upstream")
                .help("use the name of a defined `upstream`, or define it; nginx would look the name up as a host and fail to start");
                // A typo of exactly one upstream's name: that upstream. Not
                // with a port: nginx refuses one after an upstream's name.
                // No suggestion, no near miss: the list is read again only
                // for a name that has one, once.
                if let (false, Some(at), None) = (hint.is_empty(), pass.host_span, &pass.port)
                    && let Some(name) = *near_misses
                        .entry((server.context, pass.host.as_str()))
                        .or_insert_with(|| edits::sole_near_miss(&pass.host, names))
                {
                    diagnostic = diagnostic.fix(Fix {
                        description: format!("proxy to upstream `{name}`"),
                        edits: vec![edits::replace(at.file, at.range, name)],
                    });
                }
                cx.report(diagnostic);
            }
        }
    }
}
