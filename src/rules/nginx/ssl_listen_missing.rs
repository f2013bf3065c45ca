use crate::diagnostic::Diagnostic;
use crate::model::nginx::Context;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a server that has a certificate (`ssl_certificate`, its own
    /// or from `http`) and listens on port 443 without the `ssl` parameter
    /// and without `ssl on;`.
    ///
    /// ## Why is this bad?
    /// nginx then speaks plain HTTP on the HTTPS port: browsers and
    /// clients get a TLS handshake error. It happens when a deprecated
    /// `ssl on;` is deleted without adding `ssl` to the `listen`.
    ///
    /// ## Example
    /// ```nginx
    /// server {
    ///     listen 443;
    ///     ssl_certificate     /etc/nginx/ssl/httpd.crt;
    ///     ssl_certificate_key /etc/nginx/ssl/httpd.key;
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Write `listen 443 ssl;`.
    id: "nginx/ssl-listen-missing",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    for config in &cx.cluster.nginx {
        for server in config.servers.iter().filter(|s| s.context == Context::Http) {
            if server.certificates.is_empty() || server.ssl_on.is_some() {
                continue;
            }
            // `quic` listens carry TLS of their own.
            for listen in server
                .listens
                .iter()
                .filter(|l| l.port == 443 && !l.ssl && !l.quic)
            {
                cx.report(
                    Diagnostic::new(
                        listen.span,
                        "this server listens on 443 without `ssl`, so it speaks plain HTTP there",
                    )
                    .label("no `ssl`")
                    .related(server.certificates[0], "the server has a certificate")
                    .help("add the `ssl` parameter: `listen 443 ssl;`"),
                );
            }
        }
    }
}
