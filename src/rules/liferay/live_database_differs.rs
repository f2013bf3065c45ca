use crate::diagnostic::Diagnostic;
use crate::model::liferay::database::{self, Identity};
use crate::model::liferay::portals::{separate_portals, with_role};
use crate::model::{NodeId, Role};
use crate::rules::consensus::{agree, node_list};
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that the live nodes use one database: the same
    /// `jdbc.default.jndi.name`, or `jdbc.default.url`s naming the same
    /// server and database (host case, default ports and URL parameters do
    /// not matter). A node without either uses the portal's embedded
    /// Hypersonic database, and a URL on `localhost` is a database on the
    /// node itself: neither can be shared. The database most live nodes use
    /// is the reference.
    ///
    /// Live nodes none of which enables Cluster Link are separate
    /// portals when their databases differ (`dev/` and `prod/` side by
    /// side), and are not compared, unless the manifest names them live
    /// nodes.
    ///
    /// ## Why is this bad?
    /// The nodes of a Liferay cluster must share one database; a node on
    /// another database serves different content and loses what users write
    /// to it, and remote staging publishes a site to only some nodes.
    ///
    /// ## Example
    /// ```properties
    /// # app1/portal-ext.properties
    /// jdbc.default.url=jdbc:mysql://db.example.org/lportal
    /// # app2/portal-ext.properties
    /// jdbc.default.url=jdbc:mysql://localhost/lportal
    /// ```
    ///
    /// ## How to fix
    /// Point every live node at the shared database.
    id: "liferay/live-database-differs",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let live = with_role(cluster, Role::Live);
    if live.len() < 2 || separate_portals(cluster) {
        return;
    }
    let databases: Vec<_> = live.iter().map(|(_, l)| database::of(l)).collect();
    for ((node, _), db) in live.iter().zip(&databases) {
        if db.identity == Identity::Local {
            let what = if db.is_default {
                db.description.clone()
            } else {
                "a database on the node itself".to_string()
            };
            cx.report(
                Diagnostic::new(
                    db.span,
                    format!(
                        "live node `{}` uses {what}, which the other live nodes cannot share",
                        node.name
                    ),
                )
                .label("not a shared database")
                .help("point every live node at the cluster's shared database"),
            );
        }
    }
    let shared: Vec<(NodeId, &Identity)> = live
        .iter()
        .zip(&databases)
        .filter(|(_, db)| db.identity != Identity::Local)
        .map(|((n, _), db)| (n.id, &db.identity))
        .collect();
    let indexes: Vec<usize> = (0..live.len())
        .filter(|&i| databases[i].identity != Identity::Local)
        .collect();
    let Some(agreement) = agree(cluster, &shared) else {
        return;
    };
    let reference = &databases[indexes[agreement.reference[0]]];
    let reference_nodes = node_list(cluster, agreement.reference.iter().map(|&i| shared[i].0));
    for &i in &agreement.outliers {
        let db = &databases[indexes[i]];
        let node = cluster.node(shared[i].0);
        cx.report(
            Diagnostic::new(
                db.span,
                format!(
                    "live node `{}` uses {}, but {reference_nodes} use {}",
                    node.name, db.description, reference.description
                ),
            )
            .label("another database")
            .related(reference.span, format!("the database of {reference_nodes}"))
            .help("point every live node at the cluster's shared database"),
        );
    }
}
