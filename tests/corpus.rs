//! Parser robustness on the shared corpus of real-world files: every file
//! parses without panicking, every range lies inside the text on character
//! boundaries, the same input gives the same output, and a whole cluster
//! built from each file goes through every rule.

mod common;

use std::fs;

use common::{corpus, files_under};

use clusterlint::formats::{self, Document, Format};
use clusterlint::{LintOptions, Workspace};

fn run_format(dir: &str, formats_to_try: &[Format]) -> usize {
    let Some(corpus) = corpus() else { return 0 };
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
            Format::LiferayProperties,
            Format::GluuSetup,
            Format::OsgiCfg,
        ],
    );
    eprintln!("checked {n} properties files");
}

#[test]
fn osgi_config_corpus_parses() {
    let n = run_format("osgi-config", &[Format::OsgiConfig]);
    eprintln!("checked {n} .config files");
}

#[test]
fn every_corpus_file_goes_through_the_whole_engine() {
    let Some(corpus) = corpus() else { return };
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
                let text = &report.cluster.source(d.primary.span.file).text;
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
    let Some(corpus) = corpus() else { return };
    let portal = corpus.join("properties/liferay-portal-basics/portal-impl/src/portal.properties");
    let text = fs::read_to_string(portal).unwrap();
    let Document::Properties(doc) = formats::parse(Format::LiferayProperties, &text) else {
        panic!()
    };
    assert!(doc.entries.len() > 1000, "{} entries", doc.entries.len());
    assert!(
        doc.entries
            .iter()
            .any(|e| e.key(&text) == "tunnel.servlet.hosts.allowed")
    );
}
