//! The portals of the cluster: which nodes run one in which role, and
//! whether the live ones are nodes of one cluster.

use crate::model::liferay::{LiferayNode, PortalProperty, database};
use crate::model::{Cluster, Node, Role, RoleSource};

pub(crate) const CLUSTER_LINK_ENABLED: &str = "cluster.link.enabled";

/// Nodes of `role` that have Liferay files, by name.
pub(crate) fn with_role(cluster: &Cluster, role: Role) -> Vec<(&Node, &LiferayNode)> {
    cluster
        .nodes_with(role)
        .filter_map(|n| Some((n, cluster.liferay.node(n.id)?)))
        .collect()
}

/// Whether the live nodes look like separate portals rather than one
/// cluster: none enables Cluster Link and they do not all use one shared
/// database (`dev/` and `prod/` folders side by side), and no manifest
/// says they are live nodes of one cluster. Cluster rules then say
/// nothing of them.
pub(crate) fn separate_portals(cluster: &Cluster) -> bool {
    let live = with_role(cluster, Role::Live);
    if live.len() < 2
        || live.iter().any(|(node, _)| {
            node.roles
                .iter()
                .any(|(r, source)| *r == Role::Live && matches!(source, RoleSource::Manifest(_)))
        })
    {
        return false;
    }
    let linked = live.iter().any(|(_, l)| {
        l.property(CLUSTER_LINK_ENABLED)
            .is_some_and(PortalProperty::as_bool)
    });
    if linked {
        return false;
    }
    let databases: Vec<database::Identity> =
        live.iter().map(|(_, l)| database::of(l).identity).collect();
    databases.contains(&database::Identity::Local) || databases.windows(2).any(|w| w[0] != w[1])
}
