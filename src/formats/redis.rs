//! `redis.conf`: lines split the way Redis splits them (`sdssplitargs`).
//!
//! A line is trimmed of blanks; a first character `#` makes it a comment;
//! there are no inline comments and no continuation lines. Arguments are
//! separated by blanks; `"..."` takes `\xHH`, `\n`, `\r`, `\t`, `\b`, `\a`
//! and `\c` escapes, `'...'` only `\'`; a quoted part glued to a word is
//! concatenated with it; a closing quote must be followed by a blank or
//! the end of the line. Directive names are case-insensitive.

use crate::formats::ParseError;
use crate::source::TextRange;

/// One argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    /// The decoded value (quotes removed, escapes applied).
    pub text: String,
    /// The raw text.
    pub range: TextRange,
}

/// One configuration line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedisDirective {
    /// The name, lower-cased as Redis compares it.
    pub name: String,
    pub name_range: TextRange,
    pub args: Vec<Arg>,
    /// The whole line, trimmed.
    pub range: TextRange,
}

/// A parsed `redis.conf`.
#[derive(Clone, Debug, Default)]
pub struct RedisDocument {
    pub directives: Vec<RedisDirective>,
    pub comments: Vec<TextRange>,
    pub errors: Vec<ParseError>,
}

impl RedisDocument {
    /// The last line setting `name` (the last one wins).
    #[must_use]
    pub fn last(&self, name: &str) -> Option<&RedisDirective> {
        self.directives.iter().rev().find(|d| d.name == name)
    }
}

/// Parses `redis.conf` text.
#[must_use]
pub fn parse(text: &str) -> RedisDocument {
    let mut doc = RedisDocument::default();
    let mut offset = 0usize;
    // Redis splits on `\n` only; `\r` is trimmed as a blank.
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let is_trim = |c: char| matches!(c, ' ' | '\t' | '\r' | '\n');
        let lead = line.len() - line.trim_start_matches(is_trim).len();
        let trimmed = line.trim_matches(is_trim);
        if trimmed.is_empty() {
            continue;
        }
        let range = TextRange::from_usize(start + lead..start + lead + trimmed.len());
        if trimmed.starts_with('#') {
            doc.comments.push(range);
            continue;
        }
        match split_args(trimmed, range.start) {
            Ok(args) if args.is_empty() => {}
            Ok(mut args) => {
                let name = args.remove(0);
                doc.directives.push(RedisDirective {
                    name: name.text.to_ascii_lowercase(),
                    name_range: name.range,
                    args,
                    range,
                });
            }
            Err(at) => doc.errors.push(ParseError::new(
                at,
                "unbalanced quotes: Redis refuses to start with this line",
            )),
        }
    }
    doc
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// `sdssplitargs` over one trimmed line starting at `base`. On unbalanced
/// quotes, returns the range of the offending quote.
pub fn split_args(line: &str, base: u32) -> Result<Vec<Arg>, TextRange> {
    let b = line.as_bytes();
    let mut i = 0;
    let mut args = Vec::new();
    loop {
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        if i >= b.len() {
            return Ok(args);
        }
        let start = i;
        let mut bytes: Vec<u8> = Vec::new();
        let mut in_dq = false;
        let mut in_sq = false;
        let mut quote_at = 0;
        loop {
            if in_dq {
                if i >= b.len() {
                    return Err(TextRange::new(
                        base + quote_at as u32,
                        base + quote_at as u32 + 1,
                    ));
                }
                if b[i] == b'\\'
                    && i + 3 < b.len()
                    && b[i + 1] == b'x'
                    && b[i + 2].is_ascii_hexdigit()
                    && b[i + 3].is_ascii_hexdigit()
                {
                    let hex = std::str::from_utf8(&b[i + 2..i + 4]).unwrap_or("0");
                    bytes.push(u8::from_str_radix(hex, 16).unwrap_or(0));
                    i += 4;
                    continue;
                }
                if b[i] == b'\\' && i + 1 < b.len() {
                    bytes.push(match b[i + 1] {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 8,
                        b'a' => 7,
                        other => other,
                    });
                    i += 2;
                    continue;
                }
                if b[i] == b'"' {
                    // The closing quote must be followed by a blank or the end.
                    if i + 1 < b.len() && !is_space(b[i + 1]) {
                        return Err(TextRange::new(base + i as u32, base + i as u32 + 1));
                    }
                    i += 1;
                    break;
                }
                bytes.push(b[i]);
                i += 1;
            } else if in_sq {
                if i >= b.len() {
                    return Err(TextRange::new(
                        base + quote_at as u32,
                        base + quote_at as u32 + 1,
                    ));
                }
                if b[i] == b'\\' && b.get(i + 1) == Some(&b'\'') {
                    bytes.push(b'\'');
                    i += 2;
                    continue;
                }
                if b[i] == b'\'' {
                    if i + 1 < b.len() && !is_space(b[i + 1]) {
                        return Err(TextRange::new(base + i as u32, base + i as u32 + 1));
                    }
                    i += 1;
                    break;
                }
                bytes.push(b[i]);
                i += 1;
            } else {
                if i >= b.len() {
                    break;
                }
                match b[i] {
                    b' ' | b'\n' | b'\r' | b'\t' => break,
                    b'"' => {
                        in_dq = true;
                        quote_at = i;
                    }
                    b'\'' => {
                        in_sq = true;
                        quote_at = i;
                    }
                    c => bytes.push(c),
                }
                i += 1;
            }
        }
        let text = String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        args.push(Arg {
            text,
            range: TextRange::new(base + start as u32, base + i as u32),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Result<Vec<String>, TextRange> {
        split_args(line, 0).map(|a| a.into_iter().map(|a| a.text).collect())
    }

    #[test]
    fn splitting() {
        assert_eq!(
            args("requirepass foo\"bar baz\"").unwrap(),
            ["requirepass", "foobar baz"]
        );
        assert_eq!(args("save \"\"").unwrap(), ["save", ""]);
        assert_eq!(
            args("a \"\\x41\\n\" 'it\\'s'").unwrap(),
            ["a", "A\n", "it's"]
        );
        assert!(args("requirepass \"abc\"def").is_err());
        assert!(args("requirepass \"abc").is_err());
    }

    #[test]
    fn lines() {
        let text =
            "# comment\n  PORT 7000\r\nbind 127.0.0.1 -::1\n\nport 6379 # no inline comments\n";
        let doc = parse(text);
        assert_eq!(doc.comments.len(), 1);
        assert_eq!(doc.directives.len(), 3);
        assert_eq!(doc.directives[0].name, "port");
        assert_eq!(doc.directives[0].name_range.slice(text), "PORT");
        assert_eq!(doc.directives[1].args.len(), 2);
        assert_eq!(doc.last("port").unwrap().args.len(), 5);
    }
}
