use crate::diagnostic::Diagnostic;
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reports a Redis server (not a sentinel) that lets clients in without
    /// a password: no `requirepass` (or an empty one), or a `user default`
    /// line with `on` and `nopass`, and no `aclfile`. Clients start as the
    /// `default` user, so passwords of other ACL users do not count.
    /// Includes are read in place; the last line wins. The finding points
    /// at the line to change, or at the start of the file.
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
        let node = &cluster.node(server.node).name;
        let help = "set `requirepass` to a long random password (or give the `default` user one) and configure it on the clients";
        let diagnostic = match (server.default_user, server.requirepass) {
            (Some((_, span)), _) => Diagnostic::new(
                span,
                format!("Redis on `{node}` lets every client in as the `default` user, which has `nopass`"),
            )
            .label("no password"),
            (None, Some((_, span))) => Diagnostic::new(
                span,
                format!("`requirepass` on `{node}` sets an empty password: Redis accepts every client"),
            )
            .label("empty password"),
            (None, None) => Diagnostic::new(
                Span::file_start(server.file),
                format!("Redis on `{node}` accepts every client without a password: there is no `requirepass`"),
            ),
        };
        cx.report(diagnostic.help(help));
    }
}
