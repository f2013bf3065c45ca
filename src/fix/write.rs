//! Writing a planned file change to disk: re-read the file, check it is
//! still what was linted, encode the new text as the file's reader decodes
//! it, write a temporary file beside it with the same permissions, and
//! rename it over the original, so a crash leaves the old file or the new
//! one, never half of each.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::FileChange;
use crate::formats::decode::{self, Encoding};

/// What happened to one file of the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The file was rewritten (and renamed to `renamed_to`, if set).
    Written {
        path: String,
        renamed_to: Option<String>,
        fixes: usize,
    },
    /// The file was left untouched.
    Failed { path: String, reason: String },
}

pub(super) fn write(
    root: &Path,
    change: &FileChange,
    linted: &str,
    text: &str,
    encoding: Encoding,
) -> Outcome {
    let failed = |reason: String| Outcome::Failed {
        path: change.path.clone(),
        reason,
    };
    let path = root.join(&change.path);
    match write_text(&path, linted, text, encoding, text != linted) {
        Ok(()) => {}
        Err(reason) => return failed(reason),
    }
    if let Some(to) = &change.rename_to
        && let Err(reason) = rename(&path, &root.join(to))
    {
        return failed(reason);
    }
    Outcome::Written {
        path: change.path.clone(),
        renamed_to: change.rename_to.clone(),
        fixes: change.fix_count(),
    }
}

/// Replaces the file's content with `text`, atomically; checks only when
/// the content does not change.
fn write_text(
    path: &Path,
    linted: &str,
    text: &str,
    encoding: Encoding,
    changes: bool,
) -> Result<(), String> {
    let metadata = fs::symlink_metadata(path).map_err(|e| format!("cannot read it: {e}"))?;
    if metadata.file_type().is_symlink() {
        return Err("it is a symbolic link; fixes are not written through links".to_string());
    }
    if !metadata.is_file() {
        return Err("it is not a regular file".to_string());
    }
    if !changes {
        return Ok(());
    }
    if metadata.permissions().readonly() {
        return Err("it is read-only".to_string());
    }
    let bytes =
        crate::disk::read_regular(path, u64::MAX).map_err(|e| format!("cannot read it: {e}"))?;
    let encode_back = original_encoding(&bytes, encoding, linted)?;
    let new_bytes = encode_back(text)?;
    let temporary = temporary_path(path);
    let result = write_new(&temporary, &new_bytes, &metadata).and_then(|()| {
        crash_if_asked();
        fs::rename(&temporary, path).map_err(|e| format!("cannot replace it: {e}"))
    });
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result
}

type Encoder = fn(&str) -> Result<Vec<u8>, String>;

/// How to turn text back into the file's bytes, after checking the file
/// on disk still decodes to the text that was linted.
fn original_encoding(bytes: &[u8], encoding: Encoding, linted: &str) -> Result<Encoder, String> {
    let changed = || "it changed on disk since it was checked".to_string();
    let (decoded, _) = decode::decode(bytes.to_vec(), encoding).map_err(|_| changed())?;
    if decoded != linted {
        return Err(changed());
    }
    if bytes == linted.as_bytes() {
        return Ok(|text| Ok(text.as_bytes().to_vec()));
    }
    let latin1 = bytes.iter().map(|&b| char::from(b)).eq(linted.chars());
    if latin1 {
        return Ok(|text| {
            text.chars()
                .map(|c| u8::try_from(u32::from(c)).map_err(|_| format!("the fix writes `{c}`, which this file's ISO-8859-1 encoding cannot hold")))
                .collect()
        });
    }
    Err("it is not valid UTF-8, so it cannot be rewritten without changing other bytes".to_string())
}

/// The environment variable that makes the process die right before its
/// first rename: after writing a file's new content beside it, the worst
/// moment for a crash. The tests use it to prove the original survives.
/// Read only in debug builds and with the `testing` feature.
pub const CRASH_BEFORE_RENAME: &str = "CLUSTERLINT_TEST_CRASH_BEFORE_RENAME";

#[cfg(any(debug_assertions, feature = "testing"))]
fn crash_if_asked() {
    if std::env::var_os(CRASH_BEFORE_RENAME).is_some() {
        std::process::abort();
    }
}

#[cfg(not(any(debug_assertions, feature = "testing")))]
fn crash_if_asked() {}

/// A sibling name no other program uses, so the rename stays on one file
/// system.
fn temporary_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.clusterlint-{}.tmp", std::process::id()))
}

fn write_new(temporary: &Path, bytes: &[u8], original: &fs::Metadata) -> Result<(), String> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    // Created with the original's mode, owner-only at most, so that the
    // new content (secrets of a 0600 file) is never readable by others,
    // not even before the permissions are copied.
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(creation_mode(original));
    }
    let mut file = options
        .open(temporary)
        .map_err(|e| format!("cannot create a file beside it: {e}"))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("cannot write: {e}"))?;
    fs::set_permissions(temporary, original.permissions())
        .map_err(|e| format!("cannot keep its permissions: {e}"))?;
    keep_owner(temporary, original);
    Ok(())
}

/// The mode a new file is created with: the original's owner bits only.
#[cfg(unix)]
fn creation_mode(original: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    original.permissions().mode() & 0o700
}

/// Keeps the owner and group where the process may (as root); elsewhere
/// the new file is the user's own, as with any editor's save.
#[cfg(unix)]
fn keep_owner(temporary: &Path, original: &fs::Metadata) {
    use std::os::unix::fs::MetadataExt as _;
    let _ = std::os::unix::fs::chown(temporary, Some(original.uid()), Some(original.gid()));
}

#[cfg(not(unix))]
fn keep_owner(_: &Path, _: &fs::Metadata) {}

fn rename(from: &Path, to: &Path) -> Result<(), String> {
    if fs::symlink_metadata(to).is_ok() {
        return Err(format!("`{}` already exists", to.display()));
    }
    crash_if_asked();
    fs::rename(from, to).map_err(|e| format!("cannot rename it: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_goes_back_in_the_encoding_it_came_in() {
        let utf8 = original_encoding("é\n".as_bytes(), Encoding::Utf8Strict, "é\n").unwrap();
        assert_eq!(utf8("ü").unwrap(), "ü".as_bytes());
        let latin1 = original_encoding(&[0xe9, b'\n'], Encoding::Latin1, "é\n").unwrap();
        assert_eq!(latin1("ü").unwrap(), vec![0xfc]);
        assert!(latin1("€").is_err());
        assert!(original_encoding(b"a\xff", Encoding::Utf8Bytes, "a\u{fffd}").is_err());
        assert!(original_encoding(b"b", Encoding::Utf8Bytes, "a").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn the_new_content_is_never_readable_by_others() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let original = dir.path().join("redis.conf");
        fs::write(&original, "requirepass a\n").unwrap();
        for mode in [0o600, 0o644, 0o640] {
            fs::set_permissions(&original, fs::Permissions::from_mode(mode)).unwrap();
            let metadata = fs::metadata(&original).unwrap();
            assert_eq!(creation_mode(&metadata) & 0o077, 0);
            let temporary = temporary_path(&original);
            write_new(&temporary, b"requirepass b\n", &metadata).unwrap();
            // In the end the original's mode, as before.
            let written = fs::metadata(&temporary).unwrap().permissions().mode() & 0o777;
            assert_eq!(written, mode);
            fs::remove_file(&temporary).unwrap();
        }
    }
}
