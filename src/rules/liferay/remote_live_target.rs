use std::collections::BTreeSet;
use std::net::Ipv6Addr;

use crate::diagnostic::Diagnostic;
use crate::model::Role;
use crate::model::net::Program;
use crate::rules::consensus::node_list;
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Checks the staging server's Remote Live settings, which live in its
    /// database and are given to clusterlint under `[liferay.remote-live]`
    /// in `clusterlint.toml`: `host` must reach the cluster through the
    /// balancer, not one live node; `port` must be one the balancer's nginx
    /// listens on; an IPv6 `host` must be written in brackets.
    ///
    /// ## Why is this bad?
    /// Publishing to one live node bypasses the balancer: the publication
    /// fails whenever that node is down, and the node's cluster peers learn
    /// of it only through cluster links. A port the balancer does not
    /// listen on refuses the connection; an IPv6 address without brackets
    /// cannot be told from its port and the portal builds a wrong URL.
    ///
    /// ## Example
    /// ```toml
    /// [liferay.remote-live]
    /// host = "192.0.2.11"   # app1, not the balancer
    /// port = 443
    /// ```
    ///
    /// ## How to fix
    /// Point Remote Live at the balancer's address or name and at a port it
    /// listens on, and write IPv6 addresses as `[2001:db8::10]`.
    id: "liferay/remote-live-target",
    severity: Warning,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let Some((manifest_file, manifest)) = &cx.settings.manifest else {
        return;
    };
    let Some(remote) = &manifest.remote_live else {
        return;
    };
    let Some(host) = &remote.host else { return };
    let host_span = Span::new(*manifest_file, host.range);
    let value = host.value.trim();
    if value.parse::<Ipv6Addr>().is_ok() {
        cx.report(
            Diagnostic::new(
                host_span,
                format!("the IPv6 host `{value}` is written without brackets"),
            )
            .label("no brackets")
            .help(format!("write `[{value}]`")),
        );
    }
    let Some(from) = cluster
        .nodes_with(Role::Staging)
        .next()
        .or(cluster.nodes.first())
    else {
        return;
    };
    let targets = cluster.net.nodes_named(cluster, from.id, value);
    let balancers: Vec<_> = cluster.nodes_with(Role::Balancer).map(|n| n.id).collect();
    let live: Vec<_> = targets
        .iter()
        .copied()
        .filter(|&n| {
            cluster.node(n).has_role(Role::Live) && !cluster.node(n).has_role(Role::Balancer)
        })
        .collect();
    if !live.is_empty() && !balancers.is_empty() {
        cx.report(
            Diagnostic::new(
                host_span,
                format!(
                    "Remote Live points at the live node {} instead of the balancer {}",
                    node_list(cluster, live.iter().copied()),
                    node_list(cluster, balancers.iter().copied())
                ),
            )
            .label("one live node")
            .help(
                "point Remote Live at the balancer, so that publishing does not depend on one node",
            ),
        );
    }
    let Some(port) = &remote.port else { return };
    for balancer in targets.iter().filter(|n| balancers.contains(n)) {
        let ports: BTreeSet<u16> = cluster
            .net
            .listeners_of(*balancer)
            .filter(|l| l.program == Program::Nginx)
            .map(|l| l.port)
            .collect();
        if ports.is_empty() || ports.contains(&port.value) {
            continue;
        }
        let list: Vec<String> = ports.iter().map(|p| format!("`{p}`")).collect();
        cx.report(
            Diagnostic::new(
                Span::new(*manifest_file, port.range),
                format!(
                    "the balancer `{}` does not listen on port {} (it listens on {})",
                    cluster.node(*balancer).name,
                    port.value,
                    list.join(", ")
                ),
            )
            .label("no listener")
            .help("use a port the balancer listens on, normally 443"),
        );
    }
}
