use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::model::gluu::{Csync2Config, Statement};
use crate::model::{Cluster, NodeId, Role};
use crate::rules::consensus::{agree, node_list};
use crate::rules::{RuleContext, declare_rule};
use crate::source::{FileId, Span};

declare_rule! {
    /// ## What it does
    /// Compares the csync2 configuration of every Gluu node, statement by
    /// statement (comments and layout do not count): groups, hosts, key
    /// file, include and exclude patterns, actions. The configuration most
    /// nodes hold is the reference; each node that differs is reported at
    /// its first differing statement. Where the key files are part of the
    /// tree, their contents are compared too (never shown). On one node,
    /// `csync2.cfg` (what csync2 reads) and a `csync2.conf` beside it must
    /// say the same.
    ///
    /// ## Why is this bad?
    /// csync2 only works when every node agrees on the groups, hosts and
    /// key: a node with another host list or key refuses the others'
    /// connections, and a node with other include patterns silently skips
    /// files. The guide writes `csync2.conf` and copies it to `csync2.cfg`;
    /// an edit to one that never reached the other is easy to miss.
    ///
    /// ## Example
    /// ```text
    /// # gluu3/etc/csync2.cfg
    /// include /opt/gluu-server/etc/gluu/conf/;
    /// ```
    /// while the other nodes also include the Shibboleth folders.
    ///
    /// ## How to fix
    /// Copy the reference configuration (and key) to the node that
    /// differs, and `csync2.cfg` over `csync2.conf`.
    id: "gluu/csync2-config-divergent",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    // Configurations of Gluu nodes by csync2 name (`-C NAME`).
    let mut by_name: BTreeMap<&str, Vec<&Csync2Config>> = BTreeMap::new();
    for config in &cluster.gluu.csync2 {
        if cluster.node(config.node).has_role(Role::Gluu) {
            by_name
                .entry(config.name.as_str())
                .or_default()
                .push(config);
        }
    }
    for configs in by_name.values() {
        let read: Vec<&Csync2Config> = configs.iter().copied().filter(|c| c.read).collect();
        for copy in configs.iter().filter(|c| !c.read) {
            if let Some(original) = read.iter().find(|r| r.node == copy.node) {
                same_node(cx, original, copy);
            }
        }
        across_nodes(cx, &read);
        key_files(cx, &read);
    }
}

fn file_name(cluster: &Cluster, file: FileId) -> &str {
    let path = &cluster.source(file).path;
    path.rsplit('/').next().unwrap_or(path)
}

/// How `own` differs from `theirs` at the first statement where they part:
/// the index to point at in each, and what the difference is, with
/// `{they}`/`{have}` standing for the other side.
fn difference(own: &[Statement], theirs: &[Statement]) -> Option<(usize, usize, String)> {
    let i = own
        .iter()
        .zip(theirs)
        .take_while(|(a, b)| a.text == b.text)
        .count();
    if i == own.len() && i == theirs.len() {
        return None;
    }
    let later_in = |list: &[Statement], s: Option<&Statement>| {
        s.is_some_and(|s| list[i.min(list.len())..].iter().any(|x| x.text == s.text))
    };
    let (own_at, theirs_at) = (own.get(i), theirs.get(i));
    Some(
        if own_at.is_some() && (theirs_at.is_none() || later_in(own, theirs_at)) {
            // `own` has a statement more here.
            let extra = own_at.map_or("", |s| s.text.as_str());
            (
                i,
                i.saturating_sub(1),
                format!("it has `{extra}`, which {{they}} {{lack}}"),
            )
        } else if theirs_at.is_some() && (own_at.is_none() || later_in(theirs, own_at)) {
            // `own` lacks one.
            let missing = theirs_at.map_or("", |s| s.text.as_str());
            (
                i.saturating_sub(1),
                i,
                format!("it lacks `{missing}`, which {{they}} {{have}}"),
            )
        } else {
            let (a, b) = (
                own_at.map_or("", |s| s.text.as_str()),
                theirs_at.map_or("", |s| s.text.as_str()),
            );
            (i, i, format!("it has `{a}` where {{they}} {{have}} `{b}`"))
        },
    )
}

/// Where to point for statement `i` of a configuration (its end if it is
/// shorter).
fn at(config: &Csync2Config, i: usize) -> Span {
    config
        .statements
        .get(i)
        .or(config.statements.last())
        .map_or(Span::file_start(config.file), |s| s.span)
}

fn same_node(cx: &mut RuleContext<'_>, read: &Csync2Config, copy: &Csync2Config) {
    let cluster = cx.cluster;
    let Some((own_at, their_at, what)) = difference(&copy.statements, &read.statements) else {
        return;
    };
    let (copy_name, read_name) = (file_name(cluster, copy.file), file_name(cluster, read.file));
    let what = what
        .replace("{they}", &format!("`{read_name}`"))
        .replace("{have}", "has")
        .replace("{lack}", "lacks");
    cx.report(
        Diagnostic::new(
            at(copy, own_at),
            format!(
                "`{copy_name}` differs from `{read_name}` on `{}`: {what}",
                cluster.node(copy.node).name
            ),
        )
        .label("differs")
        .related(
            at(read, their_at),
            format!("`{read_name}`, which csync2 reads"),
        )
        .help(format!(
            "copy `{read_name}` over `{copy_name}` (or delete the copy)"
        )),
    );
}

fn across_nodes(cx: &mut RuleContext<'_>, configs: &[&Csync2Config]) {
    let cluster = cx.cluster;
    let values: Vec<(NodeId, Vec<&str>)> = configs
        .iter()
        .map(|c| {
            (
                c.node,
                c.statements.iter().map(|s| s.text.as_str()).collect(),
            )
        })
        .collect();
    let Some(agreement) = agree(cluster, &values) else {
        return;
    };
    let reference_nodes = node_list(cluster, agreement.reference.iter().map(|&i| values[i].0));
    let reference = configs[agreement.representative(cluster, &values)];
    for &i in &agreement.outliers {
        let config = configs[i];
        let Some((own_at, their_at, what)) = difference(&config.statements, &reference.statements)
        else {
            continue;
        };
        let what = what
            .replace("{they}", "they")
            .replace("{have}", "have")
            .replace("{lack}", "lack");
        let node = &cluster.node(config.node).name;
        cx.report(
            Diagnostic::new(
                at(config, own_at),
                format!("the csync2 configuration on `{node}` differs from the one on {reference_nodes}: {what}"),
            )
            .label("differs")
            .related(at(reference, their_at), format!("the configuration of {reference_nodes}"))
            .help(format!(
                "copy the csync2 configuration of `{}` to `{node}`",
                cluster.node(reference.node).name
            )),
        );
    }
}

/// Compares the contents of the key files the groups name, where the tree
/// holds them.
fn key_files(cx: &mut RuleContext<'_>, configs: &[&Csync2Config]) {
    let cluster = cx.cluster;
    let mut values: Vec<(NodeId, u64)> = Vec::new();
    let mut spans: Vec<Span> = Vec::new();
    for config in configs {
        let key = config.files.iter().find_map(|&file| {
            let doc = cluster
                .file(file)
                .document
                .get::<crate::formats::csync2::Csync2Document>()?;
            let key = doc.groups.iter().find_map(|g| g.keys.first())?;
            let include = cluster
                .file(file)
                .includes
                .iter()
                .find(|i| i.range == key.range)?;
            let target = *include.targets.first()?;
            let digest = cluster
                .file(target)
                .document
                .get::<crate::formats::csync2_key::Csync2KeyDocument>()?
                .digest;
            Some((Span::new(file, key.range), digest))
        });
        if let Some((span, digest)) = key {
            values.push((config.node, digest));
            spans.push(span);
        }
    }
    let Some(agreement) = agree(cluster, &values) else {
        return;
    };
    let reference_nodes = node_list(cluster, agreement.reference.iter().map(|&i| values[i].0));
    let reference = agreement.representative(cluster, &values);
    for &i in &agreement.outliers {
        let node = &cluster.node(values[i].0).name;
        cx.report(
            Diagnostic::new(
                spans[i],
                format!(
                    "the csync2 key file on `{node}` differs from the one on {reference_nodes}"
                ),
            )
            .label("this key differs")
            .related(spans[reference], format!("the key of {reference_nodes}"))
            .help(format!(
                "copy the key file of `{}` to `{node}`: every node of a group needs the same key",
                cluster.node(values[reference].0).name
            )),
        );
    }
}
