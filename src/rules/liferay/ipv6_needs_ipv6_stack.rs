use crate::diagnostic::Diagnostic;
use crate::model::liferay::hosts_allowed;
use crate::model::liferay::tunnel::{HOSTS_ALLOWED, tunnel_verifiers};
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a node that admits IPv6 addresses in
    /// `tunnel.servlet.hosts.allowed` or the TunnelAuthVerifier's
    /// `hostsAllowed` while its `setenv.sh` (or `setenv.bat`) starts the JVM with
    /// `-Djava.net.preferIPv4Stack=true`.
    ///
    /// ## Why is this bad?
    /// With the IPv4 stack forced the JVM neither accepts connections over
    /// IPv6 nor reports IPv6 client addresses, so an IPv6 entry can never
    /// match and a staging server that connects over IPv6 is refused.
    ///
    /// ## Example
    /// ```sh
    /// # app1/bin/setenv.sh
    /// CATALINA_OPTS="$CATALINA_OPTS -Djava.net.preferIPv4Stack=true"
    /// ```
    /// ```properties
    /// # app1/portal-ext.properties
    /// tunnel.servlet.hosts.allowed=127.0.0.1,SERVER_IP,2001:db8::50
    /// ```
    ///
    /// ## How to fix
    /// Set `-Djava.net.preferIPv4Stack=false` in `setenv.sh`, or admit the
    /// staging server by its IPv4 address.
    id: "liferay/ipv6-needs-ipv6-stack",
    severity: Error,
    check: Some(check),
}

const IPV4_STACK: &str = "java.net.preferIPv4Stack";

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for node in &cluster.nodes {
        let Some(liferay) = cluster.liferay.node(node.id) else {
            continue;
        };
        let Some(option) = liferay.system_property(IPV4_STACK) else {
            continue;
        };
        // `Boolean.getBoolean`: true only for "true", in any case.
        if !option
            .value
            .as_deref()
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        {
            continue;
        }
        let mut lists = Vec::new();
        if let Some(p) = liferay.property(HOSTS_ALLOWED) {
            lists.push((HOSTS_ALLOWED, p.items(cluster)));
        }
        for config in tunnel_verifiers(liferay) {
            if let Some(v) = config.get("hostsAllowed") {
                lists.push(("hostsAllowed", v.items.clone()));
            }
        }
        let Some((key, entry)) = lists
            .iter()
            .find_map(|(key, items)| Some((*key, hosts_allowed::first_ipv6(items)?)))
        else {
            continue;
        };
        cx.report(
            Diagnostic::new(
                option.span,
                format!(
                    "`{}` forces the JVM onto IPv4, but `{key}` admits the IPv6 address `{}`",
                    node.name, entry.text
                ),
            )
            .label("IPv4 only")
            .related(entry.span, "an IPv6 entry that can never match")
            .help(format!(
                "set `-D{IPV4_STACK}=false`, or admit the staging server by its IPv4 address"
            )),
        );
    }
}
