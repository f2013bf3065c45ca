//! The topology as Graphviz DOT, left to right: one `cluster_<role>` box
//! per role group, hubs outside the boxes. Node ids are generated (`n0`,
//! `n1`, ...), so a node name can hold any character; names only appear in
//! quoted, escaped labels. Links between peers neither point nor order the
//! layout (`dir=none`, `constraint=false`), so members of one group stay
//! in one column. Box titles sit at the bottom, clear of the loop Graphviz
//! draws above a node for a link to itself.

use std::fmt::Write as _;

use crate::graph::{Edge, GraphNode, NodeKind, Status, Topology};

const RED: &str = "#cc0000";
const RED_FILL: &str = "#ffdddd";
const ORANGE: &str = "#d97706";
const ORANGE_FILL: &str = "#ffedd5";

/// Renders `topology` as a DOT `digraph`.
#[must_use]
pub fn render_dot(topology: &Topology) -> String {
    let mut out = String::from("digraph cluster {\n");
    out.push_str("  rankdir=LR;\n");
    // `forcelabels`: peer links carry `xlabel`s (see `edge_line`), which
    // Graphviz may otherwise drop where they would overlap.
    out.push_str(
        "  graph [fontname=\"Helvetica\", fontsize=12, nodesep=0.5, ranksep=2.0, forcelabels=true",
    );
    if let Some(name) = &topology.name {
        let _ = write!(out, ", label={}, labelloc=t", quote(name));
    }
    out.push_str("];\n");
    out.push_str(
        "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\", fontsize=11];\n",
    );
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\"];\n");
    // Group names are role names, `unassigned` and `external`: unique ids.
    for group in &topology.groups {
        let _ = writeln!(out, "  subgraph cluster_{} {{", id_part(&group.name));
        let _ = writeln!(
            out,
            "    label={}; labelloc=b; style=\"rounded,dashed\"; color=\"#999999\";",
            quote(&group.label)
        );
        for &n in &group.nodes {
            node(&mut out, "    ", n, &topology.nodes[n]);
        }
        out.push_str("  }\n");
    }
    for (n, graph_node) in topology.nodes.iter().enumerate() {
        if graph_node.group.is_none() {
            node(&mut out, "  ", n, graph_node);
        }
    }
    for edge in &topology.edges {
        edge_line(&mut out, edge);
    }
    out.push_str("}\n");
    out
}

fn node(out: &mut String, indent: &str, index: usize, node: &GraphNode) {
    let mut attributes = vec![format!("label={}", quote_lines(&node.label_lines()))];
    match node.kind {
        NodeKind::Member(_) => {}
        NodeKind::External => attributes.push("style=\"rounded,dashed\"".to_string()),
        NodeKind::Hub => attributes.push("shape=ellipse, style=filled".to_string()),
    }
    match node.findings.status() {
        Status::Ok => {}
        Status::Warning => attributes.push(format!(
            "color=\"{ORANGE}\", fillcolor=\"{ORANGE_FILL}\", penwidth=2"
        )),
        Status::Error => attributes.push(format!(
            "color=\"{RED}\", fillcolor=\"{RED_FILL}\", penwidth=2"
        )),
    }
    let _ = writeln!(out, "{indent}\"n{index}\" [{}];", attributes.join(", "));
}

fn edge_line(out: &mut String, edge: &Edge) {
    let mut attributes = Vec::new();
    let lines = edge.label_lines();
    if !lines.is_empty() {
        // A link between two nodes of one column that are not neighbours
        // is routed around the one between; a plain `label` would then sit
        // in the next column's links. An `xlabel` is placed after layout,
        // clear of other labels.
        let key = if edge.kind.orders_layout() {
            "label"
        } else {
            "xlabel"
        };
        attributes.push(format!("{key}={}", quote_lines(&lines)));
    }
    if !edge.kind.is_directed() {
        attributes.push("dir=none".to_string());
    }
    if !edge.kind.orders_layout() {
        attributes.push("constraint=false".to_string());
    }
    if edge.refused {
        attributes.push("style=dashed".to_string());
    }
    let color = match edge.findings.status() {
        Status::Ok if edge.refused => Some(RED),
        Status::Ok => None,
        Status::Warning => Some(ORANGE),
        Status::Error => Some(RED),
    };
    if let Some(color) = color {
        attributes.push(format!(
            "color=\"{color}\", fontcolor=\"{color}\", penwidth=2"
        ));
    }
    let _ = write!(out, "  \"n{}\" -> \"n{}\"", edge.from, edge.to);
    if !attributes.is_empty() {
        let _ = write!(out, " [{}]", attributes.join(", "));
    }
    out.push_str(";\n");
}

/// A group name as part of a DOT id: letters, digits and `_`.
fn id_part(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Lines joined with DOT's centred line break `\n`.
fn quote_lines(lines: &[String]) -> String {
    quote(&lines.join("\n"))
}

/// A DOT quoted string. `"` and `\` are escaped (a `\` would otherwise
/// start one of Graphviz's label escapes such as `\N`); a line break
/// becomes `\n`; other control characters become spaces.
#[must_use]
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{EdgeKind, Findings, Group};
    use crate::model::NodeId;

    #[test]
    fn quoting() {
        assert_eq!(quote("plain"), "\"plain\"");
        assert_eq!(quote("say \"hi\""), r#""say \"hi\"""#);
        assert_eq!(quote(r"C:\dir\N"), r#""C:\\dir\\N""#);
        assert_eq!(quote("a\nb\r\nc\rd"), r#""a\nb\nc\nd""#);
        assert_eq!(quote("tab\there\u{7}"), "\"tab here \"");
        // A trailing backslash cannot escape the closing quote.
        assert_eq!(quote("end\\"), r#""end\\""#);
        assert_eq!(quote("ünïcode ✗"), "\"ünïcode ✗\"");
    }

    #[test]
    fn odd_names_stay_in_labels() {
        let node = |name: &str, group| GraphNode {
            kind: NodeKind::Member(NodeId(0)),
            name: name.to_string(),
            roles: Vec::new(),
            addresses: Vec::new(),
            files: Vec::new(),
            group,
            findings: Findings::default(),
        };
        let topology = Topology {
            name: Some("a \"b\"".to_string()),
            nodes: vec![node("x\" -> y; z", Some(0)), node("back\\slash\nnew", None)],
            groups: vec![Group {
                name: "dmz-gateway".to_string(),
                label: "dmz-gateway".to_string(),
                nodes: vec![0],
            }],
            edges: vec![Edge {
                from: 0,
                to: 1,
                kind: EdgeKind::Csync2Peer,
                label: "csync2 \"g\"".to_string(),
                refused: false,
                spans: Vec::new(),
                findings: Findings::default(),
            }],
        };
        let dot = render_dot(&topology);
        assert!(dot.starts_with("digraph cluster {\n  rankdir=LR;\n"));
        assert!(dot.contains("subgraph cluster_dmz_gateway {"));
        assert!(dot.contains(r#""n0" [label="x\" -> y; z"];"#), "{dot}");
        assert!(dot.contains(r#""n1" [label="back\\slash\nnew"];"#), "{dot}");
        assert!(
            dot.contains(r#""n0" -> "n1" [xlabel="csync2 \"g\"", dir=none, constraint=false];"#)
        );
        assert!(dot.contains(r#"label="a \"b\"""#));
    }
}
