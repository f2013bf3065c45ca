use crate::diagnostic::Diagnostic;
use crate::model::liferay::tunnel::HOSTS_ALLOWED;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a node whose `tunnel.servlet.hosts.allowed` is set but
    /// empty or blank.
    ///
    /// ## Why is this bad?
    /// The portal reads an empty list as no restriction at all: any host
    /// may call the tunnel servlet that Remote Staging publishes through,
    /// and only the shared secret stands in the way. Left out, the key
    /// keeps its default, `127.0.0.1,SERVER_IP`, which admits the node
    /// itself only; emptying it to "make staging work" opens the servlet to
    /// every network the node is reachable from.
    ///
    /// ## Example
    /// ```properties
    /// tunnel.servlet.hosts.allowed=
    /// ```
    ///
    /// ## How to fix
    /// Name the hosts that publish to this node: the node itself and the
    /// staging server.
    /// ```properties
    /// tunnel.servlet.hosts.allowed=127.0.0.1,SERVER_IP,192.0.2.50
    /// ```
    id: "liferay/tunnel-hosts-empty",
    severity: Warning,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for node in &cluster.nodes {
        let Some(property) = cluster
            .liferay
            .node(node.id)
            .and_then(|liferay| liferay.property(HOSTS_ALLOWED))
        else {
            continue;
        };
        // The portal trims the value and splits it on commas: a blank value
        // is an empty list. (`, ,` is not: it keeps a blank entry that no
        // host matches.)
        if !property.value.trim().is_empty() {
            continue;
        }
        cx.report(
            Diagnostic::new(
                property.key_span,
                format!(
                    "`{HOSTS_ALLOWED}` on `{}` is empty, which lets every host call the tunnel servlet",
                    node.name
                ),
            )
            .label("no host is refused")
            .help("list the hosts that publish to this node, such as `127.0.0.1,SERVER_IP,` and the staging server's address"),
        );
    }
}
