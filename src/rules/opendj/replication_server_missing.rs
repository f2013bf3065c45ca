use crate::diagnostic::Diagnostic;
use crate::model::opendj::Peer;
use crate::model::{NodeId, Role};
use crate::rules::consensus::node_list;
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

use super::peer_nodes;

declare_rule! {
    /// ## What it does
    /// Reads the `ds-cfg-replication-server` list of each OpenDJ
    /// replication entry of a node (the replication server entry and each
    /// replication domain) and reports a list that leaves out a node that
    /// should be in it: a Gluu node of the cluster whose OpenDJ
    /// configuration is among the files, or any node running a
    /// replication server. A domain list that names the node's own
    /// replication server is not judged: the domain reaches the others
    /// through it, and the replication servers, which must all know each
    /// other, are judged on the server entry. Hosts are matched as the
    /// node resolves them:
    /// addresses, its hosts files, node and host names. A list holding a
    /// host that is no node of the cluster is not judged (that host may
    /// be the one missing, under a name the files do not show). Nodes
    /// without replication entries are not judged either.
    ///
    /// ## Why is this bad?
    /// A replication server connects to the servers of its list, and a
    /// domain sends its changes to the replication servers of its list.
    /// A Gluu node left out neither receives the changes made on this
    /// node nor sends its own here: logins, sessions and
    /// configuration changes made through one node are missing on the
    /// other. The guide enables replication between every pair of nodes
    /// (`dsreplication enable` for each new node).
    ///
    /// ## Example
    /// ```text
    /// dn: cn=replication server,cn=Multimaster Synchronization,cn=Synchronization Providers,cn=config
    /// ds-cfg-replication-server: gluu1.example.org:8989
    /// ds-cfg-replication-server: gluu2.example.org:8989
    /// ```
    /// in a cluster of three Gluu nodes.
    ///
    /// ## How to fix
    /// Run `dsreplication enable` between the missing node and a node
    /// already replicating, then `dsreplication initialize`.
    id: "opendj/replication-server-missing",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let opendj = &cluster.opendj;
    // The nodes every list should name.
    let mut expected: Vec<NodeId> = opendj
        .instances
        .iter()
        .filter(|i| {
            cluster.node(i.node).has_role(Role::Gluu)
                || i.replication_server
                    .as_ref()
                    .is_some_and(|r| r.port.is_some())
        })
        .map(|i| i.node)
        .collect();
    expected.sort();
    expected.dedup();
    if expected.len() < 2 {
        return;
    }
    for instance in opendj.replicating() {
        let node = instance.node;
        let mut lists: Vec<(Span, &[Peer], &str)> = Vec::new();
        if let Some(server) = &instance.replication_server {
            lists.push((server.dn, &server.peers, "replication server"));
        }
        for domain in &instance.domains {
            lists.push((domain.dn, &domain.peers, "replication domain"));
        }
        for (dn, peers, what) in lists {
            let mut named: Vec<NodeId> = Vec::new();
            let mut unknown = false;
            for peer in peers {
                let nodes = peer_nodes(cluster, node, peer);
                unknown |= nodes.is_empty();
                named.extend(nodes);
            }
            // A domain that names its own server's replication server
            // reaches the others through it: the replication servers'
            // mesh is judged on the server entry.
            let through_own_server = what == "replication domain"
                && instance.replication_server.is_some()
                && named.contains(&node);
            if unknown || through_own_server {
                continue;
            }
            let missing: Vec<NodeId> = expected
                .iter()
                .copied()
                .filter(|n| *n != node && !named.contains(n))
                .collect();
            if missing.is_empty() {
                continue;
            }
            let span = peers.first().map_or(dn, |p| p.span);
            let domain = if what == "replication domain" {
                instance
                    .domains
                    .iter()
                    .find(|d| d.dn == dn)
                    .and_then(|d| d.base_dn.as_ref())
                    .map(|b| format!(" of `{}`", b.value))
                    .unwrap_or_default()
            } else {
                String::new()
            };
            cx.report(
                Diagnostic::new(
                    span,
                    format!(
                        "the {what}{domain} on `{}` does not list {}: {} not replicated with this node",
                        cluster.node(node).name,
                        node_list(cluster, missing.iter().copied()),
                        if missing.len() == 1 { "it is" } else { "they are" }
                    ),
                )
                .label("replication servers listed here")
                .related(dn, "this entry")
                .help("run `dsreplication enable` between the missing node and a replicating node, then `dsreplication initialize`"),
            );
        }
    }
}
