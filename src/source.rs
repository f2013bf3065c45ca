//! Source files, byte ranges and the line index that turns byte offsets into
//! lines and columns at the edges (reporters, LSP).
//!
//! Everything inside the library speaks byte offsets into the *decoded* text of
//! a file. Lines and character columns are computed only when a diagnostic is
//! rendered.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// Index of a file in a [`Workspace`](crate::Workspace) analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

impl FileId {
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A half-open byte range `start..end` into a file's text.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    #[must_use]
    pub const fn new(start: u32, end: u32) -> Self {
        Self { start, end }
    }

    /// An empty range at `offset`.
    #[must_use]
    pub const fn empty(offset: u32) -> Self {
        Self {
            start: offset,
            end: offset,
        }
    }

    /// Builds a range from `usize` offsets (files are capped well below 4 GiB).
    #[must_use]
    pub fn from_usize(range: Range<usize>) -> Self {
        Self {
            start: range.start as u32,
            end: range.end as u32,
        }
    }

    #[must_use]
    pub const fn len(self) -> u32 {
        self.end - self.start
    }

    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    #[must_use]
    pub fn as_usize(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The smallest range covering both.
    #[must_use]
    pub fn cover(self, other: Self) -> Self {
        Self {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    #[must_use]
    pub fn contains(self, offset: u32) -> bool {
        self.start <= offset && offset < self.end
    }

    /// The slice of `text` this range covers.
    #[must_use]
    pub fn slice(self, text: &str) -> &str {
        &text[self.as_usize()]
    }
}

impl fmt::Debug for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// A range in a particular file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub range: TextRange,
}

impl Span {
    #[must_use]
    pub const fn new(file: FileId, range: TextRange) -> Self {
        Self { file, range }
    }

    /// The empty span at the start of `file`: where a missing key is reported.
    #[must_use]
    pub const fn file_start(file: FileId) -> Self {
        Self {
            file,
            range: TextRange::empty(0),
        }
    }
}

/// A one-based line and column. Columns count Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// Offsets of line starts; a line ends at `\n`, `\r\n` or a lone `\r`.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    starts: Vec<u32>,
    /// Every character longer than one byte, in order, so that a column
    /// is found in a binary search, not by counting a line that may be
    /// megabytes long.
    wide: Vec<WideChar>,
}

/// A character of more than one byte: where it starts, and how many bytes
/// more than characters and than UTF-16 units the text has up to its end.
#[derive(Clone, Copy, Debug)]
struct WideChar {
    offset: u32,
    extra_bytes_per_char: u32,
    extra_bytes_per_utf16: u32,
}

impl LineIndex {
    #[must_use]
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = Vec::with_capacity(bytes.len() / 32 + 1);
        starts.push(0);
        let mut i = 0;
        while let Some(pos) = memchr2(b'\n', b'\r', &bytes[i..]) {
            let at = i + pos;
            i = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                at + 2
            } else {
                at + 1
            };
            starts.push(i as u32);
        }
        let mut wide = Vec::new();
        if !text.is_ascii() {
            let (mut per_char, mut per_utf16) = (0, 0);
            for (offset, c) in text.char_indices().filter(|(_, c)| !c.is_ascii()) {
                per_char += c.len_utf8() as u32 - 1;
                per_utf16 += (c.len_utf8() - c.len_utf16()) as u32;
                wide.push(WideChar {
                    offset: offset as u32,
                    extra_bytes_per_char: per_char,
                    extra_bytes_per_utf16: per_utf16,
                });
            }
        }
        Self { starts, wide }
    }

    /// The number of characters (or, with `extra` the UTF-16 count, of
    /// UTF-16 units) between two char boundaries `from <= to`.
    fn units_between(&self, from: u32, to: u32, extra: fn(&WideChar) -> u32) -> u32 {
        let extra_before = |offset: u32| {
            // Characters starting before `offset` end at or before it.
            let count = self.wide.partition_point(|c| c.offset < offset);
            count
                .checked_sub(1)
                .map_or(0, |last| extra(&self.wide[last]))
        };
        (to - from) - (extra_before(to) - extra_before(from))
    }

    /// Number of lines (a trailing newline starts an empty last line).
    #[must_use]
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Zero-based line containing `offset`.
    #[must_use]
    pub fn line_of(&self, offset: u32) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte offset where zero-based `line` starts.
    #[must_use]
    pub fn line_start(&self, line: usize) -> u32 {
        self.starts[line]
    }

    /// Byte range of zero-based `line`, without its terminator.
    #[must_use]
    pub fn line_range(&self, line: usize, text: &str) -> TextRange {
        let start = self.starts[line];
        let mut end = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(text.len() as u32);
        let bytes = text.as_bytes();
        while end > start && matches!(bytes[end as usize - 1], b'\n' | b'\r') {
            end -= 1;
        }
        TextRange::new(start, end)
    }

    /// One-based line and character column of `offset`.
    #[must_use]
    pub fn line_col(&self, text: &str, offset: u32) -> LineCol {
        let offset = clamp_to_char_boundary(text, offset);
        let line = self.line_of(offset);
        let column = self.units_between(self.starts[line], offset, |c| c.extra_bytes_per_char) + 1;
        LineCol {
            line: line as u32 + 1,
            column,
        }
    }

    /// Zero-based line and UTF-16 column of `offset` (the LSP default).
    #[must_use]
    pub fn line_utf16(&self, text: &str, offset: u32) -> (u32, u32) {
        self.line_column(text, offset, ColumnUnit::Utf16)
    }

    /// Zero-based line and column of `offset`, the column counted in
    /// `unit`s; an offset inside a line break is the end of its line.
    #[must_use]
    pub fn line_column(&self, text: &str, offset: u32, unit: ColumnUnit) -> (u32, u32) {
        let offset = clamp_to_char_boundary(text, offset);
        let line = self.line_of(offset);
        let range = self.line_range(line, text);
        let (from, to) = (range.start, offset.min(range.end));
        let column = match unit {
            ColumnUnit::Utf8 => to - from,
            ColumnUnit::Utf16 => self.units_between(from, to, |c| c.extra_bytes_per_utf16),
        };
        (line as u32, column)
    }

    /// The byte offset of zero-based `line` and `column` (in `unit`s),
    /// clamped: a line past the end is the end of the text, a column past
    /// the line's end is the line's end, a column inside a character is
    /// that character's start. Editors may be a change behind, so any
    /// position gives an offset.
    #[must_use]
    pub fn offset_at(&self, text: &str, line: u32, column: u32, unit: ColumnUnit) -> u32 {
        let line = line as usize;
        if line >= self.starts.len() {
            return text.len() as u32;
        }
        let range = self.line_range(line, text);
        let (start, end) = (range.start as usize, range.end as usize);
        let mut units = 0;
        for (i, c) in text[start..end].char_indices() {
            let width = match unit {
                ColumnUnit::Utf8 => c.len_utf8(),
                ColumnUnit::Utf16 => c.len_utf16(),
            };
            if units + width > column as usize {
                return (start + i) as u32;
            }
            units += width;
        }
        end as u32
    }
}

/// What a column counts, for clients that count other than characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnUnit {
    /// Bytes of UTF-8.
    Utf8,
    /// UTF-16 code units (the language server protocol's default).
    Utf16,
}

/// Finds the first `a` or `b` byte; a small stand-in for the `memchr` crate.
fn memchr2(a: u8, b: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&c| c == a || c == b)
}

/// Moves `offset` back to the nearest char boundary inside `text`.
#[must_use]
pub fn clamp_to_char_boundary(text: &str, offset: u32) -> u32 {
    let mut offset = (offset as usize).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset as u32
}

/// Text that shares its storage instead of owning a copy: a range of a
/// file's text, or a decoded value a parser already holds. Cloning it
/// counts a reference; it compares, hashes and borrows as the `str` it is.
#[derive(Clone)]
pub struct SharedText {
    text: Arc<str>,
    /// The part of `text` this is (all of it for a decoded value).
    range: TextRange,
}

impl SharedText {
    /// `range` of `text`.
    #[must_use]
    pub fn range(text: &Arc<str>, range: TextRange) -> Self {
        Self {
            text: Arc::clone(text),
            range,
        }
    }

    /// All of `text`.
    #[must_use]
    pub fn whole(text: &Arc<str>) -> Self {
        Self::range(text, TextRange::from_usize(0..text.len()))
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        self.range.slice(&self.text)
    }
}

impl From<String> for SharedText {
    fn from(text: String) -> Self {
        Self::whole(&text.into())
    }
}

impl std::ops::Deref for SharedText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for SharedText {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for SharedText {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SharedText {}

impl PartialEq<str> for SharedText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SharedText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<SharedText> for str {
    fn eq(&self, other: &SharedText) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<SharedText> for &str {
    fn eq(&self, other: &SharedText) -> bool {
        *self == other.as_str()
    }
}

// Hashes as the `str` it is, so maps keyed by it are searched by `&str`.
impl std::hash::Hash for SharedText {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A file of the cluster: its path relative to the cluster root (with `/`
/// separators), its decoded text and line index, and the byte ranges that hold
/// secrets (blanked out wherever source text is shown).
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: Arc<str>,
    pub lines: Arc<LineIndex>,
    secrets: Vec<TextRange>,
}

impl SourceFile {
    #[must_use]
    pub fn new(path: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        let text = text.into();
        let lines = LineIndex::new(&text);
        Self::with_lines(path, text, lines)
    }

    /// A file whose line index of `text` is already built.
    #[must_use]
    pub fn with_lines(path: impl Into<String>, text: Arc<str>, lines: LineIndex) -> Self {
        Self {
            path: path.into(),
            text,
            lines: Arc::new(lines),
            secrets: Vec::new(),
        }
    }

    /// Marks `ranges` as secret: they are masked in every rendering of the text.
    pub fn add_secrets(&mut self, ranges: impl IntoIterator<Item = TextRange>) {
        self.secrets
            .extend(ranges.into_iter().filter(|r| !r.is_empty()));
    }

    #[must_use]
    pub fn secrets(&self) -> &[TextRange] {
        &self.secrets
    }

    #[must_use]
    pub fn line_col(&self, offset: u32) -> LineCol {
        self.lines.line_col(&self.text, offset)
    }

    /// The text with every secret byte replaced by `*`, keeping byte offsets
    /// stable (so spans still point at the right place).
    #[must_use]
    pub fn redacted_text(&self) -> String {
        if self.secrets.is_empty() {
            return self.text.to_string();
        }
        let mut bytes = self.text.as_bytes().to_vec();
        for range in &self.secrets {
            let end = (range.end as usize).min(bytes.len());
            for b in &mut bytes[(range.start as usize).min(end)..end] {
                *b = b'*';
            }
        }
        // Masking whole bytes of multi-byte characters leaves only ASCII in the
        // masked parts and untouched UTF-8 elsewhere, except where a secret range
        // cut a character in half; replace such leftovers instead of failing.
        match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(err) => String::from_utf8_lossy(err.as_bytes()).into_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_text_is_found_by_its_str_whatever_holds_it() {
        let text: Arc<str> = Arc::from("a=one\nb=two\n");
        let mut map = std::collections::HashMap::new();
        map.insert(SharedText::range(&text, TextRange::new(2, 5)), 1);
        map.insert(SharedText::from("two".to_string()), 2);
        assert_eq!(map.get("one"), Some(&1));
        assert_eq!(map.get("two"), Some(&2));
        assert_eq!(SharedText::range(&text, TextRange::new(8, 11)), "two");
        assert_eq!(SharedText::whole(&text).len(), text.len());
        assert_eq!(
            format!("{:?}", SharedText::range(&text, TextRange::new(0, 1))),
            "\"a\""
        );
    }

    #[test]
    fn line_index_handles_every_terminator() {
        let text = "a\nb\r\nc\rd";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(text, 2), LineCol { line: 2, column: 1 });
        assert_eq!(index.line_col(text, 5), LineCol { line: 3, column: 1 });
        assert_eq!(index.line_col(text, 7), LineCol { line: 4, column: 1 });
        assert_eq!(index.line_range(1, text), TextRange::new(2, 3));
    }

    #[test]
    fn columns_count_characters_and_utf16_units() {
        let text = "é😀x";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap() as u32;
        assert_eq!(index.line_col(text, x).column, 3);
        assert_eq!(index.line_utf16(text, x), (0, 3));
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs_twice() {
        let text = "a😀b\né";
        let index = LineIndex::new(text);
        let b = text.find('b').unwrap() as u32;
        assert_eq!(index.line_column(text, b, ColumnUnit::Utf16), (0, 3));
        assert_eq!(index.line_column(text, b, ColumnUnit::Utf8), (0, 5));
        assert_eq!(index.offset_at(text, 0, 3, ColumnUnit::Utf16), b);
        assert_eq!(
            index.offset_at(text, 0, 2, ColumnUnit::Utf16),
            1,
            "inside the pair"
        );
        assert_eq!(
            index.offset_at(text, 1, 1, ColumnUnit::Utf16),
            text.len() as u32
        );
    }

    #[test]
    fn positions_past_the_end_or_inside_line_breaks_clamp() {
        let text = "a\r\nb\rc\nd";
        let index = LineIndex::new(text);
        assert_eq!(
            index.offset_at(text, 0, 99, ColumnUnit::Utf16),
            1,
            "before the \\r\\n"
        );
        assert_eq!(
            index.offset_at(text, 99, 0, ColumnUnit::Utf16),
            text.len() as u32
        );
        assert_eq!(
            index.line_column(text, 2, ColumnUnit::Utf16),
            (0, 1),
            "inside \\r\\n"
        );
        assert_eq!(index.line_column(text, 999, ColumnUnit::Utf8), (3, 1));
    }

    #[test]
    fn offsets_inside_a_character_are_clamped() {
        let text = "é";
        assert_eq!(LineIndex::new(text).line_col(text, 1).column, 1);
    }

    #[test]
    fn redaction_keeps_offsets() {
        let mut file = SourceFile::new("a", "k=sécret\nz=1");
        file.add_secrets([TextRange::new(2, 9)]);
        let shown = file.redacted_text();
        assert_eq!(shown.len(), file.text.len());
        assert!(!shown.contains("cret"));
        assert!(shown.ends_with("\nz=1"));
    }

    mod columns {
        use super::super::*;
        use proptest::prelude::*;

        fn any_text() -> impl Strategy<Value = String> {
            proptest::collection::vec(
                prop_oneof![
                    Just("a"),
                    Just("é"),
                    Just("😀"),
                    Just("中"),
                    Just("\n"),
                    Just("\r\n"),
                    Just("\r"),
                ],
                0..40,
            )
            .prop_map(|parts| parts.concat())
        }

        proptest! {
            #[test]
            fn offsets_survive_a_round_trip(text in any_text(), pick in 0usize..200) {
                let index = LineIndex::new(&text);
                let bytes = text.as_bytes();
                // Offsets between the `\r` and `\n` of a line break name
                // no position of their own.
                let boundaries: Vec<usize> = (0..=text.len())
                    .filter(|&i| text.is_char_boundary(i))
                    .filter(|&i| !(i > 0 && bytes[i - 1] == b'\r' && bytes.get(i) == Some(&b'\n')))
                    .collect();
                let offset = boundaries[pick % boundaries.len()] as u32;
                for unit in [ColumnUnit::Utf8, ColumnUnit::Utf16] {
                    let (line, column) = index.line_column(&text, offset, unit);
                    prop_assert_eq!(index.offset_at(&text, line, column, unit), offset);
                }
            }

            #[test]
            fn any_position_is_a_boundary_inside_the_text(text in any_text(), line in 0u32..50, column in 0u32..50) {
                let index = LineIndex::new(&text);
                for unit in [ColumnUnit::Utf8, ColumnUnit::Utf16] {
                    let offset = index.offset_at(&text, line, column, unit) as usize;
                    prop_assert!(offset <= text.len());
                    prop_assert!(text.is_char_boundary(offset));
                }
            }

            #[test]
            fn columns_are_the_characters_and_units_before_the_offset(text in any_text(), pick in 0usize..200) {
                let index = LineIndex::new(&text);
                let offset = clamp_to_char_boundary(&text, (pick % (text.len() + 1)) as u32);
                let line = index.line_of(offset);
                let before = &text[index.line_start(line) as usize..offset as usize];
                prop_assert_eq!(index.line_col(&text, offset).column as usize, before.chars().count() + 1);
                let before = &text[index.line_start(line) as usize..(offset.min(index.line_range(line, &text).end)) as usize];
                let units: usize = before.chars().map(char::len_utf16).sum();
                prop_assert_eq!(index.line_utf16(&text, offset).1 as usize, units);
            }

            #[test]
            fn both_units_agree_on_the_line(text in any_text(), pick in 0usize..200) {
                let index = LineIndex::new(&text);
                let offset = (pick % (text.len() + 1)) as u32;
                let (line8, column8) = index.line_column(&text, offset, ColumnUnit::Utf8);
                let (line16, column16) = index.line_column(&text, offset, ColumnUnit::Utf16);
                prop_assert_eq!(line8, line16);
                prop_assert!(column16 <= column8);
            }
        }
    }
}
