use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::IpAddr;

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

/// The first listeners on one bind address (or on any of a group of
/// addresses): the first one not shared,
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

/// The listeners seen so far on one port, indexed so that each later one
/// finds the first earlier one it clashes with in a few lookups, however
/// many addresses the port is bound on (a Redis `bind` may list thousands).
#[derive(Default)]
struct Seen {
    each_address: HashMap<BindAddress, Firsts>,
    /// Every listener on one IPv4 address, which an IPv4 wildcard overlaps.
    on_some_v4: Firsts,
    /// Every listener on one IPv6 address, which an IPv6 wildcard overlaps.
    on_some_v6: Firsts,
}

impl Seen {
    fn add(&mut self, index: usize, listener: &Listener) {
        self.each_address
            .entry(listener.address)
            .or_default()
            .add(index, listener);
        match listener.address {
            BindAddress::Ip(IpAddr::V4(_)) => self.on_some_v4.add(index, listener),
            BindAddress::Ip(IpAddr::V6(_)) => self.on_some_v6.add(index, listener),
            _ => {}
        }
    }

    /// The first listener seen whose address overlaps `later`'s
    /// ([`BindAddress::overlaps`]) and that clashes with it.
    fn first_clash(&self, later: &Listener) -> Option<usize> {
        use BindAddress::{AnyDual, AnyV4, AnyV6, Ip};
        let at = |address: BindAddress| self.each_address.get(&address);
        let groups: Vec<Option<&Firsts>> = match later.address {
            Ip(IpAddr::V4(_)) => vec![at(later.address), at(AnyV4), at(AnyDual)],
            Ip(IpAddr::V6(_)) => vec![at(later.address), at(AnyV6), at(AnyDual)],
            AnyV4 => vec![at(AnyV4), at(AnyDual), Some(&self.on_some_v4)],
            AnyV6 => vec![at(AnyV6), at(AnyDual), Some(&self.on_some_v6)],
            AnyDual => vec![
                at(AnyV4),
                at(AnyV6),
                at(AnyDual),
                Some(&self.on_some_v4),
                Some(&self.on_some_v6),
            ],
        };
        groups
            .into_iter()
            .flatten()
            .filter_map(|firsts| firsts.first_clash(later))
            .min()
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
        let mut seen = Seen::default();
        let mut reported = HashSet::new();
        for (i, later) in listeners.iter().enumerate() {
            let clash = seen.first_clash(later);
            seen.add(i, later);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::net::Program;
    use crate::source::{Span, TextRange};

    /// The index finds what comparing with every earlier listener finds.
    #[test]
    fn the_index_agrees_with_comparing_every_pair() {
        let addresses = [
            BindAddress::AnyV4,
            BindAddress::AnyV6,
            BindAddress::AnyDual,
            BindAddress::Ip("10.0.0.1".parse().unwrap()),
            BindAddress::Ip("10.0.0.2".parse().unwrap()),
            BindAddress::Ip("::1".parse().unwrap()),
        ];
        let mut listeners = Vec::new();
        // A fixed pseudo-random walk over addresses, sharing and configs.
        let mut state = 7u32;
        for _ in 0..400 {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let pick = (state >> 8) as usize;
            listeners.push(Listener {
                node: NodeId(0),
                address: addresses[pick % addresses.len()],
                port: 80,
                program: Program::Nginx,
                config: FileId(u32::try_from(pick / 7 % 3).unwrap()),
                shared: (pick / 21).is_multiple_of(2),
                tls: false,
                span: Span {
                    file: FileId(0),
                    range: TextRange::default(),
                },
            });
        }
        let mut seen = Seen::default();
        for (i, later) in listeners.iter().enumerate() {
            let expected = listeners[..i].iter().position(|earlier| {
                earlier.address.overlaps(later.address)
                    && !(earlier.shared && later.shared && earlier.config == later.config)
            });
            assert_eq!(seen.first_clash(later), expected, "listener {i}");
            seen.add(i, later);
        }
    }
}
