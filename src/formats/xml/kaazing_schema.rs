//! The KAAZING gateway configuration schemas as data, and what the gateway's
//! XMLBeans validation does with them: element content, text values and the
//! `xsi:type` the annotate stylesheet gives `service` and `login-module`.
//!
//! Pure data plus a small matcher; it knows no XML parser and no rule. The
//! table (`kaazing_schema/tables.rs`) is generated from the XSDs of the
//! 2016/06 (current), 2015/11 and 2014/09 namespaces by
//! `scripts/gen-kaazing-schema.py`; `tests/kaazing_schema.rs` re-derives its
//! facts from the XSDs and compares them with real `xmllint` verdicts.
//! Documents in the older namespaces are translated by the gateway before
//! validation; checking them against their own XSD is an approximation.
//!
//! Content models are keyed by complex *type* name, because element names
//! repeat with different types (`name` in a service, a cluster, a realm, a
//! property). Anonymous types are named after where they sit:
//! `gateway-config` for the root element's type, `<Type>/<element>` for an
//! element's own type (`AuthorizationConstraintType/require-valid-user`,
//! `ServiceAcceptOptionsType/ssl.encryption`). Built-in simple types are
//! `xs:string`, `xs:anyURI` and `xs:nonNegativeInteger`.
//!
//! No type in these schemas declares attributes: the validator refuses any
//! attribute on a validated element except the `xsi:` ones (and namespace
//! declarations). No complex type has text content: non-whitespace text is
//! refused everywhere outside simple-typed elements, and libxml2 refuses even
//! whitespace in [`Content::Empty`] elements.

// Generated; laid out by the generator, one particle per line.
#[rustfmt::skip]
mod tables;

use std::borrow::Cow;
use std::fmt::Write as _;

/// The gateway configuration namespaces with a schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Namespace {
    /// `http://xmlns.kaazing.org/2016/06/gateway`, the current one.
    V2016_06,
    /// `http://xmlns.kaazing.org/2015/11/gateway`, translated to 2016/06.
    V2015_11,
    /// `http://xmlns.kaazing.org/2014/09/gateway`, translated to 2015/11, then 2016/06.
    V2014_09,
}

/// Why a root namespace has no schema here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnsupportedNamespace {
    /// A namespace of an older gateway (`http://xmlns.kaazing.com/...`, as the
    /// gateway spells it here) that it recognises but has no translator for:
    /// startup fails with "Unrecognized gateway configuration namespace".
    Untranslatable(&'static str),
    /// Not a gateway namespace: "Unknown/unsupported XML namespace URI".
    Unknown,
}

/// Namespaces `GatewayConfigNamespace` knows without translating them.
const UNTRANSLATABLE: [&str; 5] = [
    "http://xmlns.kaazing.com/gateway-config/dragonfire",
    "http://xmlns.kaazing.com/gateway-config/excalibur",
    "http://xmlns.kaazing.com/2012/03/gateway",
    "http://xmlns.kaazing.com/2012/08/gateway",
    "http://xmlns.kaazing.com/2012/09/gateway",
];

impl Namespace {
    /// Newest first.
    pub const ALL: [Self; 3] = [Self::V2016_06, Self::V2015_11, Self::V2014_09];

    /// The namespace URI.
    #[must_use]
    pub const fn uri(self) -> &'static str {
        match self {
            Self::V2016_06 => "http://xmlns.kaazing.org/2016/06/gateway",
            Self::V2015_11 => "http://xmlns.kaazing.org/2015/11/gateway",
            Self::V2014_09 => "http://xmlns.kaazing.org/2014/09/gateway",
        }
    }

    /// The namespace of a root element's URI, compared ignoring case as
    /// `GatewayConfigNamespace.fromURI` does (Java's `equalsIgnoreCase`).
    pub fn from_uri(uri: &str) -> Result<Self, UnsupportedNamespace> {
        if let Some(ns) = Self::ALL
            .into_iter()
            .find(|ns| java_equals_ignore_case(uri, ns.uri()))
        {
            return Ok(ns);
        }
        match UNTRANSLATABLE
            .into_iter()
            .find(|known| java_equals_ignore_case(uri, known))
        {
            Some(known) => Err(UnsupportedNamespace::Untranslatable(known)),
            None => Err(UnsupportedNamespace::Unknown),
        }
    }

    /// This namespace's schema.
    #[must_use]
    pub fn schema(self) -> &'static Schema {
        schema(self)
    }
}

/// Java's `String.equalsIgnoreCase` against an ASCII string: UTF-16 units
/// pairwise equal after `toUpperCase`, or after `toUpperCase` then
/// `toLowerCase` (so `ſ` matches `s` and the Kelvin sign matches `k`).
fn java_equals_ignore_case(text: &str, ascii: &str) -> bool {
    let upper = |c: char| {
        let mut u = c.to_uppercase();
        match (u.next(), u.next()) {
            (Some(one), None) => one,
            _ => c,
        }
    };
    let lower = |c: char| {
        let mut l = c.to_lowercase();
        match (l.next(), l.next()) {
            (Some(one), None) => one,
            _ => c,
        }
    };
    text.chars().count() == ascii.len()
        && text.chars().all(|c| c.len_utf16() == 1)
        && text
            .chars()
            .zip(ascii.chars())
            .all(|(a, b)| a == b || upper(a) == upper(b) || lower(upper(a)) == lower(upper(b)))
}

/// The schema of a namespace.
#[must_use]
pub fn schema(namespace: Namespace) -> &'static Schema {
    match namespace {
        Namespace::V2016_06 => &tables::V2016_06,
        Namespace::V2015_11 => &tables::V2015_11,
        Namespace::V2014_09 => &tables::V2014_09,
    }
}

/// One namespace's schema: its complex and simple types.
#[derive(Debug)]
pub struct Schema {
    namespace: Namespace,
    /// Sorted by name.
    complex: &'static [&'static ComplexType],
    /// Sorted by name: every simple type an element uses, and every named one.
    simple: &'static [&'static SimpleType],
}

/// A complex type: element content, or nothing at all.
#[derive(Debug)]
pub struct ComplexType {
    /// The XSD name, or the name of an anonymous type (see the module doc).
    pub name: &'static str,
    /// An abstract type needs an `xsi:type` naming a concrete one.
    pub is_abstract: bool,
    /// The complex type this one restricts or extends (`anyType` is `None`).
    pub base: Option<&'static str>,
    /// The effective content, base types and groups resolved.
    pub content: Content,
}

/// What a complex type may contain.
#[derive(Clone, Copy, Debug)]
pub enum Content {
    /// Nothing: no children, no text.
    Empty,
    /// Children as the particle says; only whitespace text between them.
    Elements(Particle),
}

/// A content particle with its occurrence bounds.
#[derive(Clone, Copy, Debug)]
pub struct Particle {
    pub min: u32,
    /// `None` is unbounded.
    pub max: Option<u32>,
    pub term: Term,
}

/// What a particle matches.
#[derive(Clone, Copy, Debug)]
pub enum Term {
    Element(Element),
    Sequence(&'static [Particle]),
    Choice(&'static [Particle]),
    /// Each element at most once, in any order; only ever the whole content.
    All(&'static [Particle]),
    /// `xs:any processContents="lax"`: any element, its content unchecked.
    Any,
}

/// An element declaration inside a content model (or the root element).
#[derive(Clone, Copy, Debug)]
pub struct Element {
    pub name: &'static str,
    pub ty: ElementType,
    /// The value the element must have, if fixed.
    pub fixed: Option<&'static str>,
    /// The value the gateway assumes when the element is empty.
    pub default: Option<&'static str>,
}

/// The type of an element.
#[derive(Clone, Copy, Debug)]
pub enum ElementType {
    /// A complex type, by name ([`Schema::complex_type`]).
    Complex(&'static str),
    /// Text of a simple type.
    Simple(&'static SimpleType),
    /// Anything: matched by a lax wildcard (or declared without a type).
    Any,
}

/// A simple type: what an element's text may be.
#[derive(Debug)]
pub struct SimpleType {
    /// The XSD name, an anonymous type's name (see the module doc) or `xs:…`.
    pub name: &'static str,
    /// Applied to the text before it is checked.
    pub whitespace: WhiteSpace,
    pub kind: SimpleKind,
}

/// The XSD `whiteSpace` rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhiteSpace {
    Preserve,
    /// Tabs, carriage returns and line feeds become spaces.
    Replace,
    /// As `Replace`, then leading and trailing spaces go and runs become one.
    Collapse,
}

/// What restricts a simple type's text.
#[derive(Clone, Copy, Debug)]
pub enum SimpleKind {
    /// Any text.
    String,
    /// `xs:anyURI`, as libxml2 checks it.
    AnyUri,
    /// `xs:nonNegativeInteger`, of any length (as XMLBeans; libxml2 refuses
    /// more than 24 digits).
    NonNegativeInteger,
    /// One of these values, compared exactly.
    Enumeration(&'static [&'static str]),
    Pattern(Pattern),
    /// Items of this type, separated by whitespace.
    List(&'static SimpleType),
    /// A value of any of these types.
    Union(&'static [&'static SimpleType]),
}

/// The patterns the XSDs define, implemented by hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pattern {
    /// `CSVType`: items without commas or whitespace, one comma between two.
    CommaList,
    /// `TimeIntervalString`: digits and dots, optional spaces, an optional
    /// unit (`ms`, `milli(s)`, `millisecond(s)`, `s`, `sec(s)`, `second(s)`,
    /// `m`, `min(s)`, `minute(s)`, `h`, `hour(s)`) in any case.
    TimeInterval,
    /// `DataSizeString`: digits and an optional `k`, `K`, `m` or `M`.
    DataSize,
    /// `DataRateString`: digits and an optional `B/s`, `kB/s`, `KiB/s`, `MB/s` or `MiB/s`.
    DataRate,
    /// `CacheControlString`: directives (letters and `-`), each optionally
    /// `=`, an optional `m+`, digits and an optional unit, separated by optional commas and spaces.
    CacheControl,
    /// `CustomLoginModuleType`'s `type`: `class:` and a dotted name whose
    /// parts are an ASCII letter followed by ASCII letters and digits.
    ClassName,
    /// `ExtensionServiceType`'s `type`: at least one character, then `-extension`.
    ExtensionName,
}

/// Something wrong with a parent's children, located by child index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContentProblem {
    /// The parent's type knows no child of this name.
    Unknown {
        index: usize,
        /// The names valid at this position.
        expected: Vec<&'static str>,
        /// Every name the parent's type knows (for a did-you-mean).
        known: Vec<&'static str>,
    },
    /// A child the parent's type knows, in the wrong place.
    Misplaced {
        index: usize,
        /// The names valid at this position.
        expected: Vec<&'static str>,
        placement: Placement,
    },
    /// A required child is absent (`*` for a required wildcard, which these
    /// XSDs do not have).
    Missing {
        name: &'static str,
        /// All names that would do here (`name` is one; more for a choice).
        alternatives: Vec<&'static str>,
        /// The index of the child it should come before; `None` at the end.
        before: Option<usize>,
    },
    /// More occurrences than the declaration allows.
    TooMany {
        index: usize,
        max: u32,
        /// The first occurrence.
        first: usize,
    },
    /// More occurrences than the declaration's own `maxOccurs`, accepted by the
    /// schema only because the declaration sits in a repeated choice (a second
    /// `cluster` or `service-defaults`). Not a schema error.
    Repeated {
        index: usize,
        max: u32,
        /// The first occurrence.
        first: usize,
    },
}

/// Where a misplaced child belongs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// After the child at this index (it came too early).
    After(usize),
    /// Before the child at this index (it came too late).
    Before(usize),
    /// Somewhere the children around it do not allow.
    Elsewhere,
}

impl ContentProblem {
    /// Whether the schema refuses the content (everything but `Repeated`).
    #[must_use]
    pub fn is_schema_error(&self) -> bool {
        !matches!(self, Self::Repeated { .. })
    }

    /// The index of the child it is about (`Missing`: the child it precedes).
    #[must_use]
    pub fn index(&self) -> Option<usize> {
        match self {
            Self::Unknown { index, .. }
            | Self::Misplaced { index, .. }
            | Self::TooMany { index, .. }
            | Self::Repeated { index, .. } => Some(*index),
            Self::Missing { before, .. } => *before,
        }
    }
}

/// The root element of every namespace.
static ROOT: Element = Element {
    name: "gateway-config",
    ty: ElementType::Complex("gateway-config"),
    fixed: None,
    default: None,
};

/// How a missing wildcard is named in problems and expected lists.
const WILDCARD: &str = "*";

impl Schema {
    #[must_use]
    pub fn namespace(&self) -> Namespace {
        self.namespace
    }

    /// The root element, `gateway-config`, and its (anonymous) type.
    #[must_use]
    pub fn root(&self) -> &'static Element {
        &ROOT
    }

    /// A complex type by name.
    #[must_use]
    pub fn complex_type(&self, name: &str) -> Option<&'static ComplexType> {
        // Looked up for every element checked: hashed, not searched.
        let types = self.complex;
        let by_name = built_once(&COMPLEX_BY_NAME, types.as_ptr() as usize, || {
            types.iter().map(|t| (t.name, *t)).collect()
        });
        by_name.get(name).copied()
    }

    /// A simple type by name (named, anonymous or `xs:` built-in).
    #[must_use]
    pub fn simple_type(&self, name: &str) -> Option<&'static SimpleType> {
        let types = self.simple;
        types
            .binary_search_by(|t| t.name.cmp(name))
            .ok()
            .map(|i| types[i])
    }

    /// All complex types, by name.
    pub fn complex_types(&self) -> impl Iterator<Item = &'static ComplexType> + use<> {
        self.complex.iter().copied()
    }

    /// All simple types, by name.
    pub fn simple_types(&self) -> impl Iterator<Item = &'static SimpleType> + use<> {
        self.simple.iter().copied()
    }

    /// Whether `ty` is `base` or derives from it.
    #[must_use]
    pub fn derives_from(&self, ty: &str, base: &str) -> bool {
        let mut current = self.complex_type(ty);
        while let Some(t) = current {
            if t.name == base {
                return true;
            }
            current = t.base.and_then(|b| self.complex_type(b));
        }
        false
    }

    /// The declaration of `child` inside `parent_type`.
    #[must_use]
    pub fn element(&self, parent_type: &str, child: &str) -> Option<&'static Element> {
        match self.complex_type(parent_type)?.content {
            Content::Empty => None,
            Content::Elements(ref p) => ChildTable::of(p).by_name.get(child).copied(),
        }
    }

    /// The type of `child` inside `parent_type`, to descend with:
    /// [`ElementType::Any`] for a name only a wildcard accepts, `None` for
    /// a name the type does not accept anywhere.
    #[must_use]
    pub fn child_type(&self, parent_type: &str, child: &str) -> Option<ElementType> {
        let ty = self.complex_type(parent_type)?;
        let Content::Elements(ref p) = ty.content else {
            return None;
        };
        let table = ChildTable::of(p);
        table
            .by_name
            .get(child)
            .map(|e| e.ty)
            .or_else(|| table.wildcard.then_some(ElementType::Any))
    }

    /// The element names `type_name` declares, in schema order.
    #[must_use]
    pub fn known_names(&self, type_name: &str) -> Vec<&'static str> {
        let mut names = Vec::new();
        if let Some(ComplexType {
            content: Content::Elements(p),
            ..
        }) = self.complex_type(type_name)
        {
            collect_names(p, &mut names);
        }
        names
    }

    /// The problems of a parent of type `type_name` whose children, in
    /// document order, have these local names. Pass children outside the
    /// schema's namespace under a name it cannot know (Clark notation,
    /// `{uri}local`); a wildcard accepts them. An unknown type yields nothing.
    /// The problems come in document order; an empty list (or one with only
    /// [`ContentProblem::Repeated`]) means the schema accepts the content.
    #[must_use]
    pub fn check_children(&self, type_name: &str, children: &[&str]) -> Vec<ContentProblem> {
        let Some(ty) = self.complex_type(type_name) else {
            return Vec::new();
        };
        match ty.content {
            Content::Empty => (0..children.len())
                .map(|index| ContentProblem::Unknown {
                    index,
                    expected: Vec::new(),
                    known: Vec::new(),
                })
                .collect(),
            Content::Elements(ref p) => match p.term {
                Term::All(items) => check_all(p, items, children),
                _ => Automaton::of(p).check(children),
            },
        }
    }

    /// The complex type of a `service` whose first `type` child has this text
    /// (`""` without one), as the annotate stylesheet derives its `xsi:type`:
    /// `ExtensionServiceType` when the text contains `-extension`, else the
    /// whitespace-normalised text followed by `ServiceType`. `None` when that
    /// names no concrete service type, which the gateway refuses; checking
    /// such a service against the abstract `ServiceType` (everything some
    /// service may hold) avoids a cascade of follow-on problems.
    #[must_use]
    pub fn service_type(&self, type_text: &str) -> Option<&'static str> {
        let name: Cow<'_, str> = if type_text.contains("-extension") {
            Cow::Borrowed("ExtensionServiceType")
        } else {
            Cow::Owned(format!("{}ServiceType", collapse(type_text)))
        };
        self.concrete(&name, "ServiceType")
    }

    /// The complex type of a `login-module` whose first `type` child has
    /// this text: `CustomLoginModuleType` when it starts with `class:`
    /// (before any whitespace normalisation), else the normalised text
    /// followed by `LoginModuleType`. `None` when that names no concrete
    /// login-module type.
    #[must_use]
    pub fn login_module_type(&self, type_text: &str) -> Option<&'static str> {
        let name = if type_text.starts_with("class:") {
            Cow::Borrowed("CustomLoginModuleType")
        } else {
            Cow::Owned(format!("{}LoginModuleType", collapse(type_text)))
        };
        self.concrete(&name, "LoginModuleType")
    }

    /// The service `type` values with a schema type (`balancer`, `proxy`,
    /// ...), sorted; any value containing `-extension` is valid too.
    #[must_use]
    pub fn service_type_values(&self) -> Vec<&'static str> {
        self.values_of("ServiceType", &["ExtensionServiceType"])
    }

    /// The login-module `type` values with a schema type (`file`, `ldap`,
    /// ...), sorted; `class:` followed by a class name is valid too.
    #[must_use]
    pub fn login_module_type_values(&self) -> Vec<&'static str> {
        self.values_of("LoginModuleType", &["CustomLoginModuleType"])
    }

    fn concrete(&self, name: &str, base: &str) -> Option<&'static str> {
        let ty = self.complex_type(name)?;
        (!ty.is_abstract && self.derives_from(name, base)).then_some(ty.name)
    }

    fn values_of(&self, base: &str, except: &[&str]) -> Vec<&'static str> {
        let mut values: Vec<&'static str> = self
            .complex
            .iter()
            .filter(|t| {
                !t.is_abstract && !except.contains(&t.name) && self.derives_from(t.name, base)
            })
            .filter_map(|t| t.name.strip_suffix(base))
            .filter(|v| !v.is_empty())
            .collect();
        values.sort_unstable();
        values
    }
}

/// Static data derived from the schema once per process and kept, by the
/// address of what it is derived from.
type BuiltOnce<T> =
    std::sync::LazyLock<std::sync::RwLock<rustc_hash::FxHashMap<usize, &'static T>>>;

static COMPLEX_BY_NAME: BuiltOnce<rustc_hash::FxHashMap<&'static str, &'static ComplexType>> =
    std::sync::LazyLock::new(Default::default);

fn built_once<T: Sync + Send + 'static>(
    built: &'static BuiltOnce<T>,
    key: usize,
    make: impl FnOnce() -> T,
) -> &'static T {
    if let Some(&found) = built
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get(&key)
    {
        return found;
    }
    let mut built = built
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    built
        .entry(key)
        .or_insert_with(|| Box::leak(Box::new(make())))
}

/// The elements a content model declares, by name (the first declaration
/// of a name in schema order), and whether a wildcard takes other names.
struct ChildTable {
    by_name: rustc_hash::FxHashMap<&'static str, &'static Element>,
    wildcard: bool,
}

impl ChildTable {
    fn of(particle: &'static Particle) -> &'static Self {
        static BUILT: BuiltOnce<ChildTable> = std::sync::LazyLock::new(Default::default);
        built_once(&BUILT, std::ptr::from_ref(particle) as usize, || {
            let mut table = Self {
                by_name: rustc_hash::FxHashMap::default(),
                wildcard: has_wildcard(particle),
            };
            collect_elements(particle, &mut table.by_name);
            table
        })
    }
}

fn collect_elements(
    p: &'static Particle,
    out: &mut rustc_hash::FxHashMap<&'static str, &'static Element>,
) {
    match &p.term {
        Term::Element(e) => {
            out.entry(e.name).or_insert(e);
        }
        Term::Sequence(items) | Term::Choice(items) | Term::All(items) => {
            for item in *items {
                collect_elements(item, out);
            }
        }
        Term::Any => {}
    }
}

fn has_wildcard(p: &Particle) -> bool {
    match p.term {
        Term::Element(_) => false,
        Term::Sequence(items) | Term::Choice(items) | Term::All(items) => {
            items.iter().any(has_wildcard)
        }
        Term::Any => true,
    }
}

fn collect_names(p: &Particle, names: &mut Vec<&'static str>) {
    match p.term {
        Term::Element(e) => {
            if !names.contains(&e.name) {
                names.push(e.name);
            }
        }
        Term::Sequence(items) | Term::Choice(items) | Term::All(items) => {
            for i in items {
                collect_names(i, names);
            }
        }
        Term::Any => {}
    }
}

/// `xs:all`: each element at most its `maxOccurs` (1), in any order.
fn check_all(all: &Particle, items: &'static [Particle], children: &[&str]) -> Vec<ContentProblem> {
    let names: Vec<&'static str> = items
        .iter()
        .filter_map(|p| match p.term {
            Term::Element(e) => Some(e.name),
            _ => None,
        })
        .collect();
    let mut seen: Vec<Option<usize>> = vec![None; items.len()];
    let mut problems = Vec::new();
    for (index, &child) in children.iter().enumerate() {
        let Some(at) = names.iter().position(|&n| n == child) else {
            let expected = names
                .iter()
                .zip(&seen)
                .filter(|(_, s)| s.is_none())
                .map(|(n, _)| *n)
                .collect();
            problems.push(ContentProblem::Unknown {
                index,
                expected,
                known: names.clone(),
            });
            continue;
        };
        match seen[at] {
            Some(first) => problems.push(ContentProblem::TooMany {
                index,
                max: items[at].max.unwrap_or(1),
                first,
            }),
            None => seen[at] = Some(index),
        }
    }
    let any_present = seen.iter().any(Option::is_some);
    if all.min > 0 || any_present {
        for (p, (name, s)) in items.iter().zip(names.iter().zip(&seen)) {
            if p.min > 0 && s.is_none() {
                problems.push(ContentProblem::Missing {
                    name,
                    alternatives: vec![name],
                    before: None,
                });
            }
        }
    }
    problems
}

/// A Glushkov automaton of a content particle: one position per occurrence
/// of an element or wildcard (bounded repeats unrolled), position 0 the
/// start. Simulated as a set of positions, so it needs no determinism.
struct Automaton {
    /// The leaf particle of each position (`None` for the start).
    leaf: Vec<Option<&'static Particle>>,
    /// The declaration each position belongs to (index into `decls`).
    decl: Vec<usize>,
    /// Distinct leaf particles, in schema order.
    decls: Vec<&'static Particle>,
    /// The positions that may follow each position (the start: the first ones).
    follow: Vec<Vec<usize>>,
    /// Whether the content may end after each position.
    accepting: Vec<bool>,
    /// The element names the model declares, in schema order.
    known: Vec<&'static str>,
    /// Whether the model has a wildcard (`xs:any`).
    wildcard: bool,
}

/// A sub-expression while the automaton is built.
struct Fragment {
    first: Vec<usize>,
    last: Vec<usize>,
    nullable: bool,
}

impl Fragment {
    fn empty() -> Self {
        Self {
            first: Vec::new(),
            last: Vec::new(),
            nullable: true,
        }
    }
}

/// One element on a shortest way through the automaton.
struct Step {
    position: usize,
    alternatives: Vec<&'static str>,
}

/// Unrolled repeats beyond this count stand for "unbounded" (none in the XSDs).
const MAX_UNROLL: u32 = 32;

impl Automaton {
    /// The automaton of a content model, built once per process: the schema
    /// is static data, so each model's automaton is kept (a few dozen in
    /// all) instead of being rebuilt for every element checked.
    fn of(particle: &'static Particle) -> &'static Self {
        static BUILT: BuiltOnce<Automaton> = std::sync::LazyLock::new(Default::default);
        built_once(&BUILT, std::ptr::from_ref(particle) as usize, || {
            Self::new(particle)
        })
    }

    fn new(particle: &'static Particle) -> Self {
        let mut a = Self {
            leaf: vec![None],
            decl: vec![usize::MAX],
            decls: Vec::new(),
            follow: vec![Vec::new()],
            accepting: vec![false],
            known: Vec::new(),
            wildcard: false,
        };
        let f = a.particle(particle);
        a.follow[0] = f.first;
        for &l in &f.last {
            a.accepting[l] = true;
        }
        a.accepting[0] = f.nullable;
        for list in &mut a.follow {
            list.sort_unstable();
            list.dedup();
        }
        for p in &a.decls {
            if let Term::Element(e) = p.term
                && !a.known.contains(&e.name)
            {
                a.known.push(e.name);
            }
        }
        a.wildcard = a.decls.iter().any(|p| matches!(p.term, Term::Any));
        a
    }

    fn particle(&mut self, p: &'static Particle) -> Fragment {
        let mut acc = Fragment::empty();
        let min = p.min.min(MAX_UNROLL);
        for _ in 0..min {
            let f = self.term(p);
            acc = self.seq(acc, f);
        }
        match p.max {
            Some(max) if max <= MAX_UNROLL => {
                for _ in min..max {
                    let mut f = self.term(p);
                    f.nullable = true;
                    acc = self.seq(acc, f);
                }
            }
            _ => {
                let f = self.term(p);
                for &l in &f.last {
                    self.follow[l].extend_from_slice(&f.first);
                }
                let star = Fragment {
                    nullable: true,
                    ..f
                };
                acc = self.seq(acc, star);
            }
        }
        acc
    }

    fn term(&mut self, p: &'static Particle) -> Fragment {
        match p.term {
            Term::Element(_) | Term::Any => {
                let position = self.leaf.len();
                let decl = self
                    .decls
                    .iter()
                    .position(|d| std::ptr::eq(*d, p))
                    .unwrap_or_else(|| {
                        self.decls.push(p);
                        self.decls.len() - 1
                    });
                self.leaf.push(Some(p));
                self.decl.push(decl);
                self.follow.push(Vec::new());
                self.accepting.push(false);
                Fragment {
                    first: vec![position],
                    last: vec![position],
                    nullable: false,
                }
            }
            // `xs:all` is only ever a whole content model (checked apart).
            Term::Sequence(items) | Term::All(items) => {
                let mut acc = Fragment::empty();
                for item in items {
                    let f = self.particle(item);
                    acc = self.seq(acc, f);
                }
                acc
            }
            Term::Choice(items) => {
                let mut acc = Fragment {
                    first: Vec::new(),
                    last: Vec::new(),
                    nullable: false,
                };
                for item in items {
                    let f = self.particle(item);
                    acc.first.extend(f.first);
                    acc.last.extend(f.last);
                    acc.nullable |= f.nullable;
                }
                acc
            }
        }
    }

    fn seq(&mut self, a: Fragment, b: Fragment) -> Fragment {
        for &l in &a.last {
            self.follow[l].extend_from_slice(&b.first);
        }
        let mut first = a.first;
        if a.nullable {
            first.extend_from_slice(&b.first);
        }
        let mut last = b.last;
        if b.nullable {
            last.extend(a.last);
        }
        Fragment {
            first,
            last,
            nullable: a.nullable && b.nullable,
        }
    }

    fn label(&self, position: usize) -> &'static str {
        match self.leaf[position].map(|p| p.term) {
            Some(Term::Element(e)) => e.name,
            _ => WILDCARD,
        }
    }

    fn matches(&self, position: usize, name: &str) -> bool {
        match self.leaf[position].map(|p| p.term) {
            Some(Term::Element(e)) => e.name == name,
            Some(Term::Any) => true,
            _ => false,
        }
    }

    fn successors(&self, state: &[usize]) -> Vec<usize> {
        let mut next: Vec<usize> = state
            .iter()
            .flat_map(|&p| self.follow[p].iter().copied())
            .collect();
        next.sort_unstable();
        next.dedup();
        next
    }

    fn step(&self, state: &[usize], name: &str) -> Vec<usize> {
        // The positions `name` matches, then sorted: the same set as the
        // successors filtered, without sorting every successor.
        let mut next: Vec<usize> = state
            .iter()
            .flat_map(|&p| self.follow[p].iter().copied())
            .filter(|&q| self.matches(q, name))
            .collect();
        if state.len() > 1 {
            next.sort_unstable();
            next.dedup();
        }
        next
    }

    fn accepts_end(&self, state: &[usize]) -> bool {
        state.iter().any(|&p| self.accepting[p])
    }

    /// Labels of these positions, one per name, in schema order.
    fn names(&self, positions: &[usize]) -> Vec<&'static str> {
        let mut by_decl: Vec<(usize, &'static str)> = positions
            .iter()
            .map(|&q| (self.decl[q], self.label(q)))
            .collect();
        by_decl.sort_unstable();
        let mut names: Vec<&'static str> = Vec::new();
        for (_, n) in by_decl {
            if !names.contains(&n) {
                names.push(n);
            }
        }
        names
    }

    fn expected(&self, state: &[usize]) -> Vec<&'static str> {
        self.names(&self.successors(state))
    }

    /// The shortest way from `state` to a position `is_target` accepts: the
    /// positions passed through, the last one the target.
    fn shortest(&self, state: &[usize], is_target: impl Fn(usize) -> bool) -> Option<Vec<Step>> {
        let n = self.leaf.len();
        let mut dist = vec![usize::MAX; n];
        for (q, d) in dist.iter_mut().enumerate().skip(1) {
            if is_target(q) {
                *d = 0;
            }
        }
        let mut changed = true;
        while changed {
            changed = false;
            for q in 1..n {
                let best = self.follow[q]
                    .iter()
                    .map(|&r| dist[r].saturating_add(1))
                    .min()
                    .unwrap_or(usize::MAX);
                if best < dist[q] {
                    dist[q] = best;
                    changed = true;
                }
            }
        }
        let mut candidates = self.successors(state);
        let mut steps = Vec::new();
        loop {
            let d = candidates.iter().map(|&q| dist[q]).min()?;
            if d == usize::MAX {
                return None;
            }
            let best: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&q| dist[q] == d)
                .collect();
            let position = best[0];
            steps.push(Step {
                position,
                alternatives: self.names(&best),
            });
            if d == 0 {
                return Some(steps);
            }
            candidates.clone_from(&self.follow[position]);
        }
    }

    fn check(&self, children: &[&str]) -> Vec<ContentProblem> {
        let mut problems = Vec::new();
        let mut state = vec![0];
        // Per declaration: occurrences so far and the first one.
        let mut counts: Vec<(u32, usize)> = vec![(0, 0); self.decls.len()];
        // Children reported as too early, still owed to a later "missing".
        let mut early: Vec<&str> = Vec::new();
        // (child index, state before it) of every child taken.
        let mut history: Vec<(usize, Vec<usize>)> = Vec::new();
        let (known, wildcard) = (&self.known, self.wildcard);

        let take = |position: usize,
                    index: usize,
                    counts: &mut Vec<(u32, usize)>,
                    problems: &mut Vec<ContentProblem>| {
            let decl = self.decl[position];
            let (count, first) = &mut counts[decl];
            if *count == 0 {
                *first = index;
            }
            *count += 1;
            if let Some(max) = self.decls[decl].max
                && *count > max
            {
                problems.push(ContentProblem::Repeated {
                    index,
                    max,
                    first: *first,
                });
            }
        };
        let missing = |steps: &[Step],
                       before: Option<usize>,
                       early: &mut Vec<&str>,
                       problems: &mut Vec<ContentProblem>| {
            for s in steps {
                if let Some(at) = early.iter().position(|e| s.alternatives.contains(e)) {
                    early.remove(at);
                    continue;
                }
                problems.push(ContentProblem::Missing {
                    name: self.label(s.position),
                    alternatives: s.alternatives.clone(),
                    before,
                });
            }
        };

        for (index, &name) in children.iter().enumerate() {
            let next = self.step(&state, name);
            if let Some(&position) = next.first() {
                take(position, index, &mut counts, &mut problems);
                history.push((index, std::mem::replace(&mut state, next)));
                continue;
            }
            if !wildcard && !known.contains(&name) {
                problems.push(ContentProblem::Unknown {
                    index,
                    expected: self.expected(&state),
                    known: known.clone(),
                });
                continue;
            }
            // Known here, but not next: reachable by inserting required elements?
            if let Some(steps) = self.shortest(&state, |q| self.matches(q, name)) {
                let (landing, inserted) = steps.split_last().expect("a way has a target");
                let later = children[index + 1..]
                    .iter()
                    .position(|c| inserted.iter().any(|s| s.alternatives.contains(c)));
                if let Some(offset) = later {
                    // What it skips comes later: this child is early.
                    problems.push(ContentProblem::Misplaced {
                        index,
                        expected: self.expected(&state),
                        placement: Placement::After(index + 1 + offset),
                    });
                    early.push(name);
                    continue;
                }
                missing(inserted, Some(index), &mut early, &mut problems);
                take(landing.position, index, &mut counts, &mut problems);
                history.push((index, std::mem::replace(&mut state, vec![landing.position])));
                continue;
            }
            // Only allowed earlier: too many, or too late.
            let exhausted = self
                .decls
                .iter()
                .zip(&counts)
                .filter(|(p, _)| matches!(p.term, Term::Element(e) if e.name == name))
                .try_fold(
                    None::<(u32, usize)>,
                    |worst, (p, &(count, first))| match p.max {
                        Some(max) if count >= max => Some(Some(
                            worst.map_or((max, first), |(m, f)| (m.min(max), f.min(first))),
                        )),
                        _ => None,
                    },
                )
                .flatten();
            if let Some((max, first)) = exhausted {
                problems.push(ContentProblem::TooMany { index, max, first });
                continue;
            }
            let placement = history
                .iter()
                .rev()
                .find(|(_, before)| !self.step(before, name).is_empty())
                .map_or(Placement::Elsewhere, |(at, _)| Placement::Before(*at));
            problems.push(ContentProblem::Misplaced {
                index,
                expected: self.expected(&state),
                placement,
            });
        }
        if !self.accepts_end(&state)
            && let Some(steps) = self.shortest(&state, |q| self.accepting[q])
        {
            missing(&steps, None, &mut early, &mut problems);
        }
        problems
    }
}

// ---------------------------------------------------------------------------
// Text values

impl SimpleType {
    /// The text after this type's whitespace rule.
    #[must_use]
    pub fn normalize<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match self.whitespace {
            WhiteSpace::Preserve => Cow::Borrowed(text),
            WhiteSpace::Replace => {
                if text.contains(['\t', '\n', '\r']) {
                    Cow::Owned(text.replace(['\t', '\n', '\r'], " "))
                } else {
                    Cow::Borrowed(text)
                }
            }
            WhiteSpace::Collapse => collapse(text),
        }
    }

    /// What a valid value looks like, as a noun phrase.
    fn expectation(&self) -> String {
        match self.kind {
            SimpleKind::String => "text".to_owned(),
            SimpleKind::AnyUri => "a URI reference".to_owned(),
            SimpleKind::NonNegativeInteger => "a whole number, 0 or more".to_owned(),
            SimpleKind::Enumeration([one]) => format!("`{one}`"),
            SimpleKind::Enumeration(values) => {
                let mut s = "one of ".to_owned();
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    let _ = write!(s, "`{v}`");
                }
                s
            }
            SimpleKind::Pattern(p) => p.expectation().to_owned(),
            SimpleKind::List(item) => format!("a blank-separated list of {}", item.expectation()),
            SimpleKind::Union(members) => {
                let parts: Vec<String> = members.iter().map(|m| m.expectation()).collect();
                parts.join(" or ")
            }
        }
    }
}

/// XSD `collapse` (the same as XPath `normalize-space`).
fn collapse(text: &str) -> Cow<'_, str> {
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r');
    let trimmed = text.trim_matches(is_space);
    let clean = !trimmed.contains(['\t', '\n', '\r']) && !trimmed.contains("  ");
    if clean {
        return Cow::Borrowed(trimmed);
    }
    let mut out = String::with_capacity(trimmed.len());
    for word in trimmed.split(is_space).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    Cow::Owned(out)
}

/// What is wrong with an element's text for its simple type, after the
/// type's whitespace rule: `None` when the validator accepts it. Pass the
/// text after `${name}` substitution, which the gateway does first. The
/// description never quotes the text (it may be a secret).
#[must_use]
pub fn check_value(ty: &SimpleType, text: &str) -> Option<String> {
    let value = ty.normalize(text);
    let value = value.as_ref();
    let wrong = match ty.kind {
        SimpleKind::String => false,
        SimpleKind::AnyUri => {
            return uri_problem(value).map(|why| format!("is not a valid URI reference: {why}"));
        }
        SimpleKind::NonNegativeInteger => !is_non_negative_integer(value),
        SimpleKind::Enumeration(values) => !values.contains(&value),
        SimpleKind::Pattern(p) => !p.matches(value),
        SimpleKind::List(item) => {
            return value
                .split(' ')
                .filter(|i| !i.is_empty())
                .find_map(|i| check_value(item, i))
                .map(|why| format!("has an item that {why}"));
        }
        SimpleKind::Union(members) => members.iter().all(|m| check_value(m, text).is_some()),
    };
    if !wrong {
        return None;
    }
    let empty = if value.is_empty() {
        "is empty; it "
    } else {
        ""
    };
    Some(format!("{empty}must be {}", ty.expectation()))
}

fn is_non_negative_integer(v: &str) -> bool {
    let (negative, digits) = match v.as_bytes().first() {
        Some(b'-') => (true, &v[1..]),
        Some(b'+') => (false, &v[1..]),
        _ => (false, v),
    };
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (!negative || digits.bytes().all(|b| b == b'0'))
}

impl Pattern {
    /// Whether the (whitespace-normalised) value matches the whole pattern.
    #[must_use]
    pub fn matches(self, v: &str) -> bool {
        match self {
            Self::CommaList => {
                let blank = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r');
                !v.is_empty()
                    && !v.contains(blank)
                    && !v.starts_with(',')
                    && !v.ends_with(',')
                    && !v.contains(",,")
            }
            Self::TimeInterval => {
                let rest = v.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
                if rest.len() == v.len() {
                    return false;
                }
                let unit = rest.trim_start_matches([' ', '\t', '\n', '\r']);
                unit.is_empty() || TIME_UNITS.iter().any(|u| u.eq_ignore_ascii_case(unit))
            }
            Self::DataSize => {
                let rest = v.trim_start_matches(|c: char| c.is_ascii_digit());
                rest.len() < v.len() && matches!(rest, "" | "k" | "K" | "m" | "M")
            }
            Self::DataRate => {
                let rest = v.trim_start_matches(|c: char| c.is_ascii_digit());
                rest.len() < v.len()
                    && matches!(rest, "" | "B/s" | "kB/s" | "KiB/s" | "MB/s" | "MiB/s")
            }
            Self::CacheControl => cache_control_matches(v.as_bytes()),
            Self::ClassName => v.strip_prefix("class:").is_some_and(|name| {
                name.split('.').all(|part| {
                    let mut chars = part.chars();
                    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                        && chars.all(|c| c.is_ascii_alphanumeric())
                })
            }),
            Self::ExtensionName => v
                .strip_suffix("-extension")
                .is_some_and(|head| !head.is_empty() && !head.contains(['\n', '\r'])),
        }
    }

    fn expectation(self) -> &'static str {
        match self {
            Self::CommaList => "a comma-separated list without blanks or empty items",
            Self::TimeInterval => {
                "a time interval: a number with an optional unit (`ms`, `s`, `m`, `h`, `sec`, `min`, ...)"
            }
            Self::DataSize => "a size: digits with an optional `k`, `K`, `m` or `M`",
            Self::DataRate => {
                "a rate: digits with an optional `B/s`, `kB/s`, `KiB/s`, `MB/s` or `MiB/s`"
            }
            Self::CacheControl => {
                "cache directives such as `max-age=1h` or `max-age=m+10min`, separated by commas"
            }
            Self::ClassName => {
                "`class:` followed by a dotted class name of ASCII letters and digits"
            }
            Self::ExtensionName => "a name ending in `-extension`",
        }
    }
}

/// The units `TimeIntervalString` allows (compared ignoring ASCII case).
const TIME_UNITS: [&str; 18] = [
    "ms",
    "milli",
    "millis",
    "millisecond",
    "milliseconds",
    "s",
    "sec",
    "secs",
    "second",
    "seconds",
    "m",
    "min",
    "mins",
    "minute",
    "minutes",
    "h",
    "hour",
    "hours",
];

/// `CacheControlString`. Its optional unit after the digits is letters, which
/// the next directive's name may equally take, so it needs no rule of its own:
/// `(name ('=' ([mM] blank* '+' blank*)? digit+)? blank* ','? blank*)+`.
fn cache_control_matches(s: &[u8]) -> bool {
    let blank = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r');
    let at = |i: usize| s.get(i).copied().unwrap_or(0);
    let mut i = 0;
    if s.is_empty() {
        return false;
    }
    while i < s.len() {
        let start = i;
        while at(i).is_ascii_alphabetic() || at(i) == b'-' {
            i += 1;
        }
        if i == start {
            return false;
        }
        if at(i) == b'=' {
            i += 1;
            if matches!(at(i), b'm' | b'M') {
                i += 1;
                while blank(at(i)) {
                    i += 1;
                }
                if at(i) != b'+' {
                    return false;
                }
                i += 1;
                while blank(at(i)) {
                    i += 1;
                }
            }
            let digits = i;
            while at(i).is_ascii_digit() {
                i += 1;
            }
            if i == digits {
                return false;
            }
        }
        while blank(at(i)) {
            i += 1;
        }
        if at(i) == b',' {
            i += 1;
        }
        while blank(at(i)) {
            i += 1;
        }
    }
    true
}

/// Why libxml2 (2.9) refuses a collapsed `xs:anyURI` value, if it does: it
/// turns control characters, non-ASCII bytes, space and `<>"{}|\^`'` into
/// `_`, then parses an RFC 3986 URI or, failing that, a relative reference
/// (an empty value is fine; a port must be digits that fit an `int`).
/// XMLBeans (the gateway) checks with `java.net.URI` instead; both refuse
/// bad `%` escapes, a second `#` and a bad port, which is what matters here.
fn uri_problem(v: &str) -> Option<&'static str> {
    if v.is_empty() {
        return None;
    }
    let s: Vec<u8> = v
        .bytes()
        .map(|c| {
            if !(32..127).contains(&c) || b" <>\"{}|\\^`'".contains(&c) {
                b'_'
            } else {
                c
            }
        })
        .collect();
    let uri = UriParser { s: &s };
    if uri.absolute() || uri.relative() {
        return None;
    }
    Some(uri.reason())
}

struct UriParser<'a> {
    s: &'a [u8],
}

impl UriParser<'_> {
    fn at(&self, i: usize) -> u8 {
        self.s.get(i).copied().unwrap_or(0)
    }

    fn unreserved(&self, i: usize) -> bool {
        let c = self.at(i);
        c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~')
    }

    fn sub_delim(&self, i: usize) -> bool {
        matches!(
            self.at(i),
            b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
        )
    }

    fn pct(&self, i: usize) -> bool {
        self.at(i) == b'%'
            && self.at(i + 1).is_ascii_hexdigit()
            && self.at(i + 2).is_ascii_hexdigit()
    }

    fn pchar(&self, i: usize) -> bool {
        self.unreserved(i) || self.pct(i) || self.sub_delim(i) || matches!(self.at(i), b':' | b'@')
    }

    fn next(&self, i: usize) -> usize {
        if self.at(i) == b'%' { i + 3 } else { i + 1 }
    }

    /// `segment`, stopping at `forbid`.
    fn segment(&self, mut i: usize, forbid: u8) -> usize {
        while self.pchar(i) && self.at(i) != forbid {
            i = self.next(i);
        }
        i
    }

    /// `*( "/" segment )`.
    fn more_segments(&self, mut i: usize) -> usize {
        while self.at(i) == b'/' {
            i = self.segment(i + 1, 0);
        }
        i
    }

    /// `[ userinfo "@" ] host [ ":" port ]`; libxml2's IPv4 branch never
    /// succeeds, so a host is a bracketed literal or a registered name.
    fn authority(&self, mut i: usize) -> Option<usize> {
        let mut j = i;
        while self.unreserved(j) || self.pct(j) || self.sub_delim(j) || self.at(j) == b':' {
            j = self.next(j);
        }
        if self.at(j) == b'@' {
            i = j + 1;
        }
        if self.at(i) == b'[' {
            while i < self.s.len() && self.at(i) != b']' {
                i += 1;
            }
            if self.at(i) != b']' {
                return None;
            }
            i += 1;
        } else {
            while self.unreserved(i) || self.pct(i) || self.sub_delim(i) {
                i = self.next(i);
            }
        }
        if self.at(i) == b':' {
            i += 1;
            if !self.at(i).is_ascii_digit() {
                return None;
            }
            let mut port: i32 = 0;
            while self.at(i).is_ascii_digit() {
                port = port
                    .checked_mul(10)?
                    .checked_add(i32::from(self.at(i) - b'0'))?;
                i += 1;
            }
        }
        Some(i)
    }

    /// `[ "?" query ] [ "#" fragment ]`, then the end.
    fn tail(&self, mut i: usize) -> bool {
        if self.at(i) == b'?' {
            i += 1;
            while self.pchar(i) || matches!(self.at(i), b'/' | b'?') {
                i = self.next(i);
            }
        }
        if self.at(i) == b'#' {
            i += 1;
            while self.pchar(i) || matches!(self.at(i), b'/' | b'?' | b'[' | b']') {
                i = self.next(i);
            }
        }
        i == self.s.len()
    }

    fn scheme_end(&self) -> Option<usize> {
        if !self.at(0).is_ascii_alphabetic() {
            return None;
        }
        let mut i = 1;
        while self.at(i).is_ascii_alphanumeric() || matches!(self.at(i), b'+' | b'-' | b'.') {
            i += 1;
        }
        (self.at(i) == b':').then_some(i + 1)
    }

    /// `scheme ":" hier-part [ "?" query ] [ "#" fragment ]`.
    fn absolute(&self) -> bool {
        let Some(i) = self.scheme_end() else {
            return false;
        };
        self.hierarchy(i, 0).is_some_and(|i| self.tail(i))
    }

    /// `relative-part [ "?" query ] [ "#" fragment ]`.
    fn relative(&self) -> bool {
        self.hierarchy(0, b':').is_some_and(|i| self.tail(i))
    }

    /// `"//" authority path-abempty / path-absolute / path-rootless (or, with
    /// `forbid` = `:`, path-noscheme) / path-empty`.
    fn hierarchy(&self, i: usize, forbid: u8) -> Option<usize> {
        if self.at(i) == b'/' && self.at(i + 1) == b'/' {
            let i = self.authority(i + 2)?;
            return Some(self.more_segments(i));
        }
        if self.at(i) == b'/' {
            let j = self.segment(i + 1, 0);
            return Some(if j == i + 1 { j } else { self.more_segments(j) });
        }
        if self.pchar(i) {
            let j = self.segment(i, forbid);
            return Some(self.more_segments(j));
        }
        Some(i)
    }

    /// A short reason for a refused value, without quoting it.
    fn reason(&self) -> &'static str {
        let s = self.s;
        if s.iter()
            .enumerate()
            .any(|(i, &c)| c == b'%' && !self.pct(i))
        {
            return "a `%` not followed by two hex digits";
        }
        if s.iter().position(|&c| c == b'#') != s.iter().rposition(|&c| c == b'#') {
            return "more than one `#`";
        }
        if let Some(i) = self.scheme_end()
            && self.at(i) == b'/'
            && self.at(i + 1) == b'/'
            && self.authority(i + 2).is_none()
        {
            return "a port that is empty, not a number or too large, or an unclosed `[`";
        }
        if self.scheme_end().is_none()
            && self.segment(0, b':') < s.len()
            && self.at(self.segment(0, b':')) == b':'
        {
            return "a colon in the first segment of a reference without a scheme";
        }
        if s.iter().any(|&c| matches!(c, b'[' | b']')) {
            return "`[` or `]` outside an IPv6 address";
        }
        "characters in the wrong places"
    }
}

// Table builders (used by `tables.rs`).

const fn simple(ty: &'static SimpleType) -> ElementType {
    ElementType::Simple(ty)
}

const fn complex(name: &'static str) -> ElementType {
    ElementType::Complex(name)
}

const fn element(name: &'static str, min: u32, max: Option<u32>, ty: ElementType) -> Particle {
    element_with(name, min, max, ty, None, None)
}

const fn element_with(
    name: &'static str,
    min: u32,
    max: Option<u32>,
    ty: ElementType,
    fixed: Option<&'static str>,
    default: Option<&'static str>,
) -> Particle {
    Particle {
        min,
        max,
        term: Term::Element(Element {
            name,
            ty,
            fixed,
            default,
        }),
    }
}

const fn sequence(min: u32, max: Option<u32>, items: &'static [Particle]) -> Particle {
    Particle {
        min,
        max,
        term: Term::Sequence(items),
    }
}

const fn choice(min: u32, max: Option<u32>, items: &'static [Particle]) -> Particle {
    Particle {
        min,
        max,
        term: Term::Choice(items),
    }
}

const fn all(min: u32, max: Option<u32>, items: &'static [Particle]) -> Particle {
    Particle {
        min,
        max,
        term: Term::All(items),
    }
}

const fn any(min: u32, max: Option<u32>) -> Particle {
    Particle {
        min,
        max,
        term: Term::Any,
    }
}

impl Element {
    /// What is wrong with this element's text: its simple type's check, then
    /// its fixed value (schema data, so it may be quoted). `None` for
    /// elements without a simple type.
    #[must_use]
    pub fn check_text(&self, text: &str) -> Option<String> {
        let ElementType::Simple(ty) = self.ty else {
            return None;
        };
        if let Some(problem) = check_value(ty, text) {
            return Some(problem);
        }
        let fixed = self.fixed?;
        (ty.normalize(text) != fixed).then(|| format!("must be `{fixed}`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str) -> &'static SimpleType {
        schema(Namespace::V2016_06).simple_type(name).expect(name)
    }

    fn ok(ty: &str, v: &str) -> bool {
        check_value(named(ty), v).is_none()
    }

    #[test]
    fn comma_lists_have_no_blanks_or_empty_items() {
        for v in ["GET", "GET,POST", "a,b,c", "  GET,POST \n", "x-y,z"] {
            assert!(ok("CSVType", v), "{v:?}");
        }
        for v in ["", "GET, POST", "GET,,POST", ",GET", "GET,", "a b", ","] {
            assert!(!ok("CSVType", v), "{v:?}");
        }
    }

    #[test]
    fn time_intervals() {
        for v in [
            "30",
            "30s",
            "30 sec",
            "1.5MINUTES",
            "10 Ms",
            "5 hours",
            ".",
            " 2m ",
            "1\n\tH",
        ] {
            assert!(ok("TimeIntervalString", v), "{v:?}");
        }
        for v in ["", "s", "30 days", "30secss", "-1", "30 s s", "1,5s", "30d"] {
            assert!(!ok("TimeIntervalString", v), "{v:?}");
        }
    }

    #[test]
    fn data_sizes_and_rates() {
        for v in ["128", "128k", "64M", " 1m "] {
            assert!(ok("DataSizeString", v), "{v:?}");
        }
        for v in ["", "k", "1 k", "1kb", "1G", "1.5k"] {
            assert!(!ok("DataSizeString", v), "{v:?}");
        }
        for v in ["10", "10B/s", "10KiB/s", "10MB/s"] {
            assert!(ok("DataRateString", v), "{v:?}");
        }
        for v in ["10kb/s", "10 MB/s", "B/s", "10GB/s"] {
            assert!(!ok("DataRateString", v), "{v:?}");
        }
    }

    #[test]
    fn cache_control() {
        for v in [
            "max-age=3600",
            "max-age=1h",
            "max-age=m+10min",
            "private, max-age=30s",
            "no-cache,no-store",
            "max-age=M + 5",
            "a=5s=3",
            "public ,",
        ] {
            assert!(ok("CacheControlString", v), "{v:?}");
        }
        for v in [
            "",
            "=5",
            "max-age=",
            "max-age=m5",
            "max-age 5",
            "a,,b",
            ", a",
            "max_age=1",
            "a=1.5h",
        ] {
            assert!(!ok("CacheControlString", v), "{v:?}");
        }
    }

    #[test]
    fn anonymous_patterns() {
        let s = schema(Namespace::V2016_06);
        let class = s.element("CustomLoginModuleType", "type").expect("type");
        for v in ["class:Foo", "class:com.example.Login2", " class:a.b "] {
            assert_eq!(class.check_text(v), None, "{v:?}");
        }
        for v in [
            "class:",
            "class:com.example.My_Module",
            "class:1a",
            "class:a..b",
            "class:a.",
            "com.Foo",
        ] {
            assert!(class.check_text(v).is_some(), "{v:?}");
        }
        let ext = s.element("ExtensionServiceType", "type").expect("type");
        assert_eq!(ext.check_text("my-extension"), None);
        assert!(ext.check_text("-extension").is_some());
        assert!(ext.check_text("my-extension-2").is_some());
    }

    #[test]
    fn enumerations_and_fixed_values() {
        let s = schema(Namespace::V2016_06);
        let e = s
            .element("ServiceAcceptOptionsType", "ssl.encryption")
            .expect("decl");
        assert_eq!(e.check_text(" enabled\n"), None);
        assert_eq!(
            e.check_text("on").as_deref(),
            Some("must be one of `enabled`, `disabled`")
        );
        assert_eq!(
            e.check_text("").as_deref(),
            Some("is empty; it must be one of `enabled`, `disabled`")
        );
        let ty = s.element("proxyServiceType", "type").expect("decl");
        assert_eq!(ty.check_text(" proxy "), None);
        assert_eq!(ty.check_text("echo").as_deref(), Some("must be `proxy`"));
    }

    #[test]
    fn integers() {
        let n = named("xs:nonNegativeInteger");
        for v in [
            "0",
            "42",
            "+5",
            "-0",
            " 7 ",
            "007",
            "123456789012345678901234567890",
        ] {
            assert_eq!(check_value(n, v), None, "{v:?}");
        }
        for v in ["", "-1", "1.0", "1 2", "x", "+", "1e3"] {
            assert!(check_value(n, v).is_some(), "{v:?}");
        }
    }

    #[test]
    fn uris_as_libxml2_sees_them() {
        let u = named("xs:anyURI");
        for v in [
            "",
            "tcp://10.0.0.1:5941",
            "ws://gateway.example.com:8000/echo",
            "http://${h}:8000/",
            "a b",
            "*",
            "x:y",
            "http://[::1]:80/",
            "http://h/a#[x]",
            "http://h:2147483647/",
            "file:///c:/x",
            "http://h/é",
            "pipe://name",
            "http:",
            "a?b?c",
        ] {
            assert_eq!(check_value(u, v), None, "{v:?}");
        }
        for (v, why) in [
            ("http://h/%zz", "`%`"),
            ("%", "`%`"),
            ("http://h/a#b#c", "`#`"),
            ("http://h:/x", "port"),
            ("http://h:2147483648/", "port"),
            ("http://${h}:${p}/", "port"),
            ("http://[::1/", "port"),
            ("${a}:80", "colon"),
            (":x", "colon"),
            ("http://h/a?[x]", "`[`"),
            ("1abc:foo", "colon"),
            ("http://a@b@c/", "wrong"),
        ] {
            let problem = check_value(u, v).unwrap_or_else(|| panic!("{v:?} accepted"));
            assert!(problem.contains(why), "{v:?}: {problem}");
            assert!(v.len() < 4 || !problem.contains(v), "{v:?} quoted");
        }
    }

    #[test]
    fn lists_and_unions() {
        let s = schema(Namespace::V2016_06);
        let realm = s
            .element("ServiceAcceptOptionsType", "http.realm")
            .expect("decl");
        assert_eq!(realm.check_text(" a  b "), None);
        let origin = s
            .element("CrossSiteConstraintType", "allow-origin")
            .expect("decl");
        assert_eq!(origin.check_text(" * "), None);
        assert_eq!(origin.check_text("http://example.com"), None);
        assert_eq!(
            origin.check_text("%").as_deref(),
            Some("must be a URI reference or `*`")
        );
    }

    #[test]
    fn whitespace_rules() {
        let c = named("CollapsedString");
        assert_eq!(c.normalize("  a \t\n b  "), "a b");
        assert!(matches!(c.normalize("a b"), Cow::Borrowed(_)));
        assert_eq!(named("xs:string").normalize(" a  b "), " a  b ");
    }

    #[test]
    fn namespaces() {
        assert_eq!(
            Namespace::from_uri("HTTP://XMLNS.KAAZING.ORG/2016/06/GATEWAY"),
            Ok(Namespace::V2016_06)
        );
        assert_eq!(
            Namespace::from_uri("http://xmlns.kaazing.org/2014/09/gateway"),
            Ok(Namespace::V2014_09)
        );
        assert_eq!(
            Namespace::from_uri("http://xmlns.kaazing.com/2012/09/gateway"),
            Err(UnsupportedNamespace::Untranslatable(
                "http://xmlns.kaazing.com/2012/09/gateway"
            ))
        );
        assert_eq!(
            Namespace::from_uri("http://xmlns.kaazing.org/2012/09/gateway"),
            Err(UnsupportedNamespace::Unknown)
        );
        // Java's case folding: the long s and the Kelvin sign.
        assert_eq!(
            Namespace::from_uri("http://xmlnſ.\u{212a}aazing.org/2015/11/gateway"),
            Ok(Namespace::V2015_11)
        );
        assert_eq!(
            Namespace::from_uri("http://xmlns.kaazing.org/2015/11/gateway "),
            Err(UnsupportedNamespace::Unknown)
        );
        for ns in Namespace::ALL {
            assert_eq!(schema(ns).namespace(), ns);
            assert_eq!(Namespace::from_uri(ns.uri()), Ok(ns));
        }
    }

    #[test]
    fn tables_are_sorted_and_closed() {
        for ns in Namespace::ALL {
            let s = schema(ns);
            assert!(
                s.complex.windows(2).all(|w| w[0].name < w[1].name),
                "{ns:?}"
            );
            assert!(s.simple.windows(2).all(|w| w[0].name < w[1].name), "{ns:?}");
            assert!(s.complex_type(s.root().name).is_some());
            for t in s.complex_types() {
                if let Some(base) = t.base {
                    assert!(s.complex_type(base).is_some(), "{}: base {base}", t.name);
                }
                if let Content::Elements(ref p) = t.content {
                    each_element(p, &mut |e| match e.ty {
                        ElementType::Complex(c) => {
                            assert!(s.complex_type(c).is_some(), "{}: {c}", t.name);
                        }
                        ElementType::Simple(st) => {
                            assert!(
                                s.simple_type(st.name).is_some_and(|x| std::ptr::eq(x, st)),
                                "{}",
                                st.name
                            );
                        }
                        ElementType::Any => {}
                    });
                }
            }
        }
    }

    fn each_element(p: &'static Particle, f: &mut impl FnMut(&'static Element)) {
        match &p.term {
            Term::Element(e) => f(e),
            Term::Sequence(items) | Term::Choice(items) | Term::All(items) => {
                for i in *items {
                    each_element(i, f);
                }
            }
            Term::Any => {}
        }
    }

    #[test]
    fn service_and_login_module_types() {
        let s = schema(Namespace::V2016_06);
        assert_eq!(s.service_type("proxy"), Some("proxyServiceType"));
        assert_eq!(
            s.service_type("\n  http.proxy  "),
            Some("http.proxyServiceType")
        );
        assert_eq!(s.service_type("my-extension"), Some("ExtensionServiceType"));
        assert_eq!(s.service_type(""), None);
        assert_eq!(s.service_type("Proxy"), None);
        assert_eq!(s.service_type("session"), None);
        assert_eq!(s.service_type("Login"), None);
        assert_eq!(s.login_module_type("file"), Some("fileLoginModuleType"));
        assert_eq!(
            s.login_module_type("class:com.Foo"),
            Some("CustomLoginModuleType")
        );
        assert_eq!(s.login_module_type(" class:com.Foo"), None);
        assert_eq!(s.login_module_type("kerberos5"), None);
        assert!(s.service_type_values().contains(&"turn.rest"));
        assert!(
            !schema(Namespace::V2015_11)
                .service_type_values()
                .contains(&"turn.rest")
        );
        assert_eq!(
            s.login_module_type_values(),
            ["file", "jndi", "keystore", "ldap"]
        );
    }
}
