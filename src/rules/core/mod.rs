//! `core`: problems with the input itself, always on.

pub mod include_cycle;
pub mod include_glob_empty;
pub mod include_not_found;
pub mod layout_uncertain;
pub mod manifest_error;
pub mod parse_error;
pub mod unreadable_file;
pub mod unresolved_address;
pub mod unresolved_role;
pub mod unused_suppression;
