use crate::diagnostic::Diagnostic;
use crate::rules::{RuleContext, declare_rule};

use super::peer_on_other_host;

declare_rule! {
    /// ## What it does
    /// Reports an OpenDJ administration connector
    /// (`cn=Administration Connector,cn=config`) whose
    /// `ds-cfg-listen-address` values are all loopback addresses
    /// (`127.0.0.1`, `::1`, `localhost`) on a node whose replication lists
    /// name another host. Without `ds-cfg-listen-address` the connector
    /// listens on `0.0.0.0`, which is fine.
    ///
    /// ## Why is this bad?
    /// `dsreplication` reaches every server through its administration
    /// port (4444) to enable, initialise and check replication, and the
    /// servers read each other's administration data through it. Gluu's
    /// setup binds the connector to `127.0.0.1`; the cluster guide sets
    /// it to `0.0.0.0` on every node before `dsreplication enable`
    /// (`dsconfig set-administration-connector-prop --set
    /// listen-address:0.0.0.0`). Left on loopback, the other nodes cannot
    /// reach it: `dsreplication` fails or times out.
    ///
    /// ## Example
    /// ```text
    /// dn: cn=Administration Connector,cn=config
    /// ds-cfg-listen-address: 127.0.0.1
    /// ds-cfg-listen-port: 4444
    /// ```
    /// on a node replicating with `10.0.0.2:8989`.
    ///
    /// ## How to fix
    /// `dsconfig set-administration-connector-prop --set
    /// listen-address:0.0.0.0` (or the node's own address), then restart
    /// OpenDJ; keep the port closed to anything but the other nodes.
    id: "opendj/admin-connector-local",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for instance in cluster.opendj.replicating() {
        let Some(admin) = &instance.admin else {
            continue;
        };
        if !admin.loopback_only() {
            continue;
        }
        let Some(peer) = peer_on_other_host(cluster, instance) else {
            continue;
        };
        let address = &admin.listen[0];
        cx.report(
            Diagnostic::new(
                address.span,
                format!(
                    "the administration connector of `{}` listens on `{}` only, but the node replicates with `{}`: the other nodes cannot reach it",
                    cluster.node(instance.node).name,
                    address.value,
                    peer.host
                ),
            )
            .label("loopback only")
            .related(peer.span, "a replication peer on another host")
            .help("`dsconfig set-administration-connector-prop --set listen-address:0.0.0.0` (or the node's own address), then restart OpenDJ"),
        );
    }
}
