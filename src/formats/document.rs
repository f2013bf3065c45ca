//! A parsed file of any format, and what every part of the pipeline may
//! ask of it without knowing its format.

use std::any::Any;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use crate::formats::Format;
use crate::formats::outline::{self, Symbol};
use crate::formats::tree::ConfigTree;
use crate::source::TextRange;

/// What a format's parsed document tells the rest of clusterlint. A
/// format's own views (a model reading nginx upstreams) take the concrete
/// document through [`Document::get`].
pub trait ParsedDocument: Any + fmt::Debug + Send + Sync {
    /// The located problems the parser found.
    fn errors(&self) -> &[ParseError];

    /// Ranges of the comments, for inline suppressions.
    fn comments(&self) -> &[TextRange] {
        &[]
    }

    /// The files this document names (includes, certificates, keys), in
    /// order; `text` is the document's source.
    fn references(&self, _text: &str) -> Vec<Reference> {
        Vec::new()
    }

    /// Every range the document holds besides errors and comments, for
    /// invariant checks (in bounds, on character boundaries).
    fn ranges(&self) -> Vec<TextRange> {
        Vec::new()
    }

    /// The document as the common tree that declarative checks query.
    fn tree(&self, _text: &str) -> ConfigTree {
        ConfigTree {
            entries: Vec::new(),
            flat: true,
        }
    }

    /// The document's outline (editor symbols). Details go through
    /// `guard`, which refuses any text a secret range touches.
    fn outline(&self, _text: &str, _guard: &outline::Guard) -> Vec<Symbol> {
        Vec::new()
    }

    /// The ranges of the secret values the document holds, by its
    /// structure (a password key's value, a key file's body). Line scans
    /// common to every format are added by [`Document::secrets`].
    fn secrets(&self, _text: &str) -> Vec<TextRange> {
        Vec::new()
    }
}

/// A parsed file: one format's document behind a shared pointer (clones
/// are cheap).
#[derive(Clone)]
pub struct Document {
    inner: Arc<dyn ParsedDocument>,
}

/// The document of a file that was not parsed (unreadable, not text).
#[derive(Debug)]
struct Unparsed;

impl ParsedDocument for Unparsed {
    fn errors(&self) -> &[ParseError] {
        &[]
    }
}

impl Document {
    /// Wraps a format's parsed document.
    pub fn new(document: impl ParsedDocument) -> Self {
        Self {
            inner: Arc::new(document),
        }
    }

    /// The document of a file that was not parsed.
    #[must_use]
    pub fn unparsed() -> Self {
        Self::new(Unparsed)
    }

    /// Whether the file was not parsed (unreadable, not text).
    #[must_use]
    pub fn is_unparsed(&self) -> bool {
        self.get::<Unparsed>().is_some()
    }

    /// The concrete document, when it is a `T`.
    #[must_use]
    pub fn get<T: ParsedDocument>(&self) -> Option<&T> {
        let any: &dyn Any = &*self.inner;
        any.downcast_ref::<T>()
    }

    /// See [`ParsedDocument::errors`].
    #[must_use]
    pub fn errors(&self) -> &[ParseError] {
        self.inner.errors()
    }

    /// See [`ParsedDocument::comments`].
    #[must_use]
    pub fn comments(&self) -> &[TextRange] {
        self.inner.comments()
    }

    /// See [`ParsedDocument::references`].
    #[must_use]
    pub fn references(&self, text: &str) -> Vec<Reference> {
        self.inner.references(text)
    }

    /// Every range the document holds, errors and comments included.
    #[must_use]
    pub fn ranges(&self) -> Vec<TextRange> {
        let mut out: Vec<TextRange> = self.errors().iter().map(|e| e.range).collect();
        out.extend(self.comments().iter().copied());
        out.extend(self.inner.ranges());
        out
    }

    /// See [`ParsedDocument::tree`].
    #[must_use]
    pub fn tree(&self, text: &str) -> ConfigTree {
        self.inner.tree(text)
    }

    /// The outline of the document, parsed from `text`, with ranges valid
    /// for an editor and no secret in any name or detail.
    #[must_use]
    pub fn outline(&self, text: &str) -> Vec<Symbol> {
        let guard = outline::Guard::from_ranges(self.secrets(text));
        let mut symbols = self.inner.outline(text, &guard);
        outline::normalize(&mut symbols, TextRange::from_usize(0..text.len()), text);
        symbols
    }

    /// The ranges of every secret value in `text`, sorted: those the
    /// document's structure gives, and those the line scans common to
    /// every format find.
    #[must_use]
    pub fn secrets(&self, text: &str) -> Vec<TextRange> {
        let mut scanned = Vec::new();
        crate::secrets::scan(text, &mut scanned);
        self.secrets_with_scan(text, scanned)
    }

    /// [`Document::secrets`], given what [`crate::secrets::scan`] found in
    /// `text` (a large file is scanned while it is parsed).
    #[must_use]
    pub fn secrets_with_scan(&self, text: &str, mut scanned: Vec<TextRange>) -> Vec<TextRange> {
        let mut ranges = self.inner.secrets(text);
        ranges.append(&mut scanned);
        // Several passes may find the same value.
        ranges.sort_by_key(|r| (r.start, r.end));
        ranges.dedup();
        ranges
    }
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

/// A located problem a parser found. Messages never quote values (they may
/// be secrets); keys and directive names are fine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Where the problem is.
    pub range: TextRange,
    /// What is wrong, without the value.
    pub message: Cow<'static, str>,
}

impl ParseError {
    /// A problem at `range`.
    #[must_use]
    pub fn new(range: TextRange, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            range,
            message: message.into(),
        }
    }
}

/// How a reference names its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferenceKind {
    /// One file; missing is an error when `required`.
    File,
    /// A glob (`*`, `?`, `[`): matching nothing is fine.
    Glob,
    /// Every file in a directory (stunnel `include`).
    Directory,
}

/// A file another file names: an include, a certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The path as written.
    pub value: String,
    /// Where it is written.
    pub range: TextRange,
    /// How the path names its target.
    pub kind: ReferenceKind,
    /// The format of the target.
    pub format: Format,
    /// Whether a missing target is an error (`core/include-not-found`).
    pub required: bool,
    /// Whether the target is read as the inside of the block the reference
    /// stands in (a csync2 `config` within a `group`), not as a whole file.
    pub fragment: bool,
}

impl Reference {
    /// An include of one file (required) or of a glob (which may match
    /// nothing), as `value` says.
    #[must_use]
    pub fn include(value: &str, range: TextRange, format: Format) -> Self {
        let kind = if is_glob(value) {
            ReferenceKind::Glob
        } else {
            ReferenceKind::File
        };
        Self {
            value: value.to_string(),
            range,
            kind,
            format,
            required: kind == ReferenceKind::File,
            fragment: false,
        }
    }

    /// A file that may be missing without a fault (a certificate the
    /// program reads at start).
    #[must_use]
    pub fn optional(value: &str, range: TextRange, format: Format) -> Self {
        Self {
            value: value.to_string(),
            range,
            kind: ReferenceKind::File,
            format,
            required: false,
            fragment: false,
        }
    }
}

/// Whether an include names several files (`*`, `?` or `[`), as `glob(3)`
/// sees it.
#[must_use]
pub fn is_glob(path: &str) -> bool {
    path.contains(['*', '?', '['])
}
