//! Lints files held in memory (an editor's buffers, a configuration
//! management tool's rendered templates) without touching the disk:
//! `cargo run --example in_memory`.

use clusterlint::{LintOptions, Workspace};

fn main() {
    let mut workspace = Workspace::new();
    // Two portal nodes whose tunnel secrets differ, and a staging server.
    workspace.add_file(
        "staging/portal-ext.properties",
        "tunneling.servlet.shared.secret=0123456789abcdef0123456789abcdef\n",
    );
    workspace.add_file(
        "app1/portal-ext.properties",
        "tunneling.servlet.shared.secret=0123456789abcdef0123456789abcdef\n",
    );
    workspace.add_file(
        "app2/portal-ext.properties",
        "tunneling.servlet.shared.secret=fedcba9876543210fedcba9876543210\n",
    );
    let report = workspace.lint(&LintOptions::default());
    for d in &report.diagnostics {
        let (start, _) = report.position(d.primary.span);
        // Messages never quote a secret: they say which files differ.
        println!(
            "{}:{}: {} [{}]",
            report.path(d.primary.span),
            start.line,
            d.message,
            d.rule
        );
    }
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.rule == "liferay/tunnel-secret-mismatch")
    );
}
