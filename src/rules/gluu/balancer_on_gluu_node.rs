use crate::diagnostic::Diagnostic;
use crate::model::gluu::balancers;
use crate::model::{Role, RoleSource};
use crate::rules::consensus::node_list;
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Finds the nginx that balances the Gluu nodes (an nginx whose
    /// `proxy_pass` uses an upstream listing another Gluu node) running on
    /// a machine that is itself a Gluu node (it has a `setup.properties`,
    /// or the manifest gives it the `gluu` role). Gluu CE's own nginx, which
    /// every node runs in front of its own services and which proxies to
    /// the node itself, is not a balancer and is not reported.
    ///
    /// ## Why is this bad?
    /// The Gluu clustering guide requires a separate load-balancer server:
    /// every Gluu node answers under the one `hostname` of the cluster,
    /// and the node that also carries the balancer cannot tell requests
    /// for the cluster from requests for itself. When that node fails, the
    /// balancer fails with it, and the cluster is gone with a single
    /// machine.
    ///
    /// ## Example
    /// ```nginx
    /// # gluu1: a Gluu node with setup.properties
    /// upstream backend {
    ///     server 192.0.2.11:443;
    ///     server 192.0.2.12:443;
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Run the balancer on a machine of its own (the guide's
    /// `loadbalancer.example.org`), and point the cluster's host name at
    /// it.
    id: "gluu/balancer-on-gluu-node",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for balancer in balancers(cluster) {
        let node = cluster.node(balancer.config.node);
        if !node.has_role(Role::Gluu) {
            continue;
        }
        let Some(upstream) = balancer.upstreams.first() else {
            continue;
        };
        let others: Vec<_> = balancer
            .nodes
            .iter()
            .copied()
            .filter(|&n| n != node.id)
            .collect();
        let mut diagnostic = Diagnostic::new(
            upstream.name.span,
            format!(
                "`{}` is a Gluu node, yet its nginx balances the Gluu nodes ({}) through upstream `{}`",
                node.name,
                node_list(cluster, balancer.nodes.iter().copied()),
                upstream.name.text
            ),
        )
        .label("balancer on a Gluu node")
        .help(format!(
            "move the balancer to a server of its own, as the Gluu clustering guide requires, and point the cluster's host name at it; `{}` then balances {}",
            upstream.name.text,
            node_list(cluster, others.iter().copied())
        ));
        // Why the node counts as a Gluu node.
        if let Some(setup) = cluster.gluu.setup(node.id) {
            diagnostic = diagnostic.related(
                Span::file_start(setup.file),
                format!("`{}` is a Gluu node", node.name),
            );
        } else if let Some(span) = node.roles.iter().find_map(|(r, s)| match s {
            RoleSource::Manifest(span) if *r == Role::Gluu => Some(*span),
            _ => None,
        }) {
            diagnostic = diagnostic.related(span, format!("`{}` is a Gluu node", node.name));
        }
        cx.report(diagnostic);
    }
}
