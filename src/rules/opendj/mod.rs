//! `opendj`: the directory servers of the Gluu nodes, replicating each
//! other (multi-master replication set up with `dsreplication`).

pub mod admin_connector_local;
pub mod endpoint_identification;
pub mod keystore_divergent;
pub mod replication_port_mismatch;
pub mod replication_server_missing;
pub mod server_id_duplicate;
pub mod ssl_encryption_off;

use crate::model::opendj::{Instance, Peer, is_loopback};
use crate::model::{Cluster, NodeId};

/// The nodes a `ds-cfg-replication-server` value names, seen from the
/// instance's node: loopback is the node itself; a name or address goes to
/// the nodes that hold it (hosts files, node names, host names,
/// addresses). Empty when the host is no node of the cluster.
fn peer_nodes(cluster: &Cluster, from: NodeId, peer: &Peer) -> Vec<NodeId> {
    if is_loopback(&peer.host) {
        return vec![from];
    }
    let mut nodes = cluster.net.nodes_named(cluster, from, &peer.host);
    if let Some(target) = cluster.net.target(cluster, from, &peer.host) {
        nodes.push(target.node);
    }
    nodes.sort();
    nodes.dedup();
    nodes
}

/// A value of the instance's replication lists that leads to another
/// host: a node of the cluster other than its own, or, among two hosts
/// or more that are not the loopback, one that is no node of the cluster.
fn peer_on_other_host<'a>(cluster: &Cluster, instance: &'a Instance) -> Option<&'a Peer> {
    let node = instance.node;
    if let Some(peer) = instance.peers().find(|p| {
        let nodes = peer_nodes(cluster, node, p);
        !nodes.is_empty() && !nodes.contains(&node)
    }) {
        return Some(peer);
    }
    let mut hosts: Vec<String> = instance
        .peers()
        .filter(|p| !is_loopback(&p.host))
        .map(|p| p.host.to_ascii_lowercase())
        .collect();
    hosts.sort();
    hosts.dedup();
    if hosts.len() < 2 {
        return None;
    }
    instance
        .peers()
        .find(|p| !is_loopback(&p.host) && peer_nodes(cluster, node, p).is_empty())
}
