use crate::diagnostic::Diagnostic;
use crate::model::stunnel::tls_peer;
use crate::rules::stunnel::service_name;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a server-mode service (no `client = yes`) without a `cert`,
    /// in the service or in the global section. A service that connects to
    /// another tunnel's TLS port is left to `stunnel/client-mode-missing`.
    ///
    /// ## Why is this bad?
    /// A TLS server needs a certificate: stunnel refuses the configuration
    /// ("TLS server needs a certificate") and the tunnel does not start.
    ///
    /// ## Example
    /// ```ini
    /// [redis]
    /// accept = 192.0.2.30:16379
    /// connect = 127.0.0.1:6379
    /// ```
    ///
    /// ## How to fix
    /// Add `cert = /etc/stunnel/redis.pem` (a file with the certificate and
    /// its key, or give the key with `key =`).
    id: "stunnel/cert-missing",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    // A service that connects to another tunnel's TLS port is a client
    // missing `client = yes` (`stunnel/client-mode-missing`), not a server
    // missing its certificate.
    for tunnel in cluster
        .stunnel
        .tunnels
        .iter()
        .filter(|t| !t.client && t.cert.is_none() && tls_peer(cluster, t).is_none())
    {
        cx.report(
            Diagnostic::new(
                tunnel.header,
                format!(
                    "{} is a TLS server but has no `cert`; stunnel refuses to start",
                    service_name(tunnel)
                ),
            )
            .label("no certificate")
            .help("add `cert = /etc/stunnel/<name>.pem` to the service or the global section"),
        );
    }
}
