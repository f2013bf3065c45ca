//! XML as a spanned element tree, read with quick-xml. No DTD is processed:
//! a `DOCTYPE` is reported and skipped, and entity references other than
//! the five predefined ones and character references are refused, so
//! neither external entities nor entity expansion ("billion laughs") can
//! happen. Errors are located; reading goes on where it can (end tags are
//! matched against the open elements, not trusted).
//!
//! Every element, attribute and text node keeps the range of its raw text;
//! decoded values map back to the raw text through their pieces.

pub mod format;
pub mod kaazing_schema;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use quick_xml::events::Event;
use quick_xml::reader::Reader;

use crate::formats::ParseError;
use crate::source::TextRange;

/// Elements nested deeper than this are reported and not kept (unless
/// `[limits] max-nesting-depth` says otherwise).
pub const MAX_DEPTH: usize = 256;

/// A decoded value (text or attribute) and where each piece of it is
/// written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Value {
    pub text: String,
    /// The raw text the value comes from (for a text node: all of it,
    /// CDATA sections and references included).
    pub range: TextRange,
    /// `(offset in text, raw range)` of the first piece; a piece whose raw
    /// text is as long as its decoded text is written as is. Most values
    /// have one piece, kept here without an allocation.
    first: Option<(u32, TextRange)>,
    /// The further pieces, in order.
    more: Vec<(u32, TextRange)>,
}

impl Value {
    /// Each piece: `(start in text, end in text, raw range)`.
    fn pieces(&self) -> impl Iterator<Item = (u32, u32, TextRange)> + '_ {
        let starts = self.first.iter().chain(&self.more);
        let ends = self
            .more
            .iter()
            .map(|&(at, _)| at)
            .chain(std::iter::once(self.text.len() as u32));
        starts.zip(ends).map(|(&(at, raw), end)| (at, end, raw))
    }

    /// The raw range of a range of the decoded text: exact inside a piece
    /// written as is, else the pieces it touches.
    #[must_use]
    pub fn raw_range(&self, decoded: TextRange) -> TextRange {
        let mut out: Option<TextRange> = None;
        for (at, end, raw) in self.pieces() {
            if end <= decoded.start && !(decoded.is_empty() && end == decoded.start) {
                continue;
            }
            if at > decoded.end || (at == decoded.end && !decoded.is_empty()) {
                break;
            }
            let verbatim = raw.len() == end - at;
            let piece = if verbatim {
                let start = raw.start + decoded.start.max(at) - at;
                let stop = raw.start + decoded.end.min(end) - at;
                TextRange::new(start, stop.max(start))
            } else {
                raw
            };
            out = Some(out.map_or(piece, |o| o.cover(piece)));
        }
        out.unwrap_or(TextRange::empty(self.range.start))
    }

    fn push(&mut self, decoded: &str, raw: TextRange) {
        let piece = (self.text.len() as u32, raw);
        if self.first.is_none() {
            self.range = raw;
            self.first = Some(piece);
        } else {
            self.range = self.range.cover(raw);
            self.more.push(piece);
        }
        self.text.push_str(decoded);
    }

    fn has_pieces(&self) -> bool {
        self.first.is_some()
    }
}

/// `name="value"`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// The qualified name as written.
    pub name: String,
    pub name_range: TextRange,
    pub value: Value,
}

/// A child of an element.
#[derive(Clone, Copy, Debug)]
pub enum Node<'a> {
    Element(Element<'a>),
    /// Character data (text, references and CDATA sections run together).
    Text(&'a Value),
}

/// A child as the document keeps it: an index into its elements or texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Child {
    Element(u32),
    Text(u32),
}

/// An element as the document keeps it: its name, attributes and children
/// as indices into the document's arrays.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ElementData {
    /// The qualified name, in [`XmlDocument::names`].
    name: u32,
    /// Where the local name starts in the name (after the prefix's `:`).
    local_start: u32,
    name_range: TextRange,
    namespace: Option<Arc<str>>,
    /// In [`XmlDocument::attributes`].
    attributes: Range<u32>,
    /// In [`XmlDocument::children`].
    children: Range<u32>,
    start_tag: TextRange,
    range: TextRange,
}

/// An element with its attributes and children, read through its document.
#[derive(Clone, Copy)]
pub struct Element<'a> {
    doc: &'a XmlDocument,
    data: &'a ElementData,
}

impl<'a> Element<'a> {
    /// The qualified name as written (`prefix:local` or `local`).
    #[must_use]
    pub fn name(&self) -> &'a str {
        &self.doc.names[self.data.name as usize]
    }

    /// The name without its prefix.
    #[must_use]
    pub fn local_name(&self) -> &'a str {
        let name = self.name();
        name.get(self.data.local_start as usize..).unwrap_or(name)
    }

    #[must_use]
    pub fn name_range(&self) -> TextRange {
        self.data.name_range
    }

    /// The namespace the name is in, from the `xmlns` declarations in scope.
    #[must_use]
    pub fn namespace(&self) -> Option<&'a str> {
        self.data.namespace.as_deref()
    }

    #[must_use]
    pub fn attributes(&self) -> &'a [Attribute] {
        let range = &self.data.attributes;
        &self.doc.attributes[range.start as usize..range.end as usize]
    }

    /// The start tag.
    #[must_use]
    pub fn start_tag(&self) -> TextRange {
        self.data.start_tag
    }

    /// From the start tag to the end of the end tag (or where it was cut
    /// off).
    #[must_use]
    pub fn range(&self) -> TextRange {
        self.data.range
    }

    fn child_slots(&self) -> &'a [Child] {
        let range = &self.data.children;
        &self.doc.children[range.start as usize..range.end as usize]
    }

    /// The children, elements and text.
    pub fn children(&self) -> impl Iterator<Item = Node<'a>> + 'a {
        let doc = self.doc;
        self.child_slots().iter().map(move |&child| doc.node(child))
    }

    /// The child elements.
    pub fn elements(&self) -> impl Iterator<Item = Element<'a>> + 'a {
        let doc = self.doc;
        self.child_slots()
            .iter()
            .filter_map(move |&child| match child {
                Child::Element(index) => Some(doc.element(index)),
                Child::Text(_) => None,
            })
    }

    /// The first child element with this local name.
    #[must_use]
    pub fn child(&self, local: &str) -> Option<Element<'a>> {
        self.elements().find(|e| e.local_name() == local)
    }

    /// The text content, when the element has text and no child elements
    /// (the pieces of several text nodes run together).
    #[must_use]
    pub fn text(&self) -> Option<Cow<'a, Value>> {
        let mut out: Option<Cow<'a, Value>> = None;
        for &child in self.child_slots() {
            match child {
                Child::Element(_) => return None,
                Child::Text(index) => {
                    let text = &self.doc.texts[index as usize];
                    match &mut out {
                        None => out = Some(Cow::Borrowed(text)),
                        Some(value) => {
                            let value = value.to_mut();
                            for (at, end, raw) in text.pieces() {
                                value.push(&text.text[at as usize..end as usize], raw);
                            }
                        }
                    }
                }
            }
        }
        out
    }

    /// The value of the attribute with this qualified name.
    #[must_use]
    pub fn attribute(&self, name: &str) -> Option<&'a Attribute> {
        self.attributes().iter().find(|a| a.name == name)
    }
}

impl fmt::Debug for Element<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Element")
            .field("name", &self.name())
            .field("name_range", &self.name_range())
            .field("namespace", &self.namespace())
            .field("attributes", &self.attributes())
            .field("children", &self.children().collect::<Vec<_>>())
            .field("range", &self.range())
            .finish()
    }
}

/// A parsed XML file: every element, child list, text and attribute in
/// one vector each.
#[derive(Clone, Debug, Default)]
pub struct XmlDocument {
    /// Each distinct element name once.
    names: Vec<Box<str>>,
    /// Every element kept, each after its children.
    elements: Vec<ElementData>,
    /// Every element's children; each element's are contiguous.
    children: Vec<Child>,
    texts: Vec<Value>,
    attributes: Vec<Attribute>,
    root: Option<u32>,
    /// Comment bodies (between `<!--` and `-->`).
    pub comments: Vec<TextRange>,
    /// The `<!DOCTYPE ...>` declaration, refused.
    pub doctype: Option<TextRange>,
    pub errors: Vec<ParseError>,
}

impl XmlDocument {
    /// The root element.
    #[must_use]
    pub fn root(&self) -> Option<Element<'_>> {
        self.root.map(|index| self.element(index))
    }

    fn element(&self, index: u32) -> Element<'_> {
        Element {
            doc: self,
            data: &self.elements[index as usize],
        }
    }

    fn name_of(&self, element: &ElementData) -> &str {
        &self.names[element.name as usize]
    }

    fn node(&self, child: Child) -> Node<'_> {
        match child {
            Child::Element(index) => Node::Element(self.element(index)),
            Child::Text(index) => Node::Text(&self.texts[index as usize]),
        }
    }

    /// Every element, depth first.
    pub fn elements(&self) -> impl Iterator<Item = Element<'_>> {
        let mut stack: Vec<std::slice::Iter<'_, Child>> = Vec::new();
        let mut root = self.root();
        std::iter::from_fn(move || {
            if let Some(root) = root.take() {
                stack.push(root.child_slots().iter());
                return Some(root);
            }
            loop {
                let children = stack.last_mut()?;
                match children.next() {
                    Some(&Child::Element(index)) => {
                        let element = self.element(index);
                        stack.push(element.child_slots().iter());
                        return Some(element);
                    }
                    Some(Child::Text(_)) => {}
                    None => {
                        stack.pop();
                    }
                }
            }
        })
    }
}

/// An element being read, with the namespaces it declares.
struct Open {
    element: ElementData,
    /// The namespace prefixes in scope (its own declarations over its
    /// parent's), shared down the tree while nothing is declared: one
    /// lookup per element however deep it is.
    scope: Arc<HashMap<String, Arc<str>>>,
    /// The namespace of unprefixed names in that scope.
    default_namespace: Option<Arc<str>>,
    /// Deeper than [`MAX_DEPTH`]: read, not kept.
    dropped: bool,
    /// Where its children start in [`Tree::children`].
    children_from: usize,
}

/// The reading state: the elements open, innermost last, the children
/// read so far of all of them in one vector (each from its mark on; they
/// move to the document, contiguous, when their element closes), and the
/// element names met so far.
#[derive(Default)]
struct Tree<'t> {
    open: Vec<Open>,
    children: Vec<Child>,
    names: rustc_hash::FxHashMap<&'t str, u32>,
}

impl<'t> Tree<'t> {
    fn push(&mut self, mut open: Open) {
        open.children_from = self.children.len();
        self.open.push(open);
    }

    /// The innermost open element, its children moved to the document.
    fn pop(&mut self, doc: &mut XmlDocument) -> Option<Open> {
        let mut open = self.open.pop()?;
        let start = doc.children.len() as u32;
        doc.children
            .extend(self.children.drain(open.children_from..));
        open.element.children = start..doc.children.len() as u32;
        Some(open)
    }

    /// The index of `name` in the document's names, added if new.
    fn intern(&mut self, name: &'t str, doc: &mut XmlDocument) -> u32 {
        *self.names.entry(name).or_insert_with(|| {
            doc.names.push(name.into());
            doc.names.len() as u32 - 1
        })
    }
}

/// Reads XML text.
#[must_use]
pub fn parse(text: &str) -> XmlDocument {
    parse_with_depth(text, MAX_DEPTH)
}

/// Reads XML text, keeping elements `max_depth` levels deep at most.
#[must_use]
pub fn parse_with_depth(text: &str, max_depth: usize) -> XmlDocument {
    let mut doc = XmlDocument::default();
    // quick-xml drops a leading byte-order mark and counts from after it;
    // read from after it ourselves so that offsets stay offsets of `text`.
    let base = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut reader = Reader::from_str(&text[base..]);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.check_comments = true;
    config.expand_empty_elements = false;
    config.trim_text(false);
    let mut stack = Tree::default();
    let mut depth_reported = false;
    loop {
        let start = base + reader.buffer_position() as usize;
        let event = reader.read_event();
        let end = (base + reader.buffer_position() as usize).min(text.len());
        let raw = TextRange::from_usize(start.min(end)..end);
        match event {
            Err(error) => {
                let at = (base + reader.error_position() as usize).min(text.len());
                let at = floor_char(text, at);
                doc.errors.push(ParseError::new(
                    TextRange::from_usize(at..ceil_char(text, at + 1)),
                    format!("the file is not well-formed XML: {}", describe(&error)),
                ));
                if end <= start || doc.errors.len() > 100 {
                    break;
                }
            }
            Ok(Event::Eof) => break,
            Ok(Event::Start(_)) => {
                let open = start_tag(text, raw, &mut stack, &mut doc);
                let dropped = stack.open.len() >= max_depth;
                if dropped && !depth_reported {
                    depth_reported = true;
                    doc.errors.push(ParseError::new(
                        open.element.name_range,
                        format!("elements nest deeper than {max_depth} levels; the deeper ones are not checked"),
                    ));
                }
                stack.push(Open { dropped, ..open });
            }
            Ok(Event::Empty(_)) => {
                let mut open = start_tag(text, raw, &mut stack, &mut doc);
                open.element.range = raw;
                let dropped = stack.open.len() >= max_depth;
                attach(&mut stack, &mut doc, open.element, dropped);
            }
            Ok(Event::End(_)) => end_tag(text, raw, &mut stack, &mut doc),
            Ok(Event::Text(_)) => {
                let piece = &text[raw.as_usize()];
                add_text(&mut stack, &mut doc, piece, raw, piece);
            }
            Ok(Event::CData(_)) => {
                // `<![CDATA[` ... `]]>`
                let inner =
                    TextRange::new(raw.start + 9, raw.end.saturating_sub(3).max(raw.start + 9));
                let piece = &text[inner.as_usize()];
                add_text(&mut stack, &mut doc, piece, raw, "x");
            }
            Ok(Event::GeneralRef(reference)) => {
                let decoded = match reference.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    Ok(None) => predefined(&reference).map(ToString::to_string),
                    Err(_) => None,
                };
                match decoded {
                    Some(value) => add_text(&mut stack, &mut doc, &value, raw, "x"),
                    None => doc.errors.push(ParseError::new(
                        raw,
                        "entity references other than `&lt;`, `&gt;`, `&amp;`, `&apos;`, `&quot;` and character references are refused: entities are never expanded",
                    )),
                }
            }
            Ok(Event::Comment(_)) => {
                doc.comments.push(TextRange::new(
                    raw.start + 4,
                    raw.end.saturating_sub(3).max(raw.start + 4),
                ));
            }
            Ok(Event::DocType(_)) => {
                doc.doctype = Some(raw);
                doc.errors.push(ParseError::new(
                    raw,
                    "DOCTYPE declarations are refused: no DTD is read, so entities declared there are never expanded",
                ));
            }
            Ok(Event::Decl(_) | Event::PI(_)) => {}
        }
    }
    while let Some(open) = stack.pop(&mut doc) {
        doc.errors.push(ParseError::new(
            open.element.name_range,
            format!(
                "`<{}>` is never closed: the file ends first",
                doc.name_of(&open.element)
            ),
        ));
        let mut element = open.element;
        element.range = TextRange::new(element.start_tag.start, text.len() as u32);
        attach(&mut stack, &mut doc, element, open.dropped);
    }
    if doc.root.is_none() && doc.errors.is_empty() {
        doc.errors.push(ParseError::new(
            TextRange::empty(0),
            "the file has no root element",
        ));
    }
    doc
}

/// The five entities XML predefines.
fn predefined(reference: &str) -> Option<&'static str> {
    Some(match reference {
        "lt" => "<",
        "gt" => ">",
        "amp" => "&",
        "apos" => "'",
        "quot" => "\"",
        _ => return None,
    })
}

fn describe(error: &quick_xml::Error) -> String {
    // quick-xml's messages name what was found, never attribute values.
    let message = error.to_string();
    message.chars().take(160).collect()
}

fn floor_char(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_char(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while at < text.len() && !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// Adds decoded text to the innermost open element (text outside the root
/// must be blank). `verbatim` is compared with `decoded` to know whether
/// the piece is written as is.
fn add_text(
    stack: &mut Tree<'_>,
    doc: &mut XmlDocument,
    decoded: &str,
    raw: TextRange,
    verbatim: &str,
) {
    let Some(open) = stack.open.last() else {
        if !decoded.trim().is_empty() {
            doc.errors
                .push(ParseError::new(raw, "text outside the root element"));
        }
        return;
    };
    if open.dropped {
        return;
    }
    // The text events pass the same slice twice: no comparison needed.
    let as_written = std::ptr::eq(verbatim, decoded) || verbatim == decoded;
    // A piece written as is maps offset for offset; others map as a whole.
    let piece_raw = if as_written {
        raw
    } else {
        TextRange::new(raw.start, raw.end.max(raw.start + 1))
    };
    match stack.children[open.children_from..].last() {
        Some(&Child::Text(index)) if doc.texts[index as usize].range.end == raw.start => {
            doc.texts[index as usize].push(decoded, piece_raw);
        }
        // Blank text after a child element is not content (the element has
        // element content); most text nodes of a configuration are these.
        Some(Child::Element(_)) if as_written && is_blank(decoded) => {}
        _ => {
            let mut value = Value::default();
            value.push(decoded, piece_raw);
            if !as_written {
                value.range = raw;
            }
            stack.children.push(Child::Text(doc.texts.len() as u32));
            doc.texts.push(value);
        }
    }
}

/// XML white space only.
fn is_blank(text: &str) -> bool {
    text.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// Puts a finished element into its parent, or makes it the root.
fn attach(stack: &mut Tree<'_>, doc: &mut XmlDocument, element: ElementData, dropped: bool) {
    if dropped {
        return;
    }
    let index = doc.elements.len() as u32;
    match stack.open.last() {
        Some(parent) => {
            let from = parent.children_from;
            // Blank text before the first child element goes the same way.
            if let [Child::Text(only)] = stack.children[from..]
                && let Some(text) = doc.texts.get(only as usize)
                && text.range.len() as usize == text.text.len()
                && is_blank(&text.text)
            {
                stack.children.truncate(from);
                if only as usize + 1 == doc.texts.len() {
                    doc.texts.pop();
                }
            }
            stack.children.push(Child::Element(index));
        }
        None if doc.root.is_none() => doc.root = Some(index),
        None => {
            doc.errors.push(ParseError::new(
                element.name_range,
                "a second root element: an XML document has exactly one",
            ));
            return;
        }
    }
    doc.elements.push(element);
}

/// Closes the element `</name>` names; elements left open inside it are
/// reported. An end tag that matches no open element is taken as a
/// misspelt end of the innermost one.
fn end_tag(text: &str, raw: TextRange, stack: &mut Tree<'_>, doc: &mut XmlDocument) {
    let inner = &text[raw.as_usize()];
    // `</name>` with blanks allowed before the `>`; byte slicing, as this
    // runs once per element.
    let after_slash = inner.strip_prefix("</").unwrap_or(inner);
    let body = after_slash.strip_suffix('>').unwrap_or(after_slash);
    let name = body.trim();
    let leading = (inner.len() - after_slash.len()) + (body.len() - body.trim_start().len());
    let name_start = raw.start as usize + leading;
    let name_range = TextRange::from_usize(name_start..name_start + name.len());
    // A name never met in a start tag matches no open element.
    let id = stack.names.get(name).copied();
    let Some(at) = id.and_then(|id| stack.open.iter().rposition(|o| o.element.name == id)) else {
        match stack.open.last() {
            Some(open) => doc.errors.push(ParseError::new(
                name_range,
                format!(
                    "`</{name}>` does not match `<{}>`, the element it closes",
                    doc.name_of(&open.element)
                ),
            )),
            None => doc.errors.push(ParseError::new(
                name_range,
                format!("`</{name}>` closes no open element"),
            )),
        }
        if let Some(open) = stack.pop(doc) {
            let mut element = open.element;
            element.range = TextRange::new(element.start_tag.start, raw.end);
            attach(stack, doc, element, open.dropped);
        }
        return;
    };
    while stack.open.len() > at + 1 {
        let Some(open) = stack.pop(doc) else { break };
        let expected = stack
            .open
            .last()
            .map_or(String::new(), |o| doc.name_of(&o.element).to_string());
        doc.errors.push(ParseError::new(
            open.element.name_range,
            format!(
                "`<{}>` is not closed before `</{expected}>`",
                doc.name_of(&open.element)
            ),
        ));
        let mut element = open.element;
        element.range = TextRange::new(element.start_tag.start, raw.start);
        attach(stack, doc, element, open.dropped);
    }
    if let Some(open) = stack.pop(doc) {
        let mut element = open.element;
        element.range = TextRange::new(element.start_tag.start, raw.end);
        attach(stack, doc, element, open.dropped);
    }
}

/// Reads a start tag's name, attributes and namespace declarations.
fn start_tag<'t>(
    text: &'t str,
    raw: TextRange,
    stack: &mut Tree<'t>,
    doc: &mut XmlDocument,
) -> Open {
    let tag = &text[raw.as_usize()];
    let b = tag.as_bytes();
    let base = raw.start as usize;
    let is_space = |c: u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    let mut i = 1;
    let name_end = tag[i..]
        .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
        .map_or(tag.len(), |p| i + p);
    let name = &tag[i..name_end];
    let name_range = TextRange::from_usize(base + i..base + name_end);
    i = name_end;
    let mut attributes: Vec<Attribute> = Vec::new();
    // Names seen, for the duplicate check without a scan per attribute.
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    loop {
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        if i >= b.len() || b[i] == b'/' || b[i] == b'>' {
            break;
        }
        let key_start = i;
        while i < b.len() && !is_space(b[i]) && b[i] != b'=' && b[i] != b'>' && b[i] != b'/' {
            i += 1;
        }
        let key = &tag[key_start..i];
        let key_range = TextRange::from_usize(base + key_start..base + i);
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        if b.get(i) != Some(&b'=') {
            doc.errors.push(ParseError::new(
                key_range,
                format!("attribute `{key}` has no value"),
            ));
            continue;
        }
        i += 1;
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        let Some(&quote) = b.get(i).filter(|q| matches!(q, b'"' | b'\'')) else {
            doc.errors.push(ParseError::new(
                key_range,
                format!("the value of `{key}` is not quoted"),
            ));
            while i < b.len() && !is_space(b[i]) && b[i] != b'>' {
                i += 1;
            }
            continue;
        };
        i += 1;
        let value_start = i;
        while i < b.len() && b[i] != quote {
            i += 1;
        }
        let value_range = TextRange::from_usize(base + value_start..base + i.min(b.len()));
        i += 1;
        if !seen.insert(key) {
            doc.errors.push(ParseError::new(
                key_range,
                format!("attribute `{key}` is given twice"),
            ));
        }
        let value = attribute_value(text, value_range, doc);
        attributes.push(Attribute {
            name: key.to_string(),
            name_range: key_range,
            value,
        });
    }
    let mut declared: Vec<(String, Arc<str>)> = Vec::new();
    for attribute in &attributes {
        if attribute.name == "xmlns" {
            declared.push((String::new(), Arc::from(attribute.value.text.as_str())));
        } else if let Some(prefix) = attribute.name.strip_prefix("xmlns:") {
            declared.push((prefix.to_string(), Arc::from(attribute.value.text.as_str())));
        }
    }
    let parent = stack
        .open
        .last()
        .map(|o| Arc::clone(&o.scope))
        .unwrap_or_default();
    let in_scope = |scope: &HashMap<String, Arc<str>>, prefix: &str| {
        scope.get(prefix).cloned().filter(|ns| !ns.is_empty())
    };
    // Most elements declare nothing: they keep their parent's scope, and
    // its default namespace without a lookup.
    let (scope, default_namespace) = if declared.is_empty() {
        let inherited = stack.open.last().and_then(|o| o.default_namespace.clone());
        (parent, inherited)
    } else {
        let mut scope = (*parent).clone();
        scope.extend(declared);
        let default = in_scope(&scope, "");
        (Arc::new(scope), default)
    };
    let namespace = match name.split_once(':') {
        Some((prefix, _)) => in_scope(&scope, prefix),
        None => default_namespace.clone(),
    };
    let first_attribute = doc.attributes.len() as u32;
    doc.attributes.extend(attributes);
    Open {
        element: ElementData {
            name: stack.intern(name, doc),
            local_start: name.rfind(':').map_or(0, |colon| colon as u32 + 1),
            name_range,
            namespace,
            attributes: first_attribute..doc.attributes.len() as u32,
            children: 0..0,
            start_tag: raw,
            range: raw,
        },
        scope,
        default_namespace,
        dropped: false,
        children_from: 0,
    }
}

/// Decodes an attribute value: the five entities and character references;
/// others are refused.
fn attribute_value(text: &str, range: TextRange, doc: &mut XmlDocument) -> Value {
    let raw = &text[range.as_usize()];
    let mut value = Value {
        range,
        ..Value::default()
    };
    let mut rest = raw;
    let mut at = range.start as usize;
    while let Some(amp) = rest.find('&') {
        if amp > 0 {
            value.push(&rest[..amp], TextRange::from_usize(at..at + amp));
        }
        let after = &rest[amp..];
        // Without a `;` the rest is an unterminated reference.
        let Some(end) = after.find(';') else {
            doc.errors.push(ParseError::new(
                TextRange::from_usize(at + amp..at + amp + after.len()),
                "this reference has no closing `;`",
            ));
            at += amp + after.len();
            rest = "";
            break;
        };
        let (reference, len) = (&after[1..end], end + 1);
        let piece = TextRange::from_usize(at + amp..at + amp + len);
        let decoded = if let Some(code) = reference.strip_prefix('#') {
            let number = match code.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => code.parse::<u32>().ok(),
            };
            number.and_then(char::from_u32).map(|c| c.to_string())
        } else {
            predefined(reference).map(ToString::to_string)
        };
        match decoded {
            Some(d) => value.push(&d, piece),
            None => doc.errors.push(ParseError::new(
                piece,
                "entity references other than the five predefined ones and character references are refused",
            )),
        }
        at += amp + len;
        rest = &rest[amp + len..];
    }
    if !rest.is_empty() || !value.has_pieces() {
        value.push(rest, TextRange::from_usize(at..at + rest.len()));
    }
    value.range = range;
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_of_elements_attributes_and_text() {
        let text = "<?xml version=\"1.0\"?>\n<!-- c -->\n<gateway-config xmlns=\"http://xmlns.kaazing.org/2016/06/gateway\">\n  <service a='1' b=\"x &amp; y\"><name>a &lt; b</name><empty/></service>\n</gateway-config>\n";
        let doc = parse(text);
        assert!(doc.errors.is_empty(), "{:?}", doc.errors);
        let root = doc.root().unwrap();
        assert_eq!(root.name_range().slice(text), "gateway-config");
        assert_eq!(
            root.namespace(),
            Some("http://xmlns.kaazing.org/2016/06/gateway")
        );
        let service = root.child("service").unwrap();
        assert_eq!(service.namespace(), root.namespace());
        assert_eq!(service.attribute("b").unwrap().value.text, "x & y");
        assert_eq!(
            service.attribute("b").unwrap().value.range.slice(text),
            "x &amp; y"
        );
        let name = service.child("name").unwrap().text().unwrap();
        assert_eq!(name.text, "a < b");
        assert_eq!(name.range.slice(text), "a &lt; b");
        // `b` is written as is: its decoded offset maps exactly.
        assert_eq!(name.raw_range(TextRange::new(4, 5)).slice(text), "b");
        assert_eq!(name.raw_range(TextRange::new(2, 3)).slice(text), "&lt;");
        assert_eq!(
            service.child("empty").unwrap().range().slice(text),
            "<empty/>"
        );
        assert!(
            service.range().slice(text).starts_with("<service")
                && service.range().slice(text).ends_with("</service>")
        );
        assert_eq!(doc.comments[0].slice(text), " c ");
    }

    #[test]
    fn elements_come_depth_first_with_their_own_children_and_text() {
        let text = "<a><b>one<![CDATA[ two]]></b>\n<c><d/><e>x</e></c>\n<b>three</b></a>";
        let doc = parse(text);
        assert!(doc.errors.is_empty(), "{:?}", doc.errors);
        let names: Vec<&str> = doc.elements().map(|e| e.name()).collect();
        assert_eq!(names, ["a", "b", "c", "d", "e", "b"]);
        let root = doc.root().unwrap();
        let texts: Vec<String> = root
            .elements()
            .filter_map(|e| e.text().map(|t| t.text.clone()))
            .collect();
        assert_eq!(texts, ["one two", "three"]);
        // Blank text between elements is not a child.
        assert_eq!(root.children().count(), 3);
        let c = root.child("c").unwrap();
        assert_eq!(
            c.elements().map(|e| e.name()).collect::<Vec<_>>(),
            ["d", "e"]
        );
        assert!(c.text().is_none());
        // An end tag whose name no start tag had closes nothing.
        let doc = parse("<a><b></zz></a>");
        assert!(
            doc.errors
                .iter()
                .any(|e| e.message.contains("does not match"))
        );
        assert_eq!(doc.root().unwrap().child("b").unwrap().name(), "b");
    }

    #[test]
    fn dtds_and_entities_are_refused() {
        let laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n]>\n<lolz>&lol2;</lolz>\n";
        let doc = parse(laughs);
        assert!(doc.doctype.is_some());
        assert_eq!(doc.errors.len(), 2, "{:?}", doc.errors);
        assert_eq!(doc.errors[1].range.slice(laughs), "&lol2;");
        let root = doc.root().unwrap();
        assert!(root.text().is_none_or(|t| !t.text.contains("lol")));
        let xxe = "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><r>&xxe;</r>";
        let doc = parse(xxe);
        assert!(doc.errors.iter().any(|e| e.range.slice(xxe) == "&xxe;"));
    }

    #[test]
    fn well_formedness_errors_are_located_and_reading_goes_on() {
        let text = "<a>\n  <b>text</c>\n  <d>x</d>\n</a>\n";
        let doc = parse(text);
        assert_eq!(doc.errors.len(), 1, "{:?}", doc.errors);
        assert_eq!(doc.errors[0].range.slice(text), "c");
        let root = doc.root().unwrap();
        assert!(root.child("d").is_some());
        let text = "<a>\n  <b>\n</a>\n";
        let doc = parse(text);
        assert_eq!(doc.errors[0].range.slice(text), "b");
        let doc = parse("<a><b></b>");
        assert!(doc.errors[0].message.contains("never closed"));
        let doc = parse("");
        assert!(doc.errors[0].message.contains("no root"));
        let doc = parse("<a x=1 y=\"2\" y=\"3\"/>");
        assert_eq!(doc.errors.len(), 2, "{:?}", doc.errors);
    }

    #[test]
    fn a_byte_order_mark_keeps_offsets() {
        for text in [
            "\u{feff}<a x=\"1\"><b>t</b></a>",
            "\u{feff}<?xml version=\"1.0\"?>\n<a x=\"1\"><b>t</b></a>",
        ] {
            let doc = parse(text);
            assert!(doc.errors.is_empty(), "{:?}", doc.errors);
            let root = doc.root().unwrap();
            assert_eq!(root.name_range().slice(text), "a");
            assert_eq!(root.attributes()[0].value.range.slice(text), "1");
            assert_eq!(
                root.child("b").unwrap().text().unwrap().range.slice(text),
                "t"
            );
        }
    }

    #[test]
    fn an_unterminated_reference_in_an_attribute_is_an_error() {
        let doc = parse("<a x=\"&org\u{fffd}\"/>");
        assert_eq!(doc.errors.len(), 1, "{:?}", doc.errors);
        let doc = parse("<a x=\"a&amp\"/>");
        assert_eq!(doc.errors.len(), 1, "{:?}", doc.errors);
    }

    #[test]
    fn deep_nesting_is_reported() {
        let text = format!("{}{}", "<a>".repeat(1000), "</a>".repeat(1000));
        let doc = parse(&text);
        assert_eq!(doc.errors.len(), 1, "{:?}", doc.errors);
        assert!(doc.root.is_some());
    }
}
