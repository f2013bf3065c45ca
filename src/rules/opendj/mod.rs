//! `opendj`: the directory servers of the Gluu nodes, replicating each
//! other (multi-master replication set up with `dsreplication`).

pub mod admin_connector_local;
pub mod endpoint_identification;
pub mod keystore_divergent;
pub mod replication_port_mismatch;
pub mod replication_server_missing;
pub mod server_id_duplicate;
pub mod ssl_encryption_off;

pub(crate) use crate::model::opendj::{peer_nodes, peer_on_other_host};
