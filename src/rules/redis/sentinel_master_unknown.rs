use crate::diagnostic::Diagnostic;
use crate::model::redis::{MasterLookup, master_at};
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a `sentinel monitor` line whose address reaches a node of
    /// the cluster where no Redis data server listens on that port: the
    /// node runs other Redis servers, on other ports, or shows no sign of
    /// Redis at all (no configuration, no Redis image, not the `redis`
    /// role). Addresses that are no node of the cluster are not judged;
    /// a sentinel rewrites its `monitor` line after a failover, so any
    /// data server of the group is a right answer.
    ///
    /// ## Why is this bad?
    /// A sentinel only learns of replicas and other sentinels through the
    /// master it monitors. Pointed at the wrong port or host it finds no
    /// master, reports it down from the start, and never fails over.
    ///
    /// ## Example
    /// ```text
    /// sentinel monitor cache 10.0.0.1 6380 2
    /// ```
    /// where Redis on 10.0.0.1 listens on 6379.
    ///
    /// ## How to fix
    /// Name the master's address and port as Redis listens on them.
    id: "redis/sentinel-master-unknown",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for sentinel in cluster.redis.iter().filter(|s| s.sentinel) {
        let node = &cluster.node(sentinel.node).name;
        for monitor in &sentinel.monitors {
            let MasterLookup::NoServer {
                node: target,
                may_run_redis: false,
            } = master_at(cluster, sentinel.node, &monitor.master)
            else {
                continue;
            };
            let target_name = &cluster.node(target).name;
            let ports: Vec<String> = cluster
                .redis
                .iter()
                .filter(|s| s.node == target && !s.sentinel)
                .map(|s| s.port.to_string())
                .collect();
            let found = if ports.is_empty() {
                format!("`{target_name}` runs no Redis server")
            } else {
                format!("Redis on `{target_name}` listens on {}", ports.join(", "))
            };
            let mut diagnostic = Diagnostic::new(
                monitor.master.span,
                format!(
                    "the sentinel on `{node}` monitors master `{}` at `{}:{}`, but {found}",
                    monitor.name, monitor.master.host, monitor.master.port
                ),
            )
            .label("no Redis there")
            .help("name the address and port the group's master listens on");
            if let Some(server) = cluster
                .redis
                .iter()
                .find(|s| s.node == target && !s.sentinel)
            {
                diagnostic = diagnostic.related(
                    server
                        .port_span
                        .unwrap_or(crate::source::Span::file_start(server.file)),
                    "Redis listens here",
                );
            }
            cx.report(diagnostic);
        }
    }
}
