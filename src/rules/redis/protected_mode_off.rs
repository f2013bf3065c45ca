use crate::diagnostic::Diagnostic;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports `protected-mode no` on a Redis server. Not on a Sentinel:
    /// Sentinel turns protected mode off itself (it must answer the other
    /// sentinels), and the stock `sentinel.conf` of Redis 6.2 and later
    /// says `protected-mode no`.
    ///
    /// ## Why is this bad?
    /// Protected mode is Redis's last guard: while the default user has no
    /// password, it refuses clients that do not come from the loopback
    /// interface. Turned off, a server bound to a public address by mistake
    /// is open to everyone.
    ///
    /// ## Example
    /// ```text
    /// protected-mode no
    /// ```
    ///
    /// ## How to fix
    /// Delete the line (the default is `yes`), bind Redis to the addresses
    /// its clients use, and set a password.
    id: "redis/protected-mode-off",
    severity: Warning,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    for server in cx.cluster.redis.iter().filter(|s| !s.sentinel) {
        if let Some((false, span)) = server.protected_mode {
            cx.report(
                Diagnostic::new(span, "protected mode is off: without a password, Redis would serve clients from every network")
                    .label("protected mode off")
                    .help("delete `protected-mode no` (the default is `yes`)"),
            );
        }
    }
}
