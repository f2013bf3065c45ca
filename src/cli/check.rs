//! `clusterlint check`: lint each target, optionally fix or diff, keep the
//! findings touching the files asked about, and hand the reports to the
//! output module.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::output::{self, Checked, OutputArgs};
use crate::cli::targets::{self, ClusterToCheck};
use crate::engine::LintOptions;
use crate::fix::{Outcome, Plan};
use crate::outcome::Report;
use crate::rules::Applicability;
use crate::{Severity, Workspace};

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Folders or files. A folder stands for the clusters in or around it:
    /// the cluster of the nearest clusterlint.toml upward, else every
    /// cluster below it, or the cluster of the node it is in. A file stands
    /// for its own cluster, and only findings touching it are shown.
    /// Default: the current directory.
    pub(crate) paths: Vec<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
    /// Only these rules or packs (replaces the manifest's `select`).
    #[arg(long, value_delimiter = ',')]
    select: Option<Vec<String>>,
    /// Skip these rules or packs (added to the manifest's `ignore`).
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Set a rule's or pack's severity, e.g. `liferay/tunnel-secret-weak=error`.
    #[arg(long, value_name = "RULE=LEVEL", value_parser = parse_severity)]
    severity: Vec<(String, Severity)>,
    /// Read the manifest from this file instead of each root's clusterlint.toml.
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) fixes: FixArgs,
    /// Check again whenever a file of the clusters changes (until
    /// interrupted); not with `--fix` or `--diff`.
    #[arg(long, conflicts_with_all = ["fix", "diff"])]
    pub(crate) watch: bool,
    /// Print what each cluster was found to be (its root, manifest, nodes
    /// with their folders, roles and files, the versions and editions
    /// assumed) instead of checking it.
    #[arg(long)]
    show_settings: bool,
    /// Judge certificates' validity at this date (`2030-01-31`) instead
    /// of today, for results that do not change with the clock.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    as_of: Option<i64>,
}

/// What `--fix`, `--diff` and `--unsafe-fixes` ask for.
#[derive(clap::Args, Debug)]
pub struct FixArgs {
    /// Apply the fixes that have one right edit, then check again.
    #[arg(long)]
    fix: bool,
    /// Print the fixes as a unified diff instead of writing them (with or
    /// without `--fix`).
    #[arg(long)]
    diff: bool,
    /// Also apply (or show) the unsafe fixes: those that change who may
    /// connect or where traffic goes, such as adding an address to an
    /// allow-list or a node to an upstream.
    #[arg(long)]
    unsafe_fixes: bool,
}

fn parse_date(text: &str) -> Result<i64, String> {
    crate::clock::parse(text).ok_or_else(|| "expected a date such as 2030-01-31".to_string())
}

fn parse_severity(text: &str) -> Result<(String, Severity), String> {
    let (rule, level) = text.split_once('=').ok_or("expected RULE=LEVEL")?;
    let level = Severity::parse(level).ok_or("the level must be `error`, `warning` or `info`")?;
    Ok((rule.to_string(), level))
}

pub fn run(args: &CheckArgs) -> ExitCode {
    let options = LintOptions {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        severity: args.severity.clone(),
        as_of: args.as_of,
    };
    if let Err(message) = options.validate() {
        eprintln!("error: {message}");
        return ExitCode::from(2);
    }
    if let Some(config) = args.config.as_ref().filter(|c| !c.is_file()) {
        eprintln!(
            "error: the manifest `{}` does not exist or is not a file",
            config.display()
        );
        return ExitCode::from(2);
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let resolved = targets::resolve(&paths);
    let mut failed = false;
    for path in &resolved.missing {
        eprintln!("error: `{}` does not exist", path.display());
        failed = true;
    }
    for path in &resolved.empty {
        eprintln!(
            "error: `{}` holds no cluster: no clusterlint.toml above it, and no folder in or around it holds a node's configuration files",
            path.display()
        );
        failed = true;
    }
    for path in &resolved.outside {
        note(
            args,
            &format!(
                "`{}` is in no cluster (no clusterlint.toml above it, and no node's folder around it); not checked",
                path.display()
            ),
        );
    }
    if let Err(message) = check_selectors(&resolved.clusters, &options) {
        eprintln!("error: {message}");
        return ExitCode::from(2);
    }
    if args.show_settings {
        return show_settings(&resolved.clusters, args, failed);
    }
    let mut checked = Vec::new();
    let mut diff = String::new();
    for target in &resolved.clusters {
        let mut report = match lint(target, args, &options) {
            Ok(report) => report,
            Err(message) => {
                eprintln!("error: {message}");
                failed = true;
                continue;
            }
        };
        if report.nodes.is_empty() {
            if target.only.is_some() {
                note(
                    args,
                    &format!(
                        "`{}` holds no nodes; the files given there are not checked",
                        target.shown
                    ),
                );
            } else {
                eprintln!(
                    "error: `{}` holds no nodes: a cluster root has one folder per node (or a clusterlint.toml naming them)",
                    target.label()
                );
                failed = true;
            }
            continue;
        }
        if let Some(only) = &target.only {
            tell_unchecked(args, &target.shown, &report, only);
        }
        if args.fixes.diff {
            diff.push_str(&Plan::new(&report, allowed(args)).diff(&report, &target.shown));
        } else if args.fixes.fix {
            let (fixed, outcomes) = fix(target, args, &options, report);
            report = fixed;
            failed |= tell_fixes(args, &target.shown, &outcomes);
        }
        if (args.fixes.diff || args.fixes.fix) && !args.fixes.unsafe_fixes && !args.output.quiet {
            tell_unsafe_left(&report);
        }
        checked.push(Checked {
            shown: target.shown.clone(),
            label: target.label(),
            report,
        });
    }
    drop_repeated_findings(&mut checked);
    let text = if args.fixes.diff {
        diff
    } else {
        output::render(&args.output, &checked)
    };
    if let Err(message) = output::emit(&args.output, &text) {
        eprintln!("error: {message}");
        return ExitCode::from(2);
    }
    let code = if failed || checked.iter().any(|c| c.report.has_manifest_errors()) {
        ExitCode::from(2)
    } else if checked.iter().any(|c| c.report.has_errors()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    // The process ends now: freeing every parse tree and model one by one
    // would only delay the exit (tens of milliseconds on a large cluster).
    std::mem::forget(checked);
    code
}

/// A finding on a file several clusters share (a Liferay Workspace's
/// `configs/common/`, checked once per environment) is shown once: later
/// clusters drop what an earlier one of the same folder said word for
/// word at the same place.
fn drop_repeated_findings(checked: &mut [Checked]) {
    // Which to keep, judged on borrowed text; then dropped.
    let keep: Vec<Vec<bool>> = {
        let mut seen = std::collections::HashSet::new();
        checked
            .iter()
            .map(|c| {
                let report = &c.report;
                report
                    .diagnostics
                    .iter()
                    .map(|d| {
                        let span = d.primary.span;
                        seen.insert((
                            c.shown.as_str(),
                            report.path(span),
                            span.range.start,
                            span.range.end,
                            d.rule.as_ref(),
                            d.message.as_str(),
                        ))
                    })
                    .collect()
            })
            .collect()
    };
    for (c, keep) in checked.iter_mut().zip(keep) {
        let mut keep = keep.into_iter();
        c.report.diagnostics.retain(|_| keep.next().unwrap_or(true));
    }
}

/// Notes go to stderr unless `--quiet`.
fn note(args: &CheckArgs, message: &str) {
    if !args.output.quiet {
        eprintln!("note: {message}");
    }
}

/// The workspace of a target, with `--config` applied.
fn workspace_of(target: &ClusterToCheck, args: &CheckArgs) -> Result<Workspace, String> {
    let mut workspace = Workspace::from_root(&target.cluster).map_err(|e| e.to_string())?;
    if let Some(config) = &args.config {
        workspace.set_manifest_file(config);
    }
    Ok(workspace)
}

/// Checks the command line's rule selectors against the rules, packs and
/// the clusters' own checks: a misspelt one must not pass silently.
fn check_selectors(targets: &[ClusterToCheck], options: &LintOptions) -> Result<(), String> {
    let custom: Vec<String> = targets
        .iter()
        .filter_map(|t| {
            crate::roots::manifest_above(t.root()).or_else(|| t.cluster.settings.clone())
        })
        .filter_map(|root| {
            let file = if root.is_file() {
                root
            } else {
                root.join(crate::manifest::FILE_NAME)
            };
            crate::disk::read_regular(&file, 1 << 20)
                .ok()
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        })
        .flat_map(|text| {
            crate::manifest::parse(&text)
                .checks
                .into_iter()
                .map(|c| c.id)
                .collect::<Vec<_>>()
        })
        .collect();
    options.validate_known(&custom)
}

/// `--show-settings`: what each cluster was found to be.
fn show_settings(targets: &[ClusterToCheck], args: &CheckArgs, failed: bool) -> ExitCode {
    let mut out = String::new();
    let mut failed = failed;
    for target in targets {
        match workspace_of(target, args) {
            Ok(workspace) => {
                let analysis = workspace.analyze();
                out.push_str(&super::settings::describe(
                    &target.label(),
                    &target.cluster,
                    &analysis,
                ));
            }
            Err(message) => {
                eprintln!("error: {message}");
                failed = true;
            }
        }
    }
    if let Err(message) = output::emit(&args.output, &out) {
        eprintln!("error: {message}");
        return ExitCode::from(2);
    }
    if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

fn lint(
    target: &ClusterToCheck,
    args: &CheckArgs,
    options: &LintOptions,
) -> Result<Report, String> {
    let workspace = workspace_of(target, args)?;
    let mut report = workspace.lint(options);
    if let Some(only) = &target.only {
        keep_touching(&mut report, only);
    }
    if let Some(url) = &args.output.rules_url {
        report.rules_url = Some(url.clone());
    }
    Ok(report)
}

/// Notes the given files that no node reads (one line; the names with
/// `--verbose`), so a hook handed a whole commit stays readable.
fn tell_unchecked(args: &CheckArgs, root: &str, report: &Report, only: &BTreeSet<String>) {
    let unchecked: Vec<&String> = only.iter().filter(|p| !is_node_file(report, p)).collect();
    match unchecked.as_slice() {
        [] => {}
        [one] => note(
            args,
            &format!(
                "`{}` is not a file of any node of the cluster `{root}`; not checked",
                crate::report::display_path(root, one)
            ),
        ),
        many => {
            note(
                args,
                &format!(
                    "{} of the given files are not files of any node of the cluster `{root}`; not checked",
                    many.len()
                ),
            );
            if args.output.verbose {
                for path in many {
                    note(
                        args,
                        &format!(
                            "  not checked: `{}`",
                            crate::report::display_path(root, path)
                        ),
                    );
                }
            }
        }
    }
}

fn is_node_file(report: &Report, path: &str) -> bool {
    report
        .files
        .iter()
        .any(|f| f.node.is_some() && f.source.path == path)
}

/// Keeps the findings whose primary or related locations are in `only`.
fn keep_touching(report: &mut Report, only: &BTreeSet<String>) {
    let files = &report.files;
    let in_only = |span: crate::Span| only.contains(&files.source(span.file).path);
    report
        .diagnostics
        .retain(|d| in_only(d.primary.span) || d.related.iter().any(|r| in_only(r.span)));
}

/// Fix, re-lint, repeat while fixes apply; a renamed file asked about
/// stays asked about under its new name.
fn fix(
    target: &ClusterToCheck,
    args: &CheckArgs,
    options: &LintOptions,
    report: Report,
) -> (Report, Vec<Outcome>) {
    let mut target = ClusterToCheck {
        cluster: target.cluster.clone(),
        shown: target.shown.clone(),
        only: target.only.clone(),
    };
    let root = target.root().to_path_buf();
    crate::fix::fix_until_done(report, &root, allowed(args), |round| {
        if let Some(only) = &mut target.only {
            for outcome in round {
                if let Outcome::Written {
                    renamed_to: Some(to),
                    ..
                } = outcome
                {
                    only.insert(to.clone());
                }
            }
        }
        lint(&target, args, options).ok()
    })
}

/// The fixes `--fix` and `--diff` take.
fn allowed(args: &CheckArgs) -> Applicability {
    if args.fixes.unsafe_fixes {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    }
}

/// Says (stderr) how many findings have a fix left out as unsafe.
fn tell_unsafe_left(report: &Report) {
    let left = report
        .diagnostics
        .iter()
        .filter(|d| d.fix.is_some() && crate::fix::applicability(d) == Applicability::Unsafe)
        .count();
    if left > 0 {
        let (fixes, they) = if left == 1 {
            ("1 fix is".to_string(), "it changes")
        } else {
            (format!("{left} fixes are"), "they change")
        };
        eprintln!(
            "{fixes} left out as unsafe ({they} who may connect or where traffic goes); `--unsafe-fixes` applies them"
        );
    }
}

/// Tells what the fixes did (stderr); returns whether any file could not
/// be written.
fn tell_fixes(args: &CheckArgs, root: &str, outcomes: &[Outcome]) -> bool {
    let mut failed = false;
    let mut message = String::new();
    let (mut fixes, mut files) = (0, BTreeSet::new());
    for outcome in outcomes {
        match outcome {
            Outcome::Written {
                path,
                renamed_to,
                fixes: n,
            } => {
                fixes += n;
                files.insert(path.clone());
                let shown = shown_path(root, path);
                match renamed_to {
                    Some(to) => {
                        let _ = writeln!(
                            message,
                            "fixed `{shown}` (renamed to `{}`)",
                            shown_path(root, to)
                        );
                    }
                    None => {
                        let _ = writeln!(message, "fixed `{shown}`");
                    }
                }
            }
            Outcome::Failed { path, reason } => {
                failed = true;
                eprintln!(
                    "error: could not fix `{}`: {reason}; it is unchanged",
                    shown_path(root, path)
                );
            }
        }
    }
    if fixes > 0 && !args.output.quiet {
        let fixes = if fixes == 1 {
            "1 fix".to_string()
        } else {
            format!("{fixes} fixes")
        };
        let files = if files.len() == 1 {
            "1 file".to_string()
        } else {
            format!("{} files", files.len())
        };
        let _ = writeln!(message, "{fixes} applied in {files}.");
        eprint!("{message}");
    }
    failed
}

fn shown_path(root: &str, path: &str) -> String {
    crate::report::display_path(root, path)
}
