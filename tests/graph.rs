//! The topology picture (`clusterlint graph`): the links of the example
//! clusters and the planted faults that break them, DOT that Graphviz
//! reads without a warning, Mermaid that passes a structural check, no
//! secret in either, and `docs/gluu-ha.{dot,svg}` kept up to date
//! (`UPDATE_DOCS=1` rewrites them).

mod common;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use clusterlint::graph::{self, Edge, EdgeKind, NodeKind, Status, Topology};
use clusterlint::{LintOptions, Report, Workspace};

fn cluster_root(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/clusters")
        .join(name)
}

/// The report of the cluster at `root` and its topology.
fn topology_of(root: &Path) -> (Report, Topology) {
    let (cluster, settings, report) = Workspace::from_dir(root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .lint_with_cluster(&LintOptions::default());
    let topology = graph::build(&cluster, &settings, &report.diagnostics);
    (report, topology)
}

fn example(name: &str) -> (Report, Topology) {
    topology_of(&cluster_root(name))
}

/// The one link of `kind` between two nodes.
fn the_edge<'a>(t: &'a Topology, kind: EdgeKind, from: &str, to: &str) -> &'a Edge {
    let edges: Vec<&Edge> = t.edges_between(kind, from, to).collect();
    assert_eq!(edges.len(), 1, "{kind:?} {from} -> {to}: {edges:#?}");
    edges[0]
}

fn errors(edge: &Edge) -> Vec<&str> {
    edge.findings.errors.iter().map(String::as_str).collect()
}

fn group_of<'a>(t: &'a Topology, node: &str) -> &'a str {
    let n = &t.nodes[t.node_index(node).unwrap()];
    &t.groups[n.group.unwrap()].name
}

#[test]
fn gluu_ha_links_and_faults() {
    let (_, t) = example("gluu-ha");
    assert_eq!(t.name.as_deref(), Some("idp-prod"));
    assert_eq!(group_of(&t, "lb"), "balancer");
    for gluu in ["gluu1", "gluu2", "gluu3"] {
        assert_eq!(group_of(&t, gluu), "gluu");
    }
    assert_eq!(group_of(&t, "redis"), "redis");
    assert!(t.nodes.iter().all(|n| n.kind != NodeKind::External));

    // The sticky upstream lists every Gluu node; `backend` forgets gluu3.
    let upstream = |to: &str, name: &str| -> Vec<&Edge> {
        t.edges_between(EdgeKind::Upstream, "lb", to)
            .filter(|e| e.label.starts_with(&format!("upstream {name} ")))
            .collect()
    };
    for gluu in ["gluu1", "gluu2", "gluu3"] {
        let edges = upstream(gluu, "backend_id");
        assert_eq!(edges.len(), 1, "backend_id -> {gluu}");
        assert_eq!(edges[0].label, "upstream backend_id :443");
        assert_eq!(edges[0].findings.status(), Status::Ok);
    }
    for gluu in ["gluu1", "gluu2"] {
        let edges = upstream(gluu, "backend");
        assert_eq!(edges.len(), 1, "backend -> {gluu}");
        assert_eq!(errors(edges[0]), ["nginx/upstream-missing-node"]);
    }
    assert!(upstream("gluu3", "backend").is_empty());

    // stunnel: each Gluu node's client reaches the Redis host, whose
    // server tunnel forwards to Redis on the same machine.
    let redis = &t.nodes[t.node_index("redis").unwrap()];
    assert!(redis.roles.contains(&clusterlint::model::Role::Redis));
    let gluu1 = the_edge(&t, EdgeKind::StunnelClient, "gluu1", "redis");
    assert_eq!(gluu1.label, "stunnel [redis]\n→ redis.example.org:16379");
    // Right but unverified: neither end checks a certificate.
    assert_eq!(gluu1.findings.status(), Status::Warning);
    let gluu2 = the_edge(&t, EdgeKind::StunnelClient, "gluu2", "redis");
    assert_eq!(errors(gluu2), ["stunnel/client-mode-missing"]);
    let gluu3 = the_edge(&t, EdgeKind::StunnelClient, "gluu3", "redis");
    assert!(gluu3.label.contains("192.0.2.30:16380"), "{}", gluu3.label);
    assert_eq!(errors(gluu3), ["stunnel/client-target-mismatch"]);
    let server = the_edge(&t, EdgeKind::StunnelServer, "redis", "redis");
    assert!(server.label.contains("127.0.0.1:16379"), "{}", server.label);
    assert_eq!(errors(server), ["stunnel/server-target-mismatch"]);

    // csync2: every two Gluu nodes; gluu3's group leaves out gluu3 itself,
    // and gluu1 and gluu2 are listed by address, which is no host name.
    assert_eq!(
        errors(the_edge(&t, EdgeKind::Csync2Peer, "gluu1", "gluu2")),
        ["gluu/csync2-host-not-hostname"]
    );
    for (a, b) in [("gluu1", "gluu3"), ("gluu2", "gluu3")] {
        let edge = the_edge(&t, EdgeKind::Csync2Peer, a, b);
        assert_eq!(edge.label, "csync2 gluucluster");
        assert!(
            edge.findings
                .errors
                .contains("gluu/csync2-hosts-incomplete"),
            "{a} - {b}: {:?}",
            edge.findings
        );
    }

    // Nodes: errors in their files; warnings alone would be orange.
    let node_errors = |name: &str| t.nodes[t.node_index(name).unwrap()].findings.errors.clone();
    assert!(node_errors("lb").contains("net/invalid-address"));
    assert!(node_errors("lb").contains("nginx/proxy-pass-unknown-upstream"));
    assert!(node_errors("redis").contains("stunnel/server-target-mismatch"));
    let redis_warnings = &redis.findings.warnings;
    assert!(redis_warnings.contains("redis/protected-mode-off"));
}

#[test]
fn liferay_staging_tunnels_admitted_and_refused() {
    let (_, t) = example("liferay-remote-staging");
    assert_eq!(group_of(&t, "staging"), "staging");
    assert_eq!(group_of(&t, "app1"), "live");
    let remote = the_edge(&t, EdgeKind::RemoteLive, "staging", "lb");
    assert_eq!(remote.label, "Remote Live :443");
    for app in ["app1", "app2", "app3"] {
        let edge = the_edge(&t, EdgeKind::Upstream, "lb", app);
        assert_eq!(edge.label, "upstream liferay :8080");
    }
    let app1 = the_edge(&t, EdgeKind::StagingTunnel, "staging", "app1");
    assert!(!app1.refused);
    assert_eq!(
        (app1.label.as_str(), app1.findings.status()),
        ("tunnel", Status::Ok)
    );
    // Admitted, but its shared secret differs.
    let app2 = the_edge(&t, EdgeKind::StagingTunnel, "staging", "app2");
    assert!(!app2.refused);
    assert_eq!(errors(app2), ["liferay/tunnel-secret-mismatch"]);
    // Its allowed hosts lack the staging server's IPv6 address.
    let app3 = the_edge(&t, EdgeKind::StagingTunnel, "staging", "app3");
    assert!(app3.refused);
    assert_eq!(app3.label, "refused");
    assert!(
        app3.findings
            .errors
            .contains("liferay/tunnel-hosts-missing-staging")
    );
    // The staging server's database finding is about no link.
    assert!(t.edges.iter().all(|e| {
        !e.findings
            .errors
            .contains("liferay/staging-shares-live-database")
    }));
}

#[test]
fn kaazing_members_and_shield_pairs() {
    let (_, t) = example("kaazing-shield-ha");
    assert_eq!(group_of(&t, "dmz1"), "dmz-gateway");
    assert_eq!(group_of(&t, "internal2"), "internal-gateway");
    let dmz = the_edge(&t, EdgeKind::GatewayMember, "dmz1", "dmz2");
    assert!(
        dmz.findings
            .errors
            .contains("kaazing/duplicate-cluster-port")
    );
    let internal = the_edge(&t, EdgeKind::GatewayMember, "internal2", "internal1");
    assert_eq!(internal.label, "cluster kzinternal");
    assert_eq!(errors(internal), ["kaazing/cluster-connect-mismatch"]);
    // Both internal gateways name dmz1's back plane; dmz2 has no partner.
    let first = the_edge(&t, EdgeKind::ShieldPair, "dmz1", "internal1");
    assert_eq!(first.label, "back plane\ngateway1.example.dmz.net");
    let second = the_edge(&t, EdgeKind::ShieldPair, "internal2", "dmz1");
    assert_eq!(errors(second), ["kaazing/backplane-pair-mismatch"]);
    assert_eq!(
        t.edges_between(EdgeKind::ShieldPair, "dmz2", "internal2")
            .count(),
        0
    );
    assert_eq!(
        t.edges_between(EdgeKind::ShieldPair, "dmz2", "internal1")
            .count(),
        0
    );
    assert!(!EdgeKind::ShieldPair.is_directed());
}

fn lint_memory(files: &[(&str, &str)]) -> Topology {
    let mut workspace = Workspace::new();
    for (path, text) in files {
        workspace.add_file(*path, *text);
    }
    let (cluster, settings, report) = workspace.lint_with_cluster(&LintOptions::default());
    graph::build(&cluster, &settings, &report.diagnostics)
}

#[test]
fn unknown_endpoints_become_external_nodes() {
    let t = lint_memory(&[
        (
            "lb/nginx.conf",
            "http { upstream app { server 198.51.100.7:8080; server 127.0.0.1:8081; } }\n",
        ),
        (
            "cache/stunnel.conf",
            "[redis]\nclient = yes\naccept = 127.0.0.1:6379\nconnect = 203.0.113.99:16379\n",
        ),
    ]);
    let external = t.node_index("198.51.100.7").expect("external upstream");
    assert_eq!(t.nodes[external].kind, NodeKind::External);
    assert_eq!(group_of(&t, "198.51.100.7"), "external");
    the_edge(&t, EdgeKind::Upstream, "lb", "198.51.100.7");
    // A server on the balancer itself is a link to itself, not an address.
    the_edge(&t, EdgeKind::Upstream, "lb", "lb");
    the_edge(&t, EdgeKind::StunnelClient, "cache", "203.0.113.99");
    assert_eq!(group_of(&t, "cache"), "unassigned");
}

#[test]
fn large_csync2_groups_get_a_hub() {
    let names: Vec<String> = (1..=8).map(|i| format!("node{i}")).collect();
    let group = names.iter().fold(String::new(), |mut out, n| {
        let _ = writeln!(out, "  host {n};");
        out
    });
    let config = format!("group big {{\n{group}  key /etc/csync2.key;\n  include /etc/x;\n}}\n");
    let files: Vec<(String, String)> = names
        .iter()
        .map(|n| (format!("{n}/etc/csync2.cfg"), config.clone()))
        .collect();
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let t = lint_memory(&files);
    let hub = t.node_index("csync2 group big").expect("a hub");
    assert_eq!(t.nodes[hub].kind, NodeKind::Hub);
    let peers: Vec<&Edge> = t
        .edges
        .iter()
        .filter(|e| e.kind == EdgeKind::Csync2Peer)
        .collect();
    assert_eq!(peers.len(), 8, "one link per member, not 28");
    assert!(peers.iter().all(|e| e.to == hub));
}

/// Names Graphviz and Mermaid must take as text.
#[test]
fn odd_node_names_render() {
    let t = lint_memory(&[
        (
            "we\"ird\\node/nginx.conf",
            "http { upstream a { server 198.51.100.7; } }\n",
        ),
        ("new#line&<b>/redis.conf", "port 6379\n"),
    ]);
    assert!(t.node_index("we\"ird\\node").is_some(), "{:?}", t.nodes);
    check_mermaid(&graph::render_mermaid(&t));
    if let Some(svg) = svg_of(&graph::render_dot(&t)) {
        assert!(svg.contains("we&quot;ird\\node"), "{svg}");
        assert!(svg.contains("new#line&amp;&lt;b&gt;"), "{svg}");
    }
}

/// Whether `dot` runs; without it the test skips, or fails in CI.
fn have_dot() -> bool {
    let found = Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            !common::in_ci(),
            "dot (Graphviz) is missing (scripts/install-test-deps.sh installs it)"
        );
        eprintln!("\n*** SKIPPED: dot not found ***\n");
    }
    found
}

/// Runs `dot` with `args` on `input`; fails on a non-zero exit or any
/// output on stderr (Graphviz warns there).
fn run_dot(args: &[&str], input: &str) -> String {
    let mut child = Command::new("dot")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dot starts");
    let mut stdin = child.stdin.take().unwrap();
    let text = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let output = child.wait_with_output().expect("dot runs");
    writer.join().unwrap().expect("dot reads its input");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stderr.trim().is_empty(),
        "dot {args:?} failed ({}): {stderr}\n{input}",
        output.status
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

fn svg_of(dot: &str) -> Option<String> {
    have_dot().then(|| run_dot(&["-Tsvg"], dot))
}

#[test]
fn example_clusters_render_with_graphviz() {
    for name in ["gluu-ha", "kaazing-shield-ha", "liferay-remote-staging"] {
        let (report, t) = example(name);
        let dot = graph::render_dot(&t);
        assert!(dot.starts_with("digraph cluster {\n  rankdir=LR;\n"));
        for group in &t.groups {
            let id = group.name.replace('-', "_");
            assert!(dot.contains(&format!("subgraph cluster_{id} {{")), "{dot}");
        }
        let mermaid = graph::render_mermaid(&t);
        check_mermaid(&mermaid);
        assert_no_secrets(&report, &[&dot, &mermaid]);
        let Some(svg) = svg_of(&dot) else { return };
        for node in &report.nodes {
            assert!(
                svg.contains(&node.name),
                "{name}: no `{}` in the SVG",
                node.name
            );
        }
    }
}

/// Every secret value of the cluster's files (long enough not to occur
/// by chance) is absent from every output.
fn assert_no_secrets(report: &Report, outputs: &[&str]) {
    for file in report.files.iter() {
        for range in file.source.secrets() {
            let secret = range.slice(&file.source.text).trim();
            if secret.chars().count() < 8 {
                continue;
            }
            for output in outputs {
                assert!(
                    !output.contains(secret),
                    "a secret of {} is in the picture",
                    file.source.path
                );
            }
        }
    }
}

/// The mini-clusters of every rule's fixtures: no panic, Mermaid that
/// passes the structural check, and DOT that Graphviz reads (all the
/// graphs in one `dot` run: one process per case would be slow).
#[test]
fn every_fixture_renders() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut cases = Vec::new();
    for pack in subdirs(&root) {
        if pack.ends_with("clusters") {
            continue;
        }
        for rule in subdirs(&pack) {
            for kind in ["pass", "fail"] {
                cases.extend(subdirs(&rule.join(kind)));
            }
        }
    }
    assert!(cases.len() > 100, "found only {} cases", cases.len());
    let mut all = String::new();
    for case in &cases {
        let (report, t) = topology_of(case);
        let dot = graph::render_dot(&t);
        let mermaid = graph::render_mermaid(&t);
        check_mermaid(&mermaid);
        assert_no_secrets(&report, &[&dot, &mermaid]);
        all.push_str(&dot);
    }
    if !have_dot() {
        return;
    }
    let canon = run_dot(&["-Tcanon"], &all);
    assert_eq!(canon.matches("digraph cluster {").count(), cases.len());
}

fn subdirs(path: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(path)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

/// The text of a `"..."` label at the start of `rest`, and what follows.
fn quoted(rest: &str) -> (&str, &str) {
    let rest = rest
        .strip_prefix('"')
        .unwrap_or_else(|| panic!("no quote: {rest}"));
    let end = rest.find('"').unwrap_or_else(|| panic!("unclosed: {rest}"));
    let label = &rest[..end];
    assert!(
        !label.replace("<br>", "").contains(['<', '>']),
        "raw HTML in {label:?}"
    );
    assert!(
        !label.contains(['\n', '`', '|']),
        "unescaped text in {label:?}"
    );
    (label, &rest[end + 1..])
}

fn id(text: &str, prefix: char) -> bool {
    text.strip_prefix(prefix)
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// A structural check of the Mermaid output (no Mermaid CLI offline):
/// ids are `nN`/`gN`, labels are quoted and escaped, every link joins
/// declared nodes, subgraphs close, `class` and `linkStyle` name what
/// exists.
fn check_mermaid(text: &str) {
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("flowchart LR"));
    let mut declared = BTreeSet::new();
    let mut links: Vec<(String, String)> = Vec::new();
    let mut open = 0usize;
    let mut classes = BTreeSet::new();
    let mut later: Vec<String> = Vec::new();
    for line in lines {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("subgraph ") {
            let (group, rest) = rest.split_at(rest.find('[').expect("subgraph label"));
            assert!(id(group, 'g'), "{line}");
            let (_, rest) = quoted(rest.strip_prefix('[').unwrap());
            assert_eq!(rest, "]", "{line}");
            open += 1;
        } else if line == "end" {
            assert!(open > 0, "`end` without `subgraph`");
            open -= 1;
        } else if let Some(rest) = line.strip_prefix("classDef ") {
            classes.insert(rest.split(' ').next().unwrap().to_string());
        } else if line.starts_with("class ") || line.starts_with("linkStyle ") {
            later.push(line.to_string());
        } else if let Some((from, rest)) = line
            .split_once(' ')
            .filter(|(from, _)| !from.contains(['[', '(']))
        {
            assert!(id(from, 'n'), "{line}");
            let (arrow, rest) = rest.split_at(rest.find(['|', ' ']).expect("link end"));
            assert!(["-->", "-.->", "---", "-.-"].contains(&arrow), "{line}");
            let rest = match rest.strip_prefix('|') {
                Some(label) => {
                    let (_, rest) = quoted(label);
                    rest.strip_prefix('|').expect("label end")
                }
                None => rest,
            };
            let to = rest.trim_start();
            assert!(id(to, 'n'), "{line}");
            links.push((from.to_string(), to.to_string()));
        } else {
            let (node, rest) = line.split_at(line.find(['[', '(']).expect("node shape"));
            assert!(id(node, 'n'), "{line}");
            let (open_shape, close_shape) = if rest.starts_with("((") {
                ("((", "))")
            } else {
                ("[", "]")
            };
            let (_, rest) = quoted(rest.strip_prefix(open_shape).unwrap());
            assert_eq!(rest, close_shape, "{line}");
            assert!(declared.insert(node.to_string()), "{node} declared twice");
        }
    }
    assert_eq!(open, 0, "unclosed subgraph");
    for (from, to) in &links {
        assert!(
            declared.contains(from) && declared.contains(to),
            "{from} - {to}"
        );
    }
    for line in later {
        let mut words = line.split(' ');
        match words.next() {
            Some("class") => {
                for node in words.next().unwrap().split(',') {
                    assert!(declared.contains(node), "{line}");
                }
                assert!(classes.contains(words.next().unwrap()), "{line}");
            }
            _ => {
                for index in words.next().unwrap().split(',') {
                    let index: usize = index.parse().expect(&line);
                    assert!(index < links.len(), "{line}");
                }
            }
        }
    }
}

/// `docs/gluu-ha.dot` is the picture of the example Gluu cluster;
/// `UPDATE_DOCS=1` rewrites it and renders `docs/gluu-ha.svg`.
#[test]
fn docs_picture_is_up_to_date() {
    let (_, t) = example("gluu-ha");
    let dot = graph::render_dot(&t);
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let dot_path = docs.join("gluu-ha.dot");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        fs::create_dir_all(&docs).unwrap();
        fs::write(&dot_path, &dot).unwrap();
        assert!(have_dot(), "UPDATE_DOCS needs dot to render the SVG");
        fs::write(docs.join("gluu-ha.svg"), run_dot(&["-Tsvg"], &dot)).unwrap();
        return;
    }
    assert!(
        fs::read_to_string(&dot_path).ok().as_deref() == Some(dot.as_str()),
        "docs/gluu-ha.dot is stale (run `UPDATE_DOCS=1 cargo test --test graph docs_picture`)"
    );
    assert!(
        docs.join("gluu-ha.svg").is_file(),
        "docs/gluu-ha.svg is missing"
    );
}

#[test]
fn the_mermaid_check_catches_mistakes() {
    check_mermaid(
        "flowchart LR\n  n0[\"a\"]\n  n1[\"b\"]\n  n0 -->|\"x\"| n1\n  linkStyle 0 stroke:red\n",
    );
    for bad in [
        "flowchart LR\n  n0[\"a\"]\n  n0 --> n1\n",
        "flowchart LR\n  n0[\"a \"quoted\"\"]\n",
        "flowchart LR\n  node-1[\"a\"]\n",
        "flowchart LR\n  subgraph g0[\"x\"]\n  n0[\"a\"]\n",
        "flowchart LR\n  n0[\"a\"]\n  n1[\"b\"]\n  n0 --> n1\n  linkStyle 1 stroke:red\n",
        "flowchart LR\n  n0[\"<b>a</b>\"]\n",
    ] {
        let caught = std::panic::catch_unwind(|| check_mermaid(bad));
        assert!(caught.is_err(), "accepted:\n{bad}");
    }
}

/// OpenDJ replication links the nodes whose replication lists name each
/// other; a wrong port in one list marks the link.
#[test]
fn opendj_replication_links() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/opendj/replication-port-mismatch/fail/wrong-port");
    let (_, t) = topology_of(&root);
    let edge = the_edge(&t, EdgeKind::OpendjReplication, "gluu1", "gluu2");
    assert_eq!(edge.label, "OpenDJ replication");
    assert_eq!(errors(edge), ["opendj/replication-port-mismatch"]);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/opendj/replication-server-missing/pass/names-from-hosts-files");
    let (_, t) = topology_of(&root);
    for (a, b) in [("gluu1", "gluu2"), ("gluu1", "gluu3"), ("gluu2", "gluu3")] {
        let edge = the_edge(&t, EdgeKind::OpendjReplication, a, b);
        assert_eq!(edge.findings.status(), Status::Ok);
    }
}
