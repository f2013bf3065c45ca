//! Parser robustness on the shared corpus of real-world files: every file
//! parses without panicking, every range lies inside the text on character
//! boundaries, the same input gives the same output, and a whole cluster
//! built from each file goes through every rule.

mod common;

use std::fs;

use common::{corpus, files_under};

use clusterlint::formats::{self, Format};
use clusterlint::{LintOptions, Workspace};

fn run_format(dir: &str, formats_to_try: &[Format]) -> usize {
    let corpus = corpus();
    let files = files_under(&corpus.join(dir));
    assert!(!files.is_empty(), "no files in corpus/{dir}");
    let mut failures = Vec::new();
    for path in &files {
        let bytes = fs::read(path).unwrap();
        for &format in formats_to_try {
            if let Err(e) = clusterlint::invariants::check_format(format, &bytes) {
                failures.push(format!("{}: {e}", path.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    files.len()
}

#[test]
fn properties_corpus_parses_in_both_dialects() {
    let n = run_format(
        "properties",
        &[
            Format::LIFERAY_PROPERTIES,
            Format::GLUU_SETUP,
            Format::OSGI_CFG,
        ],
    );
    eprintln!("checked {n} properties files");
}

#[test]
fn osgi_config_corpus_parses() {
    let n = run_format("osgi-config", &[Format::OSGI_CONFIG]);
    eprintln!("checked {n} .config files");
}

#[test]
fn multi_master_corpus_parses() {
    for (dir, format) in [
        ("nginx", Format::NGINX),
        ("redis", Format::REDIS),
        ("stunnel", Format::STUNNEL),
        ("csync2", Format::CSYNC2),
        ("hosts", Format::HOSTS),
        ("kaazing-xml", Format::KAAZING_XML),
    ] {
        let n = run_format(dir, &[format]);
        eprintln!("checked {n} {dir} files");
    }
}

/// Each corpus source folder as one node, so that include trees resolve
/// as they do for the program, through every rule.
#[test]
fn corpus_include_trees_go_through_the_whole_engine() {
    let corpus = corpus();
    let mut nodes = 0;
    for format in [
        "nginx",
        "redis",
        "stunnel",
        "csync2",
        "hosts",
        "kaazing-xml",
    ] {
        for source in fs::read_dir(corpus.join(format)).unwrap().flatten() {
            let mut workspace = Workspace::new();
            for path in files_under(&source.path()) {
                let rel = path
                    .strip_prefix(source.path())
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                let name = match format {
                    // Every corpus file of a format is that format, whatever its name.
                    "stunnel" => format!("n/stunnel/{rel}"),
                    _ => format!("n/{rel}"),
                };
                workspace.add_file(name, fs::read(&path).unwrap());
            }
            let report = workspace.lint(&LintOptions::default());
            nodes += 1;
            for d in &report.diagnostics {
                let text = &report.files.source(d.primary.span.file).text;
                let range = d.primary.span.range;
                assert!(
                    range.end as usize <= text.len() && text.is_char_boundary(range.start as usize),
                    "{}: bad span {range:?} from {}",
                    source.path().display(),
                    d.rule
                );
            }
        }
    }
    assert!(nodes > 20, "{nodes} corpus sources");
}

#[test]
fn corpus_include_trees_resolve_as_nginx_does() {
    // crossplane's include test: `conf.d/server.conf` includes `foo.conf`
    // and `bar.conf` relative to the main file's folder; only `foo.conf`
    // exists there.
    let corpus = corpus();
    let root = corpus.join("nginx/crossplane-tests/includes-regular");
    let mut workspace = Workspace::new();
    for path in files_under(&root) {
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        workspace.add_file(format!("n/{rel}"), fs::read(&path).unwrap());
    }
    let report = workspace.lint(&LintOptions::default());
    let missing: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "core/include-not-found")
        .map(|d| {
            format!(
                "{} {}",
                report.path(d.primary.span),
                report.text(d.primary.span)
            )
        })
        .collect();
    assert_eq!(missing, ["n/conf.d/server.conf bar.conf"]);
    let h5bp = corpus.join("nginx/h5bp-server-configs-nginx");
    let mut workspace = Workspace::new();
    for path in files_under(&h5bp) {
        let rel = path
            .strip_prefix(&h5bp)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        workspace.add_file(format!("n/{rel}"), fs::read(&path).unwrap());
    }
    let report = workspace.lint(&LintOptions::default());
    let nginx_files: Vec<&str> = report
        .files
        .iter()
        .filter(|f| f.format == Some(Format::NGINX))
        .map(|f| f.source.path.as_str())
        .collect();
    // nginx.conf and what it includes; `conf.d/*.conf` skips the hidden
    // `.default.conf`, as glob(3) does.
    assert!(nginx_files.len() >= 8, "{nginx_files:?}");
    assert!(
        nginx_files.contains(&"n/conf.d/no-ssl.default.conf"),
        "{nginx_files:?}"
    );
    assert!(
        !nginx_files.contains(&"n/conf.d/.default.conf"),
        "{nginx_files:?}"
    );
    let includes: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule.starts_with("core/include"))
        .map(|d| report.text(d.primary.span))
        .collect();
    assert_eq!(includes, ["custom.d/*.conf"]);
}

#[test]
fn every_corpus_file_goes_through_the_whole_engine() {
    let corpus = corpus();
    for (dir, name) in [
        ("properties", "portal-ext.properties"),
        ("osgi-config", "osgi/configs/x.config"),
    ] {
        for path in files_under(&corpus.join(dir)) {
            let bytes = fs::read(&path).unwrap();
            let mut workspace = Workspace::new();
            workspace.add_file(format!("staging/{name}"), bytes.clone());
            workspace.add_file(format!("app1/{name}"), bytes);
            let report = workspace.lint(&LintOptions::default());
            for d in &report.diagnostics {
                let text = &report.files.source(d.primary.span.file).text;
                let range = d.primary.span.range;
                assert!(
                    range.end as usize <= text.len() && text.is_char_boundary(range.start as usize),
                    "{}: bad span {range:?} from {}",
                    path.display(),
                    d.rule
                );
            }
        }
    }
}

#[test]
fn documents_of_a_corpus_file_are_not_empty() {
    // A parser that silently drops everything would pass the tests above.
    let corpus = corpus();
    let portal = corpus.join("properties/liferay-portal-basics/portal-impl/src/portal.properties");
    let text = fs::read_to_string(portal).unwrap();
    let document = formats::parse(Format::LIFERAY_PROPERTIES, &text);
    let doc = document
        .get::<formats::properties::PropertiesDocument>()
        .unwrap();
    assert!(doc.entries.len() > 1000, "{} entries", doc.entries.len());
    assert!(
        doc.entries
            .iter()
            .any(|e| e.key(&text) == "tunnel.servlet.hosts.allowed")
    );
}
