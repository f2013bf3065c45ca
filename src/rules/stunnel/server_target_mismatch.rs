use crate::diagnostic::Diagnostic;
use crate::model::stunnel::{connect_target, unreadable_accept};
use crate::rules::stunnel::service_name;
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Checks the server side of the tunnels to Redis: a server-mode
    /// service (no `client = yes`) that connects to a machine running
    /// Redis must connect to an address and port where something listens
    /// there, normally Redis's `port` on an address its `bind` admits
    /// (`127.0.0.1:6379` by default).
    ///
    /// ## Why is this bad?
    /// The tunnel accepts the clients' TLS connections and then fails to
    /// reach Redis: every cache access of every node fails. The Gluu guide
    /// itself connects to `127.0.0.1:16379` while leaving Redis on its
    /// default port 6379.
    ///
    /// ## Example
    /// ```ini
    /// [redis]
    /// accept = 192.0.2.30:16379
    /// connect = 127.0.0.1:16379
    /// ```
    /// with `port 6379` (or no `port`) in `redis.conf`.
    ///
    /// ## How to fix
    /// Connect to Redis's port (`connect = 127.0.0.1:6379`), or set Redis's
    /// `port` to the one the tunnel uses.
    id: "stunnel/server-target-mismatch",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for tunnel in cluster.stunnel.tunnels.iter().filter(|t| !t.client) {
        for connect in &tunnel.connects {
            let Some((target, port)) = connect_target(cluster, tunnel, connect) else {
                continue;
            };
            let Some(redis) = cluster
                .redis
                .iter()
                .find(|r| r.node == target.node && !r.sentinel)
            else {
                continue;
            };
            if cluster
                .net
                .listening_at(target.node, target.ip, port)
                .next()
                .is_some()
                || unreadable_accept(cluster, target.node, port, tunnel).is_some()
            {
                continue;
            }
            let listens: Vec<String> = cluster
                .net
                .listeners_of(target.node)
                .filter(|l| l.config == redis.file)
                .map(|l| format!("`{}`", l.endpoint()))
                .collect();
            let node = &cluster.node(target.node).name;
            let redis_at = redis
                .port_span
                .or(redis.bind.as_ref().map(|(_, span)| *span))
                .unwrap_or_else(|| Span::file_start(redis.file));
            cx.report(
                Diagnostic::new(
                    connect.span,
                    format!(
                        "{} connects to `{}`, where Redis on `{node}` does not listen{}",
                        service_name(tunnel),
                        connect.text,
                        if listens.is_empty() { String::new() } else { format!(" (it listens on {})", listens.join(", ")) }
                    ),
                )
                .label("nothing listens here")
                .related(redis_at, format!("Redis's port is {}", redis.port))
                .help(format!(
                    "connect to the address and port Redis listens on (`127.0.0.1:{}`), or change Redis's `port`",
                    redis.port
                )),
            );
        }
    }
}
