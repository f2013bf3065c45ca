use crate::diagnostic::Diagnostic;
use crate::model::liferay::hosts_allowed::{PARSED_SINCE, bracketed_ipv6, java_host_address};
use crate::model::liferay::tunnel::HOSTS_ALLOWED;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports an IPv6 address written in brackets (`[2001:db8::50]`) in
    /// `tunnel.servlet.hosts.allowed` when the cluster runs a Liferay
    /// release older than 7.2 (6.x, 7.0, 7.1), as the manifest's
    /// `[liferay] version`, a workspace's product, an image tag or a bundle
    /// folder tells. On 7.2 and later, and when the version is not known,
    /// nothing is said: those releases read each entry as an address and
    /// accept the brackets.
    ///
    /// ## Why is this bad?
    /// The older releases compare each entry's text with the client
    /// address as the application server reports it, which has no
    /// brackets; a bracketed entry never matches, and the staging server
    /// is refused with "Access denied" when it publishes. The staging
    /// guide's advice to write brackets concerns the *Remote Host/IP*
    /// field of the staging settings, not this property.
    ///
    /// ## Example
    /// ```properties
    /// tunnel.servlet.hosts.allowed=127.0.0.1,SERVER_IP,[2001:db8::50]
    /// ```
    ///
    /// ## How to fix
    /// Write the address without brackets, in the full form Java gives
    /// the client address (eight groups, none left out):
    /// ```properties
    /// tunnel.servlet.hosts.allowed=127.0.0.1,SERVER_IP,2001:db8:0:0:0:0:0:50
    /// ```
    id: "liferay/tunnel-hosts-bracketed-ipv6",
    severity: Warning,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let Some(version) = cluster.versions.liferay.as_ref() else {
        return;
    };
    if version.value >= PARSED_SINCE {
        return;
    }
    for node in &cluster.nodes {
        let Some(property) = cluster
            .liferay
            .node(node.id)
            .and_then(|l| l.property(HOSTS_ALLOWED))
        else {
            continue;
        };
        for item in property.items(cluster) {
            let Some(ip) = bracketed_ipv6(&item.text) else {
                continue;
            };
            let plain = java_host_address(ip);
            cx.report(
                Diagnostic::new(
                    item.span,
                    format!(
                        "`{}` in `{HOSTS_ALLOWED}` on `{}` is in brackets, which Liferay {} never matches",
                        item.text.trim(),
                        node.name,
                        version.value
                    ),
                )
                .label(format!("Liferay {} from {}", version.value, version.source))
                .help(format!(
                    "write `{plain}`: releases before {PARSED_SINCE} compare the entry's text with the client address, which has no brackets"
                )),
            );
        }
    }
}
