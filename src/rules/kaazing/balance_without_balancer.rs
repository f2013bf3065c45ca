use std::collections::HashSet;

use crate::diagnostic::Diagnostic;
use crate::model::kaazing::canonical;
use crate::model::kaazing::membership::{same_side, side};
use crate::rules::{RuleContext, declare_rule};
use crate::suggest;

declare_rule! {
    /// ## What it does
    /// Checks each `<balance>` URI of a service: a `balancer` service must
    /// accept that URI, on this gateway or on another member of its cluster
    /// (the gateways on the same Enterprise Shield side). URIs compare as
    /// the gateway compares them: the host without case, the scheme's
    /// default port written out or not; the path keeps its case.
    ///
    /// ## Why is this bad?
    /// `<balance>` names the public URI of the balancer that spreads
    /// clients over the service's members. Without a balancer accepting
    /// it, clients of that URI reach nothing and the service is never
    /// balanced.
    ///
    /// ## Example
    /// ```xml
    /// <balance>wss://gateway.example.com:8443/app2</balance>
    /// ```
    /// while the balancer services accept only `.../app1`.
    ///
    /// ## How to fix
    /// Add a balancer service that accepts the URI, or correct the URI.
    id: "kaazing/balance-without-balancer",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    // The balancer URIs of each side (DMZ, internal, neither), gathered once.
    let mut by_side: [Option<(Vec<&str>, HashSet<String>)>; 3] = Default::default();
    for gateway in &cluster.kaazing {
        let (accepted, known) =
            by_side[usize::from(side(cluster, gateway))].get_or_insert_with(|| {
                let accepted: Vec<&str> = same_side(cluster, gateway)
                    .iter()
                    .flat_map(|g| &g.services)
                    .filter(|s| s.kind().as_deref() == Some("balancer"))
                    .flat_map(|s| s.accepts.iter().map(|a| a.text.as_str()))
                    .collect();
                // Compared as the gateway compares URIs (host without case,
                // default ports written out); paths keep their case.
                let known = accepted.iter().map(|a| canonical(a)).collect();
                (accepted, known)
            });
        for service in &gateway.services {
            for balance in service.balances.iter().filter(|b| b.known) {
                if known.contains(&canonical(&balance.text)) {
                    continue;
                }
                let hint = suggest::did_you_mean(&balance.text, accepted.iter().copied());
                cx.report(
                    Diagnostic::new(
                        balance.span,
                        format!("no balancer service accepts `{}`{hint}", balance.text),
                    )
                    .label("no balancer")
                    .help("add a `balancer` service that accepts this URI, or correct it"),
                );
            }
        }
    }
}
