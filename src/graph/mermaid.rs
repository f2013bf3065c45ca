//! The topology as a Mermaid `flowchart LR`: one `subgraph` per role
//! group, generated ids (`n0`, `n1`, ... for nodes, `g0`, ... for groups)
//! since Mermaid ids must be plain words, and names in quoted labels with
//! Mermaid's entity codes for the characters it would read otherwise.
//! Links: `-->` directed, `---` peers, `-.->` refused; findings colour
//! nodes through `class` and links through `linkStyle`.

use std::fmt::Write as _;

use crate::graph::{Edge, GraphNode, NodeKind, Status, Topology};

/// Renders `topology` as a Mermaid flowchart.
#[must_use]
pub fn render_mermaid(topology: &Topology) -> String {
    let mut out = String::from("flowchart LR\n");
    for (g, group) in topology.groups.iter().enumerate() {
        let _ = writeln!(out, "  subgraph g{g}[\"{}\"]", text(&group.label));
        for &n in &group.nodes {
            node(&mut out, "    ", n, &topology.nodes[n]);
        }
        out.push_str("  end\n");
    }
    for (n, graph_node) in topology.nodes.iter().enumerate() {
        if graph_node.group.is_none() {
            node(&mut out, "  ", n, graph_node);
        }
    }
    for edge in &topology.edges {
        link(&mut out, edge);
    }
    out.push_str("  classDef error fill:#fdd,stroke:#c00\n");
    out.push_str("  classDef warning fill:#ffedd5,stroke:#d97706\n");
    out.push_str("  classDef external stroke-dasharray:5 5\n");
    let external = |n: &GraphNode| n.kind == NodeKind::External;
    for (class, wanted) in [
        ("external", external as fn(&GraphNode) -> bool),
        ("error", |n| n.findings.status() == Status::Error),
        ("warning", |n| n.findings.status() == Status::Warning),
    ] {
        let ids: Vec<String> = (0..topology.nodes.len())
            .filter(|&n| wanted(&topology.nodes[n]))
            .map(|n| format!("n{n}"))
            .collect();
        if !ids.is_empty() {
            let _ = writeln!(out, "  class {} {class}", ids.join(","));
        }
    }
    // `linkStyle` counts links in the order they are written.
    for (color, wanted) in [("red", Status::Error), ("orange", Status::Warning)] {
        let indexes: Vec<String> = topology
            .edges
            .iter()
            .enumerate()
            .filter(|(_, e)| edge_status(e) == wanted)
            .map(|(i, _)| i.to_string())
            .collect();
        if !indexes.is_empty() {
            let _ = writeln!(out, "  linkStyle {} stroke:{color}", indexes.join(","));
        }
    }
    out
}

/// A refused link is drawn red even without a finding.
fn edge_status(edge: &Edge) -> Status {
    match edge.findings.status() {
        Status::Ok if edge.refused => Status::Error,
        status => status,
    }
}

fn node(out: &mut String, indent: &str, index: usize, node: &GraphNode) {
    let label = text(&node.label_lines().join("\n"));
    let _ = match node.kind {
        NodeKind::Member(_) | NodeKind::External => writeln!(out, "{indent}n{index}[\"{label}\"]"),
        NodeKind::Hub => writeln!(out, "{indent}n{index}((\"{label}\"))"),
    };
}

fn link(out: &mut String, edge: &Edge) {
    let arrow = match (edge.kind.is_directed(), edge.refused) {
        (true, false) => "-->",
        (true, true) => "-.->",
        (false, false) => "---",
        (false, true) => "-.-",
    };
    let lines = edge.label_lines();
    let _ = if lines.is_empty() {
        writeln!(out, "  n{} {arrow} n{}", edge.from, edge.to)
    } else {
        writeln!(
            out,
            "  n{} {arrow}|\"{}\"| n{}",
            edge.from,
            text(&lines.join("\n")),
            edge.to
        )
    };
}

/// Text for inside `"..."`: Mermaid's entity codes for the characters that
/// would end the string or the label, start an entity, be read as HTML or
/// as Markdown; line breaks as `<br>`.
#[must_use]
pub fn text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("<br>"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{EdgeKind, Findings, Group};
    use crate::model::NodeId;

    #[test]
    fn escaping() {
        assert_eq!(text("plain"), "plain");
        assert_eq!(text("say \"hi\""), "say #quot;hi#quot;");
        assert_eq!(text("#quot;"), "#35;quot;");
        assert_eq!(text("<b>&</b>"), "#lt;b#gt;#amp;#lt;/b#gt;");
        assert_eq!(text("a|b`c`"), "a#124;b#96;c#96;");
        assert_eq!(text("a\nb\r\nc"), "a<br>b<br>c");
        assert_eq!(text("x\ty"), "x y");
    }

    #[test]
    fn links_and_styles() {
        let node = |name: &str, findings: Findings| GraphNode {
            kind: NodeKind::Member(NodeId(0)),
            name: name.to_string(),
            roles: Vec::new(),
            addresses: Vec::new(),
            files: Vec::new(),
            group: Some(0),
            findings,
        };
        let error = Findings {
            errors: ["r/x".to_string()].into(),
            warnings: std::collections::BTreeSet::new(),
        };
        let edge = |from, to, kind, refused| Edge {
            from,
            to,
            kind,
            label: String::new(),
            refused,
            spans: Vec::new(),
            findings: Findings::default(),
        };
        let topology = Topology {
            name: None,
            nodes: vec![node("a\"b", error), node("end", Findings::default())],
            groups: vec![Group {
                name: "live".to_string(),
                label: "live".to_string(),
                nodes: vec![0, 1],
            }],
            edges: vec![
                edge(0, 1, EdgeKind::Upstream, false),
                edge(0, 1, EdgeKind::StagingTunnel, true),
                edge(0, 1, EdgeKind::Csync2Peer, false),
            ],
        };
        let m = render_mermaid(&topology);
        assert!(
            m.starts_with("flowchart LR\n  subgraph g0[\"live\"]\n"),
            "{m}"
        );
        assert!(m.contains("    n0[\"a#quot;b<br>✗ r/x\"]\n"), "{m}");
        assert!(m.contains("    n1[\"end\"]\n"));
        assert!(
            m.contains("  n0 --> n1\n  n0 -.-> n1\n  n0 --- n1\n"),
            "{m}"
        );
        assert!(m.contains("  class n0 error\n"));
        assert!(m.contains("  linkStyle 1 stroke:red\n"));
    }
}
