//! PEM certificates and keys as the pipeline needs them: key material,
//! masked whole, outlined by labels and sizes only.

use crate::formats::outline::{Guard, Symbol, SymbolKind};
use crate::formats::{CommentSyntax, Document, FileFormat, ParseError, ParsedDocument};
use crate::source::TextRange;

use super::PemDocument;

/// A PEM certificate or key another file names.
pub struct PemFormat;

impl FileFormat for PemFormat {
    fn name(&self) -> &'static str {
        "pem"
    }

    fn parse(&self, text: &str, _max_depth: Option<usize>) -> Document {
        Document::new(super::parse(text))
    }

    fn comment_syntax(&self) -> CommentSyntax {
        CommentSyntax::None
    }
}

impl ParsedDocument for PemDocument {
    fn errors(&self) -> &[ParseError] {
        &self.errors
    }

    fn ranges(&self) -> Vec<TextRange> {
        self.blocks.iter().flat_map(|b| [b.range, b.end]).collect()
    }

    fn outline(&self, _text: &str, _guard: &Guard) -> Vec<Symbol> {
        self.blocks
            .iter()
            .map(|block| {
                Symbol::new(
                    SymbolKind::Block,
                    &block.label,
                    "(no label)",
                    block.range.cover(block.end),
                    block.range,
                )
                .with_detail(block.algorithm().map(super::x509::KeyAlgorithm::describe))
            })
            .collect()
    }

    // Key material: the whole file.
    fn secrets(&self, text: &str) -> Vec<TextRange> {
        vec![TextRange::from_usize(0..text.len())]
    }
}
