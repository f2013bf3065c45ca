//! `clusterlint.toml`: nodes, roles, addresses, file-format overrides, rule
//! settings. Every key and value keeps its byte range so that mistakes are
//! reported inside the manifest; unknown keys are errors, never ignored.

pub mod check;

use std::net::IpAddr;

use toml::de::{DeTable, DeValue};

use crate::formats::{Format, ParseError};
use crate::role::Role;
use crate::source::{FileId, TextRange};
use crate::suggest;

/// The manifest's file name at the cluster root.
pub const FILE_NAME: &str = "clusterlint.toml";

/// A value with the range of its text in the manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub range: TextRange,
}

/// `[nodes.<name>]`
#[derive(Clone, Debug, Default)]
pub struct ManifestNode {
    pub name: String,
    /// The node's key in its table header.
    pub name_range: TextRange,
    pub roles: Vec<Located<Role>>,
    pub addresses: Vec<Located<IpAddr>>,
    pub hostname: Option<Located<String>>,
    /// Globs relative to the cluster root; `None`: the folder named like the node.
    pub files: Option<Vec<Located<String>>>,
}

/// `[files]`: glob → format.
#[derive(Clone, Debug)]
pub struct FormatOverride {
    pub glob: Located<String>,
    pub format: Format,
}

/// `[rules]`
#[derive(Clone, Debug, Default)]
pub struct RuleSettings {
    /// Packs or rule ids; `None` selects everything.
    pub select: Option<Vec<Located<String>>>,
    pub ignore: Vec<Located<String>>,
    pub severity: Vec<(Located<String>, Located<crate::Severity>)>,
}

/// `[liferay.remote-live]`: the staging server's Remote Live settings.
#[derive(Clone, Debug, Default)]
pub struct RemoteLive {
    pub range: TextRange,
    pub host: Option<Located<String>>,
    pub port: Option<Located<u16>>,
    pub site_id: Option<Located<i64>>,
}

/// The settings of one check: the manifest, if the cluster has one, with
/// the file it was read from (where its mistakes and declarations are).
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// The manifest's file and what it says.
    pub manifest: Option<(FileId, Manifest)>,
}

impl Settings {
    /// What the manifest says, if there is one.
    #[must_use]
    pub fn manifest(&self) -> Option<&Manifest> {
        self.manifest.as_ref().map(|(_, m)| m)
    }

    /// The manifest's file, if there is one.
    #[must_use]
    pub fn file(&self) -> Option<FileId> {
        self.manifest.as_ref().map(|(id, _)| *id)
    }
}

/// A parsed manifest.
#[derive(Clone, Debug, Default)]
pub struct Manifest {
    pub cluster_name: Option<Located<String>>,
    pub nodes: Vec<ManifestNode>,
    pub files: Vec<FormatOverride>,
    pub rules: RuleSettings,
    pub remote_live: Option<RemoteLive>,
    pub sticky_paths: Option<Vec<Located<String>>>,
    /// `[cluster] exclude`: globs or folders (cluster paths) no node reads.
    pub exclude: Vec<Located<String>>,
    /// `[liferay] version`: the portal's version, where the files do not
    /// tell it (see [`crate::versions`]).
    pub liferay_version: Option<Located<crate::versions::LiferayVersion>>,
    /// `[kaazing] version` and `edition`.
    pub kaazing_version: Option<Located<crate::versions::KaazingVersion>>,
    pub kaazing_edition: Option<Located<crate::versions::KaazingEdition>>,
    /// `[[check]]`: the user's own checks, each valid as far as the
    /// manifest can tell (see [`crate::custom`]).
    pub checks: Vec<check::Check>,
    /// `[limits]`: each key given and its value (see [`crate::limits`]).
    pub limits: Vec<(Located<String>, Located<u64>)>,
    /// `[docs] rules-url`: where the rule pages are published; a rule's
    /// page is `<rules-url>/<rule id>.md`.
    pub rules_url: Option<Located<String>>,
    /// `[tls] as-of`: the moment certificates are judged at (unix
    /// seconds), instead of now.
    pub tls_as_of: Option<Located<i64>>,
    /// `[tls] expiring-days`: how close an end of validity warns.
    pub tls_expiring_days: Option<Located<i64>>,
    pub errors: Vec<ParseError>,
}

impl Manifest {
    /// `base` with this manifest's `[limits]` laid over it.
    #[must_use]
    pub fn limits_over(&self, base: crate::limits::Limits) -> crate::limits::Limits {
        base.with_values(self.limits.iter().map(|(k, v)| (k.value.as_str(), v.value)))
    }

    #[must_use]
    pub fn node(&self, name: &str) -> Option<&ManifestNode> {
        self.nodes.iter().find(|n| n.name == name)
    }
}

/// Parses and validates manifest text. Never fails: problems are in `errors`.
#[must_use]
pub fn parse(text: &str) -> Manifest {
    let (root, toml_errors) = DeTable::parse_recoverable(text);
    let mut manifest = Manifest::default();
    for error in toml_errors {
        let range = error
            .span()
            .map_or(TextRange::empty(0), TextRange::from_usize);
        manifest.errors.push(ParseError::new(
            range,
            format!("invalid TOML: {}", error.message()),
        ));
    }
    let mut reader = Reader { errors: Vec::new() };
    reader.root(root.get_ref(), &mut manifest);
    manifest.errors.append(&mut reader.errors);
    manifest.errors.sort_by_key(|e| e.range.start);
    manifest
}

type Value<'i> = toml::Spanned<DeValue<'i>>;

fn range_of<T>(spanned: &toml::Spanned<T>) -> TextRange {
    TextRange::from_usize(spanned.span())
}

struct Reader {
    errors: Vec<ParseError>,
}

impl Reader {
    fn error(&mut self, range: TextRange, message: impl Into<String>) {
        self.errors.push(ParseError::new(range, message.into()));
    }

    /// Reports keys of `table` not in `known`, with the nearest known one.
    fn check_keys(&mut self, table: &DeTable<'_>, known: &[&str], context: &str) {
        for key in table.keys() {
            let name = key.get_ref().as_ref();
            if known.contains(&name) {
                continue;
            }
            let hint = suggest::did_you_mean(name, known.iter().copied());
            self.error(
                range_of(key),
                format!("unknown key `{name}` in {context}{hint}"),
            );
        }
    }

    /// Reports a value that is not one of `names`, with the nearest one.
    fn unknown_value(&mut self, range: TextRange, kind: &str, value: &str, names: &[&str]) {
        let hint = suggest::did_you_mean(value, names.iter().copied());
        self.error(
            range,
            format!(
                "unknown {kind} `{value}` ({kind}s: {}){hint}",
                names.join(", ")
            ),
        );
    }

    fn table<'a, 'i>(&mut self, value: &'a Value<'i>, what: &str) -> Option<&'a DeTable<'i>> {
        if let DeValue::Table(table) = value.get_ref() {
            Some(table)
        } else {
            self.error(range_of(value), format!("`{what}` must be a table"));
            None
        }
    }

    fn string(&mut self, value: &Value<'_>, what: &str) -> Option<Located<String>> {
        if let DeValue::String(s) = value.get_ref() {
            Some(Located {
                value: s.to_string(),
                range: range_of(value),
            })
        } else {
            self.error(range_of(value), format!("`{what}` must be a string"));
            None
        }
    }

    /// A string or an array of strings.
    fn strings(
        &mut self,
        value: &Value<'_>,
        what: &str,
        single_allowed: bool,
    ) -> Option<Vec<Located<String>>> {
        match value.get_ref() {
            DeValue::String(_) if single_allowed => self.string(value, what).map(|s| vec![s]),
            DeValue::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    if let Some(s) = self.string(item, what) {
                        out.push(s);
                    }
                }
                Some(out)
            }
            _ => {
                let shape = if single_allowed {
                    "a string or an array of strings"
                } else {
                    "an array of strings"
                };
                self.error(range_of(value), format!("`{what}` must be {shape}"));
                None
            }
        }
    }

    /// A string read by `parse`; `expected` says what it should be.
    fn parsed<T>(
        &mut self,
        value: &Value<'_>,
        what: &str,
        parse: fn(&str) -> Option<T>,
        expected: &str,
    ) -> Option<Located<T>> {
        let text = self.string(value, what)?;
        if let Some(parsed) = parse(&text.value) {
            Some(Located {
                value: parsed,
                range: text.range,
            })
        } else {
            self.error(
                text.range,
                format!("`{what}` must be {expected}, not `{}`", text.value),
            );
            None
        }
    }

    fn integer(&mut self, value: &Value<'_>, what: &str) -> Option<Located<i64>> {
        if let DeValue::Integer(i) = value.get_ref()
            && let Ok(n) = i64::from_str_radix(i.as_str(), i.radix())
        {
            return Some(Located {
                value: n,
                range: range_of(value),
            });
        }
        self.error(range_of(value), format!("`{what}` must be an integer"));
        None
    }

    fn root(&mut self, root: &DeTable<'_>, manifest: &mut Manifest) {
        self.check_keys(
            root,
            &[
                "cluster", "nodes", "files", "rules", "liferay", "kaazing", "nginx", "limits",
                "check", "docs", "tls",
            ],
            "clusterlint.toml",
        );
        for (key, value) in root {
            match key.get_ref().as_ref() {
                "cluster" => {
                    if let Some(table) = self.table(value, "cluster") {
                        self.check_keys(table, &["name", "exclude"], "[cluster]");
                        if let Some(name) = table.get("name") {
                            manifest.cluster_name = self.string(name, "cluster.name");
                        }
                        if let Some(exclude) = table.get("exclude") {
                            manifest.exclude = self
                                .strings(exclude, "cluster.exclude", false)
                                .unwrap_or_default();
                            for glob in &manifest.exclude {
                                if let Err(err) = globset::Glob::new(&glob.value) {
                                    self.error(glob.range, format!("invalid glob: {}", err.kind()));
                                }
                            }
                        }
                    }
                }
                "nodes" => {
                    if let Some(table) = self.table(value, "nodes") {
                        for (name, node) in table {
                            if let Some(node) = self.node(name, node) {
                                manifest.nodes.push(node);
                            }
                        }
                    }
                }
                "files" => {
                    if let Some(table) = self.table(value, "files") {
                        for (glob, format) in table {
                            self.format_override(glob, format, manifest);
                        }
                    }
                }
                "rules" => {
                    if let Some(table) = self.table(value, "rules") {
                        self.rules(table, &mut manifest.rules);
                    }
                }
                "liferay" => {
                    if let Some(table) = self.table(value, "liferay") {
                        self.check_keys(table, &["remote-live", "version"], "[liferay]");
                        if let Some(remote) = table.get("remote-live") {
                            manifest.remote_live = self.remote_live(remote);
                        }
                        if let Some(version) = table.get("version") {
                            manifest.liferay_version = self.parsed(
                                version,
                                "liferay.version",
                                crate::versions::LiferayVersion::parse,
                                "a Liferay version such as `7.0`, `7.3`, `7.4`, `2024.q1` or `dxp-7.4-u70`",
                            );
                        }
                    }
                }
                "kaazing" => {
                    if let Some(table) = self.table(value, "kaazing") {
                        self.check_keys(table, &["version", "edition"], "[kaazing]");
                        if let Some(version) = table.get("version") {
                            manifest.kaazing_version = self.parsed(
                                version,
                                "kaazing.version",
                                crate::versions::KaazingVersion::parse,
                                "a gateway version such as `4.0`, `4.1` or `5.6`",
                            );
                        }
                        if let Some(edition) = table.get("edition") {
                            manifest.kaazing_edition = self.parsed(
                                edition,
                                "kaazing.edition",
                                crate::versions::KaazingEdition::parse,
                                "`community`, `enterprise` or `jms`",
                            );
                        }
                    }
                }
                "nginx" => {
                    if let Some(table) = self.table(value, "nginx") {
                        self.check_keys(table, &["sticky-paths"], "[nginx]");
                        if let Some(paths) = table.get("sticky-paths") {
                            manifest.sticky_paths =
                                self.strings(paths, "nginx.sticky-paths", false);
                            for path in manifest.sticky_paths.iter().flatten() {
                                if !path.value.starts_with('/') {
                                    self.error(path.range, "a sticky path must start with `/`");
                                }
                            }
                        }
                    }
                }
                "docs" => {
                    if let Some(table) = self.table(value, "docs") {
                        self.check_keys(table, &["rules-url"], "[docs]");
                        if let Some(url) = table.get("rules-url") {
                            manifest.rules_url = self.string(url, "docs.rules-url");
                            if let Some(url) = &manifest.rules_url
                                && !(url.value.starts_with("https://")
                                    || url.value.starts_with("http://"))
                            {
                                self.error(
                                    url.range,
                                    "`rules-url` must be an `https://` or `http://` URL",
                                );
                            }
                        }
                    }
                }
                "tls" => {
                    if let Some(table) = self.table(value, "tls") {
                        self.check_keys(table, &["as-of", "expiring-days"], "[tls]");
                        if let Some(date) = table.get("as-of") {
                            manifest.tls_as_of = self.parsed(
                                date,
                                "tls.as-of",
                                crate::clock::parse,
                                "a date (`2030-01-31`)",
                            );
                        }
                        if let Some(days) = table.get("expiring-days") {
                            manifest.tls_expiring_days = self.integer(days, "tls.expiring-days");
                            if let Some(days) = &manifest.tls_expiring_days
                                && !(0..=3650).contains(&days.value)
                            {
                                self.error(days.range, "`expiring-days` must be 0 to 3650");
                            }
                        }
                    }
                }
                "limits" => {
                    if let Some(table) = self.table(value, "limits") {
                        self.limits(table, &mut manifest.limits);
                    }
                }
                "check" => match value.get_ref() {
                    DeValue::Array(items) => {
                        for item in items {
                            if let Some(table) = self.table(item, "check") {
                                let found = check::read_check(table, range_of(item));
                                for (range, message) in found.errors {
                                    self.error(range, message);
                                }
                                manifest.checks.extend(found.check);
                            }
                        }
                    }
                    _ => self.error(
                        range_of(value),
                        "`check` is an array of tables: write each check under `[[check]]`",
                    ),
                },
                _ => {}
            }
        }
    }

    fn limits(&mut self, table: &DeTable<'_>, limits: &mut Vec<(Located<String>, Located<u64>)>) {
        self.check_keys(table, crate::limits::KEYS, "[limits]");
        for (key, value) in table {
            let name = key.get_ref().to_string();
            if !crate::limits::KEYS.contains(&name.as_str()) {
                continue;
            }
            let Some(number) = self.integer(value, &name) else {
                continue;
            };
            match u64::try_from(number.value) {
                Ok(n) if n > 0 => limits.push((
                    Located {
                        value: name,
                        range: range_of(key),
                    },
                    Located {
                        value: n,
                        range: number.range,
                    },
                )),
                _ => self.error(number.range, format!("`{name}` must be a positive integer")),
            }
        }
    }

    fn node(
        &mut self,
        name: &toml::Spanned<std::borrow::Cow<'_, str>>,
        value: &Value<'_>,
    ) -> Option<ManifestNode> {
        let node_name = name.get_ref().to_string();
        let table = self.table(value, &format!("nodes.{node_name}"))?;
        let context = format!("[nodes.{node_name}]");
        self.check_keys(
            table,
            &["role", "address", "addresses", "hostname", "files"],
            &context,
        );
        let mut node = ManifestNode {
            name: node_name,
            name_range: range_of(name),
            ..ManifestNode::default()
        };
        if node.name.is_empty() || node.name.contains('/') {
            self.error(
                node.name_range,
                "a node name must be non-empty and contain no `/`",
            );
        }
        if let Some(role) = table.get("role") {
            for r in self.strings(role, "role", true).unwrap_or_default() {
                if let Some(role) = Role::from_name(&r.value) {
                    node.roles.push(Located {
                        value: role,
                        range: r.range,
                    });
                } else {
                    self.unknown_value(r.range, "role", &r.value, &Role::ALL.map(Role::name));
                }
            }
        }
        if table.contains_key("address")
            && table.contains_key("addresses")
            && let Some((key, _)) = table.get_key_value("addresses")
        {
            self.error(
                range_of(key),
                "give either `address` or `addresses`, not both",
            );
        }
        for key in ["address", "addresses"] {
            if let Some(value) = table.get(key) {
                for a in self
                    .strings(value, key, key == "address")
                    .unwrap_or_default()
                {
                    match a.value.parse::<IpAddr>() {
                        Ok(ip) => node.addresses.push(Located { value: ip, range: a.range }),
                        Err(_) => self.error(
                            a.range,
                            format!("`{}` is not an IPv4 or IPv6 address (write a host name as `hostname`)", a.value),
                        ),
                    }
                }
            }
        }
        if let Some(hostname) = table.get("hostname") {
            node.hostname = self.string(hostname, "hostname");
        }
        if let Some(files) = table.get("files") {
            let globs = self.strings(files, "files", false).unwrap_or_default();
            for glob in &globs {
                if let Err(err) = globset::Glob::new(&glob.value) {
                    self.error(glob.range, format!("invalid glob: {}", err.kind()));
                }
            }
            node.files = Some(globs);
        }
        Some(node)
    }

    fn format_override(
        &mut self,
        glob: &toml::Spanned<std::borrow::Cow<'_, str>>,
        format: &Value<'_>,
        manifest: &mut Manifest,
    ) {
        let glob = Located {
            value: glob.get_ref().to_string(),
            range: range_of(glob),
        };
        if let Err(err) = globset::Glob::new(&glob.value) {
            self.error(glob.range, format!("invalid glob: {}", err.kind()));
            return;
        }
        let Some(name) = self.string(format, "files") else {
            return;
        };
        if let Some(format) = Format::from_name(&name.value) {
            manifest.files.push(FormatOverride { glob, format });
        } else {
            self.unknown_value(
                name.range,
                "format",
                &name.value,
                &Format::all().map(Format::name).collect::<Vec<_>>(),
            );
        }
    }

    fn rules(&mut self, table: &DeTable<'_>, rules: &mut RuleSettings) {
        self.check_keys(table, &["select", "ignore", "severity"], "[rules]");
        if let Some(select) = table.get("select") {
            rules.select = self.strings(select, "select", false);
        }
        if let Some(ignore) = table.get("ignore") {
            rules.ignore = self.strings(ignore, "ignore", false).unwrap_or_default();
        }
        if let Some(severity) = table.get("severity")
            && let Some(map) = self.table(severity, "severity")
        {
            for (rule, level) in map {
                let rule = Located {
                    value: rule.get_ref().to_string(),
                    range: range_of(rule),
                };
                let Some(level) = self.string(level, "severity") else {
                    continue;
                };
                match crate::Severity::parse(&level.value) {
                    Some(sev) => rules.severity.push((
                        rule,
                        Located {
                            value: sev,
                            range: level.range,
                        },
                    )),
                    None => self.error(
                        level.range,
                        format!(
                            "unknown severity `{}` (use `error`, `warning` or `info`)",
                            level.value
                        ),
                    ),
                }
            }
        }
    }

    fn remote_live(&mut self, value: &Value<'_>) -> Option<RemoteLive> {
        let table = self.table(value, "liferay.remote-live")?;
        self.check_keys(table, &["host", "port", "site-id"], "[liferay.remote-live]");
        let mut remote = RemoteLive {
            range: range_of(value),
            ..RemoteLive::default()
        };
        if let Some(host) = table.get("host") {
            remote.host = self.string(host, "host");
        }
        if let Some(port) = table.get("port")
            && let Some(n) = self.integer(port, "port")
        {
            match u16::try_from(n.value) {
                Ok(p) if p > 0 => {
                    remote.port = Some(Located {
                        value: p,
                        range: n.range,
                    });
                }
                _ => self.error(n.range, "`port` must be between 1 and 65535"),
            }
        }
        if let Some(site) = table.get("site-id") {
            remote.site_id = self.integer(site, "site-id");
        }
        Some(remote)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_shape() {
        let text = r#"
[cluster]
name = "portal-prod"

[nodes.staging]
role = "staging"
address = "192.0.2.50"
hostname = "staging.example.org"
files = ["staging/**"]

[nodes.app1]
role = ["live"]
addresses = ["192.0.2.11", "2001:db8::11"]

[files]
"lb/conf/site.inc" = "nginx"

[rules]
select = ["liferay", "net"]
ignore = ["liferay/tunnel-secret-weak"]
severity = { "nginx/ssl-on-deprecated" = "error" }

[liferay.remote-live]
host = "192.0.2.10"
port = 443
site-id = 20121

[nginx]
sticky-paths = ["/identity"]
"#;
        let m = parse(text);
        assert!(m.errors.is_empty(), "{:?}", m.errors);
        assert_eq!(m.cluster_name.as_ref().unwrap().value, "portal-prod");
        assert_eq!(m.nodes.len(), 2);
        let app1 = m.node("app1").unwrap();
        assert_eq!(app1.addresses.len(), 2);
        assert_eq!(m.node("staging").unwrap().roles[0].value, Role::Staging);
        assert_eq!(m.files[0].format, Format::NGINX);
        assert_eq!(m.rules.select.as_ref().unwrap().len(), 2);
        assert_eq!(m.rules.severity[0].1.value, crate::Severity::Error);
        assert_eq!(
            m.remote_live.as_ref().unwrap().port.as_ref().unwrap().value,
            443
        );
        assert_eq!(m.sticky_paths.unwrap()[0].value, "/identity");
    }

    #[test]
    fn unknown_keys_and_bad_values_are_located() {
        let text =
            "[nodes.app1]\nrol = \"live\"\naddress = \"not-an-ip\"\n[nodes.app2]\nrole = \"lve\"\n";
        let m = parse(text);
        let messages: Vec<_> = m
            .errors
            .iter()
            .map(|e| (e.range.slice(text), e.message.to_string()))
            .collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert_eq!(messages[0].0, "rol");
        assert!(messages[0].1.contains("did you mean `role`"));
        assert_eq!(messages[1].0, "\"not-an-ip\"");
        assert_eq!(messages[2].0, "\"lve\"");
        assert!(messages[2].1.contains("did you mean `live`"));
    }

    #[test]
    fn syntax_errors_are_located() {
        let m = parse("[nodes.app1\nrole = \"live\"\n");
        assert!(!m.errors.is_empty());
        assert!(m.errors[0].message.starts_with("invalid TOML"));
    }

    #[test]
    fn the_manifest_overrides_the_defaults_it_names() {
        let manifest = parse("[limits]\nmax-files = 10\nmax-nesting-depth = 4\n");
        assert!(manifest.errors.is_empty(), "{:?}", manifest.errors);
        let limits = manifest.limits_over(crate::limits::Limits::default());
        assert_eq!(limits.max_files, 10);
        assert_eq!(limits.max_nesting_depth, Some(4));
        assert_eq!(limits.max_file_size, crate::limits::DEFAULT_MAX_FILE_SIZE);
        let bad = parse("[limits]\nmax-files = -1\nmax-fils = 3\n");
        let messages: Vec<&str> = bad.errors.iter().map(|e| &*e.message).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages.iter().any(|m| m.contains("positive")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("`max-files`")),
            "{messages:?}"
        );
    }
}
