use crate::clock;
use crate::diagnostic::Diagnostic;
use crate::model::tls::certificates;
use crate::rules::tls::{describe, distinct_settings};
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reads every certificate a configuration names (presented, chain,
    /// trusted) and reports one whose validity ends within 30 days of the
    /// moment of the check (today, or `--as-of`/`[tls] as-of`). The margin
    /// is the manifest's `[tls] expiring-days`. An expired certificate is
    /// `tls/cert-expired`'s.
    ///
    /// ## Why is this bad?
    /// Expiry is the most common reason a cluster that worked yesterday
    /// fails today; certificates copied by hand to every node are renewed
    /// by hand, and the one on a forgotten node is the one that expires.
    ///
    /// ## Example
    /// ```nginx
    /// ssl_certificate /etc/nginx/ssl/httpd.crt;   # notAfter in 12 days
    /// ```
    ///
    /// ## How to fix
    /// Renew the certificate now and copy it, with its key, to every node
    /// that uses it.
    id: "tls/cert-expiring",
    severity: Warning,
    check: Some(check),
}

/// Days of warning before a certificate ends.
pub const DEFAULT_DAYS: i64 = 30;

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let now = cx.as_of;
    let days = cx
        .settings
        .manifest()
        .and_then(|m| m.tls_expiring_days.as_ref())
        .map_or(DEFAULT_DAYS, |d| d.value);
    let mut seen: Vec<Span> = Vec::new();
    for setting in distinct_settings(cluster) {
        for (block, cert) in certificates(cluster, setting) {
            if cert.not_after < now
                || cert.not_before > now
                || cert.not_after >= now + days * clock::DAY
                || seen.contains(&block)
            {
                continue;
            }
            seen.push(block);
            let left = (cert.not_after - now) / clock::DAY;
            cx.report(
                Diagnostic::new(
                    setting.span,
                    format!(
                        "the certificate {} in `{}` expires on {} ({left} days after {})",
                        describe(cert),
                        setting.named(cluster),
                        clock::date(cert.not_after),
                        clock::date(now),
                    ),
                )
                .label(format!("expires in {left} days"))
                .related(block, "this certificate")
                .help(
                    "renew the certificate and copy it, with its key, to every node that uses it",
                ),
            );
        }
    }
}
