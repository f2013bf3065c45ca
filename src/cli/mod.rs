//! The `clusterlint` command line: a thin layer over the library.

mod check;
mod graph;
mod output;
mod settings;
mod targets;
mod watch;

use std::fmt::Write as _;
use std::process::ExitCode;

use clap::{CommandFactory as _, Parser, Subcommand};

use crate::rules;

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
    /// Check one or more clusters (roots with one folder per node, or files of them).
    Check(check::CheckArgs),
    /// Print the cluster's topology as a Graphviz or Mermaid picture.
    Graph(graph::GraphArgs),
    /// Serve editors over the Language Server Protocol on stdin and stdout.
    Lsp,
    /// List every rule.
    Rules {
        /// `text`, or `json`: each rule's id, pack, default severity, fix
        /// safety and summary.
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Print a rule's documentation.
    Rule {
        /// The rule id, e.g. `liferay/tunnel-secret-mismatch`.
        id: String,
    },
    /// Print a completion script for a shell (e.g. `clusterlint completions
    /// bash > /etc/bash_completion.d/clusterlint`).
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `clusterlint manpage > clusterlint.1`.
    Manpage,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum RulesFormat {
    Text,
    Json,
}

/// Runs the command line; returns the process exit code.
#[must_use]
pub fn main() -> ExitCode {
    // A panic's message may quote the configuration (a secret among it):
    // only where it happened is shown.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "clusterlint: internal error{at}; its message is not shown, as it may quote the configuration (please report it)"
        );
    }));
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) if args.watch => watch::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Lsp => match crate::lsp::run_stdio() {
            crate::lsp::Ended::Cleanly => ExitCode::SUCCESS,
            crate::lsp::Ended::WithoutShutdown | crate::lsp::Ended::Disconnected => {
                ExitCode::from(1)
            }
        },
        Command::Rules {
            format: RulesFormat::Json,
        } => {
            let list: Vec<serde_json::Value> = rules::ALL
                .iter()
                .map(|rule| {
                    serde_json::json!({
                        "id": rule.id,
                        "pack": rule.pack(),
                        "default_severity": rule.default_severity.to_string(),
                        "fix": rule.fix.map(rules::Applicability::name),
                        "summary": rule.summary(),
                    })
                })
                .collect();
            let text = serde_json::to_string_pretty(&list).unwrap_or_default();
            output::print(&(text + "\n"));
            ExitCode::SUCCESS
        }
        Command::Rules {
            format: RulesFormat::Text,
        } => {
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
            output::print(&out);
            ExitCode::SUCCESS
        }
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "clusterlint", &mut script);
            output::print(&String::from_utf8_lossy(&script));
            ExitCode::SUCCESS
        }
        Command::Manpage => {
            let mut page = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut page) {
                Ok(()) => {
                    output::print(&String::from_utf8_lossy(&page));
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: cannot write the manual page: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Rule { id } => {
            if let Some(rule) = rules::find(&id) {
                output::print(&rule.reference_page());
                ExitCode::SUCCESS
            } else {
                let hint = crate::suggest::closest(&id, rules::ALL.iter().map(|r| r.id))
                    .map_or_else(String::new, |s| format!(" Did you mean `{s}`?"));
                eprintln!("error: no rule `{id}`.{hint} `clusterlint rules` lists them all.");
                ExitCode::from(2)
            }
        }
    }
}
