//! Walking a folder's tree as git sees it: hidden files and the files
//! `.gitignore` leaves out are skipped, links are not followed.

use std::path::Path;

/// A walker over `root`, files sorted by name. The ignore files of the
/// folders above `root` apply, unless they ignore `root` itself: a folder
/// the user names is read even where the repository ignores it (generated
/// clusters under `target/`).
#[must_use]
pub fn tree(root: &Path) -> ignore::WalkBuilder {
    let mut walker = ignore::WalkBuilder::new(root);
    walker
        .follow_links(false)
        .sort_by_file_name(Ord::cmp)
        .parents(!ignored_by_parents(root));
    walker
}

/// Whether the ignore files above `root` leave it out: a walk of its
/// parent, one level deep, does not yield it.
fn ignored_by_parents(root: &Path) -> bool {
    let Some(parent) = root.parent().filter(|p| !p.as_os_str().is_empty()) else {
        return false;
    };
    let Some(name) = root.file_name() else {
        return false;
    };
    // A hidden folder is one the user chose to name; only ignore files
    // decide here.
    let yielded = ignore::WalkBuilder::new(parent)
        .max_depth(Some(1))
        .hidden(false)
        .follow_links(false)
        .build()
        .flatten()
        .any(|entry| entry.depth() == 1 && entry.file_name() == name);
    !yielded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_folder_is_read_though_its_repository_ignores_it() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path();
        std::fs::create_dir(repo.join(".git")).unwrap();
        std::fs::write(repo.join(".gitignore"), "/out\n*.log\n").unwrap();
        std::fs::create_dir_all(repo.join("out/lb")).unwrap();
        std::fs::write(repo.join("out/lb/nginx.conf"), "events {}\n").unwrap();
        std::fs::write(repo.join("out/lb/debug.log"), "x\n").unwrap();
        let names = |root: &Path| -> Vec<String> {
            tree(root)
                .build()
                .flatten()
                .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(names(&repo.join("out")), ["debug.log", "nginx.conf"]);
        // From the repository's root the ignored folder stays out.
        assert!(names(repo).is_empty());
        // A folder inside an ignored one (`target/bench/x` under `target/`).
        std::fs::write(repo.join(".gitignore"), "out/\n").unwrap();
        std::fs::create_dir_all(repo.join("out/bench/x/lb")).unwrap();
        std::fs::write(repo.join("out/bench/x/lb/nginx.conf"), "events {}\n").unwrap();
        assert_eq!(names(&repo.join("out/bench/x")), ["nginx.conf"]);
    }
}
