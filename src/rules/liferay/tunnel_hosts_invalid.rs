use crate::diagnostic::Diagnostic;
use crate::model::liferay::Item;
use crate::rules::liferay::{HOSTS_ALLOWED, hosts_allowed, tunnel_verifiers};
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks every entry of `tunnel.servlet.hosts.allowed` and of the
    /// TunnelAuthVerifier's `hostsAllowed`: each must be an IPv4 or IPv6
    /// address, a network (`address/prefix` or `address/netmask` of the same
    /// family) or the token `SERVER_IP`.
    ///
    /// ## Why is this bad?
    /// The portal silently skips an entry it cannot parse, so a host name, a
    /// typo in an address, `server_ip` in lower case or an IPv6 address in
    /// brackets never admits anyone, and the staging server is refused.
    ///
    /// ## Example
    /// ```properties
    /// tunnel.servlet.hosts.allowed=127.0.0.1,SERVER_IP,staging.example.org
    /// ```
    ///
    /// ## How to fix
    /// Write addresses or networks:
    /// ```properties
    /// tunnel.servlet.hosts.allowed=127.0.0.1,SERVER_IP,192.0.2.50
    /// ```
    id: "liferay/tunnel-hosts-invalid",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for node in &cluster.nodes {
        let Some(liferay) = cluster.liferay.node(node.id) else {
            continue;
        };
        let mut lists: Vec<(&str, Vec<Item>)> = Vec::new();
        if let Some(p) = liferay.property(HOSTS_ALLOWED) {
            lists.push((HOSTS_ALLOWED, p.items(cluster)));
        }
        for config in tunnel_verifiers(liferay) {
            if let Some(v) = config.get("hostsAllowed") {
                lists.push(("hostsAllowed", v.items.clone()));
            }
        }
        for (key, items) in lists {
            // An empty value admits everyone; it is not an invalid entry.
            if items.iter().all(|i| i.text.is_empty()) {
                continue;
            }
            for item in &items {
                let Err(why) = hosts_allowed::parse(&item.text) else {
                    continue;
                };
                let shown = if item.text.is_empty() {
                    "an entry".to_string()
                } else {
                    format!("`{}`", item.text)
                };
                cx.report(
                    Diagnostic::new(item.span, format!("{shown} in `{key}` on `{}` {why}", node.name))
                        .label("never matches")
                        .help("write an IPv4 or IPv6 address, a network such as `10.0.0.0/8`, or `SERVER_IP`"),
                );
            }
        }
    }
}
