use crate::diagnostic::Diagnostic;
use crate::rules::{RuleContext, declare_rule};

use super::peer_nodes;

declare_rule! {
    /// ## What it does
    /// Follows each `host:port` of the `ds-cfg-replication-server` lists
    /// of a node's OpenDJ replication entries to the node the host names,
    /// and reports a port that is not that node's own
    /// `ds-cfg-replication-port` (of its replication server entry). Hosts
    /// that are no node of the cluster, and the node's own host (it may run
    /// a second server), are not judged.
    ///
    /// ## Why is this bad?
    /// The replication server of that node listens only on its
    /// replication port. Connections to any other port fail (or reach
    /// another service, such as the administration connector), and the
    /// node never exchanges changes with that peer.
    ///
    /// ## Example
    /// ```text
    /// ds-cfg-replication-server: 10.0.0.2:8990
    /// ```
    /// while `10.0.0.2`'s replication server has `ds-cfg-replication-port: 8989`.
    ///
    /// ## How to fix
    /// Name the peer's replication port (`dsconfig set-replication-server-prop
    /// --add replication-server:HOST:PORT`, then remove the wrong value), or
    /// run `dsreplication enable` again with the right `--replicationPort`.
    id: "opendj/replication-port-mismatch",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for instance in cluster.opendj.replicating() {
        let node = instance.node;
        for peer in instance.peers() {
            let Some(port) = peer.port else { continue };
            let nodes = peer_nodes(cluster, node, peer);
            let [target] = nodes.as_slice() else { continue };
            if *target == node {
                continue;
            }
            let ports: Vec<_> = cluster
                .opendj
                .of(*target)
                .filter_map(|i| i.replication_server.as_ref()?.port.as_ref())
                .collect();
            if ports.is_empty() || ports.iter().any(|p| p.value == port) {
                continue;
            }
            let listed: Vec<String> = ports.iter().map(|p| p.value.to_string()).collect();
            cx.report(
                Diagnostic::new(
                    peer.span,
                    format!(
                        "`{}` connects to `{}` on port {port} for replication, but the replication server of `{}` listens on {}",
                        cluster.node(node).name,
                        peer.host,
                        cluster.node(*target).name,
                        listed.join(", ")
                    ),
                )
                .label("not the peer's replication port")
                .related(ports[0].span, "the peer's replication port")
                .help(format!(
                    "write `{}:{}`, the port the peer's replication server listens on",
                    peer.host, listed[0]
                )),
            );
        }
    }
}
