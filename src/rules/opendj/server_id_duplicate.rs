use crate::diagnostic::Diagnostic;
use crate::rules::consensus::duplicates;
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Compares the server ids of the OpenDJ replication entries of all
    /// nodes: `ds-cfg-server-id` of the replication domain entries of one
    /// base DN (`cn=...,cn=domains,cn=Multimaster Synchronization,...`),
    /// and `ds-cfg-replication-server-id` of the replication server entries
    /// (`cn=Replication Server,...`). Reports the later node, by name, whose
    /// id another node already uses. Ids are compared as written.
    ///
    /// ## Why is this bad?
    /// A change's number (its CSN) carries the id of the server that made
    /// it. Two servers with one id in one replicated base DN make changes
    /// that replication takes for each other's: it drops some as already
    /// seen, and the servers drift apart. A replication server refuses a
    /// connection from another replication server with its own id.
    /// `dsreplication enable` gives every server its own ids; copying a
    /// `config.ldif` from one node to another copies them too.
    ///
    /// ## Example
    /// ```text
    /// dn: cn=o_gluu,cn=domains,cn=Multimaster Synchronization,cn=Synchronization Providers,cn=config
    /// ds-cfg-base-dn: o=gluu
    /// ds-cfg-server-id: 1
    /// ```
    /// on both Gluu nodes.
    ///
    /// ## How to fix
    /// Do not copy `config.ldif` between servers: disable replication on
    /// the copy (`dsreplication disable`) and enable it again with
    /// `dsreplication enable`, which picks an unused id.
    id: "opendj/server-id-duplicate",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    // (node, (what, base DN, id), span)
    let mut ids = Vec::new();
    let mut spans: Vec<Span> = Vec::new();
    for instance in &cluster.opendj.instances {
        if let Some(server) = &instance.replication_server
            && let Some(id) = &server.server_id
        {
            ids.push((instance.node, (true, String::new(), id.value.clone())));
            spans.push(id.span);
        }
        for domain in &instance.domains {
            if let Some(id) = &domain.server_id {
                let base = domain.base_key().unwrap_or_default();
                ids.push((instance.node, (false, base, id.value.clone())));
                spans.push(id.span);
            }
        }
    }
    for (later, earlier) in duplicates(&ids) {
        let (node, (server, base, id)) = &ids[later];
        let (first, _) = &ids[earlier];
        if node == first {
            continue;
        }
        let what = if *server {
            format!("replication server id {id}")
        } else if base.is_empty() {
            format!("replication domain server id {id}")
        } else {
            format!("server id {id} in the replication domain of `{base}`")
        };
        cx.report(
            Diagnostic::new(
                spans[later],
                format!(
                    "`{}` has {what}, which `{}` has too: each server needs its own",
                    cluster.node(*node).name,
                    cluster.node(*first).name
                ),
            )
            .label("used by another node")
            .related(spans[earlier], "the same id")
            .help("re-enable replication on this node with `dsreplication enable`, which picks an unused id; do not copy `config.ldif` between servers"),
        );
    }
}
