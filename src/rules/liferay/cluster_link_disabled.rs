use crate::diagnostic::Diagnostic;
use crate::model::Role;
use crate::model::liferay::portals::{CLUSTER_LINK_ENABLED, separate_portals, with_role};
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// When there are two or more live nodes, checks that each sets
    /// `cluster.link.enabled` to true (the portal's default is false).
    /// Live nodes none of which enables Cluster Link and which do not all
    /// share one database are taken for separate portals (`dev/` and
    /// `prod/` side by side), not a cluster, unless the manifest names
    /// them live nodes.
    ///
    /// ## Why is this bad?
    /// Without Cluster Link the nodes do not tell each other about changes:
    /// caches and search indexes go stale on every node but the one that
    /// received a publication, and users see different content depending on
    /// where the balancer sends them.
    ///
    /// ## Example
    /// ```properties
    /// # app2/portal-ext.properties
    /// cluster.link.enabled=false
    /// ```
    ///
    /// ## How to fix
    /// ```properties
    /// cluster.link.enabled=true
    /// ```
    id: "liferay/cluster-link-disabled",
    severity: Warning,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let live = with_role(cx.cluster, Role::Live);
    let count = live.len();
    if count < 2 || separate_portals(cx.cluster) {
        return;
    }
    for (node, liferay) in live {
        let property = liferay.property(CLUSTER_LINK_ENABLED);
        if property.is_some_and(crate::model::liferay::PortalProperty::as_bool) {
            continue;
        }
        let (span, label) = match property {
            Some(p) => (p.value_span, "read as false"),
            None => (liferay.anchor(), "not set in this file (default false)"),
        };
        cx.report(
            Diagnostic::new(span, format!("live node `{}` does not enable Cluster Link, though the live cluster has {count} nodes", node.name))
                .label(label)
                .help(format!("set `{CLUSTER_LINK_ENABLED}=true` on every live node")),
        );
    }
}
