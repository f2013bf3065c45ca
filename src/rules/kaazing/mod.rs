//! `kaazing`: KAAZING Gateway clusters and Enterprise Shield pairs; each
//! rule is one file. Which gateways are members of one cluster (the
//! gateways of one role, DMZ, internal or plain, that have a `<cluster>`)
//! is the model's to say: `model::kaazing::membership`.

pub mod accept_duplicate;
pub mod backplane_pair_mismatch;
pub mod balance_without_balancer;
pub mod balancer_accept_divergent;
pub mod cluster_accept_not_local;
pub mod cluster_connect_mismatch;
pub mod cluster_connect_not_multicast;
pub mod cluster_name_mismatch;
pub mod cross_site_allow_all;
pub mod dmz_without_cluster;
pub mod duplicate_cluster_name;
pub mod duplicate_cluster_port;
pub mod member_address_duplicate;
pub mod schema_invalid;
pub mod tcp_bind_mismatch;
pub mod undefined_property;
pub mod unknown_element;
pub mod unsupported_namespace;
