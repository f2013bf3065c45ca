use crate::diagnostic::Diagnostic;
use crate::model::redis::{MasterLookup, master_at};
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Compares a sentinel's `sentinel auth-pass` for a master with the
    /// `requirepass` of the data server it monitors, when both are written
    /// in the cluster's files, and reports a sentinel that gives another
    /// password or none. Neither password is shown. A sentinel that logs
    /// in as an ACL user (`auth-user`), a master whose password is set by
    /// ACL rules, and values filled in at start-up (`$REDIS_PASSWORD`) are
    /// not compared.
    ///
    /// ## Why is this bad?
    /// A sentinel authenticates to the master and its replicas with
    /// `auth-pass`. With a wrong password or none, its `PING` and `INFO`
    /// are refused: it cannot see the replicas, judges the master down
    /// and cannot carry out a failover, so the cache is not highly
    /// available at all.
    ///
    /// ## Example
    /// ```text
    /// sentinel monitor cache 10.0.0.1 6379 2
    /// sentinel auth-pass cache an-old-password
    /// ```
    ///
    /// ## How to fix
    /// Set `sentinel auth-pass <master-name>` to the password of the
    /// group's data servers on every sentinel.
    id: "redis/sentinel-auth-mismatch",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for sentinel in cluster.redis.iter().filter(|s| s.sentinel) {
        let node = &cluster.node(sentinel.node).name;
        for monitor in sentinel.monitors.iter().filter(|m| !m.auth_user) {
            let MasterLookup::Found(master) = master_at(cluster, sentinel.node, &monitor.master)
            else {
                continue;
            };
            let Some(password) = master.password.as_ref().filter(|p| !p.is_placeholder()) else {
                continue;
            };
            let master_node = &cluster.node(master.node).name;
            let diagnostic = match &monitor.auth_pass {
                Some((given, _)) if given.is_placeholder() || given.matches(password) => continue,
                Some((_, span)) => Diagnostic::new(
                    *span,
                    format!(
                        "the sentinel on `{node}` gives master `{}` another password than the `requirepass` of Redis on `{master_node}`",
                        monitor.name
                    ),
                )
                .label("password differs"),
                None => Diagnostic::new(
                    monitor.master.span,
                    format!(
                        "the sentinel on `{node}` has no `auth-pass` for master `{}`, but Redis on `{master_node}` requires a password",
                        monitor.name
                    ),
                )
                .label("no `auth-pass`"),
            };
            let mut diagnostic = diagnostic.help(format!(
                "set `sentinel auth-pass {} <password>` to the data servers' password",
                monitor.name
            ));
            if let Some(span) = master.password_span() {
                diagnostic = diagnostic.related(span, "the master's password");
            }
            cx.report(diagnostic);
        }
    }
}
