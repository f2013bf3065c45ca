//! The user's own checks, `[[check]]` tables of `clusterlint.toml`: what
//! each declares (a path into the common tree of some files of some nodes,
//! and one assertion about what it finds), read with every mistake
//! located. `crate::custom` evaluates them.

use toml::de::{DeTable, DeValue};

use crate::diagnostic::Severity;
use crate::formats::tree::TreePath;
use crate::source::TextRange;

/// One `[[check]]`.
#[derive(Clone, Debug)]
pub struct Check {
    /// `prefix/name`; the prefix is the user's, never a built-in pack.
    pub id: String,
    pub severity: Severity,
    /// What the finding says (the assertion's own words without one).
    pub message: Option<String>,
    pub help: Option<String>,
    /// Roles or node names; empty: every node.
    pub nodes: Vec<String>,
    pub target: CheckTarget,
    pub assertion: Assertion,
    /// The `[[check]]` table in the manifest.
    pub range: TextRange,
}

/// `FILE:PATH`: which files of a node, and what in them.
#[derive(Clone, Debug)]
pub struct CheckTarget {
    /// The glob as written; it matches a file's cluster path or any
    /// trailing part of it (`portal-ext.properties`, `osgi/configs/*.config`).
    pub file: String,
    pub matcher: globset::GlobMatcher,
    pub path: TreePath,
}

/// What must hold of the entries a check's path selects. Value
/// assertions hold of every value of every entry.
#[derive(Clone, Debug)]
pub enum Assertion {
    /// Every selected node has the entry.
    Required,
    /// No selected node has it.
    Forbidden,
    /// Each value is exactly this.
    Equals(String),
    /// Each value matches this regular expression (anchored at both ends).
    Matches {
        pattern: String,
        regex: regex_automata::meta::Regex,
    },
    /// Each value is one of these.
    OneOf(Vec<String>),
    /// The nodes agree on the entry's values.
    SameAcrossNodes,
    /// No two nodes hold the same values.
    UniqueAcrossNodes,
    /// Each value is among the values the other path finds on the same node.
    SubsetOf(Box<CheckTarget>),
    /// Each value's port (a number, `host:port`, a URI's port or its
    /// scheme's default) is in this range.
    PortRange(u16, u16),
}

impl Assertion {
    /// The manifest key that states it.
    #[must_use]
    pub fn key(&self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::Forbidden => "forbidden",
            Self::Equals(_) => "equals",
            Self::Matches { .. } => "matches",
            Self::OneOf(_) => "one-of",
            Self::SameAcrossNodes => "same-across-nodes",
            Self::UniqueAcrossNodes => "unique-across-nodes",
            Self::SubsetOf(_) => "subset-of",
            Self::PortRange(..) => "port-range",
        }
    }
}

type Value<'i> = toml::Spanned<DeValue<'i>>;

/// The packs of the built-in rules: no custom check may use their prefix.
pub const BUILT_IN_PACKS: &[&str] = &[
    "core", "liferay", "gluu", "nginx", "redis", "stunnel", "kaazing", "net", "tls", "opendj",
];

/// The assertion keys, one per [`Assertion`] kind.
pub const ASSERTIONS: &[&str] = &[
    "required",
    "forbidden",
    "equals",
    "matches",
    "one-of",
    "same-across-nodes",
    "unique-across-nodes",
    "subset-of",
    "port-range",
];

/// The keys besides the assertions.
const KEYS: &[&str] = &["id", "severity", "message", "help", "nodes", "path"];

/// A check read from the manifest (`None` when it is invalid), and the
/// mistakes found, located in the manifest.
#[derive(Debug, Default)]
pub struct ReadCheck {
    pub check: Option<Check>,
    pub errors: Vec<(TextRange, String)>,
}

fn range_of<T>(spanned: &toml::Spanned<T>) -> TextRange {
    TextRange::from_usize(spanned.span())
}

struct Reader {
    errors: Vec<(TextRange, String)>,
}

impl Reader {
    fn error(&mut self, range: TextRange, message: impl Into<String>) {
        self.errors.push((range, message.into()));
    }

    fn string(&mut self, value: &Value<'_>, key: &str) -> Option<String> {
        if let DeValue::String(s) = value.get_ref() {
            Some(s.to_string())
        } else {
            self.error(range_of(value), format!("`{key}` must be a string"));
            None
        }
    }

    fn strings(&mut self, value: &Value<'_>, key: &str) -> Option<Vec<String>> {
        match value.get_ref() {
            DeValue::String(s) => Some(vec![s.to_string()]),
            DeValue::Array(items) => items.iter().map(|i| self.string(i, key)).collect(),
            _ => {
                self.error(
                    range_of(value),
                    format!("`{key}` must be a string or an array of strings"),
                );
                None
            }
        }
    }

    fn flag(&mut self, value: &Value<'_>, key: &str) -> bool {
        if let DeValue::Boolean(true) = value.get_ref() {
            true
        } else {
            self.error(range_of(value), format!("`{key}` takes `true`"));
            false
        }
    }

    fn port(&mut self, value: &Value<'_>) -> Option<u16> {
        if let DeValue::Integer(i) = value.get_ref()
            && let Ok(n) = i64::from_str_radix(i.as_str(), i.radix())
            && let Ok(port) = u16::try_from(n)
        {
            return Some(port);
        }
        self.error(range_of(value), "a port is an integer from 0 to 65535");
        None
    }

    fn target(&mut self, value: &Value<'_>, key: &str) -> Option<CheckTarget> {
        let text = self.string(value, key)?;
        let range = range_of(value);
        let Some((file, path)) = text.split_once(':') else {
            self.error(
                range,
                format!("`{key}` is `FILE:PATH` (`portal-ext.properties:jdbc.default.url`)"),
            );
            return None;
        };
        let glob = globset::GlobBuilder::new(file)
            .literal_separator(true)
            .build()
            .map_err(|e| self.error(range, format!("`{file}` is not a valid glob: {}", e.kind())))
            .ok()?;
        let path = TreePath::parse(path)
            .map_err(|e| self.error(range, format!("bad path in `{key}`: {e}")))
            .ok()?;
        Some(CheckTarget {
            file: file.to_string(),
            matcher: glob.compile_matcher(),
            path,
        })
    }

    fn assertion(&mut self, key: &str, value: &Value<'_>) -> Option<Assertion> {
        Some(match key {
            "required" => self.flag(value, key).then_some(Assertion::Required)?,
            "forbidden" => self.flag(value, key).then_some(Assertion::Forbidden)?,
            "same-across-nodes" => self
                .flag(value, key)
                .then_some(Assertion::SameAcrossNodes)?,
            "unique-across-nodes" => self
                .flag(value, key)
                .then_some(Assertion::UniqueAcrossNodes)?,
            "equals" => Assertion::Equals(self.string(value, key)?),
            "one-of" => Assertion::OneOf(self.strings(value, key)?),
            "matches" => {
                let pattern = self.string(value, key)?;
                let anchored = format!("^(?:{pattern})$");
                match regex_automata::meta::Regex::new(&anchored) {
                    Ok(regex) => Assertion::Matches { pattern, regex },
                    Err(e) => {
                        self.error(
                            range_of(value),
                            format!("`{pattern}` is not a valid regular expression: {e}"),
                        );
                        return None;
                    }
                }
            }
            "subset-of" => Assertion::SubsetOf(Box::new(self.target(value, key)?)),
            "port-range" => {
                let DeValue::Array(items) = value.get_ref() else {
                    self.error(range_of(value), "`port-range` is `[LOW, HIGH]`");
                    return None;
                };
                let items: Vec<&Value<'_>> = items.iter().collect();
                let [low, high] = items[..] else {
                    self.error(range_of(value), "`port-range` is `[LOW, HIGH]`");
                    return None;
                };
                let (low, high) = (self.port(low)?, self.port(high)?);
                if low > high {
                    self.error(range_of(value), "`port-range` goes from low to high");
                    return None;
                }
                Assertion::PortRange(low, high)
            }
            _ => return None,
        })
    }
}

/// Reads the `[[check]]` table `table`, which spans `range`.
#[must_use]
pub fn read_check(table: &DeTable<'_>, range: TextRange) -> ReadCheck {
    let mut reader = Reader { errors: Vec::new() };
    for key in table.keys() {
        let name = key.get_ref().as_ref();
        if !KEYS.contains(&name) && !ASSERTIONS.contains(&name) {
            let known = KEYS.iter().chain(ASSERTIONS).copied();
            let hint = crate::suggest::did_you_mean(name, known);
            reader.error(
                range_of(key),
                format!("unknown key `{name}` in [[check]]{hint}"),
            );
        }
    }
    let id = if let Some(value) = table.get("id") {
        reader.string(value, "id").and_then(|id| match id.split_once('/') {
            Some((p, n)) if !p.is_empty() && !n.is_empty() && !BUILT_IN_PACKS.contains(&p) => {
                Some(id)
            }
            Some((p, _)) if BUILT_IN_PACKS.contains(&p) => {
                reader.error(
                    range_of(value),
                    format!("`{p}/` is a built-in pack: give your checks a prefix of your own (`acme/...`)"),
                );
                None
            }
            _ => {
                reader.error(
                    range_of(value),
                    "a check's id is `prefix/name`, with a prefix of your own",
                );
                None
            }
        })
    } else {
        reader.error(range, "this check has no `id`");
        None
    };
    let severity = match table.get("severity") {
        Some(value) => reader.string(value, "severity").and_then(|s| {
            Severity::parse(&s).or_else(|| {
                reader.error(
                    range_of(value),
                    format!("unknown severity `{s}` (use `error`, `warning` or `info`)"),
                );
                None
            })
        }),
        None => Some(Severity::Warning),
    };
    let text = |reader: &mut Reader, key: &str| table.get(key).and_then(|v| reader.string(v, key));
    let message = text(&mut reader, "message");
    let help = text(&mut reader, "help");
    let nodes = table
        .get("nodes")
        .and_then(|v| reader.strings(v, "nodes"))
        .unwrap_or_default();
    let target = if let Some(value) = table.get("path") {
        reader.target(value, "path")
    } else {
        reader.error(range, "this check has no `path` (`FILE:PATH`)");
        None
    };
    let given: Vec<(&str, &Value<'_>)> = table
        .iter()
        .map(|(k, v)| (k.get_ref().as_ref(), v))
        .filter(|(k, _)| ASSERTIONS.contains(k))
        .collect();
    let assertion = match given.as_slice() {
        [(key, value)] => reader.assertion(key, value),
        [] => {
            reader.error(
                range,
                format!(
                    "this check asserts nothing: give one of {}",
                    ASSERTIONS.join(", ")
                ),
            );
            None
        }
        [_, (key, value), ..] => {
            reader.error(
                range_of(value),
                format!("`{key}`: a check makes one assertion; write another `[[check]]`"),
            );
            None
        }
    };
    let check = match (id, severity, target, assertion) {
        (Some(id), Some(severity), Some(target), Some(assertion)) if reader.errors.is_empty() => {
            Some(Check {
                id,
                severity,
                message,
                help,
                nodes,
                target,
                assertion,
                range,
            })
        }
        _ => None,
    };
    ReadCheck {
        check,
        errors: reader.errors,
    }
}
