//! KAAZING gateway XML as the pipeline needs it.

use crate::formats::decode::Encoding;
use crate::formats::outline::{Guard, Symbol, SymbolKind};
use crate::formats::tree::{ConfigTree, TreeNode, value};
use crate::formats::{
    Claim, CommentSyntax, Document, FileFormat, FilePath, ParseError, ParsedDocument,
};
use crate::secrets::is_secret_key;
use crate::source::TextRange;

use super::{Element, Node, XmlDocument};

/// The gateway's `gateway-config.xml`.
pub struct KaazingXmlFormat;

impl FileFormat for KaazingXmlFormat {
    fn name(&self) -> &'static str {
        "kaazing-xml"
    }

    fn encoding(&self) -> Encoding {
        Encoding::Xml
    }

    fn parse(&self, text: &str, max_depth: Option<usize>) -> Document {
        Document::new(match max_depth {
            Some(depth) => super::parse_with_depth(text, depth),
            None => super::parse(text),
        })
    }

    fn claim(&self, path: &FilePath<'_>) -> Option<Claim> {
        (path.name.starts_with("gateway-config") && path.name.ends_with(".xml"))
            .then_some(Claim::Pattern)
    }

    fn sniffs(&self, name: &str) -> bool {
        name.ends_with(".xml") || name.ends_with(".conf")
    }

    fn sniff(&self, head: &[u8]) -> bool {
        let head = String::from_utf8_lossy(head);
        root_element(&head)
            .is_some_and(|root| root == "gateway-config" || root.ends_with(":gateway-config"))
    }

    // The gateway serves `web/` as static content: its
    // `web/extras/samples/cluster/*.xml` are examples.
    fn is_sample(&self, path: &str) -> bool {
        path.starts_with("web/extras/") || path.contains("/web/extras/")
    }

    fn home(&self, folders: &[&str]) -> Option<usize> {
        (folders.last() == Some(&"conf")).then(|| folders.len() - 1)
    }

    fn comment_syntax(&self) -> CommentSyntax {
        CommentSyntax::Xml
    }
}

/// The name of the first element of an XML text, skipping the prolog.
#[must_use]
pub fn root_element(text: &str) -> Option<&str> {
    let mut rest = text.trim_start_matches('\u{feff}');
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("<?") {
            rest = &after[after.find("?>")? + 2..];
        } else if let Some(after) = rest.strip_prefix("<!--") {
            rest = &after[after.find("-->")? + 3..];
        } else if let Some(after) = rest.strip_prefix("<!") {
            rest = &after[after.find('>')? + 1..];
        } else if let Some(after) = rest.strip_prefix('<') {
            let end = after
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(after.len());
            return Some(&after[..end]);
        } else {
            return None;
        }
    }
}

impl ParsedDocument for XmlDocument {
    fn errors(&self) -> &[ParseError] {
        &self.errors
    }

    fn comments(&self) -> &[TextRange] {
        &self.comments
    }

    fn ranges(&self) -> Vec<TextRange> {
        let mut out = Vec::new();
        out.extend(self.doctype);
        for e in self.elements() {
            out.extend([e.name_range(), e.start_tag(), e.range()]);
            for a in e.attributes() {
                out.extend([a.name_range, a.value.range]);
            }
            for node in e.children() {
                if let Node::Text(t) = node {
                    out.push(t.range);
                }
            }
        }
        out
    }

    fn tree(&self, _text: &str) -> ConfigTree {
        ConfigTree {
            entries: self.root().iter().map(tree).collect(),
            flat: false,
        }
    }

    fn outline(&self, _text: &str, guard: &Guard) -> Vec<Symbol> {
        self.root()
            .iter()
            .map(|root| outline(root, false, guard))
            .collect()
    }

    fn secrets(&self, text: &str) -> Vec<TextRange> {
        let mut ranges = Vec::new();
        // A document repeats a few names many times: each is judged once.
        let mut judged: rustc_hash::FxHashMap<&str, bool> = rustc_hash::FxHashMap::default();
        let mut is_secret_name = |name| *judged.entry(name).or_insert_with(|| is_secret_key(name));
        for element in self.elements() {
            for attribute in element
                .attributes()
                .iter()
                .filter(|a| is_secret_name(&a.name))
            {
                ranges.push(attribute.value.range);
            }
            // `<password>...</password>`, `<aws.secret-key>`, and a
            // `<property>` whose `<name>` is a secret's.
            let secret = if element.local_name() == "property" {
                element
                    .child("name")
                    .and_then(|name| name.text())
                    .is_some_and(|n| is_secret_key(n.text.trim()))
            } else {
                false
            };
            let texts = element.elements().filter(|c| {
                (secret && c.local_name() == "value") || is_secret_name(c.local_name())
            });
            // Everything between the tags, whatever it holds (entities,
            // child elements, comments).
            ranges.extend(texts.filter_map(|c| {
                let start = c.start_tag().end;
                let whole = c.range().slice(text);
                let end = whole
                    .rfind("</")
                    .map_or(c.range().end, |at| c.range().start + at as u32);
                (start < end).then(|| TextRange::new(start, end))
            }));
        }
        ranges
    }
}

fn tree(e: &Element) -> TreeNode {
    let mut children: Vec<TreeNode> = e
        .attributes()
        .iter()
        .map(|a| {
            TreeNode::leaf(
                &format!("@{}", a.name),
                a.name_range,
                vec![value(&a.value.text, a.value.range)],
                a.name_range.cover(a.value.range),
            )
        })
        .collect();
    children.extend(e.elements().map(|child| tree(&child)));
    TreeNode {
        name: e.local_name().to_string(),
        name_range: e.name_range(),
        values: e
            .text()
            .map(|t| value(&t.text, t.range))
            .into_iter()
            .collect(),
        children,
        range: e.range(),
    }
}

/// Elements whose own text is a short, public identifier.
const XML_TEXT_DETAIL: &[&str] = &["name", "type", "accept", "connect", "balance"];

/// Elements shown with the text of their `<name>` child.
const XML_NAME_DETAIL: &[&str] = &["service", "cluster", "property"];

fn outline(element: &Element, in_security: bool, guard: &Guard) -> Symbol {
    // Nothing inside `<security>` (keystores, realms) gets a detail.
    let in_security = in_security || element.local_name() == "security";
    let detail = if in_security {
        None
    } else {
        detail(element, guard)
    };
    let children = element
        .elements()
        .map(|child| outline(&child, in_security, guard))
        .collect();
    Symbol::new(
        SymbolKind::Element,
        element.name(),
        "(unnamed element)",
        element.range(),
        element.name_range(),
    )
    .with_detail(detail)
    .with_children(children)
}

/// A detail only for an allow-list of elements: any other element's text
/// may be a password (`<keystore-password>`, a property's `<value>`).
fn detail(element: &Element, guard: &Guard) -> Option<String> {
    let local = element.local_name();
    let source = if XML_TEXT_DETAIL.contains(&local) {
        *element
    } else if XML_NAME_DETAIL.contains(&local) {
        element.child("name")?
    } else {
        return None;
    };
    let value = source.text()?;
    guard.detail(value.range, &value.text)
}
