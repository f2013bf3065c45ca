use crate::diagnostic::Diagnostic;
use crate::model::gluu::balancers;
use crate::model::nginx::{Context, VirtualServer, server_name_matches};
use crate::rules::consensus::node_list;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Compares the `hostname` of the Gluu nodes' `setup.properties` (the
    /// one name all nodes share) with the `server_name` of the balancer's
    /// server blocks that proxy to the Gluu nodes (a `proxy_pass` to an
    /// upstream listing them). Names match as nginx matches them: without
    /// case, `*.example.org`, `.example.org`, `www.example.*`, and a `~`
    /// regular expression is taken to match. Only the blocks that proxy to
    /// the Gluu nodes are judged: a port 80 block that only redirects is
    /// not. Nothing is reported when one proxying block answers to the
    /// name, when one has no name of its own (`_`, `""` or no
    /// `server_name`: a catch-all) or takes the machine's (`$hostname`),
    /// or when the nodes disagree on
    /// `hostname` (`gluu/hostname-mismatch` reports that). A named block is
    /// judged by its names even where it is the port's default server:
    /// it would answer for the nodes' name only by falling back, under a
    /// name the redirects and links of the site do not use.
    ///
    /// The certificate's side, whether the balancer's certificate covers
    /// the name, is checked by `tls/name-mismatch`.
    ///
    /// ## Why is this bad?
    /// Gluu builds every URL it hands out (redirects after login, OpenID
    /// discovery, SAML metadata) from `hostname`, and the clustering guide
    /// has all nodes share it behind a balancer that answers under that
    /// name. A balancer serving the cluster under another name sends
    /// clients to a name it does not serve, and the nodes reject requests
    /// for a host they do not know.
    ///
    /// ## Example
    /// ```nginx
    /// server {
    ///     listen 443 ssl;
    ///     server_name loadbalancer.example.org;
    ///     location /oxauth { proxy_pass https://backend/oxauth; }
    /// }
    /// ```
    /// while every node has `hostname=cluster.example.org`.
    ///
    /// ## How to fix
    /// Serve the cluster under the nodes' `hostname` (`server_name
    /// cluster.example.org;`), and point that name's DNS record at the
    /// balancer; or reinstall the nodes with the balancer's name.
    id: "gluu/hostname-mismatch-balancer",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for balancer in balancers(cluster) {
        // The name the balanced nodes share.
        let entries: Vec<_> = balancer
            .nodes
            .iter()
            .filter_map(|&n| Some((n, cluster.gluu.setup(n)?.get("hostname")?)))
            .filter(|(_, e)| !e.value.trim().is_empty())
            .collect();
        let Some(&(_, reference)) = entries.first() else {
            continue;
        };
        let name = reference.value.trim();
        if entries
            .iter()
            .any(|(_, e)| !e.value.trim().eq_ignore_ascii_case(name))
        {
            continue;
        }
        let proxying: Vec<&VirtualServer> = balancer
            .config
            .servers
            .iter()
            .filter(|s| s.context == Context::Http && proxies_to(s, &balancer))
            .collect();
        // `$hostname` is the machine's name, not known here.
        let named = |s: &&VirtualServer| {
            s.server_names
                .iter()
                .any(|n| !matches!(n.text.as_str(), "_" | ""))
                && !s.server_names.iter().any(|n| n.text.starts_with('$'))
        };
        if proxying.iter().any(|s| !named(s))
            || proxying.iter().any(|s| {
                s.server_names
                    .iter()
                    .any(|n| server_name_matches(&n.text, name))
            })
        {
            continue;
        }
        let nodes = node_list(cluster, entries.iter().map(|(n, _)| *n));
        for server in proxying {
            let Some(first) = server
                .server_names
                .iter()
                .find(|n| !matches!(n.text.as_str(), "_" | ""))
            else {
                continue;
            };
            let names: Vec<String> = server
                .server_names
                .iter()
                .map(|n| format!("`{}`", n.text))
                .collect();
            cx.report(
                Diagnostic::new(
                    first.span,
                    format!(
                        "the balancer serves the Gluu nodes as {}, but their `hostname` is `{name}`",
                        names.join(", ")
                    ),
                )
                .label("not the nodes' hostname")
                .related(reference.value_span, format!("`hostname` of {nodes}"))
                .help(format!(
                    "serve the cluster under `server_name {name};` and point that name at the balancer (its certificate must cover `{name}` too)"
                )),
            );
        }
    }
}

/// Whether a server block sends requests to an upstream of the Gluu
/// nodes.
fn proxies_to(server: &VirtualServer, balancer: &crate::model::gluu::GluuBalancer<'_>) -> bool {
    server
        .locations
        .iter()
        .flat_map(|l| &l.proxy_passes)
        .chain(&server.proxy_passes)
        .filter(|p| !p.dynamic)
        .any(|p| {
            balancer
                .upstreams
                .iter()
                .any(|u| u.context == server.context && u.name.text.eq_ignore_ascii_case(&p.host))
        })
}
