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

use crate::formats::ParseError;
use crate::source::TextRange;

/// A word: a directive name or an argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The raw text, quotes included.
    pub range: TextRange,
    pub quoted: bool,
    /// The unescaped text when it differs from the raw text between quotes.
    decoded: Option<Box<str>>,
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

/// `name args... ;` or `name args... { ... }`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    pub name: Word,
    pub args: Vec<Word>,
    pub block: Option<Block>,
    /// From the name to the `;` or the block's `}` (or where it was cut off).
    pub range: TextRange,
}

impl Directive {
    /// The directive's name.
    #[must_use]
    pub fn name<'a>(&'a self, src: &'a str) -> &'a str {
        self.name.text(src)
    }

    /// The children, if it has a block.
    #[must_use]
    pub fn children(&self) -> &[Directive] {
        self.block.as_ref().map_or(&[], |b| b.children.as_slice())
    }
}

/// `{ ... }`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub children: Vec<Directive>,
    /// The `{`.
    pub open: TextRange,
    /// The `}`, unless the file ended first.
    pub close: Option<TextRange>,
}

/// A parsed nginx file.
#[derive(Clone, Debug, Default)]
pub struct NginxDocument {
    pub directives: Vec<Directive>,
    pub comments: Vec<TextRange>,
    pub errors: Vec<ParseError>,
}

impl NginxDocument {
    /// Every directive, depth first, with its depth.
    #[must_use]
    pub fn walk(&self) -> Walk<'_> {
        Walk {
            stack: vec![self.directives.iter()],
        }
    }
}

/// The iterator of [`NginxDocument::walk`]: a stack of sibling lists, as
/// deep as the blocks nest.
pub struct Walk<'a> {
    stack: Vec<std::slice::Iter<'a, Directive>>,
}

impl<'a> Iterator for Walk<'a> {
    type Item = (usize, &'a Directive);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let depth = self.stack.len().checked_sub(1)?;
            match self.stack[depth].next() {
                Some(directive) => {
                    if !directive.children().is_empty() {
                        self.stack.push(directive.children().iter());
                    }
                    return Some((depth, directive));
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
    };
    let (directives, _) = lexer.statements(0, None);
    let mut doc = lexer.doc;
    doc.directives = directives;
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
    /// and that `}`.
    fn statements(
        &mut self,
        depth: usize,
        open: Option<TextRange>,
    ) -> (Vec<Directive>, Option<TextRange>) {
        let mut out = Vec::new();
        loop {
            let (words, end) = self.statement();
            match end {
                End::Semicolon(at) => {
                    if let Some((name, args)) = split(words) {
                        let range = TextRange::new(name.range.start, at + 1);
                        out.push(Directive {
                            name,
                            args,
                            block: None,
                            range,
                        });
                    } else {
                        self.error(TextRange::new(at, at + 1), "unexpected \";\"");
                    }
                }
                End::Open(at) => {
                    let open_range = TextRange::new(at, at + 1);
                    let Some((name, mut args)) = split(words) else {
                        self.error(open_range, "unexpected \"{\"");
                        // Skip the stray block so its contents do not leak out.
                        let _ = self.statements(depth + 1, Some(open_range));
                        continue;
                    };
                    let (children, close) = if name.text(self.text).ends_with("_by_lua_block") {
                        let (body, close) = self.lua_block(open_range);
                        args.push(body);
                        (Vec::new(), close)
                    } else if depth + 1 > self.max_depth {
                        let max = self.max_depth;
                        self.error(
                            open_range,
                            format!("blocks nest deeper than {max} levels; the rest of this block is skipped"),
                        );
                        (Vec::new(), self.skip_block())
                    } else {
                        self.statements(depth + 1, Some(open_range))
                    };
                    let end = close.map_or(self.text.len() as u32, |c| c.end);
                    let range = TextRange::new(name.range.start, end);
                    out.push(Directive {
                        name,
                        args,
                        block: Some(Block {
                            children,
                            open: open_range,
                            close,
                        }),
                        range,
                    });
                }
                End::Close(at) => {
                    let close = TextRange::new(at, at + 1);
                    if !words.is_empty() {
                        self.error(
                            close,
                            "unexpected \"}\": the statement before it has no \";\"",
                        );
                    }
                    if open.is_some() {
                        out.shrink_to_fit();
                        return (out, Some(close));
                    }
                    self.error(close, "unexpected \"}\": no block is open here");
                }
                End::Eof => {
                    if let Some(first) = words.first() {
                        self.error(
                            TextRange::new(first.range.start, self.text.len() as u32),
                            "unexpected end of file, expecting \";\" or \"}\"",
                        );
                    }
                    if let Some(open) = open {
                        self.error(
                            open,
                            "this block is never closed: unexpected end of file, expecting \"}\"",
                        );
                    }
                    out.shrink_to_fit();
                    return (out, None);
                }
            }
        }
    }
}

/// The lexer state of one statement (`ngx_conf_read_token`).
impl Lexer<'_> {
    /// Reads words up to a statement end.
    fn statement(&mut self) -> (Vec<Word>, End) {
        let mut words = Vec::new();
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
                    Some(word) => words.push(word),
                    None => return (words, End::Eof),
                },
                _ => {
                    if let Some(end) = self.word(&mut words) {
                        return (words, end);
                    }
                }
            }
        }
    }

    /// An unquoted word at the cursor; returns the statement end when the
    /// word ended with `;` or `{`.
    fn word(&mut self, words: &mut Vec<Word>) -> Option<End> {
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
        words.push(Word {
            range,
            quoted: false,
            decoded: decoded.filter(|d| d.as_ref() != &self.text[start..self.i]),
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
            .filter(|d| d.as_ref() != inner);
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
            let (_, end) = self.statement();
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

fn split(words: Vec<Word>) -> Option<(Word, Vec<Word>)> {
    let mut words = words.into_iter();
    let name = words.next()?;
    // Moved to an allocation of their size: a large file keeps many
    // statements, and the buffer they were read into had grown.
    let mut args = Vec::with_capacity(words.len());
    args.extend(words);
    Some((name, args))
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
