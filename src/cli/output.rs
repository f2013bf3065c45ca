//! Where and how `check` prints: the output format, `--output`,
//! `--quiet`, `--statistics`, colours and width.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::ValueEnum;

use crate::outcome::{Report, RuleMeta};
use crate::report::human::{self, HumanOptions};
use crate::report::{checkstyle, concise, github, gitlab, json, junit, rdjson, sarif, statistics};
use crate::rules;

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// Drawn diagnostics with snippets, for people.
    Human,
    /// The JSON contract (`version`, `diagnostics`, `summary`).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
    /// JUnit XML, for CI test reports.
    Junit,
    /// GitLab Code Quality (`artifacts:reports:codequality`).
    Gitlab,
    /// Checkstyle XML, for CI dashboards and reviewdog.
    Checkstyle,
    /// reviewdog's Diagnostic Format (`reviewdog -f=rdjson`).
    Rdjson,
    /// One `path:line:col: severity[rule] message` line per finding.
    Concise,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args, Debug)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print the findings and nothing else: no summary, no notes.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print how many findings each rule has instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// When to use colours (human format).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Also list the nodes, their roles, and the files that were skipped.
    #[arg(long, short)]
    pub verbose: bool,
    /// Where the rule pages are published (the `rules/` folder as a web
    /// site; overrides `[docs] rules-url`): JSON, SARIF and the terminal
    /// link each finding's rule to `<URL>/<rule id>.md`.
    #[arg(long, value_name = "URL")]
    pub rules_url: Option<String>,
}

/// A checked cluster.
pub struct Checked {
    /// The root as shown.
    pub shown: String,
    /// How headings name the cluster (its root, and its environment).
    pub label: String,
    pub report: Report,
}

/// The text for the checked clusters.
#[must_use]
pub fn render(args: &OutputArgs, checked: &[Checked]) -> String {
    let reports: Vec<(&str, &Report)> = checked
        .iter()
        .map(|c| (c.shown.as_str(), &c.report))
        .collect();
    if args.verbose {
        for (root, report) in &reports {
            eprint!("{}", describe(root, report));
        }
    }
    if args.statistics {
        return if args.format == OutputFormat::Json {
            statistics::statistics_json(&reports)
        } else {
            statistics::statistics(&reports)
        };
    }
    match args.format {
        OutputFormat::Json => {
            // The contract's paths are relative to the root; several roots
            // prefix them so they stay apart.
            let prefixed = reports.len() > 1;
            let views: Vec<(Option<&str>, &Report)> = reports
                .iter()
                .map(|(root, report)| (prefixed.then_some(*root), *report))
                .collect();
            json::render_all(&views)
        }
        OutputFormat::Sarif => sarif::render(
            &reports,
            &rule_metadata(&reports),
            env!("CARGO_PKG_VERSION"),
        ),
        OutputFormat::Github => github::render(&reports),
        OutputFormat::Junit => junit::render(&reports),
        OutputFormat::Gitlab => gitlab::render(&reports),
        OutputFormat::Checkstyle => checkstyle::render(&reports),
        OutputFormat::Rdjson => rdjson::render(&reports),
        OutputFormat::Concise => concise::render(&reports),
        OutputFormat::Human => {
            let labels: Vec<&str> = checked.iter().map(|c| c.label.as_str()).collect();
            human_text(args, &reports, &labels)
        }
    }
}

fn human_text(args: &OutputArgs, reports: &[(&str, &Report)], labels: &[&str]) -> String {
    let terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        // A terminal that takes colours (or `FORCE_COLOR`), unless
        // `NO_COLOR` says otherwise.
        Color::Auto => {
            args.output.is_none()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && supports_color::on(supports_color::Stream::Stdout).is_some()
        }
    };
    let options = HumanOptions {
        color,
        // Files and pipes are read in UTF-8; a terminal says what it takes.
        unicode: !terminal || supports_unicode::on(supports_unicode::Stream::Stdout),
        width: width(terminal),
        links: terminal && supports_hyperlinks::on(supports_hyperlinks::Stream::Stdout),
    };
    let mut out = String::new();
    for ((_, report), label) in reports.iter().zip(labels) {
        if reports.len() > 1 && !(args.quiet && report.diagnostics.is_empty()) {
            let _ = writeln!(out, "== {label}");
        }
        out.push_str(&human::render_diagnostics(report, options));
        if !args.quiet {
            out.push_str(&human::summary_line(report));
        }
    }
    out
}

/// The width to wrap the report at: `COLUMNS`, else the terminal's, else
/// 100 (files and pipes).
fn width(terminal: bool) -> usize {
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0);
    let measured = || {
        terminal
            .then(terminal_size::terminal_size)
            .flatten()
            .map(|(terminal_size::Width(w), _)| usize::from(w))
    };
    columns.or_else(measured).unwrap_or(100).clamp(40, 400)
}

/// What SARIF lists about every rule, and about the checks the clusters'
/// manifests declare.
fn rule_metadata(reports: &[(&str, &Report)]) -> Vec<RuleMeta> {
    let mut out: Vec<RuleMeta> = rules::ALL
        .iter()
        .map(|rule| RuleMeta {
            id: rule.id.into(),
            summary: rule.summary(),
            default_severity: rule.default_severity,
            doc: rule.reference_page(),
        })
        .collect();
    for (_, report) in reports {
        for meta in &report.checks {
            if !out.iter().any(|m| m.id == meta.id) {
                out.push(meta.clone());
            }
        }
    }
    out
}

/// Prints `text` on stdout, or writes it to `--output`.
pub fn emit(args: &OutputArgs, text: &str) -> Result<(), String> {
    if let Some(path) = &args.output {
        return std::fs::write(path, text)
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()));
    }
    print(text);
    Ok(())
}

/// Prints to stdout; a closed pipe (`| head`) is not an error worth
/// reporting.
pub fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// The nodes, roles and files found, and what was skipped (`--verbose`).
fn describe(root: &str, report: &Report) -> String {
    let mut out = format!("cluster root `{root}`\n");
    for node in &report.nodes {
        let roles: Vec<&str> = node.roles.iter().map(|r| r.name()).collect();
        let addresses: Vec<String> = node.addresses.iter().map(ToString::to_string).collect();
        let _ = writeln!(
            out,
            "  node `{}`: roles [{}], addresses [{}]",
            node.name,
            roles.join(", "),
            addresses.join(", ")
        );
        for file in &node.files {
            let f = report.files.file(*file);
            let format = f.format.map_or("-", crate::formats::Format::name);
            let _ = writeln!(out, "    {} ({format})", f.source.path);
        }
    }
    for path in &report.ignored {
        let _ = writeln!(out, "  skipped `{path}`: no node or no known format");
    }
    out
}
