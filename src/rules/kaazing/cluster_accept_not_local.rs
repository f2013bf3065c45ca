use crate::diagnostic::Diagnostic;
use crate::model::kaazing::Uri;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that a member's `<cluster><accept>` names one of the node's
    /// own addresses (from `clusterlint.toml`, or `gateway.ip.address`).
    /// Host names resolve through the node's `/etc/hosts`.
    ///
    /// ## Why is this bad?
    /// The gateway binds the cluster socket on that address; if it matches
    /// none of the machine's interfaces, the cluster fails to start. A
    /// configuration copied from another member with its address left in
    /// place is the usual cause.
    ///
    /// ## Example
    /// ```xml
    /// <!-- on member 2, 192.0.2.12 -->
    /// <accept>tcp://192.0.2.11:5941</accept>
    /// ```
    ///
    /// ## How to fix
    /// Use the member's own address, best through a property such as
    /// `tcp://${gateway.ip.address}:5941`.
    id: "kaazing/cluster-accept-not-local",
    severity: Warning,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for gateway in &cluster.kaazing {
        let node = cluster.node(gateway.node);
        if node.addresses.is_empty() {
            continue;
        }
        for accept in gateway
            .cluster
            .iter()
            .flat_map(|c| &c.accepts)
            .filter(|a| a.known)
        {
            let Some(uri) = Uri::parse(&accept.text) else {
                continue;
            };
            let ips = cluster.net.resolve(cluster, gateway.node, &uri.host);
            let Some(&ip) = ips.first() else { continue };
            if ips.iter().any(|ip| {
                ip.is_unspecified()
                    || ip.is_loopback()
                    || node.addresses.iter().any(|a| a.ip == *ip)
            }) {
                continue;
            }
            let owner = cluster
                .net
                .node_of(ip)
                .map(|n| format!(", the address of `{}`", cluster.node(n).name))
                .unwrap_or_default();
            cx.report(
                Diagnostic::new(
                    accept.span,
                    format!("the cluster accept of `{}` is on `{ip}`{owner}, not on its own address `{}`", node.name, node.addresses[0].ip),
                )
                .label("not this member's address")
                .help("accept on the member's own address, e.g. `tcp://${gateway.ip.address}:<port>`"),
            );
        }
    }
}
