use std::collections::HashSet;

use crate::diagnostic::Diagnostic;
use crate::model::Cluster;
use crate::model::redis::{MasterLookup, RedisServer, master_at};
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reports a Redis data server that must authenticate to a master but
    /// has no `masterauth`:
    /// - a replica (`replicaof`/`slaveof`) of a server of the cluster that
    ///   requires a password;
    /// - a password-protected master that a sentinel monitors and a
    ///   replica of the cluster follows: when the sentinels fail over, it
    ///   is made a replica of the new master, which requires the same
    ///   password.
    ///
    /// A master the cluster's files do not describe is not judged.
    ///
    /// ## Why is this bad?
    /// A replica authenticates to its master with `masterauth` (and
    /// `masteruser` for an ACL user). Without it the master answers the
    /// replication handshake with `-NOAUTH`, and the replica never syncs:
    /// it serves an empty or stale data set. After a failover the old
    /// master rejoins as a replica, and without `masterauth` it stays out
    /// of sync for good.
    ///
    /// ## Example
    /// ```text
    /// replicaof 10.0.0.1 6379
    /// requirepass s3cret
    /// ```
    ///
    /// ## How to fix
    /// Add `masterauth` with the master's password (the same on every
    /// server of a Sentinel group), and `masteruser` if the master
    /// authenticates replicas as an ACL user.
    id: "redis/replica-auth-missing",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let data = || cluster.redis.iter().filter(|s| !s.sentinel);
    let replicated = replicated_masters(cluster);
    for server in data() {
        if server.authenticates_to_master() {
            continue;
        }
        let node = &cluster.node(server.node).name;
        if let Some(address) = &server.replica_of {
            if let MasterLookup::Found(master) = master_at(cluster, server.node, address)
                && master.surely_has_password()
            {
                let mut diagnostic = Diagnostic::new(
                    where_auth_goes(server, address.span),
                    format!(
                        "Redis on `{node}` replicates `{}:{}`, which requires a password, but has no `masterauth`",
                        address.host, address.port
                    ),
                )
                .label("no `masterauth`")
                .help("add `masterauth` with the master's password (and `masteruser` for an ACL user)");
                if let Some(span) = master.password_span() {
                    diagnostic = diagnostic.related(span, "the master's password");
                }
                cx.report(diagnostic);
            }
            continue;
        }
        // A master no replica of the cluster follows has nothing to fail
        // over to: the sentinels cannot demote it.
        if !server.surely_has_password() || !replicated.contains(&std::ptr::from_ref(server)) {
            continue;
        }
        let monitor = cluster
            .redis
            .iter()
            .filter(|s| s.sentinel)
            .flat_map(|s| s.monitors.iter().map(move |m| (s, m)))
            .find(|(sentinel, m)| {
                matches!(master_at(cluster, sentinel.node, &m.master),
                    MasterLookup::Found(found) if std::ptr::eq(found, server))
            });
        if let Some((sentinel, monitor)) = monitor {
            let span = server
                .masterauth
                .map(|(_, span)| span)
                .or(server.password_span())
                .unwrap_or_else(|| Span::file_start(server.file));
            cx.report(
                Diagnostic::new(
                    span,
                    format!(
                        "Redis on `{node}` requires a password and is the master `{}` that the sentinel on `{}` monitors, but has no `masterauth`: after a failover it cannot sync from the new master",
                        monitor.name,
                        cluster.node(sentinel.node).name
                    ),
                )
                .label("no `masterauth`")
                .related(monitor.master.span, "the sentinel can make it a replica")
                .help("add `masterauth` with the group's password to every data server the sentinels manage"),
            );
        }
    }
}

/// The servers some data server of the cluster replicates, found once
/// for the whole check.
fn replicated_masters(cluster: &Cluster) -> HashSet<*const RedisServer> {
    cluster
        .redis
        .iter()
        .filter(|s| !s.sentinel)
        .filter_map(
            |s| match master_at(cluster, s.node, s.replica_of.as_ref()?) {
                MasterLookup::Found(master) => Some(std::ptr::from_ref(master)),
                _ => None,
            },
        )
        .collect()
}

/// An empty `masterauth` is what to edit; else the `replicaof` line.
fn where_auth_goes(server: &RedisServer, replicaof: Span) -> Span {
    server.masterauth.map_or(replicaof, |(_, span)| span)
}
