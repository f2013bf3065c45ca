//! Tomcat `setenv.sh`: enough of the shell to read variable assignments and
//! the `-Dname=value` JVM system properties set in them.
//!
//! Words are split the way `sh` does before expansion: quotes (`'...'`,
//! `"..."`), backslash escapes, `#` comments at the start of a word, and
//! `\` line continuations. `$VAR` references are kept literally.
//! `setenv.bat`, its Windows twin, is read into the same document by
//! [`batch`].

pub mod batch;
pub mod format;

use crate::formats::ParseError;
use crate::source::TextRange;

/// `NAME=value`, possibly after `export`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    pub name: String,
    pub name_range: TextRange,
    /// The value after quote removal.
    pub value: String,
    /// The raw value text (quotes included).
    pub value_range: TextRange,
    pub exported: bool,
}

/// `-Dname=value` (or `-Dname`) found in a word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SystemProperty {
    pub name: String,
    pub value: Option<String>,
    /// The whole `-D...` token.
    pub range: TextRange,
    /// The value's text, when there is one.
    pub value_range: Option<TextRange>,
}

/// A parsed `setenv.sh`.
#[derive(Clone, Debug, Default)]
pub struct SetenvDocument {
    pub assignments: Vec<Assignment>,
    pub system_properties: Vec<SystemProperty>,
    pub comments: Vec<TextRange>,
    pub errors: Vec<ParseError>,
}

impl SetenvDocument {
    /// The last `-Dname=...` for `name` (the JVM keeps the last one).
    #[must_use]
    pub fn system_property(&self, name: &str) -> Option<&SystemProperty> {
        self.system_properties.iter().rev().find(|p| p.name == name)
    }
}

/// A shell word: decoded characters, each with the source offset it came from.
struct Word {
    chars: Vec<(char, u32)>,
    range: TextRange,
}

impl Word {
    fn text(&self) -> String {
        self.chars.iter().map(|&(c, _)| c).collect()
    }

    /// Source range of decoded characters `from..to`.
    fn sub_range(&self, from: usize, to: usize, text: &str) -> TextRange {
        if from >= to || from >= self.chars.len() {
            return TextRange::empty(self.range.end);
        }
        let start = self.chars[from].1;
        let (last, at) = self.chars[to - 1];
        let end = at + last.len_utf8() as u32;
        // A range never ends inside a character of the source.
        TextRange::new(
            start,
            crate::source::clamp_to_char_boundary(text, end.max(start)),
        )
    }
}

/// Parses `setenv.sh` text.
#[must_use]
pub fn parse(text: &str) -> SetenvDocument {
    let mut doc = SetenvDocument::default();
    let mut command: Vec<Word> = Vec::new();
    let mut lexer = Lexer { text, i: 0 };
    loop {
        match lexer.next(&mut doc) {
            Token::Word(word) => command.push(word),
            Token::End => {
                finish_command(text, &command, &mut doc);
                command.clear();
            }
            Token::Eof => {
                finish_command(text, &command, &mut doc);
                break;
            }
        }
    }
    doc
}

enum Token {
    Word(Word),
    /// A command ends (newline, `;`, `&`, `|`, parentheses).
    End,
    Eof,
}

struct Lexer<'a> {
    text: &'a str,
    i: usize,
}

impl Lexer<'_> {
    fn next(&mut self, doc: &mut SetenvDocument) -> Token {
        let b = self.text.as_bytes();
        // Blanks and line continuations.
        loop {
            match b.get(self.i) {
                Some(b' ' | b'\t') => self.i += 1,
                Some(b'\\') if b.get(self.i + 1) == Some(&b'\n') => self.i += 2,
                Some(b'\\') if b.get(self.i + 1) == Some(&b'\r') => {
                    self.i += if b.get(self.i + 2) == Some(&b'\n') {
                        3
                    } else {
                        2
                    };
                }
                _ => break,
            }
        }
        let Some(&c) = b.get(self.i) else {
            return Token::Eof;
        };
        match c {
            b'#' => {
                let end = b[self.i..]
                    .iter()
                    .position(|&c| c == b'\n' || c == b'\r')
                    .map_or(b.len(), |p| self.i + p);
                doc.comments.push(TextRange::from_usize(self.i..end));
                self.i = end;
                Token::End
            }
            b'\n' | b'\r' | b';' | b'&' | b'|' | b'(' | b')' | b'{' | b'}' => {
                self.i += 1;
                Token::End
            }
            _ => Token::Word(self.word(doc)),
        }
    }

    fn word(&mut self, doc: &mut SetenvDocument) -> Word {
        let text = self.text;
        let b = text.as_bytes();
        let start = self.i;
        let mut chars = Vec::new();
        while self.i < b.len() {
            let c = b[self.i];
            match c {
                b' ' | b'\t' | b'\n' | b'\r' | b';' | b'&' | b'|' | b'(' | b')' => break,
                b'\'' => {
                    let open = self.i;
                    self.i += 1;
                    let Some(close) = b[self.i..].iter().position(|&c| c == b'\'') else {
                        doc.errors.push(ParseError::new(
                            TextRange::from_usize(open..open + 1),
                            "this `'` is never closed",
                        ));
                        self.push_chars(&mut chars, self.i, b.len());
                        self.i = b.len();
                        break;
                    };
                    let end = self.i + close;
                    self.push_chars(&mut chars, self.i, end);
                    self.i = end + 1;
                }
                b'"' => {
                    let open = self.i;
                    self.i += 1;
                    loop {
                        match b.get(self.i) {
                            None => {
                                doc.errors.push(ParseError::new(
                                    TextRange::from_usize(open..open + 1),
                                    "this `\"` is never closed",
                                ));
                                break;
                            }
                            Some(b'"') => {
                                self.i += 1;
                                break;
                            }
                            Some(b'\\')
                                if matches!(
                                    b.get(self.i + 1),
                                    Some(b'"' | b'\\' | b'$' | b'`')
                                ) =>
                            {
                                chars.push((char::from(b[self.i + 1]), self.i as u32 + 1));
                                self.i += 2;
                            }
                            Some(b'\\') if b.get(self.i + 1) == Some(&b'\n') => self.i += 2,
                            Some(_) => {
                                let end = self.char_end(self.i);
                                self.push_chars(&mut chars, self.i, end);
                                self.i = end;
                            }
                        }
                    }
                }
                b'\\' => {
                    if b.get(self.i + 1).is_some_and(|&n| n == b'\n' || n == b'\r') {
                        self.i += 2;
                        continue;
                    }
                    let end = self.char_end(self.i + 1);
                    self.push_chars(&mut chars, self.i + 1, end);
                    self.i = end.max(self.i + 1);
                }
                _ => {
                    let end = self.char_end(self.i);
                    self.push_chars(&mut chars, self.i, end);
                    self.i = end;
                }
            }
        }
        Word {
            chars,
            range: TextRange::from_usize(start..self.i),
        }
    }

    fn char_end(&self, at: usize) -> usize {
        let mut end = (at + 1).min(self.text.len());
        while end < self.text.len() && !self.text.is_char_boundary(end) {
            end += 1;
        }
        end
    }

    fn push_chars(&self, chars: &mut Vec<(char, u32)>, from: usize, to: usize) {
        for (i, c) in self.text[from..to].char_indices() {
            chars.push((c, (from + i) as u32));
        }
    }
}

fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn finish_command(text: &str, words: &[Word], doc: &mut SetenvDocument) {
    let mut exported = false;
    let mut assignments_allowed = true;
    for word in words {
        let decoded = word.text();
        if assignments_allowed
            && matches!(
                decoded.as_str(),
                "export" | "readonly" | "declare" | "typeset" | "local"
            )
        {
            exported = decoded == "export";
            continue;
        }
        if assignments_allowed && decoded.starts_with('-') && exported {
            // `export -n`, `declare -x` and friends: options of the builtin.
            continue;
        }
        let raw = word.range.slice(text);
        if assignments_allowed
            && let Some(eq) = raw.find('=')
            && is_name(&raw[..eq])
        {
            let name_range = TextRange::new(word.range.start, word.range.start + eq as u32);
            let value_range = TextRange::new(name_range.end + 1, word.range.end);
            let value_from = word
                .chars
                .iter()
                .position(|&(_, at)| at >= value_range.start)
                .unwrap_or(word.chars.len());
            let value: String = word.chars[value_from..].iter().map(|&(c, _)| c).collect();
            doc.assignments.push(Assignment {
                name: raw[..eq].to_string(),
                name_range,
                value,
                value_range,
                exported,
            });
            collect_system_properties(text, word, value_from, doc);
            continue;
        }
        assignments_allowed = false;
        collect_system_properties(text, word, 0, doc);
    }
}

/// Finds `-D` tokens in the whitespace-separated parts of a word's text.
fn collect_system_properties(text: &str, word: &Word, from: usize, doc: &mut SetenvDocument) {
    let chars = &word.chars[from..];
    let mut i = 0;
    while i < chars.len() {
        while i < chars.len() && chars[i].0.is_whitespace() {
            i += 1;
        }
        let start = i;
        while i < chars.len() && !chars[i].0.is_whitespace() {
            i += 1;
        }
        let token: String = chars[start..i].iter().map(|&(c, _)| c).collect();
        let Some(body) = token.strip_prefix("-D") else {
            continue;
        };
        if body.is_empty() {
            continue;
        }
        let range = word.sub_range(from + start, from + i, text);
        let (name, value, value_range) = match body.find('=') {
            Some(eq) => {
                let value_start = from + start + 2 + body[..eq].chars().count() + 1;
                let value_range = word.sub_range(value_start, from + i, text);
                (
                    body[..eq].to_string(),
                    Some(body[eq + 1..].to_string()),
                    Some(value_range),
                )
            }
            None => (body.to_string(), None, None),
        };
        doc.system_properties.push(SystemProperty {
            name,
            value,
            range,
            value_range,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_system_properties_from_assignments() {
        let text = "#!/bin/sh\nCATALINA_OPTS=\"$CATALINA_OPTS -Dfile.encoding=UTF8 -Djava.net.preferIPv4Stack=true\"\nexport LIFERAY_X='a b'\n";
        let doc = parse(text);
        assert_eq!(doc.assignments.len(), 2);
        assert_eq!(doc.assignments[1].name, "LIFERAY_X");
        assert_eq!(doc.assignments[1].value, "a b");
        assert!(doc.assignments[1].exported);
        let p = doc.system_property("java.net.preferIPv4Stack").unwrap();
        assert_eq!(p.value.as_deref(), Some("true"));
        assert_eq!(p.range.slice(text), "-Djava.net.preferIPv4Stack=true");
        assert_eq!(p.value_range.unwrap().slice(text), "true");
        assert_eq!(doc.comments.len(), 1);
    }

    #[test]
    fn continuations_and_commands() {
        let text = "JAVA_OPTS=\"-Xmx2g \\\n  -Da=1\"; exec java -Db=2 -jar x.jar\n";
        let doc = parse(text);
        let names: Vec<_> = doc
            .system_properties
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["a", "b"]);
    }

    #[test]
    fn unterminated_quote_is_located() {
        let doc = parse("X=\"abc\n");
        assert_eq!(doc.errors[0].range, TextRange::new(2, 3));
    }
}
