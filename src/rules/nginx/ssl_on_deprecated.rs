use crate::diagnostic::{Diagnostic, Fix};
use crate::model::Cluster;
use crate::model::nginx::{Listen, VirtualServer};
use crate::rules::edits;
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

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
    /// Delete `ssl on;` and write `listen 443 ssl;`. `--fix` deletes the
    /// directive and adds `ssl` to every `listen` of the servers it turned
    /// TLS on for (also in included files), when each of them has one.
    id: "nginx/ssl-on-deprecated",
    severity: Warning,
    fix: Safe,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for config in &cluster.nginx {
        for &span in &config.ssl_directives {
            let mut diagnostic = Diagnostic::new(
                span,
                "the `ssl` directive is deprecated since nginx 1.15.0 and refused since 1.25.1",
            )
            .label("deprecated")
            .help("delete it; for TLS, add `ssl` to the `listen` directive: `listen 443 ssl;`");
            if let Some(fix) = fix(cluster, span) {
                diagnostic = diagnostic.fix(fix);
            }
            cx.report(diagnostic);
        }
    }
}

/// Deletes the directive and, for `ssl on;`, adds `ssl` to every `listen`
/// of the servers it turns TLS on for, so that they keep speaking TLS on
/// the same ports. No fix when such a server has no `listen` (it would
/// need one written), a `listen` the model does not read (a Unix socket),
/// or a `listen` it shares with a server that does not speak TLS; nor for a
/// server's own `ssl off;` while `http` says `ssl on;` (deleting it would
/// turn TLS on: that one waits until the `http` directive is fixed).
fn fix(cluster: &Cluster, directive: Span) -> Option<Fix> {
    let servers: Vec<&VirtualServer> = cluster.nginx.iter().flat_map(|c| &c.servers).collect();
    let governed: Vec<&VirtualServer> = servers
        .iter()
        .copied()
        .filter(|s| s.ssl_on == Some(directive))
        .collect();
    let text = &cluster.source(directive.file).text;
    let written = cluster.text(directive).trim().to_string();
    let mut edits = vec![edits::replace(
        directive.file,
        edits::removal(text, directive.range, true),
        "",
    )];
    if governed.is_empty() {
        // `ssl off;`, or an `ssl on;` every server overrides.
        let overridden = servers
            .iter()
            .any(|s| s.ssl_directive == Some(directive) && s.inherited_ssl_on.is_some());
        if overridden {
            return None;
        }
        return Some(Fix {
            description: format!("delete `{written}`"),
            edits,
        });
    }
    let mut listens: Vec<&Listen> = Vec::new();
    for server in &governed {
        if server.listens.is_empty() || server.listens.len() != server.listen_directives {
            return None;
        }
        for listen in server.listens.iter().filter(|l| !l.ssl && !l.quic) {
            if !listens.iter().any(|l| l.span == listen.span) {
                listens.push(listen);
            }
        }
    }
    let shared = servers
        .iter()
        .filter(|s| s.ssl_on != Some(directive))
        .flat_map(|s| &s.listens)
        .any(|l| listens.iter().any(|m| m.span == l.span));
    if shared {
        return None;
    }
    let mut shown = Vec::new();
    for listen in &listens {
        let file_text = &cluster.source(listen.span.file).text;
        let at = edits::before_semicolon(file_text, listen.span.range.end as usize)?;
        edits.push(edits::insert(listen.span.file, at, " ssl"));
        shown.push(format!("`listen {}`", cluster.text(listen.address_span)));
    }
    let description = if shown.is_empty() {
        format!("delete `{written}`")
    } else {
        format!("delete `{written}` and add `ssl` to {}", shown.join(", "))
    };
    Some(Fix { description, edits })
}
