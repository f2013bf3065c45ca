//! `nginx`: the load balancer in front of the cluster; each rule is one
//! file. Which role an upstream balances (inferred from the nodes its
//! servers' addresses belong to), which upstreams `proxy_pass` uses and
//! which `location` serves a URI are the model's to say:
//! [`crate::model::nginx`].

pub mod proxy_pass_unknown_upstream;
pub mod redirect_host_mismatch;
pub mod ssl_listen_missing;
pub mod ssl_on_deprecated;
pub mod sticky_session_missing;
pub mod upstream_health_inconsistent;
pub mod upstream_missing_node;
pub mod upstream_unknown_server;
