//! `--format sarif`: a SARIF 2.1.0 log (OASIS standard; the schema is
//! `reference/sarif/sarif-schema-2.1.0.json`) for code-scanning
//! services. The subset written here, by hand with serde:
//!
//! - one run; `tool.driver` names clusterlint, its version and *every* rule
//!   the caller passes, in the caller's order, so `ruleIndex` is stable from
//!   run to run. A rule's `name` is the part of its id after `/` in
//!   PascalCase (`liferay/tunnel-secret-mismatch` → `TunnelSecretMismatch`);
//!   `shortDescription` is its summary, `fullDescription` the first
//!   paragraph of its reference page's first section ("What it does") and
//!   `help` the page itself (its Markdown source doubles as the text).
//!   `shortDescription` is cut to its first clause. Where the rule pages
//!   are published (`[docs] rules-url`, `--rules-url`), the driver's
//!   `informationUri` is that address and each built-in rule has a
//!   `helpUri`; otherwise neither is written.
//! - `columnKind` is `unicodeCodePoints`: our columns count characters.
//! - each result has a `partialFingerprints` entry that survives lines
//!   moving (rule, file, the masked text of its line, its rank among
//!   equals), and `ruleId`, `ruleIndex`, `level` (info → `note`), the
//!   message with the help on a new line, the primary location, the related
//!   locations (numbered from 0) and the fix's replacements. SARIF has no
//!   file rename, so renames are only named in the fix's description (and a
//!   fix that is only renames is left out: SARIF needs at least one change).
//! - regions are one-based with an exclusive end (§3.30); an empty span is
//!   an insertion point with `endColumn == startColumn`.
//! - URIs are the paths the user's tools open from the current directory,
//!   relative to `%SRCROOT%`, percent-encoded where RFC 3986 forbids the
//!   character; absolute roots become `file://` URIs.
//!
//! No source text is ever copied (no `snippet`): snippets could show
//! secrets. Results keep the order of the reports.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Edit, Fix, Severity};
use crate::outcome::{Report, RuleMeta};
use crate::report::{Finding, Fingerprints, display_path, findings};
use crate::source::{FileId, Span};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'a str>,
    rules: Vec<ReportingDescriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor<'a> {
    id: &'a str,
    name: String,
    short_description: Message<'a>,
    full_description: Message<'a>,
    help: Help<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Help<'a> {
    text: &'a str,
    markdown: &'a str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Message<'a> {
    text: Cow<'a, str>,
}

impl<'a> Message<'a> {
    fn new(text: impl Into<Cow<'a, str>>) -> Self {
        Self { text: text.into() }
    }

    /// A message for a label; SARIF's is optional, so empty labels have none.
    fn of_label(text: &'a str) -> Option<Self> {
        (!text.is_empty()).then(|| Self::new(text))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Message<'a>,
    locations: [Location<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
    partial_fingerprints: PartialFingerprints,
}

/// What identifies a finding from run to run, whatever moved around it.
#[derive(Serialize)]
struct PartialFingerprints {
    #[serde(rename = "clusterlintFinding/v1")]
    finding: String,
}

// The field names are SARIF's property names.
#[allow(clippy::struct_field_names)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Message<'static>,
    artifact_changes: Vec<ArtifactChange>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: InsertedContent,
}

#[derive(Serialize)]
struct InsertedContent {
    text: String,
}

/// Renders every report as one SARIF run. `rules` become
/// `tool.driver.rules` in the given order; `tool_version` is clusterlint's.
#[must_use]
pub fn render(reports: &[(&str, &Report)], rules: &[RuleMeta], tool_version: &str) -> String {
    // Rule pages, where the (first) cluster says they are published.
    let rules_url = reports
        .iter()
        .find_map(|(_, report)| report.rules_url.as_deref())
        .map(|url| url.trim_end_matches('/'));
    let mut fingerprints = Fingerprints::default();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "clusterlint",
                    version: tool_version,
                    information_uri: rules_url,
                    rules: rules.iter().map(|r| descriptor(r, rules_url)).collect(),
                },
            },
            results: findings(reports)
                .map(|f| result(&f, rules, &mut fingerprints))
                .collect(),
            column_kind: "unicodeCodePoints",
        }],
    };
    let mut text =
        serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

fn descriptor<'a>(rule: &'a RuleMeta, rules_url: Option<&str>) -> ReportingDescriptor<'a> {
    ReportingDescriptor {
        id: &rule.id,
        name: pascal_case_name(&rule.id),
        short_description: Message::new(short(&rule.summary)),
        full_description: Message::new(first_paragraph(&rule.doc)),
        help: Help {
            text: &rule.doc,
            markdown: &rule.doc,
        },
        help_uri: rules_url
            .filter(|_| is_built_in(&rule.id))
            .map(|base| format!("{base}/{}.md", rule.id)),
        default_configuration: Configuration {
            level: level(rule.default_severity),
        },
    }
}

/// Whether `id` is a built-in rule's (whose pages are published), not a
/// check of the user's.
fn is_built_in(id: &str) -> bool {
    let pack = id.split_once('/').map_or(id, |(pack, _)| pack);
    crate::manifest::check::BUILT_IN_PACKS.contains(&pack)
}

/// The SARIF `level` of a severity (§3.27.10 knows no "info").
const fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `pack/some-name` → `SomeName`: SARIF wants a name that reads as an
/// identifier; the pack is already in the id.
fn pascal_case_name(id: &str) -> String {
    let name = id.rsplit_once('/').map_or(id, |(_, name)| name);
    name.split(['-', '_'])
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect::<String>()
            })
        })
        .collect()
}

/// The plain-text description in a Markdown page: the first paragraph of
/// its first section (`## What it does` on a rule's reference page, after
/// the title and the default-severity line), or of the page when it has no
/// section heading. Lines are joined into one.
fn first_paragraph(doc: &str) -> String {
    let lines: Vec<&str> = doc.lines().map(str::trim).collect();
    let section = lines
        .iter()
        .position(|line| line.starts_with("##"))
        .map_or(0, |heading| heading + 1);
    let paragraph: Vec<&str> = lines[section..]
        .iter()
        .copied()
        .skip_while(|line| line.is_empty() || line.starts_with('#'))
        .take_while(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    paragraph.join(" ")
}

/// A summary cut to what a results list shows: up to its first colon or
/// semicolon, else to about 100 characters at a word.
fn short(summary: &str) -> String {
    const MOST: usize = 100;
    let clause = summary
        .split([':', ';'])
        .next()
        .map(str::trim)
        .filter(|c| c.len() >= 20)
        .unwrap_or(summary);
    if clause.chars().count() <= MOST {
        return clause.trim_end_matches('.').to_string() + ".";
    }
    let cut: String = clause.chars().take(MOST).collect();
    let at_word = cut.rfind(' ').map_or(cut.as_str(), |space| &cut[..space]);
    format!("{}…", at_word.trim_end_matches([',', ' ']))
}

fn result<'a>(
    finding: &Finding<'a>,
    rules: &[RuleMeta],
    fingerprints: &mut Fingerprints,
) -> SarifResult<'a> {
    let d = finding.diagnostic;
    SarifResult {
        rule_id: &d.rule,
        rule_index: rules.iter().position(|r| r.id == d.rule),
        level: level(d.severity),
        message: Message::new(message_text(d)),
        locations: [Location {
            id: None,
            physical_location: physical_location(finding, d.primary.span),
            message: Message::of_label(&d.primary.message),
        }],
        related_locations: d
            .related
            .iter()
            .enumerate()
            .map(|(id, label)| Location {
                id: Some(id),
                physical_location: physical_location(finding, label.span),
                message: Message::of_label(&label.message),
            })
            .collect(),
        fixes: d
            .fix
            .as_ref()
            .and_then(|fix| sarif_fix(finding, fix))
            .into_iter()
            .collect(),
        partial_fingerprints: PartialFingerprints {
            finding: fingerprints.of(finding),
        },
    }
}

/// The message, then the help on its own line.
fn message_text(d: &Diagnostic) -> String {
    match &d.help {
        Some(help) => format!("{}\n{help}", d.message),
        None => d.message.clone(),
    }
}

fn physical_location(finding: &Finding<'_>, span: Span) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: artifact_location(&finding.path_of(span)),
        region: region(finding.report, span),
    }
}

fn region(report: &Report, span: Span) -> Region {
    let (start, end) = report.position(span);
    // Spans never run backwards; the max keeps a region valid (end not
    // before start) even if one ever did.
    let (end_line, end_column) = if (end.line, end.column) < (start.line, start.column) {
        (start.line, start.column)
    } else {
        (end.line, end.column)
    };
    Region {
        start_line: start.line,
        start_column: start.column,
        end_line,
        end_column,
    }
}

/// A path relative to the current directory becomes a URI reference
/// relative to `%SRCROOT%`; an absolute one a `file://` URI.
fn artifact_location(path: &str) -> ArtifactLocation {
    if path.starts_with('/') {
        ArtifactLocation {
            uri: format!("file://{}", percent_encode_path(path)),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: percent_encode_path(path),
            uri_base_id: Some(SRCROOT),
        }
    }
}

/// Percent-encodes (as UTF-8) every byte RFC 3986 does not allow as is in a
/// path: space, `%`, `#`, `?`, non-ASCII and the like. `:` is encoded too, or
/// a first segment such as `c:x` would read as a scheme. `/` stays.
#[must_use]
pub fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if is_kept_in_uri_path(byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// Unreserved characters, sub-delimiters, `@` and `/` (RFC 3986 `pchar`
/// without `:` and the percent sign).
const fn is_kept_in_uri_path(byte: u8) -> bool {
    byte.is_ascii_alphanumeric()
        || matches!(
            byte,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b'@'
                | b'/'
        )
}

/// The fix's text replacements, grouped by file in the order the files
/// first appear; renames are named in the description only.
fn sarif_fix(finding: &Finding<'_>, fix: &Fix) -> Option<SarifFix> {
    let mut changes: Vec<(FileId, ArtifactChange)> = Vec::new();
    let mut renames = Vec::new();
    for edit in &fix.edits {
        match edit {
            Edit::Replace { span, text } => {
                let replacement = Replacement {
                    deleted_region: region(finding.report, *span),
                    inserted_content: InsertedContent { text: text.clone() },
                };
                match changes.iter_mut().find(|(file, _)| *file == span.file) {
                    Some((_, change)) => change.replacements.push(replacement),
                    None => changes.push((
                        span.file,
                        ArtifactChange {
                            artifact_location: artifact_location(&finding.path_of(*span)),
                            replacements: vec![replacement],
                        },
                    )),
                }
            }
            Edit::Rename { file, to } => {
                let from = finding.path_of(Span::file_start(*file));
                let to = display_path(finding.root, to);
                renames.push(format!("rename `{from}` to `{to}`"));
            }
        }
    }
    // SARIF requires at least one artifact change per fix.
    if changes.is_empty() {
        return None;
    }
    let mut description = fix.description.clone();
    if !renames.is_empty() {
        let _ = write!(description, " (also {})", renames.join(", "));
    }
    Some(SarifFix {
        description: Message::new(description),
        artifact_changes: changes.into_iter().map(|(_, change)| change).collect(),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::report::testing;
    use crate::source::TextRange;

    fn rules() -> Vec<RuleMeta> {
        vec![
            RuleMeta {
                id: "core/parse-error".into(),
                summary: "Reports text a program cannot read.".to_string(),
                default_severity: Severity::Error,
                doc: "## What it does\nReports text a program\ncannot read.\n\n## Why\nBecause.\n"
                    .to_string(),
            },
            RuleMeta {
                id: "redis/bind-all".into(),
                summary: "Checks binds.".to_string(),
                default_severity: Severity::Info,
                doc: "Checks binds.\n".to_string(),
            },
        ]
    }

    fn parse(text: &str) -> Value {
        serde_json::from_str(text).expect("SARIF is JSON")
    }

    #[test]
    fn names_are_pascal_case_name_parts() {
        assert_eq!(
            pascal_case_name("liferay/tunnel-secret-mismatch"),
            "TunnelSecretMismatch"
        );
        assert_eq!(pascal_case_name("plain"), "Plain");
        assert_eq!(pascal_case_name("a/b--c_d"), "BCD");
    }

    #[test]
    fn full_description_is_the_first_paragraph() {
        assert_eq!(
            first_paragraph(&rules()[0].doc),
            "Reports text a program cannot read."
        );
        assert_eq!(first_paragraph(""), "");
        assert_eq!(
            first_paragraph("Just text\non two lines.\n\nMore."),
            "Just text on two lines."
        );
        let page =
            "# core/x\n\nDefault severity: **error**\n\n## What it does\nChecks x.\n\n## Why\nY.\n";
        assert_eq!(first_paragraph(page), "Checks x.");
    }

    #[test]
    fn uris_encode_what_a_uri_cannot_hold() {
        assert_eq!(percent_encode_path("a b/c%d#e?f"), "a%20b/c%25d%23e%3Ff");
        assert_eq!(percent_encode_path("nœud/é.conf"), "n%C5%93ud/%C3%A9.conf");
        assert_eq!(percent_encode_path("c:x/[y]"), "c%3Ax/%5By%5D");
        assert_eq!(percent_encode_path("a-b_c.d~/e+f,g"), "a-b_c.d~/e+f,g");
        assert_eq!(artifact_location("/srv/a b").uri, "file:///srv/a%20b");
        assert!(artifact_location("/srv").uri_base_id.is_none());
    }

    #[test]
    fn empty_reports_give_a_valid_empty_run() {
        let log = parse(&render(&[], &rules(), "0.1.0"));
        assert_eq!(log["version"], "2.1.0");
        assert_eq!(log["$schema"], SCHEMA);
        let run = &log["runs"][0];
        assert_eq!(run["results"], Value::Array(Vec::new()));
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        assert_eq!(run["tool"]["driver"]["rules"][1]["name"], "BindAll");
        assert_eq!(
            run["tool"]["driver"]["rules"][1]["defaultConfiguration"]["level"],
            "note"
        );
    }

    #[test]
    fn results_carry_locations_related_and_fixes() {
        let mut report =
            testing::report(&[("a b/é.conf", "key = value\r\nnext\n"), ("other", "x\n")]);
        let value = testing::span_of(&report, 0, "value");
        let other = testing::span_of(&report, 1, "x");
        let d = testing::diagnostic("redis/bind-all", Severity::Info, value, "bad\nvalue")
            .label("this value")
            .related(other, "compared with this")
            .related(Span::new(FileId(0), TextRange::empty(18)), "")
            .help("change it")
            .fix(Fix {
                description: "use the other value".to_string(),
                edits: vec![
                    Edit::Replace {
                        span: value,
                        text: "other".to_string(),
                    },
                    Edit::Replace {
                        span: Span::new(FileId(0), TextRange::empty(13)),
                        text: "# inserted\n".to_string(),
                    },
                    Edit::Rename {
                        file: FileId(1),
                        to: "renamed".to_string(),
                    },
                ],
            });
        report.diagnostics.push(d);
        let log = parse(&render(&[("./root", &report)], &rules(), "9.9.9"));
        let result = &log["runs"][0]["results"][0];
        assert_eq!(result["ruleId"], "redis/bind-all");
        assert_eq!(result["ruleIndex"], 1);
        assert_eq!(result["level"], "note");
        assert_eq!(result["message"]["text"], "bad\nvalue\nchange it");
        let primary = &result["locations"][0];
        assert_eq!(primary["message"]["text"], "this value");
        let location = &primary["physicalLocation"];
        assert_eq!(
            location["artifactLocation"]["uri"],
            "root/a%20b/%C3%A9.conf"
        );
        assert_eq!(location["artifactLocation"]["uriBaseId"], SRCROOT);
        assert_eq!(location["region"]["startLine"], 1);
        assert_eq!(location["region"]["startColumn"], 7);
        assert_eq!(location["region"]["endColumn"], 12);
        let related = result["relatedLocations"].as_array().unwrap();
        assert_eq!(related.len(), 2);
        assert_eq!(related[0]["id"], 0);
        assert_eq!(related[1]["id"], 1);
        assert_eq!(
            related[0]["physicalLocation"]["artifactLocation"]["uri"],
            "root/other"
        );
        assert!(related[1].get("message").is_none());
        // The span at the very end of the file (after the last newline).
        let eof = &related[1]["physicalLocation"]["region"];
        assert_eq!(
            (&eof["startLine"], &eof["startColumn"]),
            (&Value::from(3), &Value::from(1))
        );
        assert_eq!(
            (&eof["endLine"], &eof["endColumn"]),
            (&Value::from(3), &Value::from(1))
        );
        let fix = &result["fixes"][0];
        assert_eq!(
            fix["description"]["text"],
            "use the other value (also rename `root/other` to `root/renamed`)"
        );
        let changes = fix["artifactChanges"].as_array().unwrap();
        assert_eq!(changes.len(), 1, "both replacements are in one file");
        let replacements = changes[0]["replacements"].as_array().unwrap();
        assert_eq!(replacements[0]["insertedContent"]["text"], "other");
        let insertion = &replacements[1]["deletedRegion"];
        assert_eq!(insertion["startLine"], 2);
        assert_eq!(insertion["startColumn"], insertion["endColumn"]);
    }

    #[test]
    fn a_fix_of_renames_only_is_left_out() {
        let mut report = testing::report(&[("a.config", "k=v\n")]);
        let span = Span::file_start(FileId(0));
        report.diagnostics.push(
            testing::diagnostic("liferay/x", Severity::Warning, span, "typo").fix(Fix {
                description: "rename".to_string(),
                edits: vec![Edit::Rename {
                    file: FileId(0),
                    to: "b.config".to_string(),
                }],
            }),
        );
        let log = parse(&render(&[(".", &report)], &rules(), "0"));
        let result = &log["runs"][0]["results"][0];
        assert!(result.get("fixes").is_none());
        assert!(
            result.get("ruleIndex").is_none(),
            "the rule is not in the list"
        );
        assert_eq!(result["level"], "warning");
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], 1);
        assert_eq!(region["endColumn"], 1);
    }
}
