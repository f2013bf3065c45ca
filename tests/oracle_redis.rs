//! Differential test: clusterlint's `redis.conf` parse against
//! `redis-server` itself, on every corpus and fixture file of the format
//! and on edge cases.
//!
//! Redis stops at the first bad line, so each file is run repeatedly: the
//! line Redis refused is classified, replaced by a comment, and Redis runs
//! again, until it accepts the rest. Every refused line must be refused by
//! clusterlint too, unless it falls in a divergence category listed in
//! `tests/oracle/DIVERGENCES.md`; every line clusterlint refuses must be one
//! Redis refused. The server never listens: `--port 0` and a Unix socket
//! path in a folder that does not exist make it exit once the
//! configuration is loaded.

mod common;
mod oracle;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use clusterlint::formats::{self, Format, ReferenceKind, redis};
use oracle::{Input, Origin, Tally};

/// Divergence categories (see tests/oracle/DIVERGENCES.md, section Redis).
const OTHER_VERSION: &str = "redis: directive known to another Redis-compatible server";
const ARGUMENT_COUNT: &str = "redis: argument count not modelled";
const OPTION_VALUE: &str = "redis: option value not checked";
const SENTINEL: &str = "redis: Sentinel statement not modelled";
const ENVIRONMENT: &str = "redis: missing folder or file on this machine";
const INCLUDES_PENDING: &str = "redis: includes not followed by this build";
const WORKING_DIRECTORY: &str =
    "redis: a relative include, read from a working directory the files do not show";

/// A line Redis refused.
#[derive(Debug)]
struct Refused {
    /// The file (relative to the tree) and 1-based line.
    file: String,
    line: usize,
    /// The trimmed line as Redis printed it.
    text: String,
    reason: String,
}

/// What Redis made of one configuration.
#[derive(Debug)]
enum Outcome {
    Accepted,
    Refused {
        line: usize,
        text: String,
        reason: String,
    },
    /// An include Redis could not open.
    MissingInclude(String),
    Unexpected(String),
}

fn redis_server(dir: &Path, file: &str, sentinel: bool) -> Outcome {
    let mut command = Command::new("redis-server");
    command.current_dir(dir).arg(file);
    if sentinel {
        command.arg("--sentinel");
    }
    command
        .args([
            "--port",
            "0",
            "--unixsocket",
            "/nonexistent/clusterlint/r.sock",
        ])
        .args([
            "--daemonize",
            "no",
            "--logfile",
            "",
            "--pidfile",
            "",
            "--save",
            "",
        ])
        .arg("--dir")
        .arg(dir);
    let run = oracle::run(&mut command, Duration::from_secs(10), None);
    let out = run.output();
    if let Some(at) = out.find("*** FATAL CONFIG FILE ERROR") {
        let rest: Vec<&str> = out[at..].lines().collect();
        let line = rest
            .iter()
            .find_map(|l| l.strip_prefix("Reading the configuration file, at line "))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0);
        let text = rest
            .iter()
            .find_map(|l| l.strip_prefix(">>> '"))
            .map(|t| t.strip_suffix('\'').unwrap_or(t).to_string())
            .unwrap_or_default();
        let reason = rest
            .iter()
            .skip_while(|l| !l.starts_with(">>> "))
            .nth(1)
            .or_else(|| rest.get(1))
            .unwrap_or(&"")
            .trim()
            .to_string();
        return Outcome::Refused { line, text, reason };
    }
    if let Some(at) = out.find("can't open config file '") {
        let name = &out[at + "can't open config file '".len()..];
        return Outcome::MissingInclude(name.split('\'').next().unwrap_or("").to_string());
    }
    if out.contains("Failed opening Unix socket") {
        return Outcome::Accepted;
    }
    Outcome::Unexpected(out.lines().take(12).collect::<Vec<_>>().join("\n"))
}

/// Kills a server when dropped, even when the test fails.
struct Kill(std::process::Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The directive names the installed Redis knows (`CONFIG GET *`, which
/// lists aliases too), plus the directives it handles by hand.
fn oracle_names() -> BTreeSet<String> {
    let scratch = tempfile::tempdir().unwrap();
    let socket = scratch.path().join("r.sock");
    let mut server = Command::new("redis-server");
    server
        .args([
            "--port",
            "0",
            "--save",
            "",
            "--logfile",
            "",
            "--daemonize",
            "no",
        ])
        .arg("--unixsocket")
        .arg(&socket)
        .arg("--dir")
        .arg(scratch.path());
    let socket_ready = |_: &str| socket.exists();
    let stop: &dyn Fn(&str) -> bool = &socket_ready;
    // Start it, wait for the socket, query it, then let the guard kill it.
    let server = server
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("redis-server starts");
    let _server = Kill(server);
    let start = std::time::Instant::now();
    while !stop("") && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let output = Command::new("redis-cli")
        .arg("-s")
        .arg(&socket)
        .args(["config", "get", "*"])
        .output()
        .expect("redis-cli runs");
    let mut names: BTreeSet<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .step_by(2)
        .map(str::to_string)
        .collect();
    assert!(names.len() > 50, "CONFIG GET * listed too few names");
    for special in [
        "include",
        "rename-command",
        "user",
        "loadmodule",
        "sentinel",
    ] {
        names.insert(special.to_string());
    }
    names
}

/// Where an absolute include path lies in the tree: mirrored below the
/// tree (a node folder laid out as the machine, `etc/redis/x.conf`), or,
/// for Redis's usual folders, next to the main file.
fn map_absolute(tree: &Path, main_dir: &Path, value: &str) -> Option<String> {
    let inside = value.strip_prefix('/')?;
    let mut candidates = vec![inside.to_string()];
    for usual in ["etc/redis/", "usr/local/etc/redis/", "etc/"] {
        if let Some(rest) = inside.strip_prefix(usual) {
            candidates.push(oracle::relative(Path::new(""), &main_dir.join(rest)));
        }
    }
    candidates.into_iter().find(|c| tree.join(c).is_file())
}

/// The file and the files it includes (that exist), relative to the tree.
fn include_closure(tree: &Path, main: &str) -> Vec<String> {
    let main_dir = Path::new(main)
        .parent()
        .unwrap_or(Path::new(""))
        .to_path_buf();
    let mut out = vec![main.to_string()];
    let mut i = 0;
    while i < out.len() {
        let bytes = fs::read(tree.join(&out[i])).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        for reference in formats::parse(Format::REDIS, &text).references(&text) {
            // Only includes: certificate files are read by TLS, not parsed.
            if reference.kind != ReferenceKind::File || reference.format != Format::REDIS {
                continue;
            }
            // Redis opens relative includes from its working folder: the
            // main file's.
            let path = if reference.value.starts_with('/') {
                map_absolute(tree, &main_dir, &reference.value)
            } else {
                Some(oracle::relative(
                    Path::new(""),
                    &main_dir.join(&reference.value),
                ))
            };
            if let Some(path) = path
                && tree.join(&path).is_file()
                && !out.contains(&path)
            {
                out.push(path);
            }
        }
        i += 1;
    }
    out
}

/// The oracle's copy of a file: absolute includes point into the copied
/// tree (or at nothing), and the directives that touch the machine (log
/// file, working folder, pid file, daemon mode) get harmless values. Line
/// numbers do not move.
fn sandboxed(text: &str, tree: &Path, main_dir: &Path, scratch: &Path) -> String {
    let doc = redis::parse(text);
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    for d in &doc.directives {
        let line = oracle::line_of(text, d.range.start) - 1;
        let value = d.args.first().map(|a| a.text(text)).unwrap_or_default();
        let replacement = match d.name.as_ref() {
            "include" if d.args.len() == 1 && value.starts_with('/') => {
                let target = map_absolute(tree, main_dir, value).map_or_else(
                    || scratch.join("absent").join(value.trim_start_matches('/')),
                    |rel| scratch.join(rel),
                );
                Some(format!("include {}", target.display()))
            }
            "logfile" | "pidfile" if d.args.len() == 1 => Some(format!("{} \"\"", d.name)),
            "dir" if d.args.len() == 1 => Some(format!("dir {}", scratch.display())),
            "daemonize" | "supervised" if d.args.len() == 1 => Some(format!("{} no", d.name)),
            // Redis loads its certificates at start: whether they exist
            // and match is the tls rules' business, so TLS is set aside
            // (its port becomes the plain one, on the same line).
            "tls-cert-file" | "tls-key-file" | "tls-ca-cert-file" | "tls-ca-cert-dir"
                if d.args.len() == 1 =>
            {
                Some(format!("# {} set aside", d.name))
            }
            "tls-port" if d.args.len() == 1 => Some(format!("port {value}")),
            _ => None,
        };
        if let Some(r) = replacement {
            lines[line] = r;
        }
    }
    lines.join("\n")
}

fn is_sentinel_config(text: &str) -> bool {
    redis::parse(text)
        .directives
        .iter()
        .any(|d| d.name == "sentinel" && !d.args.is_empty())
}

/// Checks one input; returns the unexplained disagreements.
fn check(input: &Input, names: &BTreeSet<String>, tally: &mut Tally) -> Vec<String> {
    let scratch = tempfile::tempdir().unwrap();
    let main = input.relative();
    let closure = include_closure(&input.tree, &main);
    let main_rel_dir = Path::new(&main)
        .parent()
        .unwrap_or(Path::new(""))
        .to_path_buf();
    for path in &closure {
        let target = scratch.path().join(path);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        let text = String::from_utf8_lossy(&fs::read(input.tree.join(path)).unwrap()).into_owned();
        fs::write(
            &target,
            sandboxed(&text, &input.tree, &main_rel_dir, scratch.path()),
        )
        .unwrap();
    }
    let main_text = String::from_utf8_lossy(&fs::read(&input.path).unwrap()).into_owned();
    let sentinel = is_sentinel_config(&main_text);
    let main_dir = scratch.path().join(&main).parent().unwrap().to_path_buf();
    let main_name = Path::new(&main)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();

    // Redis, line after line.
    let mut refused: Vec<Refused> = Vec::new();
    let mut missing_includes = Vec::new();
    let mut problems = Vec::new();
    let mut unexpected = None;
    for _ in 0..200 {
        match redis_server(&main_dir, &main_name, sentinel) {
            Outcome::Accepted => break,
            Outcome::MissingInclude(name) => {
                missing_includes.push(name);
                break;
            }
            Outcome::Unexpected(out) => {
                unexpected = Some(out);
                break;
            }
            Outcome::Refused { line, text, reason } => {
                let Some(file) = closure.iter().find(|path| {
                    let body = fs::read_to_string(scratch.path().join(path)).unwrap_or_default();
                    body.split('\n')
                        .nth(line.wrapping_sub(1))
                        .is_some_and(|l| l.trim_matches([' ', '\t', '\r', '\n']) == text)
                }) else {
                    problems.push(format!(
                        "{}: redis refused line {line} ({reason}) but no file has it",
                        input.label
                    ));
                    break;
                };
                // Neutralise the line and go on.
                let path = scratch.path().join(file);
                let body = fs::read(&path).unwrap();
                let mut lines: Vec<Vec<u8>> =
                    body.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
                lines[line - 1] = b"# refused by the oracle".to_vec();
                fs::write(&path, lines.join(&b'\n')).unwrap();
                refused.push(Refused {
                    file: file.clone(),
                    line,
                    text,
                    reason,
                });
            }
        }
    }

    // clusterlint, on the same files.
    // A fixture's node folder is linted whole (absolute includes resolve
    // in it); a corpus folder holds many unrelated files, so only the
    // closure.
    let files: Vec<(String, Vec<u8>)> = if input.origin == Origin::Fixture {
        oracle::read_tree(&input.tree)
    } else {
        oracle::read_files(&input.tree, &closure)
    };
    let canonical = if sentinel {
        "sentinel.conf"
    } else {
        "redis.conf"
    };
    let verdict = oracle::clusterlint_verdict(Format::REDIS, &files, &main, canonical, &closure);
    let ours: BTreeSet<(String, usize)> = verdict
        .refusals
        .iter()
        .filter(|r| r.rule == "core/parse-error" && closure.contains(&r.file))
        .map(|r| (r.file.clone(), r.line))
        .collect();
    if let Some(out) = unexpected {
        // Redis recursing through an include loop until it crashes or
        // hangs: clusterlint must have found the loop.
        if !verdict
            .refusals
            .iter()
            .any(|r| r.rule == "core/include-cycle")
        {
            problems.push(format!(
                "{}: unexpected redis-server output:\n{out}",
                input.label
            ));
        }
    }

    for r in &refused {
        if ours.contains(&(r.file.clone(), r.line)) {
            continue;
        }
        let name = redis::split_args(&r.text, 0)
            .ok()
            .and_then(|a| a.into_iter().next())
            .map(|a| a.text(&r.text).to_ascii_lowercase())
            .unwrap_or_default();
        let category = match r.reason.as_str() {
            "Unbalanced quotes in configuration line" => None,
            _ if name == "sentinel" => Some(SENTINEL),
            "Bad directive or wrong number of arguments" | "wrong number of arguments" => {
                if names.contains(&name) {
                    Some(ARGUMENT_COUNT)
                } else if redis::is_known_directive(&name) {
                    Some(OTHER_VERSION)
                } else {
                    None
                }
            }
            reason if reason.starts_with("Can't chdir") || reason.starts_with("Can't open") => {
                Some(ENVIRONMENT)
            }
            _ => Some(OPTION_VALUE),
        };
        match category {
            Some(category) => tally.diverge(category),
            None => problems.push(format!(
                "{} {}:{}: redis refuses ({}) but clusterlint accepts",
                input.label, r.file, r.line, r.reason
            )),
        }
    }
    let theirs: BTreeSet<(String, usize)> =
        refused.iter().map(|r| (r.file.clone(), r.line)).collect();
    for (file, line) in &ours {
        if !theirs.contains(&(file.clone(), *line)) {
            let message = verdict
                .refusals
                .iter()
                .find(|r| r.file == *file && r.line == *line)
                .map_or("", |r| r.message.as_str());
            problems.push(format!(
                "{} {file}:{line}: clusterlint refuses ({message}) but redis accepts",
                input.label
            ));
        }
    }
    for name in &missing_includes {
        let reported = verdict
            .refusals
            .iter()
            .any(|r| r.rule == "core/include-not-found");
        if reported {
            continue;
        }
        if verdict.loaded.len() < closure.len() || !verdict.loaded.contains(&main) {
            tally.diverge(INCLUDES_PENDING);
        } else if !name.starts_with('/') {
            tally.diverge(WORKING_DIRECTORY);
        } else {
            problems.push(format!(
                "{}: redis cannot open include `{name}`, clusterlint does not say so",
                input.label
            ));
        }
    }
    tally.count(input.origin);
    problems
}

/// Hand-made cases for what the corpus lacks.
const EDGE_CASES: &[(&str, &str)] = &[
    ("inline-comment", "port 6379 # the port\n"),
    ("inline-comment-save", "save 900 1 # every 15 minutes\n"),
    ("hash-password", "requirepass #notacomment\n"),
    ("typo", "requirepas foo\nmaxmemory 100mb\n"),
    ("case", "PORT 7000\nMaxMemory 1gb\n"),
    ("unbalanced", "requirepass \"abc\n"),
    ("quote-glued", "requirepass \"abc\"def\n"),
    ("quotes-concatenated", "requirepass foo\"bar baz\"\n"),
    ("single-quotes", "requirepass 'it\\'s'\n"),
    ("empty-arg", "save \"\"\nbind \"\"\n"),
    ("alone", "port\n"),
    ("include-two", "include a.conf b.conf\n"),
    ("rename-one", "rename-command CONFIG\n"),
    ("rename-delete", "rename-command FLUSHALL \"\"\n"),
    ("crlf", "port 7000\r\nmaxmemory 1gb\r\n"),
    ("deprecated", "list-max-ziplist-entries 512\n"),
    ("module-option", "loadmodule /nonexistent/x.so\n"),
    ("extra-blank", "  \t port   7000  \t\n\n\n"),
];

fn inputs() -> (Vec<Input>, tempfile::TempDir) {
    let mut inputs = Vec::new();
    {
        let corpus = common::corpus();
        inputs.extend(oracle::corpus_inputs(&corpus, "redis"));
    }
    inputs.extend(oracle::fixture_inputs(Format::REDIS));
    let edges = tempfile::tempdir().unwrap();
    for (name, text) in EDGE_CASES {
        let tree = edges.path().join(name);
        fs::create_dir_all(&tree).unwrap();
        let path = tree.join("redis.conf");
        fs::write(&path, text).unwrap();
        inputs.push(Input {
            label: format!("edge/{name}"),
            origin: Origin::Edge,
            path,
            tree,
        });
    }
    (inputs, edges)
}

#[test]
fn redis_conf_agrees_with_redis_server() {
    if !oracle::available("redis-server", &["--version"])
        || !oracle::available("redis-cli", &["--version"])
    {
        common::missing("redis-server (Debian package redis-server)");
        return;
    }
    let names = oracle_names();
    let (inputs, _edges) = inputs();
    let results = oracle::par_map(&inputs, |input| {
        let mut tally = Tally::default();
        let problems = check(input, &names, &mut tally);
        (tally, problems)
    });
    let mut tally = Tally::default();
    let mut problems = Vec::new();
    for (t, p) in results {
        tally.merge(t);
        problems.extend(p);
    }
    tally.print("redis-server");
    oracle::assert_agree("redis-server", &problems);
}
