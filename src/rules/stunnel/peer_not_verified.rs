use crate::diagnostic::Diagnostic;
use crate::model::stunnel::server_of;
use crate::rules::stunnel::service_name;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// For each tunnel of the cluster that crosses hosts (a client service
    /// connecting to the TLS `accept` of a server service on another
    /// node), reports the server service when neither end checks the
    /// other's certificate: no `verifyChain = yes`, `verifyPeer = yes` or
    /// `verify` level above 0 on either side.
    ///
    /// ## Why is this bad?
    /// Without verification TLS only encrypts: anyone who reaches the
    /// server's port gets a plain connection to Redis, and anyone on the
    /// path can pose as the server to the clients. The Gluu guide's tunnel
    /// is there to protect the cache's sessions and tokens on the network.
    ///
    /// ## Example
    /// ```ini
    /// ; redis host
    /// [redis]
    /// accept = 10.0.0.9:16379
    /// connect = 127.0.0.1:6379
    /// cert = /etc/stunnel/redis.pem
    /// ```
    ///
    /// ## How to fix
    /// Give the server `CAfile` (the clients' CA or certificates) and
    /// `verifyChain = yes` (or `verifyPeer = yes` for pinned
    /// certificates), and the clients the same for the server's.
    id: "stunnel/peer-not-verified",
    severity: Warning,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let tunnels = &cluster.stunnel.tunnels;
    let mut reported: Vec<usize> = Vec::new();
    // Every tunnel that reaches another's TLS `accept`, also one that
    // lacks `client = yes` (`stunnel/client-mode-missing`): the server
    // admits anyone all the same.
    for client in tunnels {
        let Some(server_index) = server_of(cluster, client) else {
            continue;
        };
        let server = &tunnels[server_index];
        if server.node == client.node
            || server.verifies_peer()
            || client.verifies_peer()
            || reported.contains(&server_index)
        {
            continue;
        }
        reported.push(server_index);
        let node = &cluster.node(client.node).name;
        cx.report(
            Diagnostic::new(
                server.header,
                format!(
                    "{} accepts TLS from `{node}` and other hosts, but neither it nor the client checks a certificate",
                    service_name(server),
                ),
            )
            .label("verifies no peer")
            .related(client.header, format!("a client on `{node}`, verifying nothing either"))
            .help("add `CAfile` and `verifyChain = yes` (or `verifyPeer = yes`) to the server, and to the clients for the server's certificate"),
        );
    }
}
