use crate::diagnostic::{Diagnostic, Fix};
use crate::model::nginx::{Context, Listen, VirtualServer};
use crate::rules::edits;
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
    /// Write `listen 443 ssl;`. `--fix` adds the parameter, unless the
    /// `listen` is in a file that a server without a certificate includes
    /// too.
    id: "nginx/ssl-listen-missing",
    severity: Error,
    fix: Safe,
    check: Some(check),
}

/// Whether the rule holds the server to `ssl` on 443.
fn needs_ssl(server: &VirtualServer) -> bool {
    server.context == Context::Http && !server.certificates.is_empty() && server.ssl_on.is_none()
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for config in &cluster.nginx {
        for server in config.servers.iter().filter(|s| needs_ssl(s)) {
            // `quic` listens carry TLS of their own.
            for listen in server
                .listens
                .iter()
                .filter(|l| l.port == 443 && !l.ssl && !l.quic)
            {
                let mut diagnostic = Diagnostic::new(
                    listen.span,
                    "this server listens on 443 without `ssl`, so it speaks plain HTTP there",
                )
                .label("no `ssl`")
                .related(server.certificates[0], "the server has a certificate")
                .help("add the `ssl` parameter: `listen 443 ssl;`");
                if let Some(fix) = fix(cluster, listen) {
                    diagnostic = diagnostic.fix(fix);
                }
                cx.report(diagnostic);
            }
        }
    }
}

/// ` ssl` at the end of the `listen`, unless another kind of server shares
/// the directive (an included file).
fn fix(cluster: &crate::model::Cluster, listen: &Listen) -> Option<Fix> {
    let shared = cluster
        .nginx
        .iter()
        .flat_map(|c| &c.servers)
        .filter(|s| !needs_ssl(s))
        .any(|s| s.listens.iter().any(|l| l.span == listen.span));
    if shared {
        return None;
    }
    let text = &cluster.source(listen.span.file).text;
    let at = edits::before_semicolon(text, listen.span.range.end as usize)?;
    Some(Fix {
        description: format!(
            "add `ssl` to `listen {}`",
            cluster.text(listen.address_span)
        ),
        edits: vec![edits::insert(listen.span.file, at, " ssl")],
    })
}
