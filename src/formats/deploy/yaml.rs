//! A YAML document as a spanned tree, from `saphyr-parser`'s events:
//! scalars keep their decoded text and the byte range of their source;
//! anchors are expanded where aliased, and `<<` merge keys are applied, as
//! Docker Compose reads them.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};

use crate::formats::ParseError;
use crate::source::TextRange;

/// A node of the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Yaml {
    Scalar(Scalar),
    Sequence(Vec<Yaml>),
    /// Entries in source order; keys are scalars.
    Mapping(Vec<(Scalar, Yaml)>),
}

/// A scalar's text and where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scalar {
    pub text: String,
    pub range: TextRange,
    /// Plain (unquoted) scalars may mean `null`, numbers and booleans.
    pub plain: bool,
}

impl Yaml {
    /// The value of `key` in a mapping.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Yaml> {
        match self {
            Self::Mapping(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| k.text == key)
                .map(|(_, v)| v),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match self {
            Self::Scalar(s) => Some(s),
            _ => None,
        }
    }

    #[must_use]
    pub fn entries(&self) -> &[(Scalar, Yaml)] {
        match self {
            Self::Mapping(entries) => entries,
            _ => &[],
        }
    }

    #[must_use]
    pub fn items(&self) -> &[Yaml] {
        match self {
            Self::Sequence(items) => items,
            _ => &[],
        }
    }
}

/// How deep collections may nest before the rest is skipped.
const MAX_DEPTH: usize = 64;
/// How many nodes alias expansion may produce in all.
const MAX_NODES: usize = 200_000;

/// Parses the first document of `text`. Never fails: what could not be
/// read is in the errors, and the tree holds what came before.
#[must_use]
pub fn parse(text: &str) -> (Option<Yaml>, Vec<ParseError>) {
    let strict = parse_as(text, text);
    let syntax_error =
        |errors: &[ParseError]| errors.iter().any(|e| e.message.starts_with("invalid YAML"));
    if !syntax_error(&strict.1) {
        return strict;
    }
    // Docker Compose's reader (go-yaml, after libyaml) takes a flow
    // collection closed on a line of its own at the key's indentation
    // (`command: [` ... `]`), which YAML 1.2 refuses. Read such a file as
    // if each lone closer ended the line before: the same characters at
    // the same offsets, a newline turned into a blank.
    if let Some(joined) = closers_joined(text) {
        let lenient = parse_as(&joined, text);
        if !syntax_error(&lenient.1) {
            return lenient;
        }
    }
    strict
}

/// `text` with the line break before every line that holds only a flow
/// collection's closer (`]`, `}`, with a comma) turned into a blank;
/// `None` if there is no such line.
fn closers_joined(text: &str) -> Option<String> {
    let mut bytes = text.as_bytes().to_vec();
    let mut changed = false;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim();
        let closer = matches!(content, "]" | "}" | "]," | "},");
        if closer && line_start > 0 && bytes[line_start - 1] == b'\n' {
            bytes[line_start - 1] = b' ';
            if line_start >= 2 && bytes[line_start - 2] == b'\r' {
                bytes[line_start - 2] = b' ';
            }
            changed = true;
        }
        line_start += line.len();
    }
    // Only ASCII bytes were replaced by ASCII bytes.
    changed.then(|| String::from_utf8(bytes).unwrap_or_default())
}

/// Parses `parse_text`, whose characters sit at the same offsets as
/// `text`'s, taking values from `text`.
fn parse_as(parse_text: &str, text: &str) -> (Option<Yaml>, Vec<ParseError>) {
    let offsets = CharOffsets::new(text);
    let mut builder = Builder {
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
        nodes: 0,
        duplicates: Vec::new(),
    };
    let mut errors = Vec::new();
    for event in Parser::new_from_str(parse_text) {
        match event {
            Ok((event, span)) => {
                let range = TextRange::new(
                    offsets.byte(span.start.index()),
                    offsets.byte(span.end.index()),
                );
                if builder.event(event, range, text) {
                    break;
                }
            }
            Err(error) => {
                let at = offsets.byte(error.marker().index());
                errors.push(ParseError::new(
                    TextRange::new(at, at),
                    format!("invalid YAML: {}", error.info()),
                ));
                break;
            }
        }
    }
    for (range, key) in std::mem::take(&mut builder.duplicates) {
        errors.push(ParseError::new(
            range,
            format!("`{key}` is given twice in this mapping: Docker Compose refuses a file with a duplicate key"),
        ));
    }
    (builder.finish(), errors)
}

/// Character index → byte offset, for the parser's markers.
struct CharOffsets {
    /// Byte offset of every character, and the text's length at the end;
    /// empty when the text is ASCII (indexes are offsets).
    bytes: Vec<u32>,
    len: u32,
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        let bytes = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().map(|(i, _)| i as u32).collect()
        };
        Self {
            bytes,
            len: text.len() as u32,
        }
    }

    fn byte(&self, index: usize) -> u32 {
        if self.bytes.is_empty() {
            (index as u32).min(self.len)
        } else {
            self.bytes.get(index).copied().unwrap_or(self.len)
        }
    }
}

enum Open {
    Sequence(Vec<Yaml>, usize),
    /// Entries, a key waiting for its value, the anchor.
    Mapping(Vec<(Scalar, Yaml)>, Option<Scalar>, usize),
}

struct Builder {
    stack: Vec<Open>,
    anchors: HashMap<usize, Yaml>,
    root: Option<Yaml>,
    nodes: usize,
    /// Keys written twice in one mapping (the merge key aside).
    duplicates: Vec<(TextRange, String)>,
}

impl Builder {
    /// Takes one event; `true` when the first document is complete.
    fn event(&mut self, event: Event<'_>, range: TextRange, text: &str) -> bool {
        match event {
            Event::Scalar(value, style, anchor, _) => {
                let range = scalar_range(range, style, text);
                let scalar = Scalar {
                    text: value.into_owned(),
                    range,
                    plain: style == ScalarStyle::Plain,
                };
                self.add(Yaml::Scalar(scalar), anchor);
            }
            Event::Alias(anchor) => {
                if let Some(node) = self.anchors.get(&anchor).cloned() {
                    self.nodes += count(&node);
                    if self.nodes <= MAX_NODES {
                        self.add(node, 0);
                    }
                }
            }
            Event::SequenceStart(anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    return true;
                }
                self.stack.push(Open::Sequence(Vec::new(), anchor));
            }
            Event::MappingStart(anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    return true;
                }
                self.stack.push(Open::Mapping(Vec::new(), None, anchor));
            }
            Event::SequenceEnd => {
                if let Some(Open::Sequence(items, anchor)) = self.stack.pop() {
                    self.add(Yaml::Sequence(items), anchor);
                }
            }
            Event::MappingEnd => {
                if let Some(Open::Mapping(entries, _, anchor)) = self.stack.pop() {
                    self.add(Yaml::Mapping(merge(entries)), anchor);
                }
            }
            Event::DocumentEnd => return true,
            _ => {}
        }
        false
    }

    fn add(&mut self, node: Yaml, anchor: usize) {
        self.nodes += 1;
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Open::Sequence(items, _)) => items.push(node),
            Some(Open::Mapping(entries, pending, _)) => {
                if let Some(key) = pending.take() {
                    entries.push((key, node));
                } else {
                    let key = match node {
                        Yaml::Scalar(s) => {
                            if s.text != "<<"
                                && s.range != TextRange::empty(0)
                                && entries.iter().any(|(k, _)| k.text == s.text)
                            {
                                self.duplicates.push((s.range, s.text.clone()));
                            }
                            s
                        }
                        // A complex key: kept as its text's place only.
                        _ => Scalar {
                            text: String::new(),
                            range: TextRange::empty(0),
                            plain: false,
                        },
                    };
                    *pending = Some(key);
                }
            }
        }
    }

    /// The tree, with collections left open by an error closed.
    fn finish(mut self) -> Option<Yaml> {
        while let Some(open) = self.stack.pop() {
            let node = match open {
                Open::Sequence(items, _) => Yaml::Sequence(items),
                Open::Mapping(entries, _, _) => Yaml::Mapping(merge(entries)),
            };
            self.add(node, 0);
        }
        self.root
    }
}

/// Applies `<<` merge keys: the merged mappings' entries come first, so
/// the mapping's own entries win.
fn merge(entries: Vec<(Scalar, Yaml)>) -> Vec<(Scalar, Yaml)> {
    if !entries.iter().any(|(k, _)| k.text == "<<" && k.plain) {
        return entries;
    }
    let mut out = Vec::new();
    let mut own = Vec::new();
    for (key, value) in entries {
        if key.text == "<<" && key.plain {
            match value {
                Yaml::Mapping(merged) => out.extend(merged),
                Yaml::Sequence(items) => {
                    for item in items {
                        if let Yaml::Mapping(merged) = item {
                            out.extend(merged);
                        }
                    }
                }
                Yaml::Scalar(_) => {}
            }
        } else {
            own.push((key, value));
        }
    }
    out.extend(own);
    out
}

fn count(node: &Yaml) -> usize {
    match node {
        Yaml::Scalar(_) => 1,
        Yaml::Sequence(items) => 1 + items.iter().map(count).sum::<usize>(),
        Yaml::Mapping(entries) => 1 + entries.iter().map(|(_, v)| 1 + count(v)).sum::<usize>(),
    }
}

/// A quoted scalar's range without its quotes.
fn scalar_range(range: TextRange, style: ScalarStyle, text: &str) -> TextRange {
    let quoted = matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted);
    let source = text.get(range.as_usize()).unwrap_or("");
    if quoted && source.len() >= 2 && (source.starts_with('"') || source.starts_with('\'')) {
        TextRange::new(
            range.start + 1,
            range.end.saturating_sub(1).max(range.start + 1),
        )
    } else {
        range
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flow_closer_at_the_keys_indentation_is_read_as_compose_reads_it() {
        let text = "services:\n  s:\n    command: [\n      \"redis-sentinel\", \"/etc/s.conf\"\n    ]\n    image: redis\n";
        let (tree, errors) = parse(text);
        assert!(errors.is_empty(), "{errors:?}");
        let service = tree
            .unwrap()
            .get("services")
            .unwrap()
            .get("s")
            .unwrap()
            .clone();
        assert!(service.get("image").is_some());
        // Still refused: a closer that is not alone on its line.
        let (_, errors) = parse("a: [\n  1\nb: 2\n");
        assert!(!errors.is_empty());
    }

    #[test]
    fn a_compose_file_as_a_tree() {
        let text = "x-env: &env\n  A: \"1\"\nservices:\n  app:\n    environment:\n      <<: *env\n      B: two # note\n    command: [\"redis-server\", \"--port\", \"6380\"]\n";
        let (tree, errors) = parse(text);
        assert!(errors.is_empty(), "{errors:?}");
        let tree = tree.unwrap();
        let env = tree
            .get("services")
            .unwrap()
            .get("app")
            .unwrap()
            .get("environment")
            .unwrap();
        let names: Vec<&str> = env.entries().iter().map(|(k, _)| k.text.as_str()).collect();
        assert_eq!(names, ["A", "B"]);
        let b = env.get("B").unwrap().as_scalar().unwrap();
        assert_eq!(b.range.slice(text), "two");
        let a = env.get("A").unwrap().as_scalar().unwrap();
        assert_eq!(a.range.slice(text), "1");
        let command = tree
            .get("services")
            .unwrap()
            .get("app")
            .unwrap()
            .get("command")
            .unwrap();
        assert_eq!(command.items().len(), 3);
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let text = "services:\n  a:\n    volumes:\n      - x:/x\n    volumes:\n      - y:/y\n";
        let (_, errors) = parse(text);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].range.slice(text), "volumes");
        assert_eq!(
            errors[0].range.start as usize,
            text.rfind("volumes").unwrap()
        );
    }

    #[test]
    fn bad_yaml_is_located_and_kept_so_far() {
        let text = "services:\n  app:\n    image: x\n  - bad\n";
        let (tree, errors) = parse(text);
        assert_eq!(errors.len(), 1);
        assert!(tree.is_some());
        let (_, errors) = parse("ä: [\n");
        assert!(errors[0].range.start as usize <= "ä: [\n".len());
    }
}
