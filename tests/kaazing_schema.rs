//! The KAAZING gateway schema table (`formats::xml::kaazing_schema`) against the
//! XSDs it was generated from.
//!
//! * The facts are derived here again, independently of the generator: every
//!   complex type's particle tree (names, order, min/max, element types, fixed
//!   and default values), every simple type's whitespace rule and restriction
//!   (built-in, enumeration values, list, union, which pattern).
//! * The matcher's behaviour on small hand-made child lists.
//! * Real verdicts, when `xmllint` (and `xsltproc`) are installed: every simple
//!   type on a pool of values, child lists generated from the XSDs and mutated
//!   (valid exactly when the matcher finds no schema error), and the `xsi:type`
//!   the annotate stylesheet derives for services and login modules.
//!
//! The XSDs are read from `reference/kaazing/`; probe schemas are
//! written to a temporary folder only.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use clusterlint::formats::xml::kaazing_schema::{
    Content, ContentProblem, ElementType, Namespace, Particle, Pattern, Placement, Schema,
    SimpleKind, Term, WhiteSpace, check_value, schema,
};
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

const FILES: [(Namespace, &str); 3] = [
    (Namespace::V2016_06, "gateway-config-201606.xsd"),
    (Namespace::V2015_11, "gateway-config-201511.xsd"),
    (Namespace::V2014_09, "gateway-config-201409.xsd"),
];

/// The gateway's XSDs (`reference/kaazing/`); missing, the tests fail.
fn reference_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("reference/kaazing");
    assert!(
        dir.join(FILES[0].1).is_file(),
        "the KAAZING XSDs are missing from {}",
        dir.display()
    );
    dir
}

// ---------------------------------------------------------------------------
// A small tree of the XSD

#[derive(Debug)]
struct Node {
    name: String,
    attrs: BTreeMap<String, String>,
    children: Vec<Node>,
    /// Byte range of the whole element in the file.
    span: (usize, usize),
}

impl Node {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs.get(key).map(String::as_str)
    }

    fn kids<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    fn kid(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }
}

fn open(e: &BytesStart<'_>, at: usize) -> Node {
    let mut attrs = BTreeMap::new();
    for a in e.attributes() {
        let a = a.expect("attribute");
        let value = a
            .normalized_value(XmlVersion::Implicit1_0)
            .expect("attribute value")
            .into_owned();
        attrs.insert(a.key.as_ref().to_owned(), value);
    }
    Node {
        name: e.local_name().as_ref().to_owned(),
        attrs,
        children: Vec::new(),
        span: (at, at),
    }
}

fn parse_xml(text: &str) -> Node {
    let mut reader = Reader::from_str(text);
    let mut stack = vec![Node {
        name: String::new(),
        attrs: BTreeMap::new(),
        children: Vec::new(),
        span: (0, 0),
    }];
    loop {
        let at = reader.buffer_position() as usize;
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => stack.push(open(&e, at)),
            Event::Empty(e) => {
                let mut node = open(&e, at);
                node.span.1 = reader.buffer_position() as usize;
                stack.last_mut().expect("parent").children.push(node);
            }
            Event::End(_) => {
                let mut node = stack.pop().expect("open element");
                node.span.1 = reader.buffer_position() as usize;
                stack.last_mut().expect("parent").children.push(node);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut document = stack.pop().expect("document");
    document.children.pop().expect("root element")
}

// ---------------------------------------------------------------------------
// The facts, derived from the XSD

#[derive(Debug, PartialEq)]
enum XType {
    Complex(String),
    Simple(String),
    Any,
}

#[derive(Debug, PartialEq)]
enum XTerm {
    Element {
        name: String,
        ty: XType,
        fixed: Option<String>,
        default: Option<String>,
    },
    Sequence(Vec<XParticle>),
    Choice(Vec<XParticle>),
    All(Vec<XParticle>),
    Any,
}

#[derive(Debug, PartialEq)]
struct XParticle {
    min: u32,
    max: Option<u32>,
    term: XTerm,
}

#[derive(Debug)]
struct XComplex {
    is_abstract: bool,
    base: Option<String>,
    content: Option<XParticle>,
    /// The anonymous definition's byte range, to copy it into a probe schema.
    anonymous: Option<(usize, usize)>,
}

#[derive(Debug, Clone, PartialEq)]
enum XKind {
    String,
    AnyUri,
    NonNegativeInteger,
    Enumeration(Vec<String>),
    Pattern(String),
    List(String),
    Union(Vec<String>),
}

#[derive(Debug, Clone)]
struct XSimple {
    whitespace: WhiteSpace,
    kind: XKind,
    anonymous: Option<(usize, usize)>,
}

struct Facts {
    text: String,
    complex: BTreeMap<String, XComplex>,
    simple: BTreeMap<String, XSimple>,
}

/// A `gateway:`-prefixed or unprefixed (XSD) type reference.
fn reference(qname: &str) -> (bool, &str) {
    if let Some(local) = qname.strip_prefix("gateway:") {
        return (true, local);
    }
    assert!(!qname.contains(':'), "unexpected prefix in {qname}");
    (false, qname)
}

fn occurrence(node: &Node) -> (u32, Option<u32>) {
    let min = node
        .attr("minOccurs")
        .map_or(1, |v| v.parse().expect("minOccurs"));
    let max = match node.attr("maxOccurs") {
        Some("unbounded") => None,
        Some(v) => Some(v.parse().expect("maxOccurs")),
        None => Some(1),
    };
    (min, max)
}

impl Facts {
    fn read(path: &Path) -> Self {
        let text = fs::read_to_string(path).expect("XSD readable");
        let root = parse_xml(&text);
        assert_eq!(root.name, "schema");
        let mut facts = Self {
            text: String::new(),
            complex: BTreeMap::new(),
            simple: BTreeMap::new(),
        };
        assert!(
            root.children
                .iter()
                .all(|c| !c.name.starts_with("attribute")),
            "attribute declarations appeared"
        );
        let groups: BTreeMap<&str, &Node> = root
            .kids("group")
            .map(|g| (g.attr("name").expect("name"), g))
            .collect();
        // Simple types first (they refer only to each other), each once its
        // references are known; then the complex types.
        let mut pending: Vec<&Node> = root.kids("simpleType").collect();
        while !pending.is_empty() {
            let before = pending.len();
            pending.retain(|st| {
                let ready = simple_references(st)
                    .iter()
                    .all(|r| facts.simple.contains_key(r));
                if ready {
                    facts.simple_type(st, st.attr("name").expect("name"), None);
                }
                !ready
            });
            assert!(pending.len() < before, "simple types refer to unknown ones");
        }
        let globals: Vec<&Node> = root.kids("element").collect();
        assert_eq!(globals.len(), 1, "one global element");
        assert_eq!(globals[0].attr("name"), Some("gateway-config"));
        let complex = globals[0].kid("complexType").expect("root type");
        facts.complex_type(complex, "gateway-config", &groups, None);
        for ct in root.kids("complexType") {
            facts.complex_type(ct, ct.attr("name").expect("name"), &groups, None);
        }
        facts.text = text;
        facts
    }

    fn complex_type(
        &mut self,
        node: &Node,
        name: &str,
        groups: &BTreeMap<&str, &Node>,
        anonymous: Option<(usize, usize)>,
    ) {
        let mut base = None;
        let content;
        if let Some(cc) = node.kid("complexContent") {
            let (derivation, extension) = match (cc.kid("restriction"), cc.kid("extension")) {
                (Some(r), None) => (r, false),
                (None, Some(e)) => (e, true),
                _ => panic!("{name}: complexContent needs one derivation"),
            };
            let (gateway, local) = reference(derivation.attr("base").expect("base"));
            if gateway {
                base = Some(local.to_owned());
            } else {
                assert_eq!(local, "anyType", "{name}");
            }
            content = self.model(derivation, name, groups);
            // None of the three XSDs extends a type; the generator's rule (base
            // content, then the extension's) would need checking here first.
            assert!(!extension, "{name}: an extension appeared");
        } else {
            assert!(
                node.kid("simpleContent").is_none(),
                "{name}: simple content appeared"
            );
            content = self.model(node, name, groups);
        }
        let empty = matches!(&content, Some(XParticle { term: XTerm::Sequence(v) | XTerm::Choice(v) | XTerm::All(v), .. }) if v.is_empty());
        let previous = self.complex.insert(
            name.to_owned(),
            XComplex {
                is_abstract: node.attr("abstract") == Some("true"),
                base,
                content: if empty { None } else { content },
                anonymous,
            },
        );
        assert!(previous.is_none(), "two types named {name}");
    }

    fn model(
        &mut self,
        node: &Node,
        owner: &str,
        groups: &BTreeMap<&str, &Node>,
    ) -> Option<XParticle> {
        let mut found = None;
        for c in &node.children {
            if matches!(c.name.as_str(), "sequence" | "choice" | "all" | "group") {
                assert!(found.is_none(), "{owner}: two particles");
                found = Some(self.particle(c, owner, groups));
            }
            assert!(!c.name.contains("ttribute"), "{owner}: attributes appeared");
        }
        found
    }

    fn particle(&mut self, node: &Node, owner: &str, groups: &BTreeMap<&str, &Node>) -> XParticle {
        let (min, max) = occurrence(node);
        let term = match node.name.as_str() {
            "element" => {
                assert!(node.attr("ref").is_none(), "{owner}: element reference");
                let name = node.attr("name").expect("element name");
                let here = format!("{owner}/{name}");
                let ty = if let Some(t) = node.attr("type") {
                    let (gateway, local) = reference(t);
                    if !gateway {
                        XType::Simple(self.simple_ref(t))
                    } else if self.simple.contains_key(local) {
                        XType::Simple(local.to_owned())
                    } else {
                        // Every named simple type is known by now.
                        XType::Complex(local.to_owned())
                    }
                } else if let Some(ct) = node.kid("complexType") {
                    self.complex_type(ct, &here, groups, Some(ct.span));
                    XType::Complex(here)
                } else if let Some(st) = node.kid("simpleType") {
                    self.simple_type(st, &here, Some(st.span));
                    XType::Simple(here)
                } else {
                    XType::Any
                };
                XTerm::Element {
                    name: name.to_owned(),
                    ty,
                    fixed: node.attr("fixed").map(str::to_owned),
                    default: node.attr("default").map(str::to_owned),
                }
            }
            "any" => {
                assert_eq!(node.attr("processContents"), Some("lax"), "{owner}");
                assert!(
                    node.attr("namespace").is_none_or(|n| n == "##any"),
                    "{owner}"
                );
                XTerm::Any
            }
            "group" => {
                let (_, local) = reference(node.attr("ref").expect("group ref"));
                let group = groups[local];
                let inner: Vec<&Node> = group
                    .children
                    .iter()
                    .filter(|c| c.name != "annotation")
                    .collect();
                assert_eq!(inner.len(), 1, "group {local}");
                self.particle(inner[0], owner, groups).term
            }
            kind => {
                let items = node
                    .children
                    .iter()
                    .filter(|c| c.name != "annotation")
                    .map(|c| self.particle(c, owner, groups))
                    .collect();
                match kind {
                    "sequence" => XTerm::Sequence(items),
                    "choice" => XTerm::Choice(items),
                    "all" => XTerm::All(items),
                    other => panic!("{owner}: particle {other}"),
                }
            }
        };
        XParticle { min, max, term }
    }

    /// A simple type's base or member, by reference.
    fn simple_ref(&mut self, qname: &str) -> String {
        let (gateway, local) = reference(qname);
        if gateway {
            return local.to_owned();
        }
        let name = format!("xs:{local}");
        let (whitespace, kind) = match local {
            "string" => (WhiteSpace::Preserve, XKind::String),
            "anyURI" => (WhiteSpace::Collapse, XKind::AnyUri),
            "nonNegativeInteger" => (WhiteSpace::Collapse, XKind::NonNegativeInteger),
            other => panic!("built-in {other} appeared"),
        };
        self.simple.entry(name.clone()).or_insert(XSimple {
            whitespace,
            kind,
            anonymous: None,
        });
        name
    }

    fn simple_type(&mut self, node: &Node, name: &str, anonymous: Option<(usize, usize)>) {
        let st = if let Some(r) = node.kid("restriction") {
            let base = self.simple_ref(r.attr("base").expect("base"));
            let base = self.simple[&base].clone();
            let mut st = XSimple { anonymous, ..base };
            let values: Vec<String> = r
                .kids("enumeration")
                .map(|e| e.attr("value").expect("value").to_owned())
                .collect();
            if !values.is_empty() {
                assert_eq!(st.kind, XKind::String, "{name}");
                st.kind = XKind::Enumeration(values);
            }
            if let Some(p) = r.kid("pattern") {
                assert_eq!(st.kind, XKind::String, "{name}");
                assert_eq!(r.kids("pattern").count(), 1, "{name}");
                st.kind = XKind::Pattern(p.attr("value").expect("value").to_owned());
            }
            if let Some(w) = r.kid("whiteSpace") {
                st.whitespace = match w.attr("value") {
                    Some("preserve") => WhiteSpace::Preserve,
                    Some("replace") => WhiteSpace::Replace,
                    Some("collapse") => WhiteSpace::Collapse,
                    other => panic!("{name}: whiteSpace {other:?}"),
                };
            }
            st
        } else if let Some(u) = node.kid("union") {
            let mut members: Vec<String> = u
                .attr("memberTypes")
                .unwrap_or("")
                .split_whitespace()
                .map(|m| self.simple_ref(m))
                .collect();
            for sub in u.kids("simpleType") {
                let member = format!("{name}/{}", members.len() + 1);
                self.simple_type(sub, &member, Some(sub.span));
                members.push(member);
            }
            XSimple {
                whitespace: WhiteSpace::Preserve,
                kind: XKind::Union(members),
                anonymous,
            }
        } else if let Some(l) = node.kid("list") {
            let item = self.simple_ref(l.attr("itemType").expect("itemType"));
            XSimple {
                whitespace: WhiteSpace::Collapse,
                kind: XKind::List(item),
                anonymous,
            }
        } else {
            panic!("{name}: unknown simple type form");
        };
        assert!(
            self.simple.insert(name.to_owned(), st).is_none(),
            "two simple types named {name}"
        );
    }

    /// The simple types elements use.
    fn used_simple(&self) -> BTreeSet<String> {
        let mut used = BTreeSet::new();
        for ct in self.complex.values() {
            if let Some(p) = &ct.content {
                each_xelement(p, &mut |ty| {
                    if let XType::Simple(s) = ty {
                        used.insert(s.clone());
                    }
                });
            }
        }
        used
    }
}

/// The `gateway:` simple types a simple type definition refers to.
fn simple_references(node: &Node) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["base", "memberTypes", "itemType"] {
        for r in node.attr(key).unwrap_or("").split_whitespace() {
            if let (true, local) = reference(r) {
                out.push(local.to_owned());
            }
        }
    }
    for c in &node.children {
        out.extend(simple_references(c));
    }
    out
}

fn each_xelement(p: &XParticle, f: &mut impl FnMut(&XType)) {
    match &p.term {
        XTerm::Element { ty, .. } => f(ty),
        XTerm::Sequence(items) | XTerm::Choice(items) | XTerm::All(items) => {
            for i in items {
                each_xelement(i, f);
            }
        }
        XTerm::Any => {}
    }
}

fn facts(dir: &Path) -> Vec<(Namespace, Facts)> {
    FILES
        .iter()
        .map(|&(ns, file)| (ns, Facts::read(&dir.join(file))))
        .collect()
}

// ---------------------------------------------------------------------------
// The table against the facts

fn compare_particle(at: &str, table: &Particle, xsd: &XParticle, problems: &mut Vec<String>) {
    if table.min != xsd.min || table.max != xsd.max {
        problems.push(format!(
            "{at}: occurs {}..{:?} in the table, {}..{:?} in the XSD",
            table.min, table.max, xsd.min, xsd.max
        ));
    }
    match (&table.term, &xsd.term) {
        (
            Term::Element(e),
            XTerm::Element {
                name,
                ty,
                fixed,
                default,
            },
        ) => {
            let at = format!("{at}/{name}");
            if e.name != name {
                problems.push(format!("{at}: the table has `{}`", e.name));
            }
            let same = match (e.ty, ty) {
                (ElementType::Complex(c), XType::Complex(x)) => c == x,
                (ElementType::Simple(s), XType::Simple(x)) => s.name == x,
                (ElementType::Any, XType::Any) => true,
                _ => false,
            };
            if !same {
                problems.push(format!(
                    "{at}: type {:?} in the table, {ty:?} in the XSD",
                    e.ty
                ));
            }
            if e.fixed != fixed.as_deref() || e.default != default.as_deref() {
                problems.push(format!("{at}: fixed/default differ"));
            }
        }
        (Term::Sequence(a), XTerm::Sequence(b))
        | (Term::Choice(a), XTerm::Choice(b))
        | (Term::All(a), XTerm::All(b)) => {
            if a.len() == b.len() {
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    compare_particle(&format!("{at}[{i}]"), x, y, problems);
                }
            } else {
                problems.push(format!(
                    "{at}: {} particles in the table, {} in the XSD",
                    a.len(),
                    b.len()
                ));
            }
        }
        (Term::Any, XTerm::Any) => {}
        (t, x) => problems.push(format!("{at}: {t:?} in the table, {x:?} in the XSD")),
    }
}

fn compare(
    ns: Namespace,
    got: &Schema,
    want: &Facts,
    patterns: &mut BTreeMap<String, Pattern>,
    problems: &mut Vec<String>,
) {
    let table: BTreeSet<&str> = got.complex_types().map(|t| t.name).collect();
    let xsd: BTreeSet<&str> = want.complex.keys().map(String::as_str).collect();
    if table != xsd {
        problems.push(format!(
            "{ns:?}: complex types differ: {:?}",
            table.symmetric_difference(&xsd).collect::<Vec<_>>()
        ));
    }
    for (name, x) in &want.complex {
        let Some(t) = got.complex_type(name) else {
            continue;
        };
        let at = format!("{ns:?} {name}");
        if t.is_abstract != x.is_abstract || t.base != x.base.as_deref() {
            problems.push(format!("{at}: abstract/base differ"));
        }
        match (&t.content, &x.content) {
            (Content::Empty, None) => {}
            (Content::Elements(p), Some(xp)) => compare_particle(&at, p, xp, problems),
            (c, xc) => problems.push(format!(
                "{at}: content {c:?} in the table, {xc:?} in the XSD"
            )),
        }
    }
    let used = want.used_simple();
    for u in &used {
        if !want.simple.contains_key(u) {
            problems.push(format!("{ns:?}: simple type {u} used but not defined"));
        }
    }
    let table: BTreeSet<&str> = got.simple_types().map(|t| t.name).collect();
    let xsd: BTreeSet<&str> = want.simple.keys().map(String::as_str).collect();
    if table != xsd {
        problems.push(format!(
            "{ns:?}: simple types differ: {:?}",
            table.symmetric_difference(&xsd).collect::<Vec<_>>()
        ));
    }
    for (name, x) in &want.simple {
        let Some(t) = got.simple_type(name) else {
            continue;
        };
        let at = format!("{ns:?} {name}");
        if t.whitespace != x.whitespace {
            problems.push(format!(
                "{at}: whitespace {:?} in the table, {:?} in the XSD",
                t.whitespace, x.whitespace
            ));
        }
        let same = match (t.kind, &x.kind) {
            (SimpleKind::String, XKind::String)
            | (SimpleKind::AnyUri, XKind::AnyUri)
            | (SimpleKind::NonNegativeInteger, XKind::NonNegativeInteger) => true,
            (SimpleKind::Enumeration(a), XKind::Enumeration(b)) => a == b.as_slice(),
            (SimpleKind::List(item), XKind::List(b)) => item.name == b,
            (SimpleKind::Union(members), XKind::Union(b)) => members
                .iter()
                .map(|m| m.name)
                .eq(b.iter().map(String::as_str)),
            (SimpleKind::Pattern(p), XKind::Pattern(text)) => {
                let known = *patterns.entry(text.clone()).or_insert(p);
                known == p
            }
            _ => false,
        };
        if !same {
            problems.push(format!(
                "{at}: kind {:?} in the table, {:?} in the XSD",
                t.kind, x.kind
            ));
        }
    }
}

#[test]
fn the_table_holds_the_facts_of_the_xsds() {
    let dir = reference_dir();
    let mut problems = Vec::new();
    let mut patterns = BTreeMap::new();
    for (ns, f) in facts(&dir) {
        compare(ns, schema(ns), &f, &mut patterns, &mut problems);
    }
    // Distinct pattern texts are distinct patterns.
    let distinct: BTreeSet<Pattern> = patterns.values().copied().collect();
    if distinct.len() != patterns.len() {
        problems.push(format!(
            "two XSD patterns share one implementation: {patterns:?}"
        ));
    }
    assert!(
        problems.is_empty(),
        "table and XSDs disagree:\n{}",
        problems.join("\n")
    );
}

#[test]
fn service_and_login_module_types_are_the_concrete_derived_ones() {
    let dir = reference_dir();
    for (ns, f) in facts(&dir) {
        let s = schema(ns);
        for (suffix, base, extra) in [
            ("ServiceType", "ServiceType", "ExtensionServiceType"),
            (
                "LoginModuleType",
                "LoginModuleType",
                "CustomLoginModuleType",
            ),
        ] {
            let mut expected: Vec<&str> = f
                .complex
                .iter()
                .filter(|(n, t)| !t.is_abstract && derives(&f, n, base) && n.as_str() != extra)
                .map(|(n, _)| {
                    n.strip_suffix(suffix)
                        .expect("type names end with their base's name")
                })
                .collect();
            expected.sort_unstable();
            let values = if base == "ServiceType" {
                s.service_type_values()
            } else {
                s.login_module_type_values()
            };
            assert_eq!(values, expected, "{ns:?} {base}");
            for v in values {
                let ty = if base == "ServiceType" {
                    s.service_type(v)
                } else {
                    s.login_module_type(v)
                };
                let ty = ty.unwrap_or_else(|| panic!("{ns:?}: {v} has no type"));
                // The concrete type fixes its `type` to the value that names it.
                if let Some(e) = s.element(ty, "type")
                    && let Some(fixed) = e.fixed
                {
                    assert_eq!(fixed, v, "{ns:?} {ty}");
                }
            }
        }
    }
}

fn derives<'a>(f: &'a Facts, mut name: &'a str, base: &str) -> bool {
    loop {
        if name == base {
            return true;
        }
        match f.complex.get(name).and_then(|t| t.base.as_deref()) {
            Some(b) => name = b,
            None => return false,
        }
    }
}

// ---------------------------------------------------------------------------
// The matcher on hand-made child lists

fn v16() -> &'static Schema {
    schema(Namespace::V2016_06)
}

#[test]
fn unknown_children_list_what_fits() {
    let problems = v16().check_children("ClusterType", &["name", "acept"]);
    assert_eq!(
        problems,
        [ContentProblem::Unknown {
            index: 1,
            expected: vec!["accept", "connect", "connect-options"],
            known: vec!["name", "accept", "connect", "connect-options"],
        }]
    );
    // proxy services have no mime-mapping.
    let problems = v16().check_children(
        "proxyServiceType",
        &["name", "accept", "type", "mime-mapping"],
    );
    assert!(
        matches!(&problems[..], [ContentProblem::Unknown { index: 3, known, .. }] if !known.contains(&"mime-mapping"))
    );
    assert!(v16().known_names("ServiceType").contains(&"mime-mapping"));
    // Empty content: anything is unknown.
    let problems = v16().check_children("AuthorizationConstraintType/require-valid-user", &["x"]);
    assert!(
        matches!(&problems[..], [ContentProblem::Unknown { index: 0, expected, .. }] if expected.is_empty())
    );
    // A wildcard takes anything.
    assert!(
        v16()
            .check_children("ServicePropertiesType", &["a", "b", "{urn:x}c"])
            .is_empty()
    );
}

#[test]
fn misplaced_children_say_where_they_belong() {
    // <properties> after a <service>.
    let problems = v16().check_children("gateway-config", &["service", "properties"]);
    assert_eq!(
        problems,
        [ContentProblem::Misplaced {
            index: 1,
            expected: vec!["service", "service-defaults", "security", "cluster"],
            placement: Placement::Before(0),
        }]
    );
    // <type> before <name>: one problem, no "missing type" besides.
    let problems = v16().check_children("proxyServiceType", &["type", "name", "accept"]);
    assert_eq!(
        problems,
        [ContentProblem::Misplaced {
            index: 0,
            expected: vec!["name"],
            placement: Placement::After(1),
        }]
    );
    // <accept> after <type>.
    let problems = v16().check_children("ServiceType", &["name", "description", "type", "accept"]);
    assert_eq!(
        problems,
        [ContentProblem::Misplaced {
            index: 3,
            expected: vec![
                "properties",
                "accept-options",
                "connect-options",
                "realm-name",
                "authorization-constraint",
                "mime-mapping",
                "cross-site-constraint"
            ],
            placement: Placement::Before(2),
        }]
    );
}

#[test]
fn missing_children_are_located() {
    let problems = v16().check_children("proxyServiceType", &["name"]);
    assert_eq!(
        problems,
        [
            ContentProblem::Missing {
                name: "accept",
                alternatives: vec!["accept"],
                before: None
            },
            ContentProblem::Missing {
                name: "type",
                alternatives: vec!["type"],
                before: None
            },
        ]
    );
    let problems = v16().check_children("proxyServiceType", &["name", "type", "realm-name"]);
    assert_eq!(
        problems,
        [ContentProblem::Missing {
            name: "accept",
            alternatives: vec!["accept"],
            before: Some(1)
        }]
    );
    let problems = v16().check_children("AuthorizationConstraintType", &[]);
    assert_eq!(
        problems,
        [ContentProblem::Missing {
            name: "require-role",
            alternatives: vec!["require-role", "require-valid-user"],
            before: None
        }]
    );
    // An empty <properties> needs a <property>; the options need both AWS keys.
    assert_eq!(v16().check_children("PropertiesType", &[]).len(), 1);
    assert_eq!(
        v16()
            .check_children("ClusterConnectOptionsType", &["aws.secret-key"])
            .len(),
        1
    );
}

#[test]
fn repeats_are_too_many_or_only_linted() {
    assert_eq!(
        v16().check_children("ClusterType", &["name", "name"]),
        [ContentProblem::TooMany {
            index: 1,
            max: 1,
            first: 0
        }]
    );
    assert_eq!(
        v16().check_children("ServiceAcceptOptionsType", &["ws.bind", "ws.bind", "bogus"]),
        [
            ContentProblem::TooMany {
                index: 1,
                max: 1,
                first: 0
            },
            ContentProblem::Unknown {
                index: 2,
                expected: v16()
                    .known_names("ServiceAcceptOptionsType")
                    .into_iter()
                    .filter(|n| *n != "ws.bind")
                    .collect(),
                known: v16().known_names("ServiceAcceptOptionsType"),
            }
        ]
    );
    // Two <cluster>s: the schema takes them (an unbounded choice), the lint does not.
    let problems = v16().check_children("gateway-config", &["cluster", "service", "cluster"]);
    assert_eq!(
        problems,
        [ContentProblem::Repeated {
            index: 2,
            max: 1,
            first: 0
        }]
    );
    assert!(!problems[0].is_schema_error());
    // Options in any order are fine.
    assert!(
        v16()
            .check_children(
                "ServiceAcceptOptionsType",
                &["wss.bind", "ssl.ciphers", "ws.bind"]
            )
            .is_empty()
    );
}

#[test]
fn descending_and_xsi_types() {
    let s = v16();
    assert_eq!(s.root().name, "gateway-config");
    assert!(matches!(
        s.root().ty,
        ElementType::Complex("gateway-config")
    ));
    assert!(matches!(
        s.child_type("gateway-config", "service"),
        Some(ElementType::Complex("ServiceType"))
    ));
    assert!(matches!(
        s.child_type("ServiceType", "accept-options"),
        Some(ElementType::Complex("ServiceAcceptOptionsType"))
    ));
    assert!(
        matches!(s.child_type("RealmType", "name"), Some(ElementType::Simple(t)) if t.name == "CollapsedString")
    );
    assert!(matches!(
        s.child_type("ServicePropertiesType", "anything"),
        Some(ElementType::Any)
    ));
    assert!(s.child_type("ClusterType", "bogus").is_none());
    // The service's effective type comes from its <type>, as the stylesheet does it.
    let ty = s.service_type(" balancer ").expect("balancer");
    assert_eq!(ty, "balancerServiceType");
    assert!(s.derives_from(ty, "ServiceType"));
    assert!(
        s.check_children(ty, &["name", "accept", "type", "connect"])
            .iter()
            .any(ContentProblem::is_schema_error)
    );
    assert_eq!(s.service_type("x-extension"), Some("ExtensionServiceType"));
    assert_eq!(s.service_type("management.snmp"), None);
    assert!(matches!(
        s.child_type("fileLoginModuleType", "options"),
        Some(ElementType::Complex("fileLoginModuleType/options"))
    ));
    // Older namespaces: 2014/09 lacks the tls.* options and turn.rest.
    let old = schema(Namespace::V2014_09);
    assert!(
        old.child_type("ServiceAcceptOptionsType", "tls.ciphers")
            .is_none()
    );
    assert_eq!(old.service_type("turn.rest"), None);
    assert!(
        old.child_type("broadcastServicePropertiesType", "service.domain")
            .is_some()
    );
}

// ---------------------------------------------------------------------------
// Real verdicts

fn have(program: &str) -> bool {
    let found = Command::new(program).arg("--version").output().is_ok();
    if !found {
        common::missing(program);
    }
    found
}

/// A deterministic xorshift generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The XSD with probe declarations added: a named copy of every anonymous
/// type, a `values` element taking any simple type's element `v<i>`, and a
/// global element `c<i>` per complex type.
struct Probe {
    xsd: String,
    /// Simple type name -> probe element.
    value_elements: BTreeMap<String, String>,
    /// Complex type name -> probe element (the root type: `gateway-config`).
    type_elements: BTreeMap<String, String>,
}

fn probe_schema(f: &Facts) -> Probe {
    let mut extra = String::new();
    let mut named =
        |anonymous: Option<(usize, usize)>, tag: &str, name: &str, counter: usize| -> String {
            match anonymous {
                Some((a, b)) => {
                    let definition = &f.text[a..b];
                    let open = format!("<{tag}");
                    assert!(definition.starts_with(&open), "{name}: {definition:.40}");
                    let copy = format!("probe-{tag}-{counter}");
                    let _ = writeln!(extra, "<{tag} name=\"{copy}\"{}", &definition[open.len()..]);
                    format!("gateway:{copy}")
                }
                None if name.starts_with("xs:") => name["xs:".len()..].to_owned(),
                None => format!("gateway:{name}"),
            }
        };
    let mut value_elements = BTreeMap::new();
    let mut choice = String::new();
    for (i, (name, st)) in f.simple.iter().enumerate() {
        let ty = named(st.anonymous, "simpleType", name, i);
        let _ = writeln!(choice, "<element name=\"v{i}\" type=\"{ty}\"/>");
        value_elements.insert(name.clone(), format!("v{i}"));
    }
    let mut type_elements = BTreeMap::new();
    let mut globals = String::new();
    for (i, (name, ct)) in f.complex.iter().enumerate() {
        if name == "gateway-config" {
            type_elements.insert(name.clone(), name.clone());
            continue;
        }
        let ty = named(ct.anonymous, "complexType", name, i);
        let _ = writeln!(globals, "<element name=\"c{i}\" type=\"{ty}\"/>");
        type_elements.insert(name.clone(), format!("c{i}"));
    }
    let _ = write!(
        extra,
        "<element name=\"values\"><complexType><choice minOccurs=\"0\" maxOccurs=\"unbounded\">\n{choice}</choice></complexType></element>\n{globals}"
    );
    let end = f.text.rfind("</schema>").expect("schema end");
    Probe {
        xsd: format!("{}{extra}{}", &f.text[..end], &f.text[end..]),
        value_elements,
        type_elements,
    }
}

/// Runs xmllint on files; the set of those it refused, and its messages.
fn xmllint(xsd: &Path, files: &[PathBuf]) -> (BTreeSet<PathBuf>, String) {
    let mut refused = BTreeSet::new();
    let mut messages = String::new();
    for chunk in files.chunks(2000) {
        let out = Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(xsd)
            .args(chunk)
            .output()
            .expect("xmllint runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("Schemas parser error"),
            "the probe schema does not compile:\n{stderr}"
        );
        for line in stderr.lines() {
            if let Some(file) = line.strip_suffix(" fails to validate") {
                refused.insert(PathBuf::from(file));
            } else if !line.ends_with(" validates") {
                messages.push_str(line);
                messages.push('\n');
            }
        }
    }
    (refused, messages)
}

/// Values every simple type is tried with, besides its own enumeration.
const VALUES: &[&str] = &[
    "",
    " ",
    "a",
    "x y",
    "GET,POST",
    "GET, POST",
    "GET,,POST",
    ",GET",
    "30",
    " 30 ",
    "30 sec",
    "1.5MINUTES",
    "30 days",
    "-1",
    "-0",
    "+5",
    "007",
    "1.0",
    "128k",
    "128 k",
    "1G",
    "10MB/s",
    "10mb/s",
    "max-age=1h",
    "private, max-age=m+10min",
    "max-age=",
    "=5",
    "class:com.example.Login",
    "class:com.example.My_Login",
    " class:a.b ",
    "class:",
    "my-extension",
    "-extension",
    "my-extension-2",
    "enabled",
    " enabled\t",
    "Enabled",
    "*",
    " * ",
    "http://h:80/",
    "tcp://10.0.0.1:5941",
    "%",
    "http://h:/x",
    "a\tb",
];

/// URI-like values: hand-picked ones and random strings of URI characters.
fn uri_values() -> Vec<String> {
    let mut values: Vec<String> = [
        "ws://gateway.example.com:8000/echo",
        "http://${h}:8000/",
        "http://${h}:${p}/",
        "${a}:80",
        "localhost:8080",
        "http://[::1]:80/",
        "http://[::1/",
        "http://h/a#b#c",
        "http://h/a#[x]",
        "http://h/a?[x]",
        "http://h:2147483647/",
        "http://h:2147483648/",
        "http://1.2.3.4abc/",
        "http://a@b@c/",
        "http://u:p@h:80/",
        "file:///c:/x",
        "//h:x",
        "1abc:foo",
        "a:b:c",
        ":x",
        "#",
        "##",
        "?",
        "http://h/é",
        "http://h/\"q\"",
        "udp://224.2.2.44:54327",
        "aws://security-group/name",
        "pipe://name",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let alphabet: Vec<char> = "ab1:/?#[]@!$&'()*+,;=%-._~9AF{} \"|^`\\<é"
        .chars()
        .collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..600 {
        let len = 1 + rng.below(12);
        let mut v: String = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        if rng.below(2) == 0 {
            v.insert_str(
                0,
                ["http://", "tcp://h:", "ws://h", "a:", "//"][rng.below(5)],
            );
        }
        values.push(v);
    }
    values
}

fn involves_uri(f: &Facts, name: &str) -> bool {
    match &f.simple[name].kind {
        XKind::AnyUri => true,
        XKind::Union(members) => members.iter().any(|m| involves_uri(f, m)),
        XKind::List(item) => involves_uri(f, item),
        _ => false,
    }
}

/// Every simple type of every namespace on a pool of values: `check_value`
/// agrees with xmllint on each. Returns, per namespace and simple type, a
/// value both accept (to fill elements with).
fn value_verdicts(dir: &Path, tmp: &Path) -> BTreeMap<(Namespace, String), String> {
    let uris = uri_values();
    let mut good = BTreeMap::new();
    let mut disagreements = Vec::new();
    for (ns, f) in facts(dir) {
        let s = schema(ns);
        let probe = probe_schema(&f);
        let xsd = tmp.join(format!("values-{ns:?}.xsd"));
        fs::write(&xsd, &probe.xsd).expect("write probe schema");
        // One file per value, so a refusal names its value.
        let mut cases: Vec<(String, String, PathBuf)> = Vec::new();
        for (name, element) in &probe.value_elements {
            let mut values: Vec<String> = VALUES.iter().map(|v| (*v).to_owned()).collect();
            if let XKind::Enumeration(e) = &f.simple[name].kind {
                values.extend(e.iter().cloned());
                values.extend(e.iter().map(|v| format!(" {v} ")));
            }
            if involves_uri(&f, name) {
                values.extend(uris.iter().cloned());
            }
            for v in values {
                let path = tmp.join(format!("v-{ns:?}-{}.xml", cases.len()));
                let doc = format!(
                    "<values xmlns=\"{}\"><{element}>{}</{element}></values>\n",
                    ns.uri(),
                    escape(&v)
                );
                fs::write(&path, doc).expect("write case");
                cases.push((name.clone(), v, path));
            }
        }
        let files: Vec<PathBuf> = cases.iter().map(|c| c.2.clone()).collect();
        let (refused, _) = xmllint(&xsd, &files);
        eprintln!(
            "{ns:?}: {} values, xmllint refused {}",
            cases.len(),
            refused.len()
        );
        assert!(
            refused.len() > cases.len() / 4 && refused.len() < cases.len() * 3 / 4,
            "{ns:?}: a lopsided pool"
        );
        for (name, v, path) in &cases {
            let ty = s.simple_type(name).expect("table has the type");
            let ours = check_value(ty, v);
            let theirs = refused.contains(path);
            if ours.is_some() != theirs {
                disagreements.push(format!(
                    "{ns:?} {name} {v:?}: xmllint refuses: {theirs}, we say {ours:?}"
                ));
            }
            // Filling elements: the first value both accept, a blank one last.
            if !theirs && ours.is_none() {
                let slot = good.entry((ns, name.clone())).or_insert_with(|| v.clone());
                if slot.trim().is_empty() {
                    slot.clone_from(v);
                }
            }
        }
    }
    assert!(
        disagreements.is_empty(),
        "check_value and xmllint disagree:\n{}",
        disagreements.join("\n")
    );
    good
}

/// Builds instances of content models from the XSD facts.
struct Builder<'a> {
    ns: Namespace,
    f: &'a Facts,
    good: &'a BTreeMap<(Namespace, String), String>,
}

impl Builder<'_> {
    /// Concrete types deriving from an abstract one.
    fn concrete(&self, base: &str) -> Vec<&str> {
        self.f
            .complex
            .iter()
            .filter(|(_, t)| !t.is_abstract && t.base.as_deref() == Some(base))
            .map(|(n, _)| n.as_str())
            .collect()
    }

    /// A valid element `name` of type `ty` (its declaration's `fixed` given).
    fn element(
        &self,
        name: &str,
        ty: &XType,
        fixed: Option<&str>,
        rng: &mut Rng,
        out: &mut String,
    ) {
        match ty {
            XType::Simple(st) => {
                let text =
                    fixed.map_or_else(|| self.good[&(self.ns, st.clone())].clone(), str::to_owned);
                let _ = write!(out, "<{name}>{}</{name}>", escape(&text));
            }
            XType::Complex(ct) => {
                let mut ct = ct.as_str();
                let mut attr = String::new();
                if self.f.complex[ct].is_abstract {
                    let options = self.concrete(ct);
                    ct = options[rng.below(options.len())];
                    attr = format!(" xsi:type=\"{ct}\"");
                }
                let _ = write!(out, "<{name}{attr}>");
                let children = self.minimal(ct);
                self.children(ct, &children, rng, out);
                let _ = write!(out, "</{name}>");
            }
            XType::Any => {
                let _ = write!(out, "<{name}/>");
            }
        }
    }

    /// Valid instances of `children` (names) inside a parent of type `ct`.
    fn children(&self, ct: &str, children: &[String], rng: &mut Rng, out: &mut String) {
        for c in children {
            match self.f.complex[ct].content.as_ref().and_then(|p| find(p, c)) {
                Some((ty, fixed)) => self.element(c, ty, fixed, rng, out),
                None => {
                    let _ = write!(out, "<{c}/>");
                }
            }
        }
    }

    /// The shortest valid child list of a type.
    fn minimal(&self, ct: &str) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(p) = &self.f.complex[ct].content {
            minimal(p, &mut out);
        }
        out
    }
}

fn find<'a>(p: &'a XParticle, name: &str) -> Option<(&'a XType, Option<&'a str>)> {
    match &p.term {
        XTerm::Element {
            name: n, ty, fixed, ..
        } => (n == name).then_some((ty, fixed.as_deref())),
        XTerm::Sequence(items) | XTerm::Choice(items) | XTerm::All(items) => {
            items.iter().find_map(|i| find(i, name))
        }
        XTerm::Any => None,
    }
}

fn minimal(p: &XParticle, out: &mut Vec<String>) {
    for _ in 0..p.min {
        match &p.term {
            XTerm::Element { name, .. } => out.push(name.clone()),
            XTerm::Sequence(items) | XTerm::All(items) => {
                for i in items {
                    minimal(i, out);
                }
            }
            XTerm::Choice(items) => {
                // The alternative with the shortest instance.
                let best = items
                    .iter()
                    .map(|i| {
                        let mut v = Vec::new();
                        minimal(i, &mut v);
                        v
                    })
                    .min_by_key(Vec::len)
                    .unwrap_or_default();
                out.extend(best);
            }
            XTerm::Any => out.push("x-any".to_owned()),
        }
    }
}

/// A random child list the particle accepts.
fn generate(p: &XParticle, rng: &mut Rng, out: &mut Vec<String>) {
    let extra = p.max.map_or(2, |m| m.saturating_sub(p.min).min(2)) as usize;
    let times = p.min as usize + rng.below(extra + 1);
    for _ in 0..times {
        match &p.term {
            XTerm::Element { name, .. } => out.push(name.clone()),
            XTerm::Sequence(items) => {
                for i in items {
                    generate(i, rng, out);
                }
            }
            XTerm::Choice(items) => {
                if !items.is_empty() {
                    generate(&items[rng.below(items.len())], rng, out);
                }
            }
            XTerm::All(items) => {
                let mut picked: Vec<String> = Vec::new();
                for i in items {
                    if let XTerm::Element { name, .. } = &i.term
                        && (i.min > 0 || rng.below(3) == 0)
                    {
                        picked.push(name.clone());
                    }
                }
                for k in (1..picked.len()).rev() {
                    picked.swap(k, rng.below(k + 1));
                }
                out.extend(picked);
            }
            XTerm::Any => out.push("x-any".to_owned()),
        }
    }
}

fn mutate(list: &mut Vec<String>, known: &[String], rng: &mut Rng) {
    let n = list.len();
    match rng.below(6) {
        0 if n > 0 => {
            list.remove(rng.below(n));
        }
        1 if n > 0 => {
            let i = rng.below(n);
            let c = list[i].clone();
            list.insert(i, c);
        }
        2 if n > 1 => {
            let i = rng.below(n - 1);
            list.swap(i, i + 1);
        }
        3 => list.insert(rng.below(n + 1), "bogus".to_owned()),
        _ if !known.is_empty() => {
            list.insert(rng.below(n + 1), known[rng.below(known.len())].clone());
        }
        _ => list.push("bogus".to_owned()),
    }
}

fn known_in(p: &XParticle, out: &mut Vec<String>) {
    match &p.term {
        XTerm::Element { name, .. } => {
            if !out.contains(name) {
                out.push(name.clone());
            }
        }
        XTerm::Sequence(items) | XTerm::Choice(items) | XTerm::All(items) => {
            for i in items {
                known_in(i, out);
            }
        }
        XTerm::Any => {}
    }
}

#[test]
fn values_and_content_models_agree_with_xmllint() {
    let dir = reference_dir();
    if !have("xmllint") {
        return;
    }
    let tmp = tempfile::tempdir().expect("temporary folder");
    let good = value_verdicts(&dir, tmp.path());
    let mut disagreements = Vec::new();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for (ns, f) in facts(&dir) {
        let s = schema(ns);
        let probe = probe_schema(&f);
        let xsd = tmp.path().join(format!("content-{ns:?}.xsd"));
        fs::write(&xsd, &probe.xsd).expect("write probe schema");
        let b = Builder {
            ns,
            f: &f,
            good: &good,
        };
        let mut cases: Vec<(String, Vec<String>, PathBuf)> = Vec::new();
        for (name, ct) in &f.complex {
            let Some(p) = &ct.content else { continue };
            // Abstract types are only ever used through a concrete one.
            if ct.is_abstract {
                continue;
            }
            let mut known = Vec::new();
            known_in(p, &mut known);
            let mut lists = vec![b.minimal(name)];
            for k in 0..24 {
                let mut list = Vec::new();
                generate(p, &mut rng, &mut list);
                for _ in 0..k % 3 {
                    mutate(&mut list, &known, &mut rng);
                }
                lists.push(list);
            }
            for list in lists {
                let element = &probe.type_elements[name];
                let mut doc = format!(
                    "<{element} xmlns=\"{}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">",
                    ns.uri()
                );
                b.children(name, &list, &mut rng, &mut doc);
                let _ = writeln!(doc, "</{element}>");
                let path = tmp.path().join(format!("c-{ns:?}-{}.xml", cases.len()));
                fs::write(&path, doc).expect("write case");
                cases.push((name.clone(), list, path));
            }
        }
        let files: Vec<PathBuf> = cases.iter().map(|c| c.2.clone()).collect();
        let (refused, messages) = xmllint(&xsd, &files);
        eprintln!(
            "{ns:?}: {} child lists, xmllint refused {}",
            cases.len(),
            refused.len()
        );
        assert!(
            refused.len() > cases.len() / 5 && refused.len() < cases.len() * 4 / 5,
            "{ns:?}: lopsided cases"
        );
        for (name, list, path) in &cases {
            let names: Vec<&str> = list.iter().map(String::as_str).collect();
            let problems = s.check_children(name, &names);
            let ours = problems.iter().any(ContentProblem::is_schema_error);
            let theirs = refused.contains(path);
            if ours != theirs {
                let file = path.display().to_string();
                let said: Vec<&str> = messages.lines().filter(|l| l.starts_with(&file)).collect();
                disagreements.push(format!(
                    "{ns:?} {name} {names:?}: xmllint refuses: {theirs} {said:?}; we say {problems:?}"
                ));
            }
        }
        assert!(cases.len() > 500, "{ns:?}: only {} cases", cases.len());
    }
    assert!(
        disagreements.is_empty(),
        "the matcher and xmllint disagree:\n{}",
        disagreements.join("\n")
    );
}

#[test]
fn the_annotate_stylesheet_names_the_types_we_derive() {
    let dir = reference_dir();
    if !have("xsltproc") {
        return;
    }
    let services = [
        "proxy",
        " proxy ",
        "\n   http.proxy\n  ",
        "my-extension",
        "a-extension-b",
        "-extension",
        "Proxy",
        "",
        "http proxy",
        "turn.rest",
        "session",
    ];
    let modules = [
        "file",
        " file\n",
        "class:com.Foo",
        " class:com.Foo",
        "class: x",
        "ldap",
        "LDAP",
        "",
    ];
    let mut doc =
        String::from("<gateway-config xmlns=\"http://xmlns.kaazing.org/2016/06/gateway\">");
    for t in services {
        let _ = write!(doc, "<service><name>s</name><type>{t}</type></service>");
    }
    let _ = write!(
        doc,
        "<service><name>without a type</name></service><security><realm><authentication><login-modules>"
    );
    for t in modules {
        let _ = write!(
            doc,
            "<login-module><type>{t}</type><success>required</success></login-module>"
        );
    }
    doc.push_str("</login-modules></authentication></realm></security></gateway-config>");
    let tmp = tempfile::tempdir().expect("temporary folder");
    let input = tmp.path().join("in.xml");
    fs::write(&input, &doc).expect("write");
    let out = Command::new("xsltproc")
        .arg(dir.join("gateway-config-annotate-types.xsl"))
        .arg(&input)
        .output()
        .expect("xsltproc runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let tree = parse_xml(&text);
    let mut annotated = Vec::new();
    collect_annotated(&tree, &mut annotated);
    let texts: Vec<&str> = services
        .iter()
        .chain([""].iter())
        .chain(modules.iter())
        .copied()
        .collect();
    assert_eq!(annotated.len(), texts.len());
    let s = v16();
    for ((element, xsi_type), text) in annotated.iter().zip(texts) {
        // XMLBeans collapses the QName's whitespace (the stylesheet adds some).
        let named: String = xsi_type.split_whitespace().collect::<Vec<_>>().join(" ");
        let ours = if element == "service" {
            s.service_type(text)
        } else {
            s.login_module_type(text)
        };
        let base = if element == "service" {
            "ServiceType"
        } else {
            "LoginModuleType"
        };
        let valid =
            s.complex_type(&named).is_some_and(|t| !t.is_abstract) && s.derives_from(&named, base);
        match ours {
            Some(ty) => assert_eq!(ty, named, "{element} {text:?}"),
            None => assert!(
                !valid,
                "{element} {text:?}: the stylesheet names {named}, a valid type"
            ),
        }
    }
}

fn collect_annotated(node: &Node, out: &mut Vec<(String, String)>) {
    if matches!(node.name.as_str(), "service" | "login-module") {
        out.push((
            node.name.clone(),
            node.attr("xsi:type").expect("annotated").to_owned(),
        ));
    }
    for c in &node.children {
        collect_annotated(c, out);
    }
}
