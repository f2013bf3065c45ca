use crate::diagnostic::Diagnostic;
use crate::model::kaazing::Uri;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a `udp://` discovery address in `<cluster><connect>` that is
    /// not a multicast address (IPv4 224.0.0.0/4, IPv6 ff00::/8).
    ///
    /// ## Why is this bad?
    /// `udp://` discovery sends datagrams to a multicast group; to a
    /// unicast address they reach one machine at most, and the members
    /// never find each other: each runs as a cluster of one.
    ///
    /// ## Example
    /// ```xml
    /// <connect>udp://192.168.2.44:44444</connect>
    /// ```
    ///
    /// ## How to fix
    /// Use a multicast group (`udp://224.2.2.44:44444`), or list the other
    /// members as `tcp://` URIs.
    id: "kaazing/cluster-connect-not-multicast",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    for gateway in &cx.cluster.kaazing {
        for connect in gateway
            .cluster
            .iter()
            .flat_map(|c| &c.connects)
            .filter(|c| c.known)
        {
            let Some(uri) = Uri::parse(&connect.text) else {
                continue;
            };
            if uri.scheme != "udp" {
                continue;
            }
            if let Some(ip) = uri.ip().filter(|ip| !ip.is_multicast()) {
                cx.report(
                    Diagnostic::new(connect.span, format!("`{ip}` is not a multicast address, so `udp://` discovery finds no member"))
                        .label("not multicast")
                        .help("use a multicast group such as `udp://224.2.2.44:44444`, or `tcp://` URIs of the other members"),
                );
            }
        }
    }
}
