use std::net::IpAddr;

use crate::diagnostic::{Diagnostic, Fix};
use crate::model::gluu::SetupEntry;
use crate::model::{Address, Cluster, NodeId};
use crate::rules::consensus::duplicates;
use crate::rules::edits;
use crate::rules::gluu::gluu_setups;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks the `ip` of each Gluu node's `setup.properties`: no two nodes
    /// may carry the same one, and where `clusterlint.toml` gives a node's
    /// address, `ip` must be one of them.
    ///
    /// ## Why is this bad?
    /// The guide copies the first node's setup file to the others and asks
    /// to change `ip` to the node's own address before running `setup.py`.
    /// A node installed with another node's `ip` configures its services
    /// and certificates for the wrong machine.
    ///
    /// ## Example
    /// ```properties
    /// # gluu2/setup.properties, copied from gluu1
    /// ip=192.0.2.11
    /// ```
    ///
    /// ## How to fix
    /// Set `ip` to the node's own address. `--fix` does so in a
    /// `setup.properties` not yet run (never in `setup.properties.last`,
    /// the record of what `setup.py` installed: the node must be set up
    /// again) when `clusterlint.toml` gives the node one address.
    id: "gluu/setup-ip-not-updated",
    severity: Error,
    fix: Safe,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let manifest = cx.settings.file();
    let setups = gluu_setups(cluster);
    // The addresses the manifest gives a node.
    let declared = |node: NodeId| -> Vec<&Address> {
        cluster
            .node(node)
            .addresses
            .iter()
            .filter(|a| a.span.is_some_and(|s| Some(s.file) == manifest))
            .collect()
    };
    let ips: Vec<(NodeId, IpAddr, usize)> = setups
        .iter()
        .enumerate()
        .filter_map(|(i, s)| Some((s.node, s.get("ip")?.value.trim().parse().ok()?, i)))
        .collect();
    let keyed: Vec<(NodeId, IpAddr)> = ips.iter().map(|&(n, ip, _)| (n, ip)).collect();
    let mut reported = Vec::new();
    for (later, earlier) in duplicates(&keyed) {
        let (node, ip, i) = ips[later];
        let (first, _, j) = ips[earlier];
        // A node whose `ip` is its own address is right; the other one is
        // reported below as not having its own address.
        if declared(node).iter().any(|a| a.ip == ip) {
            continue;
        }
        let (Some(own), Some(theirs)) = (setups[i].get("ip"), setups[j].get("ip")) else {
            continue;
        };
        reported.push(node);
        let mut diagnostic = Diagnostic::new(
            own.value_span,
            format!(
                "`ip` on `{}` is `{ip}`, the same as on `{}`: it was not changed after the file was copied",
                cluster.node(node).name,
                cluster.node(first).name
            ),
        )
        .label("another node's address")
        .related(theirs.value_span, format!("`{}` has this `ip`", cluster.node(first).name))
        .help(format!("set `ip` to the address of `{}`", cluster.node(node).name));
        if let Some(fix) = fix(cluster, own, &declared(node)) {
            diagnostic = diagnostic.fix(fix);
        }
        cx.report(diagnostic);
    }
    for &(node_id, ip, i) in &ips {
        let node = cluster.node(node_id);
        let declared = declared(node_id);
        if reported.contains(&node_id) || declared.is_empty() || declared.iter().any(|a| a.ip == ip)
        {
            continue;
        }
        let Some(own) = setups[i].get("ip") else {
            continue;
        };
        let mut diagnostic = Diagnostic::new(
            own.value_span,
            format!(
                "`ip` on `{}` is `{ip}`, which is not its address `{}`",
                node.name, declared[0].ip
            ),
        )
        .label("not this node's address")
        .help(format!("set `ip={}`", declared[0].ip));
        if let Some(span) = declared[0].span {
            diagnostic = diagnostic.related(span, format!("the address of `{}`", node.name));
        }
        if let Some(fix) = fix(cluster, own, &declared) {
            diagnostic = diagnostic.fix(fix);
        }
        cx.report(diagnostic);
    }
}

/// `ip=ADDRESS` for the node's one declared address, in a file `setup.py`
/// has not run with yet.
fn fix(cluster: &Cluster, ip: &SetupEntry, declared: &[&Address]) -> Option<Fix> {
    let [address] = declared else { return None };
    let path = &cluster.source(ip.value_span.file).path;
    if path.rsplit('/').next() != Some("setup.properties") {
        return None;
    }
    Some(Fix {
        description: format!("set `ip={}`", address.ip),
        edits: vec![edits::replace(
            ip.value_span.file,
            ip.value_span.range,
            address.ip.to_string(),
        )],
    })
}
