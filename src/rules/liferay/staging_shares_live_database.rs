use crate::diagnostic::Diagnostic;
use crate::model::Role;
use crate::model::liferay::LiferayNode;
use crate::model::liferay::database::{self, Identity};
use crate::model::liferay::pids;
use crate::model::liferay::portals::with_role;
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reports a staging server that uses the live nodes' database (same
    /// JNDI name, or a `jdbc.default.url` naming the same server and
    /// database) or their shared document store (the same `rootDir` of the
    /// file-system store configuration, or `dl.store.file.system.root.dir`,
    /// when the live nodes share it).
    ///
    /// ## Why is this bad?
    /// Remote staging keeps staged content apart from live content. A
    /// staging server on the live database or store writes unpublished
    /// changes straight into the live site and corrupts both.
    ///
    /// ## Example
    /// ```properties
    /// # staging/portal-ext.properties
    /// jdbc.default.url=jdbc:mysql://db.example.org/lportal
    /// # app1/portal-ext.properties
    /// jdbc.default.url=jdbc:mysql://db.example.org:3306/lportal
    /// ```
    ///
    /// ## How to fix
    /// Give the staging server its own database and document store.
    id: "liferay/staging-shares-live-database",
    severity: Error,
    check: Some(check),
}

const LEGACY_ROOT: &str = "dl.store.file.system.root.dir";

/// The document store's root directory and where it is set.
fn store_root(node: &LiferayNode) -> Option<(String, Span)> {
    if let Some(config) = node.configs_for(pids::FILE_SYSTEM_STORES).last()
        && let Some(root) = config.get("rootDir")
    {
        return Some((
            root.value.trim().trim_end_matches('/').to_string(),
            root.value_span,
        ));
    }
    let legacy = node.property(LEGACY_ROOT)?;
    Some((
        legacy.value.trim().trim_end_matches('/').to_string(),
        legacy.value_span,
    ))
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let live = with_role(cluster, Role::Live);
    for (staging, liferay) in with_role(cluster, Role::Staging) {
        let mine = database::of(liferay);
        if mine.identity != Identity::Local
            && let Some((other, theirs)) = live
                .iter()
                .map(|(n, l)| (n, database::of(l)))
                .find(|(_, db)| db.identity == mine.identity)
        {
            cx.report(
                Diagnostic::new(
                    mine.span,
                    format!(
                        "the staging server `{}` uses the live nodes' database, {}",
                        staging.name, mine.description
                    ),
                )
                .label("the live database")
                .related(
                    theirs.span,
                    format!("the database of live node `{}`", other.name),
                )
                .help("give the staging server a database of its own"),
            );
        }
        // A store root is shared when two live nodes name it; then the
        // staging server naming it too means the same network share.
        let Some((root, span)) = store_root(liferay) else {
            continue;
        };
        if root.contains("${") || !root.starts_with('/') {
            continue; // Relative to each node's Liferay home: not shared.
        }
        let holders: Vec<(&str, Span)> = live
            .iter()
            .filter_map(|(n, l)| {
                store_root(l)
                    .filter(|(r, _)| *r == root)
                    .map(|(_, s)| (n.name.as_str(), s))
            })
            .collect();
        if holders.len() >= 2 {
            cx.report(
                Diagnostic::new(span, format!("the staging server `{}` uses the live nodes' shared document store `{root}`", staging.name))
                    .label("the live document store")
                    .related(holders[0].1, format!("the store of live node `{}`", holders[0].0))
                    .help("give the staging server a document store of its own"),
            );
        }
    }
}
