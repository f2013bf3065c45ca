//! Which cluster a single file belongs to, for tools handed files rather
//! than cluster roots (a pre-commit hook, an editor): the nearest folder
//! upward that holds a `clusterlint.toml`, else the root of the git
//! repository the file is in.

use std::path::{Path, PathBuf};

use crate::manifest;

/// What the walk up from a file found first.
enum Found {
    Manifest(PathBuf),
    GitRoot(PathBuf),
}

/// Walks up from `file` (a file or folder, absolute or relative to the
/// current directory) to the first folder with a manifest or a `.git`.
fn walk_up(file: &Path) -> Option<Found> {
    let file = std::path::absolute(file).ok()?;
    let start = if file.is_dir() {
        Some(file.as_path())
    } else {
        file.parent()
    };
    for folder in start?.ancestors() {
        if folder.join(manifest::FILE_NAME).is_file() {
            return Some(Found::Manifest(folder.to_path_buf()));
        }
        // `.git` is a folder, or a file in worktrees and submodules.
        if folder.join(".git").exists() {
            return Some(Found::GitRoot(folder.to_path_buf()));
        }
    }
    None
}

/// The cluster root of `file`, or `None` when no folder above it holds a
/// manifest and it is in no git repository.
#[must_use]
pub fn cluster_root_of(file: &Path) -> Option<PathBuf> {
    match walk_up(file)? {
        Found::Manifest(root) | Found::GitRoot(root) => Some(root),
    }
}

/// The nearest folder at or above `file` holding a `clusterlint.toml`,
/// looking no higher than the git repository `file` is in.
#[must_use]
pub fn manifest_root_of(file: &Path) -> Option<PathBuf> {
    match walk_up(file)? {
        Found::Manifest(root) => Some(root),
        Found::GitRoot(_) => None,
    }
}

/// `path` relative to `base` when it lies inside it (`.` for `base`
/// itself), else `path` unchanged; `/` separators.
#[must_use]
pub fn display_relative(path: &Path, base: &Path) -> String {
    match path.strip_prefix(base) {
        Ok(rest) if rest.as_os_str().is_empty() => ".".to_string(),
        Ok(rest) => slashes(rest),
        Err(_) => slashes(path),
    }
}

fn slashes(path: &Path) -> String {
    if path.has_root() {
        return path.to_string_lossy().into_owned();
    }
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_manifest_wins_then_the_repository() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("prod/app1")).unwrap();
        std::fs::create_dir_all(root.join("loose/app1")).unwrap();
        std::fs::write(root.join("prod").join(manifest::FILE_NAME), "").unwrap();
        let file = root.join("prod/app1/portal-ext.properties");
        std::fs::write(&file, "a=1\n").unwrap();
        assert_eq!(cluster_root_of(&file).unwrap(), root.join("prod"));
        assert_eq!(cluster_root_of(&root.join("loose/app1/x")).unwrap(), root);
        assert_eq!(
            cluster_root_of(&root.join("prod")).unwrap(),
            root.join("prod")
        );
    }

    #[test]
    fn paths_are_shown_from_the_current_folder() {
        assert_eq!(
            display_relative(Path::new("/a/b/c"), Path::new("/a")),
            "b/c"
        );
        assert_eq!(display_relative(Path::new("/a"), Path::new("/a")), ".");
        assert_eq!(display_relative(Path::new("/x/y"), Path::new("/a")), "/x/y");
    }
}
