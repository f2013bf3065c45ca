use crate::diagnostic::Diagnostic;
use crate::model::stunnel::server_of;
use crate::model::tls::{Owner, leaf};
use crate::rules::tls::describe;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that the certificate a server presents covers the names its
    /// clients use: each name of an nginx TLS server's `server_name`
    /// (exact names; wildcards, regular expressions, `_` and `localhost`
    /// are left alone), a Gluu node's `/etc/certs/httpd.crt` against its
    /// setup `hostname`, and each `checkHost` of a stunnel client, against
    /// the certificate of the server tunnel it connects to. A certificate
    /// covers a name through its DNS or IP subjectAltNames (a `*.` entry
    /// matches one label), or its CN when it has none.
    ///
    /// ## Why is this bad?
    /// Browsers and verifying clients refuse a certificate issued for
    /// another name: the balancer serves the Gluu host name with a
    /// certificate made for a node, or a tunnel client set to check the
    /// Redis host's name rejects the server's certificate.
    ///
    /// ## Example
    /// ```nginx
    /// server_name idp.example.org;
    /// ssl_certificate /etc/nginx/ssl/httpd.crt;   # CN=gluu1.example.org
    /// ```
    ///
    /// ## How to fix
    /// Issue the certificate for the name clients use (as a
    /// subjectAltName), or correct `server_name`/`checkHost`.
    id: "tls/name-mismatch",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    nginx_names(cx);
    stunnel_names(cx);
    gluu_names(cx);
}

/// A Gluu node's web certificate against the setup `hostname` its
/// services are reached by.
fn gluu_names(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for endpoint in cluster
        .tls
        .endpoints
        .iter()
        .filter(|e| e.owner == Owner::Gluu)
    {
        let Some((block, cert)) = leaf(cluster, endpoint) else {
            continue;
        };
        for name in &endpoint.names {
            if name.text.is_empty() || name.text.contains("${") || cert.covers(&name.text) {
                continue;
            }
            cx.report(
                Diagnostic::new(
                    name.span,
                    format!(
                        "the node's web certificate {} (`/etc/certs/httpd.crt`) does not cover the setup hostname `{}`",
                        describe(cert),
                        name.text,
                    ),
                )
                .label("not in the certificate")
                .related(block, format!("covers {}", covered(cert)))
                .help("issue httpd.crt for the cluster's hostname (the guide copies one certificate to every node), or correct `hostname`"),
            );
        }
    }
}

fn nginx_names(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for endpoint in &cluster.tls.endpoints {
        let Owner::Nginx(config, server) = endpoint.owner else {
            continue;
        };
        let server = &cluster.nginx[config].servers[server];
        // A certificate inherited by a plain-text server is never shown.
        if server.ssl_on.is_none() && !server.listens.iter().any(|l| l.ssl) {
            continue;
        }
        let (Some((_, cert)), Some(setting)) = (leaf(cluster, endpoint), &endpoint.certificate)
        else {
            continue;
        };
        if cert.dns_names.is_empty() && cert.ip_addresses.is_empty() && cert.common_name.is_none() {
            continue;
        }
        for name in &endpoint.names {
            let text = name.text.as_str();
            if text.is_empty()
                || text == "_"
                || text.eq_ignore_ascii_case("localhost")
                || text.starts_with('~')
                || text.contains(['*', '$'])
                || text.starts_with('.')
                || cert.covers(text)
            {
                continue;
            }
            cx.report(
                Diagnostic::new(
                    name.span,
                    format!(
                        "clients reach this server as `{text}`, which the certificate {} in `{}` does not cover",
                        describe(cert),
                        setting.named(cluster),
                    ),
                )
                .label("not in the certificate")
                .related(setting.span, format!("covers {}", covered(cert)))
                .help("issue the certificate with this name as a subjectAltName, or serve this name from a server with a certificate for it"),
            );
        }
    }
}

fn stunnel_names(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for client in cluster.stunnel.tunnels.iter().filter(|t| t.client) {
        if client.check_hosts.is_empty() {
            continue;
        }
        let Some(server) = server_of(cluster, client) else {
            continue;
        };
        let Some(endpoint) = cluster.tls.of_tunnel(server) else {
            continue;
        };
        let (Some((_, cert)), Some(setting)) = (leaf(cluster, endpoint), &endpoint.certificate)
        else {
            continue;
        };
        for host in &client.check_hosts {
            if cert.covers(&host.value) {
                continue;
            }
            cx.report(
                Diagnostic::new(
                    host.span,
                    format!(
                        "`checkHost = {}` does not match the certificate {} the server tunnel presents",
                        host.value,
                        describe(cert),
                    ),
                )
                .label("not in the server's certificate")
                .related(setting.span, format!("covers {}", covered(cert)))
                .help("set `checkHost` to a name the server's certificate carries, or issue it for this name"),
            );
        }
    }
}

/// The names a certificate covers, for a label.
fn covered(cert: &crate::formats::pem::x509::Certificate) -> String {
    let mut names: Vec<String> = cert.dns_names.clone();
    names.extend(cert.ip_addresses.iter().map(ToString::to_string));
    if names.is_empty() {
        names.extend(cert.common_name.clone());
    }
    let shown: Vec<String> = names.iter().take(4).map(|n| format!("`{n}`")).collect();
    let more = names.len().saturating_sub(4);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}
