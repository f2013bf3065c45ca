//! Helpers shared by the differential tests that run real programs (nginx,
//! crossplane, redis-server, stunnel4, csync2) next to clusterlint.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::io::Read as _;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clusterlint::Workspace;
use clusterlint::formats::{self, Format};

use crate::common;

/// The rules whose findings mean "the real program would refuse this".
pub const REJECTING_RULES: [&str; 4] = [
    "core/parse-error",
    "core/include-not-found",
    "core/include-cycle",
    "core/unreadable-file",
];

/// Where a file to check comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Corpus,
    Fixture,
    /// A hand-made edge case in the test itself.
    Edge,
}

/// One file an oracle checks, with the folder whose layout it needs
/// (its include tree).
#[derive(Clone, Debug)]
pub struct Input {
    /// Shown in messages: the path below the corpus, the fixture root or
    /// the edge case's name.
    pub label: String,
    pub origin: Origin,
    /// The file on disk.
    pub path: PathBuf,
    /// The folder copied with it (the file lies inside it).
    pub tree: PathBuf,
}

impl Input {
    /// The file's path relative to its tree, with `/`.
    pub fn relative(&self) -> String {
        relative(&self.tree, &self.path)
    }
}

/// `path` relative to `root`, with `/` separators.
pub fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The corpus files of one format folder (`nginx`, `redis`, ...), each with
/// the folder it sits in as its tree.
pub fn corpus_inputs(corpus: &Path, folder: &str) -> Vec<Input> {
    let base = corpus.join(folder);
    common::files_under(&base)
        .into_iter()
        .map(|path| Input {
            label: format!("corpus/{}", relative(corpus, &path)),
            origin: Origin::Corpus,
            tree: path.parent().unwrap_or(&base).to_path_buf(),
            path,
        })
        .collect()
}

/// Every fixture cluster root: folders under `fixtures/` holding an
/// `expected.txt`, and `fixtures/clusters/*`.
pub fn fixture_roots() -> Vec<PathBuf> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut roots: Vec<PathBuf> = common::files_under(&fixtures)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "expected.txt"))
        .filter_map(|p| p.parent().map(Path::to_path_buf))
        .collect();
    if let Ok(entries) = fs::read_dir(fixtures.join("clusters")) {
        roots.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_dir()));
    }
    roots.sort();
    roots.dedup();
    roots
}

/// The files of `format` in every fixture cluster, as clusterlint
/// classifies them (included files too).
pub fn fixture_inputs(format: Format) -> Vec<Input> {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for root in fixture_roots() {
        let Ok(workspace) = Workspace::from_dir(&root) else {
            continue;
        };
        let analysis = workspace.analyze();
        for file in analysis.cluster.files.iter() {
            if file.format != Some(format) {
                continue;
            }
            let path = root.join(&file.source.path);
            if !path.is_file() {
                continue;
            }
            // The tree is the node folder: includes stay inside it.
            let node = file.source.path.split('/').next().unwrap_or("");
            out.push(Input {
                label: format!(
                    "fixtures/{}",
                    relative(&manifest_dir.join("fixtures"), &path)
                ),
                origin: Origin::Fixture,
                tree: root.join(node),
                path,
            });
        }
    }
    out.sort_by(|a, b| a.label.cmp(&b.label));
    out.dedup_by(|a, b| a.label == b.label);
    out
}

/// A program's exit and output.
#[derive(Clone, Debug)]
pub struct Run {
    /// `None` when it was killed (timeout, or stopped on purpose).
    pub status: Option<ExitStatus>,
    pub stdout: String,
    pub stderr: String,
    pub timed_out: bool,
}

impl Run {
    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    /// stdout and stderr together.
    pub fn output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Kills the child when dropped, so a failing test leaves no process
/// behind.
struct Guard(Option<Child>);

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Runs `command` with no stdin; kills it after `timeout`, or as soon as
/// `stop` returns true for what it printed so far (servers that keep
/// running once their configuration is loaded). Output is read through
/// pipes (some programs buffer what they write to a file).
pub fn run(command: &mut Command, timeout: Duration, stop: Option<&dyn Fn(&str) -> bool>) -> Run {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
    let collected = Arc::new(Mutex::new((Vec::<u8>::new(), Vec::<u8>::new())));
    let mut readers = Vec::new();
    let pipes: [(Option<Box<dyn std::io::Read + Send>>, bool); 2] = [
        (
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
            true,
        ),
        (
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
            false,
        ),
    ];
    for (pipe, is_stdout) in pipes {
        let Some(mut pipe) = pipe else { continue };
        let collected = Arc::clone(&collected);
        readers.push(std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                let mut c = collected.lock().unwrap();
                if is_stdout {
                    c.0.extend_from_slice(&buffer[..n]);
                } else {
                    c.1.extend_from_slice(&buffer[..n]);
                }
            }
        }));
    }
    let mut guard = Guard(Some(child));
    let start = Instant::now();
    let snapshot = || {
        let c = collected.lock().unwrap();
        format!(
            "{}{}",
            String::from_utf8_lossy(&c.0),
            String::from_utf8_lossy(&c.1)
        )
    };
    let mut status = None;
    let mut timed_out = false;
    loop {
        let child = guard.0.as_mut().expect("child");
        if let Some(s) = child.try_wait().expect("wait") {
            status = Some(s);
            break;
        }
        if let Some(stop) = stop
            && stop(&snapshot())
        {
            break;
        }
        if start.elapsed() > timeout {
            timed_out = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    drop(guard);
    for reader in readers {
        let _ = reader.join();
    }
    let c = collected.lock().unwrap();
    Run {
        status,
        stdout: String::from_utf8_lossy(&c.0).into_owned(),
        stderr: String::from_utf8_lossy(&c.1).into_owned(),
        timed_out,
    }
}

/// Whether `program` can be started (`args` should make it exit at once).
pub fn available(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Whether `unshare --net` works here (root, or user namespaces allowed).
pub fn can_unshare_net() -> bool {
    Command::new("unshare")
        .args(["--net", "true"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Maps `f` over `items` on a few threads, keeping the order.
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(2, std::num::NonZero::get)
        .clamp(2, 4);
    let next = Mutex::new(0usize);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = {
                        let mut n = next.lock().unwrap();
                        let i = *n;
                        *n += 1;
                        i
                    };
                    let Some(item) = items.get(i) else { break };
                    let r = f(item);
                    results.lock().unwrap()[i] = Some(r);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|r| r.expect("every item mapped"))
        .collect()
}

/// Copies every file of `from` into `to`, keeping the layout. A link to
/// an absolute path is the node's own path (`from` is the node's `/`, as
/// clusterlint reads it): its target in the tree is copied in its place.
pub fn copy_tree(from: &Path, to: &Path) {
    for path in common::files_under(from) {
        let target = to.join(path.strip_prefix(from).unwrap());
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        let source = match fs::read_link(&path) {
            Ok(link) if link.is_absolute() => from.join(link.strip_prefix("/").unwrap()),
            _ => path.clone(),
        };
        if source.is_file() {
            fs::copy(&source, &target).unwrap();
        }
    }
}

/// One refusal clusterlint reports: a file (relative to the checked
/// tree), a 1-based line and the message.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Refusal {
    pub file: String,
    pub line: usize,
    pub rule: String,
    pub message: String,
}

/// What clusterlint says of a tree of files: the refusals of every file,
/// from a whole-cluster analysis. `files` are (path relative to the tree,
/// bytes); `main` is the file the real program is given, renamed to
/// `main_name` so that discovery classifies it. Files the analysis did not
/// load (includes not followed) are parsed on their own when
/// `parse_unloaded` is set; `loaded` tells which were.
pub struct Verdict {
    pub refusals: Vec<Refusal>,
    /// Paths (relative to the tree) the cluster analysis loaded.
    pub loaded: Vec<String>,
}

impl Verdict {
    pub fn rejects(&self) -> bool {
        !self.refusals.is_empty()
    }

    pub fn lines_of(&self, file: &str) -> Vec<usize> {
        self.refusals
            .iter()
            .filter(|r| r.file == file)
            .map(|r| r.line)
            .collect()
    }
}

/// Lints `files` as one node `n` of an in-memory cluster; `main` (a path
/// in `files`) is stored as `main_name` next to it. `parse_alone` lists
/// the files to parse on their own as `format` when the analysis did not
/// load them.
pub fn clusterlint_verdict(
    format: Format,
    files: &[(String, Vec<u8>)],
    main: &str,
    main_name: &str,
    parse_alone: &[String],
) -> Verdict {
    let main_dir = main.rsplit_once('/').map_or("", |(d, _)| d);
    let renamed = if main_dir.is_empty() {
        main_name.to_string()
    } else {
        format!("{main_dir}/{main_name}")
    };
    let mut workspace = Workspace::new();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for (path, bytes) in files {
        let stored = if path == main {
            renamed.clone()
        } else if *path == renamed {
            // Would clash with the main file's canonical name.
            continue;
        } else {
            path.clone()
        };
        names.insert(format!("n/{stored}"), path.clone());
        workspace.add_file(format!("n/{stored}"), bytes.clone());
    }
    let report = workspace.lint(&clusterlint::LintOptions::default());
    let cluster = &report;
    let mut refusals = Vec::new();
    for d in &report.diagnostics {
        if !REJECTING_RULES.contains(&d.rule.as_ref()) {
            continue;
        }
        let file = &cluster.files[d.primary.span.file.index()];
        let line = line_of(&file.source.text, d.primary.span.range.start);
        refusals.push(Refusal {
            file: names
                .get(&file.source.path)
                .cloned()
                .unwrap_or_else(|| file.source.path.clone()),
            line,
            rule: d.rule.to_string(),
            message: d.message.clone(),
        });
    }
    let loaded: Vec<String> = cluster
        .files
        .iter()
        .filter(|f| f.format == Some(format))
        .filter_map(|f| names.get(&f.source.path).cloned())
        .collect();
    for path in parse_alone {
        if loaded.contains(path) {
            continue;
        }
        let Some((_, bytes)) = files.iter().find(|(p, _)| p == path) else {
            continue;
        };
        let text = String::from_utf8_lossy(bytes);
        let document = formats::parse(format, &text);
        for e in document.errors() {
            refusals.push(Refusal {
                file: path.clone(),
                line: line_of(&text, e.range.start),
                rule: "core/parse-error".to_string(),
                message: e.message.to_string(),
            });
        }
    }
    refusals.sort();
    refusals.dedup();
    Verdict { refusals, loaded }
}

/// The 1-based line of byte `offset`, counting `\n` only (as nginx, Redis,
/// stunnel and csync2 do).
pub fn line_of(text: &str, offset: u32) -> usize {
    let end = (offset as usize).min(text.len());
    text.as_bytes()[..end].split(|&b| b == b'\n').count()
}

/// `main` and the files it includes (transitively) that exist in `tree`,
/// relative to it; include paths are taken relative to the folder of
/// `main` (the working folder Redis and csync2 resolve them against).
/// Globs and folders are not expanded.
pub fn include_closure(format: Format, tree: &Path, main: &str) -> Vec<String> {
    let base = Path::new(main)
        .parent()
        .unwrap_or(Path::new(""))
        .to_path_buf();
    let mut out = vec![main.to_string()];
    let mut i = 0;
    while i < out.len() {
        let bytes = fs::read(tree.join(&out[i])).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        for reference in formats::parse(format, &text).references(&text) {
            if reference.kind != formats::ReferenceKind::File || reference.format != format {
                continue;
            }
            let path = relative(tree, &tree.join(&base).join(&reference.value));
            if tree.join(&path).is_file() && !out.contains(&path) {
                out.push(path);
            }
        }
        i += 1;
    }
    out
}

/// Reads the files at `paths` (relative to `tree`).
pub fn read_files(tree: &Path, paths: &[String]) -> Vec<(String, Vec<u8>)> {
    paths
        .iter()
        .map(|p| (p.clone(), fs::read(tree.join(p)).unwrap()))
        .collect()
}

/// Reads every file of `tree` as (relative path, bytes).
pub fn read_tree(tree: &Path) -> Vec<(String, Vec<u8>)> {
    common::files_under(tree)
        .into_iter()
        .map(|p| (relative(tree, &p), fs::read(&p).unwrap()))
        .collect()
}

/// Counts what an oracle checked, for the summary line every test prints.
#[derive(Debug, Default)]
pub struct Tally {
    pub corpus: usize,
    pub fixtures: usize,
    pub edge: usize,
    /// Divergence category -> number of files or lines it explained.
    pub divergences: BTreeMap<&'static str, usize>,
}

impl Tally {
    pub fn count(&mut self, origin: Origin) {
        match origin {
            Origin::Corpus => self.corpus += 1,
            Origin::Fixture => self.fixtures += 1,
            Origin::Edge => self.edge += 1,
        }
    }

    pub fn merge(&mut self, other: Self) {
        self.corpus += other.corpus;
        self.fixtures += other.fixtures;
        self.edge += other.edge;
        for (k, v) in other.divergences {
            *self.divergences.entry(k).or_default() += v;
        }
    }

    pub fn diverge(&mut self, category: &'static str) {
        *self.divergences.entry(category).or_default() += 1;
    }

    pub fn print(&self, oracle: &str) {
        eprintln!(
            "{oracle}: checked {} corpus files, {} fixture files, {} edge cases",
            self.corpus, self.fixtures, self.edge
        );
        if self.divergences.is_empty() {
            eprintln!("{oracle}: no documented divergence was needed");
        }
        for (category, n) in &self.divergences {
            eprintln!("{oracle}: skipped as documented divergence `{category}`: {n}");
        }
    }
}

/// Fails the test with every unexplained disagreement.
pub fn assert_agree(oracle: &str, problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{oracle} and clusterlint disagree ({} cases):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
