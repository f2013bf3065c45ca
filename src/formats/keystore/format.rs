//! OpenDJ keystores and PIN files as the pipeline needs them: a digest,
//! masked whole.

use crate::formats::decode::Encoding;
use crate::formats::{
    Claim, CommentSyntax, Document, FileFormat, FilePath, ParseError, ParsedDocument,
};
use crate::source::TextRange;

use super::KeystoreDocument;

/// The keystores and PIN files in an OpenDJ instance's `config/` folder.
pub struct KeystoreFormat;

/// The names OpenDJ's setup gives them.
const NAMES: &[&str] = &[
    "keystore",
    "keystore.pin",
    "truststore",
    "truststore.pin",
    "admin-keystore",
    "admin-keystore.pin",
    "admin-truststore",
    "admin-truststore.pin",
    "ads-truststore",
    "ads-truststore.pin",
];

impl FileFormat for KeystoreFormat {
    fn name(&self) -> &'static str {
        "opendj-keystore"
    }

    fn encoding(&self) -> Encoding {
        Encoding::Digest
    }

    fn parse(&self, text: &str, _max_depth: Option<usize>) -> Document {
        Document::new(super::parse(text))
    }

    fn claim(&self, path: &FilePath<'_>) -> Option<Claim> {
        (NAMES.contains(&path.name) && path.folders.last() == Some(&"config"))
            .then_some(Claim::Name)
    }

    // The instance root is the folder above `config/`.
    fn home(&self, folders: &[&str]) -> Option<usize> {
        (folders.last() == Some(&"config")).then(|| folders.len() - 1)
    }

    fn comment_syntax(&self) -> CommentSyntax {
        CommentSyntax::None
    }
}

impl ParsedDocument for KeystoreDocument {
    fn errors(&self) -> &[ParseError] {
        super::NO_ERRORS
    }

    fn ranges(&self) -> Vec<TextRange> {
        vec![self.range]
    }

    // Key material: the whole file (its digest stands for it).
    fn secrets(&self, text: &str) -> Vec<TextRange> {
        vec![TextRange::from_usize(0..text.len())]
    }
}
