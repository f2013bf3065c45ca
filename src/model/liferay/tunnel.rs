//! The remote-staging tunnel between the staging server and the live
//! nodes: the portal properties and TunnelAuthVerifier configurations that
//! set up its ends, and the key the portal derives from the shared secret.

use crate::model::liferay::{LiferayNode, OsgiConfig, PortalProperty};
use crate::model::{Cluster, Node, Role};

pub(crate) const SECRET: &str = "tunneling.servlet.shared.secret";
pub(crate) const SECRET_HEX: &str = "tunneling.servlet.shared.secret.hex";
pub(crate) const ALGORITHM: &str = "tunneling.servlet.encryption.algorithm";
pub(crate) const HOSTS_ALLOWED: &str = "tunnel.servlet.hosts.allowed";
pub(crate) const HTTPS_REQUIRED: &str = "tunnel.servlet.https.required";

/// The TunnelAuthVerifier factory PIDs, older and newer.
pub(crate) const TUNNEL_VERIFIER_PIDS: &[&str] = &[
    "com.liferay.portal.security.auth.verifier.tunnel.module.configuration.TunnelAuthVerifierConfiguration",
    "com.liferay.portal.security.auth.verifier.internal.tunnel.configuration.TunnelAuthVerifierConfiguration",
];

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
