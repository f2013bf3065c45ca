use crate::diagnostic::{Diagnostic, Fix};
use crate::model::Cluster;
use crate::model::liferay::Item;
use crate::model::liferay::hosts_allowed;
use crate::model::liferay::tunnel::{HOSTS_ALLOWED, tunnel_verifiers};
use crate::rules::{RuleContext, declare_rule, edits};
use crate::source::TextRange;

declare_rule! {
    /// ## What it does
    /// Checks every entry of `tunnel.servlet.hosts.allowed` and of the
    /// TunnelAuthVerifier's `hostsAllowed`: each must be an IPv4 or IPv6
    /// address, a network (`address/prefix` or `address/netmask` of the same
    /// family) or the token `SERVER_IP`.
    ///
    /// ## Why is this bad?
    /// The portal silently skips an entry it cannot parse, so a host name, a
    /// typo in an address or `server_ip` in lower case never admits anyone,
    /// and the staging server is refused. An IPv6 address in brackets
    /// (`[2001:db8::50]`) is valid here: the portal takes the brackets off
    /// (releases before 7.2 do not, see
    /// `liferay/tunnel-hosts-bracketed-ipv6`).
    ///
    /// ## Example
    /// ```properties
    /// tunnel.servlet.hosts.allowed=127.0.0.1,SERVER_IP,staging.example.org
    /// ```
    ///
    /// ## How to fix
    /// Write addresses or networks:
    /// ```properties
    /// tunnel.servlet.hosts.allowed=127.0.0.1,SERVER_IP,192.0.2.50
    /// ```
    /// `--fix` mends the entries whose meaning is plain: it writes
    /// `SERVER_IP` in capitals, drops the blanks around an entry that is
    /// valid without them, and removes an empty entry with its comma. Host
    /// names and malformed addresses are left to you.
    id: "liferay/tunnel-hosts-invalid",
    severity: Error,
    fix: Unsafe,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for node in &cluster.nodes {
        let Some(liferay) = cluster.liferay.node(node.id) else {
            continue;
        };
        let mut lists: Vec<(&str, Vec<Item>)> = Vec::new();
        if let Some(p) = liferay.property(HOSTS_ALLOWED) {
            lists.push((HOSTS_ALLOWED, p.items(cluster)));
        }
        for config in tunnel_verifiers(liferay) {
            if let Some(v) = config.get("hostsAllowed") {
                lists.push(("hostsAllowed", v.items.clone()));
            }
        }
        for (key, items) in lists {
            // An empty value admits everyone; it is not an invalid entry.
            if items.iter().all(|i| i.text.is_empty()) {
                continue;
            }
            for item in &items {
                let Err(why) = hosts_allowed::parse(&item.text) else {
                    continue;
                };
                let shown = if item.text.is_empty() {
                    "an entry".to_string()
                } else {
                    format!("`{}`", item.text)
                };
                let mut diagnostic = Diagnostic::new(
                    item.span,
                    format!("{shown} in `{key}` on `{}` {why}", node.name),
                )
                .label("never matches")
                .help(
                    "write an IPv4 or IPv6 address, a network such as `10.0.0.0/8`, or `SERVER_IP`",
                );
                if let Some(fix) = fix(cluster, item) {
                    diagnostic = diagnostic.fix(fix);
                }
                cx.report(diagnostic);
            }
        }
    }
}

/// The edit for an entry whose meaning is plain, when the entry is written
/// as it reads (no escapes): `server_ip` in capitals, the blanks around a
/// valid entry dropped, an empty entry removed with the comma before it
/// (after it, for the first).
fn fix(cluster: &Cluster, item: &Item) -> Option<Fix> {
    let file = item.span.file;
    if item.text.is_empty() {
        let text = &cluster.source(file).text;
        let at = item.span.range.start as usize;
        // At the start of the file is where the properties reader puts an
        // empty entry it cannot place.
        if !item.span.range.is_empty() || at == 0 {
            return None;
        }
        let range = if text[..at].ends_with(',') {
            TextRange::from_usize(at - 1..at)
        } else if text[at..].starts_with(',') {
            TextRange::from_usize(at..at + 1)
        } else {
            return None;
        };
        return Some(Fix {
            description: "remove the empty entry".to_string(),
            edits: vec![edits::replace(file, range, "")],
        });
    }
    if cluster.text(item.span) != item.text {
        return None;
    }
    let (text, description) = if item.text.eq_ignore_ascii_case("SERVER_IP") {
        ("SERVER_IP", "write `SERVER_IP` in capitals".to_string())
    } else {
        let trimmed = item.text.trim();
        hosts_allowed::parse(trimmed).ok()?;
        (trimmed, format!("remove the blanks around `{trimmed}`"))
    };
    Some(Fix {
        description,
        edits: vec![edits::replace(file, item.span.range, text)],
    })
}
