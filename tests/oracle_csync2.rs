//! Differential test: clusterlint's csync2 parse against `csync2` itself,
//! on every corpus and fixture file of the format and on edge cases.
//!
//! csync2 reads its configuration in hint mode (`-h` with no files does
//! nothing after parsing), from a temporary system folder
//! (`CSYNC2_SYSTEM_DIR`, `-C t` reads `csync2_t.cfg`) with its database
//! there too (`-D sqlite3://...`), as the first host the file names (`-N`).
//! It stops at the first error: a syntax error (`Near line N`) must be
//! refused by clusterlint too, at the same line for a file without
//! includes; a key file it cannot read or does not like is replaced by a
//! valid one and csync2 runs again (key files are checked by rules, not by
//! the parser); other refusals fall in the categories of
//! `tests/oracle/DIVERGENCES.md`. A file csync2 accepts must get no
//! refusal from clusterlint.

mod common;
mod oracle;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use clusterlint::formats::{Format, csync2};
use oracle::{Input, Origin, Tally};

/// Divergence categories (see tests/oracle/DIVERGENCES.md, section csync2).
const FORK: &str = "csync2: statement of the schafdog fork";
const SEMANTIC: &str = "csync2: configuration check beyond the grammar";
const KEY_FILE: &str = "csync2: key file replaced";
const INCLUDE_OUTSIDE: &str = "csync2: include outside the checked tree";

/// A valid key: 32 or more of `[A-Za-z0-9._]` on the first line.
const KEY: &str = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL\n";

#[derive(Debug)]
enum Outcome {
    Accepted,
    Syntax(usize),
    /// A key file csync2 cannot use.
    Key(String),
    MissingInclude(String),
    /// Includes nested more than ten deep: a loop, most likely.
    Loop,
    Semantic(String),
    Unexpected(String),
}

fn csync2_run(dir: &Path, host: &str) -> Outcome {
    let mut command = Command::new("csync2");
    command
        .current_dir(dir)
        .env("CSYNC2_SYSTEM_DIR", dir)
        .args(["-C", "t", "-N", host, "-D"])
        .arg(format!("sqlite3://{}/oracle.db3", dir.display()))
        .arg("-h");
    let run = oracle::run(&mut command, Duration::from_secs(10), None);
    let out = run.output();
    if run.success() {
        return Outcome::Accepted;
    }
    for line in out.lines() {
        if let Some(rest) = line.strip_prefix("Near line ") {
            let n = rest.split(':').next().unwrap_or("").trim();
            if let Ok(n) = n.parse() {
                return Outcome::Syntax(n);
            }
        }
        for (prefix, suffix) in [
            ("Config error: Can't read keyfile ", "."),
            ("Config error: Key in file ", " is too short."),
        ] {
            if let Some(rest) = line.strip_prefix(prefix) {
                return Outcome::Key(rest.strip_suffix(suffix).unwrap_or(rest).to_string());
            }
        }
        if line.starts_with("Unallowed character") {
            let path = line.rsplit(" in key file ").next().unwrap_or("");
            return Outcome::Key(path.strip_suffix('.').unwrap_or(path).to_string());
        }
        if line.starts_with("Config includes nested too deeply") {
            return Outcome::Loop;
        }
        if let Some(rest) = line.strip_prefix("Can't open included config file '") {
            return Outcome::MissingInclude(rest.trim_end_matches("'.").to_string());
        }
        if line.contains("is not a member of any configured group") {
            // Checked after the whole configuration was read.
            return Outcome::Accepted;
        }
        if line.starts_with("Config error:") {
            return Outcome::Semantic(line.to_string());
        }
    }
    Outcome::Unexpected(out.lines().take(10).collect::<Vec<_>>().join("\n"))
}

/// The host csync2 runs as: the first one the file names.
fn first_host(text: &str) -> String {
    csync2::parse(text)
        .groups
        .iter()
        .flat_map(|g| g.hosts.iter())
        .map(|h| h.name.text.clone())
        .next()
        .unwrap_or_else(|| "localhost".to_string())
}

/// The fork statements of `text`, as 1-based lines.
fn fork_lines(text: &str) -> Vec<usize> {
    csync2::parse(text)
        .statements
        .iter()
        .filter(|s| {
            !matches!(
                s.keyword.text.as_str(),
                "nossl"
                    | "database"
                    | "tempdir"
                    | "lock-timeout"
                    | "ignore"
                    | "no-cygwin-lowercase"
            )
        })
        .map(|s| oracle::line_of(text, s.keyword.range.start))
        .chain(text.match_indices("flags").filter_map(|(at, _)| {
            let line_start = text[..at].rfind('\n').map_or(0, |p| p + 1);
            text[line_start..at]
                .trim()
                .is_empty()
                .then(|| oracle::line_of(text, at as u32))
        }))
        .collect()
}

/// Where an absolute `config` path lies in the tree: mirrored below it
/// (a node folder laid out as the machine), or, for csync2's usual
/// folders, next to the main file.
fn map_absolute(tree: &Path, main_dir: &Path, value: &str) -> Option<String> {
    let inside = value.strip_prefix('/')?;
    let mut candidates = vec![inside.to_string()];
    for usual in ["etc/csync2/", "usr/local/etc/csync2/", "etc/"] {
        if let Some(rest) = inside.strip_prefix(usual) {
            candidates.push(oracle::relative(Path::new(""), &main_dir.join(rest)));
        }
    }
    candidates.into_iter().find(|c| tree.join(c).is_file())
}

/// The file and what it includes (that exists), relative to the tree;
/// csync2 opens relative names from its working folder, the main file's.
fn closure_of(tree: &Path, main: &str) -> Vec<String> {
    let main_dir = Path::new(main)
        .parent()
        .unwrap_or(Path::new(""))
        .to_path_buf();
    let mut out = vec![main.to_string()];
    let mut i = 0;
    while i < out.len() {
        let text =
            String::from_utf8_lossy(&fs::read(tree.join(&out[i])).unwrap_or_default()).into_owned();
        for include in csync2::parse(&text).includes {
            let path = if include.text.starts_with('/') {
                map_absolute(tree, &main_dir, &include.text)
            } else {
                Some(oracle::relative(
                    Path::new(""),
                    &main_dir.join(&include.text),
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

/// The oracle's copy of a file: absolute `config` paths point into the
/// copied tree, or at nothing (never at this machine's files).
fn sandboxed(text: &str, tree: &Path, main_dir: &Path, scratch: &Path) -> String {
    let mut out = text.to_string();
    let mut includes = csync2::parse(text).includes;
    includes.sort_by_key(|i| std::cmp::Reverse(i.range.start));
    for include in includes {
        if !include.text.starts_with('/') {
            continue;
        }
        let target = map_absolute(tree, main_dir, &include.text).map_or_else(
            || {
                scratch
                    .join("absent")
                    .join(include.text.trim_start_matches('/'))
            },
            |rel| scratch.join(rel),
        );
        out.replace_range(include.range.as_usize(), &target.display().to_string());
    }
    out
}

fn check(input: &Input, tally: &mut Tally) -> Vec<String> {
    let mut problems = Vec::new();
    let scratch = tempfile::tempdir().unwrap();
    oracle::copy_tree(&input.tree, scratch.path());
    let main = input.relative();
    let main_copy = scratch.path().join(&main);
    let dir = main_copy.parent().unwrap().to_path_buf();
    let original = fs::read(&input.path).unwrap();
    let text = String::from_utf8_lossy(&original).into_owned();
    let main_rel_dir = Path::new(&main)
        .parent()
        .unwrap_or(Path::new(""))
        .to_path_buf();
    let closure = closure_of(&input.tree, &main);
    for path in &closure {
        let body = String::from_utf8_lossy(&fs::read(input.tree.join(path)).unwrap()).into_owned();
        let copy = sandboxed(&body, &input.tree, &main_rel_dir, scratch.path());
        if *path == main {
            fs::write(dir.join("csync2_t.cfg"), &copy).unwrap();
        }
        fs::write(scratch.path().join(path), copy).unwrap();
    }
    fs::write(dir.join("oracle.key"), KEY).unwrap();
    let host = first_host(&text);

    // A fixture's node folder is linted whole (absolute paths resolve in
    // it); a corpus folder holds unrelated files, so only the closure.
    let files = if input.origin == Origin::Fixture {
        oracle::read_tree(&input.tree)
    } else {
        oracle::read_files(&input.tree, &closure)
    };
    let verdict = oracle::clusterlint_verdict(
        Format::CSYNC2,
        &files,
        &main,
        "csync2.cfg",
        std::slice::from_ref(&main),
    );
    let has_includes = !csync2::parse(&text).includes.is_empty();

    let mut outcome = csync2_run(&dir, &host);
    let mut replaced_keys = 0;
    while let Outcome::Key(path) = &outcome {
        if replaced_keys > 20 || path.is_empty() {
            break;
        }
        replaced_keys += 1;
        if let Ok(inside) = Path::new(path).strip_prefix(&dir) {
            // A relative key path (csync2 reads it from the system
            // folder): write a valid key there.
            let target = dir.join(inside);
            if target.is_dir() {
                break;
            }
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::write(&target, KEY).unwrap();
        } else {
            // Point every mention of that key file at the valid one.
            for file in common::files_under(scratch.path()) {
                let body = fs::read(&file).unwrap();
                let replaced = String::from_utf8_lossy(&body).replace(path.as_str(), "oracle.key");
                if replaced.as_bytes() != body.as_slice() {
                    fs::write(&file, replaced).unwrap();
                }
            }
        }
        outcome = csync2_run(&dir, &host);
    }
    if replaced_keys > 0 {
        tally.diverge(KEY_FILE);
    }

    let first_refusal = verdict
        .refusals
        .iter()
        .find(|r| r.file == main)
        .map(|r| r.line);
    match outcome {
        Outcome::Accepted => {
            for r in verdict
                .refusals
                .iter()
                .filter(|r| closure.contains(&r.file))
            {
                problems.push(format!(
                    "{} {}:{}: clusterlint refuses ({}) but csync2 accepts",
                    input.label, r.file, r.line, r.message
                ));
            }
        }
        Outcome::Syntax(line) => {
            if verdict.rejects() {
                if !has_includes && first_refusal != Some(line) {
                    problems.push(format!(
                        "{}: csync2 reports a syntax error at line {line}, clusterlint first at {first_refusal:?}",
                        input.label
                    ));
                }
            } else {
                // Accepted by clusterlint: only the fork's statements may
                // explain it, in this file or one it includes.
                let fork = verdict.loaded.iter().any(|path| {
                    let body = files
                        .iter()
                        .find(|(p, _)| p == path)
                        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
                        .unwrap_or_default();
                    let lines = fork_lines(&body);
                    if path == &main && !has_includes {
                        lines.contains(&line)
                    } else {
                        !lines.is_empty()
                    }
                });
                if fork {
                    tally.diverge(FORK);
                } else {
                    problems.push(format!(
                        "{}:{line}: csync2 reports a syntax error, clusterlint accepts",
                        input.label
                    ));
                }
            }
        }
        Outcome::MissingInclude(name) => {
            let reported = verdict
                .refusals
                .iter()
                .any(|r| r.rule == "core/include-not-found");
            if !reported {
                if name.starts_with('/') {
                    tally.diverge(INCLUDE_OUTSIDE);
                } else {
                    problems.push(format!(
                        "{}: csync2 cannot open include `{name}`, clusterlint does not say so",
                        input.label
                    ));
                }
            }
        }
        Outcome::Semantic(message) | Outcome::Key(message) => {
            // Refused for a reason the grammar does not show (the rest of
            // the file is not read): both refuse, or this is a check
            // clusterlint leaves to the rules.
            if !verdict.rejects() {
                eprintln!("csync2: {}: {message}", input.label);
                tally.diverge(SEMANTIC);
            }
        }
        Outcome::Loop => {
            if !verdict
                .refusals
                .iter()
                .any(|r| r.rule == "core/include-cycle")
            {
                problems.push(format!(
                    "{}: csync2 finds includes nested too deeply, clusterlint no loop",
                    input.label
                ));
            }
        }
        Outcome::Unexpected(out) => {
            problems.push(format!("{}: unexpected csync2 output:\n{out}", input.label));
        }
    }
    tally.count(input.origin);
    problems
}

/// Hand-made cases for what the corpus lacks.
const EDGE_CASES: &[(&str, &str)] = &[
    ("minimal", "group g { host h1; key oracle.key; }\n"),
    ("anonymous", "group\n{\n host h1;\n key oracle.key;\n}\n"),
    (
        "keyword-as-host",
        "group g {\n host h1 key;\n key oracle.key;\n}\n",
    ),
    (
        "quoted-keyword-host",
        "group g {\n host h1 \"key\";\n key oracle.key;\n}\n",
    ),
    (
        "empty-string",
        "group g {\n host h1 \"\";\n key oracle.key;\n}\n",
    ),
    ("empty-key-string", "group g {\n host h1;\n key \"\";\n}\n"),
    (
        "missing-semicolon",
        "group g {\n host h1\n key oracle.key;\n}\n",
    ),
    (
        "trailing-colon",
        "group g {\n host h1;\n key oracle.key;\n include /etc/a:;\n}\n",
    ),
    (
        "colon-inside",
        "group g {\n host h1;\n key oracle.key;\n include /etc/a:b;\n}\n",
    ),
    (
        "brace-in-word",
        "group g {\n host h1;\n key oracle.key;\n include a{b};\n}\n",
    ),
    ("brace-glued", "group g{\n host h1;\n key oracle.key;\n}\n"),
    (
        "brace-glued-after",
        "group g {host h1;\n key oracle.key;\n}\n",
    ),
    (
        "hash-in-word",
        "group g {\n host h1;\n key oracle.key;\n include /a#b;\n}\n",
    ),
    (
        "peers-and-slaves",
        "group g {\n host h1@h1-eth2 (h2 h3@x) h4;\n key oracle.key;\n}\n",
    ),
    (
        "unclosed-paren",
        "group g {\n host h1 (h2;\n key oracle.key;\n}\n",
    ),
    (
        "double-close",
        "group g {\n host h1;\n key oracle.key;\n}\n}\n",
    ),
    (
        "stray-semicolon",
        "group g {\n host h1;\n key oracle.key;\n}\n;\n",
    ),
    (
        "empty-statement",
        "group g {\n host h1;\n ;\n key oracle.key;\n}\n",
    ),
    (
        "action",
        "group g {\n host h1;\n key oracle.key;\n action {\n  pattern /etc/a /etc/b;\n  exec \"echo %%\";\n  logfile /tmp/l;\n  do-local;\n  do-local-only;\n }\n}\n",
    ),
    (
        "do-local-arg",
        "group g {\n host h1;\n key oracle.key;\n action {\n  do-local x;\n }\n}\n",
    ),
    (
        "logfile-two",
        "group g {\n host h1;\n key oracle.key;\n action {\n  logfile a b;\n }\n}\n",
    ),
    (
        "nossl",
        "nossl * *;\ngroup g { host h1; key oracle.key; }\n",
    ),
    (
        "nossl-one",
        "nossl *;\ngroup g { host h1; key oracle.key; }\n",
    ),
    (
        "prefix",
        "prefix p {\n on h1: /srv/a;\n on *: /srv/b;\n}\ngroup g { host h1; key oracle.key; include %p%; }\n",
    ),
    (
        "prefix-two-paths",
        "prefix p {\n on h1: /a /b;\n}\ngroup g { host h1; key oracle.key; }\n",
    ),
    (
        "ignore",
        "ignore uid gid mod;\ngroup g { host h1; key oracle.key; }\n",
    ),
    (
        "top-level",
        "database \"sqlite3:///tmp/x\";\ntempdir /tmp;\nlock-timeout 10;\ngroup g { host h1; key oracle.key; backup-directory /tmp; backup-generations 3; auto younger; compare; }\n",
    ),
    (
        "config-empty",
        "config;\ngroup g { host h1; key oracle.key; }\n",
    ),
    (
        "comment-glued",
        "group g { host h1; key oracle.key; }# comment\n",
    ),
    (
        "crlf",
        "group g {\r\n host h1;\r\n key oracle.key;\r\n}\r\n",
    ),
    (
        "fork-redis",
        "redis localhost;\ngroup g { host h1; key oracle.key; }\n",
    ),
    (
        "host-named-like-fork",
        "group g { host h1 redis hosts; key oracle.key; }\n",
    ),
    (
        "unclosed-string",
        "group g { host h1; key \"oracle.key; }\n",
    ),
];

/// Cases with more than one file; the first is the main one.
const TREE_CASES: &[(&str, &[(&str, &str)])] = &[
    (
        "config-include",
        &[
            ("csync2.cfg", "nossl * *;\nconfig groups.cfg;\n"),
            ("groups.cfg", "group g { host h1; key oracle.key; }\n"),
        ],
    ),
    (
        "config-include-missing",
        &[(
            "csync2.cfg",
            "config missing.cfg;\ngroup g { host h1; key oracle.key; }\n",
        )],
    ),
    (
        "config-two-names",
        &[
            ("csync2.cfg", "config a.cfg b.cfg;\n"),
            ("a.cfg", "nossl * *;\n"),
            ("b.cfg", "group g { host h1; key oracle.key; }\n"),
        ],
    ),
];

fn inputs() -> (Vec<Input>, tempfile::TempDir) {
    let mut inputs = Vec::new();
    {
        let corpus = common::corpus();
        inputs.extend(oracle::corpus_inputs(&corpus, "csync2"));
    }
    inputs.extend(oracle::fixture_inputs(Format::CSYNC2));
    let edges = tempfile::tempdir().unwrap();
    let cases = EDGE_CASES
        .iter()
        .map(|(name, text)| (*name, vec![("csync2.cfg", *text)]))
        .chain(
            TREE_CASES
                .iter()
                .map(|(name, files)| (*name, files.to_vec())),
        );
    for (name, files) in cases {
        let tree = edges.path().join(name);
        for (path, text) in &files {
            let path = tree.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, text).unwrap();
        }
        fs::write(tree.join("oracle.key"), KEY).unwrap();
        inputs.push(Input {
            label: format!("edge/{name}"),
            origin: Origin::Edge,
            path: tree.join(files[0].0),
            tree,
        });
    }
    (inputs, edges)
}

#[test]
fn csync2_cfg_agrees_with_csync2() {
    if !oracle::available("csync2", &["-V"]) {
        common::missing("csync2 (Debian package csync2)");
        return;
    }
    let (inputs, _edges) = inputs();
    let results = oracle::par_map(&inputs, |input| {
        let mut tally = Tally::default();
        let problems = check(input, &mut tally);
        (tally, problems)
    });
    let mut tally = Tally::default();
    let mut problems = Vec::new();
    for (t, p) in results {
        tally.merge(t);
        problems.extend(p);
    }
    tally.print("csync2");
    oracle::assert_agree("csync2", &problems);
}
