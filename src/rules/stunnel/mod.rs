//! `stunnel`: the encrypted links between the Gluu nodes and Redis. A
//! client tunnel on each node accepts plain text locally and connects,
//! with TLS, to the server tunnel on the Redis host, which connects to
//! Redis. Where a tunnel's `connect` leads is the model's to say
//! ([`crate::model::stunnel`]); each rule is one file.

pub mod cert_missing;
pub mod client_mode_missing;
pub mod client_target_mismatch;
pub mod peer_not_verified;
pub mod pid_clash;
pub mod server_target_mismatch;

use crate::model::stunnel::Tunnel;

/// `[name]`, or "the service" in inetd mode.
pub(crate) fn service_name(tunnel: &Tunnel) -> String {
    if tunnel.name.is_empty() {
        "the service".to_string()
    } else {
        format!("`[{}]`", tunnel.name)
    }
}
