use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::model::net::Listener;
use crate::model::{Cluster, NodeId};
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports two sockets on one node that bind the same address and
    /// port: nginx `listen`, Redis `port` with its `bind` addresses (and
    /// `tls-port`), stunnel `accept`. A wildcard (`0.0.0.0`, a port alone)
    /// takes the port on every address of its family. Sharing that a
    /// program does itself is no conflict: the server blocks of one nginx
    /// configuration on one `listen`.
    ///
    /// ## Why is this bad?
    /// The program that starts second cannot bind (`Address already in
    /// use`) and fails, or only one of two stunnel services ever gets the
    /// connections. Tunnels copied from the Redis host to a client, or a
    /// client tunnel accepting on Redis's own port, are typical causes.
    ///
    /// ## Example
    /// ```text
    /// # redis.conf
    /// port 6379
    /// # stunnel/redis.conf
    /// accept = 6379
    /// ```
    ///
    /// ## How to fix
    /// Give one of them another port, or bind them to different addresses.
    id: "net/port-conflict",
    severity: Error,
    check: Some(check),
}

/// Whether two sockets are one to the program (nginx's server blocks).
fn shared(a: &Listener, b: &Listener) -> bool {
    a.config == b.config && a.shared && b.shared
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let mut by_port: BTreeMap<(NodeId, u16), Vec<&Listener>> = BTreeMap::new();
    for listener in &cluster.net.listeners {
        by_port
            .entry((listener.node, listener.port))
            .or_default()
            .push(listener);
    }
    for ((node, port), mut listeners) in by_port {
        if listeners.len() < 2 {
            continue;
        }
        listeners.sort_by(|a, b| order(cluster, a).cmp(&order(cluster, b)));
        let mut reported = Vec::new();
        for (i, later) in listeners.iter().enumerate() {
            let Some(earlier) = listeners[..i]
                .iter()
                .find(|e| e.address.overlaps(later.address) && !shared(e, later))
            else {
                continue;
            };
            if reported.contains(&later.span) || later.span == earlier.span {
                continue;
            }
            reported.push(later.span);
            cx.report(
                Diagnostic::new(
                    later.span,
                    format!(
                        "{} binds `{}` on `{}`, where {} already listens (`{}`)",
                        later.program,
                        later.endpoint(),
                        cluster.node(node).name,
                        earlier.program,
                        earlier.endpoint()
                    ),
                )
                .label(format!("port {port} is taken"))
                .related(
                    earlier.span,
                    format!("{} binds the port here", earlier.program),
                )
                .help("give one of them another port, or bind them to different addresses"),
            );
        }
    }
}

/// Listeners in file order: path, then position.
fn order<'a>(cluster: &'a Cluster, listener: &Listener) -> (&'a str, u32) {
    (
        cluster.source(listener.span.file).path.as_str(),
        listener.span.range.start,
    )
}
