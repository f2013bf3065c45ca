use crate::diagnostic::Diagnostic;
use crate::model::Role;
use crate::model::liferay::portals::with_role;
use crate::model::liferay::tunnel::HTTPS_REQUIRED;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Warns when a live node sets `tunnel.servlet.https.required` to a value
    /// the portal reads as false (anything but `true`, `t`, `y`, `on`, `1`).
    /// The setting guides often show `false`; the portal's default is also
    /// false, but an explicit `false` is a decision worth a second look.
    ///
    /// ## Why is this bad?
    /// The tunnel then accepts plain HTTP. Staging content and the requests
    /// that carry it, encrypted with the shared secret but not protected by
    /// TLS, cross the network in the clear.
    ///
    /// ## Example
    /// ```properties
    /// tunnel.servlet.https.required=false
    /// ```
    ///
    /// ## How to fix
    /// Publish over HTTPS and require it:
    /// ```properties
    /// tunnel.servlet.https.required=true
    /// ```
    /// If TLS ends at the balancer on purpose, suppress the finding with a
    /// reason: `# clusterlint: ignore[liferay/tunnel-https-not-required] TLS ends at the balancer`.
    id: "liferay/tunnel-https-not-required",
    severity: Warning,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    for (node, liferay) in with_role(cx.cluster, Role::Live) {
        let Some(p) = liferay.property(HTTPS_REQUIRED) else {
            continue;
        };
        if p.as_bool() {
            continue;
        }
        cx.report(
            Diagnostic::new(
                p.value_span,
                format!("the tunnel on live node `{}` accepts plain HTTP", node.name),
            )
            .label("read as false")
            .help(format!(
                "publish over HTTPS and set `{HTTPS_REQUIRED}=true`"
            )),
        );
    }
}
