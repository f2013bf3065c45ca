use std::collections::BTreeSet;

use crate::diagnostic::Diagnostic;
use crate::model::NodeId;
use crate::model::kaazing::Uri;
use crate::model::kaazing::membership::clusters;
use crate::rules::consensus::{agree, node_list};
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks how the members of a cluster find each other. Multicast
    /// discovery (`udp://` in `<cluster><connect>`) must use the same group
    /// on every member: the group most members use is the reference, each
    /// member that differs is reported, and a member takes one group.
    /// Unicast discovery (`tcp://`) must point at a member's
    /// `<cluster><accept>` (the same full list on every member, each
    /// naming itself too, is fine).
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
                // The group the others do not use.
                let Some(own) = c.connects.iter().find(|u| {
                    u.text.to_ascii_lowercase().starts_with("udp://")
                        && !reference.connects.iter().any(|r| r.text == u.text)
                }) else {
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
        // One multicast group per member: the gateway refuses more.
        for (gateway, c) in &group {
            let groups: Vec<_> = c
                .connects
                .iter()
                .filter(|u| u.text.to_ascii_lowercase().starts_with("udp://"))
                .collect();
            if let [first, second, ..] = groups.as_slice() {
                cx.report(
                    Diagnostic::new(
                        second.span,
                        format!(
                            "`{}` names a second multicast discovery group; the gateway takes one",
                            cluster.node(gateway.node).name
                        ),
                    )
                    .label("second group")
                    .related(first.span, "the first group")
                    .help("keep one `udp://` discovery group"),
                );
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
                let points_at = |node: NodeId, accept: &Uri| {
                    accept.port == uri.port
                        && (accept.host.eq_ignore_ascii_case(&uri.host)
                            || cluster
                                .net
                                .resolve(cluster, node, &accept.host)
                                .iter()
                                .any(|ip| targets.contains(ip)))
                };
                // A member ignores its own entry in a shared member list.
                let own = accepts
                    .iter()
                    .any(|(node, a)| *node == gateway.node && points_at(*node, a));
                let reached = accepts
                    .iter()
                    .any(|(node, a)| *node != gateway.node && points_at(*node, a));
                if !own && !reached {
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
