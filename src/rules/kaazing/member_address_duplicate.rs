use std::collections::HashMap;
use std::net::IpAddr;

use crate::diagnostic::Diagnostic;
use crate::model::Cluster;
use crate::model::kaazing::membership::{cluster_port, clusters, is_dmz};
use crate::model::kaazing::{Gateway, GatewayCluster, Substituted, Uri};
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Compares the addresses the members of one cluster (the gateways of
    /// one side with a `<cluster>`, and the same `<name>` where it is
    /// written literally) claim as their own: the `gateway.ip.address`
    /// property where the configuration uses it (a `-D` system property
    /// wins over the file) and the host
    /// of each cluster `<accept>`, after `${...}` substitution. Two members
    /// on different machines with the same address are reported, the one
    /// later by name, at the value to change (the property a `${...}` host
    /// comes from, else the accept URI).
    ///
    /// Not compared: interface names (`tcp://@eth0:5941` is each machine's
    /// own interface), wildcards (`0.0.0.0`, `::`, `*`), loopback addresses
    /// and values left unresolved. Where the two accepts share the host and
    /// the cluster port too, `kaazing/duplicate-cluster-port` reports the
    /// member at that line and this rule does not.
    ///
    /// ## Why is this bad?
    /// A member's address is where the other members and its Enterprise
    /// Shield partner reach it. Two machines claiming one address mean a
    /// configuration copied without being changed: one of them binds an
    /// address it does not have and fails to start, or the members take
    /// each other's place, and pairing and failover go to the wrong one.
    ///
    /// ## Example
    /// ```xml
    /// <!-- dmz2, copied from dmz1 -->
    /// <property><name>gateway.ip.address</name><value>172.19.20.1</value></property>
    /// ```
    ///
    /// ## How to fix
    /// Give each member its own machine's address (`gateway.ip.address`,
    /// the cluster `<accept>`), or an interface name (`@eth0`) that each
    /// machine reads as its own.
    id: "kaazing/member-address-duplicate",
    severity: Error,
    check: Some(check),
}

/// An address a member claims, with where to change it.
struct Claim {
    /// The address compared: an IP as the standard library prints it, or
    /// a host name in lower case.
    key: String,
    shown: String,
    span: Span,
    what: &'static str,
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for group in clusters(cluster) {
        let dmz = is_dmz(cluster, &group);
        let claims: Vec<Vec<Claim>> = group.iter().map(|(g, c)| claims(cluster, g, c)).collect();
        let mut first: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
        for (i, member) in claims.iter().enumerate() {
            let mut reported: Vec<Span> = Vec::new();
            for (k, claim) in member.iter().enumerate() {
                let earlier = first.entry(claim.key.as_str()).or_default();
                let other = earlier.iter().copied().find(|&(j, _)| {
                    group[j].0.node != group[i].0.node && same_cluster(group[j].1, group[i].1)
                });
                earlier.push((i, k));
                let Some((j, l)) = other else { continue };
                if reported.contains(&claim.span)
                    || port_rule_reports(cluster, dmz, group[i], group[j], claim.span)
                {
                    continue;
                }
                reported.push(claim.span);
                let (gateway, other) = (group[i].0, group[j].0);
                let theirs = &claims[j][l];
                cx.report(
                    Diagnostic::new(
                        claim.span,
                        format!(
                            "`{}` claims `{}` ({}), which `{}` claims too ({})",
                            cluster.node(gateway.node).name,
                            claim.shown,
                            claim.what,
                            cluster.node(other.node).name,
                            theirs.what
                        ),
                    )
                    .label("address taken")
                    .related(
                        theirs.span,
                        format!("the address of `{}`", cluster.node(other.node).name),
                    )
                    .help(format!(
                        "give `{}` its own machine's address here (or an interface name such as `@eth0`)",
                        cluster.node(gateway.node).name
                    )),
                );
            }
        }
    }
}

/// Whether two members are of one cluster: a literal `<name>` must be the
/// same (names per member, written with `${...}`, differ by design).
fn same_cluster(a: &GatewayCluster, b: &GatewayCluster) -> bool {
    match (&a.name, &b.name) {
        (Some(x), Some(y)) if !a.name_per_member && !b.name_per_member && x.known && y.known => {
            x.text == y.text
        }
        _ => true,
    }
}

/// Whether `kaazing/duplicate-cluster-port` reports `later` at `span`:
/// the same cluster port, and (outside the DMZ) the same accept host.
fn port_rule_reports(
    cluster: &Cluster,
    dmz: bool,
    later: (&Gateway, &GatewayCluster),
    earlier: (&Gateway, &GatewayCluster),
    span: Span,
) -> bool {
    let (Some((port, at)), Some((other_port, _))) = (
        cluster_port(cluster, later.0, later.1),
        cluster_port(cluster, earlier.0, earlier.1),
    ) else {
        return false;
    };
    let host = |c: &GatewayCluster| {
        c.accepts
            .iter()
            .find_map(|a| Uri::parse(&a.text))
            .map(|u| u.host)
    };
    at == span && port == other_port && (dmz || host(later.1) == host(earlier.1))
}

fn claims(cluster: &Cluster, gateway: &Gateway, c: &GatewayCluster) -> Vec<Claim> {
    let mut out: Vec<Claim> = Vec::new();
    // The property counts where the configuration uses it.
    let used = gateway.uses.iter().any(|u| u.name == "gateway.ip.address");
    if let Some(p) = gateway.property("gateway.ip.address").filter(|_| used)
        && let Some(key) = comparable(&p.value)
    {
        out.push(Claim {
            key,
            shown: p.value.trim().to_string(),
            span: p.value_span,
            what: "`gateway.ip.address`",
        });
    }
    for accept in c.accepts.iter().filter(|a| a.known) {
        let Some(uri) = Uri::parse(&accept.text) else {
            continue;
        };
        let Some(key) = comparable(&uri.host) else {
            continue;
        };
        let span = host_property(cluster, gateway, accept).unwrap_or(accept.span);
        if out.iter().any(|o| o.span == span) {
            continue;
        }
        out.push(Claim {
            key,
            shown: uri.host.clone(),
            span,
            what: "its cluster `<accept>`",
        });
    }
    out
}

/// The value of the property a `${name}` host of `accept` comes from.
fn host_property(cluster: &Cluster, gateway: &Gateway, accept: &Substituted) -> Option<Span> {
    let raw = cluster.text(accept.span);
    let rest = raw.split_once("://").map_or(raw, |(_, r)| r);
    let name = rest.strip_prefix("${")?.split('}').next()?;
    Some(gateway.property(name)?.value_span)
}

/// A host as compared, or `None` for what each machine reads as its own
/// or what is not known here.
fn comparable(host: &str) -> Option<String> {
    let host = host.trim().trim_start_matches('[').trim_end_matches(']');
    if host.is_empty()
        || host.starts_with('@')
        || host.contains("${")
        || host == "*"
        || host.eq_ignore_ascii_case("localhost")
    {
        return None;
    }
    match host.parse::<IpAddr>() {
        Ok(ip) if ip.is_unspecified() || ip.is_loopback() => None,
        Ok(ip) => Some(ip.to_string()),
        Err(_) => Some(host.to_ascii_lowercase()),
    }
}
