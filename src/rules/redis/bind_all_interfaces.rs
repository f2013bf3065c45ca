use std::collections::HashSet;

use crate::diagnostic::Diagnostic;
use crate::model::net::BindAddress;
use crate::model::{Cluster, NodeId};
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reports a Redis server that a stunnel tunnel on the cluster leads
    /// to, yet that listens on every interface: `bind` admits `0.0.0.0`,
    /// `*`, `::` or `::*`, or there is no `bind` at all (then Redis binds
    /// every address).
    ///
    /// ## Why is this bad?
    /// The tunnel exists to encrypt the traffic and to keep the plain Redis
    /// port off the network. Bound to every interface, the plain port is
    /// reachable from outside and the tunnel can simply be bypassed.
    ///
    /// ## Example
    /// ```text
    /// # redis/etc/redis/redis.conf, behind stunnel
    /// bind 0.0.0.0
    /// ```
    ///
    /// ## How to fix
    /// Bind Redis to the loopback address the tunnel connects to:
    /// `bind 127.0.0.1 ::1`.
    id: "redis/bind-all-interfaces",
    severity: Warning,
    check: Some(check),
}

/// Whether a stunnel tunnel of the cluster connects to this server.
/// The nodes and ports some stunnel tunnel connects to, resolved once for
/// all servers.
fn tunnel_targets(cluster: &Cluster) -> HashSet<(NodeId, u16)> {
    let mut out = HashSet::new();
    for tunnel in &cluster.stunnel.tunnels {
        for connect in &tunnel.connects {
            let Some((host, port)) = connect.inet() else {
                continue;
            };
            if let Some(target) =
                cluster
                    .net
                    .target(cluster, tunnel.node, host.unwrap_or("localhost"))
            {
                out.insert((target.node, port));
            }
        }
    }
    out
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let tunnelled = tunnel_targets(cluster);
    for server in cluster.redis.iter().filter(|s| !s.sentinel) {
        if !tunnelled.contains(&(server.node, server.port)) {
            continue;
        }
        let node = &cluster.node(server.node).name;
        let help =
            "bind Redis to the loopback address the tunnel connects to: `bind 127.0.0.1 ::1`";
        match &server.bind {
            None => cx.report(
                Diagnostic::new(
                    Span::file_start(server.file),
                    format!("Redis on `{node}` has no `bind`, so it listens on every interface, though its clients come through stunnel"),
                )
                .help(help),
            ),
            Some((entries, _)) => {
                for entry in entries {
                    if matches!(entry.address, Some(BindAddress::AnyV4 | BindAddress::AnyV6)) {
                        cx.report(
                            Diagnostic::new(
                                entry.span,
                                format!(
                                    "Redis on `{node}` binds `{}`, every interface, though its clients come through stunnel",
                                    entry.text
                                ),
                            )
                            .label("every interface")
                            .help(help),
                        );
                    }
                }
            }
        }
    }
}
