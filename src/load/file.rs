//! Reading one file: bytes decoded as its program decodes them, parsed in
//! its format, its secrets marked, its problems recorded as facts.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::facts::{AsFact, Fact, FactKind};
use crate::files::ClusterFile;
use crate::formats::decode::{self, NotText};
use crate::formats::{self, Document, Format};
use crate::load::Loaded;
use crate::source::{FileId, LineIndex, SourceFile, Span, TextRange};

/// Decodes and parses one file; an unreadable one becomes an empty file with
/// a diagnostic.
pub(crate) fn load(
    id: FileId,
    path: &str,
    format: Format,
    fragment: bool,
    max_depth: Option<usize>,
    bytes: Result<Vec<u8>, String>,
) -> (ClusterFile, Vec<Fact>) {
    let mut facts = Vec::new();
    let decoded = bytes.and_then(|bytes| {
        decode::decode(bytes, format.spec().encoding()).map_err(|NotText::Binary| {
            "the file is not text (it contains NUL bytes: a binary file, or UTF-16)".to_string()
        })
    });
    let (source, document) = match decoded {
        Ok((text, errors)) => {
            let decoded = text;
            let parse = || {
                if fragment {
                    formats::parse_fragment(format, &decoded)
                } else {
                    formats::parse_limited(format, &decoded, max_depth)
                }
            };
            // The shared copy of the text, its line index and its secret
            // scan need the text alone: for a large file they are made
            // beside the parse, on the other core.
            let read_text = || {
                let shared: Arc<str> = Arc::from(&*decoded);
                let mut scanned = Vec::new();
                crate::secrets::scan(&decoded, &mut scanned);
                (shared, LineIndex::new(&decoded), scanned)
            };
            let (document, (text, lines, scanned)) = if decoded.len() >= PARALLEL_FROM {
                rayon::join(parse, read_text)
            } else {
                (parse(), read_text())
            };
            drop(decoded);
            let secrets = document.secrets_with_scan(&text, scanned);
            let mut source = SourceFile::with_lines(path, text, lines);
            source.add_secrets(secrets);
            for error in errors.iter().chain(document.errors()) {
                facts.push(
                    Diagnostic::new(
                        Span::new(id, clamp(error.range, &source)),
                        error.message.to_string(),
                    )
                    .fact(FactKind::ParseError),
                );
            }
            (source, document)
        }
        Err(message) => {
            facts.push(
                Diagnostic::new(
                    Span::file_start(id),
                    format!("cannot read `{path}`: {message}"),
                )
                .fact(FactKind::UnreadableFile),
            );
            (SourceFile::new(path, ""), Document::unparsed())
        }
    };
    (
        ClusterFile {
            source,
            format: Some(format),
            node: None,
            document: Arc::new(document),
            includes: Vec::new(),
        },
        facts,
    )
}

/// From this size on, a file's parse and its text scans run in parallel
/// (below it, the hand-over costs more than it saves).
const PARALLEL_FROM: usize = 256 * 1024;

/// Keeps a parser's range inside the text and on character boundaries.
fn clamp(range: TextRange, source: &SourceFile) -> TextRange {
    let start = crate::source::clamp_to_char_boundary(&source.text, range.start);
    let end = crate::source::clamp_to_char_boundary(&source.text, range.end.max(start));
    TextRange::new(start, end)
}

/// Parses a file again as a fragment (see [`Reference::fragment`]),
/// replacing the parse errors of its first reading.
pub(crate) fn reparse_as_fragment(cluster: &mut Loaded, id: FileId, facts: &mut Vec<Fact>) {
    let file = &mut cluster.files_mut()[id.index()];
    let Some(format) = file.format else { return };
    file.document = Arc::new(formats::parse_fragment(format, &file.source.text));
    facts.retain(|f| !(f.kind == FactKind::ParseError && f.finding.primary.span.file == id));
    for error in file.document.errors() {
        facts.push(
            Diagnostic::new(
                Span::new(id, clamp(error.range, &file.source)),
                error.message.to_string(),
            )
            .fact(FactKind::ParseError),
        );
    }
}
