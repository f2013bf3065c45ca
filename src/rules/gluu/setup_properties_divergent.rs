use crate::diagnostic::Diagnostic;
use crate::model::NodeId;
use crate::model::gluu::GluuSetup;
use crate::rules::consensus::{agree, node_list};
use crate::rules::gluu::{PER_NODE_KEYS, gluu_setups};
use crate::rules::{RuleContext, declare_rule};
use crate::secrets::is_secret_key;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Compares the `setup.properties` of every Gluu node (or
    /// `setup.properties.last`, what `setup.py` last ran with) key by key.
    /// Only `ip` may differ; `hostname` has its own rule. A node that
    /// installs no LDAP (`installLDAP=False`) is no replica of the others
    /// but a node of a split deployment (oxAuth alone, say): which
    /// components it installs (`install*`) is its own choice, and only its
    /// other keys are compared. The value most
    /// nodes hold is the reference; each node that differs is reported at
    /// its own value (secret values, such as passwords, are never shown).
    /// A node that differs in many keys gets one finding listing them.
    ///
    /// ## Why is this bad?
    /// The clustering guide copies the first node's `setup.properties.last`
    /// to every other node so that all of them are installed alike. A node
    /// set up with other passwords, another organisation or other
    /// components cannot join the replication, or serves different
    /// certificates and clients behind the same balancer.
    ///
    /// ## Example
    /// ```properties
    /// # gluu2/setup.properties
    /// ip=192.0.2.12
    /// installSaml=True
    /// ```
    /// while `gluu1` has `installSaml=False`.
    ///
    /// ## How to fix
    /// Copy `setup.properties.last` from the first node again and change
    /// only `ip`.
    id: "gluu/setup-properties-divergent",
    severity: Error,
    check: Some(check),
}

/// More differences than this on one node are reported together.
const MAX_SEPARATE: usize = 5;

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let setups = gluu_setups(cluster);
    if setups.len() < 2 {
        return;
    }
    let mut keys: Vec<&str> = Vec::new();
    for setup in &setups {
        for entry in &setup.entries {
            let key = entry.key.as_str();
            if !PER_NODE_KEYS.contains(&key) && key != "hostname" && !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    // Per outlier node: the findings, and the keys they are about.
    let mut found: Vec<Vec<(String, Diagnostic)>> = vec![Vec::new(); setups.len()];
    // A node without LDAP (`installLDAP=False`) is no replica: it serves
    // the components chosen for it (an oxAuth-only node of a split
    // deployment) from another node's LDAP. Its `install*` choices are its
    // own; every other key must still agree.
    let replica = |setup: &GluuSetup| {
        !setup.entries.iter().any(|e| {
            e.key.eq_ignore_ascii_case("installLDAP")
                && e.value.trim().eq_ignore_ascii_case("false")
        })
    };
    for key in keys {
        let component = key.starts_with("install");
        let compared: Vec<usize> = (0..setups.len())
            .filter(|&i| !component || replica(setups[i]))
            .collect();
        if compared.len() < 2 {
            continue;
        }
        let values: Vec<(NodeId, Option<&str>)> = compared
            .iter()
            .map(|&i| (setups[i].node, setups[i].get(key).map(|e| e.value.as_str())))
            .collect();
        let Some(agreement) = agree(cluster, &values) else {
            continue;
        };
        let reference_nodes = node_list(cluster, agreement.reference.iter().map(|&i| values[i].0));
        let reference = setups[compared[agreement.representative(cluster, &values)]];
        let secret = is_secret_key(key);
        for &outlier in &agreement.outliers {
            let i = compared[outlier];
            let setup = setups[i];
            let node = &cluster.node(setup.node).name;
            let diagnostic = match (setup.get(key), reference.get(key)) {
                (Some(own), Some(theirs)) => {
                    let values = if secret {
                        String::new()
                    } else {
                        format!(" (`{}` where they have `{}`)", own.value, theirs.value)
                    };
                    Diagnostic::new(
                        own.value_span,
                        format!("`{key}` on `{node}` differs from {reference_nodes}{values}"),
                    )
                    .label("differs")
                    .related(theirs.value_span, format!("the value of {reference_nodes}"))
                }
                (Some(own), None) => Diagnostic::new(
                    own.key_span,
                    format!("`{key}` is set on `{node}` but not on {reference_nodes}"),
                )
                .label("only here"),
                (None, Some(theirs)) => Diagnostic::new(
                    Span::file_start(setup.file),
                    format!("`{key}` is missing on `{node}`; {reference_nodes} set it"),
                )
                .related(theirs.key_span, format!("set on {reference_nodes}")),
                (None, None) => continue,
            };
            found[i].push((key.to_string(), diagnostic));
        }
    }
    for (i, findings) in found.into_iter().enumerate() {
        let setup = setups[i];
        let node = &cluster.node(setup.node).name;
        let help = "copy `setup.properties.last` from the first node again and change only `ip`";
        if findings.len() > MAX_SEPARATE {
            let keys: Vec<String> = findings
                .iter()
                .take(MAX_SEPARATE)
                .map(|(k, _)| format!("`{k}`"))
                .collect();
            cx.report(
                Diagnostic::new(
                    Span::file_start(setup.file),
                    format!(
                        "the setup of `{node}` differs from the other nodes' in {} keys: {} and {} more",
                        findings.len(),
                        keys.join(", "),
                        findings.len() - MAX_SEPARATE
                    ),
                )
                .help(help),
            );
        } else {
            for (_, diagnostic) in findings {
                cx.report(diagnostic.help(help));
            }
        }
    }
}
