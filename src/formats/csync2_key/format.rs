//! csync2 pre-shared key files as the pipeline needs them: key material,
//! masked whole.

use crate::formats::outline::{Guard, Symbol, SymbolKind};
use crate::formats::{CommentSyntax, Document, FileFormat, ParseError, ParsedDocument};
use crate::source::TextRange;

use super::Csync2KeyDocument;

/// A csync2 key file a group names.
pub struct Csync2KeyFormat;

impl FileFormat for Csync2KeyFormat {
    fn name(&self) -> &'static str {
        "csync2-key"
    }

    fn parse(&self, text: &str, _max_depth: Option<usize>) -> Document {
        Document::new(super::parse(text))
    }

    fn comment_syntax(&self) -> CommentSyntax {
        CommentSyntax::None
    }
}

impl ParsedDocument for Csync2KeyDocument {
    fn errors(&self) -> &[ParseError] {
        &self.errors
    }

    fn ranges(&self) -> Vec<TextRange> {
        vec![self.key_range]
    }

    fn outline(&self, _text: &str, _guard: &Guard) -> Vec<Symbol> {
        if self.key_range.is_empty() {
            return Vec::new();
        }
        vec![Symbol::new(
            SymbolKind::Key,
            "pre-shared key",
            "pre-shared key",
            self.key_range,
            self.key_range,
        )]
    }

    // Key material: the whole file.
    fn secrets(&self, text: &str) -> Vec<TextRange> {
        vec![TextRange::from_usize(0..text.len())]
    }
}
