//! Inline suppressions: `# clusterlint: ignore[rule-id, other-id] reason` in
//! a comment of the file's own syntax (`<!-- clusterlint: ignore[...] -->` in
//! XML). A suppression covers its own line (so one after code covers that
//! code, and one on line 1 covers the file-level findings reported there),
//! and, on a line of its own, the next line that is neither blank nor a
//! comment.

use crate::diagnostic::Diagnostic;
use crate::model::Cluster;
use crate::source::{FileId, Span, TextRange};

const MARKER: &str = "clusterlint:";

/// One rule id named in a suppression comment.
#[derive(Clone, Debug)]
pub struct Suppression {
    pub file: FileId,
    /// Zero-based lines the comment covers.
    pub lines: [u32; 2],
    /// A rule id or pack name.
    pub rule: String,
    /// Where the id is written.
    pub range: TextRange,
    /// The comment it is written in, as its document gives it (inside
    /// `<!--` and `-->` in XML).
    pub comment: TextRange,
    pub used: bool,
}

impl Suppression {
    fn covers(&self, rule: &str) -> bool {
        self.rule == rule
            || rule
                .split_once('/')
                .is_some_and(|(pack, _)| pack == self.rule)
    }
}

/// Finds the suppressions in every file's comments.
#[must_use]
pub fn collect(cluster: &Cluster) -> Vec<Suppression> {
    let mut out = Vec::new();
    for (index, file) in cluster.files.iter().enumerate() {
        let comments = file.document.comments();
        if comments.is_empty() {
            continue;
        }
        let text = &file.source.text;
        let lines = &file.source.lines;
        let comment_lines: std::collections::HashSet<usize> =
            comments.iter().map(|c| lines.line_of(c.start)).collect();
        for comment in comments {
            let body = comment.slice(text);
            let Some(at) = body.find(MARKER) else {
                continue;
            };
            let rest = body[at + MARKER.len()..].trim_start();
            let Some(list) = rest.strip_prefix("ignore[") else {
                continue;
            };
            let Some(end) = list.find(']') else { continue };
            let line = lines.line_of(comment.start);
            let line_start = lines.line_start(line);
            let own_line = text[line_start as usize..comment.start as usize]
                .trim()
                .is_empty();
            let target = if own_line {
                // The next line that is neither blank nor a comment.
                (line + 1..lines.line_count())
                    .find(|&l| {
                        !comment_lines.contains(&l)
                            && !lines.line_range(l, text).slice(text).trim().is_empty()
                    })
                    .unwrap_or(line)
            } else {
                line
            };
            let list_start = comment.start as usize + (body.len() - list.len());
            let mut offset = 0;
            for id in list[..end].split(',') {
                let trimmed = id.trim();
                let lead = id.len() - id.trim_start().len();
                if !trimmed.is_empty() {
                    let start = (list_start + offset + lead) as u32;
                    out.push(Suppression {
                        file: FileId(index as u32),
                        lines: [line as u32, target as u32],
                        rule: trimmed.to_string(),
                        range: TextRange::new(start, start + trimmed.len() as u32),
                        comment: *comment,
                        used: false,
                    });
                }
                offset += id.len() + 1;
            }
        }
    }
    out
}

/// Drops the diagnostics a suppression covers and marks it used.
pub fn apply(
    cluster: &Cluster,
    diagnostics: &mut Vec<Diagnostic>,
    suppressions: &mut [Suppression],
) {
    if suppressions.is_empty() {
        return;
    }
    diagnostics.retain(|d| {
        let Span { file, range } = d.primary.span;
        let line = cluster.source(file).lines.line_of(range.start) as u32;
        let mut suppressed = false;
        for s in suppressions.iter_mut() {
            if s.file == file && s.lines.contains(&line) && s.covers(&d.rule) {
                s.used = true;
                suppressed = true;
            }
        }
        !suppressed
    });
}
