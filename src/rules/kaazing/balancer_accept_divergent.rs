use std::collections::BTreeSet;

use crate::diagnostic::Diagnostic;
use crate::model::NodeId;
use crate::model::kaazing::canonical;
use crate::model::kaazing::membership::clusters;
use crate::model::kaazing::{Gateway, Service, Substituted};
use crate::rules::consensus::{agree, node_list};
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Compares each `balancer` service across the members of a cluster
    /// (matched by the service's `<name>`): every member must have it, with
    /// the same `accept` URIs (compared as the gateway compares URIs: host
    /// without case, default ports written out or not). The URIs most members accept are the
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
            let values: Vec<(NodeId, Vec<String>)> = services
                .iter()
                .map(|(n, _, s)| {
                    let mut accepts: Vec<String> = s
                        .iter()
                        .flat_map(|s| s.accepts.iter().map(|a| canonical(&a.text)))
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
                let own: Vec<String> = service
                    .iter()
                    .flat_map(|s| s.accepts.iter().map(|a| canonical(&a.text)))
                    .collect();
                let extra: Option<&Substituted> =
                    service.into_iter().flat_map(|s| &s.accepts).find(|a| {
                        !reference
                            .accepts
                            .iter()
                            .any(|r| canonical(&r.text) == canonical(&a.text))
                    });
                let lacking: Option<&Substituted> = reference
                    .accepts
                    .iter()
                    .find(|r| !own.contains(&canonical(&r.text)));
                let (span, message, related) = match (service, extra, lacking) {
                    (None, _, _) => (
                        cluster_span,
                        format!("`{node_name}` has no balancer `{name}`, unlike {reference_nodes}"),
                        reference.accepts.first(),
                    ),
                    (Some(_), Some(a), _) => (
                        a.span,
                        format!(
                            "balancer `{name}` on `{node_name}` accepts `{}`, unlike on {reference_nodes}",
                            a.text
                        ),
                        reference.accepts.first(),
                    ),
                    (Some(s), None, Some(r)) => (
                        s.span,
                        format!(
                            "balancer `{name}` on `{node_name}` does not accept `{}`, unlike on {reference_nodes}",
                            r.text
                        ),
                        Some(r),
                    ),
                    (Some(_), None, None) => continue,
                };
                let mut diagnostic = Diagnostic::new(span, message)
                    .label("differs")
                    .help("give the balancer the same accept URIs on every member; bind them locally with `tcp.bind`");
                if let Some(theirs) = related {
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
