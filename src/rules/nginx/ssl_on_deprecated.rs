use crate::diagnostic::Diagnostic;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports the `ssl` directive (`ssl on;`, and `ssl off;` too).
    ///
    /// ## Why is this bad?
    /// The directive is deprecated since nginx 1.15.0 (a warning at every
    /// start, whatever its value) and was removed in 1.25.1: a current nginx
    /// refuses the configuration. It also turns TLS on for every `listen` of the
    /// server, including a plain-HTTP port meant for redirects.
    ///
    /// ## Example
    /// ```nginx
    /// server {
    ///     listen 443;
    ///     ssl on;
    ///     ssl_certificate /etc/nginx/ssl/httpd.crt;
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Delete `ssl on;` and write `listen 443 ssl;`.
    id: "nginx/ssl-on-deprecated",
    severity: Warning,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    for config in &cx.cluster.nginx {
        for &span in &config.ssl_directives {
            cx.report(
                Diagnostic::new(
                    span,
                    "the `ssl` directive is deprecated since nginx 1.15.0 and refused since 1.25.1",
                )
                .label("deprecated")
                .help("delete it; for TLS, add `ssl` to the `listen` directive: `listen 443 ssl;`"),
            );
        }
    }
}
