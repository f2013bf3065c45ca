//! PEM certificates and keys as the pipeline needs them: key material,
//! masked whole, outlined by labels and sizes only.

use crate::formats::outline::{Guard, Symbol, SymbolKind};
use crate::formats::spec::{Claim, Confirmation, FilePath};
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

    // Gluu's web certificate and key, which its Apache presents for the
    // setup `hostname` (`/etc/certs`, inside the chroot on CE 3.x), and
    // csync2's, whose paths are compiled in; other PEM files are read
    // where a configuration names them.
    fn claim(&self, path: &FilePath<'_>) -> Option<Claim> {
        let gluu_web = matches!(path.name, "httpd.crt" | "httpd.key")
            && path.folders.ends_with(&["etc", "certs"]);
        let csync2 = matches!(path.name, "csync2_ssl_cert.pem" | "csync2_ssl_key.pem");
        (gluu_web || csync2).then_some(Claim::Folder)
    }

    fn checks_content(&self) -> bool {
        true
    }

    fn confirm(&self, head: &[u8]) -> Confirmation {
        if head.windows(11).any(|w| w == b"-----BEGIN ") {
            Confirmation::Keep
        } else {
            Confirmation::Drop
        }
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

    // Key material: every line but the BEGIN and END lines of whole
    // blocks, whose labels are no secret (and would otherwise mask words
    // such as "private" in every message). Line ends stay visible, so
    // snippets keep their lines.
    fn secrets(&self, text: &str) -> Vec<TextRange> {
        let armor: Vec<usize> = self
            .blocks
            .iter()
            .flat_map(|b| [b.range.as_usize().start, b.end.as_usize().start])
            .collect();
        let mut out = Vec::new();
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            let content = line.trim_end_matches(['\n', '\r']);
            if !content.trim().is_empty() && !armor.contains(&at) {
                out.push(TextRange::from_usize(at..at + content.len()));
            }
            at += line.len();
        }
        out
    }
}
