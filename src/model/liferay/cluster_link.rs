//! Cluster Link: which of its settings the nodes of one cluster must share,
//! and what each node's setting amounts to.
//!
//! The portal opens one JGroups control channel and one or more transport
//! channels (`cluster.link.channel.*.transport.N`). Two nodes meet only when
//! their channels have the same name (the JGroups cluster name) and the
//! same transport protocol (UDP multicast by default; TCP with `tcp.xml`);
//! on UDP, the same multicast groups. The logic names
//! (`cluster.link.channel.logic.name.*`), the bind addresses and
//! `cluster.link.autodetect.address` are the node's own and may differ.

use crate::model::liferay::LiferayNode;
use crate::source::Span;

pub(crate) const CHANNEL_NAME: &str = "cluster.link.channel.name.";
pub(crate) const CHANNEL_PROPERTIES: &str = "cluster.link.channel.properties.";
pub(crate) const SYSTEM_PROPERTIES: &str = "cluster.link.channel.system.properties";

/// The multicast groups of the default UDP stacks, with the portal's
/// defaults (`portal.properties`).
const MULTICAST: &[(&str, &str)] = &[
    (
        r#"multicast.group.address["cluster-link-control"]"#,
        "239.255.0.1",
    ),
    (r#"multicast.group.port["cluster-link-control"]"#, "23301"),
    (
        r#"multicast.group.address["cluster-link-udp"]"#,
        "239.255.0.2",
    ),
    (r#"multicast.group.port["cluster-link-udp"]"#, "23302"),
    (
        r#"multicast.group.address["cluster-link-mping"]"#,
        "239.255.0.3",
    ),
    (r#"multicast.group.port["cluster-link-mping"]"#, "23303"),
];

/// One setting the nodes must share, as one node has it.
#[derive(Clone, Debug)]
pub(crate) struct Shared {
    /// What must be equal across nodes.
    pub compared: String,
    /// What the node uses, for messages (never a secret: names, protocols,
    /// multicast groups).
    pub description: String,
    /// Where it is set; `None` when the portal's default applies.
    pub span: Option<Span>,
}

/// The keys to compare across `nodes`: the control channel's and the first
/// transport channel's name and stack, the transport channels any node
/// adds, the JGroups system properties' multicast settings, and the
/// multicast groups when every node runs the default UDP stack.
pub(crate) fn keys(nodes: &[&LiferayNode]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for prefix in [CHANNEL_NAME, CHANNEL_PROPERTIES] {
        keys.push(format!("{prefix}control"));
        keys.push(format!("{prefix}transport.0"));
    }
    for node in nodes {
        for prefix in [CHANNEL_NAME, CHANNEL_PROPERTIES] {
            for key in node.keys_with_prefix(&format!("{prefix}transport.")) {
                if !keys.iter().any(|k| k == key) {
                    keys.push(key.to_string());
                }
            }
        }
    }
    keys.push(SYSTEM_PROPERTIES.to_string());
    let all_udp = nodes.iter().all(|n| {
        setting(n, &format!("{CHANNEL_PROPERTIES}control"))
            .is_some_and(|s| s.compared.starts_with("UDP"))
    });
    if all_udp {
        keys.extend(MULTICAST.iter().map(|(k, _)| (*k).to_string()));
    }
    keys
}

/// What `key` amounts to on `node`; `None` when it cannot be compared
/// (a stack whose protocol the value does not tell, a transport channel
/// the node does not define).
pub(crate) fn setting(node: &LiferayNode, key: &str) -> Option<Shared> {
    let property = node.property(key);
    let value = property.map(|p| p.value.trim());
    let span = property.map(|p| p.value_span);
    if let Some(suffix) = key.strip_prefix(CHANNEL_NAME) {
        let name = match value {
            Some(v) if !v.is_empty() => v.to_string(),
            Some(_) => return None,
            None => default_channel_name(suffix)?,
        };
        return Some(Shared {
            description: format!("channel name `{name}`"),
            compared: name,
            span,
        });
    }
    if let Some(suffix) = key.strip_prefix(CHANNEL_PROPERTIES) {
        return match value {
            None if suffix == "control" || suffix == "transport.0" => Some(Shared {
                compared: "UDP".to_string(),
                description: "the default UDP multicast stack".to_string(),
                span: None,
            }),
            None => None,
            Some(v) => {
                let (compared, description) = stack(v)?;
                Some(Shared {
                    compared,
                    description,
                    span,
                })
            }
        };
    }
    if key == SYSTEM_PROPERTIES {
        let value = value?;
        let mut pairs: Vec<String> = value
            .split(',')
            .filter_map(|pair| {
                let (k, v) = pair.split_once([':', '='])?;
                let k = k.trim();
                k.contains("mcast").then(|| format!("{k}:{}", v.trim()))
            })
            .collect();
        if pairs.is_empty() {
            return None;
        }
        pairs.sort();
        let joined = pairs.join(",");
        return Some(Shared {
            description: format!("multicast settings `{joined}`"),
            compared: joined,
            span,
        });
    }
    let default = MULTICAST.iter().find(|(k, _)| *k == key)?.1;
    let value = match value {
        Some(v) if !v.is_empty() => v,
        Some(_) => return None,
        None => default,
    };
    Some(Shared {
        compared: value.to_string(),
        description: if property.is_some() {
            format!("`{value}`")
        } else {
            format!("the default `{value}`")
        },
        span,
    })
}

/// The channel name the portal uses when none is set.
fn default_channel_name(suffix: &str) -> Option<String> {
    match suffix {
        "control" => Some("liferay-channel-control".to_string()),
        "transport.0" => Some("liferay-channel-transport-0".to_string()),
        _ => None,
    }
}

/// The transport protocol of a channel's stack, with the multicast group
/// of an inline UDP stack; `None` when the value does not tell (a file
/// whose name says neither `tcp` nor `udp`).
fn stack(value: &str) -> Option<(String, String)> {
    if value.contains('(') {
        // An inline stack: `UDP(mcast_addr=...;mcast_port=...):PING(...):...`.
        let first = value.split("):").next().unwrap_or(value);
        let (protocol, attributes) = first.split_once('(')?;
        let protocol = protocol.trim().to_ascii_uppercase();
        if protocol.is_empty() {
            return None;
        }
        let mut group: Vec<String> = attributes
            .trim_end_matches(')')
            .split(';')
            .filter_map(|a| {
                let (k, v) = a.split_once('=')?;
                let k = k.trim();
                matches!(k, "mcast_addr" | "mcast_port").then(|| format!("{k}={}", v.trim()))
            })
            .collect();
        group.sort();
        let compared = if group.is_empty() {
            protocol.clone()
        } else {
            format!("{protocol} {}", group.join(" "))
        };
        let description = format!("an inline {compared} stack");
        return Some((compared, description));
    }
    let name = value
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(value)
        .to_ascii_lowercase();
    let protocol = if name.contains("tcp") {
        "TCP"
    } else if name.contains("udp") {
        "UDP"
    } else {
        return None;
    };
    Some((
        protocol.to_string(),
        format!("a {protocol} stack (`{value}`)"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacks() {
        assert_eq!(stack("tcp.xml").unwrap().0, "TCP");
        assert_eq!(
            stack("/opt/liferay/jgroups/TCP-jdbc-ping.xml").unwrap().0,
            "TCP"
        );
        assert_eq!(stack("udp_control.xml").unwrap().0, "UDP");
        assert_eq!(stack("jgroups.xml"), None);
        assert_eq!(
            stack(
                "UDP(bind_addr=10.0.0.1;mcast_addr=239.255.0.1;mcast_port=23301):PING(timeout=2000)"
            )
            .unwrap()
            .0,
            "UDP mcast_addr=239.255.0.1 mcast_port=23301"
        );
        assert_eq!(
            stack("TCP(bind_port=7800):TCPPING(initial_hosts=a[7800])")
                .unwrap()
                .0,
            "TCP"
        );
    }
}
