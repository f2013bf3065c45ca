//! Lints the cluster in a folder and prints one line per finding, like a
//! compiler: `cargo run --example lint_dir -- fixtures/clusters/liferay-remote-staging`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = std::env::args_os().nth(1).map_or_else(
        || PathBuf::from("fixtures/clusters/liferay-remote-staging"),
        PathBuf::from,
    );
    let report = match clusterlint::lint_dir(&root) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    for d in &report.diagnostics {
        let (start, _) = report.position(d.primary.span);
        println!(
            "{}:{}:{}: {} {} [{}]",
            report.path(d.primary.span),
            start.line,
            start.column,
            d.severity,
            d.message,
            d.rule
        );
    }
    let summary = report.summary();
    println!(
        "{} nodes, {} files: {} errors, {} warnings, {} notes",
        summary.nodes, summary.files, summary.errors, summary.warnings, summary.infos
    );
    if report.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
