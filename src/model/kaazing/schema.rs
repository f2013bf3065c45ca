//! What the gateway's schema validation finds in a configuration, after
//! `${name}` substitution and with the `xsi:type` the gateway's stylesheet
//! gives each `service` and `login-module`: elements unknown or misplaced
//! in their parent, required ones missing, too many of one, attributes,
//! text where none belongs, and text values their type refuses. Each
//! problem is located at the text the user wrote.

use std::borrow::Cow;

use crate::formats::xml::kaazing_schema::{
    self, ContentProblem, ElementType, Namespace, Placement, Schema,
};
use crate::formats::xml::{Element, Node};
use crate::model::kaazing::{Dialect, Gateway, substitute};
use crate::source::{FileId, Span};
use crate::suggest;

/// How a schema problem is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemaProblemKind {
    /// An element the parent does not know, or one out of place
    /// (`kaazing/unknown-element`).
    Unknown,
    /// Anything else the schema refuses (`kaazing/schema-invalid`).
    Invalid,
}

/// A located schema problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaProblem {
    pub kind: SchemaProblemKind,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    pub related: Option<(Span, String)>,
    /// For an unknown name in the gateway's namespace: the element and the
    /// names it could have.
    pub unknown: Option<UnknownElement>,
}

/// An element whose name the schema does not know in its parent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownElement {
    /// The qualified name as written.
    pub name: String,
    /// The name in the start tag.
    pub name_span: Span,
    /// From the start tag to the end of the end tag.
    pub span: Span,
    /// `<name/>`: no end tag.
    pub self_closing: bool,
    /// The names the schema allows at its position.
    pub expected: Vec<&'static str>,
    /// Every name the parent's type knows.
    pub known: Vec<&'static str>,
}

impl Dialect {
    /// The schema documents of this dialect are checked against.
    #[must_use]
    pub fn namespace(self) -> Option<Namespace> {
        match self {
            Self::June2016 => Some(Namespace::V2016_06),
            Self::November2015 => Some(Namespace::V2015_11),
            Self::September2014 => Some(Namespace::V2014_09),
            Self::Unsupported | Self::Unknown => None,
        }
    }
}

/// Checks the document under `root` against its dialect's schema, then
/// as the gateway checks its configuration after validating it (service
/// names present and unique).
pub(crate) fn check(gateway: &Gateway, root: Element<'_>) -> Vec<SchemaProblem> {
    let Some(namespace) = gateway.dialect.namespace() else {
        return Vec::new();
    };
    let mut out = schema(gateway, root, namespace);
    let mut seen: rustc_hash::FxHashMap<&str, Span> = rustc_hash::FxHashMap::default();
    for service in &gateway.services {
        let Some(name) = &service.name else { continue };
        if name.text.is_empty() {
            out.push(SchemaProblem {
                kind: SchemaProblemKind::Invalid,
                span: name.span,
                message: "the service's `<name>` is empty; the gateway needs one".to_string(),
                help: Some("give the service a name".to_string()),
                related: None,
                unknown: None,
            });
        } else if let Some(first) = seen.get(name.text.as_str()) {
            out.push(SchemaProblem {
                kind: SchemaProblemKind::Invalid,
                span: name.span,
                message: format!(
                    "a second service is named `{}`; the gateway needs unique names",
                    name.text
                ),
                help: Some("give each service its own name".to_string()),
                related: Some((*first, "the first service of that name".to_string())),
                unknown: None,
            });
        } else {
            seen.insert(name.text.as_str(), name.span);
        }
    }
    out
}

fn schema(gateway: &Gateway, root: Element<'_>, namespace: Namespace) -> Vec<SchemaProblem> {
    let mut walker = Walker {
        gateway,
        file: gateway.file,
        schema: kaazing_schema::schema(namespace),
        uri: root.namespace().unwrap_or_default().to_string(),
        out: Vec::new(),
    };
    walker.element(root, ElementType::Complex(walker.schema.root().name), None);
    walker.out
}

struct Walker<'a> {
    gateway: &'a Gateway,
    file: FileId,
    schema: &'static Schema,
    /// The gateway namespace as the document writes it.
    uri: String,
    out: Vec<SchemaProblem>,
}

impl Walker<'_> {
    fn span(&self, range: crate::source::TextRange) -> Span {
        Span::new(self.file, range)
    }

    fn problem(
        &mut self,
        kind: SchemaProblemKind,
        span: Span,
        message: String,
        help: Option<String>,
    ) {
        self.out.push(SchemaProblem {
            kind,
            span,
            message,
            help,
            related: None,
            unknown: None,
        });
    }

    /// The name the schema sees for a child: its local name in the gateway
    /// namespace, `{uri}local` in any other.
    fn schema_name<'e>(&self, element: Element<'e>) -> Cow<'e, str> {
        match &element.namespace() {
            Some(ns) if !ns.eq_ignore_ascii_case(&self.uri) => {
                Cow::Owned(format!("{{{ns}}}{}", element.local_name()))
            }
            None if !self.uri.is_empty() => Cow::Owned(format!("{{}}{}", element.local_name())),
            _ => Cow::Borrowed(element.local_name()),
        }
    }

    /// The substituted text of an element.
    fn text<'e>(&self, element: Element<'e>) -> Option<(Cow<'e, str>, Span)> {
        let value = element.text()?;
        let span = self.span(value.range);
        let text = match value {
            Cow::Borrowed(value) => substitute(self.gateway, self.file, value).0,
            Cow::Owned(value) => {
                Cow::Owned(substitute(self.gateway, self.file, &value).0.into_owned())
            }
        };
        Some((text, span))
    }

    fn element(
        &mut self,
        element: Element<'_>,
        ty: ElementType,
        declaration: Option<&kaazing_schema::Element>,
    ) {
        for attribute in element.attributes() {
            let name = attribute.name.as_str();
            if name == "xmlns" || name.starts_with("xmlns:") || name.starts_with("xsi:") {
                continue;
            }
            self.problem(
                SchemaProblemKind::Invalid,
                self.span(attribute.name_range),
                format!(
                    "the gateway's schema allows no attribute `{name}` on `<{}>`",
                    element.local_name()
                ),
                Some("write the setting as a child element, or delete the attribute".to_string()),
            );
        }
        match ty {
            ElementType::Any => {}
            ElementType::Simple(_) => self.simple(element, declaration),
            ElementType::Complex(name) => self.complex(element, name),
        }
    }

    fn simple(&mut self, element: Element<'_>, declaration: Option<&kaazing_schema::Element>) {
        if let Some(child) = element.elements().next() {
            self.problem(
                SchemaProblemKind::Invalid,
                self.span(child.name_range()),
                format!("`<{}>` holds text, not elements", element.local_name()),
                None,
            );
            return;
        }
        let Some(declaration) = declaration else {
            return;
        };
        let (text, span) = self
            .text(element)
            .unwrap_or_else(|| (Cow::Borrowed(""), self.span(element.name_range())));
        // Unresolved `${name}` is its own finding; its value is unknown.
        if text.contains("${") {
            return;
        }
        if let Some(problem) = declaration.check_text(&text) {
            self.problem(
                SchemaProblemKind::Invalid,
                span,
                format!("the value of `<{}>` {problem}", element.local_name()),
                None,
            );
        }
    }

    /// Whether an element is one the schema has no declaration for but
    /// the gateway reads: a service of a type only the Enterprise edition
    /// has (or `management.jmx`, declared in a schema of its own), and the
    /// Enterprise options. Such elements are not checked.
    fn beyond_schema(&self, parent: &str, element: Element<'_>) -> bool {
        let enterprise = self.gateway.allows_enterprise();
        match element.local_name() {
            "service" => element
                .child("type")
                .and_then(|t| self.text(t))
                .is_some_and(|(t, _)| {
                    let t = t.trim().to_ascii_lowercase();
                    t == "management.jmx"
                        || (t == "management.snmp" && self.snmp_may_load())
                        || (enterprise
                            && crate::model::kaazing::ENTERPRISE_SERVICE_TYPES
                                .contains(&t.as_str()))
                }),
            "authorization-timeout" => enterprise && parent == "authentication",
            // The open-source schema has `ssl.verify-client` in accept
            // options only; the Enterprise edition takes it on connect.
            "ssl.verify-client" => enterprise && parent == "connect-options",
            name => {
                enterprise
                    && matches!(parent, "accept-options" | "connect-options")
                    && crate::model::kaazing::ENTERPRISE_OPTIONS.contains(&name)
            }
        }
    }

    /// Whether the gateway may still take `management.snmp` services:
    /// 4.x and open-source 5.0 and 5.1 had the type (in a schema of its
    /// own); 5.2 dropped it. Unless the version says 5.2 or later, or the
    /// file is written in 5.2's namespace.
    fn snmp_may_load(&self) -> bool {
        let before_5_2 = |v: &crate::versions::KaazingVersion| (v.major, v.minor) < (5, 2);
        match self.gateway.version {
            Some(version) => before_5_2(&version),
            None => self.gateway.dialect != crate::model::kaazing::Dialect::June2016,
        }
    }

    fn complex(&mut self, element: Element<'_>, type_name: &'static str) {
        let local = element.local_name();
        // The stylesheet's `xsi:type`, from the (substituted) `type` child.
        let type_name = match local {
            "service" | "login-module" => self.typed(element, type_name),
            _ => type_name,
        };
        for node in element.children() {
            if let Node::Text(text) = node
                && !text.text.trim().is_empty()
            {
                self.problem(
                    SchemaProblemKind::Invalid,
                    self.span(text.range),
                    format!("`<{local}>` holds elements, not text"),
                    Some("put the text in the child element it belongs to".to_string()),
                );
            }
        }
        let children: Vec<Element<'_>> = element
            .elements()
            .filter(|c| !self.beyond_schema(local, *c))
            .collect();
        let names: Vec<Cow<'_, str>> = children.iter().map(|c| self.schema_name(*c)).collect();
        let name_refs: Vec<&str> = names.iter().map(AsRef::as_ref).collect();
        let mut skip = vec![false; children.len()];
        for problem in self.schema.check_children(type_name, &name_refs) {
            if let Some(i) = problem.index().filter(|&i| i < children.len())
                && matches!(problem, ContentProblem::Unknown { .. })
            {
                skip[i] = true;
            }
            self.content_problem(element, &children, &problem);
        }
        for (i, child) in children.iter().enumerate() {
            if skip[i] {
                continue;
            }
            let declaration = self.schema.element(type_name, child.local_name());
            if let Some(ty) = self.schema.child_type(type_name, &names[i]) {
                self.element(*child, ty, declaration);
            }
        }
    }

    /// The concrete type of a `service` or `login-module`, reporting a
    /// `type` the gateway does not know.
    fn typed(&mut self, element: Element<'_>, declared: &'static str) -> &'static str {
        let Some(type_element) = element.child("type") else {
            return declared;
        };
        let Some((text, span)) = self.text(type_element) else {
            return declared;
        };
        if text.contains("${") {
            return declared;
        }
        let service = element.local_name() == "service";
        let found = if service {
            self.schema.service_type(&text)
        } else {
            self.schema.login_module_type(&text)
        };
        if let Some(found) = found {
            return found;
        }
        let values = if service {
            self.schema.service_type_values()
        } else {
            self.schema.login_module_type_values()
        };
        let hint = suggest::did_you_mean(text.trim(), values.iter().copied());
        let what = if service { "service" } else { "login module" };
        self.problem(
            SchemaProblemKind::Invalid,
            span,
            format!("the gateway has no {what} type `{}`{hint}", text.trim()),
            Some(format!("use one of: {}", values.join(", "))),
        );
        declared
    }

    fn content_problem(
        &mut self,
        parent: Element<'_>,
        children: &[Element<'_>],
        problem: &ContentProblem,
    ) {
        let parent_name = parent.local_name();
        let listed = |names: &[&str]| -> String {
            let shown: Vec<String> = names.iter().take(8).map(|n| format!("`<{n}>`")).collect();
            let more = if names.len() > 8 {
                format!(" and {} more", names.len() - 8)
            } else {
                String::new()
            };
            format!("{}{more}", shown.join(", "))
        };
        match problem {
            ContentProblem::Unknown {
                index,
                expected,
                known,
            } => {
                let child = children[*index];
                let name = child.local_name();
                let hint = suggest::did_you_mean(name, known.iter().copied());
                let help = if expected.is_empty() {
                    format!("`<{parent_name}>` takes no child elements")
                } else {
                    format!("`<{parent_name}>` takes {} here", listed(expected))
                };
                let unknown = (self.schema_name(child) == name).then(|| UnknownElement {
                    name: child.name().to_string(),
                    name_span: self.span(child.name_range()),
                    span: self.span(child.range()),
                    self_closing: child.range() == child.start_tag(),
                    expected: expected.clone(),
                    known: known.clone(),
                });
                self.out.push(SchemaProblem {
                    kind: SchemaProblemKind::Unknown,
                    span: self.span(child.name_range()),
                    message: format!(
                        "the gateway's schema knows no `<{name}>` in `<{parent_name}>`{hint}"
                    ),
                    help: Some(help),
                    related: None,
                    unknown,
                });
            }
            ContentProblem::Misplaced {
                index,
                expected,
                placement,
            } => {
                let child = children[*index];
                let name = child.local_name();
                let (help, related) = match placement {
                    Placement::After(i) => (
                        format!("move `<{name}>` after `<{}>`", children[*i].local_name()),
                        Some((
                            self.span(children[*i].name_range()),
                            format!("`<{name}>` belongs after this"),
                        )),
                    ),
                    Placement::Before(i) => (
                        format!("move `<{name}>` before `<{}>`", children[*i].local_name()),
                        Some((
                            self.span(children[*i].name_range()),
                            format!("`<{name}>` belongs before this"),
                        )),
                    ),
                    Placement::Elsewhere => (
                        format!("`<{parent_name}>` takes {} here", listed(expected)),
                        None,
                    ),
                };
                self.out.push(SchemaProblem {
                    kind: SchemaProblemKind::Unknown,
                    span: self.span(child.name_range()),
                    message: format!("`<{name}>` is out of place in `<{parent_name}>`"),
                    help: Some(help),
                    related,
                    unknown: None,
                });
            }
            ContentProblem::Missing {
                name,
                alternatives,
                before,
            } => {
                let span = before
                    .and_then(|i| children.get(i))
                    .map_or(self.span(parent.name_range()), |c| {
                        self.span(c.name_range())
                    });
                let what = if alternatives.len() > 1 {
                    format!("one of {}", listed(alternatives))
                } else {
                    format!("`<{name}>`")
                };
                self.problem(
                    SchemaProblemKind::Invalid,
                    span,
                    format!("`<{parent_name}>` lacks {what}, which the gateway's schema requires"),
                    Some(format!("add {what} to `<{parent_name}>`")),
                );
            }
            ContentProblem::TooMany { index, max, first } => {
                let child = children[*index];
                let name = child.local_name();
                self.out.push(SchemaProblem {
                    kind: SchemaProblemKind::Invalid,
                    span: self.span(child.name_range()),
                    message: format!("`<{parent_name}>` takes at most {max} `<{name}>`"),
                    help: Some(format!("keep one `<{name}>`")),
                    related: Some((
                        self.span(children[*first].name_range()),
                        "the first one".to_string(),
                    )),
                    unknown: None,
                });
            }
            // The schema lets them repeat; the gateway's own checks refuse a
            // second `<cluster>`, `<security>` or `<service-defaults>`.
            ContentProblem::Repeated { index, first, .. }
                if matches!(
                    children[*index].local_name(),
                    "cluster" | "security" | "service-defaults"
                ) =>
            {
                let child = children[*index];
                let name = child.local_name();
                self.out.push(SchemaProblem {
                    kind: SchemaProblemKind::Invalid,
                    span: self.span(child.name_range()),
                    message: format!(
                        "the gateway refuses a second `<{name}>` in `<{parent_name}>`"
                    ),
                    help: Some(format!("merge it into the first `<{name}>`")),
                    related: Some((
                        self.span(children[*first].name_range()),
                        "the first one".to_string(),
                    )),
                    unknown: None,
                });
            }
            ContentProblem::Repeated { .. } => {}
        }
    }
}
