//! Opening the cluster's files safely: a FIFO or a device is refused
//! without blocking, and a file swapped for a link after the tree was
//! listed is not followed out of the tree.

use std::fs::{File, Metadata, OpenOptions};
use std::io;
use std::path::Path;

/// Opens the regular file at `path` (not following a link at its last
/// component) and returns it with its metadata; anything else is an error
/// that says what it is.
pub fn open_regular(path: &Path) -> io::Result<(File, Metadata)> {
    open_regular_within(path, None)
}

/// [`open_regular`], and the file opened must be inside the folder `root`
/// (a real path): a folder on the way swapped for a link out of the tree
/// since it was listed is caught after the open, where no further swap
/// can change what was opened.
pub fn open_regular_within(path: &Path, root: Option<&Path>) -> io::Result<(File, Metadata)> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        // Not blocking on a FIFO with no writer; not following a link
        // put in the file's place since the tree was listed.
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    }
    let file = options.open(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(io::Error::other(kind_of(&metadata)));
    }
    if let Some(root) = root
        && !opened_inside(&file, &metadata, path, root)
    {
        return Err(io::Error::other(
            "this file is outside the cluster's folder (a folder on its path was replaced by a link while it was read); it is not read",
        ));
    }
    Ok((file, metadata))
}

/// Whether the open `file` is inside `root`: by the path the kernel gives
/// the open file, or where there is none, by the real path of `path` being
/// inside and the same file.
fn opened_inside(file: &File, metadata: &Metadata, path: &Path, root: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd as _;
        if let Ok(real) = std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd())) {
            return real.starts_with(root);
        }
    }
    let _ = file;
    let Ok(real) = std::fs::canonicalize(path) else {
        return false;
    };
    real.starts_with(root) && std::fs::metadata(&real).is_ok_and(|m| same_file(&m, metadata))
}

fn same_file(a: &Metadata, b: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        a.dev() == b.dev() && a.ino() == b.ino()
    }
    #[cfg(not(unix))]
    {
        a.len() == b.len() && a.modified().ok() == b.modified().ok()
    }
}

/// The bytes of the regular file at `path`, at most `max` of them (more is
/// an error).
pub fn read_regular(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    use std::io::Read as _;
    let (file, metadata) = open_regular(path)?;
    if metadata.len() > max {
        return Err(io::Error::other(format!("over {max} bytes")));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(io::Error::other(format!("over {max} bytes")));
    }
    Ok(bytes)
}

/// What a file that is not a regular file is, in words.
#[must_use]
pub fn kind_of(metadata: &Metadata) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        let kind = metadata.file_type();
        if kind.is_fifo() {
            return "a named pipe (FIFO), not a regular file; it is not read".to_string();
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device, not a regular file; it is not read".to_string();
        }
        if kind.is_socket() {
            return "a socket, not a regular file; it is not read".to_string();
        }
    }
    if metadata.is_dir() {
        return "a folder, not a file".to_string();
    }
    "not a regular file; it is not read".to_string()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("redis.conf");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            return;
        }
        let error = open_regular(&fifo).unwrap_err();
        assert!(error.to_string().contains("FIFO"), "{error}");
        // Behind a link too: the link is not followed.
        let link = dir.path().join("nginx.conf");
        std::os::unix::fs::symlink(&fifo, &link).unwrap();
        assert!(open_regular(&link).is_err());
        // A regular file opens.
        let file = dir.path().join("a.conf");
        std::fs::write(&file, "x").unwrap();
        assert!(open_regular(&file).is_ok());
    }

    /// A folder on the path swapped for a link out of the root: the file
    /// behind it is not read.
    #[cfg(unix)]
    #[test]
    fn a_folder_swapped_for_a_link_out_of_the_root_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("cluster");
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(root.join("lb")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(root.join("lb/nginx.conf"), "inside").unwrap();
        std::fs::write(outside.join("nginx.conf"), "outside").unwrap();
        let root = std::fs::canonicalize(&root).unwrap();
        let path = root.join("lb/nginx.conf");
        assert!(open_regular_within(&path, Some(&root)).is_ok());
        std::fs::remove_dir_all(root.join("lb")).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("lb")).unwrap();
        let error = open_regular_within(&path, Some(&root)).unwrap_err();
        assert!(error.to_string().contains("outside the cluster"), "{error}");
        // Without a root to keep to, the link is followed as before.
        assert!(open_regular(&path).is_ok());
    }
}
