//! Evaluating the `[[check]]`s on a cluster. Messages never quote a value
//! found in the files (it may be a secret); they name the path and what was
//! expected.

use rustc_hash::FxHashMap as HashMap;

use crate::diagnostic::{Diagnostic, Label};
use crate::facts::{AsFact, Fact, FactKind};
use crate::formats::tree::{ConfigTree, TreeValue};
use crate::manifest::Settings;
use crate::manifest::check::{Assertion, Check, CheckTarget};
use crate::model::{Cluster, NodeId, Role};
use crate::rules::consensus;
use crate::source::{FileId, Span, TextRange};

/// An entry a check's path selected on one node.
struct Found {
    node: NodeId,
    file: FileId,
    values: Vec<TreeValue>,
    name_range: TextRange,
}

impl Found {
    /// Where a finding about its value goes: the values, else the name.
    fn value_range(&self) -> TextRange {
        self.values
            .iter()
            .map(|v| v.range)
            .reduce(TextRange::cover)
            .unwrap_or(self.name_range)
    }

    fn key(&self) -> Vec<&str> {
        self.values.iter().map(|v| v.text.as_str()).collect()
    }
}

/// Whether a value satisfies a value assertion.
type Holds<'a> = dyn Fn(&str) -> bool + 'a;

/// Lowered documents, each built once per run.
#[derive(Default)]
struct Trees(HashMap<FileId, ConfigTree>);

impl Trees {
    fn of(&mut self, cluster: &Cluster, file: FileId) -> &ConfigTree {
        self.0.entry(file).or_insert_with(|| {
            let f = cluster.file(file);
            f.document.tree(&f.source.text)
        })
    }
}

/// The port a value names: a bare number, `host:port`, `[v6]:port`, or a
/// URI's port (the scheme's default for `http`, `ws` and their TLS forms).
fn port_of(value: &str) -> Option<u16> {
    let value = value.trim();
    if let Ok(port) = value.parse::<u16>() {
        return Some(port);
    }
    let (scheme, rest) = match value.split_once("://") {
        Some((scheme, rest)) => (Some(scheme.to_ascii_lowercase()), rest),
        None => (None, value),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let after_host = authority.rsplit_once(']').map_or(authority, |(_, r)| r);
    match after_host.rsplit_once(':') {
        Some((_, port)) => port.parse().ok(),
        None => match scheme.as_deref() {
            Some("http" | "ws") => Some(80),
            Some("https" | "wss") => Some(443),
            _ => None,
        },
    }
}

fn file_matches(target: &CheckTarget, path: &str) -> bool {
    target.matcher.is_match(path)
        || path
            .match_indices('/')
            .any(|(at, _)| target.matcher.is_match(&path[at + 1..]))
}

/// The files of `node` the target names, and the entries its path selects.
fn select(
    cluster: &Cluster,
    node: NodeId,
    target: &CheckTarget,
    trees: &mut Trees,
) -> (Vec<FileId>, Vec<Found>) {
    let files: Vec<FileId> = cluster
        .node(node)
        .files
        .iter()
        .copied()
        .filter(|&f| file_matches(target, &cluster.source(f).path))
        .collect();
    let mut found = Vec::new();
    for &file in &files {
        for entry in target.path.select(trees.of(cluster, file)) {
            found.push(Found {
                node,
                file,
                values: entry.values.clone(),
                name_range: entry.name_range,
            });
        }
    }
    (files, found)
}

/// The mistakes of the cluster's `[[check]]`s that only the cluster
/// reveals: a node or role named that the cluster does not have.
#[must_use]
pub fn unknown_targets(cluster: &Cluster, settings: &Settings) -> Vec<Fact> {
    let Some((manifest_file, manifest)) = &settings.manifest else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for check in &manifest.checks {
        for name in &check.nodes {
            let known =
                Role::from_name(name).is_some() || cluster.nodes.iter().any(|n| &n.name == name);
            if !known {
                out.push(
                    Diagnostic::new(
                        Span::new(*manifest_file, check.range),
                        format!("`{}`: `{name}` is neither a node nor a role", check.id),
                    )
                    .fact(FactKind::ManifestError),
                );
            }
        }
    }
    out
}

/// Runs every check of the cluster's manifest.
#[must_use]
pub fn run(cluster: &Cluster, settings: &Settings) -> Vec<Diagnostic> {
    let Some((manifest_file, manifest)) = &settings.manifest else {
        return Vec::new();
    };
    let mut trees = Trees::default();
    let mut out = Vec::new();
    for check in &manifest.checks {
        evaluate(cluster, *manifest_file, check, &mut trees, &mut out);
    }
    out
}

fn selected(cluster: &Cluster, check: &Check) -> Vec<NodeId> {
    cluster
        .nodes
        .iter()
        .filter(|n| {
            check.nodes.is_empty()
                || check.nodes.iter().any(|want| {
                    *want == n.name || Role::from_name(want).is_some_and(|r| n.has_role(r))
                })
        })
        .map(|n| n.id)
        .collect()
}

fn evaluate(
    cluster: &Cluster,
    manifest_file: FileId,
    check: &Check,
    trees: &mut Trees,
    out: &mut Vec<Diagnostic>,
) {
    let path = &check.target.path.text;
    let file = &check.target.file;
    let mut report = |span: Span, default: String, related: Option<Label>| {
        let mut d = Diagnostic::new(span, check.message.clone().unwrap_or(default))
            .with_rule(check.id.clone(), check.severity);
        d.help.clone_from(&check.help);
        d.related.extend(related);
        out.push(d);
    };
    let per_node: Vec<(NodeId, Vec<FileId>, Vec<Found>)> = selected(cluster, check)
        .into_iter()
        .map(|node| {
            let (files, found) = select(cluster, node, &check.target, trees);
            (node, files, found)
        })
        .collect();
    let anchor = |node: NodeId, files: &[FileId]| {
        files
            .first()
            .map(|&f| Span::file_start(f))
            .or(cluster.node(node).manifest_span)
            .unwrap_or(Span::new(manifest_file, check.range))
    };
    match &check.assertion {
        Assertion::Required => {
            for (node, files, found) in &per_node {
                if found.is_empty() {
                    let name = &cluster.node(*node).name;
                    let what = if files.is_empty() {
                        format!("node `{name}` has no `{file}`, so no `{path}`")
                    } else {
                        format!("`{path}` is missing from `{file}` on node `{name}`")
                    };
                    report(anchor(*node, files), what, None);
                }
            }
        }
        Assertion::Forbidden => {
            for found in per_node.iter().flat_map(|(_, _, f)| f) {
                report(
                    Span::new(found.file, found.name_range),
                    format!("`{path}` must not be set here"),
                    None,
                );
            }
        }
        Assertion::Equals(_)
        | Assertion::Matches { .. }
        | Assertion::OneOf(_)
        | Assertion::PortRange(..) => {
            let (holds, expected): (Box<Holds<'_>>, String) = match &check.assertion {
                Assertion::Equals(want) => (Box::new(move |v| v == want), format!("`{want}`")),
                Assertion::Matches { pattern, regex } => (
                    Box::new(move |v| regex.is_match(v)),
                    format!("a match of `{pattern}`"),
                ),
                Assertion::OneOf(list) => (
                    Box::new(move |v| list.iter().any(|w| w == v)),
                    format!(
                        "one of {}",
                        list.iter()
                            .map(|w| format!("`{w}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
                Assertion::PortRange(low, high) => (
                    Box::new(move |v| port_of(v).is_some_and(|p| (*low..=*high).contains(&p))),
                    format!("a port from {low} to {high}"),
                ),
                _ => unreachable!("a value assertion"),
            };
            for found in per_node.iter().flat_map(|(_, _, f)| f) {
                for value in found.values.iter().filter(|v| !holds(&v.text)) {
                    report(
                        Span::new(found.file, value.range),
                        format!("`{path}` must be {expected}"),
                        None,
                    );
                }
                if found.values.is_empty() && !holds("") {
                    report(
                        Span::new(found.file, found.name_range),
                        format!("`{path}` has no value; it must be {expected}"),
                        None,
                    );
                }
            }
        }
        Assertion::SameAcrossNodes => {
            let firsts: Vec<&Found> = per_node.iter().filter_map(|(_, _, f)| f.first()).collect();
            let keyed: Vec<(NodeId, Vec<&str>)> =
                firsts.iter().map(|f| (f.node, f.key())).collect();
            if let Some(agreement) = consensus::agree(cluster, &keyed) {
                let reference = firsts[agreement.representative(cluster, &keyed)];
                for &i in &agreement.outliers {
                    let found = firsts[i];
                    report(
                        Span::new(found.file, found.value_range()),
                        format!(
                            "`{path}` differs on node `{}` from the value most nodes have",
                            cluster.node(found.node).name
                        ),
                        Some(Label::new(
                            Span::new(reference.file, reference.value_range()),
                            format!("the value on node `{}`", cluster.node(reference.node).name),
                        )),
                    );
                }
            }
        }
        Assertion::UniqueAcrossNodes => {
            let firsts: Vec<&Found> = per_node.iter().filter_map(|(_, _, f)| f.first()).collect();
            let keyed: Vec<(NodeId, Vec<&str>)> =
                firsts.iter().map(|f| (f.node, f.key())).collect();
            for (later, earlier) in consensus::duplicates(&keyed) {
                let (found, first) = (firsts[later], firsts[earlier]);
                report(
                    Span::new(found.file, found.value_range()),
                    format!(
                        "`{path}` on node `{}` is the same as on node `{}`; each node needs its own",
                        cluster.node(found.node).name,
                        cluster.node(first.node).name
                    ),
                    Some(Label::new(
                        Span::new(first.file, first.value_range()),
                        format!("the same value on node `{}`", cluster.node(first.node).name),
                    )),
                );
            }
        }
        Assertion::SubsetOf(other) => {
            for (node, _, found) in &per_node {
                let (_, allowed) = select(cluster, *node, other, trees);
                let values: Vec<&str> = allowed
                    .iter()
                    .flat_map(|f| f.values.iter().map(|v| v.text.as_str()))
                    .collect();
                let related = allowed.first().map(|a| {
                    Label::new(
                        Span::new(a.file, a.value_range()),
                        format!("`{}` on this node", other.path.text),
                    )
                });
                for f in found {
                    for value in f
                        .values
                        .iter()
                        .filter(|v| !values.contains(&v.text.as_str()))
                    {
                        report(
                            Span::new(f.file, value.range),
                            format!(
                                "this value of `{path}` is missing from `{}:{}` on node `{}`",
                                other.file,
                                other.path.text,
                                cluster.node(*node).name
                            ),
                            related.clone(),
                        );
                    }
                }
            }
        }
    }
}
