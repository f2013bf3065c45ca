//! `redis`: the shared cache the Gluu nodes reach through stunnel.

pub mod bind_all_interfaces;
pub mod no_password;
pub mod protected_mode_off;
pub mod replica_auth_missing;
pub mod sentinel_auth_mismatch;
pub mod sentinel_master_unknown;
