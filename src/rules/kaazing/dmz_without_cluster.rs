use crate::diagnostic::Diagnostic;
use crate::model::Role;
use crate::model::kaazing::{Gateway, Substituted, canonical};
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Finds a DMZ gateway of an Enterprise Shield without a `<cluster>`
    /// when the DMZ gateways form a set: there are two or more, on
    /// different machines, and another DMZ gateway has a `<cluster>` or
    /// balances a URI this one balances too (the same `<balance>` URI, or
    /// the accept of a `balancer` service). A lone DMZ gateway, or DMZ
    /// gateways with nothing in common, are not reported.
    ///
    /// ## Why is this bad?
    /// The high-availability walkthrough pairs each internal gateway with
    /// one DMZ gateway and makes the DMZ gateways one cluster: that is
    /// what lets a client's connection fail over and what the balancer
    /// services balance over. A DMZ gateway left out of the cluster serves
    /// alone; when it fails, the connections of its internal partner are
    /// lost, and the balancer sends no clients to it (or sends them to a
    /// member that cannot reach its back end).
    ///
    /// ## Example
    /// `dmz1` has `<cluster>` with `<accept>tcp://172.19.20.1:5941</accept>`;
    /// `dmz2`, balancing the same `wss://gateway.example.com:8443/app1`,
    /// has none.
    ///
    /// ## How to fix
    /// Add the `<cluster>` the other DMZ gateways have, with this
    /// gateway's own accept address and cluster port:
    /// ```xml
    /// <cluster>
    ///   <name>tcp://${gateway.ip.address}:${cluster.port}</name>
    ///   <accept>tcp://${gateway.ip.address}:${cluster.port}</accept>
    ///   <connect>udp://224.2.2.44:44444</connect>
    /// </cluster>
    /// ```
    id: "kaazing/dmz-without-cluster",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let dmz: Vec<&Gateway> = cluster
        .kaazing
        .iter()
        .filter(|g| cluster.node(g.node).has_role(Role::DmzGateway))
        .collect();
    if dmz.len() < 2 {
        return;
    }
    for gateway in dmz.iter().filter(|g| g.cluster.is_none()) {
        let others: Vec<&&Gateway> = dmz.iter().filter(|o| o.node != gateway.node).collect();
        let own = balanced(gateway);
        let clustered = others.iter().find_map(|o| Some((o, o.cluster.as_ref()?)));
        let sharing = others.iter().find_map(|o| {
            balanced(o).into_iter().find_map(|(key, theirs)| {
                let (_, mine) = own.iter().find(|(k, _)| *k == key)?;
                Some((o, *mine, theirs))
            })
        });
        let name = &cluster.node(gateway.node).name;
        let diagnostic = match (clustered, sharing) {
            (Some((other, c)), _) => Diagnostic::new(
                gateway.root,
                format!(
                    "the DMZ gateway `{name}` has no `<cluster>`, while the DMZ gateway `{}` is a cluster member",
                    cluster.node(other.node).name
                ),
            )
            .related(c.span, format!("the cluster of `{}`", cluster.node(other.node).name)),
            (None, Some((other, uri, theirs))) => Diagnostic::new(
                gateway.root,
                format!(
                    "the DMZ gateway `{name}` has no `<cluster>`, though it balances `{}` with the DMZ gateway `{}`",
                    uri.text,
                    cluster.node(other.node).name
                ),
            )
            .related(theirs.span, format!("balanced by `{}` too", cluster.node(other.node).name)),
            (None, None) => continue,
        };
        cx.report(
            diagnostic
                .label("no <cluster>")
                .help("add a `<cluster>` with this gateway's own accept address and cluster port, and the connect (multicast group or members) the other DMZ gateways use"),
        );
    }
}

/// The URIs a gateway balances: its `<balance>` URIs and the accepts of
/// its `balancer` services, each as the gateway compares URIs, with the
/// value as written.
fn balanced(gateway: &Gateway) -> Vec<(String, &Substituted)> {
    let mut out = Vec::new();
    for service in &gateway.services {
        let balancer = service.kind().as_deref() == Some("balancer");
        let uris = service
            .balances
            .iter()
            .chain(service.accepts.iter().filter(|_| balancer));
        for uri in uris.filter(|u| u.known) {
            out.push((canonical(&uri.text), uri));
        }
    }
    out
}
