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

use crate::formats::{Document, xml};
use crate::source::TextRange;

/// A value as the program reads it, and where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeValue {
    pub text: String,
    pub range: TextRange,
}

/// An entry of a [`ConfigTree`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeNode {
    pub name: String,
    pub name_range: TextRange,
    pub values: Vec<TreeValue>,
    pub children: Vec<TreeNode>,
    /// The whole entry.
    pub range: TextRange,
}

impl TreeNode {
    fn leaf(name: &str, name_range: TextRange, values: Vec<TreeValue>, range: TextRange) -> Self {
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
    pub entries: Vec<TreeNode>,
    /// Whether paths are one key (properties, redis, ...) or `/`-separated.
    pub flat: bool,
}

fn value(text: &str, range: TextRange) -> TreeValue {
    TreeValue {
        text: text.to_string(),
        range,
    }
}

/// Lowers a parsed document; `text` is the document's source.
#[must_use]
pub fn lower(document: &Document, text: &str) -> ConfigTree {
    let (entries, flat) = match document {
        Document::Properties(doc) => {
            let entries = doc
                .entries
                .iter()
                .map(|e| {
                    let items = e.list_items(text);
                    let values = if items.len() > 1 {
                        items.into_iter().map(|i| value(&i.text, i.range)).collect()
                    } else {
                        vec![value(e.value(text), e.value_range)]
                    };
                    TreeNode::leaf(e.key(text), e.key_range, values, e.range())
                })
                .collect();
            (entries, true)
        }
        Document::OsgiConfig(doc) => {
            let entries = doc
                .entries
                .iter()
                .map(|e| {
                    let values = e.items.iter().map(|i| value(&i.text, i.range)).collect();
                    TreeNode::leaf(
                        &e.key,
                        e.key_range,
                        values,
                        e.key_range.cover(e.value_range),
                    )
                })
                .collect();
            (entries, true)
        }
        Document::Setenv(doc) => {
            let mut entries: Vec<TreeNode> = doc
                .assignments
                .iter()
                .map(|a| {
                    TreeNode::leaf(
                        &a.name,
                        a.name_range,
                        vec![value(&a.value, a.value_range)],
                        a.name_range.cover(a.value_range),
                    )
                })
                .collect();
            entries.extend(doc.system_properties.iter().map(|p| {
                let values = match (&p.value, p.value_range) {
                    (Some(v), Some(r)) => vec![value(v, r)],
                    _ => Vec::new(),
                };
                TreeNode::leaf(&format!("-D{}", p.name), p.range, values, p.range)
            }));
            entries.sort_by_key(|e| e.range.start);
            (entries, true)
        }
        Document::Nginx(doc) => (nginx(&doc.directives, text), false),
        Document::Redis(doc) => {
            let entries = doc
                .directives
                .iter()
                .map(|d| {
                    let values = d.args.iter().map(|a| value(&a.text, a.range)).collect();
                    TreeNode::leaf(&d.name, d.name_range, values, d.range)
                })
                .collect();
            (entries, true)
        }
        Document::Stunnel(doc) => {
            let option = |o: &crate::formats::stunnel::StunnelOption| {
                TreeNode::leaf(
                    &o.name,
                    o.name_range,
                    vec![value(&o.value, o.value_range)],
                    o.name_range.cover(o.value_range),
                )
            };
            let mut entries: Vec<TreeNode> = doc.global.iter().map(option).collect();
            entries.extend(doc.services.iter().map(|s| {
                let children: Vec<TreeNode> = s.options.iter().map(option).collect();
                let range = children.iter().fold(s.header, |r, c| r.cover(c.range));
                TreeNode {
                    name: "service".to_string(),
                    name_range: s.header,
                    values: vec![value(&s.name, s.header)],
                    children,
                    range,
                }
            }));
            (entries, false)
        }
        Document::Csync2(doc) => (csync2(doc), false),
        Document::Hosts(doc) => {
            let entries = doc
                .entries
                .iter()
                .map(|e| {
                    let values = e.names.iter().map(|n| value(&n.name, n.range)).collect();
                    TreeNode::leaf(&e.address_text, e.address_range, values, e.range)
                })
                .collect();
            (entries, true)
        }
        Document::Xml(doc) => (doc.root.iter().map(element).collect(), false),
        Document::Deployment(doc) => (deployment(doc), false),
        Document::Pem(_) | Document::Csync2Key(_) | Document::NotParsed => (Vec::new(), true),
    };
    ConfigTree { entries, flat }
}

/// A descriptor: `service[NAME]/environment/VAR` (or `environment/VAR`
/// for a Dockerfile, env file or script).
fn deployment(doc: &crate::deploy::DeploymentDocument) -> Vec<TreeNode> {
    let environment = |launch: &crate::deploy::Launch| {
        let entries: Vec<TreeNode> = launch
            .env
            .iter()
            .map(|v| {
                let values = v.value.iter().map(|t| value(&t.value, t.range)).collect();
                let range = v
                    .value
                    .as_ref()
                    .map_or(v.name.range, |t| v.name.range.cover(t.range));
                TreeNode::leaf(&v.name.value, v.name.range, values, range)
            })
            .collect();
        let range = entries
            .iter()
            .map(|e| e.range)
            .reduce(TextRange::cover)
            .unwrap_or_default();
        TreeNode {
            name: "environment".to_string(),
            name_range: range,
            values: Vec::new(),
            children: entries,
            range,
        }
    };
    let mut out = Vec::new();
    for launch in &doc.launches {
        let env = environment(launch);
        match &launch.service {
            Some(service) => out.push(TreeNode {
                name: "service".to_string(),
                name_range: service.range,
                values: vec![value(&service.value, service.range)],
                range: service.range.cover(env.range),
                children: vec![env],
            }),
            None => out.push(env),
        }
    }
    out
}

fn nginx(directives: &[crate::formats::nginx::Directive], text: &str) -> Vec<TreeNode> {
    directives
        .iter()
        .map(|d| TreeNode {
            name: d.name(text).to_string(),
            name_range: d.name.range,
            values: d
                .args
                .iter()
                .map(|a| value(a.text(text), a.range))
                .collect(),
            children: nginx(d.children(), text),
            range: d.range,
        })
        .collect()
}

fn csync2(doc: &crate::formats::csync2::Csync2Document) -> Vec<TreeNode> {
    use crate::formats::csync2::Text;
    let words = |name: &str, list: &[Text]| -> Option<TreeNode> {
        let first = list.first()?;
        let range = list.iter().fold(first.range, |r, t| r.cover(t.range));
        Some(TreeNode::leaf(
            name,
            first.range,
            list.iter().map(|t| value(&t.text, t.range)).collect(),
            range,
        ))
    };
    let mut entries: Vec<TreeNode> = doc
        .statements
        .iter()
        .map(|s| {
            let range = s.args.iter().fold(s.keyword.range, |r, t| r.cover(t.range));
            TreeNode::leaf(
                &s.keyword.text,
                s.keyword.range,
                s.args.iter().map(|t| value(&t.text, t.range)).collect(),
                range,
            )
        })
        .collect();
    entries.extend(words("config", &doc.includes));
    for group in &doc.groups {
        let mut children: Vec<TreeNode> = group
            .hosts
            .iter()
            .map(|h| {
                let mut values = vec![value(&h.name.text, h.name.range)];
                values.extend(h.peer.iter().map(|p| value(&p.text, p.range)));
                TreeNode::leaf("host", h.name.range, values, h.name.range)
            })
            .collect();
        for (name, list) in [
            ("key", &group.keys),
            ("include", &group.includes),
            ("exclude", &group.excludes),
            ("compare", &group.compare),
            ("auto", &group.auto),
        ] {
            children.extend(
                list.iter()
                    .filter_map(|t| words(name, std::slice::from_ref(t))),
            );
        }
        children.extend(
            group
                .backup_directory
                .iter()
                .filter_map(|t| words("backup-directory", std::slice::from_ref(t))),
        );
        children.extend(
            group
                .backup_generations
                .iter()
                .filter_map(|t| words("backup-generations", std::slice::from_ref(t))),
        );
        for action in &group.actions {
            let mut parts: Vec<TreeNode> = Vec::new();
            parts.extend(words("pattern", &action.patterns));
            parts.extend(
                action
                    .exec
                    .iter()
                    .filter_map(|t| words("exec", std::slice::from_ref(t))),
            );
            parts.extend(
                action
                    .logfile
                    .iter()
                    .filter_map(|t| words("logfile", std::slice::from_ref(t))),
            );
            children.push(TreeNode {
                name: "action".to_string(),
                name_range: action.range,
                values: Vec::new(),
                children: parts,
                range: action.range,
            });
        }
        children.sort_by_key(|c| c.range.start);
        let name = group.name.as_ref();
        entries.push(TreeNode {
            name: "group".to_string(),
            name_range: group.keyword,
            values: name.map(|n| value(&n.text, n.range)).into_iter().collect(),
            children,
            range: group.range,
        });
    }
    entries.sort_by_key(|e| e.range.start);
    entries
}

fn element(e: &xml::Element) -> TreeNode {
    let mut children: Vec<TreeNode> = e
        .attributes
        .iter()
        .map(|a| {
            TreeNode::leaf(
                &format!("@{}", a.name),
                a.name_range,
                vec![value(&a.value.text, a.value.range)],
                a.name_range.cover(a.value.range),
            )
        })
        .collect();
    children.extend(e.elements().map(element));
    TreeNode {
        name: e.local_name().to_string(),
        name_range: e.name_range,
        values: e
            .text()
            .map(|t| value(&t.text, t.range))
            .into_iter()
            .collect(),
        children,
        range: e.range,
    }
}

/// One step of a path: a name (or `*`) and an optional label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub name: String,
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
        let tree = lower(&parse(format, text), text);
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
            values(Format::LiferayProperties, props, "jdbc.default.url"),
            ["jdbc:mysql://db/lportal"]
        );
        assert_eq!(
            values(
                Format::LiferayProperties,
                props,
                "tunnel.servlet.hosts.allowed"
            ),
            ["127.0.0.1", "SERVER_IP", "192.0.2.50"]
        );
        assert_eq!(
            values(Format::Redis, "maxmemory 2gb\nbind 10.0.0.1 ::1\n", "bind"),
            ["10.0.0.1", "::1"]
        );
        assert_eq!(
            values(
                Format::OsgiConfig,
                "hostsAllowed=[\"127.0.0.1\",\"SERVER_IP\"]\n",
                "hostsAllowed"
            ),
            ["127.0.0.1", "SERVER_IP"]
        );
        let setenv = "export LIFERAY_HOME=/opt/liferay\nCATALINA_OPTS=\"-Xmx4g -Djava.net.preferIPv4Stack=true\"\n";
        assert_eq!(
            values(Format::TomcatSetenv, setenv, "-Djava.net.preferIPv4Stack"),
            ["true"]
        );
        assert_eq!(
            values(Format::TomcatSetenv, setenv, "LIFERAY_HOME"),
            ["/opt/liferay"]
        );
        assert_eq!(
            values(
                Format::Hosts,
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
            values(Format::Nginx, nginx, "http/upstream[backend]/server"),
            ["10.0.0.1:8080", "10.0.0.2:8080", "backup"]
        );
        assert_eq!(
            select(Format::Nginx, nginx, "http/upstream/server").len(),
            3
        );
        assert_eq!(
            values(Format::Nginx, nginx, "http/*/location[/api]/proxy_pass"),
            ["http://backend"]
        );
        let xml = "<gateway-config xmlns=\"http://xmlns.kaazing.org/2016/06/gateway\">\n  <cluster><name>c</name><accept>tcp://192.0.2.61:5941</accept></cluster>\n  <service id=\"s1\"><accept>ws://a:80/</accept></service>\n</gateway-config>\n";
        assert_eq!(
            values(Format::KaazingXml, xml, "/gateway-config/cluster/accept"),
            ["tcp://192.0.2.61:5941"]
        );
        assert_eq!(
            values(Format::KaazingXml, xml, "gateway-config/service/@id"),
            ["s1"]
        );
        assert_eq!(
            values(Format::KaazingXml, xml, "/gateway-config/*/accept").len(),
            2
        );
        let stunnel =
            "pid = /run/stunnel.pid\n[redis]\naccept = 127.0.0.1:6379\nconnect = 10.0.0.5:16379\n";
        assert_eq!(
            values(Format::Stunnel, stunnel, "service[redis]/connect"),
            ["10.0.0.5:16379"]
        );
        let csync2 = "nossl * *;\ngroup gluu {\n  host gluu1 gluu2;\n  key /etc/csync2.key;\n  include /opt/gluu;\n}\n";
        assert_eq!(
            values(Format::Csync2, csync2, "group[gluu]/host"),
            ["gluu1", "gluu2"]
        );
        assert_eq!(values(Format::Csync2, csync2, "nossl"), ["*", "*"]);
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
