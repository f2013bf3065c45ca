use std::collections::BTreeSet;

use crate::diagnostic::Diagnostic;
use crate::model::NodeId;
use crate::model::kaazing::{Gateway, Resolved, Service};
use crate::rules::consensus::{agree, node_list};
use crate::rules::kaazing::clusters;
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Compares each `balancer` service across the members of a cluster
    /// (matched by the service's `<name>`): every member must have it, with
    /// the same `accept` URIs. The URIs most members accept are the
    /// reference; each member that differs is reported at its first
    /// differing `accept`.
    ///
    /// ## Why is this bad?
    /// Clients connect to the balancer's public URI on any member; the
    /// members learn of each other's balanced services by that URI. A
    /// member whose balancer accepts another URI (a copied host name left
    /// unchanged, another port) serves clients the others never redirect
    /// to, and failover breaks. `tcp.bind` is how each member binds the
    /// shared URI to its own address.
    ///
    /// ## Example
    /// ```xml
    /// <!-- dmz1 -->  <accept>wss://gateway.example.com:8443/app1</accept>
    /// <!-- dmz2 -->  <accept>wss://gateway1.example.com:8443/app1</accept>
    /// ```
    ///
    /// ## How to fix
    /// Give the balancer the same `accept` URIs on every member, and bind
    /// them to the member's address with `tcp.bind`.
    id: "kaazing/balancer-accept-divergent",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for group in clusters(cluster) {
        let mut names: BTreeSet<String> = BTreeSet::new();
        for (gateway, _) in &group {
            for service in balancers(gateway) {
                names.insert(service_name(service));
            }
        }
        for name in names {
            // Every member: its balancer of that name, if it has one.
            let services: Vec<(NodeId, Span, Option<&Service>)> = group
                .iter()
                .map(|(g, c)| {
                    (
                        g.node,
                        c.span,
                        balancers(g).find(|s| service_name(s) == name),
                    )
                })
                .collect();
            let values: Vec<(NodeId, Vec<&str>)> = services
                .iter()
                .map(|(n, _, s)| {
                    let mut accepts: Vec<&str> = s
                        .iter()
                        .flat_map(|s| s.accepts.iter().map(|a| a.text.as_str()))
                        .collect();
                    accepts.sort_unstable();
                    (*n, accepts)
                })
                .collect();
            let Some(agreement) = agree(cluster, &values) else {
                continue;
            };
            let reference_nodes =
                node_list(cluster, agreement.reference.iter().map(|&i| values[i].0));
            let Some(reference) = services[agreement.representative(cluster, &values)].2 else {
                continue;
            };
            for &i in &agreement.outliers {
                let (node, cluster_span, service) = services[i];
                let node_name = &cluster.node(node).name;
                let (span, what) = match service {
                    None => (cluster_span, "has no such balancer".to_string()),
                    Some(service) => {
                        let differing: Option<&Resolved> = service
                            .accepts
                            .iter()
                            .find(|a| !reference.accepts.iter().any(|r| r.text == a.text));
                        match differing {
                            Some(a) => (a.span, format!("accepts `{}`", a.text)),
                            None => (service.span, "lacks an accept URI they have".to_string()),
                        }
                    }
                };
                let mut diagnostic = Diagnostic::new(
                    span,
                    format!("balancer `{name}` on `{node_name}` {what}, unlike on {reference_nodes}"),
                )
                .label("differs")
                .help("give the balancer the same accept URIs on every member; bind them locally with `tcp.bind`");
                if let Some(theirs) = reference.accepts.first() {
                    diagnostic =
                        diagnostic.related(theirs.span, format!("the accept of {reference_nodes}"));
                }
                cx.report(diagnostic);
            }
        }
    }
}

fn balancers(gateway: &Gateway) -> impl Iterator<Item = &Service> {
    gateway
        .services
        .iter()
        .filter(|s| s.kind().as_deref() == Some("balancer"))
}

fn service_name(service: &Service) -> String {
    service
        .name
        .as_ref()
        .map_or_else(String::new, |n| n.text.clone())
}
