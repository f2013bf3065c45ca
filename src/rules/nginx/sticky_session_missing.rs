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

/// Whether a location regex matches `uri`, judged by its literal start
/// and what follows it: `^/identity` matches `/identity/`, and so does
/// `^/identity/.*`, but `^/identity/.*\.(css|js)$` needs a file name and
/// does not. An unanchored regex matches where its literal start occurs. A
/// regex without a literal start is taken as not matching; so is one whose
/// rest cannot be judged.
fn regex_may_match(regex: &str, uri: &str, caseless: bool) -> bool {
    let (anchored, body) = match regex.strip_prefix('^') {
        Some(rest) => (true, rest),
        None => (false, regex),
    };
    let (literal, rest) = literal_prefix(body);
    if literal.is_empty() {
        return false;
    }
    let fold = |s: &str| {
        if caseless {
            s.to_ascii_lowercase()
        } else {
            s.to_string()
        }
    };
    let (literal, uri) = (fold(&literal), fold(uri));
    let tail = if anchored {
        match uri.strip_prefix(literal.as_str()) {
            Some(tail) => tail,
            None => return false,
        }
    } else {
        match uri.find(literal.as_str()) {
            Some(at) => &uri[at + literal.len()..],
            None => return false,
        }
    };
    let (rest, end_anchored) = match rest.strip_suffix('$') {
        Some(inner) if !inner.ends_with('\\') => (inner, true),
        _ => (rest, false),
    };
    if tail.is_empty() || !end_anchored {
        // The rest may match nothing (then the tail, if any, is ignored
        // unless the regex is anchored at the end).
        can_match_empty(rest)
    } else {
        false
    }
}

/// The literal characters a regex starts with, and the rest of it. A
/// quantifier that allows zero takes its character back into the rest.
fn literal_prefix(body: &str) -> (String, &str) {
    let mut literal = String::new();
    let mut at = 0;
    let bytes = body.as_bytes();
    while at < bytes.len() {
        let (c, len) = match bytes[at] {
            b'\\' => match bytes.get(at + 1) {
                Some(&e) if !e.is_ascii_alphanumeric() => (char::from(e), 2),
                _ => break,
            },
            b'.' | b'*' | b'+' | b'?' | b'(' | b')' | b'[' | b']' | b'{' | b'}' | b'|' | b'$'
            | b'^' => break,
            _ => {
                let c = body[at..].chars().next().unwrap_or_default();
                (c, c.len_utf8())
            }
        };
        if matches!(bytes.get(at + len), Some(b'*' | b'?' | b'{')) {
            break;
        }
        literal.push(c);
        at += len;
    }
    (literal, &body[at..])
}

/// Whether a (simple) regex can match the empty string.
fn can_match_empty(re: &str) -> bool {
    split_top(re, b'|')
        .iter()
        .any(|alt| sequence_can_be_empty(alt))
}

/// Splits at `sep` outside groups and classes.
fn split_top(re: &str, sep: u8) -> Vec<&str> {
    let b = re.as_bytes();
    let (mut depth, mut start, mut i, mut out) = (0usize, 0, 0, Vec::new());
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'[' => i = class_end(b, i),
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            c if c == sep && depth == 0 => {
                out.push(&re[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&re[start..]);
    out
}

/// The index of the `]` closing the class opened at `at`.
fn class_end(b: &[u8], at: usize) -> usize {
    let mut i = at + 1;
    if b.get(i) == Some(&b'^') {
        i += 1;
    }
    if b.get(i) == Some(&b']') {
        i += 1;
    }
    while i < b.len() && b[i] != b']' {
        if b[i] == b'\\' {
            i += 1;
        }
        i += 1;
    }
    i.min(b.len().saturating_sub(1))
}

fn sequence_can_be_empty(seq: &str) -> bool {
    let b = seq.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let atom_empty = match b[i] {
            b'^' | b'$' => {
                i += 1;
                continue;
            }
            b'\\' => {
                i += 2;
                false
            }
            b'[' => {
                i = class_end(b, i) + 1;
                false
            }
            b'(' => {
                let mut depth = 0;
                let start = i + 1;
                while i < b.len() {
                    match b[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                let inner = &seq[start..i.min(seq.len())];
                i += 1;
                can_match_empty(inner.strip_prefix("?:").unwrap_or(inner))
            }
            _ => {
                i += seq[i..].chars().next().map_or(1, char::len_utf8);
                false
            }
        };
        let optional = match b.get(i) {
            Some(b'*' | b'?') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            Some(b'{') => {
                let close = seq[i..].find('}').map_or(seq.len(), |c| i + c);
                let minimum = seq[i + 1..close].split(',').next().unwrap_or("");
                i = close + 1;
                minimum.trim() == "0"
            }
            _ => false,
        };
        // A lazy or possessive marker after a quantifier.
        if matches!(b.get(i), Some(b'?' | b'+'))
            && i > 0
            && matches!(b[i - 1], b'*' | b'?' | b'+' | b'}')
        {
            i += 1;
        }
        if !(atom_empty || optional) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regex_matching() {
        assert!(regex_may_match("^/identity/.*", "/identity/", false));
        assert!(!regex_may_match(
            "^/identity/.*\\.(css|js|png|svg)$",
            "/identity/",
            false
        ));
        assert!(regex_may_match("^/identity(/|$)", "/identity/", false));
        assert!(regex_may_match("^/identity(/|$)", "/identity", false));
        assert!(!regex_may_match("^/(identity|oxtrust)", "/identity", false));
        assert!(can_match_empty("(?:/.*)?$"));
        assert!(!can_match_empty("[a-z]+"));
        assert!(can_match_empty("[a-z]{0,3}"));
    }

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
