use std::collections::{BTreeMap, HashSet};

use crate::diagnostic::Diagnostic;
use crate::model::net::{BindAddress, Listener};
use crate::model::{Cluster, NodeId};
use crate::rules::{RuleContext, declare_rule};
use crate::source::FileId;

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

/// The first listeners on one bind address: the first one not shared,
/// the first shared one, and the first shared one of another configuration
/// than that. Two sockets are one to the program (nginx's server blocks)
/// when both are shared and of one configuration.
#[derive(Default)]
struct Firsts {
    unshared: Option<usize>,
    shared: Option<(usize, FileId)>,
    shared_elsewhere: Option<usize>,
}

impl Firsts {
    fn add(&mut self, index: usize, listener: &Listener) {
        if !listener.shared {
            self.unshared.get_or_insert(index);
            return;
        }
        match self.shared {
            None => self.shared = Some((index, listener.config)),
            Some((_, config)) if config != listener.config => {
                self.shared_elsewhere.get_or_insert(index);
            }
            Some(_) => {}
        }
    }

    /// The first of these listeners that `later` clashes with.
    fn first_clash(&self, later: &Listener) -> Option<usize> {
        let shared = match self.shared {
            Some((index, config)) if !later.shared || config != later.config => Some(index),
            Some(_) => self.shared_elsewhere,
            None => None,
        };
        [self.unshared, shared].into_iter().flatten().min()
    }
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
        // The first listener per bind address, so that each later one finds
        // the first earlier one it clashes with without scanning them all.
        let mut seen: Vec<(BindAddress, Firsts)> = Vec::new();
        let mut reported = HashSet::new();
        for (i, later) in listeners.iter().enumerate() {
            let clash = seen
                .iter()
                .filter(|(address, _)| address.overlaps(later.address))
                .filter_map(|(_, firsts)| firsts.first_clash(later))
                .min();
            if let Some((_, firsts)) = seen
                .iter_mut()
                .find(|(address, _)| *address == later.address)
            {
                firsts.add(i, later);
            } else {
                let mut firsts = Firsts::default();
                firsts.add(i, later);
                seen.push((later.address, firsts));
            }
            let Some(earlier) = clash.map(|at| listeners[at]) else {
                continue;
            };
            if later.span == earlier.span || !reported.insert(later.span) {
                continue;
            }
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
