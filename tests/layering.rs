//! Keeps the layering of ARCHITECTURE.md: reads every `crate::` path of
//! `src/` (outside comments and `#[cfg(test)]` modules) and fails on an
//! import that runs against the pipeline (a lower layer naming a higher
//! one) and on any import cycle among modules.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// The layers, lowest first: a module may name its own layer and those
/// below. A module belongs to the layer of its longest listed prefix.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "foundation",
        &[
            "source",
            "diagnostic",
            "facts",
            "disk",
            "walk",
            "suggest",
            "secrets",
            "layout",
            "limits",
            "role",
            "clock",
        ],
    ),
    ("formats", &["formats"]),
    ("settings", &["versions", "manifest"]),
    ("discovery", &["discover", "roots", "includes"]),
    ("loading", &["files", "load"]),
    ("reporting", &["outcome", "report"]),
    ("model", &["model", "suppress"]),
    ("rules", &["rules", "custom"]),
    ("engine", &["engine", "redact"]),
    ("output", &["fix", "graph"]),
    ("facade", &["workspace", "invariants", ""]),
    ("front ends", &["lsp", "cli"]),
];

/// Imports allowed against the direction, each with its reason. Keep this
/// list to a few lines.
const EXCEPTIONS: &[(&str, &str)] = &[];

fn layer_of(module: &str) -> Option<(usize, &'static str)> {
    let mut best: Option<(usize, usize)> = None;
    for (index, (_, prefixes)) in LAYERS.iter().enumerate() {
        for prefix in *prefixes {
            let matches = module == *prefix
                || (!prefix.is_empty() && module.starts_with(&format!("{prefix}/")));
            if matches && best.is_none_or(|(_, len)| prefix.len() > len) {
                best = Some((index, prefix.len()));
            }
        }
    }
    best.map(|(index, _)| (index, LAYERS[index].0))
}

/// `src/a/b.rs` and `src/a/b/mod.rs` are `a/b`; `src/lib.rs` is ``.
fn module_name(relative: &str) -> String {
    let stem = relative.trim_end_matches(".rs");
    let stem = stem.strip_suffix("/mod").unwrap_or(stem);
    if stem == "lib" || stem == "main" {
        String::new()
    } else {
        stem.to_string()
    }
}

fn collect(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if relative == "main.rs" || relative.starts_with("bin/") {
                continue;
            }
            out.insert(module_name(&relative), fs::read_to_string(&path).unwrap());
        }
    }
}

/// The code of a file without comments and without its test module.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
    let text = text.split("#[cfg(test)]\nmod ").next().unwrap_or(text);
    text.lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .map(|line| line.split(" // ").next().unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::a::b::c` path, and the paths inside `crate::a::{b, c::d}`
/// groups, as segment lists.
fn crate_paths(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let mut segments = Vec::new();
        let mut tail = rest;
        loop {
            let end = tail
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(tail.len());
            if end == 0 {
                break;
            }
            segments.push(tail[..end].to_string());
            tail = &tail[end..];
            if let Some(next) = tail.strip_prefix("::") {
                tail = next;
                if let Some(group) = tail.strip_prefix('{') {
                    let close = group.find('}').unwrap_or(group.len());
                    for item in group[..close].split(',') {
                        let mut path = segments.clone();
                        path.extend(
                            item.split("::")
                                .map(|s| s.trim().trim_start_matches('{').to_string())
                                .filter(|s| !s.is_empty() && s != "self"),
                        );
                        out.push(path);
                    }
                    break;
                }
            } else {
                break;
            }
        }
        if !segments.is_empty() {
            out.push(segments);
        }
    }
    out
}

/// The module a path names: its longest prefix that is a module.
fn resolve(path: &[String], modules: &BTreeMap<String, String>) -> Option<String> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].join("/"))
        .find(|candidate| modules.contains_key(candidate))
}

fn is_ancestor(a: &str, b: &str) -> bool {
    a.is_empty() || b.starts_with(&format!("{a}/"))
}

fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules = BTreeMap::new();
    collect(&root, &root, &mut modules);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in &modules {
        let entry = edges.entry(module.clone()).or_default();
        for path in crate_paths(&code(text)) {
            if let Some(target) = resolve(&path, &modules)
                && target != *module
                && !is_ancestor(&target, module)
                && !is_ancestor(module, &target)
            {
                entry.insert(target);
            }
        }
    }
    edges
}

#[test]
fn imports_follow_the_pipeline() {
    let edges = imports();
    assert!(edges.len() > 100, "only {} modules found", edges.len());
    let mut wrong = Vec::new();
    for (from, targets) in &edges {
        let Some((from_layer, from_name)) = layer_of(from) else {
            wrong.push(format!("`{from}` is in no layer: add it to LAYERS"));
            continue;
        };
        for to in targets {
            let (to_layer, to_name) = layer_of(to).unwrap_or((0, "?"));
            if to_layer > from_layer && !EXCEPTIONS.contains(&(from.as_str(), to.as_str())) {
                wrong.push(format!(
                    "`{from}` ({from_name}) imports `{to}` ({to_name}), a later stage"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the pipeline:\n{}",
        wrong.join("\n")
    );
}

/// Tarjan's strongly connected components of the import graph.
struct State<'a> {
    edges: &'a BTreeMap<String, BTreeSet<String>>,
    index: BTreeMap<&'a str, usize>,
    low: BTreeMap<&'a str, usize>,
    stack: Vec<&'a str>,
    cycles: Vec<Vec<&'a str>>,
}
fn visit<'a>(state: &mut State<'a>, v: &'a str) {
    let n = state.index.len();
    state.index.insert(v, n);
    state.low.insert(v, n);
    state.stack.push(v);
    for w in state.edges.get(v).into_iter().flatten() {
        if !state.index.contains_key(w.as_str()) {
            visit(state, w);
            let low = state.low[v].min(state.low[w.as_str()]);
            state.low.insert(v, low);
        } else if state.stack.contains(&w.as_str()) {
            let low = state.low[v].min(state.index[w.as_str()]);
            state.low.insert(v, low);
        }
    }
    if state.low[v] == state.index[v] {
        let mut component = Vec::new();
        while let Some(w) = state.stack.pop() {
            component.push(w);
            if w == v {
                break;
            }
        }
        if component.len() > 1 {
            state.cycles.push(component);
        }
    }
}

#[test]
fn no_module_imports_itself_through_others() {
    let edges = imports();
    let mut state = State {
        edges: &edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        cycles: Vec::new(),
    };
    for module in edges.keys() {
        if !state.index.contains_key(module.as_str()) {
            visit(&mut state, module);
        }
    }
    assert!(state.cycles.is_empty(), "import cycles: {:?}", state.cycles);
}

#[test]
fn the_reader_sees_grouped_and_nested_paths() {
    let paths = crate_paths("use crate::a::{b, c::d};\nlet x = crate::e::f(1);\n");
    assert!(paths.contains(&vec!["a".to_string(), "b".to_string()]));
    assert!(paths.contains(&vec!["a".to_string(), "c".to_string(), "d".to_string()]));
    assert!(paths.contains(&vec!["e".to_string(), "f".to_string()]));
    assert_eq!(code("a // b\n// c\nd"), "a\nd");
}
