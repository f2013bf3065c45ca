//! Which findings mark which nodes and links of the picture.
//!
//! - A node carries a finding whose primary location is in one of its
//!   files.
//! - A link carries a finding one of whose locations (primary or related)
//!   lies within one of the link's spans.
//! - Fallback, for a finding no link carries that way: a link carries it
//!   when the finding's primary location is in a file holding one of the
//!   link's spans and the finding names files of both ends. (Without the
//!   first condition, every finding comparing two nodes, such as a
//!   `setup.properties` that differs, would mark whatever link joins them.)
//!
//! Errors are drawn red and warnings orange; infos mark nothing.

use std::collections::{BTreeSet, HashMap};

use crate::diagnostic::{Diagnostic, Severity};
use crate::graph::{Findings, Topology};
use crate::source::{FileId, Span};

/// Whether `inner` lies within `outer` (an empty span at either end
/// counts).
fn within(inner: Span, outer: Span) -> bool {
    inner.file == outer.file
        && outer.range.start <= inner.range.start
        && inner.range.end <= outer.range.end
}

fn record(findings: &mut Findings, severity: Severity, rule: &str) {
    let set = match severity {
        Severity::Error => &mut findings.errors,
        Severity::Warning => &mut findings.warnings,
        Severity::Info => return,
    };
    if !set.contains(rule) {
        set.insert(rule.to_string());
    }
}

pub(super) fn mark(topology: &mut Topology, diagnostics: &[Diagnostic]) {
    let Topology { nodes, edges, .. } = topology;
    let owner: HashMap<FileId, usize> = nodes
        .iter()
        .enumerate()
        .flat_map(|(i, n)| n.files.iter().map(move |&f| (f, i)))
        .collect();
    for d in diagnostics.iter().filter(|d| d.severity != Severity::Info) {
        let primary = d.primary.span;
        if let Some(&node) = owner.get(&primary.file) {
            record(&mut nodes[node].findings, d.severity, &d.rule);
        }
        let locations: Vec<Span> = std::iter::once(primary)
            .chain(d.related.iter().map(|l| l.span))
            .collect();
        let mut matched = false;
        for edge in edges.iter_mut() {
            let hit = edge
                .spans
                .iter()
                .any(|&s| locations.iter().any(|&l| within(l, s)));
            if hit {
                record(&mut edge.findings, d.severity, &d.rule);
                matched = true;
            }
        }
        if matched {
            continue;
        }
        let named: BTreeSet<usize> = locations
            .iter()
            .filter_map(|l| owner.get(&l.file).copied())
            .collect();
        for edge in edges.iter_mut() {
            let applies = edge.from != edge.to
                && named.contains(&edge.from)
                && named.contains(&edge.to)
                && edge.spans.iter().any(|s| s.file == primary.file);
            if applies {
                record(&mut edge.findings, d.severity, &d.rule);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Edge, EdgeKind, GraphNode, NodeKind, Status};
    use crate::model::NodeId;
    use crate::source::TextRange;

    fn span(file: u32, start: u32, end: u32) -> Span {
        Span::new(FileId(file), TextRange::new(start, end))
    }

    fn node(i: u32, files: &[u32]) -> GraphNode {
        GraphNode {
            kind: NodeKind::Member(NodeId(i)),
            name: format!("n{i}"),
            roles: Vec::new(),
            addresses: Vec::new(),
            files: files.iter().map(|&f| FileId(f)).collect(),
            group: None,
            findings: Findings::default(),
        }
    }

    fn edge(from: usize, to: usize, spans: Vec<Span>) -> Edge {
        Edge {
            from,
            to,
            kind: EdgeKind::StunnelClient,
            label: String::new(),
            refused: false,
            spans,
            findings: Findings::default(),
        }
    }

    fn diagnostic(
        rule: &'static str,
        severity: Severity,
        at: Span,
        related: &[Span],
    ) -> Diagnostic {
        let mut d = Diagnostic::new(at, "m").with_rule(rule, severity);
        for &r in related {
            d = d.related(r, "r");
        }
        d
    }

    /// Node 0 owns files 0 and 1, node 1 file 2, node 2 file 3. Edge 0 is
    /// 0 → 1 from file 0 at 10..20; edge 1 is 2 → 1 from file 3 at 0..5.
    fn topology() -> Topology {
        Topology {
            name: None,
            nodes: vec![node(0, &[0, 1]), node(1, &[2]), node(2, &[3])],
            groups: Vec::new(),
            edges: vec![
                edge(0, 1, vec![span(0, 10, 20)]),
                edge(2, 1, vec![span(3, 0, 5)]),
            ],
        }
    }

    #[test]
    fn primary_file_marks_its_node() {
        let mut t = topology();
        t.mark(&[diagnostic("a/x", Severity::Error, span(1, 0, 1), &[])]);
        assert_eq!(t.nodes[0].findings.status(), Status::Error);
        assert!(t.nodes[0].findings.errors.contains("a/x"));
        assert_eq!(t.nodes[1].findings.status(), Status::Ok);
        assert!(t.edges.iter().all(|e| e.findings.status() == Status::Ok));
    }

    #[test]
    fn a_location_within_a_span_marks_the_edge() {
        let mut t = topology();
        t.mark(&[
            diagnostic("a/primary", Severity::Error, span(0, 12, 15), &[]),
            // Only the related location is on edge 1.
            diagnostic(
                "a/related",
                Severity::Error,
                span(2, 0, 1),
                &[span(3, 1, 2)],
            ),
        ]);
        assert_eq!(
            t.edges[0].findings.errors,
            BTreeSet::from(["a/primary".to_string()])
        );
        assert_eq!(
            t.edges[1].findings.errors,
            BTreeSet::from(["a/related".to_string()])
        );
        // Overlapping is not enough: the location must lie inside.
        let mut t = topology();
        t.mark(&[diagnostic("a/x", Severity::Error, span(0, 15, 25), &[])]);
        assert_eq!(t.edges[0].findings.status(), Status::Ok);
    }

    #[test]
    fn fallback_needs_both_ends_and_a_file_of_the_edge() {
        let mut t = topology();
        // Primary in the edge's file (outside its span), related at node 1.
        t.mark(&[diagnostic(
            "a/both",
            Severity::Error,
            span(0, 0, 1),
            &[span(2, 0, 1)],
        )]);
        assert!(t.edges[0].findings.errors.contains("a/both"));
        assert_eq!(t.edges[1].findings.status(), Status::Ok);
        // Both ends named, but the primary is in a file that holds no span
        // of the edge.
        let mut t = topology();
        t.mark(&[diagnostic(
            "a/other",
            Severity::Error,
            span(1, 0, 1),
            &[span(2, 0, 1)],
        )]);
        assert_eq!(t.edges[0].findings.status(), Status::Ok);
        // No fallback once a span matched somewhere.
        let mut t = topology();
        t.mark(&[diagnostic(
            "a/x",
            Severity::Error,
            span(0, 0, 1),
            &[span(3, 0, 1)],
        )]);
        assert_eq!(t.edges[0].findings.status(), Status::Ok);
        assert_eq!(t.edges[1].findings.status(), Status::Error);
    }

    #[test]
    fn warnings_are_orange_and_infos_nothing() {
        let mut t = topology();
        t.mark(&[
            diagnostic("a/warn", Severity::Warning, span(0, 10, 20), &[]),
            diagnostic("a/info", Severity::Info, span(3, 0, 5), &[]),
        ]);
        assert_eq!(t.edges[0].findings.status(), Status::Warning);
        assert_eq!(t.nodes[0].findings.status(), Status::Warning);
        assert_eq!(t.edges[1].findings.status(), Status::Ok);
        assert_eq!(t.nodes[2].findings.status(), Status::Ok);
        assert_eq!(t.edges[0].label_lines(), ["⚠ a/warn"]);
    }
}
