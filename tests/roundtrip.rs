//! Round trips: documents generated from each format's grammar are printed
//! the way a person could write them (escapes, quotes, continuations,
//! comments, odd spacing) and parsed back; the parse must give the tree
//! that was generated, with no errors.

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

fn nginx_tree(text: &str, directives: &[nginx::Directive]) -> Vec<NginxNode> {
    directives
        .iter()
        .map(|d| NginxNode {
            name: d.name(text).to_string(),
            args: d.args.iter().map(|a| a.text(text).to_string()).collect(),
            children: d.block.as_ref().map(|b| nginx_tree(text, &b.children)),
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
        prop_assert_eq!(nginx_tree(&text, &doc.directives), nodes, "{:?}", text);
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
            .map(|d| (d.name.clone(), d.args.iter().map(|a| a.text.clone()).collect()))
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
