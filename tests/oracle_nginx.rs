//! Differential tests: clusterlint's nginx parse against `nginx -t` and
//! against crossplane, on every corpus and fixture file of the format and
//! on edge cases.
//!
//! * **nginx -t** is the authority on accept or reject. A main
//!   configuration is tested as it is (with `events {}` added when it has
//!   none); a fragment is included from a generated main configuration at
//!   the context its top-level directives fit (crossplane's table of
//!   directives decides: `http`, `http > server`, `http > location`,
//!   `stream`, ...). A fragment that a main configuration of the same tree
//!   includes is judged through that main configuration. nginx runs in
//!   `unshare --net --mount`, with tmpfs over `/var/log` and `/var/lib/nginx`
//!   (no network, no file left behind). nginx stops at its first error and
//!   refuses for many reasons clusterlint does not model on purpose; those
//!   are the categories of `tests/oracle/DIVERGENCES.md`. Asserted: when
//!   clusterlint refuses, nginx refuses, not later in the same file; when
//!   nginx refuses for a lexical reason or a missing include, clusterlint
//!   refuses at the same file and line.
//! * **crossplane** (`tests/oracle/crossplane_dump.py`) gives each file's
//!   statement tree, compared with clusterlint's: names, arguments, lines,
//!   nesting. Files where crossplane's lexer knowingly differs from nginx's
//!   (escapes, `a}b`, quotes glued to words) are counted, not compared.

mod common;
mod oracle;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use clusterlint::formats::{Format, nginx};
use oracle::{Input, Origin, Tally};
use serde_json::Value;

/// nginx messages that come from its lexer or from opening includes: the
/// parser must agree on these.
const LEXICAL: &[&str] = &[
    "unexpected \"",
    "unexpected end of file",
    "too long parameter",
];

/// Divergence categories for what nginx refuses and clusterlint does not
/// model (see tests/oracle/DIVERGENCES.md, section nginx), with the
/// message fragments that select them.
const NON_LEXICAL: &[(&str, &[&str])] = &[
    ("nginx: unknown directive", &["unknown directive"]),
    (
        "nginx: directive not allowed in this context",
        &["directive is not allowed here"],
    ),
    (
        "nginx: argument count, value or block shape",
        &[
            "invalid number of arguments",
            "invalid parameter",
            "invalid value",
            "is not terminated by",
            "has no opening",
            "invalid return code",
            "invalid URL prefix",
            "invalid port",
            "invalid condition",
            "unknown log format",
            "unknown \"",
            "is duplicate",
            "duplicate",
            "conflicting",
            "may not have port",
            "balancing method does not support",
            "load balancing method redefined",
            "zero size shared memory zone",
            "no port in upstream",
            "invalid variable name",
            "unbalanced parenthesis",
            "pcre2_compile",
            "is not allowed",
            "directive is not supported",
            "directive is obsolete",
            "must be less",
            "must be at least",
            "must be equal",
            "invalid time",
            "invalid size",
        ],
    ),
    (
        "nginx: host name resolution (no network)",
        &["host not found", "no resolver defined"],
    ),
    (
        "nginx: missing events section",
        &["no \"events\" section in configuration"],
    ),
    (
        "nginx: certificates and TLS",
        &[
            "cannot load certificate",
            "no \"ssl_certificate\"",
            "SSL_CTX",
            "ssl_stapling",
            "BIO_new_file",
            "PEM_read",
        ],
    ),
    (
        "nginx: files, folders and users of this machine",
        &[
            "open()",
            "mkdir()",
            "getpwnam",
            "getgrnam",
            "bind()",
            "failed (2:",
            "failed (13:",
        ],
    ),
];

const NOT_LEXICAL_FIRST: &str = "nginx: stops first at a non-lexical error";
const INCLUDE_OUTSIDE: &str = "nginx: include outside the checked tree";
const PACKAGE_FILE: &str = "nginx: a file the nginx package installs, absent from the tree";
const TEMPLATE: &str = "nginx: a template of a configuration, not a deployed one";
const HOST_FILE: &str = "nginx: absolute include missing from the tree, present on this machine";
const EOF_PLACE: &str = "nginx: end-of-file error placed at the end, clusterlint at what is open";
const XP_LENIENT: &str =
    "crossplane: accepts what nginx refuses (words before `}`, stray `;` or `{`, glued quotes)";
const XP_LEXER: &str = "crossplane: lexer differs from nginx (escapes, `a}b`, glued quotes)";
const XP_REFUSES: &str = "crossplane: refuses what clusterlint refuses";
const STREAM_MODULE: &str = "/usr/lib/nginx/modules/ngx_stream_module.so";

/// What crossplane said of one file.
struct Crossplane {
    ok: bool,
    parsed: Value,
    includes: Vec<PathBuf>,
    context: String,
}

fn crossplane(paths: &[PathBuf]) -> BTreeMap<PathBuf, Crossplane> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/crossplane_dump.py");
    let output = Command::new("python3")
        .arg(script)
        .args(paths)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "crossplane_dump.py failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut out = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let v: Value = serde_json::from_str(line).expect("JSON from crossplane_dump.py");
        let file = PathBuf::from(v["file"].as_str().unwrap_or_default());
        out.insert(
            file,
            Crossplane {
                ok: v["status"] == "ok",
                parsed: v["parsed"].clone(),
                includes: v["includes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p.as_str().map(PathBuf::from))
                    .collect(),
                context: v["context"].as_str().unwrap_or("main").to_string(),
            },
        );
    }
    out
}

/// nginx's first error: message, and file (as nginx printed it) and line.
#[derive(Debug)]
struct Emerg {
    message: String,
    at: Option<(String, usize)>,
}

fn nginx_t(prefix: &Path, conf: &Path, load_stream: bool) -> Option<Emerg> {
    let mut command = Command::new("unshare");
    command.args(["--net", "--mount", "sh", "-c"]).arg(
        "mount -t tmpfs tmpfs /var/log && mkdir -p /var/log/nginx && \
         mount -t tmpfs tmpfs /var/lib/nginx && \
         exec nginx -t -q -p \"$1\" -c \"$2\" -e stderr ${3:+-g \"$3\"}",
    );
    command
        .arg("sh")
        .arg(format!("{}/", prefix.display()))
        .arg(conf);
    command.arg(if load_stream {
        format!("load_module {STREAM_MODULE};")
    } else {
        String::new()
    });
    let run = oracle::run(&mut command, Duration::from_secs(20), None);
    if run.success() {
        return None;
    }
    let out = run.output();
    let line = out
        .lines()
        .find(|l| l.contains("[emerg]"))
        .unwrap_or_else(|| {
            out.lines()
                .next()
                .unwrap_or("nginx failed without a message")
        });
    let message = line.split("[emerg] ").nth(1).unwrap_or(line);
    // `12345#12345: ` (process and thread) comes first.
    let message = match message.split_once(": ") {
        Some((pid, rest)) if pid.chars().all(|c| c.is_ascii_digit() || c == '#') => rest,
        _ => message,
    }
    .to_string();
    // `... in /path/file:12`
    let at = message.rsplit_once(" in ").and_then(|(_, place)| {
        let (file, line) = place.rsplit_once(':')?;
        Some((file.to_string(), line.trim().parse().ok()?))
    });
    let message = match &at {
        Some(_) => message
            .rsplit_once(" in ")
            .map_or(message.clone(), |(m, _)| m.to_string()),
        None => message,
    };
    Some(Emerg { message, at })
}

fn category_of(message: &str) -> Option<&'static str> {
    NON_LEXICAL
        .iter()
        .find(|(_, patterns)| patterns.iter().any(|p| message.contains(p)))
        .map(|(name, _)| *name)
}

fn is_lexical(message: &str) -> bool {
    LEXICAL.iter().any(|p| message.starts_with(p))
}

/// The wrapper text for a fragment at `context`, including `name`.
fn wrapper(context: &str, name: &str, has_events: bool) -> String {
    let include = format!("include {name};");
    let events = if has_events { "" } else { "events {}\n" };
    match context {
        "main" => format!("{include}\n{events}"),
        "events" => format!("events {{ {include} }}\n"),
        "http" => format!("events {{}}\nhttp {{ {include} }}\n"),
        "http server" => format!("events {{}}\nhttp {{ server {{ {include} }} }}\n"),
        "http location" => {
            format!("events {{}}\nhttp {{ server {{ location / {{ {include} }} }} }}\n")
        }
        "http upstream" => format!("events {{}}\nhttp {{ upstream oracle {{ {include} }} }}\n"),
        "stream" => format!("events {{}}\nstream {{ {include} }}\n"),
        "stream server" => format!("events {{}}\nstream {{ server {{ {include} }} }}\n"),
        other => panic!("unknown context {other}"),
    }
}

fn top_level_names(text: &str) -> Vec<String> {
    nginx::parse(text)
        .directives()
        .iter()
        .map(|d| d.name(text).to_string())
        .collect()
}

/// Runs nginx on one configuration (an input, or the wrapper around it)
/// and compares with clusterlint; returns the problems.
fn check_nginx(
    input: &Input,
    xp: &BTreeMap<PathBuf, Crossplane>,
    tally: &mut Tally,
) -> Vec<String> {
    let mut problems = Vec::new();
    let info = xp.get(&input.path);
    let context = info.map_or("main", |i| i.context.as_str());
    let text = String::from_utf8_lossy(&fs::read(&input.path).unwrap()).into_owned();
    let names = top_level_names(&text);
    let has_events = names.iter().any(|n| n == "events");

    let scratch = tempfile::tempdir().unwrap();
    let prefix = scratch.path().join("t");
    oracle::copy_tree(&input.tree, &prefix);
    let main = input.relative();
    let main_dir = Path::new(&main)
        .parent()
        .unwrap_or(Path::new(""))
        .to_path_buf();
    let file_name = Path::new(&main)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let wrapped = !(context == "main" && has_events);
    let conf_rel = if wrapped {
        let rel = main_dir.join("oracle-wrapper.conf");
        fs::write(prefix.join(&rel), wrapper(context, &file_name, has_events)).unwrap();
        oracle::relative(Path::new(""), &rel)
    } else {
        main.clone()
    };
    let conf = prefix.join(&conf_rel);

    // The files clusterlint gets: the configuration and what it includes.
    let mut closure: BTreeSet<String> = BTreeSet::new();
    closure.insert(main.clone());
    if let Some(info) = info {
        for inc in &info.includes {
            if let Ok(rel) = inc.strip_prefix(&input.tree) {
                closure.insert(oracle::relative(Path::new(""), rel));
            }
        }
    }
    // clusterlint reads the file itself as the main configuration: it
    // parses every context alike, and the wrapper sits in the file's folder,
    // so includes resolve the same way.
    let files: Vec<(String, Vec<u8>)> = closure
        .iter()
        .map(|p| (p.clone(), fs::read(input.tree.join(p)).unwrap()))
        .collect();
    let verdict = oracle::clusterlint_verdict(
        Format::NGINX,
        &files,
        &main,
        "nginx.conf",
        &closure.iter().cloned().collect::<Vec<_>>(),
    );

    let uses_stream = names.iter().any(|n| n == "stream") || context.starts_with("stream");
    let load_stream = uses_stream && !text.contains("ngx_stream_module");
    let emerg = nginx_t(&prefix, &conf, load_stream);
    let to_rel = |file: &str| -> String {
        Path::new(file)
            .strip_prefix(&prefix)
            .map_or(file.to_string(), |r| oracle::relative(Path::new(""), r))
    };

    let ours_first = verdict.refusals.first();
    match (&emerg, ours_first) {
        (None, None) => {}
        (None, Some(r)) => {
            // An absolute include that is missing from the cluster tree but
            // exists on this machine (nginx is installed here).
            let on_this_machine = r.rule == "core/include-not-found"
                && r.message
                    .split('`')
                    .nth(1)
                    .is_some_and(|p| p.starts_with('/') && Path::new(p).exists());
            if on_this_machine
                && verdict
                    .refusals
                    .iter()
                    .all(|x| x.rule == "core/include-not-found")
            {
                tally.diverge(HOST_FILE);
            } else {
                problems.push(format!(
                    "{}: clusterlint refuses {}:{} ({}) but nginx -t accepts",
                    input.label, r.file, r.line, r.message
                ));
            }
        }
        (Some(e), _) => {
            let place = e.at.as_ref().map(|(f, l)| (to_rel(f), *l));
            let refused_there = place.as_ref().is_some_and(|(f, l)| {
                verdict
                    .refusals
                    .iter()
                    .any(|r| &r.file == f && r.line == *l)
            });
            let include_missing = e.message.starts_with("open()")
                && place.as_ref().is_some_and(|(f, l)| {
                    let body = fs::read(prefix.join(f)).unwrap_or_default();
                    let body = String::from_utf8_lossy(&body);
                    nginx::parse(&body).walk().any(|(_, d)| {
                        d.name(&body) == "include"
                            && oracle::line_of(&body, d.name_word().range.start) == *l
                    })
                });
            // nginx places an end-of-file error at the end; clusterlint at
            // what was left open (the block's `{`, the statement's start).
            let eof_in_file = e.message.starts_with("unexpected end of file")
                && place
                    .as_ref()
                    .is_some_and(|(f, _)| verdict.refusals.iter().any(|r| &r.file == f));
            if is_lexical(&e.message) || include_missing {
                if eof_in_file {
                    tally.diverge(EOF_PLACE);
                } else if !refused_there {
                    let outside = include_missing
                        && e.message
                            .split('"')
                            .nth(1)
                            .is_some_and(|p| !Path::new(p).starts_with(&prefix));
                    let package_file = include_missing
                        && e.message.split('"').nth(1).is_some_and(|p| {
                            let name = p.rsplit('/').next().unwrap_or(p);
                            clusterlint::includes::may_be_absent(
                                clusterlint::formats::Format::NGINX,
                                name,
                                clusterlint::formats::ReferenceKind::File,
                            )
                        });
                    if outside {
                        tally.diverge(INCLUDE_OUTSIDE);
                    } else if package_file {
                        tally.diverge(PACKAGE_FILE);
                    } else if clusterlint::layout::in_tooling_folder(&input.label) {
                        tally.diverge(TEMPLATE);
                    } else {
                        problems.push(format!(
                            "{}: nginx -t refuses at {:?} ({}); clusterlint {}",
                            input.label,
                            place,
                            e.message,
                            ours_first.map_or("accepts".to_string(), |r| format!(
                                "first refuses {}:{} ({})",
                                r.file, r.line, r.message
                            ))
                        ));
                    }
                }
            } else if let Some(r) = ours_first {
                // Both refuse; nginx's first error is a check clusterlint
                // does not make. clusterlint must not refuse a line nginx
                // had already read without complaint.
                let later = place
                    .as_ref()
                    .is_some_and(|(f, l)| *f == r.file && r.line < *l);
                if later && !refused_there {
                    problems.push(format!(
                        "{}: clusterlint refuses {}:{} ({}), nginx read past it and stopped at {:?} ({})",
                        input.label, r.file, r.line, r.message, place, e.message
                    ));
                } else {
                    tally.diverge(NOT_LEXICAL_FIRST);
                }
            } else {
                match category_of(&e.message) {
                    Some(category) => tally.diverge(category),
                    None => problems.push(format!(
                        "{}: nginx -t refuses ({}) at {:?}, clusterlint accepts, and no divergence category explains it",
                        input.label, e.message, place
                    )),
                }
            }
        }
    }
    problems
}

/// One statement as both trees are compared: name, arguments, line,
/// children.
#[derive(Debug, PartialEq, Eq)]
struct Stmt {
    name: String,
    args: Vec<String>,
    line: usize,
    block: Option<Vec<Stmt>>,
}

fn from_crossplane(list: &Value) -> Vec<Stmt> {
    list.as_array()
        .into_iter()
        .flatten()
        // Comments between arguments come out as `#` statements.
        .filter(|s| s["directive"] != "#")
        .map(|s| Stmt {
            name: s["directive"].as_str().unwrap_or_default().to_string(),
            args: s["args"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|a| a.as_str().unwrap_or_default().to_string())
                .collect(),
            line: usize::try_from(s["line"].as_u64().unwrap_or(0)).unwrap_or(0),
            block: s.get("block").map(from_crossplane),
        })
        .collect()
}

/// crossplane's `_prepare_if_args`: the parentheses of `if (...)` go.
fn strip_if_parens(args: &mut Vec<String>) {
    if args.first().is_some_and(|a| a.starts_with('('))
        && args.last().is_some_and(|a| a.ends_with(')'))
    {
        let first = args[0][1..].trim_start().to_string();
        args[0] = first;
        let last = args.len() - 1;
        let trimmed = args[last][..args[last].len() - 1].trim_end().to_string();
        args[last] = trimmed;
        if args.last().is_some_and(String::is_empty) {
            args.pop();
        }
        if args.first().is_some_and(String::is_empty) {
            args.remove(0);
        }
    }
}

fn from_clusterlint(list: nginx::Directives<'_>, text: &str) -> Vec<Stmt> {
    list.iter()
        .map(|d| {
            let name = d.name(text).to_string();
            let mut args: Vec<String> = d.args().iter().map(|a| a.text(text).to_string()).collect();
            if name == "if" {
                strip_if_parens(&mut args);
            }
            Stmt {
                line: oracle::line_of(text, d.name_word().range.start),
                block: d.block().map(|_| from_clusterlint(d.children(), text)),
                name,
                args,
            }
        })
        .collect()
}

/// The first difference between two trees, for the failure message.
fn first_difference(a: &[Stmt], b: &[Stmt]) -> Option<String> {
    for (x, y) in a.iter().zip(b) {
        if x.name != y.name || x.args != y.args || x.line != y.line {
            return Some(format!("crossplane {x:?}\n  clusterlint {y:?}"));
        }
        match (&x.block, &y.block) {
            (Some(xb), Some(yb)) => {
                if let Some(d) = first_difference(xb, yb) {
                    return Some(d);
                }
            }
            (None, None) => {}
            _ => {
                return Some(format!(
                    "block differs at line {}: crossplane {:?} / clusterlint {:?}",
                    x.line,
                    x.block.is_some(),
                    y.block.is_some()
                ));
            }
        }
    }
    (a.len() != b.len()).then(|| format!("{} statements / {}", a.len(), b.len()))
}

/// What crossplane's lexer knowingly reads differently from nginx
/// (FORMATS 5.5): backslash escapes, `}` inside a word, quotes glued to
/// words.
fn crossplane_lexes_differently(text: &str) -> bool {
    let doc = nginx::parse(text);
    doc.walk().any(|(_, d)| {
        d.args()
            .iter()
            .chain(std::iter::once(d.name_word()))
            .any(|w| {
                let raw = w.range.slice(text);
                let escapes = ["\\\\", "\\t", "\\r", "\\n", "\\\"", "\\'"]
                    .iter()
                    .any(|e| raw.contains(e));
                escapes || (!w.quoted && (raw.contains('}') || raw.contains(['"', '\''])))
            })
    })
}

fn check_crossplane(
    input: &Input,
    xp: &BTreeMap<PathBuf, Crossplane>,
    tally: &mut Tally,
) -> Vec<String> {
    let Some(info) = xp.get(&input.path) else {
        return vec![format!("{}: crossplane said nothing", input.label)];
    };
    let text = String::from_utf8_lossy(&fs::read(&input.path).unwrap()).into_owned();
    let doc = nginx::parse(&text);
    if crossplane_lexes_differently(&text) {
        tally.diverge(XP_LEXER);
        return Vec::new();
    }
    match (info.ok, doc.errors.is_empty()) {
        (true, true) => {
            let theirs = from_crossplane(&info.parsed);
            let ours = from_clusterlint(doc.directives(), &text);
            match first_difference(&theirs, &ours) {
                Some(d) => vec![format!("{}: statement trees differ:\n  {d}", input.label)],
                None => Vec::new(),
            }
        }
        (false, false) => {
            tally.diverge(XP_REFUSES);
            Vec::new()
        }
        (true, false) => {
            // nginx is the authority here; the nginx -t test checks the
            // same file.
            tally.diverge(XP_LENIENT);
            Vec::new()
        }
        (false, true) => vec![format!(
            "{}: crossplane refuses, clusterlint reads it",
            input.label
        )],
    }
}

/// Hand-made cases for what the corpus lacks.
const EDGE_CASES: &[(&str, &str)] = &[
    (
        "valid",
        "events {}\nhttp {\n  server {\n    listen 19480;\n    location / { return 200 ok; }\n  }\n}\n",
    ),
    (
        "brace-in-word",
        "events {}\nhttp { server { listen 19480; location / { return 200 a}b; } } }\n",
    ),
    (
        "hash-in-word",
        "events {}\nhttp { server { listen 19480; location / { return 200 a#b; } } }\n",
    ),
    (
        "quote-glued",
        "events {}\nhttp { server { listen 19480; location / { return 200 \"a\"b; } } }\n",
    ),
    (
        "quote-pair",
        "events {}\nhttp { server { listen 19480; location / { return 200 'it''s'; } } }\n",
    ),
    (
        "quote-unclosed",
        "events {}\nhttp { server { listen 19480; location / { return 200 \"a; } } }\n",
    ),
    (
        "missing-close",
        "events {}\nhttp { server { listen 19480;\n",
    ),
    (
        "extra-close",
        "events {}\nhttp { server { listen 19480; } }\n}\n",
    ),
    ("lone-semicolon", "events {}\n;\nhttp {}\n"),
    ("lone-brace", "events {}\n{ }\nhttp {}\n"),
    (
        "missing-semicolon",
        "events {}\nhttp {\n  server {\n    listen 19480\n  }\n}\n",
    ),
    ("eof-statement", "events {}\nhttp {}\nworker_processes 1"),
    (
        "variable-braces",
        "events {}\nhttp { server { listen 19480; set $a 1; location / { return 200 ${a}x; } } }\n",
    ),
    (
        "quoted-braces",
        "events {}\nhttp { server { listen 19480; location / { return 200 \"}{;\"; } } }\n",
    ),
    (
        "if-parens",
        "events {}\nhttp { server { listen 19480; if ($request_method = POST) { return 405; } } }\n",
    ),
    (
        "comment-mid",
        "events {}\nhttp { server { listen # port\n 19480; } }\n",
    ),
    (
        "crlf",
        "events {}\r\nhttp {\r\n server { listen 19480; }\r\n}\r\n",
    ),
    (
        "tabs",
        "events\t{}\nhttp\t{\tserver\t{\tlisten\t19480;\t}\t}\n",
    ),
    (
        "unknown-directive",
        "events {}\nhttp { server { listen 19480; locaton / { } } }\n",
    ),
    (
        "include-missing",
        "events {}\nhttp { include missing.conf; }\n",
    ),
    (
        "include-glob-empty",
        "events {}\nhttp { include nothing/*.conf; }\n",
    ),
    (
        "upstream",
        "events {}\nhttp {\n upstream b { server 127.0.0.1:19481; server 127.0.0.1:19482 backup; }\n server { listen 19480; location / { proxy_pass http://b; } }\n}\n",
    ),
    (
        "stream",
        "events {}\nstream { server { listen 19483; proxy_pass 127.0.0.1:19484; } }\n",
    ),
];

/// A parameter longer than nginx's 4096-byte limit.
fn long_parameter() -> String {
    format!(
        "events {{}}\nhttp {{ server {{ listen 19480; location / {{ return 200 {}; }} }} }}\n",
        "x".repeat(5000)
    )
}

struct Inputs {
    all: Vec<Input>,
    _edges: tempfile::TempDir,
}

fn inputs() -> Inputs {
    let mut all = Vec::new();
    {
        let corpus = common::corpus();
        let base = corpus.join("nginx");
        for mut input in oracle::corpus_inputs(&corpus, "nginx") {
            // The tree is the source folder: includes resolve inside it.
            let source = input
                .path
                .strip_prefix(&base)
                .ok()
                .and_then(|p| p.components().next())
                .map(|c| base.join(c));
            if let Some(source) = source {
                input.tree = source;
            }
            all.push(input);
        }
    }
    all.extend(oracle::fixture_inputs(Format::NGINX));
    let edges = tempfile::tempdir().unwrap();
    let long = long_parameter();
    let cases = EDGE_CASES
        .iter()
        .map(|(n, t)| (*n, (*t).to_string()))
        .chain(std::iter::once(("long-parameter", long)));
    for (name, text) in cases {
        let tree = edges.path().join(name);
        fs::create_dir_all(&tree).unwrap();
        let path = tree.join("nginx.conf");
        fs::write(&path, text).unwrap();
        all.push(Input {
            label: format!("edge/{name}"),
            origin: Origin::Edge,
            path,
            tree,
        });
    }
    Inputs { all, _edges: edges }
}

fn crossplane_available() -> bool {
    Command::new("python3")
        .args(["-c", "import crossplane"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn nginx_agrees_with_nginx_t() {
    if !oracle::available("nginx", &["-v"]) {
        common::missing("nginx (Debian package nginx-light)");
        return;
    }
    if !crossplane_available() {
        common::missing(
            "crossplane (pip install crossplane==0.5.8), used to pick fragments' contexts",
        );
        return;
    }
    if !oracle::can_unshare_net() {
        common::missing("`unshare --net --mount` (root, for private namespaces)");
        return;
    }
    let inputs = inputs();
    let xp = crossplane(
        &inputs
            .all
            .iter()
            .map(|i| i.path.clone())
            .collect::<Vec<_>>(),
    );
    // Fragments a main configuration of their tree includes are judged
    // through it.
    let included: BTreeSet<PathBuf> = inputs
        .all
        .iter()
        .filter_map(|i| xp.get(&i.path))
        .flat_map(|x| x.includes.iter().cloned())
        .collect();
    let (through_main, alone): (Vec<&Input>, Vec<&Input>) =
        inputs.all.iter().partition(|i| included.contains(&i.path));
    let results = oracle::par_map(&alone, |input| {
        let mut tally = Tally::default();
        let problems = check_nginx(input, &xp, &mut tally);
        tally.count(input.origin);
        (tally, problems)
    });
    let mut tally = Tally::default();
    let mut problems = Vec::new();
    for (t, p) in results {
        tally.merge(t);
        problems.extend(p);
    }
    for input in &through_main {
        tally.count(input.origin);
        tally.diverge("nginx: judged through the main configuration that includes it");
    }
    tally.print("nginx -t");
    oracle::assert_agree("nginx -t", &problems);
}

#[test]
fn nginx_trees_agree_with_crossplane() {
    if !crossplane_available() {
        common::missing("crossplane (pip install crossplane==0.5.8)");
        return;
    }
    let inputs = inputs();
    let xp = crossplane(
        &inputs
            .all
            .iter()
            .map(|i| i.path.clone())
            .collect::<Vec<_>>(),
    );
    let mut tally = Tally::default();
    let mut problems = Vec::new();
    for input in &inputs.all {
        problems.extend(check_crossplane(input, &xp, &mut tally));
        tally.count(input.origin);
    }
    tally.print("crossplane");
    oracle::assert_agree("crossplane", &problems);
}
