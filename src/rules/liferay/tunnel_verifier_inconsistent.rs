use std::collections::BTreeSet;

use crate::diagnostic::Diagnostic;
use crate::model::liferay::OsgiConfig;
use crate::model::{NodeId, Role};
use crate::rules::consensus::{agree, node_list};
use crate::rules::liferay::{tunnel_verifiers, with_role};
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Checks that every live node carries the same TunnelAuthVerifier
    /// configuration: either all have one or none has, and the settings
    /// (`enabled`, `hostsAllowed`, `serviceAccessPolicyName`, `urlsIncludes`,
    /// `urlsExcludes`) agree. Lists compare as sets, so order does not
    /// matter. The configuration most live nodes carry is the reference.
    ///
    /// ## Why is this bad?
    /// A `.config` file configures only the node it is on. Behind a balancer
    /// the staging server reaches whichever node the balancer picks, so a
    /// node configured differently makes publication fail some of the time.
    ///
    /// ## Example
    /// `app1` and `app2` have
    /// `osgi/configs/...TunnelAuthVerifierConfiguration~default.config`,
    /// `app3` has none.
    ///
    /// ## How to fix
    /// Copy the configuration file to every live node.
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
    let values: Vec<(NodeId, Vec<Vec<Option<String>>>)> = live
        .iter()
        .zip(&configs)
        .map(|((n, _), c)| (n.id, signature(c)))
        .collect();
    let Some(agreement) = agree(cluster, &values) else {
        return;
    };
    let reference = agreement.reference[0];
    let reference_nodes = node_list(cluster, agreement.reference.iter().map(|&i| values[i].0));
    for &i in &agreement.outliers {
        let (node, liferay) = live[i];
        let diagnostic = match (configs[i].first(), configs[reference].first()) {
            (None, Some(theirs)) => Diagnostic::new(
                liferay.anchor(),
                format!("live node `{}` has no TunnelAuthVerifier configuration, while {reference_nodes} have one", node.name),
            )
            .label("no TunnelAuthVerifier configuration on this node")
            .related(Span::file_start(theirs.file), format!("the configuration of `{}`", cluster.node(values[reference].0).name))
            .help(format!("copy this configuration file to `{}`", node.name)),
            (Some(mine), None) => Diagnostic::new(
                Span::file_start(mine.file),
                format!("live node `{}` has a TunnelAuthVerifier configuration that {reference_nodes} lack", node.name),
            )
            .label("only some live nodes carry this file")
            .related(live[reference].1.anchor(), format!("`{}` has none", cluster.node(values[reference].0).name))
            .help("give every live node the same TunnelAuthVerifier configuration"),
            (Some(mine), Some(theirs)) => {
                let key = KEYS.iter().copied().find(|k| setting(mine, k) != setting(theirs, k));
                let (span, other, what) = match key {
                    Some(key) => (
                        mine.get(key).map_or(Span::file_start(mine.file), |v| v.value_span),
                        theirs.get(key).map_or(Span::file_start(theirs.file), |v| v.value_span),
                        format!("in `{key}`"),
                    ),
                    None => (
                        Span::file_start(mine.file),
                        Span::file_start(theirs.file),
                        "in the number of configurations".to_string(),
                    ),
                };
                Diagnostic::new(
                    span,
                    format!(
                        "the TunnelAuthVerifier configuration on `{}` differs from the one on {reference_nodes} {what}",
                        node.name
                    ),
                )
                .label("differs")
                .related(other, format!("the setting on `{}`", cluster.node(values[reference].0).name))
                .help("give every live node the same TunnelAuthVerifier configuration")
            }
            (None, None) => continue,
        };
        cx.report(diagnostic);
    }
}
