use crate::diagnostic::Diagnostic;
use crate::model::Role;
use crate::model::kaazing::Gateway;
use crate::rules::{RuleContext, declare_rule};
use crate::suggest;

declare_rule! {
    /// ## What it does
    /// Checks the Enterprise Shield pairs: each internal gateway's
    /// `dmz.cluster.backplane.hostname` must name a DMZ gateway (the DMZ
    /// gateway's own `dmz.cluster.backplane.hostname`, or a name or address
    /// of its node), no two internal gateways may pair with one DMZ
    /// gateway, and every DMZ gateway needs its internal partner. An
    /// internal gateway that only opens reverse connections (no
    /// `dmz.cluster.backplane.hostname`) serves every DMZ gateway its
    /// `socks.transport` URIs name, and several may serve one: KAAZING's
    /// own KWIC tutorials connect each on-premise gateway to both cloud
    /// members, and many tenants to one cloud gateway. Roles
    /// come from `clusterlint.toml` (`dmz-gateway`, `internal-gateway`),
    /// from the `dmz.cluster.*` properties, or from reverse connectivity
    /// (`socks.mode reverse` in the connect options of the DMZ gateway and
    /// in the accept options of the internal one, whose `socks.transport`
    /// then names its DMZ partner, as a KWIC cloud/on-premise pair does).
    ///
    /// ## Why is this bad?
    /// In a highly available Enterprise Shield, each internal gateway
    /// connects out to one DMZ member; a DMZ member without its partner
    /// accepts clients it cannot serve, and two internal gateways on one
    /// DMZ member leave another member without a back end.
    ///
    /// ## Example
    /// ```xml
    /// <!-- internal2, copied from internal1 -->
    /// <property><name>dmz.cluster.backplane.hostname</name><value>gateway1.example.dmz.net</value></property>
    /// ```
    ///
    /// ## How to fix
    /// Give each internal gateway the backplane host name of its own DMZ
    /// member (`gateway2.example.dmz.net` for the second pair).
    id: "kaazing/backplane-pair-mismatch",
    severity: Error,
    check: Some(check),
}

const BACKPLANE: &str = "dmz.cluster.backplane.hostname";

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let of_role = |role: Role| -> Vec<&Gateway> {
        cluster
            .kaazing
            .iter()
            .filter(|g| cluster.node(g.node).has_role(role))
            .collect()
    };
    let (dmz, internal) = (of_role(Role::DmzGateway), of_role(Role::InternalGateway));
    if dmz.is_empty() || internal.is_empty() {
        return;
    }
    let dmz_names: Vec<String> = dmz
        .iter()
        .filter_map(|g| g.backplane().map(|(name, _)| name.to_ascii_lowercase()))
        .collect();
    // Which DMZ gateway each internal gateway pairs with.
    let mut paired: Vec<Option<usize>> = vec![None; dmz.len()];
    // The DMZ gateways a host name reaches (several behind one alias).
    let names_dmz = |gateway: &Gateway, wanted: &str| -> Vec<usize> {
        let named = cluster.net.nodes_named(cluster, gateway.node, wanted);
        (0..dmz.len())
            .filter(|&i| {
                dmz[i]
                    .backplane()
                    .is_some_and(|(n, _)| n.eq_ignore_ascii_case(wanted))
                    || named.contains(&dmz[i].node)
            })
            .collect()
    };
    for (index, gateway) in internal.iter().enumerate() {
        // Reverse connectivity without the walkthrough's property: the
        // gateway serves every DMZ gateway it connects out to, and several
        // may serve one (high availability, tenants).
        if gateway.property(BACKPLANE).is_none() {
            let partners = gateway.reverse_partners();
            for (name, span) in &partners {
                let targets = names_dmz(gateway, &name.to_ascii_lowercase());
                if targets.is_empty() {
                    report_unknown(cx, name, *span, &dmz_names);
                }
                for target in targets {
                    paired[target].get_or_insert(index);
                }
            }
            if !partners.is_empty() {
                continue;
            }
        }
        let Some((name, name_span)) = gateway.backplane() else {
            cx.report(
                Diagnostic::new(
                    gateway.root,
                    format!(
                        "the internal gateway `{}` names no DMZ gateway: `{BACKPLANE}` is not set",
                        cluster.node(gateway.node).name
                    ),
                )
                .help(format!(
                    "set `{BACKPLANE}` to the back-plane host name of its DMZ member"
                )),
            );
            continue;
        };
        let Some(&target) = names_dmz(gateway, &name.to_ascii_lowercase()).first() else {
            report_unknown(cx, &name, name_span, &dmz_names);
            continue;
        };
        if let Some(earlier) = paired[target] {
            let other = internal[earlier];
            let mut diagnostic = Diagnostic::new(
                name_span,
                format!(
                    "`{}` pairs with the DMZ gateway `{}`, like `{}`: each DMZ gateway takes one internal gateway",
                    cluster.node(gateway.node).name,
                    cluster.node(dmz[target].node).name,
                    cluster.node(other.node).name
                ),
            )
            .label("already paired")
            .help("point this internal gateway at its own DMZ member");
            if let Some((_, span)) = other.backplane() {
                diagnostic = diagnostic.related(
                    span,
                    format!("`{}` pairs here", cluster.node(other.node).name),
                );
            }
            cx.report(diagnostic);
        } else {
            paired[target] = Some(index);
        }
    }
    for (i, gateway) in dmz.iter().enumerate() {
        if paired[i].is_some() {
            continue;
        }
        let span = gateway.backplane().map_or(gateway.root, |(_, span)| span);
        cx.report(
            Diagnostic::new(
                span,
                format!(
                    "no internal gateway pairs with the DMZ gateway `{}` ({} DMZ, {} internal gateways)",
                    cluster.node(gateway.node).name,
                    dmz.len(),
                    internal.len()
                ),
            )
            .label("no partner")
            .help("give each DMZ gateway one internal gateway whose back-plane host name names it"),
        );
    }
}

/// A back-plane host that names none of the DMZ gateways.
fn report_unknown(
    cx: &mut RuleContext<'_>,
    name: &str,
    span: crate::source::Span,
    dmz_names: &[String],
) {
    let wanted = name.to_ascii_lowercase();
    let hint = suggest::did_you_mean(&wanted, dmz_names.iter().map(String::as_str));
    cx.report(
        Diagnostic::new(
            span,
            format!("`{name}` names no DMZ gateway of the cluster{hint}"),
        )
        .label("no such DMZ gateway")
        .help("use the back-plane host name of one of the DMZ gateways"),
    );
}
