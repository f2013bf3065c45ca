use crate::diagnostic::Diagnostic;
use crate::model::Role;
use crate::model::liferay::portals::with_role;
use crate::model::liferay::tunnel::tunnel_verifiers;
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Checks that each TunnelAuthVerifier configuration on a live node
    /// (`...TunnelAuthVerifierConfiguration~default.config` or `-default`, in
    /// the older and the newer PID) has `enabled` true. The verifier reads a
    /// missing `enabled` as false, although System Settings shows `true` as
    /// the default.
    ///
    /// ## Why is this bad?
    /// A disabled verifier is not registered, so tunnel requests to
    /// `/api/liferay/do` are not authenticated by it and remote publication
    /// to that node fails.
    ///
    /// ## Example
    /// ```text
    /// enabled=B"false"
    /// hostsAllowed="127.0.0.1,SERVER_IP,192.0.2.50"
    /// ```
    ///
    /// ## How to fix
    /// ```text
    /// enabled=B"true"
    /// ```
    id: "liferay/tunnel-verifier-disabled",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    for (node, liferay) in with_role(cx.cluster, Role::Live) {
        for config in tunnel_verifiers(liferay) {
            match config.get("enabled") {
                Some(v) if v.as_bool == Some(true) => {}
                Some(v) => cx.report(
                    Diagnostic::new(v.value_span, format!("the TunnelAuthVerifier on live node `{}` is disabled", node.name))
                        .label("read as false")
                        .help("set `enabled=B\"true\"`"),
                ),
                None => cx.report(
                    Diagnostic::new(
                        Span::file_start(config.file),
                        format!(
                            "the TunnelAuthVerifier configuration on live node `{}` has no `enabled`, which the verifier reads as false",
                            node.name
                        ),
                    )
                    .label("`enabled` is missing from this file")
                    .help("add `enabled=B\"true\"`"),
                ),
            }
        }
    }
}
