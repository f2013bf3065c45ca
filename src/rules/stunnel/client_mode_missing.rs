use crate::diagnostic::Diagnostic;
use crate::rules::stunnel::{service_name, tls_peer};
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a service without `client = yes` that connects to another
    /// stunnel's TLS `accept` (a server-mode service of the cluster).
    ///
    /// ## Why is this bad?
    /// Without `client = yes` stunnel is a TLS server: it expects TLS on
    /// its `accept` side and sends plain text to `connect`. Pointed at the
    /// other tunnel's TLS port, the two ends never agree and every
    /// connection fails. The Gluu guide's client configuration has exactly
    /// this gap.
    ///
    /// ## Example
    /// ```ini
    /// # gluu1/etc/stunnel/redis-client.conf
    /// [redis]
    /// accept = 127.0.0.1:6379
    /// connect = 192.0.2.30:16379
    /// ```
    ///
    /// ## How to fix
    /// Add `client = yes` to the service.
    id: "stunnel/client-mode-missing",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for tunnel in cluster.stunnel.tunnels.iter().filter(|t| !t.client) {
        let Some((target, server)) = tls_peer(cluster, tunnel) else {
            continue;
        };
        cx.report(
            Diagnostic::new(
                tunnel.header,
                format!(
                    "{} connects to the TLS port of the tunnel on `{}` but has no `client = yes`, so it sends plain text",
                    service_name(tunnel),
                    cluster.node(target.node).name
                ),
            )
            .label("not a client")
            .related(server.span, "the tunnel it connects to accepts TLS here")
            .help("add `client = yes` to the service"),
        );
    }
}
