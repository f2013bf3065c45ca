use crate::diagnostic::Diagnostic;
use crate::model::Role;
use crate::model::liferay::portals::with_role;
use crate::model::liferay::tunnel::tunnel_verifiers;
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Checks two settings of each TunnelAuthVerifier configuration on a live
    /// node: `serviceAccessPolicyName`, when set, must be exactly
    /// `SYSTEM_USER_PASSWORD` (one published guide spells it
    /// `SYSTEM_User_PASSWORD`), and `urlsIncludes` must cover
    /// `/api/liferay/do`, the tunnel's URL.
    ///
    /// ## Why is this bad?
    /// An unknown service access policy name matches no policy, so the
    /// tunnel's remote service calls are refused; a verifier whose
    /// `urlsIncludes` lacks `/api/liferay/do` never sees tunnel requests.
    ///
    /// ## Example
    /// ```text
    /// serviceAccessPolicyName="SYSTEM_User_PASSWORD"
    /// urlsIncludes="/api/jsonws/*"
    /// ```
    ///
    /// ## How to fix
    /// ```text
    /// serviceAccessPolicyName="SYSTEM_USER_PASSWORD"
    /// urlsIncludes="/api/liferay/do"
    /// ```
    id: "liferay/tunnel-verifier-policy",
    severity: Warning,
    check: Some(check),
}

const POLICY: &str = "SYSTEM_USER_PASSWORD";
const TUNNEL_URL: &str = "/api/liferay/do";

/// Whether a URL pattern (exact, or a prefix ending in `*`) covers `url`.
fn covers(pattern: &str, url: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => url.starts_with(prefix),
        None => pattern == url,
    }
}

fn check(cx: &mut RuleContext<'_>) {
    for (node, liferay) in with_role(cx.cluster, Role::Live) {
        for config in tunnel_verifiers(liferay) {
            if let Some(policy) = config.get("serviceAccessPolicyName")
                && policy.value.trim() != POLICY
            {
                cx.report(
                    Diagnostic::new(
                        policy.value_span,
                        format!(
                            "the TunnelAuthVerifier on `{}` names the service access policy `{}`",
                            node.name,
                            policy.value.trim()
                        ),
                    )
                    .label(format!("not `{POLICY}`"))
                    .help(format!("set `serviceAccessPolicyName=\"{POLICY}\"`")),
                );
            }
            match config.get("urlsIncludes") {
                Some(urls) if urls.items.iter().any(|i| covers(&i.text, TUNNEL_URL)) => {}
                Some(urls) => cx.report(
                    Diagnostic::new(
                        urls.value_span,
                        format!("the TunnelAuthVerifier's `urlsIncludes` on `{}` does not cover `{TUNNEL_URL}`", node.name),
                    )
                    .label(format!("`{TUNNEL_URL}` is missing"))
                    .help(format!("add `{TUNNEL_URL}` to `urlsIncludes`")),
                ),
                None => cx.report(
                    Diagnostic::new(
                        Span::file_start(config.file),
                        format!("the TunnelAuthVerifier configuration on `{}` has no `urlsIncludes`", node.name),
                    )
                    .label("`urlsIncludes` is missing from this file")
                    .help(format!("add `urlsIncludes=\"{TUNNEL_URL}\"`")),
                ),
            }
        }
    }
}
