//! The SARIF, GitHub annotation, JUnit and concise reporters (and the
//! statistics) on real reports: the example clusters, every fixture case and
//! a hand-made report with the awkward cases (a fix, empty spans, CRLF, a
//! path with spaces, `#`, `%` and non-ASCII characters).
//!
//! * SARIF is validated against the official 2.1.0 schema with Python
//!   `jsonschema` (missing: fails under `CI=true`, else skips loudly), and
//!   its structure is checked against the diagnostics.
//! * GitHub lines, concise lines and JUnit test cases are parsed back and
//!   checked against the diagnostics; every path they name opens from the
//!   current directory (the crate root, where cargo runs tests).
//! * JUnit is well-formed XML: quick-xml always, `xmllint` when installed.
//! * No format shows a piece of a planted secret.

mod common;

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use clusterlint::RuleMeta;
use clusterlint::files::{ClusterFile, Files};
use clusterlint::formats::Document;
use clusterlint::report::{concise, github, junit, sarif, statistics};
use clusterlint::source::SourceFile;
use clusterlint::{
    Diagnostic, Edit, FileId, Fix, LintOptions, Report, Severity, Span, TextRange, Workspace,
};
use quick_xml::events::Event;
use serde_json::Value;

const SCHEMA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/reference/sarif/sarif-schema-2.1.0.json"
);

/// What the command line would pass: every rule, documented.
fn rule_metas() -> Vec<RuleMeta> {
    clusterlint::rules::ALL
        .iter()
        .map(|rule| {
            RuleMeta::new(
                rule.id,
                rule.summary(),
                rule.default_severity,
                rule.reference_page(),
            )
        })
        .collect()
}

/// A cluster root as a user types it, with its report.
struct Checked {
    root: String,
    report: Report,
}

fn lint(root: &str) -> Checked {
    let workspace = Workspace::from_dir(Path::new(root))
        .unwrap_or_else(|e| panic!("{root} cannot be read: {e}"));
    Checked {
        root: root.to_string(),
        report: workspace.lint(&LintOptions::default()),
    }
}

fn assert_cwd_is_the_crate_root() {
    assert!(
        Path::new("fixtures/clusters").is_dir(),
        "tests run from the crate root"
    );
}

/// `fixtures/clusters/*`, with one of them also written `./…/` the way a
/// user may type it.
fn example_clusters() -> Vec<Checked> {
    assert_cwd_is_the_crate_root();
    let mut roots: Vec<String> = fs::read_dir("fixtures/clusters")
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| format!("fixtures/clusters/{}", e.file_name().to_string_lossy()))
        .collect();
    roots.sort();
    assert!(roots.iter().any(|r| r.ends_with("gluu-ha")));
    assert!(roots.iter().any(|r| r.ends_with("kaazing-shield-ha")));
    roots.push("./fixtures/clusters/gluu-ha/".to_string());
    roots.iter().map(|root| lint(root)).collect()
}

/// Every fixture case (`fixtures/<pack>/<rule>/{pass,fail}/<case>`).
fn fixture_cases() -> Vec<Checked> {
    assert_cwd_is_the_crate_root();
    let mut roots: Vec<String> = common::files_under(Path::new("fixtures"))
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "expected.txt"))
        .filter_map(|p| p.parent().and_then(Path::to_str).map(str::to_string))
        .collect();
    roots.sort();
    assert!(roots.len() > 50, "only {} fixture cases", roots.len());
    roots.iter().map(|root| lint(root)).collect()
}

fn pairs(checked: &[Checked]) -> Vec<(&str, &Report)> {
    checked
        .iter()
        .map(|c| (c.root.as_str(), &c.report))
        .collect()
}

/// Every diagnostic with its report, in report order.
fn diagnostics<'a>(reports: &[(&'a str, &'a Report)]) -> Vec<(&'a Report, &'a Diagnostic)> {
    reports
        .iter()
        .flat_map(|&(_, report)| report.diagnostics.iter().map(move |d| (report, d)))
        .collect()
}

/// Decodes `%XX` escapes (as UTF-8).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("two hex digits");
            out.push(u8::from_str_radix(hex, 16).expect("hex escape"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("escapes are UTF-8")
}

/// The path names a directory entry from the current directory: a file,
/// or the dangling symbolic link a `core/unreadable-file` case reports.
fn assert_names_a_file(path: &str, what: &str) {
    assert!(
        fs::symlink_metadata(path).is_ok_and(|m| !m.is_dir()),
        "{what}: `{path}` is not a file from the current directory"
    );
}

// ---------------------------------------------------------------- SARIF

/// Validates SARIF logs with Python `jsonschema` and the validator class the
/// schema's `$schema` asks for (draft 4); `None` when the tool is missing.
fn schema_errors(logs: &[(String, String)]) -> Option<String> {
    let probe = Command::new("python3")
        .args(["-c", "import jsonschema"])
        .stderr(Stdio::null())
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        common::missing("python3 with the jsonschema package");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (name, log) in logs {
        let path = dir.path().join(format!("{name}.sarif"));
        fs::write(&path, log).unwrap();
        paths.push(path);
    }
    let script = r#"
import json, sys, jsonschema
with open(sys.argv[1], encoding="utf-8") as f:
    schema = json.load(f)
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
bad = 0
for path in sys.argv[2:]:
    with open(path, encoding="utf-8") as f:
        log = json.load(f)
    for error in validator.iter_errors(log):
        bad += 1
        where = "/".join(str(p) for p in error.absolute_path)
        print(f"{path}: {where}: {error.message}")
print(f"{cls.__name__}: {len(sys.argv) - 2} logs, {bad} errors")
sys.exit(1 if bad else 0)
"#;
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(SCHEMA)
        .args(&paths)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("Draft4Validator"),
        "the schema asks for draft 4: {stdout}"
    );
    if output.status.success() {
        Some(String::new())
    } else {
        Some(format!(
            "{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// The file an artifact location names, as a path from the current
/// directory (relative URIs are relative to `%SRCROOT%`, the cwd).
fn artifact_path(location: &Value) -> String {
    let uri = location["uri"].as_str().expect("uri");
    assert!(
        uri.bytes().all(|b| b.is_ascii_alphanumeric()
            || b"-._~!$&'()*+,;=@/%".contains(&b)
            || (b == b':' && uri.starts_with("file:"))),
        "`{uri}` holds a character a URI cannot"
    );
    if let Some(path) = uri.strip_prefix("file://") {
        assert!(location.get("uriBaseId").is_none());
        percent_decode(path)
    } else {
        assert_eq!(location["uriBaseId"], "%SRCROOT%", "{location}");
        percent_decode(uri)
    }
}

fn assert_region(region: &Value, report: &Report, span: Span) {
    let (start, end) = report.position(span);
    let got = |key: &str| {
        region[key]
            .as_u64()
            .unwrap_or_else(|| panic!("{key} in {region}"))
    };
    assert_eq!(
        (
            got("startLine"),
            got("startColumn"),
            got("endLine"),
            got("endColumn")
        ),
        (
            u64::from(start.line),
            u64::from(start.column),
            u64::from(end.line),
            u64::from(end.column)
        )
    );
}

/// The SARIF log says what the diagnostics say, and points at real files.
fn check_sarif_structure(log: &str, reports: &[(&str, &Report)], rules: &[RuleMeta]) {
    let log: Value = serde_json::from_str(log).expect("SARIF is JSON");
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver_rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(driver_rules.len(), rules.len());
    let results = run["results"].as_array().unwrap();
    let diagnostics = diagnostics(reports);
    assert_eq!(results.len(), diagnostics.len());
    for (result, (report, d)) in results.iter().zip(diagnostics) {
        assert_eq!(result["ruleId"], *d.rule);
        let index = result["ruleIndex"].as_u64().expect("every rule is listed") as usize;
        assert_eq!(
            driver_rules[index]["id"], *d.rule,
            "ruleIndex points at the rule"
        );
        assert_eq!(rules[index].id, d.rule);
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "note",
        };
        assert_eq!(result["level"], level);
        assert!(
            result["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with(&d.message)
        );
        let primary = &result["locations"][0]["physicalLocation"];
        let path = artifact_path(&primary["artifactLocation"]);
        assert_names_a_file(&path, "SARIF location");
        assert!(path.ends_with(report.path(d.primary.span)));
        assert_region(&primary["region"], report, d.primary.span);
        let related = result["relatedLocations"]
            .as_array()
            .map_or(&[][..], Vec::as_slice);
        assert_eq!(related.len(), d.related.len(), "{result}");
        for (i, (location, label)) in related.iter().zip(&d.related).enumerate() {
            assert_eq!(location["id"], i);
            let physical = &location["physicalLocation"];
            assert_names_a_file(
                &artifact_path(&physical["artifactLocation"]),
                "SARIF related",
            );
            assert_region(&physical["region"], report, label.span);
        }
        let replaces = d
            .fix
            .as_ref()
            .is_some_and(|fix| fix.edits.iter().any(|e| matches!(e, Edit::Replace { .. })));
        let fixes = result["fixes"].as_array().map_or(&[][..], Vec::as_slice);
        assert_eq!(fixes.len(), usize::from(replaces), "{result}");
        for change in fixes
            .iter()
            .flat_map(|f| f["artifactChanges"].as_array().unwrap())
        {
            assert_names_a_file(&artifact_path(&change["artifactLocation"]), "SARIF fix");
        }
    }
}

#[test]
fn sarif_is_valid_and_says_what_the_diagnostics_say() {
    let rules = rule_metas();
    let examples = example_clusters();
    let cases = fixture_cases();
    let (_dir, handmade_root, handmade) = handmade_report();
    let handmade_pairs = [(handmade_root.as_str(), &handmade)];
    let mut logs = Vec::new();
    for checked in &examples {
        let reports = [(checked.root.as_str(), &checked.report)];
        assert!(
            !checked.report.diagnostics.is_empty(),
            "{} has planted faults",
            checked.root
        );
        let log = sarif::render(&reports, &rules, env!("CARGO_PKG_VERSION"));
        check_sarif_structure(&log, &reports, &rules);
        let name = checked.root.replace(['/', '.'], "_");
        logs.push((name, log));
    }
    let all = pairs(&cases);
    // The custom checks of `fixtures/custom/` are listed as rules too.
    let mut with_checks = rule_metas();
    for (_, report) in &all {
        for meta in &report.checks {
            if !with_checks.iter().any(|m| m.id == meta.id) {
                with_checks.push(meta.clone());
            }
        }
    }
    assert!(with_checks.len() > rules.len());
    let log = sarif::render(&all, &with_checks, env!("CARGO_PKG_VERSION"));
    check_sarif_structure(&log, &all, &with_checks);
    logs.push(("fixture-cases".to_string(), log));
    let log = sarif::render(&handmade_pairs, &rules, "0.0.0-test");
    check_sarif_structure(&log, &handmade_pairs, &rules);
    logs.push(("handmade".to_string(), log.clone()));
    let handmade_log = log;
    logs.push(("empty".to_string(), sarif::render(&[], &rules, "0")));
    logs.push((
        "no-rules".to_string(),
        sarif::render(&handmade_pairs, &[], "0"),
    ));

    if let Some(errors) = schema_errors(&logs) {
        assert!(errors.is_empty(), "SARIF schema errors:\n{errors}");
    }

    // The validator is not a no-op: a line 0 and an unknown level are refused.
    let mut broken: Value = serde_json::from_str(&handmade_log).unwrap();
    let result = &mut broken["runs"][0]["results"][0];
    result["locations"][0]["physicalLocation"]["region"]["startLine"] = 0.into();
    result["level"] = "fatal".into();
    if let Some(errors) = schema_errors(&[("broken".to_string(), broken.to_string())]) {
        assert!(errors.contains("startLine"), "{errors}");
        assert!(errors.contains("'fatal'"), "{errors}");
    }
}

// ------------------------------------------------------ hand-made report

/// A report over real files under the target's temporary folder, built by
/// hand: a path with a space, `#`, `%` and non-ASCII characters, CRLF line
/// ends, a fix with replacements and a rename, a span across a line end, an
/// empty span and one at the end of a file, each severity. The root is
/// relative to the current directory when the target folder is below it.
fn handmade_report() -> (tempfile::TempDir, String, Report) {
    let dir = tempfile::Builder::new()
        .prefix("report-formats")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap();
    let base = dir.path().to_path_buf();
    let files = [
        ("nœud 1/a b#%.conf", "clé = välue\r\nsecond = ligne\r\n"),
        ("autre/x,y:z.conf", "k v\n"),
    ];
    let mut all = Files::default();
    for (path, text) in files {
        let on_disk = base.join(path);
        fs::create_dir_all(on_disk.parent().unwrap()).unwrap();
        fs::write(&on_disk, text).unwrap();
        all.push(ClusterFile {
            source: SourceFile::new(path, text),
            format: None,
            node: None,
            document: std::sync::Arc::new(Document::unparsed()),
            includes: Vec::new(),
        });
    }
    let span = |file: u32, needle: &str| {
        let text = files[file as usize].1;
        let start = text.find(needle).unwrap();
        Span::new(
            FileId(file),
            TextRange::from_usize(start..start + needle.len()),
        )
    };
    let first = FileId(0);
    let end_of_first = files[0].1.len() as u32;
    let diagnostics = vec![
        Diagnostic::new(
            span(0, "välue"),
            "`välue` <differs> & \"quoted\": 100%\nsecond line, with comma",
        )
        .with_rule("core/parse-error", Severity::Error)
        .label("the value")
        .related(span(1, "v"), "the other value")
        .related(
            Span::new(first, TextRange::empty(end_of_first)),
            "end of file",
        )
        .help("use the other value")
        .fix(Fix {
            description: "replace the value".to_string(),
            edits: vec![
                Edit::Replace {
                    span: span(0, "välue"),
                    text: "v".to_string(),
                },
                Edit::Replace {
                    span: Span::new(first, TextRange::empty(0)),
                    text: "# added\r\n".to_string(),
                },
                Edit::Rename {
                    file: FileId(1),
                    to: "autre/renamed.conf".to_string(),
                },
            ],
        }),
        Diagnostic::new(span(0, "välue\r\nsecond"), "across the line end")
            .with_rule("liferay/tunnel-secret-mismatch", Severity::Warning),
        Diagnostic::new(
            Span::new(first, TextRange::empty(end_of_first)),
            "at the end",
        )
        .with_rule("core/include-glob-empty", Severity::Info),
        Diagnostic::new(
            Span::file_start(FileId(1)),
            "\u{1b}control\u{0} characters\r",
        )
        .with_rule("core/unreadable-file", Severity::Warning)
        .fix(Fix {
            description: "rename only".to_string(),
            edits: vec![Edit::Rename {
                file: FileId(1),
                to: "autre/y.conf".to_string(),
            }],
        }),
    ];
    let report = Report::new(Some(base.clone()), all, diagnostics);
    let cwd = std::env::current_dir().unwrap();
    let root = base
        .strip_prefix(&cwd)
        .map_or_else(|_| base.clone(), Path::to_path_buf);
    let root = root.to_str().expect("UTF-8 temp path").to_string();
    (dir, root, report)
}

// ---------------------------------------------------------------- GitHub

/// A parsed `::kind props::message` line.
struct Annotation {
    kind: String,
    file: String,
    numbers: [u32; 4],
    title: String,
}

/// Undoes `escapeProperty` of `@actions/core`.
fn unescape_property(text: &str) -> String {
    text.replace("%2C", ",")
        .replace("%3A", ":")
        .replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%25", "%")
}

/// Parses one line exactly as `^::(error|warning|notice)
/// file=[^,:]*,line=\d+,endLine=\d+,col=\d+,endColumn=\d+,title=[^:,]*::.*$`.
fn parse_annotation(line: &str) -> Annotation {
    let rest = line.strip_prefix("::").expect("starts with ::");
    let (kind, rest) = rest.split_once(' ').expect("a command with properties");
    assert!(matches!(kind, "error" | "warning" | "notice"), "{line}");
    let (properties, message) = rest.split_once("::").expect(":: before the message");
    assert!(!message.contains(['\n', '\r']), "{line}");
    let values: Vec<&str> = properties.split(',').collect();
    let keys = ["file", "line", "endLine", "col", "endColumn", "title"];
    assert_eq!(values.len(), keys.len(), "{line}");
    let value = |i: usize| {
        values[i]
            .strip_prefix(keys[i])
            .and_then(|v| v.strip_prefix('='))
            .unwrap_or_else(|| panic!("`{}=` expected in {line}", keys[i]))
    };
    let number = |i: usize| {
        let text = value(i);
        assert!(
            text.bytes().all(|b| b.is_ascii_digit()) && !text.is_empty(),
            "{line}"
        );
        text.parse().unwrap()
    };
    Annotation {
        kind: kind.to_string(),
        file: unescape_property(value(0)),
        numbers: [number(1), number(2), number(3), number(4)],
        title: unescape_property(value(5)),
    }
}

fn check_github(reports: &[(&str, &Report)]) {
    let out = github::render(reports);
    let lines: Vec<&str> = out.lines().collect();
    let diagnostics = diagnostics(reports);
    assert_eq!(lines.len(), diagnostics.len(), "{out}");
    assert!(out.is_empty() || out.ends_with('\n'));
    for (line, (report, d)) in lines.iter().zip(diagnostics) {
        let annotation = parse_annotation(line);
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        assert_eq!(annotation.kind, kind);
        assert_eq!(annotation.title, *d.rule);
        assert_names_a_file(&annotation.file, "GitHub file=");
        let (start, end) = report.position(d.primary.span);
        assert_eq!(
            annotation.numbers,
            [start.line, end.line, start.column, end.column]
        );
    }
}

#[test]
fn github_annotations_are_one_parseable_line_each() {
    for checked in example_clusters() {
        check_github(&[(checked.root.as_str(), &checked.report)]);
    }
    check_github(&pairs(&fixture_cases()));
    let (_dir, root, report) = handmade_report();
    check_github(&[(root.as_str(), &report)]);
}

// ----------------------------------------------------------------- JUnit

/// What a JUnit document holds, read back with quick-xml.
#[derive(Debug, Default)]
struct JunitCounts {
    declared_tests: usize,
    declared_failures: usize,
    testcases: usize,
    failures: usize,
    system_outs: usize,
    failure_types: Vec<String>,
    classnames: Vec<String>,
}

fn attribute(element: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    element
        .try_get_attribute(name)
        .expect("well-formed attributes")
        .map(|a| {
            a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                .expect("known entities")
                .into_owned()
        })
}

fn read_junit(xml: &str) -> JunitCounts {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut counts = JunitCounts::default();
    let mut depth = 0usize;
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("not well-formed XML ({e}):\n{xml}"));
        let element = match &event {
            Event::Eof => break,
            Event::Start(e) => {
                depth += 1;
                e
            }
            Event::Empty(e) => e,
            Event::End(_) => {
                depth -= 1;
                continue;
            }
            _ => continue,
        };
        match element.name().into_inner() {
            "testsuites" => {
                let number = |name| attribute(element, name).unwrap().parse().unwrap();
                counts.declared_tests = number("tests");
                counts.declared_failures = number("failures");
                assert_eq!(attribute(element, "errors").as_deref(), Some("0"));
            }
            "testcase" => {
                counts.testcases += 1;
                counts
                    .classnames
                    .push(attribute(element, "classname").unwrap());
            }
            "failure" => {
                counts.failures += 1;
                counts
                    .failure_types
                    .push(attribute(element, "type").unwrap());
                assert!(attribute(element, "message").is_some());
            }
            "system-out" => counts.system_outs += 1,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "every element is closed");
    counts
}

/// Checks well-formedness with `xmllint --noout -`, when it is installed.
fn xmllint_accepts(xml: &str) {
    if Command::new("xmllint").arg("--version").output().is_err() {
        common::missing("xmllint");
        return;
    }
    let mut child = Command::new("xmllint")
        .args(["--noout", "-"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xmllint runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(xml.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "xmllint refuses the JUnit XML: {}\n{xml}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn check_junit(reports: &[(&str, &Report)]) {
    let xml = junit::render(reports);
    xmllint_accepts(&xml);
    let counts = read_junit(&xml);
    let diagnostics = diagnostics(reports);
    let mut failing: Vec<String> = diagnostics
        .iter()
        .filter(|(_, d)| d.severity >= Severity::Warning)
        .map(|(_, d)| d.rule.to_string())
        .collect();
    if diagnostics.is_empty() {
        assert_eq!(counts.testcases, 1, "one passing test case");
        assert_eq!(counts.classnames, ["clusterlint"]);
        assert_eq!((counts.declared_tests, counts.declared_failures), (1, 0));
        return;
    }
    assert_eq!(counts.testcases, diagnostics.len());
    assert_eq!(counts.declared_tests, diagnostics.len());
    assert_eq!(counts.failures, failing.len());
    assert_eq!(counts.declared_failures, failing.len());
    assert_eq!(counts.system_outs, diagnostics.len() - failing.len());
    let mut types = counts.failure_types;
    types.sort();
    failing.sort();
    assert_eq!(types, failing);
    for classname in &counts.classnames {
        assert_names_a_file(classname, "JUnit classname");
    }
}

#[test]
fn junit_is_well_formed_and_counts_match() {
    for checked in example_clusters() {
        check_junit(&[(checked.root.as_str(), &checked.report)]);
    }
    let cases = fixture_cases();
    check_junit(&pairs(&cases));
    let clean = cases
        .iter()
        .find(|c| c.report.diagnostics.is_empty())
        .expect("a pass case without findings");
    check_junit(&[(clean.root.as_str(), &clean.report)]);
    check_junit(&[]);
    let (_dir, root, report) = handmade_report();
    check_junit(&[(root.as_str(), &report)]);
}

// --------------------------------------------------------------- concise

fn check_concise(reports: &[(&str, &Report)]) {
    let out = concise::render(reports);
    let lines: Vec<&str> = out.lines().collect();
    let diagnostics = diagnostics(reports);
    assert_eq!(
        lines.len(),
        diagnostics.len(),
        "one line per diagnostic:\n{out}"
    );
    for (line, (report, d)) in lines.iter().zip(diagnostics) {
        assert!(!line.contains('\r'), "{line}");
        // `path:line:col: severity[rule] message`; the fixture paths hold
        // no `: `.
        let (location, rest) = line.split_once(": ").expect("`: ` after the location");
        let mut parts = location.rsplitn(3, ':');
        let column: u32 = parts.next().unwrap().parse().expect("column");
        let line_number: u32 = parts.next().unwrap().parse().expect("line");
        let path = parts.next().expect("path");
        assert_names_a_file(path, "concise path");
        let (start, _) = report.position(d.primary.span);
        assert_eq!((line_number, column), (start.line, start.column));
        let (tag, message) = rest.split_once(' ').expect("a message");
        assert_eq!(tag, format!("{}[{}]", d.severity, d.rule));
        let flat: String = d
            .message
            .replace("\r\n", " ")
            .chars()
            .map(|c| if c.is_control() && c != '\t' { ' ' } else { c })
            .collect();
        assert_eq!(message, flat);
    }
}

#[test]
fn concise_is_one_parseable_line_per_diagnostic() {
    for checked in example_clusters() {
        check_concise(&[(checked.root.as_str(), &checked.report)]);
    }
    check_concise(&pairs(&fixture_cases()));
    let (_dir, root, report) = handmade_report();
    check_concise(&[(root.as_str(), &report)]);
    assert_eq!(concise::render(&[]), "");
}

#[test]
fn statistics_count_every_diagnostic() {
    let examples = example_clusters();
    let reports = pairs(&examples);
    let total = diagnostics(&reports).len();
    let table = statistics::statistics(&reports);
    assert!(table.ends_with(&format!("{total}  total\n")), "{table}");
    let rows: Value = serde_json::from_str(&statistics::statistics_json(&reports)).unwrap();
    let counts: Vec<u64> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["count"].as_u64().unwrap())
        .collect();
    assert_eq!(counts.iter().sum::<u64>(), total as u64);
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "most first");
    assert_eq!(table.lines().count(), counts.len() + 1);
}

// --------------------------------------------------------------- secrets

/// Distinctive values planted in every place a secret can live (the same
/// cluster as tests/secrets.rs builds).
const PLANTED: &[&str] = &[
    "Qz7Vx9kPwM5rLt2N",
    "9f3ab7ce1d4b8a6e9f3ab7ce1d4b8a6f",
    "Hj4Kq8Zm2Wx6Yp0T",
    "Rb5Nc3Vd7Fg1Hs9J",
    "Ty6Ui2Op8As4Df0G",
    "Ol9Ik7Uj5Yh3Tg1R",
    "Wq2Ea4Sz6Xd8Cr0F",
    "Mn3Bv5Cx7Zl9Kj1H",
    "Pw8Lk6Jh4Gf2Ds0A",
    "Ea5Rt7Yu9Io1Pa3S",
    "Zx4Cv6Bn8Mq0We2R",
    "Gh7Jk9Lq1Wz3Xc5V",
    "Bn2Mq4Wz6Er8Ty0U",
    "Ui3Op5As7Df9Gh1J",
    "Kl2Zx4Cv6Bn8Mq0W",
    "MIICXAIBAAKBgQC7",
    "Qa1Ws3Ed5Rf7Tg9Y",
    "Yh6Uj8Ik0Ol2Pz4X",
    "Nb7Vc9Xz1Lk3Jh5G",
];

fn planted_cluster(dir: &Path) {
    let write = |path: &str, text: &str| {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };
    let p = PLANTED;
    write(
        "staging/portal-ext.properties",
        &format!(
            "#tunneling.servlet.shared.secret={}\ntunneling.servlet.shared.secret={}\njdbc.default.password={}\n",
            p[5], p[0], p[2]
        ),
    );
    write(
        "app1/portal-ext.properties",
        &format!(
            "tunneling.servlet.shared.secret={}\ntunneling.servlet.shared.secret.hex=true\ntunnel.servlet.hosts.allowed=127.0.0.1,SERVER_IP\n",
            p[1]
        ),
    );
    write(
        "app2/portal-ext.properties",
        &format!(
            "tunneling.servlet.shared.secret={}\\u12\nother.key=a\\\n\njdbc.default.password={}\n",
            p[7], p[2]
        ),
    );
    write(
        "app2/tomcat/bin/setenv.sh",
        &format!(
            "export LIFERAY_TUNNELING_PERIOD_SERVLET_PERIOD_SHARED_PERIOD_SECRET={}\nCATALINA_OPTS=\"-Djavax.net.ssl.keyStorePassword={} -Djava.net.preferIPv4Stack=true\"\n",
            p[3], p[4]
        ),
    );
    write(
        "app2/osgi/configs/com.liferay.portal.security.ldap.configuration.LDAPServerConfiguration~x.config",
        &format!("securityCredential=\"{}\"\nbroken line\n", p[6]),
    );
    write(
        "gluu1/setup.properties",
        &format!("ldapPass={}\noxtrust_admin_password={}\n", p[8], p[8]),
    );
    write(
        "gluu1/setup.properties.last",
        &format!(
            "ip=192.0.2.11\nencode_salt={}\noxauthClient_pw={}\nldapPass={}\n",
            p[9], p[10], p[8]
        ),
    );
    write(
        "redis/etc/redis/redis.conf",
        &format!(
            "protected-mode no\nrequirepass x\"{}\"\nprotected-mode no\nmasterauth {}\nuser app on >{} ~* +@all\nbind 0.0.0.0 # comment\n",
            p[11], p[12], p[13]
        ),
    );
    write("gluu1/etc/csync2.key", &format!("{}\n", p[14]));
    write(
        "gluu1/etc/csync2.cfg",
        "group g {\n host gluu1 redis;\n key /etc/csync2.key;\n}\n",
    );
    write(
        "redis/etc/stunnel/redis.conf",
        &format!(
            "cert = /etc/stunnel/redis.pem\nPSKsecrets = {}\n[redis]\naccept = 192.0.2.30:16379\nconnect = 127.0.0.1:6390\n",
            p[16]
        ),
    );
    write(
        "redis/etc/stunnel/redis.pem",
        &format!("-----BEGIN RSA PRIVATE KEY-----\n{}\n", p[15]),
    );
    write(
        "dmz1/conf/gateway-config.xml",
        &format!(
            "<gateway-config xmlns=\"http://xmlns.kaazing.org/2016/06/gateway\">\n  <properties>\n    <property><name>keystore.password</name><value>{}</value></property>\n    <propertie/>\n  </properties>\n  <cluster>\n    <name>c</name>\n    <accept>tcp://192.0.2.61:5941</accept>\n    <connect>aws://security-group:5941/g</connect>\n    <connect-options>\n      <aws.access-key-id>AKIAEXAMPLE</aws.access-key-id>\n      <aws.secret-key>{}</aws.secret-key>\n      <aws.secret-kee/>\n    </connect-options>\n  </cluster>\n</gateway-config>\n",
            p[17], p[18]
        ),
    );
    write(
        "clusterlint.toml",
        "[nodes.staging]\naddress = \"192.0.2.50\"\n",
    );
}

fn assert_clean(what: &str, output: &str) {
    for secret in PLANTED {
        let chars: Vec<char> = secret.chars().collect();
        for window in chars.windows(4) {
            let piece: String = window.iter().collect();
            assert!(
                !output.contains(&piece),
                "{what} contains `{piece}`, a piece of a planted secret:\n{output}"
            );
        }
    }
}

#[test]
fn planted_secrets_never_appear_in_any_format() {
    let dir = tempfile::tempdir().unwrap();
    planted_cluster(dir.path());
    let report = clusterlint::lint_dir(dir.path()).unwrap();
    assert!(report.diagnostics.len() >= 5, "{:?}", report.diagnostics);
    assert!(
        report.diagnostics.iter().any(|d| !d.related.is_empty()),
        "related locations are rendered too"
    );
    // A fixed root: the temporary folder's random name could hold any four
    // characters.
    let reports = [("cluster", &report)];
    let rules = rule_metas();
    assert_clean("sarif", &sarif::render(&reports, &rules, "0"));
    assert_clean("github", &github::render(&reports));
    assert_clean("junit", &junit::render(&reports));
    assert_clean("concise", &concise::render(&reports));
    assert_clean("statistics", &statistics::statistics(&reports));
    assert_clean("statistics json", &statistics::statistics_json(&reports));
}

#[test]
fn artifact_paths_of_the_handmade_report_decode_to_its_files() {
    let (_dir, root, report) = handmade_report();
    let reports = [(root.as_str(), &report)];
    let log: Value = serde_json::from_str(&sarif::render(&reports, &rule_metas(), "0")).unwrap();
    let result = &log["runs"][0]["results"][0];
    let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert!(uri.ends_with("/n%C5%93ud%201/a%20b%23%25.conf"), "{uri}");
    let fix = &result["fixes"][0];
    assert!(
        fix["description"]["text"]
            .as_str()
            .unwrap()
            .contains("rename `"),
        "{fix}"
    );
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(
        results[3].get("fixes").is_none(),
        "a rename alone is no SARIF fix"
    );
    let root_path = PathBuf::from(&root);
    assert!(root_path.join("nœud 1/a b#%.conf").is_file());
}
