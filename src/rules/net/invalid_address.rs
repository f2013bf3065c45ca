use crate::diagnostic::Diagnostic;
use crate::formats::Format;
use crate::model::net::host_problem;
use crate::rules::{RuleContext, declare_rule};
use crate::source::{FileId, Span};

declare_rule! {
    /// ## What it does
    /// Reports an address its program cannot read: an IP address with a
    /// part over 255, too few parts or a leading zero, a malformed IPv6
    /// address, a port that is no number from 1 to 65535 (nor a service
    /// name). It looks at nginx `listen`, upstream `server` and
    /// `proxy_pass`, Redis `bind`, stunnel `accept` and `connect` (which
    /// take IPv6 addresses without brackets), `/etc/hosts` lines, the Gluu
    /// `ip`, and a gateway's `<cluster>` URIs (`tcp://host:port`). Host
    /// names are left alone.
    ///
    /// ## Why is this bad?
    /// The program refuses to start, or, worse, skips the value: glibc
    /// ignores a hosts line whose address it cannot read, so the name
    /// silently resolves elsewhere or not at all. The Gluu guide's own
    /// example address `197.122.32.421` is such a typo.
    ///
    /// ## Example
    /// ```ini
    /// connect = 197.122.32.421:16379
    /// ```
    ///
    /// ## How to fix
    /// Write the address the machine really has.
    id: "net/invalid-address",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let mut found: Vec<(Span, String, Option<String>)> = Vec::new();
    for config in &cluster.nginx {
        found.extend(
            config
                .bad_addresses
                .iter()
                .map(|b| (b.span, b.problem.clone(), b.help.clone())),
        );
    }
    found.extend(
        cluster
            .stunnel
            .bad_addresses
            .iter()
            .map(|b| (b.span, b.problem.clone(), b.help.clone())),
    );
    for gateway in &cluster.kaazing {
        found.extend(
            gateway
                .bad_addresses
                .iter()
                .map(|b| (b.span, b.problem.clone(), b.help.clone())),
        );
    }
    for server in &cluster.redis {
        for entry in server.bind.iter().flat_map(|(entries, _)| entries) {
            if entry.address.is_none() {
                let problem = host_problem(&entry.text).unwrap_or_else(|| {
                    format!("`{}` is not an IP address, `*` or `::*`", entry.text)
                });
                found.push((entry.span, problem, None));
            }
        }
    }
    for setup in &cluster.gluu.setups {
        if let Some(ip) = setup.get("ip") {
            let value = ip.value.trim();
            if !value.is_empty() && value.parse::<std::net::IpAddr>().is_err() {
                let problem = host_problem(value)
                    .unwrap_or_else(|| format!("`{value}` is not an IP address"));
                found.push((ip.value_span, problem, None));
            }
        }
    }
    for (index, file) in cluster.files.iter().enumerate() {
        if file.format != Some(Format::HOSTS) {
            continue;
        }
        let Some(doc) = file.document.get::<crate::formats::hosts::HostsDocument>() else {
            continue;
        };
        for entry in doc.entries.iter().filter(|e| e.address.is_none()) {
            let problem = host_problem(&entry.address_text)
                .unwrap_or_else(|| format!("`{}` is not an IP address", entry.address_text));
            found.push((
                Span::new(FileId(index as u32), entry.address_range),
                format!("{problem}; the resolver skips this whole line"),
                None,
            ));
        }
    }
    found.sort_by_key(|(span, _, _)| *span);
    found.dedup();
    for (span, problem, help) in found {
        let help = help.unwrap_or_else(|| "write the address the machine really has".to_string());
        cx.report(
            Diagnostic::new(span, problem)
                .label("invalid address")
                .help(help),
        );
    }
}
