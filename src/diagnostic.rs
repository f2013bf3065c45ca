//! The format-free diagnostic every stage produces and every reporter consumes.

use std::borrow::Cow;
use std::fmt;

use crate::source::{FileId, Span};

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }

    /// Parses `error`, `warning` or `info`.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "error" => Some(Self::Error),
            "warning" => Some(Self::Warning),
            "info" => Some(Self::Info),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A location with a short note saying what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

impl Label {
    #[must_use]
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Self {
            span,
            message: message.into(),
        }
    }
}

/// One edit of a fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    /// Replace the text of `span` with `text`.
    Replace { span: Span, text: String },
    /// Rename a file; `to` is relative to the cluster root.
    Rename { file: FileId, to: String },
}

/// A change that resolves a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub description: String,
    pub edits: Vec<Edit>,
}

/// A finding: what is wrong (`message`), where to edit (`primary`), which
/// other places are involved (`related`) and what to do (`help`).
///
/// Messages never contain secret values: rules say "differs from" or give
/// lengths instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: Cow<'static, str>,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub related: Vec<Label>,
    pub help: Option<String>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A diagnostic without rule or severity yet; the rule context stamps them.
    #[must_use]
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Self {
            rule: Cow::Borrowed(""),
            severity: Severity::Error,
            message: message.into(),
            primary: Label::new(span, String::new()),
            related: Vec::new(),
            help: None,
            fix: None,
        }
    }

    /// Sets the note on the primary location.
    #[must_use]
    pub fn label(mut self, message: impl Into<String>) -> Self {
        self.primary.message = message.into();
        self
    }

    #[must_use]
    pub fn related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Label::new(span, message));
        self
    }

    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    #[must_use]
    pub fn fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    #[must_use]
    pub fn with_rule(mut self, rule: impl Into<Cow<'static, str>>, severity: Severity) -> Self {
        self.rule = rule.into();
        self.severity = severity;
        self
    }
}
