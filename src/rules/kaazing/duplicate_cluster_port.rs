use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::model::kaazing::Uri;
use crate::model::kaazing::membership::{cluster_port, clusters, is_dmz};
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that the members of one cluster use distinct cluster ports
    /// (the port of `<cluster><accept>`, else of a URI-like `<name>`, else
    /// the `cluster.port` property). The DMZ members of an Enterprise
    /// Shield must differ, as the walkthrough requires, unless each accepts
    /// on its own machine's interface (`tcp://@eth0:5941`, as KAAZING's own
    /// high-availability tutorial does); other cluster members only where
    /// they also share an address. The member
    /// later by name is reported.
    ///
    /// ## Why is this bad?
    /// Enterprise Shield tells its DMZ members apart by address and cluster
    /// port; two DMZ members on one port make the pairing ambiguous. Two
    /// members on one address and port cannot both bind: the second fails
    /// to start.
    ///
    /// ## Example
    /// ```xml
    /// <!-- dmz1 and dmz2 -->
    /// <property><name>cluster.port</name><value>5941</value></property>
    /// ```
    ///
    /// ## How to fix
    /// Give each member its own port (5941, 5942, ...).
    id: "kaazing/duplicate-cluster-port",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for group in clusters(cluster) {
        let dmz = is_dmz(cluster, &group);
        let mut first: HashMap<(u16, Option<String>), usize> = HashMap::new();
        for (i, (gateway, c)) in group.iter().enumerate() {
            let Some((port, span)) = cluster_port(cluster, gateway, c) else {
                continue;
            };
            // Plain members on different machines may share a port. An
            // interface name (`@eth0`) is each machine's own address, for
            // DMZ members too (KAAZING's own high-availability KWIC
            // tutorial runs both cloud members on `tcp://@eth0:5941`).
            let accept = c.accepts.iter().find_map(|a| Uri::parse(&a.text));
            let own_interface = accept.as_ref().is_some_and(|u| u.host.starts_with('@'));
            let host = if own_interface {
                Some(cluster.node(gateway.node).name.clone())
            } else if dmz {
                None
            } else {
                Some(accept.map_or_else(|| cluster.node(gateway.node).name.clone(), |u| u.host))
            };
            match first.get(&(port, host.clone())) {
                Some(&j) => {
                    let (other, other_cluster) = group[j];
                    let Some((_, other_span)) = cluster_port(cluster, other, other_cluster) else {
                        continue;
                    };
                    cx.report(
                        Diagnostic::new(
                            span,
                            format!(
                                "`{}` uses cluster port {port}, like `{}`: each member needs its own",
                                cluster.node(gateway.node).name,
                                cluster.node(other.node).name
                            ),
                        )
                        .label("port taken")
                        .related(other_span, format!("the port of `{}`", cluster.node(other.node).name))
                        .help("give each member of the cluster its own cluster port"),
                    );
                }
                None => {
                    first.insert((port, host), i);
                }
            }
        }
    }
}
