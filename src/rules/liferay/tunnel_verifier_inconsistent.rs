use std::collections::BTreeSet;

use crate::diagnostic::Diagnostic;
use crate::model::liferay::OsgiConfig;
use crate::model::liferay::portals::with_role;
use crate::model::liferay::tunnel::tunnel_verifiers;
use crate::model::{NodeId, Role};
use crate::rules::consensus::{agree, node_list};
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Checks that the live nodes carrying a TunnelAuthVerifier
    /// configuration carry the same one: the settings (`enabled`,
    /// `hostsAllowed`, `serviceAccessPolicyName`, `urlsIncludes`,
    /// `urlsExcludes`) agree. Lists compare as sets, so order does not
    /// matter. The configuration most of them carry is the reference. A
    /// live node without the file is not reported: Liferay keeps what a
    /// `.config` file sets in its database, which the cluster shares, so the
    /// file on one node configures every node (the Liferay clustering
    /// guide says so).
    ///
    /// ## Why is this bad?
    /// Each node that starts with the file writes its settings to the
    /// shared configuration; with two different files the cluster ends up
    /// with whichever node started last, and publication from the staging
    /// server works or fails depending on restarts.
    ///
    /// ## Example
    /// `app3` carries `hostsAllowed="127.0.0.1,SERVER_IP,192.0.2.51"` (an
    /// old staging server), `app1` and `app2` `...,192.0.2.50`.
    ///
    /// ## How to fix
    /// Give every live node that carries the file the same file. Deploying
    /// it to every node is the safe choice: a node that starts without it
    /// removes the shared copy its file wrote.
    id: "liferay/tunnel-verifier-inconsistent",
    severity: Error,
    check: Some(check),
}

const KEYS: [&str; 5] = [
    "enabled",
    "hostsAllowed",
    "serviceAccessPolicyName",
    "urlsIncludes",
    "urlsExcludes",
];

/// A key's value, normalised: lists as sorted sets, `enabled` as a boolean.
fn setting(config: &OsgiConfig, key: &str) -> Option<String> {
    let value = config.get(key)?;
    Some(match key {
        "enabled" => value.as_bool.unwrap_or(false).to_string(),
        "serviceAccessPolicyName" => value.value.trim().to_string(),
        _ => {
            let set: BTreeSet<&str> = value
                .items
                .iter()
                .map(|i| i.text.as_str())
                .filter(|t| !t.is_empty())
                .collect();
            set.into_iter().collect::<Vec<_>>().join(",")
        }
    })
}

fn signature(configs: &[&OsgiConfig]) -> Vec<Vec<Option<String>>> {
    let mut all: Vec<Vec<Option<String>>> = configs
        .iter()
        .map(|c| KEYS.iter().map(|k| setting(c, k)).collect())
        .collect();
    all.sort();
    all
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let live = with_role(cluster, Role::Live);
    let configs: Vec<Vec<&OsgiConfig>> = live
        .iter()
        .map(|(_, l)| tunnel_verifiers(l).collect())
        .collect();
    if configs.iter().all(Vec::is_empty) {
        return;
    }
    // Only the nodes that carry the file are compared: one node's file
    // configures the cluster through the shared database.
    let carrying: Vec<usize> = (0..live.len())
        .filter(|&i| !configs[i].is_empty())
        .collect();
    if carrying.len() < 2 {
        return;
    }
    let values: Vec<(NodeId, Vec<Vec<Option<String>>>)> = carrying
        .iter()
        .map(|&i| (live[i].0.id, signature(&configs[i])))
        .collect();
    let Some(agreement) = agree(cluster, &values) else {
        return;
    };
    let reference = carrying[agreement.reference[0]];
    let reference_nodes = node_list(cluster, agreement.reference.iter().map(|&i| values[i].0));
    for &outlier in &agreement.outliers {
        let i = carrying[outlier];
        let node = live[i].0;
        let (Some(mine), Some(theirs)) = (configs[i].first(), configs[reference].first()) else {
            continue;
        };
        let key = KEYS
            .iter()
            .copied()
            .find(|k| setting(mine, k) != setting(theirs, k));
        let (span, other, what) = match key {
            Some(key) => (
                mine.get(key)
                    .map_or(Span::file_start(mine.file), |v| v.value_span),
                theirs
                    .get(key)
                    .map_or(Span::file_start(theirs.file), |v| v.value_span),
                format!("in `{key}`"),
            ),
            None => (
                Span::file_start(mine.file),
                Span::file_start(theirs.file),
                "in the number of configurations".to_string(),
            ),
        };
        cx.report(
            Diagnostic::new(
                span,
                format!(
                    "the TunnelAuthVerifier configuration on `{}` differs from the one on {reference_nodes} {what}",
                    node.name
                ),
            )
            .label("differs")
            .related(
                other,
                format!("the setting on `{}`", cluster.node(live[reference].0.id).name),
            )
            .help("give every live node that carries the file the same TunnelAuthVerifier configuration"),
        );
    }
}
