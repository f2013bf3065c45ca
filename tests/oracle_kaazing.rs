//! Differential test: clusterlint's verdict on KAAZING Gateway
//! configurations against the gateway's own validation pipeline, on every
//! corpus and fixture file of the format and on edge cases.
//!
//! The gateway is a Java program; its startup checks are reproduced with
//! the pieces it uses (FORMATS 4.3 to 4.5, `GatewayConfigParser`):
//!
//! 1. the file must be well-formed XML (`xmllint --noout --nonet`);
//! 2. the root's namespace must be one the gateway loads (2016/06, or
//!    2015/11 and 2014/09, which it translates);
//! 3. `${name}` is substituted as the gateway's SAX pass does it
//!    (`XMLParameterInjector` and `ConfigParameter.resolveAndReplace`),
//!    emulated below: an unresolved name fails startup;
//! 4. the stream goes through `gateway-config-annotate-types.xsl`
//!    (`xsltproc`), whitespace and `&#10;` are removed inside `xsi:type`
//!    values, and `xmllint --schema` validates it against the XSD of the
//!    document's namespace;
//! 5. the checks `GatewayConfigParser.validateGatewayConfig` adds to the
//!    schema: unique non-empty service names, at most one `<security>`,
//!    `<service-defaults>` and `<cluster>`.
//!
//! clusterlint lints the file as the only file of a one-node cluster and
//! refuses it when one of [`REJECTING_RULES`] fires. Both must agree on
//! every file, unless the difference falls in a category of
//! `tests/oracle/DIVERGENCES.md` (section KAAZING).
//!
//! The emulation of step 3 is written here, apart from clusterlint's own
//! model, on purpose: it is the oracle side.

mod common;
mod oracle;

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use clusterlint::formats::Format;
use clusterlint::{LintOptions, Workspace};
use oracle::{Input, Origin, Tally};

/// The rules whose findings mean "the gateway would not start".
const REJECTING_RULES: [&str; 6] = [
    "core/parse-error",
    "core/unreadable-file",
    "kaazing/unknown-element",
    "kaazing/schema-invalid",
    "kaazing/undefined-property",
    "kaazing/unsupported-namespace",
];

/// Divergence categories (see tests/oracle/DIVERGENCES.md, section KAAZING).
const DTD: &str = "kaazing: DOCTYPE refused on purpose";
const UNESCAPED: &str = "kaazing: the gateway writes substituted text back unescaped";
const ANY_URI: &str = "kaazing: libxml2 checks xs:anyURI, XMLBeans does not";
const FIXED_BLANKS: &str = "kaazing: libxml2 compares fixed values before collapsing blanks";
const PREFIXED: &str = "kaazing: prefixed elements get an xsi:type in no namespace";

/// What the special names resolve to (the gateway asks the machine or the
/// cloud's metadata service); neutral values of the right shape.
const SPECIAL_NAMES: [(&str, &str); 3] = [
    ("hostname", "localhost"),
    ("cloud.host", "ec2-192-0-2-10.compute-1.amazonaws.com"),
    ("cloud.instanceId", "i-0123456789abcdef0"),
];

fn reference_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("reference/kaazing")
}

// ---------------------------------------------------------------------------
// The oracle side: a small XML reader that sees the document as the
// gateway's SAX pass does.

/// A piece of a document, as SAX reports it to `XMLParameterInjector`.
#[derive(Clone, Debug)]
enum Piece {
    /// `<?xml ...?>` and processing instructions: not written back.
    Dropped,
    /// `<!DOCTYPE ...>`: reading stops there (see `DTD`).
    Doctype,
    /// A comment's body, written back as it is.
    Comment(String),
    Start {
        name: String,
        /// Names and decoded, normalised values.
        attributes: Vec<(String, String)>,
        empty: bool,
    },
    End(String),
    /// One `characters()` call: a run of text up to a reference, one
    /// reference, or one CDATA section, decoded.
    Chars(String),
}

/// Decodes one reference (`amp`, `#36`, `#x24`); `None` for any other.
fn reference(name: &str) -> Option<String> {
    let decoded = match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "apos" => '\'',
        "quot" => '"',
        _ => {
            let code = name.strip_prefix('#')?;
            let number = match code.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => code.parse().ok()?,
            };
            char::from_u32(number)?
        }
    };
    Some(decoded.to_string())
}

/// An attribute value as SAX reports it: references decoded, tabs and
/// line ends turned into spaces.
fn attribute_value(raw: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let end = rest[amp..]
            .find(';')
            .ok_or("unterminated reference in an attribute")?;
        out.push_str(
            &reference(&rest[amp + 1..amp + end]).ok_or("undeclared entity in an attribute")?,
        );
        rest = &rest[amp + end + 1..];
    }
    out.push_str(rest);
    Ok(out.replace("\r\n", " ").replace(['\r', '\n', '\t'], " "))
}

fn is_name_end(c: char) -> bool {
    c.is_ascii_whitespace() || c == '/' || c == '>'
}

/// Reads a start tag after its `<`; returns the piece and its length.
fn start_tag(tag: &str) -> Result<(Piece, usize), String> {
    let name_end = tag.find(is_name_end).ok_or("unterminated start tag")?;
    let name = tag[..name_end].to_string();
    let mut attributes = Vec::new();
    let mut i = name_end;
    let b = tag.as_bytes();
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        match b.get(i) {
            None => return Err("unterminated start tag".into()),
            Some(b'>') => {
                let piece = Piece::Start {
                    name,
                    attributes,
                    empty: false,
                };
                return Ok((piece, i + 1));
            }
            Some(b'/') if b.get(i + 1) == Some(&b'>') => {
                let piece = Piece::Start {
                    name,
                    attributes,
                    empty: true,
                };
                return Ok((piece, i + 2));
            }
            Some(_) => {}
        }
        let key_end = tag[i..]
            .find(|c: char| c == '=' || c.is_ascii_whitespace())
            .map(|p| i + p)
            .ok_or("attribute without a value")?;
        let key = tag[i..key_end].to_string();
        i = key_end;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if b.get(i) != Some(&b'=') {
            return Err("attribute without a value".into());
        }
        i += 1;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let quote = *b.get(i).ok_or("unterminated start tag")?;
        if quote != b'"' && quote != b'\'' {
            return Err("unquoted attribute value".into());
        }
        let close = tag[i + 1..]
            .find(char::from(quote))
            .map(|p| i + 1 + p)
            .ok_or("unterminated attribute value")?;
        attributes.push((key, attribute_value(&tag[i + 1..close])?));
        i = close + 1;
    }
}

/// Splits a document into pieces. Only used on files xmllint found
/// well-formed, so it checks little.
fn pieces(text: &str) -> Result<Vec<Piece>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if let Some(body) = rest.strip_prefix("<!--") {
            let end = body.find("-->").ok_or("unterminated comment")?;
            out.push(Piece::Comment(body[..end].to_string()));
            i += 4 + end + 3;
        } else if let Some(body) = rest.strip_prefix("<![CDATA[") {
            let end = body.find("]]>").ok_or("unterminated CDATA section")?;
            out.push(Piece::Chars(body[..end].replace("\r\n", "\n")));
            i += 9 + end + 3;
        } else if rest.starts_with("<!DOCTYPE") {
            out.push(Piece::Doctype);
            return Ok(out);
        } else if let Some(body) = rest.strip_prefix("<?") {
            let end = body
                .find("?>")
                .ok_or("unterminated processing instruction")?;
            out.push(Piece::Dropped);
            i += 2 + end + 2;
        } else if let Some(body) = rest.strip_prefix("</") {
            let end = body.find('>').ok_or("unterminated end tag")?;
            out.push(Piece::End(body[..end].trim_end().to_string()));
            i += 2 + end + 1;
        } else if let Some(body) = rest.strip_prefix('<') {
            let (piece, len) = start_tag(body)?;
            out.push(piece);
            i += 1 + len;
        } else if let Some(body) = rest.strip_prefix('&') {
            let end = body.find(';').ok_or("unterminated reference")?;
            out.push(Piece::Chars(
                reference(&body[..end]).ok_or("undeclared entity")?,
            ));
            i += 1 + end + 1;
        } else {
            let end = rest.find(['<', '&']).unwrap_or(rest.len());
            out.push(Piece::Chars(
                rest[..end].replace("\r\n", "\n").replace('\r', "\n"),
            ));
            i += end;
        }
    }
    Ok(out)
}

/// An element of the document, for the few lookups the gateway makes.
#[derive(Debug, Default)]
struct Node {
    name: String,
    namespace: Option<String>,
    children: Vec<Node>,
    /// The `characters()` calls directly inside, in order.
    chars: Vec<String>,
}

impl Node {
    fn local_name(&self) -> &str {
        self.name.rsplit(':').next().unwrap_or(&self.name)
    }

    /// Children of this local name in the same namespace as `self` (the
    /// elements XMLBeans finds by their qualified name).
    fn children_named<'a>(&'a self, local: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children
            .iter()
            .filter(move |c| c.local_name() == local && c.namespace == self.namespace)
    }

    /// The text as XMLBeans returns a `CollapsedString`.
    fn collapsed_text(&self) -> String {
        collapse(&self.chars.concat())
    }
}

/// XML Schema's `collapse` (blanks are space, tab, CR, LF).
fn collapse(text: &str) -> String {
    text.split([' ', '\t', '\r', '\n'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Builds the element tree of `pieces` (with `chars` mapped through
/// `substitute`), resolving namespaces.
fn tree(pieces: &[Piece], mut substitute: impl FnMut(&str) -> String) -> Option<Node> {
    let mut stack: Vec<(Node, HashMap<String, String>)> = Vec::new();
    let mut root = None;
    let close = |stack: &mut Vec<(Node, HashMap<String, String>)>, root: &mut Option<Node>| {
        if let Some((node, _)) = stack.pop() {
            match stack.last_mut() {
                Some((parent, _)) => parent.children.push(node),
                None => *root = Some(node),
            }
        }
    };
    for piece in pieces {
        match piece {
            Piece::Start {
                name,
                attributes,
                empty,
            } => {
                let mut scope: HashMap<String, String> =
                    stack.last().map(|(_, s)| s.clone()).unwrap_or_default();
                for (key, value) in attributes {
                    let value = substitute(value);
                    if key == "xmlns" {
                        scope.insert(String::new(), value);
                    } else if let Some(prefix) = key.strip_prefix("xmlns:") {
                        scope.insert(prefix.to_string(), value);
                    }
                }
                let prefix = name.split_once(':').map_or("", |(p, _)| p);
                let node = Node {
                    name: name.clone(),
                    namespace: scope.get(prefix).filter(|ns| !ns.is_empty()).cloned(),
                    ..Node::default()
                };
                stack.push((node, scope));
                if *empty {
                    close(&mut stack, &mut root);
                }
            }
            Piece::End(_) => close(&mut stack, &mut root),
            Piece::Chars(text) => {
                if let Some((node, _)) = stack.last_mut() {
                    node.chars.push(substitute(text));
                }
            }
            Piece::Dropped | Piece::Doctype | Piece::Comment(_) => {}
        }
    }
    root
}

/// `ConfigParameter.resolveAndReplace` on one `characters()` call or
/// attribute value: the regex `([$]?)([$]+\{)([^{}]*)(\})`, found left to
/// right. The configuration passed to the parser (system properties) is
/// taken as empty. Unresolved definitions are kept and recorded.
fn resolve_and_replace(
    text: &str,
    properties: &HashMap<String, Option<String>>,
    unresolved: &mut Vec<String>,
) -> String {
    let b = text.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut start = 0;
    while start < b.len() {
        if b[start] != b'$' {
            start += 1;
            continue;
        }
        let run = b[start..].iter().take_while(|&&c| c == b'$').count();
        let open = start + run;
        let close = (b.get(open) == Some(&b'{'))
            .then(|| text[open + 1..].find(['{', '}']).map(|p| open + 1 + p))
            .flatten()
            .filter(|&c| b[c] == b'}');
        let Some(close) = close else {
            start += 1;
            continue;
        };
        out.push_str(&text[copied..start]);
        let whole = &text[start..=close];
        let name = &text[open + 1..close];
        let value = if run >= 2 {
            // Escaped: the leading `$` is dropped, the rest passes as is.
            Some(text[start + 1..=close].to_string())
        } else {
            let mut value = if name.is_empty() {
                None
            } else {
                properties.get(name).cloned().flatten()
            };
            if value.is_none() {
                value = SPECIAL_NAMES
                    .iter()
                    .find(|(special, _)| *special == name)
                    .map(|(_, v)| (*v).to_string());
            }
            value.filter(|v| !v.is_empty())
        };
        if let Some(v) = value {
            out.push_str(&v);
        } else {
            unresolved.push(whole.to_string());
            out.push_str(whole);
        }
        copied = close + 1;
        start = close + 1;
    }
    out.push_str(&text[copied..]);
    out
}

/// The `<properties>` map of pass 1: the first `<properties>` of the root,
/// each `<property>`'s first `<name>` and `<value>`, collapsed, never
/// substituted; a later definition replaces an earlier one.
fn property_map(root: &Node) -> HashMap<String, Option<String>> {
    let mut map = HashMap::new();
    if let Some(properties) = root.children_named("properties").next() {
        for property in properties.children_named("property") {
            let Some(name) = property.children_named("name").next() else {
                continue;
            };
            let value = property
                .children_named("value")
                .next()
                .map(Node::collapsed_text);
            map.insert(name.collapsed_text(), value);
        }
    }
    map
}

/// `XMLParameterInjector`: the document written back from SAX events, with
/// every text and attribute value substituted, and written as decoded,
/// without escaping. Comments are copied, processing instructions and the
/// XML declaration are not.
fn inject(
    pieces: &[Piece],
    properties: &HashMap<String, Option<String>>,
    unresolved: &mut Vec<String>,
) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n");
    for piece in pieces {
        match piece {
            Piece::Dropped | Piece::Doctype => {}
            Piece::Comment(body) => {
                out.push_str("<!--");
                out.push_str(body);
                out.push_str("-->");
            }
            Piece::Start {
                name,
                attributes,
                empty,
            } => {
                out.push('<');
                out.push_str(name);
                for (key, value) in attributes {
                    out.push(' ');
                    out.push_str(key);
                    out.push_str("=\"");
                    out.push_str(&resolve_and_replace(value, properties, unresolved));
                    out.push('"');
                }
                out.push('>');
                if *empty {
                    out.push_str("</");
                    out.push_str(name);
                    out.push('>');
                }
            }
            Piece::End(name) => {
                out.push_str("</");
                out.push_str(name);
                out.push('>');
            }
            Piece::Chars(text) => out.push_str(&resolve_and_replace(text, properties, unresolved)),
        }
    }
    out
}

/// Removes whitespace and `&#10;` (and the other blank character
/// references) inside `xsi:type="..."` values: the stylesheet's
/// `xsl:otherwise` adds a newline and indentation that XMLBeans tolerates
/// and libxml2 does not.
fn fix_xsi_types(text: &str) -> String {
    const ATTRIBUTE: &str = "xsi:type=\"";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(ATTRIBUTE) {
        let value_start = at + ATTRIBUTE.len();
        out.push_str(&rest[..value_start]);
        let value_end = rest[value_start..]
            .find('"')
            .map_or(rest.len(), |p| value_start + p);
        let value = rest[value_start..value_end]
            .replace("&#10;", "")
            .replace("&#9;", "")
            .replace("&#13;", "")
            .replace("&#xA;", "")
            .replace("&#xD;", "")
            .replace("&#x9;", "");
        out.extend(value.chars().filter(|c| !c.is_whitespace()));
        rest = &rest[value_end..];
    }
    out.push_str(rest);
    out
}

/// Runs `program` with `input` on stdin; (success, stdout, stderr).
fn pipe(program: &str, args: &[&str], input: &[u8]) -> (bool, String, String) {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        // A program that stops reading early closes the pipe: not an error.
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().expect("wait");
    let _ = writer.join();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Why the gateway refuses a file.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Stage {
    /// xmllint: not well-formed (XMLBeans and JDOM refuse it too).
    NotWellFormed,
    /// No namespace the gateway loads (FORMATS 4.1).
    Namespace,
    /// `${name}` with no value.
    Substitution,
    /// The stream written back by the injector is no longer XML.
    Injected,
    /// xmllint --schema.
    Schema,
    /// `validateGatewayConfig`'s own checks.
    ParserCheck,
}

/// What the gateway makes of a file.
#[derive(Clone, Debug)]
enum Outcome {
    Accepted,
    Refused {
        stage: Stage,
        detail: String,
    },
    /// With a DOCTYPE: the gateway's parsers read the DTD and expand its
    /// entities; not emulated, and not given to libxml2.
    Doctype,
}

/// The XSD of a namespace the gateway loads (compared without case, as
/// `GatewayConfigNamespace.fromURI` does; a namespace that differs in case
/// from the schema's then fails validation, as with XMLBeans).
fn schema_of(namespace: Option<&str>) -> Option<&'static str> {
    match namespace?.to_ascii_lowercase().as_str() {
        "http://xmlns.kaazing.org/2016/06/gateway" => Some("gateway-config-201606.xsd"),
        "http://xmlns.kaazing.org/2015/11/gateway" => Some("gateway-config-201511.xsd"),
        "http://xmlns.kaazing.org/2014/09/gateway" => Some("gateway-config-201409.xsd"),
        _ => None,
    }
}

/// Text of `bytes` as the XML declaration says (UTF-8 unless it names
/// ISO-8859-1 / Latin-1).
fn decode(bytes: &[u8]) -> String {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).to_ascii_lowercase();
    let latin1 = head.starts_with("<?xml")
        && head.split("?>").next().is_some_and(|decl| {
            decl.contains("encoding=\"iso-8859-1\"")
                || decl.contains("encoding='iso-8859-1'")
                || decl.contains("encoding=\"latin1\"")
        });
    if latin1 {
        bytes.iter().map(|&b| char::from(b)).collect()
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

fn gateway(bytes: &[u8]) -> Result<Outcome, String> {
    let refused = |stage: Stage, detail: String| Ok(Outcome::Refused { stage, detail });
    // A DOCTYPE is never given to libxml2: it could fetch what the DTD
    // names.
    let text = decode(bytes);
    let scanned = pieces(&text);
    let doctype = match &scanned {
        Ok(pieces) => pieces.iter().any(|p| matches!(p, Piece::Doctype)),
        Err(_) => text.contains("<!DOCTYPE"),
    };
    if doctype {
        return Ok(Outcome::Doctype);
    }
    // 1. Well-formed (no entity is substituted, nothing is fetched).
    let (ok, _, err) = pipe("xmllint", &["--noout", "--nonet", "-"], bytes);
    if !ok {
        return refused(Stage::NotWellFormed, err);
    }
    let pieces = scanned.map_err(|e| format!("the oracle cannot read the file: {e}"))?;
    // 2. The namespace.
    let plain = tree(&pieces, str::to_string).ok_or("no root element")?;
    let Some(xsd) = schema_of(plain.namespace.as_deref()) else {
        return refused(Stage::Namespace, format!("namespace {:?}", plain.namespace));
    };
    // 3. Substitution.
    let properties = property_map(&plain);
    let mut unresolved = Vec::new();
    let injected = inject(&pieces, &properties, &mut unresolved);
    if !unresolved.is_empty() {
        return refused(Stage::Substitution, unresolved.join(", "));
    }
    // 4. The stylesheet, then the schema.
    let xsl = reference_dir().join("gateway-config-annotate-types.xsl");
    let (ok, annotated, err) = pipe(
        "xsltproc",
        &["--nonet", &xsl.to_string_lossy(), "-"],
        injected.as_bytes(),
    );
    if !ok {
        if !writes_markup(&pieces) {
            return Err(format!("the substituted document is not XML: {err}"));
        }
        return refused(Stage::Injected, err);
    }
    let mut annotated = fix_xsi_types(&annotated);
    // The translators of the 2014/09 and 2015/11 namespaces end with
    // `NamespaceVisitor`, which rewrites every element to the canonical
    // URI: a namespace written in another case loads. The current one is
    // not translated, so its case must be exact.
    if let Some(ns) = plain.namespace.as_deref() {
        let canonical = ns.to_ascii_lowercase();
        if ns != canonical && !canonical.ends_with("/2016/06/gateway") {
            annotated = annotated.replace(ns, &canonical);
        }
    }
    let xsd = reference_dir().join(xsd);
    let (ok, _, err) = pipe(
        "xmllint",
        &[
            "--noout",
            "--nonet",
            "--schema",
            &xsd.to_string_lossy(),
            "-",
        ],
        annotated.as_bytes(),
    );
    if !ok {
        return refused(Stage::Schema, err);
    }
    // 5. validateGatewayConfig.
    let mut ignored = Vec::new();
    let substituted = tree(&pieces, |t| {
        resolve_and_replace(t, &properties, &mut ignored)
    })
    .ok_or("no root element")?;
    let mut names = BTreeSet::new();
    for service in substituted.children_named("service") {
        let name = service
            .children_named("name")
            .next()
            .map(Node::collapsed_text)
            .unwrap_or_default();
        if name.is_empty() {
            return refused(
                Stage::ParserCheck,
                "All services must have unique non-empty names".into(),
            );
        }
        if !names.insert(name.clone()) {
            return refused(
                Stage::ParserCheck,
                format!("More than one service named '{name}'"),
            );
        }
    }
    for element in ["security", "service-defaults", "cluster"] {
        if substituted.children_named(element).count() > 1 {
            return refused(
                Stage::ParserCheck,
                format!("Multiple <{element}> elements found; only one allowed"),
            );
        }
    }
    Ok(Outcome::Accepted)
}

// ---------------------------------------------------------------------------
// clusterlint's side.

/// A finding of one of [`REJECTING_RULES`].
struct Finding {
    rule: String,
    line: usize,
    message: String,
}

fn clusterlint(bytes: &[u8]) -> Vec<Finding> {
    let mut workspace = Workspace::new();
    // The oracle is the open-source 5.x gateway: clusterlint is told so.
    workspace.add_file(
        "clusterlint.toml",
        "[kaazing]\nversion = \"5.6\"\nedition = \"community\"\n",
    );
    workspace.add_file("n/gateway-config.xml", bytes.to_vec());
    let report = workspace.lint(&LintOptions::default());
    let file = report
        .files
        .iter()
        .find(|f| f.source.path == "n/gateway-config.xml")
        .expect("the file is in the cluster");
    assert_eq!(
        file.format,
        Some(Format::KAAZING_XML),
        "gateway-config.xml is read as KAAZING XML"
    );
    report
        .diagnostics
        .iter()
        .filter(|d| REJECTING_RULES.contains(&d.rule.as_ref()))
        .map(|d| {
            let text = &report.files[d.primary.span.file.index()].source.text;
            Finding {
                rule: d.rule.to_string(),
                line: oracle::line_of(text, d.primary.span.range.start),
                message: d.message.clone(),
            }
        })
        .collect()
}

/// The category of a schema refusal the test accepts, when every error
/// xmllint printed falls in one: an `xs:anyURI` value (XMLBeans only
/// refuses values that start with `##`); a fixed value given with blanks
/// around it in a collapsing type (XMLBeans compares after collapsing, as
/// XML Schema says); an `xsi:type` in no namespace, which the stylesheet
/// writes without a prefix (a document whose gateway elements are
/// prefixed, with no default namespace). "The type definition is
/// abstract" follows an unresolved `xsi:type` and counts with it.
fn accepted_schema_refusal(messages: &str) -> Option<&'static str> {
    let mut category = None;
    for line in messages
        .lines()
        .filter(|l| l.contains("Schemas validity error"))
    {
        let fixed_blanks = line
            .split_once("The actual value '")
            .and_then(|(_, rest)| rest.split_once("' does not match the fixed value constraint '"))
            .is_some_and(|(actual, rest)| {
                rest.strip_suffix("'.")
                    .is_some_and(|fixed| collapse(actual) == fixed)
            });
        let no_namespace_type = line
            .split_once("The QName value '")
            .and_then(|(_, rest)| rest.split_once("' of the xsi:type attribute does not resolve"))
            .is_some_and(|(name, _)| !name.starts_with('{'));
        let this = if line.contains("of the atomic type 'xs:anyURI'") {
            ANY_URI
        } else if fixed_blanks {
            FIXED_BLANKS
        } else if no_namespace_type {
            PREFIXED
        } else if line.ends_with("The type definition is abstract.") && category == Some(PREFIXED) {
            continue;
        } else {
            return None;
        };
        category.get_or_insert(this);
    }
    category
}

/// Whether the gateway's injector writes characters that break the XML it
/// writes: `<` or `&` in text (from a reference or a CDATA section), `<`,
/// `&` or `"` in an attribute value.
fn writes_markup(pieces: &[Piece]) -> bool {
    pieces.iter().any(|p| match p {
        Piece::Chars(text) => text.contains(['<', '&']),
        Piece::Start { attributes, .. } => {
            attributes.iter().any(|(_, v)| v.contains(['<', '&', '"']))
        }
        _ => false,
    })
}

/// Compares both verdicts on one file; returns the unexplained
/// disagreement, if any.
fn check(input: &Input, tally: &mut Tally) -> Option<String> {
    let bytes = fs::read(&input.path).unwrap();
    tally.count(input.origin);
    let outcome = match gateway(&bytes) {
        Ok(outcome) => outcome,
        Err(e) => return Some(format!("{}: {e}", input.label)),
    };
    let findings = match std::panic::catch_unwind(|| clusterlint(&bytes)) {
        Ok(findings) => findings,
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("?");
            return Some(format!("{}: clusterlint panics: {message}", input.label));
        }
    };
    let ours = if findings.is_empty() {
        "clusterlint accepts".to_string()
    } else {
        let list: Vec<String> = findings
            .iter()
            .map(|f| format!("{} line {}: {}", f.rule, f.line, f.message))
            .collect();
        format!("clusterlint refuses ({})", list.join("; "))
    };
    let disagree = |theirs: &str| Some(format!("{}: {theirs}, but {ours}", input.label));
    match (&outcome, findings.is_empty()) {
        (Outcome::Accepted, true) | (Outcome::Refused { .. }, false) => None,
        (Outcome::Doctype, false) => {
            tally.diverge(DTD);
            None
        }
        (Outcome::Doctype, true) => disagree("the file has a DOCTYPE"),
        (Outcome::Accepted, false) => disagree("the gateway accepts"),
        (Outcome::Refused { stage, detail }, true) => {
            let category = match stage {
                Stage::Injected => Some(UNESCAPED),
                Stage::Schema => accepted_schema_refusal(detail),
                _ => None,
            };
            match category {
                Some(category) => {
                    tally.diverge(category);
                    None
                }
                None => disagree(&format!(
                    "the gateway refuses ({stage:?}: {})",
                    detail.trim()
                )),
            }
        }
    }
}

/// Hand-made cases for what the corpus lacks: substitution details and
/// the pipeline's own edges.
const EDGE_CASES: &[(&str, &str)] = &[
    (
        "escaped-and-special-names",
        r#"<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <properties>
    <property><name>port</name><value> 8000 </value></property>
  </properties>
  <service>
    <name>echo $${not.a.property}</name>
    <accept>ws://${hostname}:${port}/echo</accept>
    <type>echo</type>
  </service>
</gateway-config>
"#,
    ),
    (
        "empty-property",
        r#"<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <properties>
    <property><name>port</name><value></value></property>
  </properties>
  <service>
    <name>echo</name>
    <accept>ws://localhost:${port}/echo</accept>
    <type>echo</type>
  </service>
</gateway-config>
"#,
    ),
    (
        "undefined-property",
        r#"<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <service>
    <name>echo</name>
    <accept>ws://${gateway.hostname}:8000/echo</accept>
    <type>echo</type>
  </service>
</gateway-config>
"#,
    ),
    (
        "property-value-uses-a-property",
        r#"<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <properties>
    <property><name>host</name><value>localhost</value></property>
    <property><name>url</name><value>ws://${host}:8000/echo</value></property>
  </properties>
  <service>
    <name>echo</name>
    <accept>ws://${host}:8000/echo</accept>
    <type>echo</type>
  </service>
</gateway-config>
"#,
    ),
    (
        "properties-after-service",
        r#"<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
  </service>
  <properties>
    <property><name>port</name><value>8000</value></property>
  </properties>
</gateway-config>
"#,
    ),
    (
        "csv-with-spaces",
        r#"<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
    <cross-site-constraint>
      <allow-origin>http://localhost:8000</allow-origin>
      <allow-methods>GET, POST</allow-methods>
    </cross-site-constraint>
  </service>
</gateway-config>
"#,
    ),
    (
        "unknown-service-type",
        r#"<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>ecko</type>
  </service>
</gateway-config>
"#,
    ),
    (
        "duplicate-service-names",
        r#"<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
  </service>
  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo2</accept>
    <type>echo</type>
  </service>
</gateway-config>
"#,
    ),
    (
        "two-clusters",
        r#"<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <cluster>
    <name>a</name>
    <accept>tcp://10.0.0.1:5941</accept>
    <connect>tcp://10.0.0.2:5941</connect>
  </cluster>
  <cluster>
    <name>b</name>
    <accept>tcp://10.0.0.1:5942</accept>
    <connect>tcp://10.0.0.2:5942</connect>
  </cluster>
</gateway-config>
"#,
    ),
    (
        "empty-service-name",
        r#"<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <service>
    <name> </name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
  </service>
</gateway-config>
"#,
    ),
    (
        "two-security-blocks",
        r#"<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <security>
    <realm><name>a</name></realm>
  </security>
  <security>
    <realm><name>b</name></realm>
  </security>
</gateway-config>
"#,
    ),
    (
        "two-service-defaults",
        r#"<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <service-defaults>
    <accept-options><ws.inactivity.timeout>60s</ws.inactivity.timeout></accept-options>
  </service-defaults>
  <service-defaults>
    <accept-options><ws.inactivity.timeout>30s</ws.inactivity.timeout></accept-options>
  </service-defaults>
</gateway-config>
"#,
    ),
    (
        "amp-in-text",
        r#"<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <service>
    <name>echo &amp; more</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
  </service>
</gateway-config>
"#,
    ),
    (
        "internal-dtd",
        r#"<?xml version="1.0"?>
<!DOCTYPE gateway-config [ <!ENTITY port "8000"> ]>
<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <service>
    <name>echo</name>
    <accept>ws://localhost:&port;/echo</accept>
    <type>echo</type>
  </service>
</gateway-config>
"#,
    ),
    (
        "undeclared-entity",
        r#"<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <service>
    <name>echo&nbsp;</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
  </service>
</gateway-config>
"#,
    ),
    (
        "namespace-in-upper-case",
        r#"<gateway-config xmlns="HTTP://XMLNS.KAAZING.ORG/2016/06/GATEWAY">
  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
  </service>
</gateway-config>
"#,
    ),
    (
        "namespace-2012",
        r#"<gateway-config xmlns="http://xmlns.kaazing.com/2012/09/gateway">
  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
  </service>
</gateway-config>
"#,
    ),
    (
        "prefixed-elements",
        r#"<gw:gateway-config xmlns:gw="http://xmlns.kaazing.org/2016/06/gateway">
  <gw:service>
    <gw:name>echo</gw:name>
    <gw:accept>ws://localhost:8000/echo</gw:accept>
    <gw:type>echo</gw:type>
  </gw:service>
</gw:gateway-config>
"#,
    ),
    (
        "escaped-name-in-a-uri",
        r#"<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <service>
    <name>echo</name>
    <accept>ws://localhost:$${port}/echo</accept>
    <type>echo</type>
  </service>
</gateway-config>
"#,
    ),
    (
        "undefined-name-in-a-comment",
        r#"<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <!-- ws://${nowhere}:8000/echo -->
  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
  </service>
</gateway-config>
"#,
    ),
    (
        "undefined-name-in-an-attribute",
        r#"<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <service id="${nowhere}">
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
  </service>
</gateway-config>
"#,
    ),
    (
        "property-redefined-empty",
        r#"<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <properties>
    <property><name>port</name><value>8000</value></property>
    <property><name>port</name><value> </value></property>
  </properties>
  <service>
    <name>echo</name>
    <accept>ws://localhost:${port}/echo</accept>
    <type>echo</type>
  </service>
</gateway-config>
"#,
    ),
    (
        "blanks-around-values",
        r#"<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <service>
    <name>
      echo
    </name>
    <accept> ws://localhost:8000/echo </accept>
    <type> echo </type>
  </service>
</gateway-config>
"#,
    ),
    (
        "cdata",
        r#"<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <service>
    <name><![CDATA[echo]]></name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
  </service>
</gateway-config>
"#,
    ),
    (
        "crlf",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<gateway-config xmlns=\"http://xmlns.kaazing.org/2016/06/gateway\">\r\n  <service>\r\n    <name>echo</name>\r\n    <accept>ws://localhost:8000/echo</accept>\r\n    <type>echo</type>\r\n  </service>\r\n</gateway-config>\r\n",
    ),
    (
        "byte-order-mark",
        "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gateway-config xmlns=\"http://xmlns.kaazing.org/2016/06/gateway\">\n  <service>\n    <name>echo</name>\n    <accept>ws://localhost:8000/echo</accept>\n    <type>echo</type>\n  </service>\n</gateway-config>\n",
    ),
    (
        "byte-order-mark-without-declaration",
        "\u{feff}<gateway-config xmlns=\"http://xmlns.kaazing.org/2016/06/gateway\">\n  <service>\n    <name>echo</name>\n    <accept>ws://localhost:8000/echo</accept>\n    <type>echo</type>\n  </service>\n</gateway-config>\n",
    ),
];

/// An edge case that is not valid UTF-8 text: Latin-1, as declared.
const LATIN1: &[u8] = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<gateway-config xmlns=\"http://xmlns.kaazing.org/2016/06/gateway\">\n  <service>\n    <name>caf\xe9</name>\n    <accept>ws://localhost:8000/echo</accept>\n    <type>echo</type>\n  </service>\n</gateway-config>\n";

fn inputs() -> (Vec<Input>, tempfile::TempDir) {
    let mut inputs = Vec::new();
    {
        let corpus = common::corpus();
        inputs.extend(
            oracle::corpus_inputs(&corpus, "kaazing-xml")
                .into_iter()
                .filter(|i| i.path.extension().is_some_and(|e| e == "xml")),
        );
    }
    inputs.extend(oracle::fixture_inputs(Format::KAAZING_XML));
    let edges = tempfile::tempdir().unwrap();
    let mut cases: Vec<(&str, &[u8])> = EDGE_CASES
        .iter()
        .map(|(name, text)| (*name, text.as_bytes()))
        .collect();
    cases.push(("latin-1", LATIN1));
    for (name, bytes) in cases {
        let tree = edges.path().join(name);
        fs::create_dir_all(&tree).unwrap();
        let path = tree.join("gateway-config.xml");
        fs::write(&path, bytes).unwrap();
        inputs.push(Input {
            label: format!("edge/{name}"),
            origin: Origin::Edge,
            path,
            tree,
        });
    }
    (inputs, edges)
}

#[test]
fn kaazing_xml_agrees_with_the_gateway_pipeline() {
    if !oracle::available("xmllint", &["--version"]) {
        common::missing("xmllint (Debian package libxml2-utils)");
        return;
    }
    if !oracle::available("xsltproc", &["--version"]) {
        common::missing("xsltproc (Debian package xsltproc)");
        return;
    }
    assert!(
        reference_dir().join("gateway-config-201606.xsd").is_file(),
        "the gateway schemas are missing from {}",
        reference_dir().display()
    );
    let missing: Vec<&str> = REJECTING_RULES
        .iter()
        .copied()
        .filter(|id| clusterlint::rules::find(id).is_none())
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "kaazing: rules not in this build yet: {}",
            missing.join(", ")
        );
    }
    let (inputs, _edges) = inputs();
    let results = oracle::par_map(&inputs, |input| {
        let mut tally = Tally::default();
        let problem = check(input, &mut tally);
        (tally, problem)
    });
    let mut tally = Tally::default();
    let mut problems = Vec::new();
    for (t, p) in results {
        tally.merge(t);
        problems.extend(p);
    }
    tally.print("kaazing gateway");
    oracle::assert_agree("the KAAZING gateway pipeline", &problems);
}

#[test]
fn substitution_emulates_config_parameter() {
    let properties: HashMap<String, Option<String>> = [
        ("a", Some("1")),
        ("empty", Some("")),
        ("none", None),
        ("hostname", Some("")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
    .collect();
    let cases: &[(&str, &str, &[&str])] = &[
        ("x${a}y", "x1y", &[]),
        ("$${a}", "${a}", &[]),
        ("$$${a}", "$${a}", &[]),
        ("${a", "${a", &[]),
        ("$ {a}", "$ {a}", &[]),
        ("${a{b}", "${a{b}", &[]),
        ("${${a}}", "${1}", &[]),
        ("${}", "${}", &["${}"]),
        ("${empty}", "${empty}", &["${empty}"]),
        ("${none}", "${none}", &["${none}"]),
        ("${a:default}", "${a:default}", &["${a:default}"]),
        ("${cloud.host}", SPECIAL_NAMES[1].1, &[]),
        // Defined empty: the special name is not looked up.
        ("${hostname}", "${hostname}", &["${hostname}"]),
    ];
    for (text, expected, errors) in cases {
        let mut unresolved = Vec::new();
        let out = resolve_and_replace(text, &properties, &mut unresolved);
        assert_eq!(&out, expected, "{text}");
        assert_eq!(&unresolved, errors, "{text}");
    }
    let pieces = pieces("<a x='&#36;{a}&amp;'>t&#36;{a}<![CDATA[${a}]]></a>").unwrap();
    let mut unresolved = Vec::new();
    assert_eq!(
        inject(&pieces, &properties, &mut unresolved),
        "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<a x=\"1&\">t${a}1</a>"
    );
    assert_eq!(
        fix_xsi_types("<s xsi:type=\"echoServiceType&#10;        \">"),
        "<s xsi:type=\"echoServiceType\">"
    );
}
