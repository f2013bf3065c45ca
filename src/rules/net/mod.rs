//! `net`: addresses, ports and names across every format.

pub mod hosts_inconsistent;
pub mod invalid_address;
pub mod port_conflict;
