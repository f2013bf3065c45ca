//! `liferay`: remote staging in a clustered portal; each rule is one file.
//! The portal's semantics the rules share (property names,
//! TunnelAuthVerifier PIDs, key derivation, allowed hosts, database
//! identity, OSGi PIDs) live in the model's Liferay view,
//! [`crate::model::liferay`]; what stays here reports findings.

pub mod cluster_link_disabled;
pub mod cluster_link_inconsistent;
pub mod document_store_not_shared;
pub mod duplicate_property;
pub mod ipv6_needs_ipv6_stack;
pub mod live_database_differs;
pub mod osgi_cfg_ignored;
pub mod osgi_config_pid_typo;
pub mod remote_live_target;
pub mod session_not_sticky;
pub mod staging_shares_live_database;
pub mod tunnel_hosts_bracketed_ipv6;
pub mod tunnel_hosts_empty;
pub mod tunnel_hosts_invalid;
pub mod tunnel_hosts_missing_staging;
pub mod tunnel_https_not_required;
pub mod tunnel_key_length;
pub mod tunnel_secret_hex_mismatch;
pub mod tunnel_secret_mismatch;
pub mod tunnel_secret_missing;
pub mod tunnel_secret_not_hex;
pub mod tunnel_secret_weak;
pub mod tunnel_verifier_disabled;
pub mod tunnel_verifier_hosts_missing_staging;
pub mod tunnel_verifier_inconsistent;
pub mod tunnel_verifier_policy;

use crate::model::liferay::LiferayNode;
use crate::model::liferay::tunnel::remote_staging_in_use;
use crate::model::{Node, Role};
use crate::rules::RuleContext;

/// The staging servers. When remote staging is configured but no node is
/// known to be the staging server, reports `core/unresolved-role`.
pub(crate) fn staging_nodes<'a>(cx: &mut RuleContext<'a>) -> Vec<&'a Node> {
    let cluster = cx.cluster;
    let staging: Vec<&Node> = cluster.nodes_with(Role::Staging).collect();
    if staging.is_empty() && remote_staging_in_use(cluster) {
        let anchor = cluster
            .nodes
            .iter()
            .find_map(|n| cluster.liferay.node(n.id))
            .map(LiferayNode::anchor);
        if let Some(anchor) = anchor {
            cx.unresolved_role(Role::Staging, anchor);
        }
    }
    staging
}
