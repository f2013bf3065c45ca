//! `clusterlint lsp`: the language server. Editors get the findings of
//! the whole cluster a document belongs to, in every file they involve,
//! while typing.
//!
//! - [`transport`]: stdio framing that survives malformed input.
//! - [`server`]: lifecycle, open documents, when clusters are checked and
//!   what is published.
//! - [`clusters`]: the clusters held in memory, buffers over the disk.
//! - [`protocol`]: the library's values as `lsp_types` values.
//! - [`uri`]: `file:` URIs and paths.

pub mod clusters;
pub mod protocol;
pub mod server;
pub mod transport;
pub mod uri;

pub use server::{Ended, serve};

/// Serves one editor session on stdin and stdout; how it ended.
#[must_use]
pub fn run_stdio() -> Ended {
    let (connection, threads) = transport::stdio();
    let ended = serve(&connection);
    drop(connection);
    threads.join();
    ended
}
