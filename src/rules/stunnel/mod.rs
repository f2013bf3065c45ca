//! `stunnel`: the encrypted links between the Gluu nodes and Redis. A
//! client tunnel on each node accepts plain text locally and connects,
//! with TLS, to the server tunnel on the Redis host, which connects to
//! Redis.

pub mod cert_missing;
pub mod client_mode_missing;
pub mod client_target_mismatch;
pub mod pid_clash;
pub mod server_target_mismatch;
pub mod weak_key;

use crate::model::Cluster;
use crate::model::net::{Program, Target};
use crate::model::stunnel::{Endpoint, Tunnel};
use crate::source::Span;

/// Where a tunnel's `connect` leads: the node, the address and the port.
/// A port alone connects to the local host.
pub(crate) fn connect_target(
    cluster: &Cluster,
    tunnel: &Tunnel,
    connect: &Endpoint,
) -> Option<(Target, u16)> {
    let (host, port) = connect.inet()?;
    let target = cluster
        .net
        .target(cluster, tunnel.node, host.unwrap_or("localhost"))?;
    Some((target, port))
}

/// The other stunnel's TLS `accept` a service connects to, if any: such a
/// service is meant as the client end of a tunnel. Where the other end's
/// `accept` address cannot be read (a typo, its own finding), its port on
/// the node the connection reaches still tells: one fault never hides
/// another.
pub(crate) fn tls_peer(cluster: &Cluster, tunnel: &Tunnel) -> Option<(Target, Span)> {
    tunnel.connects.iter().find_map(|connect| {
        let (target, port) = connect_target(cluster, tunnel, connect)?;
        let listener = cluster
            .net
            .listening_at(target.node, target.ip, port)
            .filter(|l| !tunnel.accepts.iter().any(|a| a.span == l.span))
            .find(|l| l.program == Program::Stunnel && l.tls);
        if let Some(listener) = listener {
            return Some((target, listener.span));
        }
        let unreadable = unreadable_accept(cluster, target.node, port, tunnel)?;
        Some((target, unreadable.span))
    })
}

/// A server tunnel's `accept` on `node` with `port` whose address stunnel
/// cannot read (a typo, reported as `net/invalid-address`): where it is,
/// nothing can be said of what listens there.
pub(crate) fn unreadable_accept<'a>(
    cluster: &'a Cluster,
    node: crate::model::NodeId,
    port: u16,
    except: &Tunnel,
) -> Option<&'a Endpoint> {
    let stunnel = &cluster.stunnel;
    stunnel
        .unreadable_accepts
        .get(&(node, port))?
        .iter()
        .map(|&(tunnel, accept)| (&stunnel.tunnels[tunnel], accept))
        .find(|(other, _)| !std::ptr::eq(*other, except))
        .map(|(other, accept)| &other.accepts[accept])
}

/// `[name]`, or "the service" in inetd mode.
pub(crate) fn service_name(tunnel: &Tunnel) -> String {
    if tunnel.name.is_empty() {
        "the service".to_string()
    } else {
        format!("`[{}]`", tunnel.name)
    }
}
