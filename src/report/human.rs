//! The human report, drawn by miette. A cross-file finding shows its primary
//! file with the primary label (and any related labels in the same file);
//! each other file it involves comes as a related report with its own
//! snippet. Snippets are drawn from the redacted text, so secrets show as
//! `*`.

use std::collections::HashMap;
use std::fmt;
use std::fmt::Write as _;
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use crate::diagnostic::{Diagnostic, Severity};
use crate::outcome::Report;
use crate::source::{FileId, LineIndex, Span};

/// How to draw the report.
#[derive(Clone, Copy, Debug)]
pub struct HumanOptions {
    /// ANSI colours.
    pub color: bool,
    /// Unicode box drawing (else ASCII).
    pub unicode: bool,
    /// Wrap width.
    pub width: usize,
    /// Rule ids as terminal hyperlinks to their pages, where the report
    /// knows where they are published.
    pub links: bool,
}

impl Default for HumanOptions {
    fn default() -> Self {
        Self {
            color: false,
            unicode: true,
            width: 100,
            links: false,
        }
    }
}

/// One drawable diagnostic (or related part).
#[derive(Debug)]
struct Drawn {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    url: Option<String>,
    source: Windowed,
    labels: Vec<LabeledSpan>,
    related: Vec<Drawn>,
}

impl fmt::Display for Drawn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Drawn {}

impl miette::Diagnostic for Drawn {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.url
            .as_ref()
            .map(|u| Box::new(u) as Box<dyn fmt::Display>)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|d| d as &dyn miette::Diagnostic),
        ))
    }
}

/// A file's redacted text for miette. miette finds a snippet's lines by
/// scanning from the start of its source; handing it only the lines around
/// the snippet (found through the line index) keeps drawing many findings
/// in a large file linear.
#[derive(Clone, Debug)]
struct Windowed {
    name: String,
    text: Arc<String>,
    lines: Arc<LineIndex>,
    /// For an excerpt of one long line: the zero-based line and column
    /// (in characters) where the excerpt starts in the file.
    line_base: usize,
    column_base: usize,
}

/// Lines longer than this many bytes are drawn as an excerpt around the
/// finding: one value may be megabytes long.
const LONGEST_DRAWN_LINE: usize = 1_000;

/// How many bytes of a long line an excerpt shows around what it marks,
/// and of what it marks.
const EXCERPT_MARGIN: usize = 80;
const EXCERPT_MARKED: usize = 200;

impl Windowed {
    /// `labels` in this source, or, where the first one lies on a line too
    /// long to draw, an excerpt of that line around it with the labels
    /// that fit in it.
    fn fitted(self, labels: Vec<LabeledSpan>) -> (Self, Vec<LabeledSpan>) {
        let Some(first) = labels.first() else {
            return (self, labels);
        };
        let text = self.text.as_str();
        let line = self.lines.line_of(first.offset() as u32);
        let range = self.lines.line_range(line, text);
        let (line_start, line_end) = (range.start as usize, range.end as usize);
        if line_end - line_start <= LONGEST_DRAWN_LINE {
            return (self, labels);
        }
        let floor = |mut at: usize| {
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        let ceil = |mut at: usize| {
            while !text.is_char_boundary(at) {
                at += 1;
            }
            at
        };
        let marked_end = (first.offset() + first.len()).min(first.offset() + EXCERPT_MARKED);
        let from = floor(
            first
                .offset()
                .saturating_sub(EXCERPT_MARGIN)
                .max(line_start),
        );
        let to = ceil((marked_end + EXCERPT_MARGIN).min(line_end));
        let head = if from > line_start { "…" } else { "" };
        let tail = if to < line_end { "…" } else { "" };
        let excerpt = format!("{head}{}{tail}", &text[from..to]);
        let column = self.lines.line_col(text, from as u32).column as usize - 1;
        let shift = |at: usize| at - from + head.len();
        let labels = labels
            .into_iter()
            .filter(|l| l.offset() >= from && l.offset() <= to)
            .map(|l| {
                let end = (l.offset() + l.len()).min(to);
                LabeledSpan::new_with_span(
                    l.label().map(str::to_string),
                    SourceSpan::new(shift(l.offset()).into(), end - l.offset()),
                )
            })
            .collect();
        let lines = LineIndex::new(&excerpt);
        let excerpt = Self {
            name: self.name,
            text: Arc::new(excerpt),
            lines: Arc::new(lines),
            line_base: line,
            // The excerpt's first character is the `…` before `from`.
            column_base: column.saturating_sub(head.chars().count()),
        };
        (excerpt, labels)
    }
}

impl SourceCode for Windowed {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text = self.text.as_str();
        let end = span.offset() + span.len();
        if end > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.lines.line_of(span.offset() as u32);
        let last = self.lines.line_of(end as u32);
        let from_line = first.saturating_sub(context_lines_before + 1);
        let to_line = last + context_lines_after + 2;
        let from = self.lines.line_start(from_line) as usize;
        let to = if to_line < self.lines.line_count() {
            self.lines.line_start(to_line) as usize
        } else {
            text.len()
        };
        let window = &text[from..to];
        let inner = SourceSpan::new((span.offset() - from).into(), span.len());
        let contents = window.read_span(&inner, context_lines_before, context_lines_after)?;
        // miette counts bytes; reports count characters.
        let column = if context_lines_before == 0 {
            let at = self.lines.line_col(text, span.offset() as u32);
            let base = if at.line == 1 { self.column_base } else { 0 };
            at.column as usize - 1 + base
        } else {
            0
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            SourceSpan::new(
                (contents.span().offset() + from).into(),
                contents.span().len(),
            ),
            contents.line() + from_line + self.line_base,
            column,
            contents.line_count() + from_line + self.line_base,
        )))
    }
}

/// Redacted texts, built once per file.
struct Sources<'a> {
    report: &'a Report,
    cache: HashMap<FileId, Windowed>,
}

impl Sources<'_> {
    fn get(&mut self, file: FileId) -> Windowed {
        self.cache
            .entry(file)
            .or_insert_with(|| {
                let source = self.report.files.source(file);
                let text = source.redacted_text();
                let lines = LineIndex::new(&text);
                Windowed {
                    name: source.path.clone(),
                    text: Arc::new(text),
                    lines: Arc::new(lines),
                    line_base: 0,
                    column_base: 0,
                }
            })
            .clone()
    }
}

fn label(span: Span, message: &str) -> LabeledSpan {
    let at = SourceSpan::new(
        (span.range.start as usize).into(),
        span.range.len() as usize,
    );
    LabeledSpan::new_with_span((!message.is_empty()).then(|| message.to_string()), at)
}

fn severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

fn drawn(d: &Diagnostic, sources: &mut Sources<'_>) -> Drawn {
    let file = d.primary.span.file;
    let mut labels = vec![label(d.primary.span, &d.primary.message)];
    let mut others: Vec<(FileId, Vec<LabeledSpan>)> = Vec::new();
    for r in &d.related {
        if r.span.file == file {
            labels.push(label(r.span, &r.message));
        } else if let Some((_, group)) = others.iter_mut().find(|(f, _)| *f == r.span.file) {
            group.push(label(r.span, &r.message));
        } else {
            others.push((r.span.file, vec![label(r.span, &r.message)]));
        }
    }
    let related = others
        .into_iter()
        .map(|(other, labels)| {
            let (source, labels) = sources.get(other).fitted(labels);
            Drawn {
                message: format!("related: {}", sources.report.files.source(other).path),
                code: None,
                severity: miette::Severity::Advice,
                help: None,
                url: None,
                source,
                labels,
                related: Vec::new(),
            }
        })
        .collect();
    let (source, labels) = sources.get(file).fitted(labels);
    Drawn {
        message: d.message.clone(),
        code: Some(d.rule.to_string()),
        severity: severity(d.severity),
        help: d.help.clone(),
        url: sources.report.rule_url(&d.rule),
        source,
        labels,
        related,
    }
}

/// Draws every diagnostic, then a summary line.
#[must_use]
pub fn render(report: &Report, options: HumanOptions) -> String {
    let mut out = render_diagnostics(report, options);
    out.push_str(&summary_line(report));
    out
}

/// The drawn diagnostics, without the summary line.
#[must_use]
pub fn render_diagnostics(report: &Report, options: HumanOptions) -> String {
    let theme = match (options.unicode, options.color) {
        (true, true) => GraphicalTheme::unicode(),
        (true, false) => GraphicalTheme::unicode_nocolor(),
        (false, true) => GraphicalTheme::ascii(),
        (false, false) => GraphicalTheme::none(),
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(options.links);
    let mut sources = Sources {
        report,
        cache: HashMap::new(),
    };
    let mut out = String::new();
    for d in &report.diagnostics {
        let drawn = drawn(d, &mut sources);
        if handler.render_report(&mut out, &drawn).is_err() {
            // Drawing failed (it should not); fall back to one plain line.
            let (at, _) = report.position(d.primary.span);
            let _ = writeln!(
                out,
                "{}:{}:{}: {} [{}]",
                report.path(d.primary.span),
                at.line,
                at.column,
                d.message,
                d.rule
            );
        }
        out.push('\n');
    }
    out
}

/// `Found 3 errors and 1 warning in 7 files of 4 nodes.`
#[must_use]
pub fn summary_line(report: &Report) -> String {
    let s = report.summary();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let found = [
        (s.errors, "error"),
        (s.warnings, "warning"),
        (s.infos, "note"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, w)| plural(*n, w))
    .collect::<Vec<_>>();
    let scope = format!("{} of {}", plural(s.files, "file"), plural(s.nodes, "node"));
    if found.is_empty() {
        format!("All checks passed: {scope}.\n")
    } else {
        format!("Found {} in {scope}.\n", found.join(", "))
    }
}
