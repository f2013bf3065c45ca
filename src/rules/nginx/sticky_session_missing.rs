use crate::diagnostic::Diagnostic;
use crate::model::Role;
use crate::model::nginx::{Context, Location};
use crate::rules::nginx::balanced;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// For each path that needs sticky sessions (`[nginx] sticky-paths` in
    /// `clusterlint.toml`; Gluu's `/identity` by default), finds the
    /// `location` nginx picks for it in each server, and checks that the
    /// upstream it proxies to pins clients to one server (`ip_hash`,
    /// `hash`, or `sticky`), when that upstream has several servers.
    /// Regular-expression locations are matched by their literal start.
    /// Without `sticky-paths` in the manifest, `/identity` is checked only
    /// where a location names it or the upstream balances Gluu nodes.
    ///
    /// ## Why is this bad?
    /// oxTrust (`/identity`) keeps its session in the memory of one node.
    /// Spread round-robin over the nodes, a user's next request lands on a
    /// node that does not know the session, and the login loops or fails.
    ///
    /// ## Example
    /// ```nginx
    /// upstream backend { server 192.0.2.11:443; server 192.0.2.12:443; }
    /// location /identity { proxy_pass https://backend/identity; }
    /// ```
    ///
    /// ## How to fix
    /// Proxy the path to an upstream with `ip_hash;` (the Gluu guide keeps
    /// a second upstream, `backend_id`, for this), or add it to this one.
    id: "nginx/sticky-session-missing",
    severity: Warning,
    check: Some(check),
}

/// The sticky paths when the manifest names none.
pub const DEFAULT_STICKY_PATHS: &[&str] = &["/identity"];

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let configured = cluster
        .manifest
        .as_ref()
        .and_then(|(_, m)| m.sticky_paths.as_ref());
    let paths: Vec<String> = configured.map_or_else(
        || {
            DEFAULT_STICKY_PATHS
                .iter()
                .map(ToString::to_string)
                .collect()
        },
        |paths| paths.iter().map(|p| p.value.clone()).collect(),
    );
    for config in &cluster.nginx {
        let mut reported: Vec<(String, String)> = Vec::new();
        for server in config.servers.iter().filter(|s| s.context == Context::Http) {
            for path in &paths {
                let uris = [path.clone(), format!("{}/", path.trim_end_matches('/'))];
                for location in uris.iter().filter_map(|uri| select(&server.locations, uri)) {
                    for pass in location.proxy_passes.iter().filter(|p| !p.dynamic) {
                        let Some(upstream) = config.upstream(&pass.host, Context::Http) else {
                            continue;
                        };
                        let key = (upstream.name.text.clone(), path.clone());
                        if upstream.servers.len() < 2
                            || upstream.is_sticky()
                            || reported.contains(&key)
                        {
                            continue;
                        }
                        // Gluu's default path only concerns Gluu: a location
                        // named for it, or an upstream of Gluu nodes.
                        if configured.is_none()
                            && !location.path.text.contains(path.as_str())
                            && balanced(cluster, config, upstream).role != Some(Role::Gluu)
                        {
                            continue;
                        }
                        reported.push(key);
                        cx.report(
                            Diagnostic::new(
                                upstream.name.span,
                                format!(
                                    "requests to `{path}` go to upstream `{}`, which does not keep a client on one server",
                                    upstream.name.text
                                ),
                            )
                            .label("not sticky")
                            .related(
                                pass.directive,
                                format!("`location {}` proxies `{path}` here", location.path.text),
                            )
                            .help(format!(
                                "add `ip_hash;` to upstream `{}`, or proxy `{path}` to an upstream that has it",
                                upstream.name.text
                            )),
                        );
                    }
                }
            }
        }
    }
}

/// The location nginx picks for `uri`: an exact match, else the longest
/// prefix if it is `^~`, else the first regular expression that matches,
/// else the longest prefix.
fn select<'a>(locations: &'a [Location], uri: &str) -> Option<&'a Location> {
    if let Some(exact) = locations
        .iter()
        .find(|l| l.modifier.as_deref() == Some("=") && l.path.text == uri)
    {
        return Some(exact);
    }
    let prefix = locations
        .iter()
        .filter(|l| {
            matches!(l.modifier.as_deref(), None | Some("^~")) && uri.starts_with(&l.path.text)
        })
        .max_by_key(|l| l.path.text.len());
    if prefix.is_some_and(|l| l.modifier.as_deref() == Some("^~")) {
        return prefix;
    }
    locations
        .iter()
        .find(|l| {
            matches!(l.modifier.as_deref(), Some("~" | "~*"))
                && regex_may_match(&l.path.text, uri, l.modifier.as_deref() == Some("~*"))
        })
        .or(prefix)
}

/// Whether a location regex matches `uri`, judged by its literal part: an
/// anchored regex (`^/identity`) matches when its literal start is a prefix
/// of the URI (and all of it, with `$`); an unanchored one when its literal
/// start occurs in it. A regex without a literal start is taken as not
/// matching.
fn regex_may_match(regex: &str, uri: &str, caseless: bool) -> bool {
    let (anchored, body) = match regex.strip_prefix('^') {
        Some(rest) => (true, rest),
        None => (false, regex),
    };
    let mut literal = String::new();
    let mut chars = body.chars().peekable();
    let mut complete = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e) if !e.is_ascii_alphanumeric() => literal.push(e),
                _ => break,
            },
            '$' if chars.peek().is_none() => {
                complete = true;
                break;
            }
            // A quantifier that allows zero makes the last character optional.
            '*' | '?' | '{' => {
                literal.pop();
                break;
            }
            '.' | '+' | '(' | ')' | '[' | ']' | '}' | '|' | '$' | '^' => break,
            c => literal.push(c),
        }
    }
    if literal.is_empty() {
        return false;
    }
    let (literal, uri) = if caseless {
        (literal.to_ascii_lowercase(), uri.to_ascii_lowercase())
    } else {
        (literal, uri.to_string())
    };
    match (anchored, complete) {
        (true, true) => uri == literal,
        (true, false) => uri.starts_with(&literal),
        (false, _) => uri.contains(&literal),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regex_literals() {
        assert!(!regex_may_match("^(/)$", "/identity", false));
        assert!(regex_may_match("^/identity", "/identity/", false));
        assert!(regex_may_match("^/IDENTITY", "/identity", true));
        assert!(!regex_may_match("^/identity$", "/identity/", false));
        assert!(!regex_may_match("\\.(js|css)$", "/identity", false));
        // `x?` may be absent: the literal start is `/identit`.
        assert!(regex_may_match("^/identitx?", "/identity", false));
    }
}
