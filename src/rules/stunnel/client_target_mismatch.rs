use crate::diagnostic::Diagnostic;
use crate::model::net::Program;
use crate::model::stunnel::{connect_target, unreadable_accept};
use crate::rules::stunnel::service_name;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks the client side of the tunnels: a `client = yes` service that
    /// connects to a node of the cluster must connect to an address and
    /// port where a TLS service listens there, normally the `accept` of the
    /// server tunnel on the Redis host. Host names resolve through the
    /// client node's `/etc/hosts` and `clusterlint.toml`.
    ///
    /// ## Why is this bad?
    /// The client tunnel accepts the application's connections and then
    /// cannot reach the other end, or reaches a plain-text port with TLS:
    /// the application sees every cache connection fail.
    ///
    /// ## Example
    /// ```ini
    /// # gluu1: client
    /// [redis]
    /// client = yes
    /// accept = 127.0.0.1:6379
    /// connect = 192.0.2.30:16380
    /// ```
    /// while the Redis host's tunnel accepts `192.0.2.30:16379`.
    ///
    /// ## How to fix
    /// Connect to the server tunnel's `accept` address and port.
    id: "stunnel/client-target-mismatch",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for tunnel in cluster.stunnel.tunnels.iter().filter(|t| t.client) {
        for connect in &tunnel.connects {
            let Some((target, port)) = connect_target(cluster, tunnel, connect) else {
                continue;
            };
            let there: Vec<_> = cluster
                .net
                .listening_at(target.node, target.ip, port)
                .collect();
            if there.iter().any(|l| l.tls)
                || (there.is_empty()
                    && unreadable_accept(cluster, target.node, port, tunnel).is_some())
            {
                continue;
            }
            let node = &cluster.node(target.node).name;
            let servers: Vec<_> = cluster
                .net
                .listeners_of(target.node)
                .filter(|l| l.program == Program::Stunnel && l.tls)
                .collect();
            let message = match there.first() {
                Some(plain) => format!(
                    "{} connects with TLS to `{}`, where {} on `{node}` speaks plain text",
                    service_name(tunnel),
                    connect.text,
                    plain.program
                ),
                None if servers.is_empty()
                    && cluster.net.listeners_of(target.node).next().is_none() =>
                {
                    continue;
                }
                None => format!(
                    "{} connects to `{}`, where no tunnel of `{node}` accepts",
                    service_name(tunnel),
                    connect.text
                ),
            };
            let mut diagnostic =
                Diagnostic::new(connect.span, message).label("no TLS service here");
            diagnostic = match servers.first() {
                Some(server) => diagnostic
                    .related(
                        server.span,
                        format!("the tunnel of `{node}` accepts `{}`", server.endpoint()),
                    )
                    .help(format!("connect to `{}`", server.endpoint())),
                None => diagnostic.help(format!(
                    "set up a server tunnel on `{node}`, or connect where one accepts"
                )),
            };
            cx.report(diagnostic);
        }
    }
}
