use crate::clock;
use crate::diagnostic::Diagnostic;
use crate::model::tls::certificates;
use crate::rules::tls::{describe, distinct_settings};
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reads every certificate a configuration names (the certificate a
    /// program presents, the rest of its chain, the CA files it trusts)
    /// and reports one whose validity has ended, or has not begun, at the
    /// moment of the check: today, or the date of `--as-of` or the
    /// manifest's `[tls] as-of`.
    ///
    /// ## Why is this bad?
    /// Peers refuse an expired certificate at the handshake: the tunnel
    /// between a Gluu node and Redis, or the balancer's site, stops working
    /// on that date, although nothing in the configuration changed. A
    /// certificate not valid yet (a clock or date typo when issuing it) is
    /// refused the same way.
    ///
    /// ## Example
    /// ```ini
    /// cert = /etc/stunnel/redis-server.pem   ; notAfter 2021-01-01
    /// ```
    ///
    /// ## How to fix
    /// Issue the certificate again (`openssl x509 -req -days ...`) and copy
    /// it, with its key, to every node that presents it; replace an expired
    /// CA in every `CAfile` that lists it.
    id: "tls/cert-expired",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let now = cx.as_of;
    let mut seen: Vec<Span> = Vec::new();
    for setting in distinct_settings(cluster) {
        for (block, cert) in certificates(cluster, setting) {
            let message = if cert.not_after < now {
                format!("expired on {}", clock::date(cert.not_after))
            } else if cert.not_before > now {
                format!("is not valid before {}", clock::date(cert.not_before))
            } else {
                continue;
            };
            if seen.contains(&block) {
                continue;
            }
            seen.push(block);
            cx.report(
                Diagnostic::new(
                    setting.span,
                    format!(
                        "the certificate {} in `{}` {message} (judged at {})",
                        describe(cert),
                        setting.named(cluster),
                        clock::date(now),
                    ),
                )
                .label(message)
                .related(block, "this certificate")
                .help("issue the certificate again and copy it, with its key, to every node that uses it"),
            );
        }
    }
}
