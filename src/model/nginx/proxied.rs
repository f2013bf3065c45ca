//! Which upstreams a configuration's `proxy_pass` directives send
//! requests to.

use crate::model::nginx::{NginxConfig, ProxyPass, Upstream};

/// Every `proxy_pass` of a configuration that names an upstream it
/// defines, with that upstream.
pub(crate) fn proxied(config: &NginxConfig) -> Vec<(&ProxyPass, &Upstream)> {
    let mut out = Vec::new();
    for server in &config.servers {
        let passes = server
            .locations
            .iter()
            .flat_map(|l| &l.proxy_passes)
            .chain(&server.proxy_passes);
        out.extend(passes.filter_map(|pass| Some((pass, config.upstream_of(pass)?))));
    }
    out
}

/// The upstreams some `proxy_pass` of the configuration uses, each once,
/// in the order they are first used.
pub(crate) fn proxied_upstreams(config: &NginxConfig) -> Vec<&Upstream> {
    config.proxied_upstreams().collect()
}

/// Whether a `proxy_pass` host is meant as an upstream name rather than a
/// host: no dots, not an address, not `localhost`.
pub(crate) fn is_bare_name(host: &str) -> bool {
    !host.is_empty()
        && !host.contains(['.', ':', '[', '/'])
        && !host.eq_ignore_ascii_case("localhost")
        && !host.starts_with("unix")
        && host.bytes().any(|b| b.is_ascii_alphabetic())
}
