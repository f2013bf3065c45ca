use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::model::stunnel::Pid;
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reports two stunnel configurations on one node that use the same
    /// pid file: the same `pid` path (`/var/run` and `/run` are one
    /// folder), or both none (then both use the compiled-in default).
    /// `pid =` (no file) never clashes.
    ///
    /// ## Why is this bad?
    /// Each stunnel process writes its process id to the file: the second
    /// one overwrites the first's, and the init scripts then stop or
    /// reload the wrong process, or leave one running after a restart.
    ///
    /// ## Example
    /// ```ini
    /// # /etc/stunnel/redis-client.conf and /etc/stunnel/ldap.conf
    /// pid = /var/run/stunnel.pid
    /// ```
    ///
    /// ## How to fix
    /// Give each configuration its own `pid` file.
    id: "stunnel/pid-clash",
    severity: Warning,
    check: Some(check),
}

/// One spelling per file: `/var/run` is `/run` on current systems, and
/// `.` and repeated `/` do not matter.
fn same_file(path: &str) -> String {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let joined = format!("/{}", parts.join("/"));
    match joined.strip_prefix("/var/run/") {
        Some(rest) => format!("/run/{rest}"),
        None => joined,
    }
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let mut configs: Vec<_> = cluster.stunnel.configs.iter().collect();
    configs.sort_by(|a, b| {
        (a.node, &cluster.source(a.file).path).cmp(&(b.node, &cluster.source(b.file).path))
    });
    let mut first: HashMap<(crate::model::NodeId, String), (Span, &str)> = HashMap::new();
    for config in configs {
        let (key, span) = match &config.pid {
            Pid::Disabled => continue,
            Pid::Default => ("(default)".to_string(), Span::file_start(config.file)),
            Pid::Path(setting) => (same_file(&setting.value), setting.span),
        };
        let path = cluster.source(config.file).path.as_str();
        match first.get(&(config.node, key.clone())) {
            Some(&(earlier, other)) => {
                let what = if key == "(default)" {
                    "the default pid file (neither sets `pid`)".to_string()
                } else {
                    format!("the pid file `{key}`")
                };
                cx.report(
                    Diagnostic::new(
                        span,
                        format!("this stunnel configuration shares {what} with `{other}`"),
                    )
                    .label("shared pid file")
                    .related(earlier, "the other configuration's pid file")
                    .help("give each stunnel configuration its own `pid` file"),
                );
            }
            None => {
                first.insert((config.node, key), (span, path));
            }
        }
    }
}
