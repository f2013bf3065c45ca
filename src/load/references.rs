//! Following what files name (includes, certificates, keys, portal
//! properties' `include-and-override`): the targets discovery skipped are
//! loaded in the target's format, every resolved reference is recorded on
//! its file, and references that name nothing, cycles of includes and
//! includes past the limits are recorded as facts.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::facts::{AsFact, Fact, FactKind};
use crate::files::{ClusterFile, Include, NodeId};
use crate::formats::{Format, Reference, ReferenceKind};
use crate::includes;
use crate::limits::Limits;
use crate::load::file::reparse_as_fragment;
use crate::load::{Loaded, Loader};
use crate::source::{FileId, Span};

impl Loader<'_> {
    /// Follows what files name (includes, certificates, keys): loads the
    /// targets discovery skipped, in the target's format, records every
    /// resolved reference on its file, and reports includes that name no
    /// file. Relative nginx includes start from the configuration prefix
    /// (the main file's folder), everything else from the including file's
    /// folder.
    pub(crate) fn follow_references(
        &self,
        cluster: &mut Loaded,
        ignored: &mut Vec<String>,
        facts: &mut Vec<Fact>,
        first_id: usize,
        limits: &Limits,
    ) {
        let paths: Vec<String> = self.inputs.files.iter().map(|f| f.path.clone()).collect();
        // A file several nodes read is one file per node.
        let mut ids: HashMap<(String, Option<NodeId>), FileId> = (0..cluster.files.len())
            .map(|i| {
                let file = &cluster.files[i];
                ((file.source.path.clone(), file.node), FileId(i as u32))
            })
            .collect();
        // Shallow files first, so that a main `nginx.conf` sets the prefix
        // of the files it includes before they are visited themselves.
        let mut wave: Vec<(FileId, String)> = (first_id..cluster.files.len())
            .filter(|&i| cluster.files[i].format.is_some())
            .map(|i| {
                let path = &cluster.files[i].source.path;
                (FileId(i as u32), includes::parent(path).to_string())
            })
            .collect();
        wave.sort_by_cached_key(|(id, _)| {
            cluster.files[id.index()].source.path.matches('/').count()
        });
        // Files of nginx's include folders start from the prefix of the
        // main file that includes them; only those no file includes are
        // followed on their own, from the folder above (the prefix a stock
        // `nginx.conf` gives them).
        let (mut deferred, first): (Vec<_>, Vec<_>) = wave
            .into_iter()
            .partition(|(id, _)| in_include_folder(&cluster.files[id.index()]));
        wave = first;
        let mut visited: HashSet<FileId> = wave.iter().map(|(id, _)| *id).collect();
        let unloaded: HashSet<String> = ignored.iter().cloned().collect();
        let mut fragments: HashSet<FileId> = HashSet::new();
        // How deep the next wave's files are included, and how many files
        // includes brought in so far.
        let mut depth = 1;
        let mut included = 0;
        loop {
            if wave.is_empty() {
                wave = std::mem::take(&mut deferred)
                    .into_iter()
                    .filter(|(id, _)| visited.insert(*id))
                    .map(|(id, folder)| (id, includes::parent(&folder).to_string()))
                    .collect();
                if wave.is_empty() {
                    break;
                }
            }
            let mut to_load: Vec<(String, Format, Option<NodeId>, bool)> = Vec::new();
            let mut reparse: Vec<FileId> = Vec::new();
            let mut next = Vec::new();
            for (id, base) in std::mem::take(&mut wave) {
                let file = &cluster.files[id.index()];
                let Some(format) = file.format else { continue };
                let layers: &[String] = file
                    .node
                    .map_or(&[], |n| cluster.nodes[n.index()].layers.as_slice());
                let mounts: &[(String, String)] = file
                    .node
                    .map_or(&[], |n| cluster.nodes[n.index()].mounts.as_slice());
                let mut resolved = Vec::new();
                for reference in file.document.references(&file.source.text) {
                    let Some(located) = includes::locate(
                        &reference.value,
                        &file.source.path,
                        &base,
                        format,
                        layers,
                        mounts,
                    ) else {
                        continue;
                    };
                    let found = located
                        .candidates
                        .iter()
                        .map(|c| includes::matching(c, reference.kind, &paths))
                        .find(|found| !found.is_empty())
                        .unwrap_or_default();
                    // A folder the package creates empty, or a file it
                    // installs, may be missing; a folder with files none of
                    // which match is still said.
                    let package_default =
                        includes::may_be_absent(format, &reference.value, reference.kind)
                            && (reference.kind != ReferenceKind::Glob
                                || !self.inputs.folder_exists(
                                    &paths,
                                    includes::parent(&located.candidates[0]),
                                ));
                    let judged = located.certain
                        && located
                            .mirrored_top
                            .as_ref()
                            .is_none_or(|top| self.inputs.folder_exists(&paths, top));
                    if found.is_empty() && judged && !package_default {
                        if let Some(d) = unresolved(id, &reference, &located.candidates[0]) {
                            facts.push(d);
                        } else if reference.format == Format::PEM
                            && let Some(why) =
                                missing_pem(cluster, file.node, &located.candidates[0], &paths)
                        {
                            facts.push(pem_not_found(id, &reference, &why));
                        }
                        continue;
                    }
                    let mut targets = Vec::new();
                    for path in found {
                        let key = (path.to_string(), file.node);
                        let target = match ids.get(&key) {
                            Some(&target) => target,
                            None if unloaded.contains(path)
                                && (depth > limits.max_include_depth
                                    || included >= limits.max_includes) =>
                            {
                                facts.push(over_include_limit(
                                    id,
                                    &reference,
                                    path,
                                    depth > limits.max_include_depth,
                                    limits,
                                ));
                                continue;
                            }
                            None if unloaded.contains(path) => {
                                included += 1;
                                let target = FileId((cluster.files.len() + to_load.len()) as u32);
                                to_load.push((
                                    path.to_string(),
                                    reference.format,
                                    file.node,
                                    reference.fragment,
                                ));
                                ids.insert(key, target);
                                target
                            }
                            None => continue,
                        };
                        if reference.fragment
                            && fragments.insert(target)
                            && target.index() < cluster.files.len()
                        {
                            // Discovery read it as a whole file; it is not one.
                            reparse.push(target);
                        }
                        let target_format = cluster
                            .files
                            .get(target.index())
                            .map_or(Some(reference.format), |f| f.format);
                        if target_format != Some(reference.format) {
                            continue;
                        }
                        targets.push(target);
                        if visited.insert(target) {
                            let target_base = if format.spec().program_paths().relative_to_prefix {
                                base.clone()
                            } else {
                                includes::parent(path).to_string()
                            };
                            next.push((target, target_base));
                        }
                    }
                    resolved.push(Include {
                        range: reference.range,
                        kind: reference.kind,
                        format: reference.format,
                        fragment: reference.fragment,
                        targets,
                    });
                }
                cluster.files_mut()[id.index()].includes = resolved;
            }
            let loading: HashSet<&str> = to_load.iter().map(|(p, ..)| p.as_str()).collect();
            ignored.retain(|p| !loading.contains(p.as_str()));
            for target in reparse {
                reparse_as_fragment(cluster, target, facts);
            }
            let first_new = cluster.files.len();
            let loaded: Vec<(ClusterFile, Vec<Fact>)> = to_load
                .par_iter()
                .enumerate()
                .map(|(i, (path, format, node, fragment))| {
                    let layers = node.map(|n| cluster.nodes[n.index()].layers.as_slice());
                    let (mut file, found) = self.load_path(
                        FileId((first_new + i) as u32),
                        path,
                        *format,
                        *fragment,
                        limits,
                        layers,
                    );
                    file.node = *node;
                    (file, found)
                })
                .collect();
            cluster.add(loaded, facts);
            wave = next;
            depth += 1;
        }
    }
}

/// The finding for an include that would read `path` past the include
/// limits.
pub(crate) fn over_include_limit(
    file: FileId,
    reference: &Reference,
    path: &str,
    too_deep: bool,
    limits: &Limits,
) -> Fact {
    let why = if too_deep {
        format!(
            "it would be included {} levels deep, over `max-include-depth` = {}",
            limits.max_include_depth + 1,
            limits.max_include_depth
        )
    } else {
        format!(
            "includes already brought in {} files, the `max-includes` limit",
            limits.max_includes
        )
    };
    Diagnostic::new(
        Span::new(file, reference.range),
        format!("`{path}` is not read: {why} (`[limits]` in clusterlint.toml)"),
    )
    .fact(FactKind::UnreadableFile)
}

/// Whether a file lies in a folder whose files its program's main file
/// includes (nginx's `conf.d`).
fn in_include_folder(file: &ClusterFile) -> bool {
    file.format.is_some_and(|format| {
        let folders = format.spec().program_paths().include_folders;
        includes::parent(&file.source.path)
            .rsplit('/')
            .next()
            .is_some_and(|folder| folders.contains(&folder))
    })
}

/// Why a certificate or key a node's configuration names, absent from the
/// node, is surely missing rather than left out of the tree on purpose
/// (key material often is): a file of a near name lies in the folder where
/// it should be (a typo), or another node holds it at the same place (a
/// copy forgotten on this one). `None` without such evidence.
fn missing_pem(
    cluster: &Loaded,
    node: Option<NodeId>,
    expected: &str,
    paths: &[String],
) -> Option<String> {
    let (folder, name) = expected.rsplit_once('/').unwrap_or(("", expected));
    let (stem, extension) = name.rsplit_once('.').unwrap_or((name, ""));
    let near = paths
        .iter()
        .filter_map(|p| {
            let (dir, other) = p.rsplit_once('/').unwrap_or(("", p));
            (dir == folder && other != name).then_some(other)
        })
        .filter_map(|other| {
            let (other_stem, other_extension) = other.rsplit_once('.').unwrap_or((other, ""));
            // A key beside its certificate (`httpd.key`, `httpd.crt`) is
            // another file, not a typo: the extension must agree.
            (other_extension == extension)
                .then(|| crate::suggest::edit_distance(stem, other_stem, 2))
                .flatten()
                .map(|d| (d, other))
        })
        .min();
    if let Some((_, near)) = near {
        return Some(format!("`{near}` lies beside it"));
    }
    let node = node?;
    let layers = &cluster.nodes[node.index()].layers;
    let inside = layers.iter().find_map(|l| {
        if l.is_empty() {
            Some(expected)
        } else {
            expected.strip_prefix(l.as_str())?.strip_prefix('/')
        }
    })?;
    cluster
        .nodes
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != node.index())
        .find_map(|(_, other)| {
            let holds = other.layers.iter().any(|l| {
                let wanted = if l.is_empty() {
                    inside.to_string()
                } else {
                    format!("{l}/{inside}")
                };
                paths.contains(&wanted)
            });
            holds.then(|| format!("`{}` has it", other.name))
        })
}

fn pem_not_found(file: FileId, reference: &Reference, why: &str) -> Fact {
    Diagnostic::new(
        Span::new(file, reference.range),
        format!(
            "`{}` is not among the node's files ({why})",
            reference.value
        ),
    )
    .label("no such file")
    .help("copy the certificate or key to this node, or correct the path; the program refuses to start without it")
    .fact(FactKind::TlsFileMissing)
}

/// The finding for a reference that names no file of the node: a missing
/// file or folder, or a glob matching nothing. `None` for optional
/// references (certificates, keys) that the tree need not hold.
fn unresolved(file: FileId, reference: &Reference, path: &str) -> Option<Fact> {
    let span = Span::new(file, reference.range);
    let fact = match reference.kind {
        _ if !reference.required && reference.kind != ReferenceKind::Glob => return None,
        ReferenceKind::Glob => Diagnostic::new(
            span,
            format!(
                "`{}` matches no file of the node (`{path}`)",
                reference.value
            ),
        )
        .label("matches nothing")
        .help("check the pattern; if nothing is meant to be included yet, this is only a note")
        .fact(FactKind::IncludeGlobEmpty),
        ReferenceKind::File => Diagnostic::new(
            span,
            format!("`{}` names no file of the node (`{path}`)", reference.value),
        )
        .label("no such file")
        .help("fix the path or add the file to the node; the server refuses to start without it")
        .fact(FactKind::IncludeNotFound),
        ReferenceKind::Directory => Diagnostic::new(
            span,
            format!(
                "`{}` names a folder with no file of the node (`{path}`)",
                reference.value
            ),
        )
        .label("no such folder")
        .help("fix the path or add the folder's files to the node")
        .fact(FactKind::IncludeNotFound),
    };
    Some(fact)
}

/// Reports each include that leads back to a file already being read
/// (`core/include-cycle`), once per include.
pub(crate) fn report_include_cycles(cluster: &Loaded, facts: &mut Vec<Fact>) {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut marks = vec![Mark::New; cluster.files.len()];
    // Start from the files nothing includes, so that a loop is entered from
    // its main file and the include back is the one reported.
    let mut included = vec![false; cluster.files.len()];
    for file in &cluster.files {
        for target in file.includes.iter().flat_map(|i| &i.targets) {
            included[target.index()] = true;
        }
    }
    // Where every file of a loop is included, the program's main file name
    // (`nginx.conf`, `redis.conf`) and then the shallower path go first.
    let not_main_name = |i: usize| {
        let file = &cluster.files[i];
        let path = &file.source.path;
        let name = path.rsplit('/').next().unwrap_or(path);
        !file
            .format
            .is_some_and(|f| f.spec().program_paths().main_files.contains(&name))
    };
    let mut starts: Vec<usize> = (0..cluster.files.len())
        .filter(|&i| !cluster.files[i].includes.is_empty())
        .collect();
    starts.sort_by_cached_key(|&i| {
        (
            included[i],
            not_main_name(i),
            cluster.files[i].source.path.matches('/').count(),
            i,
        )
    });
    for start in starts {
        if marks[start] != Mark::New || cluster.files[start].includes.is_empty() {
            continue;
        }
        // Depth-first, without recursion: (file, next include, next target).
        let mut stack: Vec<(usize, usize, usize)> = vec![(start, 0, 0)];
        marks[start] = Mark::Open;
        while let Some(&mut (file, ref mut include, ref mut target)) = stack.last_mut() {
            let includes = &cluster.files[file].includes;
            let Some(current) = includes.get(*include) else {
                marks[file] = Mark::Done;
                stack.pop();
                continue;
            };
            if !current.format.spec().include_loops_are_faults() {
                *include += 1;
                continue;
            }
            let Some(&next) = current.targets.get(*target) else {
                *include += 1;
                *target = 0;
                continue;
            };
            *target += 1;
            let range = current.range;
            match marks[next.index()] {
                Mark::New => {
                    marks[next.index()] = Mark::Open;
                    stack.push((next.index(), 0, 0));
                }
                Mark::Open => facts.push(
                    Diagnostic::new(
                        Span::new(FileId(file as u32), range),
                        format!(
                            "this include leads back to `{}`, which is still being read: the files include each other in a loop",
                            cluster.files[next.index()].source.path
                        ),
                    )
                    .label("closes the loop")
                    .help("remove the include that makes the loop")
                    .fact(FactKind::IncludeCycle),
                ),
                Mark::Done => {}
            }
        }
    }
}
