//! Where the files a configuration names (nginx and Redis `include`s,
//! stunnel `include` folders, csync2 `config` files, certificates and keys)
//! are in the cluster tree.
//!
//! A node folder holds a node's files in one of two layouts:
//!
//! * **rooted**: the folder mirrors the machine's file system
//!   (`lb/etc/nginx/nginx.conf`), so `/etc/nginx/conf.d/a.conf` is
//!   `lb/etc/nginx/conf.d/a.conf`;
//! * **flat**: the files sit in the node folder (`lb/nginx.conf`), so an
//!   absolute path is mapped when it starts with the program's usual
//!   configuration folder (`/etc/nginx/conf.d/a.conf` is `lb/conf.d/a.conf`);
//!   other absolute paths lie outside what the cluster root holds, and are
//!   only followed when the node folder happens to contain them.
//!
//! Relative paths resolve against a base folder the caller chooses (the
//! configuration prefix for nginx, the including file's folder otherwise).
//! Paths never leave their node folder.

use crate::formats::{Format, ReferenceKind};

use crate::layout::ROOT_FOLDERS;

/// The folders where the program of `format` usually keeps its
/// configuration, for mapping absolute paths in a flat layout.
fn usual_folders(format: Format) -> &'static [&'static str] {
    format.spec().program_paths().usual_folders
}

/// Whether the node path `path` (relative to the node's `/`, no leading
/// `/`) is where the program of `format` reads its main file by default
/// (`etc/nginx/nginx.conf`).
#[must_use]
pub fn is_default_main(format: Format, path: &str) -> bool {
    let names = format.spec().program_paths().main_files;
    usual_folders(format).iter().any(|folder| {
        path.strip_prefix(&folder[1..])
            .is_some_and(|rest| names.contains(&rest))
    })
}

/// Whether a reference of a `format` file may name nothing in the tree
/// without a fault: a file or an include folder the program's package
/// provides.
#[must_use]
pub fn may_be_absent(format: Format, value: &str, kind: ReferenceKind) -> bool {
    let paths = format.spec().program_paths();
    let value = value.trim();
    let relative = paths
        .usual_folders
        .iter()
        .find_map(|folder| value.strip_prefix(*folder))
        .unwrap_or(value);
    match kind {
        ReferenceKind::File => paths.package_files.contains(&relative),
        ReferenceKind::Glob => paths.package_globs.contains(&relative),
        ReferenceKind::Directory => false,
    }
}

/// The candidates for a reference, most likely first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    /// Cluster paths (patterns for globs).
    pub candidates: Vec<String>,
    /// Whether the first candidate is surely where the file must be, so
    /// that finding nothing there is a fault (not a path outside the tree).
    pub certain: bool,
    /// For a node that mirrors a machine's `/`: the top folder the path
    /// lies in (`var/` of `/var/www/x`), which the node must hold for the
    /// path to be judged; a mirror holds only the folders it copied.
    pub mirrored_top: Option<String>,
}

/// Maps `value`, as written in the file at cluster path `including` (whose
/// format is `format`), to cluster paths. `base` is the cluster folder that
/// relative paths start from; `layers` are the node's folders (see
/// [`crate::model::Node::layers`]), the first laid over the others. `None`
/// when the path cannot lie in the tree (it leaves the node, or holds
/// variables).
#[must_use]
pub fn locate(
    value: &str,
    including: &str,
    base: &str,
    format: Format,
    layers: &[String],
    mounts: &[(String, String)],
) -> Option<Located> {
    let value = value.trim();
    if value.is_empty() || value.contains('$') {
        return None;
    }
    // A path the node's container has mounted from the cluster's files.
    if value.starts_with('/')
        && let Some((target, source)) = mounts
            .iter()
            .filter(|(target, _)| {
                value == target
                    || value
                        .strip_prefix(target.as_str())
                        .is_some_and(|r| r.starts_with('/'))
            })
            .max_by_key(|(target, _)| target.len())
    {
        let rest = &value[target.len()..];
        return Some(Located {
            candidates: vec![format!("{source}{rest}")],
            certain: true,
            mirrored_top: None,
        });
    }
    let layer = layers
        .iter()
        .find(|l| l.is_empty() || including.starts_with(&format!("{l}/")))?;
    let inside = if layer.is_empty() {
        including
    } else {
        &including[layer.len() + 1..]
    };
    // The same node path in every layer, the including file's own first.
    let in_layers = |node_path: &str| -> Vec<String> {
        std::iter::once(layer)
            .chain(layers.iter().filter(|l| *l != layer))
            .filter_map(|l| join(l, node_path))
            .collect()
    };
    if let Some(absolute) = value.strip_prefix('/') {
        let rooted = inside
            .split('/')
            .next()
            .is_some_and(|top| ROOT_FOLDERS.contains(&top) && inside.contains('/'));
        if rooted {
            let top = absolute.split('/').next().unwrap_or_default();
            return Some(Located {
                candidates: in_layers(absolute),
                certain: true,
                mirrored_top: join(layer, top),
            });
        }
        let usual = usual_folders(format)
            .iter()
            .filter(|folder| value.starts_with(**folder))
            .max_by_key(|folder| folder.len());
        return Some(match usual {
            Some(folder) => {
                let mapped = join(base, &value[folder.len()..])?;
                let mapped = node_relative(&mapped, layer)?;
                let mut candidates = in_layers(mapped);
                candidates.extend(in_layers(absolute));
                Located {
                    candidates,
                    certain: true,
                    mirrored_top: None,
                }
            }
            None => Located {
                candidates: in_layers(absolute),
                certain: false,
                mirrored_top: None,
            },
        });
    }
    // Redis reads a relative include from its working directory, which
    // the files do not say: the file's folder, the node's, and the
    // program's usual folder are tried, and a miss is no fault.
    if format.spec().program_paths().relative_to_working_dir {
        let mut candidates = Vec::new();
        if let Some(relative) = join(base, value)
            .as_deref()
            .and_then(|j| node_relative(j, layer))
        {
            candidates.extend(in_layers(relative));
        }
        candidates.extend(in_layers(value));
        for folder in usual_folders(format) {
            candidates.extend(in_layers(&format!("{}{value}", &folder[1..])));
        }
        candidates.dedup();
        return Some(Located {
            candidates,
            certain: false,
            mirrored_top: None,
        });
    }
    let joined = join(base, value)?;
    let relative = node_relative(&joined, layer)?;
    Some(Located {
        candidates: in_layers(relative),
        certain: true,
        mirrored_top: None,
    })
}

/// `path` relative to the node folder `layer`, if it lies inside it.
fn node_relative<'a>(path: &'a str, layer: &str) -> Option<&'a str> {
    if layer.is_empty() {
        Some(path)
    } else {
        path.strip_prefix(layer)?.strip_prefix('/')
    }
}

/// The folder part of a cluster path (`""` at the root).
#[must_use]
pub fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// `base/relative` with `.` and `..` resolved; `None` if `..` climbs above
/// the cluster root.
fn join(base: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// The paths of `sorted_paths` a candidate names: the file itself, the
/// glob's matches (sorted, as `glob(3)` returns them) or the files directly
/// inside a folder.
#[must_use]
pub fn matching<'a>(
    candidate: &str,
    kind: ReferenceKind,
    sorted_paths: &'a [String],
) -> Vec<&'a str> {
    // Every match starts with the candidate's literal prefix; the sorted
    // list narrows the search to that range.
    let literal = match kind {
        ReferenceKind::Glob => {
            &candidate[..candidate.find(['*', '?', '[']).unwrap_or(candidate.len())]
        }
        ReferenceKind::File | ReferenceKind::Directory => candidate,
    };
    let start = sorted_paths.partition_point(|p| p.as_str() < literal);
    let in_range = sorted_paths[start..]
        .iter()
        .take_while(|p| p.starts_with(literal))
        .map(String::as_str);
    match kind {
        ReferenceKind::File => in_range.filter(|p| *p == candidate).collect(),
        ReferenceKind::Glob => in_range.filter(|p| glob_matches(candidate, p)).collect(),
        ReferenceKind::Directory => {
            let folder = candidate.trim_end_matches('/');
            in_range
                .filter(|p| parent(p) == folder)
                .filter(|p| !p.rsplit('/').next().unwrap_or("").starts_with('.'))
                .collect()
        }
    }
}

/// `glob(3)` without flags: `*`, `?` and `[...]` within one path component;
/// a leading `.` must be matched literally.
#[must_use]
pub fn glob_matches(pattern: &str, path: &str) -> bool {
    let pattern: Vec<&str> = pattern.split('/').collect();
    let path: Vec<&str> = path.split('/').collect();
    pattern.len() == path.len()
        && pattern.iter().zip(&path).all(|(p, name)| {
            (!name.starts_with('.') || p.starts_with('.'))
                && component_matches(p.as_bytes(), name.as_bytes())
        })
}

fn component_matches(pattern: &[u8], name: &[u8]) -> bool {
    // Iterative wildcard matching with one backtrack point for `*`.
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        let advanced = match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, n));
                p += 1;
                continue;
            }
            Some(b'?') => Some(p + 1),
            Some(b'[') => match class(&pattern[p..], name[n]) {
                Some((true, len)) => Some(p + len),
                Some((false, _)) => None,
                // An unterminated `[` is a literal.
                None => (name[n] == b'[').then_some(p + 1),
            },
            Some(b'\\') if p + 1 < pattern.len() => (pattern[p + 1] == name[n]).then_some(p + 2),
            Some(&c) => (c == name[n]).then_some(p + 1),
            None => None,
        };
        match (advanced, star) {
            (Some(next), _) => {
                p = next;
                n += 1;
            }
            (None, Some((star_p, star_n))) => {
                p = star_p + 1;
                n = star_n + 1;
                star = Some((star_p, star_n + 1));
            }
            (None, None) => return false,
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

/// Matches `c` against the class at the start of `pattern` (`[...]`);
/// returns whether it matched and the class's length, or `None` if the
/// class is not closed.
fn class(pattern: &[u8], c: u8) -> Option<(bool, usize)> {
    let mut i = 1;
    let negated = matches!(pattern.get(i), Some(b'!' | b'^'));
    if negated {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let &lo = pattern.get(i)?;
        if lo == b']' && !first {
            return Some((matched != negated, i + 1));
        }
        first = false;
        if pattern.get(i + 1) == Some(&b'-') && pattern.get(i + 2).is_some_and(|&h| h != b']') {
            let hi = pattern[i + 2];
            matched |= lo <= c && c <= hi;
            i += 3;
        } else {
            matched |= lo == c;
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(folder: &str) -> Vec<String> {
        vec![folder.to_string()]
    }

    fn paths(list: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = list.iter().map(ToString::to_string).collect();
        v.sort();
        v
    }

    #[test]
    fn relative_paths_resolve_against_the_base() {
        let l = locate(
            "conf.d/*.conf",
            "lb/nginx.conf",
            "lb",
            Format::NGINX,
            &node("lb"),
            &[],
        )
        .unwrap();
        assert_eq!(l.candidates, ["lb/conf.d/*.conf"]);
        assert!(l.certain);
        assert!(
            locate(
                "../../x",
                "lb/nginx.conf",
                "lb",
                Format::NGINX,
                &node("lb"),
                &[]
            )
            .is_none()
        );
        assert!(
            locate(
                "../other/x",
                "lb/a/nginx.conf",
                "lb",
                Format::NGINX,
                &node("lb"),
                &[]
            )
            .is_none()
        );
    }

    #[test]
    fn absolute_paths_in_both_layouts() {
        let rooted = locate(
            "/etc/nginx/conf.d/a.conf",
            "lb/etc/nginx/nginx.conf",
            "lb/etc/nginx",
            Format::NGINX,
            &node("lb"),
            &[],
        )
        .unwrap();
        assert_eq!(rooted.candidates, ["lb/etc/nginx/conf.d/a.conf"]);
        let flat = locate(
            "/etc/nginx/conf.d/a.conf",
            "lb/nginx.conf",
            "lb",
            Format::NGINX,
            &node("lb"),
            &[],
        )
        .unwrap();
        assert_eq!(flat.candidates[0], "lb/conf.d/a.conf");
        assert!(flat.certain);
        let elsewhere = locate(
            "/usr/share/nginx/modules/*.conf",
            "lb/nginx.conf",
            "lb",
            Format::NGINX,
            &node("lb"),
            &[],
        )
        .unwrap();
        assert!(!elsewhere.certain);
        let key = locate(
            "/etc/csync2.key",
            "gluu1/csync2.cfg",
            "gluu1",
            Format::CSYNC2,
            &node("gluu1"),
            &[],
        )
        .unwrap();
        assert_eq!(key.candidates[0], "gluu1/csync2.key");
        let pem = locate(
            "/etc/stunnel/secureredis.pem",
            "redis/stunnel/redis-server.conf",
            "redis/stunnel",
            Format::STUNNEL,
            &node("redis"),
            &[],
        )
        .unwrap();
        assert_eq!(pem.candidates[0], "redis/stunnel/secureredis.pem");
        // A workspace environment's file finds its neighbour in `common`.
        let layers = vec!["configs/prod".to_string(), "configs/common".to_string()];
        let overlay = locate(
            "portal-developer.properties",
            "configs/prod/portal-ext.properties",
            "configs/prod",
            Format::LIFERAY_PROPERTIES,
            &layers,
            &[],
        )
        .unwrap();
        assert_eq!(
            overlay.candidates,
            [
                "configs/prod/portal-developer.properties",
                "configs/common/portal-developer.properties"
            ]
        );
        assert!(
            locate(
                "/x/$var.conf",
                "lb/nginx.conf",
                "lb",
                Format::NGINX,
                &node("lb"),
                &[]
            )
            .is_none()
        );
    }

    #[test]
    fn mounted_paths_come_from_the_cluster() {
        let mounts = vec![
            (
                "/etc/nginx/conf.d".to_string(),
                "compose/nginx/sites".to_string(),
            ),
            (
                "/etc/nginx/nginx.conf".to_string(),
                "compose/nginx/main.conf".to_string(),
            ),
        ];
        let l = locate(
            "/etc/nginx/conf.d/*.conf",
            "compose/nginx/main.conf",
            "compose/nginx",
            Format::NGINX,
            &node("compose"),
            &mounts,
        )
        .unwrap();
        assert_eq!(l.candidates, ["compose/nginx/sites/*.conf"]);
    }

    #[test]
    fn package_files_may_be_absent() {
        let file = ReferenceKind::File;
        let glob = ReferenceKind::Glob;
        assert!(may_be_absent(Format::NGINX, "/etc/nginx/mime.types", file));
        assert!(may_be_absent(Format::NGINX, "mime.types", file));
        assert!(may_be_absent(Format::NGINX, "snippets/snakeoil.conf", file));
        assert!(may_be_absent(
            Format::NGINX,
            "/etc/nginx/modules-enabled/*.conf",
            glob
        ));
        assert!(may_be_absent(
            Format::NGINX,
            "/etc/nginx/sites-enabled/*",
            glob
        ));
        assert!(!may_be_absent(Format::NGINX, "/etc/nginx/site.conf", file));
        assert!(!may_be_absent(Format::NGINX, "conf.d/*.cnf", glob));
        assert!(!may_be_absent(Format::REDIS, "mime.types", file));
    }

    #[test]
    fn globs_as_glob3() {
        assert!(glob_matches("lb/conf.d/*.conf", "lb/conf.d/a.conf"));
        assert!(!glob_matches("lb/conf.d/*.conf", "lb/conf.d/sub/a.conf"));
        assert!(!glob_matches("lb/conf.d/*.conf", "lb/conf.d/.hidden.conf"));
        assert!(glob_matches("lb/*/x[0-9].c?nf", "lb/a/x7.conf"));
        assert!(!glob_matches("lb/x[!0-9]", "lb/x7"));
        assert!(glob_matches("lb/a*b*c", "lb/aXbYbZc"));
        assert!(glob_matches("lb/[ab", "lb/[ab"));
        assert!(glob_matches("lb/{a,b}", "lb/{a,b}"));
    }

    #[test]
    fn matching_files_globs_and_folders() {
        let all = paths(&[
            "lb/conf.d/b.conf",
            "lb/conf.d/a.conf",
            "lb/conf.d/x.txt",
            "lb/conf.d/sub/c.conf",
            "lb/nginx.conf",
            "lbx/conf.d/a.conf",
        ]);
        assert_eq!(
            matching("lb/conf.d/*.conf", ReferenceKind::Glob, &all),
            ["lb/conf.d/a.conf", "lb/conf.d/b.conf"]
        );
        assert_eq!(
            matching("lb/conf.d", ReferenceKind::Directory, &all),
            ["lb/conf.d/a.conf", "lb/conf.d/b.conf", "lb/conf.d/x.txt"]
        );
        assert_eq!(
            matching("lb/nginx.conf", ReferenceKind::File, &all),
            ["lb/nginx.conf"]
        );
        assert!(matching("lb/none.conf", ReferenceKind::File, &all).is_empty());
    }
}
