use std::collections::BTreeSet;

use crate::diagnostic::Diagnostic;
use crate::model::NodeId;
use crate::model::kaazing::Uri;
use crate::rules::consensus::{agree, node_list};
use crate::rules::kaazing::clusters;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks how the members of a cluster find each other. Multicast
    /// discovery (`udp://` in `<cluster><connect>`) must use the same group
    /// on every member: the group most members use is the reference, each
    /// member that differs is reported. Unicast discovery (`tcp://`) must
    /// point at another member's `<cluster><accept>`.
    ///
    /// ## Why is this bad?
    /// Members with different groups, or pointing at an address where no
    /// member accepts, never see each other and each runs alone.
    ///
    /// ## Example
    /// ```xml
    /// <!-- member 1 -->   <connect>udp://224.2.2.44:44444</connect>
    /// <!-- member 2 -->   <connect>udp://224.2.2.45:44444</connect>
    /// ```
    ///
    /// ## How to fix
    /// Use the same discovery group on every member, or `tcp://` URIs of
    /// the other members' cluster accepts.
    id: "kaazing/cluster-connect-mismatch",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for group in clusters(cluster) {
        let multicast: Vec<_> = group
            .iter()
            .map(|(g, c)| {
                let set: BTreeSet<&str> = c
                    .connects
                    .iter()
                    .filter(|u| u.text.to_ascii_lowercase().starts_with("udp://"))
                    .map(|u| u.text.as_str())
                    .collect();
                (*g, c, set)
            })
            .filter(|(_, _, set)| !set.is_empty())
            .collect();
        let values: Vec<(NodeId, &BTreeSet<&str>)> =
            multicast.iter().map(|(g, _, s)| (g.node, s)).collect();
        if let Some(agreement) = agree(cluster, &values) {
            let reference_nodes =
                node_list(cluster, agreement.reference.iter().map(|&i| values[i].0));
            let (_, reference, _) = multicast[agreement.representative(cluster, &values)];
            for &i in &agreement.outliers {
                let (gateway, c, _) = multicast[i];
                let Some(own) = c
                    .connects
                    .iter()
                    .find(|u| u.text.to_ascii_lowercase().starts_with("udp://"))
                else {
                    continue;
                };
                let mut diagnostic = Diagnostic::new(
                    own.span,
                    format!(
                        "`{}` discovers its cluster at `{}`, {reference_nodes} elsewhere: they will not find each other",
                        cluster.node(gateway.node).name,
                        own.text
                    ),
                )
                .label("another group")
                .help("use the same discovery group on every member");
                if let Some(theirs) = reference
                    .connects
                    .iter()
                    .find(|u| u.text.to_ascii_lowercase().starts_with("udp://"))
                {
                    diagnostic =
                        diagnostic.related(theirs.span, format!("the group of {reference_nodes}"));
                }
                cx.report(diagnostic);
            }
        }
        // Unicast: each `tcp://` connect names another member's accept.
        let accepts: Vec<(NodeId, Uri)> = group
            .iter()
            .flat_map(|(g, c)| {
                c.accepts
                    .iter()
                    .filter_map(move |a| Some((g.node, Uri::parse(&a.text)?)))
            })
            .collect();
        for (gateway, c) in &group {
            for connect in c.connects.iter().filter(|u| u.known) {
                let Some(uri) = Uri::parse(&connect.text).filter(|u| u.scheme == "tcp") else {
                    continue;
                };
                let targets = cluster.net.resolve(cluster, gateway.node, &uri.host);
                let reached = accepts.iter().any(|(node, accept)| {
                    *node != gateway.node
                        && accept.port == uri.port
                        && (accept.host.eq_ignore_ascii_case(&uri.host)
                            || cluster
                                .net
                                .resolve(cluster, *node, &accept.host)
                                .iter()
                                .any(|ip| targets.contains(ip)))
                });
                if !reached {
                    cx.report(
                        Diagnostic::new(
                            connect.span,
                            format!(
                                "`{}` points at `{}`, where no other member of the cluster accepts",
                                cluster.node(gateway.node).name,
                                connect.text
                            ),
                        )
                        .label("no member here")
                        .help("point at another member's `<cluster><accept>` URI"),
                    );
                }
            }
        }
    }
}
