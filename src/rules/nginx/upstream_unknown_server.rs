use crate::diagnostic::Diagnostic;
use crate::model::nginx::Host;
use crate::model::nginx::balanced::balanced;
use crate::model::nginx::proxied::proxied_upstreams;
use crate::rules::{RuleContext, declare_rule};
use crate::suggest;

declare_rule! {
    /// ## What it does
    /// Reports a server of an upstream that is no node of the cluster,
    /// where the upstream's other servers are nodes. Addresses and names
    /// are matched to nodes through `clusterlint.toml`, the nodes' files
    /// and the balancer's `/etc/hosts`.
    ///
    /// ## Why is this bad?
    /// It is most often a typo in an address or a node that was replaced:
    /// nginx sends a share of the requests to a machine that is not part
    /// of the cluster, or marks the server down and runs with one node
    /// fewer.
    ///
    /// ## Example
    /// ```nginx
    /// upstream backend {
    ///     server 192.0.2.11:443;
    ///     server 192.0.2.21:443;   # meant 192.0.2.12
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Correct the address, or remove the server.
    id: "nginx/upstream-unknown-server",
    severity: Warning,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for config in &cluster.nginx {
        for upstream in proxied_upstreams(config) {
            let balanced = balanced(cluster, config, upstream);
            if balanced.matched.is_empty() {
                continue;
            }
            // Suggest the addresses of the role's nodes the upstream lacks.
            let candidates: Vec<String> = cluster
                .nodes
                .iter()
                .filter(|n| balanced.role.is_none_or(|r| n.has_role(r)))
                .filter(|n| !balanced.matched.iter().any(|(_, m)| *m == n.id))
                .flat_map(|n| n.addresses.iter().map(|a| a.ip.to_string()))
                .collect();
            for (i, server) in upstream.servers.iter().enumerate() {
                if matches!(server.host, Host::Unix(_))
                    || balanced.matched.iter().any(|(m, _)| *m == i)
                {
                    continue;
                }
                // Never the address it rejects as a suggestion.
                let hint = suggest::did_you_mean(
                    &server.host_text,
                    candidates
                        .iter()
                        .map(String::as_str)
                        .filter(|c| *c != server.host_text),
                );
                cx.report(
                    Diagnostic::new(
                        server.address,
                        format!(
                            "`{}` in upstream `{}` is no node of the cluster, unlike its other servers{hint}",
                            server.host_text, upstream.name.text
                        ),
                    )
                    .label("unknown server")
                    .help("correct the address, or remove the server if the machine left the cluster"),
                );
            }
        }
    }
}
