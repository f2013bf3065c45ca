//! `clusterlint graph`: the cluster's topology as Graphviz DOT or Mermaid.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;

use crate::{LintOptions, Workspace, graph};

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphFormat {
    /// Graphviz DOT (`dot -Tsvg` draws it).
    Dot,
    /// A Mermaid flowchart (GitHub and many wikis draw it).
    Mermaid,
}

#[derive(clap::Args, Debug)]
pub struct GraphArgs {
    /// The cluster root (default: the current directory).
    path: Option<PathBuf>,
    /// Picture format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    format: GraphFormat,
    /// Write the picture to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Read the manifest from this file instead of the root's clusterlint.toml.
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
}

pub fn run(args: &GraphArgs) -> ExitCode {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let mut workspace = match Workspace::from_dir(&root) {
        Ok(workspace) => workspace,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    if let Some(config) = &args.config {
        if !config.is_file() {
            eprintln!(
                "error: the manifest `{}` does not exist or is not a file",
                config.display()
            );
            return ExitCode::from(2);
        }
        workspace.set_manifest_file(config);
    }
    let (cluster, settings, report) = workspace.lint_with_cluster(&LintOptions::default());
    if cluster.nodes.is_empty() {
        eprintln!("error: `{}` holds no nodes", root.display());
        return ExitCode::from(2);
    }
    let topology = graph::build(&cluster, &settings, &report.diagnostics);
    let text = match args.format {
        GraphFormat::Dot => graph::render_dot(&topology),
        GraphFormat::Mermaid => graph::render_mermaid(&topology),
    };
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, text) {
                eprintln!("error: cannot write `{}`: {e}", path.display());
                return ExitCode::from(2);
            }
        }
        None => super::output::print(&text),
    }
    ExitCode::SUCCESS
}
