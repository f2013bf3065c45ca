//! `liferay`: remote staging in a clustered portal. Shared knowledge of the
//! portal (property names, TunnelAuthVerifier PIDs, key derivation) lives
//! here and in the helper modules; each rule is one file.

pub mod cluster_link_disabled;
pub mod duplicate_property;
pub mod ipv6_needs_ipv6_stack;
pub mod live_database_differs;
pub mod osgi_cfg_ignored;
pub mod osgi_config_pid_typo;
pub mod remote_live_target;
pub mod staging_shares_live_database;
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

pub(crate) mod database;
pub(crate) mod hosts_allowed;
pub(crate) mod pids;

use crate::model::liferay::{LiferayNode, OsgiConfig, PortalProperty};
use crate::model::{Cluster, Node, Role};
use crate::rules::RuleContext;

pub(crate) const SECRET: &str = "tunneling.servlet.shared.secret";
pub(crate) const SECRET_HEX: &str = "tunneling.servlet.shared.secret.hex";
pub(crate) const ALGORITHM: &str = "tunneling.servlet.encryption.algorithm";
pub(crate) const HOSTS_ALLOWED: &str = "tunnel.servlet.hosts.allowed";
pub(crate) const HTTPS_REQUIRED: &str = "tunnel.servlet.https.required";
pub(crate) const CLUSTER_LINK_ENABLED: &str = "cluster.link.enabled";

/// The TunnelAuthVerifier factory PIDs, older and newer.
pub(crate) const TUNNEL_VERIFIER_PIDS: &[&str] = &[
    "com.liferay.portal.security.auth.verifier.tunnel.module.configuration.TunnelAuthVerifierConfiguration",
    "com.liferay.portal.security.auth.verifier.internal.tunnel.configuration.TunnelAuthVerifierConfiguration",
];

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
            node.roles.iter().any(|(r, source)| {
                *r == Role::Live && matches!(source, crate::model::RoleSource::Manifest(_))
            })
        })
    {
        return false;
    }
    let linked = live.iter().any(|(_, l)| {
        l.property(CLUSTER_LINK_ENABLED)
            .is_some_and(crate::model::liferay::PortalProperty::as_bool)
    });
    if linked {
        return false;
    }
    let databases: Vec<database::Identity> =
        live.iter().map(|(_, l)| database::of(l).identity).collect();
    databases.contains(&database::Identity::Local) || databases.windows(2).any(|w| w[0] != w[1])
}

/// The staging server and the live nodes, by name.
pub(crate) fn tunnel_nodes(cluster: &Cluster) -> Vec<(&Node, &LiferayNode)> {
    cluster
        .nodes
        .iter()
        .filter(|n| n.has_role(Role::Staging) || n.has_role(Role::Live))
        .filter_map(|n| Some((n, cluster.liferay.node(n.id)?)))
        .collect()
}

/// The TunnelAuthVerifier configurations of a node.
pub(crate) fn tunnel_verifiers(node: &LiferayNode) -> impl Iterator<Item = &OsgiConfig> {
    node.configs_for(TUNNEL_VERIFIER_PIDS)
}

/// Whether any node is set up for remote staging (tunnel settings or a
/// staging role), so that a missing staging server is worth reporting.
pub(crate) fn remote_staging_in_use(cluster: &Cluster) -> bool {
    cluster.nodes_with(Role::Staging).next().is_some()
        || cluster
            .nodes
            .iter()
            .filter_map(|n| cluster.liferay.node(n.id))
            .any(|l| {
                l.property(SECRET).is_some()
                    || l.property(HOSTS_ALLOWED).is_some()
                    || tunnel_verifiers(l).next().is_some()
            })
}

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

/// `Validator.isNull`: no value, only spaces, or the word `null`.
pub(crate) fn is_null(value: &str) -> bool {
    let squeezed: String = value.chars().filter(|&c| c != ' ').collect();
    squeezed.is_empty() || squeezed == "null"
}

/// The shared secret, if the portal considers it set.
pub(crate) fn secret(node: &LiferayNode) -> Option<&PortalProperty> {
    node.property(SECRET).filter(|p| !is_null(&p.value))
}

/// Whether the secret is to be hex-decoded (`false` when unset).
pub(crate) fn hex_enabled(node: &LiferayNode) -> bool {
    node.property(SECRET_HEX)
        .is_some_and(PortalProperty::as_bool)
}

/// Decodes hex as `StringUtil.hexStringToBytes` does; `None` if the text
/// has an odd length or a character that is not a hex digit.
pub(crate) fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks(2)
        .map(|pair| {
            let hi = char::from(pair[0]).to_digit(16)?;
            let lo = char::from(pair[1]).to_digit(16)?;
            Some((hi * 16 + lo) as u8)
        })
        .collect()
}

/// The key bytes the portal derives from the secret: hex-decoded when
/// `.hex` is true, else the secret's bytes. `None` when there is no secret
/// or its hex is invalid.
pub(crate) fn key_bytes(node: &LiferayNode) -> Option<Vec<u8>> {
    let secret = secret(node)?;
    if hex_enabled(node) {
        decode_hex(&secret.value)
    } else {
        Some(secret.value.as_bytes().to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_like_validator() {
        for v in ["", "   ", "null", "n u l l"] {
            assert!(is_null(v), "{v:?}");
        }
        for v in ["NULL", "x", "\t"] {
            assert!(!is_null(v), "{v:?}");
        }
    }

    #[test]
    fn hex() {
        assert_eq!(decode_hex("0aFF"), Some(vec![10, 255]));
        assert_eq!(decode_hex("abc"), None);
        assert_eq!(decode_hex("zz"), None);
    }
}
