use crate::diagnostic::Diagnostic;
use crate::model::NodeId;
use crate::model::gluu::balancers;
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Finds a Redis server (a `redis.conf`, not a Sentinel) on the machine
    /// that runs the nginx balancing the Gluu nodes (an nginx whose
    /// `proxy_pass` uses an upstream listing the Gluu nodes). Redis on a
    /// machine of its own, or on the Gluu nodes themselves, is not
    /// reported.
    ///
    /// ## Why is this bad?
    /// The Gluu clustering guide puts Redis, the cache of short-lived
    /// tokens, on a separate server and warns that it cannot be configured
    /// on the NGINX server, or caching runs into routing issues. The
    /// balancer is also the one machine every request crosses; a cache
    /// beside it shares its load and its failure.
    ///
    /// ## Example
    /// `lb/etc/nginx/nginx.conf` balances `gluu1` and `gluu2`, and
    /// `lb/etc/redis/redis.conf` runs Redis beside it.
    ///
    /// ## How to fix
    /// Install Redis on a server of its own (the guide's
    /// `redis.example.org`), reached by the Gluu nodes through stunnel, and
    /// remove it from the balancer.
    id: "gluu/redis-on-balancer",
    severity: Warning,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let mut seen: Vec<NodeId> = Vec::new();
    for balancer in balancers(cluster) {
        let node = balancer.config.node;
        if seen.contains(&node) {
            continue;
        }
        seen.push(node);
        let upstream = balancer.upstreams[0];
        for redis in cluster
            .redis
            .iter()
            .filter(|r| r.node == node && !r.sentinel)
        {
            let at = redis
                .port_span
                .unwrap_or_else(|| Span::file_start(redis.file));
            cx.report(
                Diagnostic::new(
                    at,
                    format!(
                        "Redis runs on `{}`, the machine of the balancer in front of the Gluu nodes",
                        cluster.node(node).name
                    ),
                )
                .label("Redis on the balancer")
                .related(
                    upstream.name.span,
                    format!("the Gluu nodes' upstream `{}`", upstream.name.text),
                )
                .help("run Redis on a server of its own and point the Gluu nodes' cache configuration (through stunnel) at it"),
            );
        }
    }
}
