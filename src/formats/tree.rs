//! One tree for every format: each parsed document lowered into entries
//! (a key, directive, option, statement or element name; its decoded
//! values; its children; spans of the text as written), so that a path
//! addresses a value in any format. Declarative checks query it.
//!
//! What each format becomes:
//!
//! | format | an entry | its values | its children |
//! | --- | --- | --- | --- |
//! | properties (all dialects) | a key | the value, or a list value's items | — |
//! | OSGi `.config` | a key | the scalar, or the array's items | — |
//! | `setenv.sh` | a variable; `-Dname` for a JVM option | the value | — |
//! | nginx | a directive | its arguments | its block's directives |
//! | redis | a directive | its arguments | — |
//! | stunnel | a global option; `service` with the service's name | the value | the service's options |
//! | csync2 | a statement; `group` with its name | the words | `host`, `key`, `include`, `exclude`, `auto`, `compare`, `backup-directory`, `backup-generations`, `action` |
//! | hosts | an address | the names | — |
//! | XML | an element (local name) | its text | its elements, and `@name` per attribute |
//!
//! A path is `/`-separated names, each optionally followed by `[label]`
//! (an entry whose first value is `label`); `*` matches any name. Flat
//! formats take the whole path as one key, since keys hold dots and
//! slashes: `jdbc.default.url`, `maxmemory`, `hostsAllowed`. Nested ones
//! split it: `http/upstream[backend]/server`, `service[redis]/connect`,
//! `/gateway-config/cluster/accept` (a leading `/` is allowed).

use crate::source::TextRange;

/// A value as the program reads it, and where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeValue {
    /// The value, decoded as the program reads it.
    pub text: String,
    /// Where it is written.
    pub range: TextRange,
}

/// An entry of a [`ConfigTree`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeNode {
    /// The key, directive, option, statement or element name.
    pub name: String,
    /// Where the name is written.
    pub name_range: TextRange,
    /// Its values, in order.
    pub values: Vec<TreeValue>,
    /// The entries inside it (a block's directives, an element's children).
    pub children: Vec<TreeNode>,
    /// The whole entry.
    pub range: TextRange,
}

impl TreeNode {
    /// An entry without children.
    #[must_use]
    pub fn leaf(
        name: &str,
        name_range: TextRange,
        values: Vec<TreeValue>,
        range: TextRange,
    ) -> Self {
        Self {
            name: name.to_string(),
            name_range,
            values,
            children: Vec::new(),
            range,
        }
    }
}

/// A document as entries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConfigTree {
    /// The top-level entries, in text order.
    pub entries: Vec<TreeNode>,
    /// Whether paths are one key (properties, redis, ...) or `/`-separated.
    pub flat: bool,
}

/// A value written at `range`.
#[must_use]
pub fn value(text: &str, range: TextRange) -> TreeValue {
    TreeValue {
        text: text.to_string(),
        range,
    }
}

/// One step of a path: a name (or `*`) and an optional label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The entry name, or `*`.
    pub name: String,
    /// The first value the entry must have (`[label]`), if given.
    pub label: Option<String>,
}

/// A parsed path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreePath {
    /// The text as written.
    pub text: String,
    steps: Vec<Step>,
}

impl TreePath {
    /// Parses `name[label]/name/*`; `Err` says what is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        let body = text.strip_prefix('/').unwrap_or(text);
        if body.is_empty() {
            return Err("the path is empty".to_string());
        }
        let mut steps = Vec::new();
        for part in split_steps(body) {
            if part.is_empty() {
                return Err(format!(
                    "`{text}` has an empty step (`//` or a trailing `/`)"
                ));
            }
            let step = match part.find('[') {
                Some(open) => {
                    let Some(label) = part[open + 1..].strip_suffix(']') else {
                        return Err(format!(
                            "`{part}` opens a `[label]` it does not close at its end"
                        ));
                    };
                    Step {
                        name: part[..open].to_string(),
                        label: Some(label.to_string()),
                    }
                }
                None => Step {
                    name: part.to_string(),
                    label: None,
                },
            };
            if step.name.is_empty() {
                return Err(format!("`{part}` has a label but no name"));
            }
            steps.push(step);
        }
        Ok(Self {
            text: text.to_string(),
            steps,
        })
    }

    /// The entries of `tree` the path addresses, in document order.
    #[must_use]
    pub fn select<'t>(&self, tree: &'t ConfigTree) -> Vec<&'t TreeNode> {
        if tree.flat {
            // The whole path is one key.
            let key = self.text.strip_prefix('/').unwrap_or(&self.text);
            return tree
                .entries
                .iter()
                .filter(|e| key == "*" || e.name == key)
                .collect();
        }
        let mut current: Vec<&TreeNode> = tree
            .entries
            .iter()
            .filter(|e| matches(&self.steps[0], e))
            .collect();
        for step in &self.steps[1..] {
            current = current
                .iter()
                .flat_map(|n| n.children.iter().filter(|c| matches(step, c)))
                .collect();
        }
        current
    }
}

/// Splits on `/` outside brackets (labels may hold slashes: `location[/api]`).
fn split_steps(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '/' if depth == 0 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

fn matches(step: &Step, node: &TreeNode) -> bool {
    (step.name == "*" || step.name == node.name)
        && step
            .label
            .as_ref()
            .is_none_or(|label| node.values.first().is_some_and(|v| &v.text == label))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{Format, parse};

    fn select(format: Format, text: &str, path: &str) -> Vec<(String, Vec<String>)> {
        let tree = parse(format, text).tree(text);
        let path = TreePath::parse(path).unwrap();
        path.select(&tree)
            .into_iter()
            .map(|n| {
                (
                    n.name_range.slice(text).to_string(),
                    n.values.iter().map(|v| v.text.clone()).collect(),
                )
            })
            .collect()
    }

    fn values(format: Format, text: &str, path: &str) -> Vec<String> {
        select(format, text, path)
            .into_iter()
            .flat_map(|(_, v)| v)
            .collect()
    }

    #[test]
    fn flat_formats_take_the_path_as_a_key() {
        let props = "jdbc.default.url=jdbc:mysql://db/lportal\ntunnel.servlet.hosts.allowed=127.0.0.1,\\\n  SERVER_IP, 192.0.2.50\n";
        assert_eq!(
            values(Format::LIFERAY_PROPERTIES, props, "jdbc.default.url"),
            ["jdbc:mysql://db/lportal"]
        );
        assert_eq!(
            values(
                Format::LIFERAY_PROPERTIES,
                props,
                "tunnel.servlet.hosts.allowed"
            ),
            ["127.0.0.1", "SERVER_IP", "192.0.2.50"]
        );
        assert_eq!(
            values(Format::REDIS, "maxmemory 2gb\nbind 10.0.0.1 ::1\n", "bind"),
            ["10.0.0.1", "::1"]
        );
        assert_eq!(
            values(
                Format::OSGI_CONFIG,
                "hostsAllowed=[\"127.0.0.1\",\"SERVER_IP\"]\n",
                "hostsAllowed"
            ),
            ["127.0.0.1", "SERVER_IP"]
        );
        let setenv = "export LIFERAY_HOME=/opt/liferay\nCATALINA_OPTS=\"-Xmx4g -Djava.net.preferIPv4Stack=true\"\n";
        assert_eq!(
            values(Format::TOMCAT_SETENV, setenv, "-Djava.net.preferIPv4Stack"),
            ["true"]
        );
        assert_eq!(
            values(Format::TOMCAT_SETENV, setenv, "LIFERAY_HOME"),
            ["/opt/liferay"]
        );
        assert_eq!(
            values(
                Format::HOSTS,
                "192.0.2.11 app1 app1.example.org\n",
                "192.0.2.11"
            ),
            ["app1", "app1.example.org"]
        );
    }

    #[test]
    fn nested_formats_split_the_path_and_match_labels() {
        let nginx = "http {\n  upstream backend { server 10.0.0.1:8080; server 10.0.0.2:8080 backup; }\n  upstream other { server 10.0.0.9; }\n  server { location /api { proxy_pass http://backend; } }\n}\n";
        assert_eq!(
            values(Format::NGINX, nginx, "http/upstream[backend]/server"),
            ["10.0.0.1:8080", "10.0.0.2:8080", "backup"]
        );
        assert_eq!(
            select(Format::NGINX, nginx, "http/upstream/server").len(),
            3
        );
        assert_eq!(
            values(Format::NGINX, nginx, "http/*/location[/api]/proxy_pass"),
            ["http://backend"]
        );
        let xml = "<gateway-config xmlns=\"http://xmlns.kaazing.org/2016/06/gateway\">\n  <cluster><name>c</name><accept>tcp://192.0.2.61:5941</accept></cluster>\n  <service id=\"s1\"><accept>ws://a:80/</accept></service>\n</gateway-config>\n";
        assert_eq!(
            values(Format::KAAZING_XML, xml, "/gateway-config/cluster/accept"),
            ["tcp://192.0.2.61:5941"]
        );
        assert_eq!(
            values(Format::KAAZING_XML, xml, "gateway-config/service/@id"),
            ["s1"]
        );
        assert_eq!(
            values(Format::KAAZING_XML, xml, "/gateway-config/*/accept").len(),
            2
        );
        let stunnel =
            "pid = /run/stunnel.pid\n[redis]\naccept = 127.0.0.1:6379\nconnect = 10.0.0.5:16379\n";
        assert_eq!(
            values(Format::STUNNEL, stunnel, "service[redis]/connect"),
            ["10.0.0.5:16379"]
        );
        let csync2 = "nossl * *;\ngroup gluu {\n  host gluu1 gluu2;\n  key /etc/csync2.key;\n  include /opt/gluu;\n}\n";
        assert_eq!(
            values(Format::CSYNC2, csync2, "group[gluu]/host"),
            ["gluu1", "gluu2"]
        );
        assert_eq!(values(Format::CSYNC2, csync2, "nossl"), ["*", "*"]);
    }

    #[test]
    fn bad_paths_say_what_is_wrong() {
        for (path, problem) in [
            ("", "empty"),
            ("http//server", "empty step"),
            ("upstream[backend/server", "does not close"),
            ("[x]", "no name"),
        ] {
            let e = TreePath::parse(path).unwrap_err();
            assert!(e.contains(problem), "{path}: {e}");
        }
    }
}
