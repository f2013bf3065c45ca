//! `clusterlint check --watch`: check, then check again whenever a file
//! of the checked clusters (or the paths given) changes, until interrupted.
//! Changes are seen by looking at the files' sizes and modification times
//! twice a second: no platform watcher is needed, and a cluster is a few
//! thousand files at most.

use std::collections::BTreeMap;
use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use crate::cli::check::{self, CheckArgs};
use crate::cli::targets;

/// How often the files are looked at.
const POLL: Duration = Duration::from_millis(500);

/// Files looked at, at most: past this, the rest are not watched.
const MOST_FILES: usize = 200_000;

/// What a watched file looked like: its size and modification time.
type Snapshot = BTreeMap<PathBuf, (u64, Option<SystemTime>)>;

/// Checks, then checks again on every change; returns only on an error
/// that stops the watch (a path that does not exist).
pub fn run(args: &CheckArgs) -> ExitCode {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let terminal = std::io::stdout().is_terminal();
    loop {
        // The roots may change too (a manifest added): resolve each time.
        let resolved = targets::resolve(&paths);
        if !resolved.missing.is_empty() {
            return check::run(args);
        }
        let mut watched: Vec<PathBuf> = resolved
            .clusters
            .iter()
            .map(|t| t.root().to_path_buf())
            .collect();
        watched.extend(paths.iter().cloned());
        let before = snapshot(&watched);
        if terminal {
            // Clear the screen for the new report, as `cargo watch -c` does.
            print!("\x1b[2J\x1b[H");
        }
        let _ = check::run(args);
        eprintln!("clusterlint: watching for changes (Ctrl-C stops)");
        let _ = std::io::stdout().flush();
        loop {
            std::thread::sleep(POLL);
            if snapshot(&watched) != before {
                // Let an editor finish writing before checking.
                std::thread::sleep(POLL / 5);
                break;
            }
        }
    }
}

/// Sizes and modification times of the files under `paths`, leaving out
/// version-control and build folders.
fn snapshot(paths: &[PathBuf]) -> Snapshot {
    let mut out = Snapshot::new();
    let mut stack: Vec<PathBuf> = paths.to_vec();
    while let Some(path) = stack.pop() {
        if out.len() >= MOST_FILES {
            break;
        }
        let Ok(metadata) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if metadata.is_dir() {
            if is_skipped(&path) {
                continue;
            }
            if let Ok(entries) = std::fs::read_dir(&path) {
                stack.extend(entries.flatten().map(|e| e.path()));
            }
        } else {
            out.insert(path, (metadata.len(), metadata.modified().ok()));
        }
    }
    out
}

fn is_skipped(dir: &Path) -> bool {
    dir.file_name()
        .is_some_and(|n| matches!(n.to_str(), Some(".git" | "target" | "node_modules")))
}
