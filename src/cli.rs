//! The `clusterlint` command line: a thin layer over the library.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::engine::LintOptions;
use crate::report::human::{self, HumanOptions};
use crate::report::{Report, json};
use crate::{Severity, Workspace, rules};

#[derive(Parser, Debug)]
#[command(
    name = "clusterlint",
    version,
    about = "Checks the configuration of a whole server cluster before it ships"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check one or more cluster roots (one folder per node inside).
    Check(CheckArgs),
    /// List every rule.
    Rules,
    /// Print a rule's documentation.
    Rule {
        /// The rule id, e.g. `liferay/tunnel-secret-mismatch`.
        id: String,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Human,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args, Debug)]
struct CheckArgs {
    /// Cluster roots (default: the current directory).
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Only these rules or packs (replaces the manifest's `select`).
    #[arg(long, value_delimiter = ',')]
    select: Option<Vec<String>>,
    /// Skip these rules or packs (added to the manifest's `ignore`).
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Set a rule's or pack's severity, e.g. `liferay/tunnel-secret-weak=error`.
    #[arg(long, value_parser = parse_severity)]
    severity: Vec<(String, Severity)>,
    /// When to use colours.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Also list the nodes, their roles, and the files that were skipped.
    #[arg(long, short)]
    verbose: bool,
}

fn parse_severity(text: &str) -> Result<(String, Severity), String> {
    let (rule, level) = text.split_once('=').ok_or("expected RULE=LEVEL")?;
    let level = Severity::parse(level).ok_or("the level must be `error`, `warning` or `info`")?;
    Ok((rule.to_string(), level))
}

/// Runs the command line; returns the process exit code.
#[must_use]
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check(&args),
        Command::Rules => {
            let mut out = String::new();
            for rule in rules::ALL {
                let _ = writeln!(
                    out,
                    "{:<48} {:<8} {}",
                    rule.id,
                    rule.default_severity,
                    rule.summary()
                );
            }
            print(&out)
        }
        Command::Rule { id } => {
            if let Some(rule) = rules::find(&id) {
                print(&rule.reference_page())
            } else {
                let hint = crate::suggest::closest(&id, rules::ALL.iter().map(|r| r.id))
                    .map_or_else(String::new, |s| format!(" Did you mean `{s}`?"));
                eprintln!("error: no rule `{id}`.{hint} `clusterlint rules` lists them all.");
                ExitCode::from(2)
            }
        }
    }
}

fn print(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth reporting.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    ExitCode::SUCCESS
}

fn check(args: &CheckArgs) -> ExitCode {
    let options = LintOptions {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        severity: args.severity.clone(),
    };
    if let Err(message) = options.validate() {
        eprintln!("error: {message}");
        return ExitCode::from(2);
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut reports = Vec::new();
    let mut failed = false;
    for path in &paths {
        match Workspace::from_dir(path) {
            Ok(workspace) => {
                let report = workspace.lint(&options);
                if report.cluster.nodes.is_empty() {
                    eprintln!(
                        "error: `{}` holds no nodes: a cluster root has one folder per node (or a clusterlint.toml naming them)",
                        path.display()
                    );
                    failed = true;
                    continue;
                }
                reports.push((path.display().to_string(), report));
            }
            Err(err) => {
                eprintln!("error: {err}");
                failed = true;
            }
        }
    }
    let prefixed = reports.len() > 1;
    let mut out = String::new();
    match args.format {
        Format::Json => {
            let views: Vec<(Option<&str>, &Report)> = reports
                .iter()
                .map(|(p, r)| (prefixed.then_some(p.as_str()), r))
                .collect();
            out.push_str(&json::render_all(&views));
        }
        Format::Human => {
            let color = match args.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => {
                    std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            };
            let width = if std::io::stdout().is_terminal() {
                120
            } else {
                100
            };
            for (path, report) in &reports {
                if args.verbose {
                    eprint!("{}", describe(path, report));
                }
                if prefixed {
                    let _ = writeln!(out, "== {path}");
                }
                out.push_str(&human::render(
                    report,
                    HumanOptions {
                        color,
                        unicode: true,
                        width,
                    },
                ));
            }
        }
    }
    print(&out);
    if failed || reports.iter().any(|(_, r)| r.has_manifest_errors()) {
        ExitCode::from(2)
    } else if reports.iter().any(|(_, r)| r.has_errors()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The nodes, roles and files found, and what was skipped (`--verbose`).
fn describe(root: &str, report: &Report) -> String {
    let mut out = format!("cluster root `{root}`\n");
    for node in &report.cluster.nodes {
        let roles: Vec<&str> = node.roles.iter().map(|(r, _)| r.name()).collect();
        let addresses: Vec<String> = node.addresses.iter().map(|a| a.ip.to_string()).collect();
        let _ = writeln!(
            out,
            "  node `{}`: roles [{}], addresses [{}]",
            node.name,
            roles.join(", "),
            addresses.join(", ")
        );
        for file in &node.files {
            let f = report.cluster.file(*file);
            let format = f.format.map_or("-", crate::formats::Format::name);
            let note = if f.format.is_some_and(|f| !f.is_parsed()) {
                " (not checked by this version)"
            } else {
                ""
            };
            let _ = writeln!(out, "    {} ({format}){note}", f.source.path);
        }
    }
    for path in &report.ignored {
        let _ = writeln!(out, "  skipped `{path}`: no node or no known format");
    }
    out
}
