use crate::diagnostic::Diagnostic;
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reports a Redis server (not a sentinel) that asks clients for no
    /// password: no `requirepass` with a value, no ACL `user` given a
    /// password (`>password` or `#sha256`), no `aclfile`. Includes are read
    /// in place; the last `requirepass` wins.
    ///
    /// ## Why is this bad?
    /// Anyone who reaches the port can read and change every cached token
    /// and session, or run `CONFIG SET` and `FLUSHALL`. A tunnel encrypts
    /// the traffic but does not decide who may connect.
    ///
    /// ## Example
    /// ```text
    /// bind 127.0.0.1 ::1
    /// port 6379
    /// ```
    ///
    /// ## How to fix
    /// Set a long random password and give it to the clients:
    /// `requirepass <secret>`.
    id: "redis/no-password",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for server in cluster
        .redis
        .iter()
        .filter(|s| !s.sentinel && !s.has_password())
    {
        cx.report(
            Diagnostic::new(
                Span::file_start(server.file),
                format!(
                    "Redis on `{}` accepts every client without a password: there is no `requirepass`",
                    cluster.node(server.node).name
                ),
            )
            .help("set `requirepass` to a long random password (or give an ACL user one) and configure it on the clients"),
        );
    }
}
