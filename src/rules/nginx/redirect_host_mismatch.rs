use crate::diagnostic::Diagnostic;
use crate::model::nginx::{ServerNameIndex, url_host};
use crate::rules::{RuleContext, declare_rule};
use crate::suggest;

declare_rule! {
    /// ## What it does
    /// Checks `return 301 URL;` (and 302, 303, 307, 308, or a bare
    /// `return URL;`) redirects to an absolute URL: the URL's host must be
    /// a `server_name` of this server or of another server block of the
    /// same configuration. Hosts written with variables are not checked.
    ///
    /// ## Why is this bad?
    /// The usual HTTP-to-HTTPS redirect repeats the server's name by hand;
    /// a typo there sends every visitor to a host that does not exist or
    /// is not this service (the Gluu guide's own example redirects
    /// `loadbalancer.example.org` to `loadbalance.example.org`).
    ///
    /// ## Example
    /// ```nginx
    /// server {
    ///     listen 80;
    ///     server_name idp.example.org;
    ///     return 301 https://ipd.example.org$request_uri;
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Correct the host, or redirect to `https://$host$request_uri`.
    id: "nginx/redirect-host-mismatch",
    severity: Warning,
    check: Some(check),
}

/// Beyond this many names, no "did you mean" is offered.
const MAX_NAMES_TO_SUGGEST: usize = 1000;

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for config in &cluster.nginx {
        let all_names: Vec<&str> = config
            .servers
            .iter()
            .flat_map(|s| s.server_names.iter().map(|n| n.text.as_str()))
            .filter(|n| !n.is_empty() && *n != "_")
            .collect();
        if all_names.is_empty() {
            continue;
        }
        let index = ServerNameIndex::new(all_names.iter().copied());
        let mut suggester = suggest::Suggester::new(all_names.iter().copied());
        for server in &config.servers {
            for ret in &server.returns {
                let Some(url) = &ret.url else { continue };
                let Some(host) = url_host(&url.text) else {
                    continue;
                };
                if host.parse::<std::net::IpAddr>().is_ok() || index.matches(host) {
                    continue;
                }
                let own: Vec<String> = server
                    .server_names
                    .iter()
                    .map(|n| format!("`{}`", n.text))
                    .collect();
                let own = if own.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", own.join(", "))
                };
                // A suggestion compares the host with every name: only for
                // configurations of a size people write by hand.
                let hint = if all_names.len() <= MAX_NAMES_TO_SUGGEST {
                    suggester.did_you_mean(host)
                } else {
                    String::new()
                };
                cx.report(
                    Diagnostic::new(
                        url.span,
                        format!(
                            "this redirect goes to `{host}`, which is neither a `server_name` of this server{own} nor of any other server here{hint}"
                        ),
                    )
                    .label("unknown host")
                    .help("correct the host, or redirect to `https://$host$request_uri`"),
                );
            }
        }
    }
}
