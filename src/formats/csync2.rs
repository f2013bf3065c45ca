//! csync2 configuration (`csync2.cfg`): the flex scanner and bison grammar
//! of csync2 2.0, with spans.
//!
//! Tokens are `{ } ( ) ; : @`, keywords (a word equal to a keyword is the
//! keyword, so a host literally named `key` must be quoted), `"..."`
//! strings (no escapes, may span lines) and bare words, which cannot
//! contain blanks or `@ ; ( ) # "` and cannot end with `:`. `#` starts a
//! comment wherever a token may start. `config PATH;` includes a file.

use crate::formats::ParseError;
use crate::source::TextRange;

const KEYWORDS: &[&str] = &[
    "nossl",
    "ignore",
    "database",
    "group",
    "host",
    "exclude",
    "include",
    "compare",
    "key",
    "auto",
    "action",
    "pattern",
    "exec",
    "logfile",
    "do-local",
    "do-local-only",
    "prefix",
    "on",
    "lock-timeout",
    "tempdir",
    "backup-directory",
    "backup-generations",
    "no-cygwin-lowercase",
    "config",
];

/// A word or string with its location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub text: String,
    pub range: TextRange,
}

/// A `host` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Host {
    /// The host's own name (lower-cased, as csync2 compares it).
    pub name: Text,
    /// `NAME@PEER`: the address used to connect to it.
    pub peer: Option<Text>,
    /// Listed in parentheses: receives only.
    pub slave: bool,
}

/// `action { ... }`
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Action {
    pub range: TextRange,
    pub patterns: Vec<Text>,
    pub exec: Vec<Text>,
    pub logfile: Option<Text>,
    pub do_local: bool,
    pub do_local_only: bool,
}

/// `group [NAME] { ... }`
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Group {
    /// The `group` keyword.
    pub keyword: TextRange,
    pub name: Option<Text>,
    pub hosts: Vec<Host>,
    pub keys: Vec<Text>,
    pub includes: Vec<Text>,
    pub excludes: Vec<Text>,
    pub compare: Vec<Text>,
    pub auto: Vec<Text>,
    pub backup_directory: Option<Text>,
    pub backup_generations: Option<Text>,
    pub actions: Vec<Action>,
    /// From the keyword to the closing `}`.
    pub range: TextRange,
}

/// A top-level statement other than `group` (`nossl`, `database`, ...):
/// its keyword and the words that follow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub keyword: Text,
    pub args: Vec<Text>,
}

/// A parsed csync2 configuration.
#[derive(Clone, Debug, Default)]
pub struct Csync2Document {
    pub groups: Vec<Group>,
    pub statements: Vec<Statement>,
    /// `config PATH;` includes.
    pub includes: Vec<Text>,
    pub comments: Vec<TextRange>,
    pub errors: Vec<ParseError>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    Punct(u8),
    Keyword(&'static str),
    Word,
    Str,
}

#[derive(Clone, Debug)]
struct Token {
    kind: Kind,
    text: Text,
}

/// Parses csync2 configuration text.
#[must_use]
pub fn parse(text: &str) -> Csync2Document {
    let mut doc = Csync2Document::default();
    let tokens = scan(text, &mut doc);
    let mut parser = Parser {
        tokens,
        at: 0,
        doc,
        end: text.len() as u32,
    };
    parser.config();
    parser.doc
}

fn is_word_byte(c: u8) -> bool {
    !matches!(
        c,
        b' ' | b'\r' | b'\n' | b'\t' | b'@' | b';' | b'(' | b')' | b'#' | b'"'
    )
}

fn scan(text: &str, doc: &mut Csync2Document) -> Vec<Token> {
    let b = text.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    let text_at = |s: usize, e: usize| Text {
        text: text[s..e].to_string(),
        range: TextRange::from_usize(s..e),
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\r' | b'\n' | b'\t' => i += 1,
            b'#' => {
                let end = b[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(b.len(), |p| i + p);
                doc.comments.push(TextRange::from_usize(i..end));
                i = end;
            }
            b'"' => {
                let Some(len) = b[i + 1..].iter().position(|&c| c == b'"') else {
                    doc.errors.push(ParseError::new(
                        TextRange::from_usize(i..i + 1),
                        "this `\"` is never closed",
                    ));
                    break;
                };
                out.push(Token {
                    kind: Kind::Str,
                    text: text_at(i + 1, i + 1 + len),
                });
                i += len + 2;
            }
            b'@' | b';' | b'(' | b')' => {
                out.push(Token {
                    kind: Kind::Punct(c),
                    text: text_at(i, i + 1),
                });
                i += 1;
            }
            b'{' | b'}' if b.get(i + 1).is_none_or(|&n| !is_word_byte(n)) => {
                out.push(Token {
                    kind: Kind::Punct(c),
                    text: text_at(i, i + 1),
                });
                i += 1;
            }
            _ => {
                let start = i;
                while i < b.len() && is_word_byte(b[i]) {
                    i += 1;
                }
                // A word cannot end with `:`; trailing colons are tokens.
                let mut end = i;
                while end > start && b[end - 1] == b':' {
                    end -= 1;
                }
                if end > start {
                    let word = &text[start..end];
                    let kind = KEYWORDS
                        .iter()
                        .find(|k| **k == word)
                        .map_or(Kind::Word, |k| Kind::Keyword(k));
                    out.push(Token {
                        kind,
                        text: text_at(start, end),
                    });
                }
                for colon in end..i {
                    out.push(Token {
                        kind: Kind::Punct(b':'),
                        text: text_at(colon, colon + 1),
                    });
                }
            }
        }
    }
    out
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    doc: Csync2Document,
    end: u32,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn is_punct(&self, c: u8) -> bool {
        self.peek().is_some_and(|t| t.kind == Kind::Punct(c))
    }

    fn syntax_error(&mut self, what: &str) {
        let range = self
            .peek()
            .map_or(TextRange::empty(self.end), |t| t.text.range);
        self.doc
            .errors
            .push(ParseError::new(range, format!("syntax error: {what}")));
    }

    /// Skips to just after the next `;` (or to a `}`, left for the caller).
    fn recover(&mut self) {
        while let Some(t) = self.peek() {
            match t.kind {
                Kind::Punct(b';') => {
                    self.at += 1;
                    return;
                }
                Kind::Punct(b'}') => return,
                _ => self.at += 1,
            }
        }
    }

    /// Words and strings up to `;`.
    fn values(&mut self) -> Vec<Text> {
        let mut out = Vec::new();
        while let Some(t) = self.peek() {
            if !matches!(t.kind, Kind::Word | Kind::Str) {
                break;
            }
            out.push(t.text.clone());
            self.at += 1;
        }
        out
    }

    fn expect_semicolon(&mut self) -> bool {
        if self.is_punct(b';') {
            self.at += 1;
            true
        } else {
            self.syntax_error("expected `;`");
            self.recover();
            false
        }
    }

    fn config(&mut self) {
        while let Some(t) = self.peek().cloned() {
            match t.kind {
                Kind::Keyword("group") => self.group(),
                Kind::Keyword("config") => {
                    self.at += 1;
                    if let Some(Token {
                        kind: Kind::Word | Kind::Str,
                        text,
                    }) = self.next()
                    {
                        self.doc.includes.push(text);
                    } else {
                        self.at -= 1;
                        self.syntax_error("expected a file name after `config`");
                    }
                    if self.is_punct(b';') {
                        self.at += 1;
                    }
                }
                Kind::Keyword("prefix") => self.prefix(),
                Kind::Keyword(
                    keyword @ ("nossl"
                    | "database"
                    | "tempdir"
                    | "lock-timeout"
                    | "ignore"
                    | "no-cygwin-lowercase"),
                ) => {
                    self.at += 1;
                    let args = self.values();
                    let arity_ok = match keyword {
                        "nossl" => args.len() == 2,
                        "database" | "tempdir" | "lock-timeout" => args.len() == 1,
                        "no-cygwin-lowercase" => args.is_empty(),
                        _ => args
                            .iter()
                            .all(|a| matches!(a.text.as_str(), "uid" | "gid" | "mod")),
                    };
                    if !arity_ok {
                        self.doc.errors.push(ParseError::new(
                            t.text.range,
                            format!("syntax error: wrong arguments for `{keyword}`"),
                        ));
                    }
                    self.doc.statements.push(Statement {
                        keyword: t.text.clone(),
                        args,
                    });
                    self.expect_semicolon();
                }
                _ => {
                    self.syntax_error("expected `group`, `prefix`, `nossl`, `config` or another top-level statement");
                    self.at += 1;
                    self.recover();
                }
            }
        }
    }

    fn prefix(&mut self) {
        self.at += 1;
        let name = self.values();
        if name.len() != 1 || !self.is_punct(b'{') {
            self.syntax_error("expected `prefix NAME {`");
            self.recover();
            return;
        }
        self.at += 1;
        // on HOSTPATTERN : PATH ;
        while let Some(t) = self.peek().cloned() {
            match t.kind {
                Kind::Punct(b'}') => {
                    self.at += 1;
                    return;
                }
                Kind::Keyword("on") => {
                    self.at += 1;
                    let host = self.values();
                    if host.len() != 1 || !self.is_punct(b':') {
                        self.syntax_error("expected `on HOST: PATH;`");
                        self.recover();
                        continue;
                    }
                    self.at += 1;
                    let _path = self.values();
                    self.expect_semicolon();
                }
                _ => {
                    self.syntax_error("expected `on` or `}` in `prefix`");
                    self.at += 1;
                    self.recover();
                }
            }
        }
        self.doc.errors.push(ParseError::new(
            name[0].range,
            "this `prefix` block is never closed",
        ));
    }

    fn group(&mut self) {
        let keyword = self
            .next()
            .map_or(TextRange::empty(self.end), |t| t.text.range);
        let mut group = Group {
            keyword,
            ..Group::default()
        };
        if let Some(Token {
            kind: Kind::Word | Kind::Str,
            ..
        }) = self.peek()
        {
            group.name = self.next().map(|t| t.text);
        }
        if !self.is_punct(b'{') {
            self.syntax_error("expected `{` after the group name");
            self.recover();
            return;
        }
        self.at += 1;
        let mut closed = false;
        while let Some(t) = self.peek().cloned() {
            match &t.kind {
                Kind::Punct(b'}') => {
                    self.at += 1;
                    group.range = keyword.cover(t.text.range);
                    closed = true;
                    break;
                }
                Kind::Keyword("host") => {
                    self.at += 1;
                    self.hosts(&mut group);
                }
                Kind::Keyword(
                    k @ ("key" | "include" | "exclude" | "compare" | "auto" | "backup-directory"
                    | "backup-generations"),
                ) => {
                    self.at += 1;
                    let values = self.values();
                    match *k {
                        "key" | "auto" | "backup-directory" | "backup-generations"
                            if values.len() != 1 =>
                        {
                            self.doc.errors.push(ParseError::new(
                                t.text.range,
                                format!("syntax error: `{k}` takes one value"),
                            ));
                        }
                        _ => {}
                    }
                    match *k {
                        "key" => group.keys.extend(values),
                        "include" => group.includes.extend(values),
                        "exclude" => group.excludes.extend(values),
                        "compare" => group.compare.extend(values),
                        "auto" => group.auto.extend(values),
                        "backup-directory" => group.backup_directory = values.into_iter().next(),
                        _ => group.backup_generations = values.into_iter().next(),
                    }
                    self.expect_semicolon();
                }
                Kind::Keyword("action") => {
                    self.at += 1;
                    if let Some(action) = self.action(t.text.range) {
                        group.actions.push(action);
                    }
                }
                _ => {
                    self.syntax_error("expected `host`, `key`, `include`, `exclude`, `auto`, `action` or `}` in a group");
                    self.at += 1;
                    self.recover();
                }
            }
        }
        if !closed {
            self.doc.errors.push(ParseError::new(
                keyword,
                "this group is never closed: the file ends before its `}`",
            ));
            group.range = TextRange::new(keyword.start, self.end);
        }
        self.doc.groups.push(group);
    }

    /// `host a b@peer ( c d@peer ) ;`
    fn hosts(&mut self, group: &mut Group) {
        let mut slave = false;
        loop {
            let Some(t) = self.peek().cloned() else {
                self.syntax_error("expected `;` after the host list");
                return;
            };
            match t.kind {
                Kind::Punct(b';') => {
                    self.at += 1;
                    if slave {
                        self.doc.errors.push(ParseError::new(
                            t.text.range,
                            "syntax error: `(` is never closed",
                        ));
                    }
                    return;
                }
                Kind::Punct(b'(') if !slave => {
                    self.at += 1;
                    slave = true;
                }
                Kind::Punct(b')') if slave => {
                    self.at += 1;
                    slave = false;
                }
                Kind::Word | Kind::Str => {
                    self.at += 1;
                    let mut name = t.text.clone();
                    name.text = name.text.to_ascii_lowercase();
                    let mut peer = None;
                    if self.is_punct(b'@') {
                        self.at += 1;
                        match self.peek().cloned() {
                            Some(Token {
                                kind: Kind::Word | Kind::Str,
                                text,
                            }) => {
                                self.at += 1;
                                peer = Some(text);
                            }
                            _ => self.syntax_error("expected a peer name after `@`"),
                        }
                    }
                    group.hosts.push(Host { name, peer, slave });
                }
                _ => {
                    self.syntax_error("expected a host name or `;`");
                    self.recover();
                    return;
                }
            }
        }
    }

    fn action(&mut self, keyword: TextRange) -> Option<Action> {
        if !self.is_punct(b'{') {
            self.syntax_error("expected `{` after `action`");
            self.recover();
            return None;
        }
        self.at += 1;
        let mut action = Action {
            range: keyword,
            ..Action::default()
        };
        while let Some(t) = self.peek().cloned() {
            match t.kind {
                Kind::Punct(b'}') => {
                    self.at += 1;
                    action.range = keyword.cover(t.text.range);
                    return Some(action);
                }
                Kind::Keyword(
                    k @ ("pattern" | "exec" | "logfile" | "do-local" | "do-local-only"),
                ) => {
                    self.at += 1;
                    let values = self.values();
                    match k {
                        "pattern" => action.patterns.extend(values),
                        "exec" => action.exec.extend(values),
                        "logfile" => action.logfile = values.into_iter().next(),
                        "do-local" => action.do_local = true,
                        _ => action.do_local_only = true,
                    }
                    self.expect_semicolon();
                }
                _ => {
                    self.syntax_error(
                        "expected `pattern`, `exec`, `logfile`, `do-local` or `}` in an action",
                    );
                    self.at += 1;
                    self.recover();
                }
            }
        }
        self.doc
            .errors
            .push(ParseError::new(keyword, "this action is never closed"));
        Some(action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guide_example() {
        let text = "group gluucluster\n{\nhost 159.203.126.10;\nhost 138.197.65.243;\n\nkey /etc/csync2.key;\ninclude /opt/gluu/;\nexclude *~ .*;\n}\n";
        let doc = parse(text);
        assert!(doc.errors.is_empty(), "{:?}", doc.errors);
        let g = &doc.groups[0];
        assert_eq!(g.name.as_ref().unwrap().text, "gluucluster");
        assert_eq!(g.hosts.len(), 2);
        assert_eq!(g.keys[0].text, "/etc/csync2.key");
        assert_eq!(g.excludes.len(), 2);
    }

    #[test]
    fn hosts_with_peers_and_slaves() {
        let doc =
            parse("group g { host a b@b-eth2 (C d@x); key k; }\nnossl * *;\nconfig other.cfg;\n");
        assert!(doc.errors.is_empty(), "{:?}", doc.errors);
        let hosts: Vec<_> = doc.groups[0]
            .hosts
            .iter()
            .map(|h| {
                (
                    h.name.text.as_str(),
                    h.peer.as_ref().map(|p| p.text.as_str()),
                    h.slave,
                )
            })
            .collect();
        assert_eq!(
            hosts,
            [
                ("a", None, false),
                ("b", Some("b-eth2"), false),
                ("c", None, true),
                ("d", Some("x"), true)
            ]
        );
        assert_eq!(doc.statements[0].keyword.text, "nossl");
        assert_eq!(doc.includes[0].text, "other.cfg");
    }

    #[test]
    fn errors_are_located_and_parsing_goes_on() {
        let text = "group g {\n host h1 key;\n key /k;\n}\ngroup h { host x; key /k; auto bogus-but-parsed; }\n";
        let doc = parse(text);
        assert_eq!(doc.errors.len(), 1);
        assert_eq!(doc.errors[0].range.slice(text), "key");
        assert_eq!(doc.groups.len(), 2);
        let doc = parse("group g { host a; key /etc/a:\n}");
        assert!(!doc.errors.is_empty());
        let doc = parse("group g { host a;");
        assert!(doc.errors[0].message.contains("never closed"));
    }
}
