//! Differential test: clusterlint's stunnel parse against `stunnel4`
//! itself, on every corpus and fixture file of the format and on edge
//! cases.
//!
//! stunnel has no check mode and stops at the first bad line. Each file
//! gets `foreground = yes`, `pid =`, `syslog = no`, `output = /dev/stderr`
//! and `debug = 5` added at the end of its global section (so it logs to
//! stderr and leaves no pid file), and runs inside `unshare --net`, so
//! whatever it binds is in a network namespace of its own; it is killed as
//! soon as it logs `Configuration successful` or `Configuration failed`. A
//! refused line is classified, replaced by a comment, and stunnel runs
//! again. Every line stunnel refuses must be refused by clusterlint too,
//! unless it falls in a category of `tests/oracle/DIVERGENCES.md`, and
//! every line clusterlint refuses must be one stunnel refused.

mod common;
mod oracle;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use clusterlint::formats::{Format, stunnel};
use oracle::{Input, Origin, Tally};

/// Divergence categories (see tests/oracle/DIVERGENCES.md, section stunnel).
const OTHER_VERSION: &str = "stunnel: option known to another stunnel version or build";
const OPTION_VALUE: &str = "stunnel: option value not checked";
const STARTUP_CHECK: &str = "stunnel: service or global check at startup";
const INCLUDE_OUTSIDE: &str = "stunnel: include folder outside the checked tree";

/// What the oracle adds at the end of the global section.
const INJECTED: &[&str] = &[
    "foreground = yes",
    "pid =",
    "syslog = no",
    "output = /dev/stderr",
    "debug = 5",
];

/// Global options whose values stunnel checks when the global section
/// ends (TLS library, engines, random seed); neutralised one by one when
/// that check fails.
const GLOBAL_INIT: &[&str] = &[
    "fips",
    "engine",
    "enginectrl",
    "enginedefault",
    "egd",
    "rndfile",
    "rndbytes",
    "rndoverwrite",
    "compression",
    "provider",
    "providerparameter",
    "chroot",
];

#[derive(Debug)]
enum Outcome {
    Accepted,
    /// A refused line of the run's file.
    Refused {
        line: usize,
        reason: String,
    },
    /// A check after reading (services, global initialisation).
    Startup(String),
    Unexpected(String),
}

fn stunnel(dir: &Path, file: &str) -> Outcome {
    let mut command = Command::new("unshare");
    command
        .current_dir(dir)
        .args(["--net", "stunnel4"])
        .arg(dir.join(file));
    let done = |out: &str| {
        out.contains("Configuration successful") || out.contains("Configuration failed")
    };
    let run = oracle::run(&mut command, Duration::from_secs(10), Some(&done));
    let out = run.output();
    if out.contains("Configuration successful") {
        return Outcome::Accepted;
    }
    let path = dir.join(file).display().to_string();
    let mut unlocated = None;
    for line in out.lines() {
        let Some(rest) = line.strip_prefix("[!] ") else {
            continue;
        };
        if let Some(located) = rest.strip_prefix(&format!("{path}:")) {
            let (number, after) = located.split_once(':').unwrap_or((located, ""));
            if let Ok(number) = number.parse() {
                let reason = after
                    .rsplit(": ")
                    .next()
                    .unwrap_or(after)
                    .trim()
                    .to_string();
                return Outcome::Refused {
                    line: number,
                    reason,
                };
            }
        }
        if unlocated.is_none() && rest != "Configuration failed" && !rest.starts_with("error queue")
        {
            unlocated = Some(rest.to_string());
        }
    }
    if out.contains("Configuration failed")
        && let Some(message) = unlocated
    {
        // Checked after the whole file was read (services, inetd mode,
        // global initialisation).
        return Outcome::Startup(message);
    }
    Outcome::Unexpected(out.lines().rev().take(12).collect::<Vec<_>>().join("\n"))
}

/// The oracle's copy of a file: the injected lines at the end of the
/// global section (before the first section or include). Returns the text and the 0-based line they start at.
fn inject(original: &[u8]) -> (Vec<u8>, usize) {
    let lines: Vec<&[u8]> = original.split(|&b| b == b'\n').collect();
    let first_section = lines.iter().position(|l| {
        let text = String::from_utf8_lossy(l);
        let t = text.trim_start_matches('\u{feff}').trim();
        // Included files may open sections: inject before an include too.
        (t.starts_with('[') && t.ends_with(']')) || option_name(t).as_deref() == Some("include")
    });
    let at = first_section.unwrap_or(lines.len());
    let mut out: Vec<Vec<u8>> = lines.iter().map(|l| without_host_names(l)).collect();
    let injected: Vec<Vec<u8>> = INJECTED.iter().map(|l| l.as_bytes().to_vec()).collect();
    if at == 0
        && out
            .first()
            .is_some_and(|l| l.starts_with("\u{feff}".as_bytes()))
    {
        // Keep a byte-order mark on the first line.
        out[0].drain(..3);
        let mut first = "\u{feff}".as_bytes().to_vec();
        first.extend_from_slice(&injected[0]);
        let mut head = vec![first];
        head.extend(injected[1..].iter().cloned());
        out.splice(0..0, head);
    } else {
        out.splice(at..at, injected);
    }
    (out.join(&b'\n'), at)
}

/// A `connect = host:port` line with the host name replaced by
/// `127.0.0.1`: stunnel resolves names while loading (three seconds each
/// with no network), and the parser does not look at values.
fn without_host_names(line: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(line);
    if option_name(&text).as_deref() != Some("connect") {
        return line.to_vec();
    }
    let (name, value) = text.split_once('=').unwrap_or((&text, ""));
    let value = value.trim();
    match value.rsplit_once(':') {
        Some((host, port))
            if !host.is_empty()
                && !host.starts_with('/')
                && host.parse::<std::net::IpAddr>().is_err() =>
        {
            format!("{name}= 127.0.0.1:{port}").into_bytes()
        }
        _ => line.to_vec(),
    }
}

fn option_name(line: &str) -> Option<String> {
    let t = line.trim_start_matches('\u{feff}').trim();
    t.split_once('=')
        .map(|(n, _)| n.trim().to_ascii_lowercase())
}

fn check(input: &Input, tally: &mut Tally) -> Vec<String> {
    let mut problems = Vec::new();
    let original = fs::read(&input.path).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    oracle::copy_tree(&input.tree, scratch.path());
    let (mut text, at) = inject(&original);
    let k = INJECTED.len();
    let to_original = |line: usize| -> Option<usize> {
        // 1-based lines; injected ones map to nothing.
        if line <= at {
            Some(line)
        } else if line <= at + k {
            None
        } else {
            Some(line - k)
        }
    };
    let name = "oracle.conf";
    let mut refused: Vec<(usize, String)> = Vec::new();
    let mut neutralised_globals = 0;
    for _ in 0..200 {
        fs::write(scratch.path().join(name), &text).unwrap();
        match stunnel(scratch.path(), name) {
            Outcome::Accepted => break,
            Outcome::Startup(message) => {
                if message.starts_with("Global options:") {
                    // Drop the last global line that initialises something.
                    let lines: Vec<String> = String::from_utf8_lossy(&text)
                        .split('\n')
                        .map(str::to_string)
                        .collect();
                    let candidate = (0..at).rev().find(|&i| {
                        option_name(&lines[i]).is_some_and(|n| GLOBAL_INIT.contains(&n.as_str()))
                    });
                    if let Some(i) = candidate {
                        let mut lines = lines;
                        lines[i] = "# neutralised by the oracle".to_string();
                        text = lines.join("\n").into_bytes();
                        neutralised_globals += 1;
                        continue;
                    }
                }
                tally.diverge(STARTUP_CHECK);
                break;
            }
            Outcome::Unexpected(out) => {
                problems.push(format!(
                    "{}: unexpected stunnel output:\n{out}",
                    input.label
                ));
                break;
            }
            Outcome::Refused { line, reason } => {
                let Some(original_line) = to_original(line) else {
                    problems.push(format!(
                        "{}: stunnel refused an injected line ({reason})",
                        input.label
                    ));
                    break;
                };
                refused.push((original_line, reason));
                let mut lines: Vec<Vec<u8>> =
                    text.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
                lines[line - 1] = b"# refused by the oracle".to_vec();
                text = lines.join(&b'\n');
            }
        }
    }
    if neutralised_globals > 0 {
        for _ in 0..neutralised_globals {
            tally.diverge(OPTION_VALUE);
        }
    }

    let main = input.relative();
    let files = oracle::read_tree(&input.tree);
    let verdict = oracle::clusterlint_verdict(
        Format::STUNNEL,
        &files,
        &main,
        "stunnel.conf",
        std::slice::from_ref(&main),
    );
    let ours: BTreeSet<usize> = verdict
        .refusals
        .iter()
        .filter(|r| r.rule == "core/parse-error" && r.file == main)
        .map(|r| r.line)
        .collect();
    let original_text = String::from_utf8_lossy(&original);
    let original_lines: Vec<&str> = original_text.split('\n').collect();
    for (line, reason) in &refused {
        if ours.contains(line) {
            continue;
        }
        let included = verdict
            .refusals
            .iter()
            .any(|r| r.rule == "core/include-not-found" && r.file == main && r.line == *line);
        let category = match reason.as_str() {
            "No '=' found" => None,
            r if r.starts_with("Failed to include directory") => {
                let value = original_lines
                    .get(line - 1)
                    .and_then(|l| l.split_once('='))
                    .map_or("", |(_, v)| v.trim());
                if included {
                    continue;
                } else if value.starts_with('/') {
                    Some(INCLUDE_OUTSIDE)
                } else {
                    None
                }
            }
            "Specified option name is not valid here" => {
                let name = original_lines
                    .get(line - 1)
                    .and_then(|l| option_name(l))
                    .unwrap_or_default();
                // Known to the table, so valid for some stunnel: another
                // version, or a feature this build lacks.
                stunnel::option_scope(&name).map(|_| OTHER_VERSION)
            }
            _ => Some(OPTION_VALUE),
        };
        match category {
            Some(category) => tally.diverge(category),
            None => problems.push(format!(
                "{}:{line}: stunnel refuses ({reason}) but clusterlint accepts",
                input.label
            )),
        }
    }
    let theirs: BTreeSet<usize> = refused.iter().map(|(l, _)| *l).collect();
    for line in &ours {
        if !theirs.contains(line) {
            let message = verdict
                .refusals
                .iter()
                .find(|r| r.line == *line)
                .map_or("", |r| r.message.as_str());
            problems.push(format!(
                "{}:{line}: clusterlint refuses ({message}) but stunnel accepts",
                input.label
            ));
        }
    }
    // stunnel reports the including line for a bad included file too.
    if let Some(r) = verdict
        .refusals
        .iter()
        .find(|r| r.file != main && refused.is_empty())
    {
        problems.push(format!(
            "{}: clusterlint refuses an included file that stunnel accepts: {}:{} {}",
            input.label, r.file, r.line, r.message
        ));
    }
    tally.count(input.origin);
    problems
}

/// Hand-made cases for what the corpus lacks. Client services need no
/// certificate, so these reach `Configuration successful` when valid.
const EDGE_CASES: &[(&str, &str)] = &[
    (
        "valid",
        "[a]\nclient = yes\naccept = 127.0.0.1:19450\nconnect = 127.0.0.1:19451\n",
    ),
    (
        "bom",
        "\u{feff}; comment\n[a]\nclient = yes\naccept = 127.0.0.1:19450\nconnect = 19451\n",
    ),
    (
        "bom-twice",
        "\u{feff}; comment\n\u{feff}; again\n[a]\nclient = yes\naccept = 19450\nconnect = 19451\n",
    ),
    (
        "section-blanks",
        "[ web ]\nclient = yes\naccept = 19450\nconnect = 19451\n",
    ),
    (
        "empty-section",
        "[]\nclient = yes\naccept = 19450\nconnect = 19451\n",
    ),
    (
        "inline-semicolon",
        "[a]\nclient = yes\naccept = 127.0.0.1:19445 ; comment\nconnect = 19451\n",
    ),
    (
        "no-equals",
        "[a]\nclient = yes\naccept 19450\nconnect = 19451\n",
    ),
    (
        "unclosed-section",
        "[a\nclient = yes\naccept = 19450\nconnect = 19451\n",
    ),
    (
        "typo",
        "[a]\nclient = yes\naccept = 19450\nconect = 127.0.0.1:19451\n",
    ),
    (
        "global-in-service",
        "[a]\nclient = yes\naccept = 19450\nconnect = 19451\nchroot = /var/empty\n",
    ),
    (
        "case",
        "[a]\nCLIENT = yes\nAccept = 19450\nCONNECT = 19451\nTimeoutIdle = 5\n",
    ),
    (
        "service-option-as-default",
        "client = yes\nTIMEOUTclose = 0\n[a]\naccept = 19450\nconnect = 19451\n",
    ),
    (
        "nbsp",
        "[a]\nclient = yes\n\u{a0}accept = 19450\nconnect = 19451\n",
    ),
    (
        "equals-in-value",
        "[a]\nclient = yes\naccept = 19450\nconnect = 19451\nprotocolHeader = X-A: b=c\n",
    ),
    (
        "crlf",
        "[a]\r\nclient = yes\r\naccept = 19450\r\nconnect = 19451\r\n",
    ),
    ("inetd", "client = yes\nconnect = 127.0.0.1:19451\n"),
];

/// Cases with more than one file: (name, files); the first is the main one.
const TREE_CASES: &[(&str, &[(&str, &str)])] = &[
    (
        "include-folder",
        &[
            ("stunnel.conf", "client = yes\ninclude = conf.d\n"),
            ("conf.d/a.conf", "[a]\naccept = 19450\nconnect = 19451\n"),
            ("conf.d/b.conf", "[b]\naccept = 19452\nconnect = 19453\n"),
        ],
    ),
    (
        "include-missing",
        &[(
            "stunnel.conf",
            "client = yes\ninclude = conf.d\n[a]\naccept = 19450\nconnect = 19451\n",
        )],
    ),
];

fn inputs() -> (Vec<Input>, tempfile::TempDir) {
    let mut inputs = Vec::new();
    {
        let corpus = common::corpus();
        inputs.extend(oracle::corpus_inputs(&corpus, "stunnel"));
    }
    inputs.extend(oracle::fixture_inputs(Format::STUNNEL));
    let edges = tempfile::tempdir().unwrap();
    for (name, text) in EDGE_CASES {
        let tree = edges.path().join(name);
        fs::create_dir_all(&tree).unwrap();
        let path = tree.join("stunnel.conf");
        fs::write(&path, text).unwrap();
        inputs.push(Input {
            label: format!("edge/{name}"),
            origin: Origin::Edge,
            path,
            tree,
        });
    }
    for (name, files) in TREE_CASES {
        let tree = edges.path().join(name);
        for (path, text) in *files {
            let path = tree.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, text).unwrap();
        }
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
fn stunnel_conf_agrees_with_stunnel() {
    if !oracle::available("stunnel4", &["-version"]) {
        common::missing("stunnel4 (Debian package stunnel4)");
        return;
    }
    if !oracle::can_unshare_net() {
        common::missing("`unshare --net` (root, for a private network namespace)");
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
    tally.print("stunnel4");
    oracle::assert_agree("stunnel4", &problems);
}
