//! nginx configuration: the lexer of nginx itself (`ngx_conf_read_token`)
//! and the statement tree, with exact spans.
//!
//! * Words end at blanks (`' '`, `\t`, `\r`, `\n`), `;` or `{`; a `}`
//!   inside a word is literal, as is `#`. Quotes open only at a word's start,
//!   and a closing quote must be followed by a blank, `;`, `{` or `)`.
//! * `\"`, `\'`, `\\`, `\t`, `\r`, `\n` are unescaped; any other `\x` stays.
//! * `${` keeps the `{` in the word.
//! * `*_by_lua_block { ... }` bodies are read raw, as OpenResty does, and
//!   kept as the directive's single argument.
//!
//! * A word may be 4095 bytes long, 4096 with its quotes (nginx reads the
//!   file through a 4096-byte buffer that must hold the word and, for a
//!   bare word, the character after it).
//!
//! Unknown directives are kept; nothing here knows what a directive means.
//! Errors are located and lexing resumes at the next statement.

pub mod format;

use std::fmt;
use std::ops::Range;

use crate::formats::ParseError;
use crate::source::TextRange;

/// A word: a directive name or an argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The raw text, quotes included.
    pub range: TextRange,
    pub quoted: bool,
    /// The unescaped text when it differs from the raw text between quotes.
    /// Behind a thin pointer: few words have one, and a large file has
    /// many words.
    decoded: Option<Box<Box<str>>>,
}

impl Word {
    /// The word's value (quotes removed, escapes decoded).
    #[must_use]
    pub fn text<'a>(&'a self, src: &'a str) -> &'a str {
        match &self.decoded {
            Some(text) => text,
            None => self.inner_range().slice(src),
        }
    }

    /// Whether the value is its raw text as written (no escape decoded).
    #[must_use]
    pub fn is_verbatim(&self) -> bool {
        self.decoded.is_none()
    }

    /// The range of the value's raw text, without the quotes.
    #[must_use]
    pub fn inner_range(&self) -> TextRange {
        if self.quoted && self.range.len() >= 2 {
            TextRange::new(self.range.start + 1, self.range.end - 1)
        } else {
            self.range
        }
    }
}

/// `{ ... }`: where a directive's block opens and closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    /// The `{`.
    pub open: TextRange,
    /// The `}`, unless the file ended first.
    pub close: Option<TextRange>,
}

/// One statement of the document: index ranges into the document's word
/// and statement arrays, so a file of any size is two flat vectors.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Statement {
    /// The name, then the arguments, in [`NginxDocument::words`].
    words: Range<u32>,
    /// The block's statements, in [`NginxDocument::statements`].
    children: Range<u32>,
    block: Option<Block>,
    /// From the name to the `;` or the block's `}` (or where it was cut off).
    range: TextRange,
}

/// `name args... ;` or `name args... { ... }`: a statement read through
/// its document.
#[derive(Clone, Copy)]
pub struct Directive<'a> {
    doc: &'a NginxDocument,
    statement: &'a Statement,
}

impl<'a> Directive<'a> {
    /// The directive's name.
    #[must_use]
    pub fn name(&self, src: &'a str) -> &'a str {
        self.name_word().text(src)
    }

    /// The word of the name.
    #[must_use]
    pub fn name_word(&self) -> &'a Word {
        &self.doc.words[self.statement.words.start as usize]
    }

    /// The arguments.
    #[must_use]
    pub fn args(&self) -> &'a [Word] {
        let words = &self.statement.words;
        &self.doc.words[words.start as usize + 1..words.end as usize]
    }

    /// The block, if it has one.
    #[must_use]
    pub fn block(&self) -> Option<Block> {
        self.statement.block
    }

    /// The children, if it has a block.
    #[must_use]
    pub fn children(&self) -> Directives<'a> {
        self.doc.list(&self.statement.children)
    }

    /// From the name to the `;` or the block's `}` (or where it was cut off).
    #[must_use]
    pub fn range(&self) -> TextRange {
        self.statement.range
    }
}

impl fmt::Debug for Directive<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Directive")
            .field("name", self.name_word())
            .field("args", &self.args())
            .field("block", &self.block())
            .field("range", &self.range())
            .finish()
    }
}

/// A list of sibling directives (the file's top level, or a block).
#[derive(Clone, Copy)]
pub struct Directives<'a> {
    doc: &'a NginxDocument,
    statements: &'a [Statement],
}

impl<'a> Directives<'a> {
    #[must_use]
    pub fn len(&self) -> usize {
        self.statements.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    #[must_use]
    pub fn get(&self, index: usize) -> Option<Directive<'a>> {
        let doc = self.doc;
        self.statements
            .get(index)
            .map(|statement| Directive { doc, statement })
    }

    #[must_use]
    pub fn iter(
        &self,
    ) -> impl DoubleEndedIterator<Item = Directive<'a>> + ExactSizeIterator + Clone + 'a {
        let doc = self.doc;
        self.statements
            .iter()
            .map(move |statement| Directive { doc, statement })
    }
}

impl fmt::Debug for Directives<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// A parsed nginx file.
#[derive(Clone, Debug, Default)]
pub struct NginxDocument {
    /// Every word of every statement, in file order.
    words: Vec<Word>,
    /// Every statement; each block's children are contiguous.
    statements: Vec<Statement>,
    /// The file's top-level statements.
    top: Range<u32>,
    pub comments: Vec<TextRange>,
    pub errors: Vec<ParseError>,
}

impl NginxDocument {
    /// The top-level directives.
    #[must_use]
    pub fn directives(&self) -> Directives<'_> {
        self.list(&self.top)
    }

    fn list(&self, range: &Range<u32>) -> Directives<'_> {
        Directives {
            doc: self,
            statements: &self.statements[range.start as usize..range.end as usize],
        }
    }

    /// Every directive, depth first, with its depth.
    #[must_use]
    pub fn walk(&self) -> Walk<'_> {
        Walk {
            doc: self,
            stack: vec![self.directives().statements.iter()],
        }
    }
}

/// The iterator of [`NginxDocument::walk`]: a stack of sibling lists, as
/// deep as the blocks nest.
pub struct Walk<'a> {
    doc: &'a NginxDocument,
    stack: Vec<std::slice::Iter<'a, Statement>>,
}

impl<'a> Iterator for Walk<'a> {
    type Item = (usize, Directive<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let depth = self.stack.len().checked_sub(1)?;
            match self.stack[depth].next() {
                Some(statement) => {
                    if !statement.children.is_empty() {
                        self.stack
                            .push(self.doc.list(&statement.children).statements.iter());
                    }
                    return Some((
                        depth,
                        Directive {
                            doc: self.doc,
                            statement,
                        },
                    ));
                }
                None => {
                    self.stack.pop();
                }
            }
        }
    }
}

/// nginx's `NGX_CONF_BUFFER`: the longest word, plus the character that
/// ends a bare word.
const CONF_BUFFER: usize = 4096;

/// Nesting deeper than this is reported and the rest of the block skipped
/// (unless `[limits] max-nesting-depth` says otherwise).
pub const MAX_DEPTH: usize = 128;

/// Parses nginx configuration text.
#[must_use]
pub fn parse(text: &str) -> NginxDocument {
    parse_with_depth(text, MAX_DEPTH)
}

/// Parses nginx configuration text, reading blocks `max_depth` levels
/// deep at most.
#[must_use]
pub fn parse_with_depth(text: &str, max_depth: usize) -> NginxDocument {
    let mut lexer = Lexer {
        b: text.as_bytes(),
        text,
        i: 0,
        max_depth,
        doc: NginxDocument::default(),
        siblings: Vec::new(),
    };
    let (top, _) = lexer.statements(0, None);
    let mut doc = lexer.doc;
    doc.top = top;
    doc.words.shrink_to_fit();
    doc.statements.shrink_to_fit();
    doc
}

/// What ended a statement.
enum End {
    Semicolon(u32),
    Open(u32),
    Close(u32),
    Eof,
}

struct Lexer<'a> {
    b: &'a [u8],
    text: &'a str,
    i: usize,
    max_depth: usize,
    doc: NginxDocument,
    /// The statements of the blocks being read, innermost last; a block's
    /// move to the document when it closes, so siblings stay contiguous.
    siblings: Vec<Statement>,
}

const TOO_LONG: &str =
    "too long parameter: nginx reads words of at most 4095 bytes (4096 with quotes)";

fn is_blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

impl Lexer<'_> {
    fn error(&mut self, range: TextRange, message: impl Into<std::borrow::Cow<'static, str>>) {
        self.doc.errors.push(ParseError::new(range, message));
    }

    /// Statements until the `}` closing `open` (or the end of the file),
    /// moved to the document; their indices there, and that `}`.
    fn statements(
        &mut self,
        depth: usize,
        open: Option<TextRange>,
    ) -> (Range<u32>, Option<TextRange>) {
        let mark = self.siblings.len();
        let close = self.read_statements(depth, open);
        let start = self.doc.statements.len() as u32;
        self.doc.statements.extend(self.siblings.drain(mark..));
        (start..self.doc.statements.len() as u32, close)
    }

    /// Discards what was read since `words` and `statements` (the lengths
    /// of the document's arrays then).
    fn discard(&mut self, words: usize, statements: usize) {
        self.doc.words.truncate(words);
        self.doc.statements.truncate(statements);
    }

    fn read_statements(&mut self, depth: usize, open: Option<TextRange>) -> Option<TextRange> {
        loop {
            let (first, end) = self.statement();
            let words = first as u32..self.doc.words.len() as u32;
            let name = self.doc.words.get(first).map(|w| w.range);
            match end {
                End::Semicolon(at) => {
                    if let Some(name) = name {
                        self.siblings.push(Statement {
                            words,
                            children: 0..0,
                            block: None,
                            range: TextRange::new(name.start, at + 1),
                        });
                    } else {
                        self.error(TextRange::new(at, at + 1), "unexpected \";\"");
                    }
                }
                End::Open(at) => {
                    let open_range = TextRange::new(at, at + 1);
                    let Some(name) = name else {
                        self.error(open_range, "unexpected \"{\"");
                        // Skip the stray block so its contents do not leak out.
                        let kept = self.doc.statements.len();
                        let _ = self.statements(depth + 1, Some(open_range));
                        self.discard(first, kept);
                        continue;
                    };
                    let mut words = words;
                    // The name as nginx reads it: quotes removed, escapes decoded.
                    let lua = self.doc.words[first]
                        .text(self.text)
                        .ends_with("_by_lua_block");
                    let (children, close) = if lua {
                        let (body, close) = self.lua_block(open_range);
                        self.doc.words.push(body);
                        words.end += 1;
                        (0..0, close)
                    } else if depth + 1 > self.max_depth {
                        let max = self.max_depth;
                        self.error(
                            open_range,
                            format!("blocks nest deeper than {max} levels; the rest of this block is skipped"),
                        );
                        let kept = (self.doc.words.len(), self.doc.statements.len());
                        let close = self.skip_block();
                        self.discard(kept.0, kept.1);
                        (0..0, close)
                    } else {
                        self.statements(depth + 1, Some(open_range))
                    };
                    let end = close.map_or(self.text.len() as u32, |c| c.end);
                    self.siblings.push(Statement {
                        words,
                        children,
                        block: Some(Block {
                            open: open_range,
                            close,
                        }),
                        range: TextRange::new(name.start, end),
                    });
                }
                End::Close(at) => {
                    let close = TextRange::new(at, at + 1);
                    if name.is_some() {
                        self.error(
                            close,
                            "unexpected \"}\": the statement before it has no \";\"",
                        );
                        self.doc.words.truncate(first);
                    }
                    if open.is_some() {
                        return Some(close);
                    }
                    self.error(close, "unexpected \"}\": no block is open here");
                }
                End::Eof => {
                    if let Some(name) = name {
                        self.error(
                            TextRange::new(name.start, self.text.len() as u32),
                            "unexpected end of file, expecting \";\" or \"}\"",
                        );
                        self.doc.words.truncate(first);
                    }
                    if let Some(open) = open {
                        self.error(
                            open,
                            "this block is never closed: unexpected end of file, expecting \"}\"",
                        );
                    }
                    return None;
                }
            }
        }
    }
}

/// The lexer state of one statement (`ngx_conf_read_token`).
impl Lexer<'_> {
    /// Reads words up to a statement end, onto the document's words;
    /// returns where they start.
    fn statement(&mut self) -> (usize, End) {
        let words = self.doc.words.len();
        loop {
            // Between words.
            while self.i < self.b.len() && is_blank(self.b[self.i]) {
                self.i += 1;
            }
            let Some(&c) = self.b.get(self.i) else {
                return (words, End::Eof);
            };
            let at = self.i as u32;
            match c {
                b';' => {
                    self.i += 1;
                    return (words, End::Semicolon(at));
                }
                b'{' => {
                    self.i += 1;
                    return (words, End::Open(at));
                }
                b'}' => {
                    self.i += 1;
                    return (words, End::Close(at));
                }
                b'#' => {
                    let end = self.b[self.i..]
                        .iter()
                        .position(|&c| c == b'\n')
                        .map_or(self.b.len(), |p| self.i + p);
                    self.doc.comments.push(TextRange::from_usize(self.i..end));
                    self.i = end;
                }
                b'"' | b'\'' => match self.quoted(c) {
                    Some(word) => self.doc.words.push(word),
                    None => return (words, End::Eof),
                },
                _ => {
                    if let Some(end) = self.word() {
                        return (words, end);
                    }
                }
            }
        }
    }

    /// An unquoted word at the cursor; returns the statement end when the
    /// word ended with `;` or `{`.
    fn word(&mut self) -> Option<End> {
        let start = self.i;
        let mut escaped = false;
        let mut has_escape = false;
        let mut variable = false;
        while self.i < self.b.len() {
            let c = self.b[self.i];
            if escaped {
                escaped = false;
                self.i += 1;
                continue;
            }
            if c == b'{' && variable {
                variable = false;
                self.i += 1;
                continue;
            }
            variable = false;
            match c {
                b'\\' => {
                    escaped = true;
                    has_escape = true;
                }
                b'$' => variable = true,
                c if is_blank(c) || c == b';' || c == b'{' => break,
                _ => {}
            }
            self.i += 1;
        }
        let range = TextRange::from_usize(start..self.i);
        if self.i - start >= CONF_BUFFER {
            self.error(range, TOO_LONG);
        }
        let decoded = has_escape.then(|| unescape(&self.text[start..self.i]));
        let decoded = decoded
            .filter(|d| d.as_ref() != &self.text[start..self.i])
            .map(Box::new);
        self.doc.words.push(Word {
            range,
            quoted: false,
            decoded,
        });
        match self.b.get(self.i) {
            Some(b';') => {
                self.i += 1;
                Some(End::Semicolon(self.i as u32 - 1))
            }
            Some(b'{') => {
                self.i += 1;
                Some(End::Open(self.i as u32 - 1))
            }
            _ => None,
        }
    }

    /// A quoted word at the cursor; `None` when the file ends inside it.
    fn quoted(&mut self, quote: u8) -> Option<Word> {
        let open = self.i;
        self.i += 1;
        let mut escaped = false;
        let mut has_escape = false;
        while self.i < self.b.len() {
            let c = self.b[self.i];
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
                has_escape = true;
            } else if c == quote {
                break;
            }
            self.i += 1;
        }
        if self.i >= self.b.len() {
            self.error(
                TextRange::from_usize(open..open + 1),
                "this quote is never closed: unexpected end of file",
            );
            return None;
        }
        self.i += 1;
        let range = TextRange::from_usize(open..self.i);
        if self.i - open > CONF_BUFFER {
            self.error(range, TOO_LONG);
        }
        // After a closing quote: a blank, `;`, `{` or `)`.
        if let Some(&next) = self.b.get(self.i)
            && !(is_blank(next) || matches!(next, b';' | b'{' | b')'))
        {
            let end = self.char_end(self.i);
            self.error(
                TextRange::from_usize(self.i..end),
                "unexpected character after the closing quote",
            );
        }
        let inner = &self.text[open + 1..range.end as usize - 1];
        let decoded = has_escape
            .then(|| unescape(inner))
            .filter(|d| d.as_ref() != inner)
            .map(Box::new);
        Some(Word {
            range,
            quoted: true,
            decoded,
        })
    }

    fn char_end(&self, at: usize) -> usize {
        let mut end = (at + 1).min(self.text.len());
        while end < self.text.len() && !self.text.is_char_boundary(end) {
            end += 1;
        }
        end
    }

    /// Skips a block whose contents are not kept; returns its `}`.
    fn skip_block(&mut self) -> Option<TextRange> {
        let mut depth = 1usize;
        loop {
            let (words, end) = self.statement();
            self.doc.words.truncate(words);
            match end {
                End::Open(_) => depth += 1,
                End::Close(at) => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(TextRange::new(at, at + 1));
                    }
                }
                End::Semicolon(_) => {}
                End::Eof => return None,
            }
        }
    }

    /// Reads a raw Lua block body (strings, long brackets and comments
    /// skipped while counting braces). The body becomes one word.
    fn lua_block(&mut self, open: TextRange) -> (Word, Option<TextRange>) {
        let start = self.i;
        let mut depth = 1usize;
        let b = self.b;
        while self.i < b.len() {
            match b[self.i] {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        let body = TextRange::from_usize(start..self.i);
                        let close = TextRange::from_usize(self.i..self.i + 1);
                        self.i += 1;
                        return (
                            Word {
                                range: body,
                                quoted: false,
                                decoded: None,
                            },
                            Some(close),
                        );
                    }
                }
                q @ (b'"' | b'\'') => {
                    self.i += 1;
                    while self.i < b.len() && b[self.i] != q {
                        if b[self.i] == b'\\' {
                            self.i += 1;
                        }
                        self.i += 1;
                    }
                }
                b'[' if long_bracket(&b[self.i..]).is_some() => {
                    let level = long_bracket(&b[self.i..]).unwrap_or(0);
                    self.skip_long(level);
                    continue;
                }
                b'-' if b.get(self.i + 1) == Some(&b'-') => {
                    self.i += 2;
                    if let Some(level) = long_bracket(&b[self.i..]) {
                        self.skip_long(level);
                        continue;
                    }
                    while self.i < b.len() && b[self.i] != b'\n' {
                        self.i += 1;
                    }
                    continue;
                }
                _ => {}
            }
            self.i += 1;
        }
        self.error(
            open,
            "this Lua block is never closed: unexpected end of file",
        );
        (
            Word {
                range: TextRange::from_usize(start..self.i.min(b.len())),
                quoted: false,
                decoded: None,
            },
            None,
        )
    }

    /// Skips `[==[ ... ]==]` at the cursor.
    fn skip_long(&mut self, level: usize) {
        let close: Vec<u8> = std::iter::once(b']')
            .chain(std::iter::repeat_n(b'=', level))
            .chain(std::iter::once(b']'))
            .collect();
        self.i += level + 2;
        match self.b[self.i.min(self.b.len())..]
            .windows(close.len())
            .position(|w| w == close.as_slice())
        {
            Some(p) => self.i += p + close.len(),
            None => self.i = self.b.len(),
        }
    }
}

/// `[[` or `[==[` at the start: its level.
fn long_bracket(b: &[u8]) -> Option<usize> {
    if b.first() != Some(&b'[') {
        return None;
    }
    let level = b[1..].iter().take_while(|&&c| c == b'=').count();
    (b.get(1 + level) == Some(&b'[')).then_some(level)
}

/// nginx's copy of a word: `\"`, `\'`, `\\` become the character, `\t`,
/// `\r`, `\n` control characters; other `\x` stay as they are.
fn unescape(raw: &str) -> Box<str> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some(&e @ ('"' | '\'' | '\\')) => {
                out.push(e);
                chars.next();
            }
            Some('t') => {
                out.push('\t');
                chars.next();
            }
            Some('r') => {
                out.push('\r');
                chars.next();
            }
            Some('n') => {
                out.push('\n');
                chars.next();
            }
            _ => out.push('\\'),
        }
    }
    out.into_boxed_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> usize {
        parse(text).errors.len()
    }

    /// The tree as `name(args){children}` lines, depth first.
    fn shape(text: &str) -> Vec<String> {
        parse_with_depth(text, 2)
            .walk()
            .map(|(depth, d)| {
                let args: Vec<&str> = d.args().iter().map(|a| a.text(text)).collect();
                let block = match d.block() {
                    Some(b) if b.close.is_some() => format!("{{{}}}", d.children().len()),
                    Some(_) => "{unclosed}".to_string(),
                    None => String::new(),
                };
                format!(
                    "{}{}({}){block}",
                    " ".repeat(depth),
                    d.name(text),
                    args.join(",")
                )
            })
            .collect()
    }

    #[test]
    fn statements_keep_their_own_words_and_children() {
        let text = "a 1;\nb 2 { c 3; d { e; } }\nf \"x\\\"y\";\n";
        assert_eq!(
            shape(text),
            ["a(1)", "b(2){2}", " c(3)", " d(){1}", "  e()", "f(x\"y)"]
        );
        let doc = parse(text);
        assert_eq!(doc.directives().len(), 3);
        assert_eq!(
            doc.directives().get(1).unwrap().range().slice(text),
            "b 2 { c 3; d { e; } }"
        );
    }

    #[test]
    fn what_is_skipped_leaves_nothing_behind() {
        // A block without a name, a block past the depth limit, words cut
        // off by `}` or by the end of the file: none of it is kept.
        let text = "{ lost 1; }\nkeep 1;\nx { y { v { too deep; } } z 2; }\nw { dangling }\nlast 3;\ntail words";
        let doc = parse_with_depth(text, 2);
        assert_eq!(
            shape(text),
            [
                "keep(1)", "x(){2}", " y(){1}", "  v(){0}", " z(2)", "w(){0}", "last(3)"
            ]
        );
        assert!(doc.errors.len() >= 4, "{:?}", doc.errors);
        let lua = "content_by_lua_block { ngx.say(\"}\") }\nafter 1;";
        assert_eq!(
            shape(lua),
            ["content_by_lua_block( ngx.say(\"}\") ){0}", "after(1)"]
        );
        // Quoted, the name is still a Lua block's.
        let quoted = "\"rewrite_by_lua_block\" { a = { 1 } }\nafter 1;";
        assert_eq!(
            shape(quoted),
            ["rewrite_by_lua_block( a = { 1 } ){0}", "after(1)"]
        );
    }

    #[test]
    fn words_longer_than_the_buffer_are_refused() {
        let bare = |n: usize| format!("return 200 {};", "x".repeat(n));
        let quoted = |n: usize| format!("return 200 \"{}\";", "x".repeat(n - 2));
        assert_eq!(errors(&bare(4095)), 0);
        assert_eq!(errors(&bare(4096)), 1);
        assert_eq!(errors(&quoted(4096)), 0);
        assert_eq!(errors(&quoted(4097)), 1);
        assert!(
            parse(&bare(5000)).errors[0]
                .message
                .starts_with("too long parameter")
        );
    }
}
