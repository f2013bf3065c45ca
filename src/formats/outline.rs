//! A format-free outline of a parsed document: the tree of named
//! constructs an editor lists as "document symbols" (keys, directives and
//! their blocks, sections, groups, hosts, elements), each with the range
//! of the whole construct and the range of its name.
//!
//! Nothing here parses: every symbol comes from the spans the parser's
//! document holds. Secrets never reach a name or a detail. A detail is
//! built from a value only when the value's key is not a secret
//! ([`crate::secrets::is_secret_key`]), none of its text lies in a range that
//! [`crate::formats::Document::secrets`] masks, and it holds no `user:password@` part of a
//! URL; some values are never shown at all (csync2 key files, PEM
//! bodies, csync2 `database` and `exec`, gateway `<security>`).
//!
//! Ranges are valid for the editor: inside the text and on character
//! boundaries, each `selection` inside its `range`, children inside their
//! parent, siblings in text order.

use std::cmp::Reverse;

use crate::source::{TextRange, clamp_to_char_boundary};

/// What a symbol stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    /// A stunnel `[service]`.
    Section,
    /// An nginx directive with a `{ ... }` block, a csync2 `action`, a PEM
    /// block.
    Block,
    /// A statement without a block: nginx, redis.conf, csync2.
    Directive,
    /// A `key = value` entry (properties, OSGi, stunnel), a csync2 `key`,
    /// a csync2 key file.
    Key,
    /// An XML element.
    Element,
    /// A csync2 `group`.
    Group,
    /// A line of a hosts file, a host of a csync2 group.
    Host,
    /// A shell variable assignment in `setenv.sh`.
    Variable,
    /// A `-Dname=value` JVM option.
    Option,
}

/// One entry of the outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// What the editor lists; never empty, on one line.
    pub name: String,
    /// Short extra text, on one line; never a secret value.
    pub detail: Option<String>,
    /// What the symbol stands for.
    pub kind: SymbolKind,
    /// The whole construct.
    pub range: TextRange,
    /// The part to highlight and jump to (usually the name), inside
    /// `range`.
    pub selection: TextRange,
    /// The constructs inside it, in text order.
    pub children: Vec<Symbol>,
}

impl Symbol {
    /// A symbol named `name` on one line (`placeholder` when that is
    /// empty), spanning `range`, highlighting `selection`.
    #[must_use]
    pub fn new(
        kind: SymbolKind,
        name: &str,
        placeholder: &str,
        range: TextRange,
        selection: TextRange,
    ) -> Self {
        let name = one_line(name);
        Self {
            name: if name.is_empty() {
                placeholder.to_string()
            } else {
                name
            },
            detail: None,
            kind,
            range,
            selection,
            children: Vec::new(),
        }
    }

    /// With this detail (pass it through [`Guard`] when it shows a value).
    #[must_use]
    pub fn with_detail(mut self, detail: Option<String>) -> Self {
        self.detail = detail;
        self
    }

    /// With the constructs inside it.
    #[must_use]
    pub fn with_children(mut self, children: Vec<Symbol>) -> Self {
        self.children = children;
        self
    }
}

/// The longest name or detail, in characters: an outline line, not the
/// value itself.
const MAX_CHARS: usize = 80;

/// `text` on one line: runs of blanks, line ends and control characters
/// become one space, and long text is cut with an ellipsis.
fn one_line(text: &str) -> String {
    // Most names are short single words: no splitting needed.
    let plain = |c: char| !(c.is_whitespace() || c.is_control());
    if text.len() <= MAX_CHARS && text.chars().all(plain) {
        return text.to_string();
    }
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect();
    let line = words.join(" ");
    match line.char_indices().nth(MAX_CHARS) {
        Some((at, _)) => format!("{}…", line[..at].trim_end()),
        None => line,
    }
}

/// Whether `text` holds a URL with a user part (`scheme://user:pw@host`),
/// which carries a password whatever key it stands under.
fn has_userinfo(text: &str) -> bool {
    text.match_indices("://").any(|(at, _)| {
        let authority = &text[at + 3..];
        let end = authority
            .find(['/', '?', '#', ' ', '\t'])
            .unwrap_or(authority.len());
        authority[..end].contains('@')
    })
}

/// Decides which text may go into a detail: the secret ranges are those
/// [`crate::formats::Document::secrets`] records for snippets, so the outline hides exactly
/// what every other output masks (and more: see the callers).
pub struct Guard {
    /// Secret ranges by start, each with the furthest end among it and
    /// those before it (they may overlap), so a lookup is a binary search.
    secrets: Vec<(u32, u32)>,
}

impl Guard {
    pub(crate) fn from_ranges(mut ranges: Vec<TextRange>) -> Self {
        ranges.sort_unstable();
        let mut furthest = 0;
        let secrets = ranges
            .iter()
            .map(|r| {
                furthest = furthest.max(r.end);
                (r.start, furthest)
            })
            .collect();
        Self { secrets }
    }

    /// Whether any byte of `range` is secret: some secret starting before
    /// its end reaches past its start.
    #[must_use]
    pub fn touches_secret(&self, range: TextRange) -> bool {
        let before = self
            .secrets
            .partition_point(|&(start, _)| start < range.end);
        before > 0 && self.secrets[before - 1].1 > range.start
    }

    /// `value`, written at `range`, as a detail, unless it is a secret.
    #[must_use]
    pub fn detail(&self, range: TextRange, value: &str) -> Option<String> {
        if self.touches_secret(range) || has_userinfo(value) {
            return None;
        }
        Some(one_line(value)).filter(|d| !d.is_empty())
    }

    /// The value of a key as a detail; none for a secret key.
    #[must_use]
    pub fn value(&self, secret_key: bool, range: TextRange, value: &str) -> Option<String> {
        if secret_key {
            None
        } else {
            self.detail(range, value)
        }
    }

    /// Words joined by spaces; none when any of them is a secret, since a
    /// secret's neighbours (a header name, an ACL user) tell little alone.
    #[must_use]
    pub fn words<'a>(
        &self,
        words: impl IntoIterator<Item = (TextRange, &'a str)>,
    ) -> Option<String> {
        let mut parts = Vec::new();
        for (range, word) in words {
            if self.touches_secret(range) || has_userinfo(word) {
                return None;
            }
            parts.push(word);
        }
        Some(one_line(&parts.join(" "))).filter(|d| !d.is_empty())
    }
}

/// Makes every range valid for the editor, whatever a parser did on odd
/// input (an LSP client refuses the whole outline over one bad symbol):
/// clamped into the parent and onto character boundaries, selections
/// into their ranges, siblings sorted by where they start.
pub(crate) fn normalize(symbols: &mut [Symbol], bounds: TextRange, text: &str) {
    for symbol in symbols.iter_mut() {
        symbol.range = clamp(symbol.range, bounds, text);
        symbol.selection = clamp(symbol.selection, symbol.range, text);
        normalize(&mut symbol.children, symbol.range, text);
    }
    // Longer first on a tie, so that a construct comes before one it holds.
    symbols.sort_by_key(|s| (s.range.start, Reverse(s.range.end)));
}

/// `range` inside `bounds` (whose ends are character boundaries).
fn clamp(range: TextRange, bounds: TextRange, text: &str) -> TextRange {
    let start = range.start.clamp(bounds.start, bounds.end);
    let end = range.end.clamp(start, bounds.end);
    TextRange::new(
        clamp_to_char_boundary(text, start),
        clamp_to_char_boundary(text, end),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{Format, parse};

    fn symbols(format: Format, text: &str) -> Vec<Symbol> {
        parse(format, text).outline(text)
    }

    /// `(name, detail, kind, range text, selection text)` of each symbol.
    fn flat<'a>(
        list: &[Symbol],
        text: &'a str,
    ) -> Vec<(String, Option<String>, SymbolKind, &'a str, &'a str)> {
        list.iter()
            .map(|s| {
                (
                    s.name.clone(),
                    s.detail.clone(),
                    s.kind,
                    s.range.slice(text),
                    s.selection.slice(text),
                )
            })
            .collect()
    }

    fn names(list: &[Symbol]) -> Vec<&str> {
        list.iter().map(|s| s.name.as_str()).collect()
    }

    #[test]
    fn properties_entries_are_keys_without_secret_values() {
        let text = "# c\na.b = one\ntunneling.servlet.shared.secret=s3cr3t\nlist=x,\\\n  y\n=v\n";
        let out = symbols(Format::LIFERAY_PROPERTIES, text);
        let flat = flat(&out, text);
        assert_eq!(
            flat[0],
            (
                "a.b".into(),
                Some("one".into()),
                SymbolKind::Key,
                "a.b = one",
                "a.b"
            )
        );
        assert_eq!(flat[1].0, "tunneling.servlet.shared.secret");
        assert_eq!(flat[1].1, None);
        assert_eq!(flat[1].3, "tunneling.servlet.shared.secret=s3cr3t");
        assert_eq!(flat[2].3, "list=x,\\\n  y");
        assert_eq!(flat[3].0, "(empty key)");
        assert!(out.iter().all(|s| s.children.is_empty()));
    }

    #[test]
    fn gluu_setup_passwords_and_salts_are_hidden() {
        let text = "ip=192.0.2.1\nldapPass=pw1\nencode_salt=salt1\n";
        let out = symbols(Format::GLUU_SETUP, text);
        assert_eq!(names(&out), ["ip", "ldapPass", "encode_salt"]);
        let details: Vec<_> = out.iter().map(|s| s.detail.as_deref()).collect();
        assert_eq!(details, [Some("192.0.2.1"), None, None]);
    }

    #[test]
    fn osgi_config_entries() {
        let text = "enabled=B\"true\"\ncredential=\"pw\"\nlist=[\"a\", \"b\"]\n";
        let out = symbols(Format::OSGI_CONFIG, text);
        let flat = flat(&out, text);
        assert_eq!(flat[0].0, "enabled");
        assert_eq!(flat[0].1.as_deref(), Some("true"));
        assert_eq!(flat[0].3, "enabled=B\"true\"");
        assert_eq!(flat[1].1, None);
        assert_eq!(flat[2].1.as_deref(), Some("a,b"));
        assert_eq!(flat[2].4, "list");
    }

    #[test]
    fn setenv_options_nest_in_their_assignment() {
        let text = "export JAVA_HOME=/opt/jdk\nCATALINA_OPTS=\"-Xmx1g -Dfile.encoding=UTF8 -Djavax.net.ssl.keyStorePassword=pw\"\nexec java -Da=b\n";
        let out = symbols(Format::TOMCAT_SETENV, text);
        assert_eq!(names(&out), ["JAVA_HOME", "CATALINA_OPTS", "-Da"]);
        assert_eq!(out[0].detail.as_deref(), Some("/opt/jdk"));
        assert_eq!(out[0].range.slice(text), "JAVA_HOME=/opt/jdk");
        // The value holds a secret: no detail for the variable.
        assert_eq!(out[1].detail, None);
        let options = flat(&out[1].children, text);
        assert_eq!(
            options[0],
            (
                "-Dfile.encoding".into(),
                Some("UTF8".into()),
                SymbolKind::Option,
                "-Dfile.encoding=UTF8",
                "-Dfile.encoding"
            )
        );
        assert_eq!(options[1].0, "-Djavax.net.ssl.keyStorePassword");
        assert_eq!(options[1].1, None);
        assert_eq!(out[2].kind, SymbolKind::Option);
        assert_eq!(out[2].range.slice(text), "-Da=b");
    }

    #[test]
    fn nginx_tree() {
        let text = "http {\n  upstream backend { server 10.0.0.1:8080; }\n  server {\n    listen 443 ssl;\n    location /identity { proxy_pass http://backend; }\n    proxy_set_header Authorization \"Basic abc\";\n    content_by_lua_block { ngx.say(\"}\") }\n  }\n}\n";
        let out = symbols(Format::NGINX, text);
        assert_eq!(names(&out), ["http"]);
        assert_eq!(out[0].kind, SymbolKind::Block);
        assert!(out[0].range.slice(text).starts_with("http {"));
        assert!(out[0].range.slice(text).ends_with('}'));
        assert_eq!(out[0].selection.slice(text), "http");
        let http = &out[0].children;
        assert_eq!(names(http), ["upstream backend", "server"]);
        assert_eq!(
            http[0].range.slice(text),
            "upstream backend { server 10.0.0.1:8080; }"
        );
        assert_eq!(http[0].children[0].detail.as_deref(), Some("10.0.0.1:8080"));
        let server = &http[1].children;
        assert_eq!(
            names(server),
            [
                "listen",
                "location /identity",
                "proxy_set_header",
                "content_by_lua_block"
            ]
        );
        assert_eq!(server[0].kind, SymbolKind::Directive);
        assert_eq!(server[0].detail.as_deref(), Some("443 ssl"));
        assert_eq!(server[0].range.slice(text), "listen 443 ssl;");
        assert_eq!(server[0].selection.slice(text), "listen");
        assert_eq!(
            server[1].children[0].detail.as_deref(),
            Some("http://backend")
        );
        assert_eq!(server[2].detail, None);
        assert_eq!(server[3].kind, SymbolKind::Block);
        assert!(server[3].children.is_empty());
        assert_eq!(server[3].detail, None);
    }

    #[test]
    fn redis_directives_hide_passwords() {
        let text = "bind 127.0.0.1 ::1\nrequirepass \"pw1\"\nmasterauth pw2\nuser app on >pw3 ~* +@all\nsentinel auth-pass m pw4\nport 6379\n";
        let out = symbols(Format::REDIS, text);
        let flat = flat(&out, text);
        assert_eq!(
            flat[0],
            (
                "bind".into(),
                Some("127.0.0.1 ::1".into()),
                SymbolKind::Directive,
                "bind 127.0.0.1 ::1",
                "bind"
            )
        );
        for symbol in &out[1..5] {
            assert_eq!(symbol.detail, None, "{}", symbol.name);
        }
        assert_eq!(flat[5].1.as_deref(), Some("6379"));
    }

    #[test]
    fn stunnel_sections() {
        let text = "cert = /etc/s.pem\nPSKsecrets = /etc/psk.txt\nticketKeySecret = abc\n[redis]\naccept = 6380\nconnect = 127.0.0.1:6379\n\n[other]\n";
        let out = symbols(Format::STUNNEL, text);
        assert_eq!(
            names(&out),
            ["cert", "PSKsecrets", "ticketKeySecret", "redis", "other"]
        );
        assert_eq!(out[0].detail.as_deref(), Some("/etc/s.pem"));
        assert_eq!(out[0].range.slice(text), "cert = /etc/s.pem");
        assert_eq!(out[2].detail, None);
        let redis = &out[3];
        assert_eq!(redis.kind, SymbolKind::Section);
        assert_eq!(
            redis.range.slice(text),
            "[redis]\naccept = 6380\nconnect = 127.0.0.1:6379"
        );
        assert_eq!(redis.selection.slice(text), "redis");
        assert_eq!(names(&redis.children), ["accept", "connect"]);
        assert_eq!(out[4].range.slice(text), "[other]");
    }

    #[test]
    fn csync2_groups() {
        let text = "nossl * *;\ndatabase mysql://u:pw@db/csync2;\ngroup g {\n host a b@peer (c);\n key /etc/csync2.key;\n include /opt;\n exclude *~ .*;\n config extra.cfg;\n action { pattern /opt/*; exec \"mysql -ppw\"; logfile /var/log/x; }\n}\nconfig top.cfg;\n";
        let out = symbols(Format::CSYNC2, text);
        assert_eq!(names(&out), ["nossl", "database", "g", "config"]);
        assert_eq!(out[0].detail.as_deref(), Some("* *"));
        assert_eq!(out[0].range.slice(text), "nossl * *");
        assert_eq!(out[1].detail, None);
        let group = &out[2];
        assert_eq!(group.kind, SymbolKind::Group);
        assert!(group.range.slice(text).starts_with("group g {"));
        assert!(group.range.slice(text).ends_with('}'));
        assert_eq!(group.selection.slice(text), "g");
        assert_eq!(
            names(&group.children),
            [
                "a", "b", "c", "key", "include", "exclude", "exclude", "config", "action"
            ]
        );
        assert_eq!(group.children[1].detail.as_deref(), Some("@peer"));
        assert_eq!(group.children[1].range.slice(text), "b@peer");
        assert_eq!(group.children[2].detail.as_deref(), Some("slave"));
        assert_eq!(group.children[3].kind, SymbolKind::Key);
        assert_eq!(group.children[3].detail.as_deref(), Some("/etc/csync2.key"));
        let action = &group.children[8];
        assert_eq!(action.selection.slice(text), "action");
        assert_eq!(names(&action.children), ["pattern", "exec", "logfile"]);
        assert_eq!(action.children[1].detail, None);
        assert_eq!(out[3].detail.as_deref(), Some("top.cfg"));
    }

    #[test]
    fn csync2_group_fragments_stand_at_the_top() {
        let text = "host a;\nkey /k;\n";
        let doc = crate::formats::parse_fragment(Format::CSYNC2, text);
        let out = doc.outline(text);
        assert_eq!(names(&out), ["a", "key"]);
    }

    #[test]
    fn hosts_lines() {
        let text = "127.0.0.1 localhost # loopback\n192.0.2.1 app1 app1.example\n";
        let out = symbols(Format::HOSTS, text);
        let flat = flat(&out, text);
        assert_eq!(flat[1].0, "192.0.2.1");
        assert_eq!(flat[1].1.as_deref(), Some("app1 app1.example"));
        assert_eq!(flat[1].2, SymbolKind::Host);
        assert_eq!(flat[1].4, "192.0.2.1");
        assert!(!flat[0].3.contains('#'));
    }

    #[test]
    fn pem_blocks_and_csync2_keys_show_no_material() {
        let text = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nBBBB\n-----END PRIVATE KEY-----\n";
        let out = symbols(Format::PEM, text);
        assert_eq!(names(&out), ["CERTIFICATE", "PRIVATE KEY"]);
        assert_eq!(
            out[0].range.slice(text),
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"
        );
        assert_eq!(out[0].selection.slice(text), "-----BEGIN CERTIFICATE-----");
        let key = "abcdefghijklmnopqrstuvwxyz0123456789\n";
        let out = symbols(Format::CSYNC2_KEY, key);
        assert_eq!(names(&out), ["pre-shared key"]);
        assert_eq!(out[0].detail, None);
        assert!(symbols(Format::CSYNC2_KEY, "").is_empty());
    }

    #[test]
    fn xml_tree_with_allow_listed_details() {
        let text = "<gateway-config>\n<properties><property><name>keystore.password</name><value>pw</value></property></properties>\n<service><name>echo</name><accept>ws://h:8000/echo</accept><type>echo</type></service>\n<security><keystore><type>JCEKS</type><password>pw</password></keystore></security>\n</gateway-config>\n";
        let out = symbols(Format::KAAZING_XML, text);
        assert_eq!(names(&out), ["gateway-config"]);
        let root = &out[0];
        assert_eq!(root.selection.slice(text), "gateway-config");
        assert!(root.range.slice(text).ends_with("</gateway-config>"));
        assert_eq!(names(&root.children), ["properties", "service", "security"]);
        let property = &root.children[0].children[0];
        assert_eq!(property.detail.as_deref(), Some("keystore.password"));
        assert_eq!(names(&property.children), ["name", "value"]);
        assert_eq!(property.children[1].detail, None);
        assert_eq!(property.children[1].range.slice(text), "<value>pw</value>");
        let service = &root.children[1];
        assert_eq!(service.detail.as_deref(), Some("echo"));
        assert_eq!(
            service.children[1].detail.as_deref(),
            Some("ws://h:8000/echo")
        );
        let keystore = &root.children[2].children[0];
        assert!(keystore.children.iter().all(|c| c.detail.is_none()));
    }

    #[test]
    fn unparsed_documents_have_no_outline() {
        assert!(crate::formats::Document::unparsed().outline("x").is_empty());
    }

    #[test]
    fn text_is_kept_on_one_short_line() {
        assert_eq!(one_line(" a\n\tb  c "), "a b c");
        let long = one_line(&"é".repeat(200));
        assert_eq!(long.chars().count(), MAX_CHARS + 1);
        assert!(long.ends_with('…'));
        assert!(has_userinfo("mysql://u:pw@db/x"));
        assert!(!has_userinfo("http://backend/a@b"));
    }

    #[test]
    fn secret_lookup_sees_overlapping_ranges() {
        let guard = Guard::from_ranges(vec![
            TextRange::new(20, 22),
            TextRange::new(4, 5),
            TextRange::new(2, 10),
        ]);
        for (start, end, touches) in [
            (0, 2, false),
            (0, 3, true),
            (6, 8, true),
            (10, 20, false),
            (21, 21, true),
            (22, 30, false),
        ] {
            assert_eq!(
                guard.touches_secret(TextRange::new(start, end)),
                touches,
                "{start}..{end}"
            );
        }
    }

    #[test]
    fn ranges_are_clamped_into_their_parent() {
        let text = "aé";
        let mut list = vec![
            Symbol::new(
                SymbolKind::Key,
                "b",
                "",
                TextRange::new(2, 9),
                TextRange::new(0, 1),
            ),
            Symbol::new(
                SymbolKind::Key,
                "a",
                "",
                TextRange::new(0, 2),
                TextRange::new(0, 1),
            ),
        ];
        normalize(&mut list, TextRange::new(0, 3), text);
        assert_eq!(names(&list), ["a", "b"]);
        assert_eq!(list[1].range, TextRange::new(1, 3));
        assert_eq!(list[1].selection, TextRange::new(1, 1));
    }
}
