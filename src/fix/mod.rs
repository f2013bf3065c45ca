//! Fixes: from the diagnostics' [`Fix`]es to a plan of non-overlapping edits
//! per file, shown as a unified diff (`--diff`) or written to disk (`--fix`).
//!
//! A fix is taken whole or not at all: when one of its edits overlaps an
//! edit already planned, or touches a secret, the fix waits for the next
//! round (the caller lints again after writing and plans anew).

mod diff;
mod write;

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::formats::decode::Encoding;
use crate::outcome::Report;
use crate::report::display_path;
use crate::rules::{self, Applicability};
use crate::source::FileId;

pub use write::{CRASH_BEFORE_RENAME, Outcome};

/// One replacement in a file's text, by byte offsets.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Replacement {
    start: usize,
    end: usize,
    text: String,
}

/// What the plan does to one file.
#[derive(Clone, Debug)]
pub struct FileChange {
    pub file: FileId,
    /// Relative to the cluster root, with `/`.
    pub path: String,
    /// The new path, when a fix renames the file.
    pub rename_to: Option<String>,
    /// What the fixes touching this file do, in plan order.
    pub descriptions: Vec<String>,
    replacements: Vec<Replacement>,
}

impl FileChange {
    /// How many fixes touch this file.
    #[must_use]
    pub fn fix_count(&self) -> usize {
        self.descriptions.len()
    }
}

/// The fixes of one report that can be applied together.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// In path order.
    pub files: Vec<FileChange>,
    /// Fixes taken.
    pub applied: usize,
    /// Fixes left for a later round (overlapping another) or refused
    /// (touching a secret, a file outside the cluster, a clashing rename).
    pub deferred: usize,
    /// Fixes left out as less safe than asked for (`--unsafe-fixes`).
    pub unsafe_left: usize,
}

/// How safe the fix of `diagnostic` is: its rule's word, unsafe for a
/// rule that declares none.
#[must_use]
pub fn applicability(diagnostic: &Diagnostic) -> Applicability {
    rules::find(&diagnostic.rule)
        .and_then(|rule| rule.fix)
        .unwrap_or(Applicability::Unsafe)
}

impl Plan {
    /// Plans every fix of `report` at most as unsafe as `allowed`, in the
    /// report's order.
    #[must_use]
    pub fn new(report: &Report, allowed: Applicability) -> Self {
        let mut files: BTreeMap<FileId, FileChange> = BTreeMap::new();
        let mut rename_targets: Vec<String> = Vec::new();
        let mut plan = Self::default();
        for diagnostic in report.diagnostics.iter().filter(|d| d.fix.is_some()) {
            let Some(fix) = diagnostic.fix.as_ref() else {
                continue;
            };
            if fix.edits.is_empty() {
                continue;
            }
            if applicability(diagnostic) > allowed {
                plan.unsafe_left += 1;
                continue;
            }
            if fits(report, &files, &rename_targets, fix) {
                plan.applied += 1;
                for edit in &fix.edits {
                    add(report, &mut files, &mut rename_targets, edit);
                }
                for file in touched_files(fix) {
                    if let Some(change) = files.get_mut(&file) {
                        change.descriptions.push(fix.description.clone());
                    }
                }
            } else {
                plan.deferred += 1;
            }
        }
        plan.files = files.into_values().collect();
        for change in &mut plan.files {
            change.replacements.sort_by_key(|r| (r.start, r.end));
        }
        plan.files.sort_by(|a, b| a.path.cmp(&b.path));
        plan
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The plan as a unified diff of the files' text, secrets masked;
    /// paths are `root` (as shown to the user) joined with the cluster path.
    #[must_use]
    pub fn diff(&self, report: &Report, root: &str) -> String {
        let mut out = String::new();
        for change in &self.files {
            let source = report.files.source(change.file);
            let shown = source.redacted_text();
            let from = display_path(root, &change.path);
            let to = display_path(root, change.rename_to.as_deref().unwrap_or(&change.path));
            // Outside any patch syntax, so that `git apply` and `patch`
            // skip it.
            let not_shown =
                format!("# {from}: changes not shown, as they touch a line with a secret\n");
            if shown.len() != source.text.len() {
                // Masking split a character, so offsets moved.
                out.push_str(&not_shown);
                continue;
            }
            // A line (as the diff splits them, at `\n`) holds a secret
            // where the shown text differs.
            let mut at = 0;
            let secret_lines: Vec<bool> = shown
                .split_inclusive('\n')
                .map(|line| {
                    let range = at..at + line.len();
                    at = range.end;
                    line != &source.text[range]
                })
                .collect();
            let hidden = |line: usize| secret_lines.get(line).copied().unwrap_or(false);
            let edits: Vec<(usize, usize, &str)> = change
                .replacements
                .iter()
                .map(|r| (r.start, r.end, r.text.as_str()))
                .collect();
            match diff::unified(&from, &to, &shown, &edits, &hidden) {
                Some(diff) => out.push_str(&diff),
                None => out.push_str(&not_shown),
            }
        }
        out
    }

    /// Writes the plan under `root`, each file atomically. A file that
    /// changed since it was read, is read-only, is a symbolic link or cannot
    /// be encoded back is left untouched and reported as failed.
    #[must_use]
    pub fn write(&self, report: &Report, root: &Path) -> Vec<Outcome> {
        self.files
            .iter()
            .map(|change| {
                let file = report.files.file(change.file);
                let encoding = file
                    .format
                    .map_or(Encoding::Utf8Strict, |f| f.spec().encoding());
                let text = apply(&file.source.text, &change.replacements);
                write::write(root, change, &file.source.text, &text, encoding)
            })
            .collect()
    }
}

/// Rounds of fix, re-lint, fix: a fix can reveal another (a renamed file
/// is then checked under its new name); fixes that keep undoing each
/// other stop here.
pub const MAX_ROUNDS: usize = 8;

/// Applies the fixes of `report` under `root`, lints again with `relint`,
/// and repeats while fixes apply; stops after a round in which a file could
/// not be written. Returns the last report and what happened to each file.
pub fn fix_until_done(
    mut report: Report,
    root: &Path,
    allowed: Applicability,
    mut relint: impl FnMut(&[Outcome]) -> Option<Report>,
) -> (Report, Vec<Outcome>) {
    let mut outcomes: Vec<Outcome> = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let plan = Plan::new(&report, allowed);
        if plan.is_empty() {
            break;
        }
        let round = plan.write(&report, root);
        let wrote = round.iter().any(|o| matches!(o, Outcome::Written { .. }));
        let stuck = round.iter().any(|o| matches!(o, Outcome::Failed { .. }));
        if wrote {
            let Some(again) = relint(&round) else {
                outcomes.extend(round);
                break;
            };
            report = again;
        }
        outcomes.extend(round);
        if !wrote || stuck {
            break;
        }
    }
    (report, outcomes)
}

/// Whether `fix` can be applied by itself: its edits stay inside their
/// files and the cluster, touch no secret, and write no secret value
/// (an editor shows an edit before applying it).
#[must_use]
pub fn applies_alone(report: &Report, fix: &Fix) -> bool {
    let writes_secret = fix.edits.iter().any(|edit| match edit {
        Edit::Replace { text, .. } => report.files.iter().any(|file| {
            file.source
                .secrets()
                .iter()
                .any(|s| !s.is_empty() && text.contains(s.slice(&file.source.text)))
        }),
        Edit::Rename { .. } => false,
    });
    !writes_secret && fits(report, &BTreeMap::new(), &[], fix)
}

/// The files a fix edits.
fn touched_files(fix: &Fix) -> Vec<FileId> {
    let mut files: Vec<FileId> = fix
        .edits
        .iter()
        .map(|edit| match edit {
            Edit::Replace { span, .. } => span.file,
            Edit::Rename { file, .. } => *file,
        })
        .collect();
    files.sort();
    files.dedup();
    files
}

/// Whether every edit of `fix` can join the plan.
fn fits(
    report: &Report,
    files: &BTreeMap<FileId, FileChange>,
    rename_targets: &[String],
    fix: &Fix,
) -> bool {
    let mut own: Vec<(FileId, usize, usize)> = Vec::new();
    for edit in &fix.edits {
        match edit {
            Edit::Replace { span, .. } => {
                let (start, end) = (span.range.start as usize, span.range.end as usize);
                let source = report.files.source(span.file);
                let inside = start <= end
                    && end <= source.text.len()
                    && source.text.is_char_boundary(start)
                    && source.text.is_char_boundary(end);
                let secret = source
                    .secrets()
                    .iter()
                    .any(|s| overlaps(s.start as usize, s.end as usize, start, end));
                let planned = files.get(&span.file).is_some_and(|change| {
                    change
                        .replacements
                        .iter()
                        .any(|r| overlaps(r.start, r.end, start, end))
                });
                let twice = own
                    .iter()
                    .any(|&(f, s, e)| f == span.file && overlaps(s, e, start, end));
                if !inside || secret || planned || twice {
                    return false;
                }
                own.push((span.file, start, end));
            }
            Edit::Rename { file, to } => {
                let renamed = files.get(file).is_some_and(|c| c.rename_to.is_some());
                let taken = rename_targets.contains(to)
                    || report.files.iter().any(|f| f.source.path == *to);
                if renamed || taken || !is_inside(to) {
                    return false;
                }
            }
        }
    }
    true
}

/// Whether two byte ranges share a byte, or are insertions at one point
/// (whose order would be a guess).
fn overlaps(a_start: usize, a_end: usize, b_start: usize, b_end: usize) -> bool {
    if a_start == a_end || b_start == b_end {
        return a_start == b_start
            || (a_start < b_start && b_start < a_end)
            || (b_start < a_start && a_start < b_end);
    }
    a_start < b_end && b_start < a_end
}

/// Whether a relative path stays inside the cluster root.
fn is_inside(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

fn add(
    report: &Report,
    files: &mut BTreeMap<FileId, FileChange>,
    rename_targets: &mut Vec<String>,
    edit: &Edit,
) {
    let file = match edit {
        Edit::Replace { span, .. } => span.file,
        Edit::Rename { file, .. } => *file,
    };
    let source = report.files.source(file);
    let change = files.entry(file).or_insert_with(|| FileChange {
        file,
        path: source.path.clone(),
        rename_to: None,
        descriptions: Vec::new(),
        replacements: Vec::new(),
    });
    match edit {
        Edit::Replace { span, text } => change.replacements.push(Replacement {
            start: span.range.start as usize,
            end: span.range.end as usize,
            text: with_line_endings_of(&source.text, text),
        }),
        Edit::Rename { to, .. } => {
            change.rename_to = Some(to.clone());
            rename_targets.push(to.clone());
        }
    }
}

/// Inserted line breaks follow the file's own (CRLF files stay CRLF).
fn with_line_endings_of(text: &str, inserted: &str) -> String {
    let crlf = text
        .find('\n')
        .is_some_and(|at| at > 0 && text.as_bytes()[at - 1] == b'\r');
    if crlf && inserted.contains('\n') {
        inserted.replace("\r\n", "\n").replace('\n', "\r\n")
    } else {
        inserted.to_string()
    }
}

/// `text` with sorted, non-overlapping replacements applied.
fn apply(text: &str, replacements: &[Replacement]) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for r in replacements {
        out.push_str(&text[at..r.start]);
        out.push_str(&r.text);
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Diagnostic;
    use crate::source::{Span, TextRange};

    fn replace(file: u32, start: u32, end: u32, text: &str) -> Edit {
        Edit::Replace {
            span: Span::new(FileId(file), TextRange::new(start, end)),
            text: text.to_string(),
        }
    }

    fn report_with(files: &[(&str, &str)], fixes: Vec<Fix>) -> Report {
        let mut workspace = crate::Workspace::new();
        for (path, text) in files {
            workspace.add_file(*path, text.as_bytes().to_vec());
        }
        let mut report = workspace.lint(&crate::LintOptions::default());
        let anchor = Span::new(FileId(0), TextRange::new(0, 0));
        report.diagnostics = fixes
            .into_iter()
            .map(|fix| Diagnostic::new(anchor, "m").fix(fix))
            .collect();
        report
    }

    fn fix(edits: Vec<Edit>) -> Fix {
        Fix {
            description: "d".to_string(),
            edits,
        }
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_round() {
        let report = report_with(
            &[("n1/etc/hosts", "127.0.0.1 localhost\n")],
            vec![
                fix(vec![replace(0, 0, 9, "10.0.0.1")]),
                fix(vec![replace(0, 4, 12, "x")]),
                fix(vec![replace(0, 10, 19, "host")]),
            ],
        );
        let file = report
            .files
            .iter()
            .position(|f| f.source.path == "n1/etc/hosts")
            .unwrap();
        assert_eq!(file, 0, "the test addresses the hosts file as file 0");
        let plan = Plan::new(&report, Applicability::Unsafe);
        assert_eq!((plan.applied, plan.deferred), (2, 1));
        let source = report.files.source(FileId(0));
        assert_eq!(
            apply(&source.text, &plan.files[0].replacements),
            "10.0.0.1 host\n"
        );
    }

    #[test]
    fn insertions_at_one_point_conflict_but_touching_ranges_do_not() {
        assert!(overlaps(3, 3, 3, 3));
        assert!(overlaps(3, 3, 2, 5));
        assert!(!overlaps(3, 3, 0, 3));
        assert!(!overlaps(0, 3, 3, 6));
        assert!(overlaps(0, 4, 3, 6));
    }

    #[test]
    fn crlf_files_get_crlf_insertions() {
        assert_eq!(with_line_endings_of("a\r\nb\r\n", "x\ny\n"), "x\r\ny\r\n");
        assert_eq!(with_line_endings_of("a\nb\n", "x\ny\n"), "x\ny\n");
    }

    #[test]
    fn renames_stay_inside_the_root() {
        assert!(is_inside("n1/osgi/configs/a.config"));
        for bad in ["", "/etc/x", "../x", "n1/../x", "n1//x", "n1\\x", "./x"] {
            assert!(!is_inside(bad), "{bad}");
        }
    }
}
