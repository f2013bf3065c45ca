//! How nginx picks the `location` of a virtual server for a request URI
//! (`ngx_http_core_find_location`): an exact `=` match first, else the
//! longest prefix when it is `^~`, else the first regular expression that
//! matches, in the order the locations are written, else the longest
//! prefix.
//!
//! Regular expressions are not run: a location's regex is judged by its
//! literal start and by whether what follows it may match the rest of the
//! URI; one that cannot be judged counts as not matching.

use crate::model::nginx::Location;

/// The location nginx picks for `uri` among a virtual server's
/// `locations`: an exact match, else the longest prefix if it is `^~`,
/// else the first regular expression that matches (judged by
/// [`regex_may_match`]), else the longest prefix. `None` when no location
/// matches.
pub(crate) fn select<'a>(locations: &'a [Location], uri: &str) -> Option<&'a Location> {
    if let Some(exact) = locations
        .iter()
        .find(|l| l.modifier.as_deref() == Some("=") && l.path.text == uri)
    {
        return Some(exact);
    }
    let prefix = locations
        .iter()
        .filter(|l| {
            matches!(l.modifier.as_deref(), None | Some("^~"))
                && uri.starts_with(l.path.text.as_str())
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
