//! Round trips: documents generated from each format's grammar (properties
//! in both dialects, OSGi `.config`, `setenv.sh`, nginx, redis, stunnel,
//! csync2, hosts, gateway XML) are printed the way a person could write
//! them (escapes, quotes, continuations, comments, odd spacing) and parsed
//! back; the parse must give the tree that was generated, with no errors.

mod common;

use std::fmt::Write as _;

use proptest::prelude::*;

use common::generate::{PropertiesEntry, print_properties, properties_entry};

use clusterlint::formats::properties::{self, Dialect};
use clusterlint::formats::{hosts, nginx, redis, stunnel};

// ---- properties ------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn jdk_properties_round_trip(
        entries in proptest::collection::vec(properties_entry(), 0..8),
        line_end in prop_oneof![Just("\n"), Just("\r\n")],
    ) {
        let text = print_properties(&entries, line_end, false);
        let doc = properties::parse(&text, Dialect::Jdk);
        prop_assert!(doc.errors.is_empty(), "{:?} in {text:?}", doc.errors);
        let parsed: Vec<(&str, &str)> =
            doc.entries.iter().map(|e| (e.key(&text), e.value(&text))).collect();
        let expected: Vec<(&str, &str)> =
            entries.iter().map(|e| (e.key.as_str(), e.value.as_str())).collect();
        prop_assert_eq!(parsed, expected, "{:?}", text);
    }

    #[test]
    fn liferay_properties_round_trip(
        entries in proptest::collection::vec(properties_entry(), 0..8),
    ) {
        // A key alone on its line is an error for Liferay, not an empty value.
        let entries: Vec<PropertiesEntry> = entries
            .into_iter()
            .map(|mut e| {
                // Liferay trims each line before it looks for a continuing
                // `\`, so a value cannot end in a blank, escaped or not.
                e.value = e.value.trim_end_matches(|c: char| c <= ' ').to_string();
                if e.value.is_empty() && e.separator.trim().is_empty() {
                    e.separator = "=";
                }
                e
            })
            .collect();
        let text = print_properties(&entries, "\n", true);
        let doc = properties::parse(&text, Dialect::Liferay);
        prop_assert!(doc.errors.is_empty(), "{:?} in {text:?}", doc.errors);
        let parsed: Vec<(&str, &str)> =
            doc.entries.iter().map(|e| (e.key(&text), e.value(&text))).collect();
        let expected: Vec<(&str, &str)> =
            entries.iter().map(|e| (e.key.as_str(), e.value.as_str())).collect();
        prop_assert_eq!(parsed, expected, "{:?}", text);
    }
}

// ---- nginx -----------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq)]
struct NginxNode {
    name: String,
    args: Vec<String>,
    children: Option<Vec<NginxNode>>,
}

fn nginx_name() -> impl Strategy<Value = String> {
    "[a-z][a-z_]{0,10}".prop_filter("not a Lua block", |n| !n.ends_with("_by_lua_block"))
}

/// Arguments: bare words (with `$variables`, paths, `#` and `}` inside a
/// word), or quoted ones holding blanks, `;`, braces, quotes and
/// backslashes.
fn nginx_arg() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9_./:=$-][a-zA-Z0-9_./:=$#}-]{0,8}",
        "[ a-z;{}#'\"\\\\]{0,8}",
    ]
}

fn nginx_node() -> impl Strategy<Value = NginxNode> {
    let leaf =
        (nginx_name(), proptest::collection::vec(nginx_arg(), 0..4)).prop_map(|(name, args)| {
            NginxNode {
                name,
                args,
                children: None,
            }
        });
    leaf.prop_recursive(3, 24, 4, |inner| {
        (
            nginx_name(),
            proptest::collection::vec(nginx_arg(), 0..3),
            proptest::collection::vec(inner, 0..4),
        )
            .prop_map(|(name, args, children)| NginxNode {
                name,
                args,
                children: Some(children),
            })
    })
}

fn print_nginx_arg(arg: &str) -> String {
    let bare = !arg.is_empty()
        && !arg.starts_with(['"', '\'', '#', '}'])
        && arg.bytes().all(|b| !b" \t\r\n;{\"'\\".contains(&b));
    if bare {
        arg.to_string()
    } else {
        format!("\"{}\"", arg.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

fn print_nginx(nodes: &[NginxNode], depth: usize, out: &mut String) {
    for node in nodes {
        out.push_str(&"  ".repeat(depth));
        out.push_str(&node.name);
        for arg in &node.args {
            out.push(' ');
            out.push_str(&print_nginx_arg(arg));
        }
        match &node.children {
            None => out.push_str(";  # why\n"),
            Some(children) => {
                out.push_str(" {\n");
                print_nginx(children, depth + 1, out);
                out.push_str(&"  ".repeat(depth));
                out.push_str("}\n");
            }
        }
    }
}

fn nginx_tree(text: &str, directives: nginx::Directives<'_>) -> Vec<NginxNode> {
    directives
        .iter()
        .map(|d| NginxNode {
            name: d.name(text).to_string(),
            args: d.args().iter().map(|a| a.text(text).to_string()).collect(),
            children: d.block().map(|_| nginx_tree(text, d.children())),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn nginx_round_trip(nodes in proptest::collection::vec(nginx_node(), 0..6)) {
        let mut text = String::new();
        print_nginx(&nodes, 0, &mut text);
        let doc = nginx::parse(&text);
        prop_assert!(doc.errors.is_empty(), "{:?} in {text:?}", doc.errors);
        prop_assert_eq!(nginx_tree(&text, doc.directives()), nodes, "{:?}", text);
    }
}

// ---- redis -----------------------------------------------------------------

fn redis_arg() -> impl Strategy<Value = String> {
    prop_oneof!["[a-zA-Z0-9_./:>~*@+-]{1,8}", "[ a-z#'\"\\\\\t\n]{0,8}",]
}

/// Directives Redis knows, except those whose arguments may start with `#`
/// and `include` (exactly one file).
fn redis_name() -> impl Strategy<Value = String> {
    let names: Vec<String> = redis::DIRECTIVES
        .iter()
        .filter(|n| {
            ![
                "loadmodule",
                "rename-command",
                "sentinel",
                "user",
                "include",
            ]
            .contains(n)
        })
        .map(|n| (*n).to_string())
        .collect();
    proptest::sample::select(names)
}

/// `sdssplitargs` quoting: bare, double-quoted with escapes, or
/// single-quoted.
fn print_redis_arg(arg: &str, single: bool) -> String {
    let bare = !arg.is_empty()
        && !arg.starts_with('#')
        && arg.bytes().all(|b| !b" \t\r\n\"'\\".contains(&b));
    if bare {
        arg.to_string()
    } else if single && !arg.contains(['\\', '\n', '\t']) {
        format!("'{}'", arg.replace('\'', "\\'"))
    } else {
        let mut out = String::from("\"");
        for c in arg.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\x09"),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn redis_round_trip(
        lines in proptest::collection::vec(
            (redis_name(), proptest::collection::vec((redis_arg(), any::<bool>()), 1..4)),
            0..8,
        ),
    ) {
        let mut text = String::from("# redis.conf\n");
        for (name, args) in &lines {
            text.push_str(name);
            for (arg, single) in args {
                text.push_str("  ");
                text.push_str(&print_redis_arg(arg, *single));
            }
            text.push_str("\n\n");
        }
        let doc = redis::parse(&text);
        prop_assert!(doc.errors.is_empty(), "{:?} in {text:?}", doc.errors);
        let parsed: Vec<(String, Vec<String>)> = doc
            .directives
            .iter()
            .map(|d| (d.name.to_string(), d.args.iter().map(|a| a.text(&text).to_string()).collect()))
            .collect();
        let expected: Vec<(String, Vec<String>)> = lines
            .iter()
            .map(|(name, args)| (name.clone(), args.iter().map(|(a, _)| a.clone()).collect()))
            .collect();
        prop_assert_eq!(parsed, expected, "{:?}", text);
    }
}

// ---- hosts and stunnel -----------------------------------------------------

fn option_name(names: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(names).prop_map(str::to_string)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn hosts_round_trip(
        entries in proptest::collection::vec(
            (any::<[u8; 4]>(), proptest::collection::vec("[a-z0-9][a-z0-9.-]{0,12}", 1..4), any::<bool>()),
            0..8,
        ),
    ) {
        let mut text = String::new();
        for (address, names, comment) in &entries {
            text.push_str(&std::net::Ipv4Addr::from(*address).to_string());
            for name in names {
                text.push_str(" \t");
                text.push_str(name);
            }
            if *comment {
                text.push_str("  # 1.2.3.4 not-a-name");
            }
            text.push('\n');
        }
        let doc = hosts::parse(&text);
        let parsed: Vec<(String, Vec<String>)> = doc
            .entries
            .iter()
            .map(|e| (e.address_text.clone(), e.names.iter().map(|n| n.name.clone()).collect()))
            .collect();
        let expected: Vec<(String, Vec<String>)> = entries
            .iter()
            .map(|(a, names, _)| (std::net::Ipv4Addr::from(*a).to_string(), names.clone()))
            .collect();
        prop_assert_eq!(parsed, expected, "{:?}", text);
    }

    #[test]
    fn stunnel_round_trip(
        global in proptest::collection::vec((option_name(stunnel::GLOBAL_OPTIONS), "[a-zA-Z0-9:./_-][a-zA-Z0-9:./_ =-]{0,12}[a-zA-Z0-9]"), 0..4),
        services in proptest::collection::vec(
            ("[a-z][a-z0-9 _-]{0,8}", proptest::collection::vec((option_name(stunnel::SERVICE_OPTIONS), "[a-zA-Z0-9:./_-]{1,12}"), 0..4)),
            0..4,
        ),
    ) {
        let mut text = String::from("; stunnel.conf\n");
        let option = |text: &mut String, (name, value): &(String, String)| {
            let _ = writeln!(text, "{name}  =\t{value}  ");
        };
        for o in &global {
            option(&mut text, o);
        }
        for (name, options) in &services {
            let _ = writeln!(text, "\n[{name}]\n# options");
            for o in options {
                option(&mut text, o);
            }
        }
        let doc = stunnel::parse(&text);
        prop_assert!(doc.errors.is_empty(), "{:?} in {text:?}", doc.errors);
        let pairs = |options: &[stunnel::StunnelOption]| -> Vec<(String, String)> {
            options.iter().map(|o| (o.name.to_ascii_lowercase(), o.value.clone())).collect()
        };
        // Option names are read without regard to case.
        let lower = |options: &[(String, String)]| -> Vec<(String, String)> {
            options.iter().map(|(n, v)| (n.to_ascii_lowercase(), v.clone())).collect()
        };
        prop_assert_eq!(pairs(&doc.global), lower(&global), "{:?}", text);
        let parsed: Vec<(String, Vec<(String, String)>)> =
            doc.services.iter().map(|s| (s.name.clone(), pairs(&s.options))).collect();
        let services: Vec<(String, Vec<(String, String)>)> =
            services.iter().map(|(n, o)| (n.clone(), lower(o))).collect();
        prop_assert_eq!(parsed, services, "{:?}", text);
    }
}

// ---- OSGi .config ------------------------------------------------------------

fn osgi_item() -> impl Strategy<Value = String> {
    "[ a-zA-Z0-9_.:/,=\"\\\\-]{0,10}"
}

/// Felix's quoting: `"` and `\` escaped inside double quotes.
fn print_osgi_item(item: &str) -> String {
    format!("\"{}\"", item.replace('\\', "\\\\").replace('"', "\\\""))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn osgi_config_round_trip(
        entries in proptest::collection::vec(
            (
                "[a-zA-Z][a-zA-Z0-9_.]{0,12}",
                prop_oneof![Just(""), Just("I"), Just("B"), Just("L")],
                proptest::collection::vec(osgi_item(), 1..4),
                0usize..3,
            ),
            0..6,
        ),
    ) {
        // Typed values hold what their type reads: digits, booleans.
        let entries: Vec<(String, &str, Vec<String>, usize)> = entries
            .into_iter()
            .map(|(key, ty, items, shape)| {
                let items = match ty {
                    "I" | "L" => items.iter().map(|i| (i.len() % 97).to_string()).collect(),
                    "B" => items.iter().map(|i| (i.len() % 2 == 0).to_string()).collect(),
                    _ => items,
                };
                (key, ty, items, shape)
            })
            .collect();
        let mut text = String::from("# configuration\n");
        for (key, ty, items, shape) in &entries {
            let printed: Vec<String> = items.iter().map(|i| print_osgi_item(i)).collect();
            let value = match shape {
                0 => print_osgi_item(&items[0]),
                1 => format!("[{}]", printed.join(", ")),
                _ => format!("( {} )", printed.join(",")),
            };
            let _ = writeln!(text, "{key}={ty}{value}");
        }
        let doc = clusterlint::formats::osgi_config::parse(&text);
        prop_assert!(doc.errors.is_empty(), "{:?} in {text:?}", doc.errors);
        let parsed: Vec<(String, Vec<String>)> = doc
            .entries
            .iter()
            .map(|e| (e.key.clone(), e.items.iter().map(|i| i.text.clone()).collect()))
            .collect();
        let expected: Vec<(String, Vec<String>)> = entries
            .iter()
            .map(|(k, _, items, shape)| {
                let items = if *shape == 0 { vec![items[0].clone()] } else { items.clone() };
                (k.clone(), items)
            })
            .collect();
        prop_assert_eq!(parsed, expected, "{:?}", text);
    }
}

// ---- gateway XML -------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq)]
struct XmlNode {
    name: String,
    attributes: Vec<(String, String)>,
    /// Text, for an element without child elements.
    text: Option<String>,
    children: Vec<XmlNode>,
}

fn xml_text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 <>&'\"${}.:/-]{1,12}".prop_filter("not blank", |t| !t.trim().is_empty())
}

fn xml_node() -> impl Strategy<Value = XmlNode> {
    fn attributes() -> impl Strategy<Value = Vec<(String, String)>> {
        proptest::collection::btree_map("[a-z][a-z-]{0,6}", xml_text(), 0..3)
            .prop_map(|m| m.into_iter().collect::<Vec<_>>())
    }
    let leaf = (
        "[a-z][a-z.-]{0,8}",
        attributes(),
        proptest::option::of(xml_text()),
    )
        .prop_map(|(name, attributes, text)| XmlNode {
            name,
            attributes,
            text,
            children: Vec::new(),
        });
    leaf.prop_recursive(3, 24, 4, |inner| {
        (
            "[a-z][a-z.-]{0,8}",
            attributes(),
            proptest::collection::vec(inner, 1..4),
        )
            .prop_map(|(name, attributes, children)| XmlNode {
                name,
                attributes,
                text: None,
                children,
            })
    })
}

fn escape_xml(text: &str, attribute: bool) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '&' => out.push_str("&amp;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn print_xml(node: &XmlNode, depth: usize, out: &mut String) {
    out.push_str(&"  ".repeat(depth));
    out.push('<');
    out.push_str(&node.name);
    for (name, value) in &node.attributes {
        let _ = write!(out, " {name}=\"{}\"", escape_xml(value, true));
    }
    match (&node.text, node.children.is_empty()) {
        (None, true) => out.push_str("/>\n"),
        (Some(text), _) => {
            let _ = writeln!(out, ">{}</{}>", escape_xml(text, false), node.name);
        }
        (None, false) => {
            out.push_str(">\n");
            for child in &node.children {
                print_xml(child, depth + 1, out);
            }
            let _ = writeln!(out, "{}</{}>", "  ".repeat(depth), node.name);
        }
    }
}

fn xml_tree(element: clusterlint::formats::xml::Element<'_>) -> XmlNode {
    XmlNode {
        name: element.name().to_string(),
        attributes: element
            .attributes()
            .iter()
            .map(|a| (a.name.clone(), a.value.text.clone()))
            .collect(),
        text: element.text().map(|t| t.text.clone()),
        children: element.elements().map(xml_tree).collect(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn xml_round_trip(root in xml_node()) {
        let mut text = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- generated -->\n");
        print_xml(&root, 0, &mut text);
        let doc = clusterlint::formats::xml::parse(&text);
        prop_assert!(doc.errors.is_empty(), "{:?} in {text:?}", doc.errors);
        prop_assert_eq!(xml_tree(doc.root().unwrap()), root, "{:?}", text);
    }
}

// ---- csync2 and setenv.sh ------------------------------------------------------

/// A group's name, hosts, keys and includes.
type Csync2Group = (String, Vec<String>, Vec<String>, Vec<String>);

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn csync2_round_trip(
        groups in proptest::collection::vec(
            (
                "[a-z][a-z0-9_]{0,8}",
                proptest::collection::vec("[a-z][a-z0-9.-]{0,10}", 1..4),
                proptest::collection::vec("/[a-z0-9/._-]{1,16}", 0..3),
                proptest::collection::vec("/[a-z0-9/._*-]{1,16}", 0..3),
            ),
            0..4,
        ),
    ) {
        let mut text = String::from("# csync2.cfg\nnossl * *;\n");
        for (name, hosts, keys, includes) in &groups {
            let _ = writeln!(text, "group {name}\n{{");
            let _ = writeln!(text, "\thost {};", hosts.join(" "));
            for key in keys {
                let _ = writeln!(text, "\tkey {key};");
            }
            for include in includes {
                let _ = writeln!(text, "\tinclude \"{include}\";   # quoted");
            }
            text.push_str("}\n");
        }
        let doc = clusterlint::formats::csync2::parse(&text);
        prop_assert!(doc.errors.is_empty(), "{:?} in {text:?}", doc.errors);
        let parsed: Vec<Csync2Group> = doc
            .groups
            .iter()
            .map(|g| {
                let texts = |list: &[clusterlint::formats::csync2::Text]| -> Vec<String> {
                    list.iter().map(|t| t.text.clone()).collect()
                };
                (
                    g.name.as_ref().map(|n| n.text.clone()).unwrap_or_default(),
                    g.hosts.iter().map(|h| h.name.text.clone()).collect(),
                    texts(&g.keys),
                    texts(&g.includes),
                )
            })
            .collect();
        prop_assert_eq!(parsed, groups, "{:?}", text);
    }

    #[test]
    fn setenv_round_trip(
        lines in proptest::collection::vec(
            ("[A-Z][A-Z0-9_]{0,12}", "[a-zA-Z0-9 /._:=,@+-]{0,16}", any::<bool>(), 0usize..3),
            0..6,
        ),
    ) {
        let mut text = String::from("#!/bin/sh\n# Tomcat\n");
        let mut expected = Vec::new();
        for (name, value, exported, quoting) in &lines {
            // Unquoted, a value ends at its first blank.
            let (printed, value) = match quoting {
                0 => (format!("\"{value}\""), value.clone()),
                1 => (format!("'{value}'"), value.clone()),
                _ => {
                    let bare: String = value.chars().take_while(|c| *c != ' ').collect();
                    (bare.clone(), bare)
                }
            };
            let export = if *exported { "export " } else { "" };
            let _ = writeln!(text, "{export}{name}={printed}");
            expected.push((name.clone(), value, *exported));
        }
        let doc = clusterlint::formats::setenv::parse(&text);
        prop_assert!(doc.errors.is_empty(), "{:?} in {text:?}", doc.errors);
        let parsed: Vec<(String, String, bool)> = doc
            .assignments
            .iter()
            .map(|a| (a.name.clone(), a.value.clone(), a.exported))
            .collect();
        prop_assert_eq!(parsed, expected, "{:?}", text);
    }
}
