use crate::diagnostic::Diagnostic;
use crate::model::kaazing::Uri;
use crate::model::net::split_host_port;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks a service's `tcp.bind` accept option: its port must be the
    /// port of the service's `accept` URI, and its address, when it gives
    /// one, must be one of the member's own addresses (from
    /// `clusterlint.toml` or `gateway.ip.address`). A port alone binds
    /// every address. Services that name a `*.transport` (the TCP layer is
    /// then another endpoint) and `@interface` binds are left alone.
    ///
    /// ## Why is this bad?
    /// `tcp.bind` binds the public accept URI to the member's local
    /// address; with another port, clients of the URI reach nothing, and
    /// with another member's address the gateway cannot bind and fails to
    /// start.
    ///
    /// ## Example
    /// ```xml
    /// <accept>wss://gateway.example.com:8443/app1</accept>
    /// <accept-options><tcp.bind>${gateway.ip.address}:9443</tcp.bind></accept-options>
    /// ```
    ///
    /// ## How to fix
    /// Bind the accept URI's port on the member's own address:
    /// `<tcp.bind>${gateway.ip.address}:8443</tcp.bind>`.
    id: "kaazing/tcp-bind-mismatch",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for gateway in &cluster.kaazing {
        let node = cluster.node(gateway.node);
        for service in &gateway.services {
            let Some(bind) = service.accept_option("tcp.bind").filter(|b| b.known) else {
                continue;
            };
            // With a `*.transport` option the TCP layer is another
            // endpoint; `@interface` names are resolved by the gateway.
            if service
                .accept_options
                .iter()
                .any(|(n, _)| n.ends_with(".transport"))
                || bind.text.contains('@')
            {
                continue;
            }
            let (host, port) = if bind.text.contains(':') {
                let (h, p) = split_host_port(&bind.text);
                (Some(h.trim_matches(['[', ']'])), p)
            } else {
                (None, Some(bind.text.as_str()))
            };
            let ports: Vec<u16> = service
                .accepts
                .iter()
                .filter(|a| a.known)
                .filter_map(|a| Uri::parse(&a.text)?.port)
                .collect();
            if let Some(port) = port.and_then(|p| p.parse::<u16>().ok())
                && !ports.is_empty()
                && !ports.contains(&port)
            {
                cx.report(
                    Diagnostic::new(
                        bind.span,
                        format!(
                            "`tcp.bind` binds port {port}, but the service accepts on port {}",
                            ports[0]
                        ),
                    )
                    .label("another port")
                    .related(service.accepts[0].span, "the accept URI")
                    .help(format!("bind port {} (the accept URI's)", ports[0])),
                );
            }
            let Some(host) = host.filter(|h| !h.is_empty() && *h != "0.0.0.0") else {
                continue;
            };
            if node.addresses.is_empty() {
                continue;
            }
            let ips = cluster.net.resolve(cluster, gateway.node, host);
            if ips.is_empty()
                || ips
                    .iter()
                    .any(|ip| ip.is_loopback() || node.addresses.iter().any(|a| a.ip == *ip))
            {
                continue;
            }
            let owner = cluster
                .net
                .node_of(ips[0])
                .map(|n| format!(", the address of `{}`", cluster.node(n).name))
                .unwrap_or_default();
            cx.report(
                Diagnostic::new(
                    bind.span,
                    format!(
                        "`tcp.bind` on `{}` binds `{}`{owner}, not one of its own addresses (`{}`)",
                        node.name, ips[0], node.addresses[0].ip
                    ),
                )
                .label("not this member's address")
                .help("bind the member's own address, e.g. `${gateway.ip.address}:<port>`"),
            );
        }
    }
}
