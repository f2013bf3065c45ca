//! `gluu`: a multi-master Gluu cluster behind a proxy. Each node's
//! `setup.properties` is a copy of the first node's with its own `ip`;
//! csync2 keeps files alike between the nodes.

pub mod balancer_on_gluu_node;
pub mod csync2_config_divergent;
pub mod csync2_host_not_hostname;
pub mod csync2_hosts_incomplete;
pub mod csync2_key_missing;
pub mod hostname_mismatch;
pub mod hostname_mismatch_balancer;
pub mod redis_on_balancer;
pub mod setup_ip_not_updated;
pub mod setup_properties_divergent;

use crate::model::gluu::GluuSetup;
use crate::model::{Cluster, Role};

/// Keys each node sets to its own value.
pub(crate) const PER_NODE_KEYS: &[&str] = &["ip"];

/// The setup files of the Gluu nodes, by node name.
pub(crate) fn gluu_setups(cluster: &Cluster) -> Vec<&GluuSetup> {
    cluster
        .gluu
        .setups
        .iter()
        .filter(|s| cluster.node(s.node).has_role(Role::Gluu))
        .collect()
}
