use crate::diagnostic::{Diagnostic, Fix};
use crate::model::Cluster;
use crate::model::stunnel::Tunnel;
use crate::model::stunnel::tls_peer;
use crate::rules::edits;
use crate::rules::stunnel::service_name;
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
    /// Add `client = yes` to the service. `--fix` writes it on the line
    /// after the `[name]` header, spaced like the file's other options (or
    /// turns the service's own `client = no` into `yes`).
    id: "stunnel/client-mode-missing",
    severity: Error,
    fix: Safe,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for tunnel in cluster.stunnel.tunnels.iter().filter(|t| !t.client) {
        let Some((target, server)) = tls_peer(cluster, tunnel) else {
            continue;
        };
        let mut diagnostic = Diagnostic::new(
            tunnel.header,
            format!(
                "{} connects to the TLS port of the tunnel on `{}` but has no `client = yes`, so it sends plain text",
                service_name(tunnel),
                cluster.node(target.node).name
            ),
        )
        .label("not a client")
        .related(server, "the tunnel it connects to accepts TLS here")
        .help("add `client = yes` to the service");
        if let Some(fix) = fix(cluster, tunnel) {
            diagnostic = diagnostic.fix(fix);
        }
        cx.report(diagnostic);
    }
}

/// `client = yes` on the line after the `[name]` header, written with the
/// file's spacing around `=` when all its options agree (else ` = `) and
/// the indentation of the service's first option; or, when the service
/// says `client = no` itself, that value turned to `yes`. Not for a
/// configuration without services (inetd mode), nor when the service's
/// own `client` is in an included file.
fn fix(cluster: &Cluster, tunnel: &Tunnel) -> Option<Fix> {
    if tunnel.name.is_empty() {
        return None;
    }
    let file = tunnel.header.file;
    if let Some(own) = &tunnel.own_client {
        if own.span.file != file {
            return None;
        }
        return Some(Fix {
            description: format!("set `client = yes` in `[{}]`", tunnel.name),
            edits: vec![edits::replace(file, own.span.range, "yes")],
        });
    }
    let doc = cluster
        .file(file)
        .document
        .get::<crate::formats::stunnel::StunnelDocument>()?;
    let text = &cluster.source(file).text;
    let options = || {
        doc.global
            .iter()
            .chain(doc.services.iter().flat_map(|s| &s.options))
    };
    let mut separators = options()
        .filter(|o| !o.value_range.is_empty() && o.name_range.end <= o.value_range.start)
        .map(|o| &text[o.name_range.end as usize..o.value_range.start as usize]);
    let separator = match separators.next() {
        Some(first) if separators.all(|s| s == first) => first,
        _ => " = ",
    };
    let indent = doc
        .services
        .iter()
        .find(|s| s.header == tunnel.header.range)
        .and_then(|s| s.options.first())
        .map_or("", |o| {
            edits::indentation(text, o.name_range.start as usize)
        });
    let (range, line) = edits::line_after(
        text,
        tunnel.header.range.start as usize,
        &format!("{indent}client{separator}yes"),
    );
    Some(Fix {
        description: format!("add `client = yes` to `[{}]`", tunnel.name),
        edits: vec![edits::replace(file, range, line)],
    })
}
