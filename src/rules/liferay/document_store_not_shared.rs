use crate::diagnostic::Diagnostic;
use crate::model::liferay::portals::{separate_portals, with_role};
use crate::model::liferay::store::{self, STORE_IMPL, StoreClass};
use crate::model::{NodeId, Role};
use crate::rules::consensus::{agree, node_list};
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Checks that the live nodes keep their Documents and Media files in
    /// one store:
    ///
    /// - the store class (`dl.store.impl`, compared by its simple name, so
    ///   the 6.x and 7.x packages of one store agree) is the same on every
    ///   live node; the class most nodes use is the reference. An unset
    ///   class counts as the file-system store only where that default is
    ///   known (6.x to 7.3); on 7.4 and unknown versions it is not judged;
    /// - a file-system store (`FileSystemStore`, `AdvancedFileSystemStore`)
    ///   run in compose containers keeps its root folder (`rootDir` of the
    ///   store's OSGi configuration, `dl.store.file.system.root.dir`, or
    ///   `data/document_library` in the Liferay home, `/opt/liferay` in the
    ///   official images) on a volume or bind mount that the other live
    ///   containers mount too. A root on no mount lies in the container's
    ///   own file system; a mount no other live service shares is a folder
    ///   of its own.
    ///
    /// Nodes not run by a compose file are not judged on their root: a
    /// path alone does not tell whether it is a shared mount (NFS, a SAN).
    ///
    /// ## Why is this bad?
    /// Every node writes uploads into its own store, and the database that
    /// all share lists them all: a document uploaded through one node is
    /// missing (an error page, a broken image) when the balancer sends the
    /// next request to another.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   liferay-1:
    ///     image: liferay/portal:7.3.7-ga8
    ///   liferay-2:
    ///     image: liferay/portal:7.3.7-ga8
    /// ```
    ///
    /// ## How to fix
    /// Use one store class everywhere, and either a store that is shared by
    /// nature (`com.liferay.portal.store.db.DBStore`, S3) or one volume or
    /// network mount at the store's root on every node:
    /// ```yaml
    ///     volumes:
    ///       - liferay-data:/opt/liferay/data
    /// ```
    id: "liferay/document-store-not-shared",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let live = with_role(cluster, Role::Live);
    if live.len() < 2 || separate_portals(cluster) {
        return;
    }
    let version = cluster.versions.liferay.as_ref().map(|g| g.value);
    let classes: Vec<(NodeId, StoreClass)> = live
        .iter()
        .filter_map(|(n, l)| Some((n.id, store::class(l, version)?)))
        .collect();
    let names: Vec<(NodeId, &str)> = classes.iter().map(|(n, c)| (*n, c.name.as_str())).collect();
    if let Some(agreement) = agree(cluster, &names) {
        let reference = &classes[agreement.representative(cluster, &names)].1;
        let reference_nodes = node_list(cluster, agreement.reference.iter().map(|&i| classes[i].0));
        for &i in &agreement.outliers {
            let (id, class) = &classes[i];
            let Some((node, liferay)) = live.iter().find(|(n, _)| n.id == *id) else {
                continue;
            };
            let (span, label) = match class.span {
                Some(span) => (span, "another store".to_string()),
                None => (
                    liferay.anchor(),
                    format!("`{STORE_IMPL}` not set here (default `FileSystemStore`)"),
                ),
            };
            let mut diagnostic = Diagnostic::new(
                span,
                format!(
                    "live node `{}` keeps documents in `{}`, but {reference_nodes} use `{}`",
                    node.name, class.name, reference.name
                ),
            )
            .label(label)
            .help(format!(
                "set the same `{STORE_IMPL}` on every live node, over one shared store"
            ));
            if let Some(at) = reference.span {
                diagnostic = diagnostic.related(at, format!("the store of {reference_nodes}"));
            }
            cx.report(diagnostic);
        }
        return;
    }
    local_roots(cx, &classes);
}

/// One live container's file-system store root and what holds it.
struct Root<'a> {
    node: NodeId,
    path: String,
    set_at: Option<Span>,
    service: store::Service<'a>,
    /// `(mount source, path inside it)`, or `None` for the container's
    /// own file system.
    holder: Option<(&'a crate::formats::deploy::Text, String)>,
}

fn local_roots(cx: &mut RuleContext<'_>, classes: &[(NodeId, StoreClass)]) {
    let cluster = cx.cluster;
    let live = with_role(cluster, Role::Live);
    let mut roots: Vec<Root<'_>> = Vec::new();
    let mut all_containers = true;
    for (node, liferay) in &live {
        let class = classes
            .iter()
            .find(|(n, _)| *n == node.id)
            .map(|(_, c)| c)
            .filter(|c| c.is_file_system());
        let service = store::service(cluster, node.id);
        if service.is_none() {
            all_containers = false;
        }
        let (Some(service), Some(class)) = (service, class) else {
            continue;
        };
        let Some((path, set_at)) = store::root(cluster, node.id, liferay, class) else {
            continue;
        };
        let holder = store::holder(service.launch, &path);
        roots.push(Root {
            node: node.id,
            path,
            set_at,
            service,
            holder,
        });
    }
    let key = |r: &Root<'_>| {
        r.holder.as_ref().map(|(source, rest)| {
            (
                r.service.file,
                store::source_key(&source.value),
                rest.clone(),
            )
        })
    };
    for root in &roots {
        let node = cluster.node(root.node);
        let (span, why) = match &root.holder {
            None => (
                Span::new(root.service.file, root.service.name.range),
                format!(
                    "service `{}` mounts nothing at `{}`, so the files stay in its container",
                    root.service.name.value, root.path
                ),
            ),
            Some((source, _)) => {
                // Shared when another live container mounts the same
                // source at its root; unknown when some live node is not a
                // container.
                let mine = key(root);
                let shared = roots.iter().any(|o| o.node != root.node && key(o) == mine);
                if shared || !all_containers {
                    continue;
                }
                (
                    Span::new(root.service.file, source.range),
                    format!(
                        "`{}` holds `{}` for service `{}` only; no other live node mounts it there",
                        source.value, root.path, root.service.name.value
                    ),
                )
            }
        };
        let mut diagnostic = Diagnostic::new(
            span,
            format!(
                "live node `{}` keeps its document store in a folder of its own: {why}",
                node.name
            ),
        )
        .label("not shared with the other live nodes")
        .help(format!(
            "mount one shared volume at `{}` on every live node, or use a shared store such as `com.liferay.portal.store.db.DBStore`",
            root.path
        ));
        if let Some(at) = root.set_at {
            diagnostic = diagnostic.related(at, "the store's root folder");
        }
        cx.report(diagnostic);
    }
}
