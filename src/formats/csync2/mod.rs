//! csync2 configuration (`csync2.cfg`): the flex scanner and bison grammar
//! of csync2 2.0 (`cfgfile_scanner.l`, `cfgfile_parser.y`), with spans.
//!
//! Tokens follow flex's longest-match rule:
//!
//! * blanks are `' '`, `\t`, `\r`, `\n`; `#` starts a comment, up to the end
//!   of the line, wherever a token may start;
//! * a bare word is any run of characters other than blanks and
//!   `@ ; ( ) # "`, not ending with `:`: so `{`, `}` and `:` may be inside a
//!   word (`a{b}` is one word, `{x` too), and `{`, `}` and `:` are tokens of
//!   their own only where no longer word matches;
//! * a word equal to a keyword is the keyword (a host literally named
//!   `key` must be quoted);
//! * `"..."` is a string with no escapes that may span lines; `""` yields
//!   no token at all;
//! * `config` makes the scanner read file names (`[^ \t\r\n;]+`), each
//!   included in place, until a `;`: it may stand anywhere, even inside a
//!   group.
//!
//! The grammar's statements are parsed with their exact arities. The
//! top-level statements of the schafdog fork (`hosts { ... }`, `redis`,
//! `database-version`, `protocol-version`, `ip-version`, `patch-mode`,
//! `lock-time`) and its group statement `flags` are accepted too; for
//! LINBIT's csync2 these are plain words where a keyword must be, a syntax
//! error.

pub mod format;

use crate::formats::ParseError;
use crate::source::TextRange;

/// Words csync2's scanner takes as keywords, never as host names or other
/// bare words (its `cfgfile_scanner.l`).
pub const KEYWORDS: &[&str] = &[
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
];

/// Top-level statements of the schafdog fork that take one value.
const FORK_STATEMENTS: &[&str] = &[
    "database-version",
    "ip-version",
    "lock-time",
    "patch-mode",
    "protocol-version",
    "redis",
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

/// Parses `text` as the inside of a `group { ... }`: for a file that a
/// `config` statement includes within a group (csync2 splices included
/// files where the statement stands). The statements land in one group
/// without a keyword or name.
#[must_use]
pub fn parse_group_body(text: &str) -> Csync2Document {
    let mut doc = Csync2Document::default();
    let mut tokens = scan(text, &mut doc);
    let end = text.len() as u32;
    // Close the body so the group parser stops at the end of the file.
    tokens.push(Token {
        kind: Kind::Punct(b'}'),
        text: Text {
            text: String::new(),
            range: TextRange::empty(end),
        },
    });
    let mut parser = Parser {
        tokens,
        at: 0,
        doc,
        end,
    };
    let mut group = Group {
        keyword: TextRange::empty(0),
        ..Group::default()
    };
    parser.group_body(&mut group, TextRange::empty(0));
    if parser.at < parser.tokens.len() {
        parser.syntax_error("unexpected `}`");
    }
    group.range = TextRange::new(0, end);
    parser.doc.groups.push(group);
    parser.doc
}

fn is_word_byte(c: u8) -> bool {
    !matches!(
        c,
        b' ' | b'\r' | b'\n' | b'\t' | b'@' | b';' | b'(' | b')' | b'#' | b'"'
    )
}

fn is_blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn scan(text: &str, doc: &mut Csync2Document) -> Vec<Token> {
    let b = text.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    let text_at = |s: usize, e: usize| Text {
        text: text[s..e].to_string(),
        range: TextRange::from_usize(s..e),
    };
    let punct = |out: &mut Vec<Token>, c: u8, at: usize| {
        out.push(Token {
            kind: Kind::Punct(c),
            text: text_at(at, at + 1),
        });
    };
    while i < b.len() {
        let c = b[i];
        match c {
            c if is_blank(c) => i += 1,
            b'#' => {
                let end = b[i..]
                    .iter()
                    .position(|&c| c == b'\n' || c == b'\r')
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
                // An empty string is no token at all.
                if len > 0 {
                    out.push(Token {
                        kind: Kind::Str,
                        text: text_at(i + 1, i + 1 + len),
                    });
                }
                i += len + 2;
            }
            b'@' | b';' | b'(' | b')' => {
                punct(&mut out, c, i);
                i += 1;
            }
            _ => {
                let start = i;
                while i < b.len() && is_word_byte(b[i]) {
                    i += 1;
                }
                // The longest match that does not end with `:`.
                let mut end = i;
                while end > start && b[end - 1] == b':' {
                    end -= 1;
                }
                if end == start {
                    // Only colons.
                    punct(&mut out, b':', start);
                    i = start + 1;
                    continue;
                }
                i = end;
                let word = &text[start..end];
                if word == "{" || word == "}" {
                    // A one-character match: the `{`/`}` rule comes first.
                    punct(&mut out, b[start], start);
                } else if word == "config" {
                    i = include_names(text, i, doc);
                } else {
                    let kind = KEYWORDS
                        .iter()
                        .find(|k| **k == word)
                        .map_or(Kind::Word, |k| Kind::Keyword(k));
                    out.push(Token {
                        kind,
                        text: text_at(start, end),
                    });
                }
            }
        }
    }
    out
}

/// After `config`: file names up to a `;` (or the end of the file). Each
/// is included where it stands. Returns where scanning resumes.
fn include_names(text: &str, mut i: usize, doc: &mut Csync2Document) -> usize {
    let b = text.as_bytes();
    loop {
        // Flex eats blanks and tabs here; line ends match no rule and are
        // echoed, which skips them as well.
        while i < b.len() && is_blank(b[i]) {
            i += 1;
        }
        match b.get(i) {
            None => return i,
            Some(b';') => return i + 1,
            Some(_) => {
                let start = i;
                while i < b.len() && !is_blank(b[i]) && b[i] != b';' {
                    i += 1;
                }
                doc.includes.push(Text {
                    text: text[start..i].to_string(),
                    range: TextRange::from_usize(start..i),
                });
            }
        }
    }
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
                Kind::Word if t.text.text == "hosts" && self.is_punct_at(1, b'{') => {
                    self.fork_hosts();
                }
                Kind::Word if FORK_STATEMENTS.contains(&t.text.text.as_str()) => {
                    self.at += 1;
                    let args = self.values();
                    if args.len() != 1 {
                        self.doc.errors.push(ParseError::new(
                            t.text.range,
                            format!("syntax error: `{}` takes one value", t.text.text),
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

    fn is_punct_at(&self, ahead: usize, c: u8) -> bool {
        self.tokens
            .get(self.at + ahead)
            .is_some_and(|t| t.kind == Kind::Punct(c))
    }

    /// The schafdog fork's `hosts { NAME: ADDRESS [: PORT]; ... }`, kept as
    /// a statement whose arguments are the words of its entries.
    fn fork_hosts(&mut self) {
        let keyword = self.next().map(|t| t.text);
        self.at += 1; // `{`
        let mut args = Vec::new();
        loop {
            let Some(t) = self.peek().cloned() else {
                if let Some(k) = &keyword {
                    self.doc.errors.push(ParseError::new(
                        k.range,
                        "this `hosts` block is never closed",
                    ));
                }
                break;
            };
            if t.kind == Kind::Punct(b'}') {
                self.at += 1;
                break;
            }
            // NAME : ADDRESS [: PORT] ;
            let mut entry = Vec::new();
            let mut ok = true;
            for part in 0..3 {
                if part > 0 {
                    if part == 2 && self.is_punct(b';') {
                        break;
                    }
                    if !self.is_punct(b':') {
                        ok = false;
                        break;
                    }
                    self.at += 1;
                }
                if let Some(Token {
                    kind: Kind::Word | Kind::Str,
                    text,
                }) = self.peek()
                {
                    entry.push(text.clone());
                    self.at += 1;
                } else {
                    ok = false;
                    break;
                }
            }
            if ok && self.is_punct(b';') {
                self.at += 1;
                args.extend(entry);
            } else {
                self.syntax_error("expected `NAME: ADDRESS [: PORT];` in `hosts`");
                self.at += 1;
                self.recover();
            }
        }
        if let Some(keyword) = keyword {
            self.doc.statements.push(Statement { keyword, args });
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
                    let path = self.values();
                    if path.len() != 1 {
                        self.syntax_error("expected one path in `on HOST: PATH;`");
                        self.recover();
                        continue;
                    }
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
        let closed = self.group_body(&mut group, keyword);
        if !closed {
            self.doc.errors.push(ParseError::new(
                keyword,
                "this group is never closed: the file ends before its `}`",
            ));
            group.range = TextRange::new(keyword.start, self.end);
        }
        self.doc.groups.push(group);
    }

    /// The statements of a group up to its `}` (consumed); false when the
    /// file ends first.
    fn group_body(&mut self, group: &mut Group, keyword: TextRange) -> bool {
        while let Some(t) = self.peek().cloned() {
            match &t.kind {
                Kind::Punct(b'}') => {
                    self.at += 1;
                    group.range = keyword.cover(t.text.range);
                    return true;
                }
                Kind::Keyword("host") => {
                    self.at += 1;
                    self.hosts(group);
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
                Kind::Word if t.text.text == "flags" => {
                    // The schafdog fork's `flags VALUE;`.
                    self.at += 1;
                    if self.values().len() != 1 {
                        self.doc.errors.push(ParseError::new(
                            t.text.range,
                            "syntax error: `flags` takes one value",
                        ));
                    }
                    self.expect_semicolon();
                }
                _ => {
                    self.syntax_error("expected `host`, `key`, `include`, `exclude`, `auto`, `action` or `}` in a group");
                    self.at += 1;
                    self.recover();
                }
            }
        }
        false
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
                    let arity_ok = match k {
                        "logfile" => values.len() == 1,
                        "do-local" | "do-local-only" => values.is_empty(),
                        _ => true,
                    };
                    if !arity_ok {
                        self.doc.errors.push(ParseError::new(
                            t.text.range,
                            format!("syntax error: wrong arguments for `{k}`"),
                        ));
                    }
                    match k {
                        "pattern" => action.patterns.extend(values),
                        "exec" => action.exec.extend(values),
                        "logfile" => action.logfile = values.into_iter().next(),
                        "do-local" => action.do_local = true,
                        _ => {
                            // csync2 sets both.
                            action.do_local = true;
                            action.do_local_only = true;
                        }
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
    fn braces_and_colons_inside_words() {
        // Flex takes the longest match: `a{b}` is one word, `g{` too.
        let doc = parse("group g { host h1; key k; include a{b} /x:y; }\n");
        assert!(doc.errors.is_empty(), "{:?}", doc.errors);
        assert_eq!(doc.groups[0].includes[0].text, "a{b}");
        assert_eq!(doc.groups[0].includes[1].text, "/x:y");
        let doc = parse("group g{ host h1; key k; }\n");
        assert!(!doc.errors.is_empty());
        assert!(!parse("group g {host h1; key k; }\n").errors.is_empty());
        assert!(
            !parse("group g { host h1; key k; exclude a:; }\n")
                .errors
                .is_empty()
        );
        // `{:` is the `{` token, then `:`.
        assert!(!parse("prefix p {: }\n").errors.is_empty());
    }

    #[test]
    fn an_empty_string_is_no_token() {
        assert!(
            parse("group g { host h1 \"\"; key k; }\n")
                .errors
                .is_empty()
        );
        assert!(
            !parse("group g { host h1; key \"\"; key k; }\n")
                .errors
                .is_empty()
        );
    }

    #[test]
    fn config_includes_anywhere_until_a_semicolon() {
        let doc = parse("config;\ngroup g { config hosts.cfg; key k; }\nconfig a.cfg\n b.cfg;\n");
        assert!(doc.errors.is_empty(), "{:?}", doc.errors);
        let names: Vec<&str> = doc.includes.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(names, ["hosts.cfg", "a.cfg", "b.cfg"]);
    }

    #[test]
    fn exact_arities() {
        for bad in [
            "group g { host h1; key k; action { do-local x; } }",
            "group g { host h1; key k; action { logfile; } }",
            "group g { host h1; key k; action { logfile a b; } }",
            "prefix p { on h1: /a /b; }",
            "group g { host h1; key k; }}",
            "group g { host h1; key k; } ;",
            "nossl a;",
        ] {
            assert!(!parse(bad).errors.is_empty(), "{bad}");
        }
        for good in [
            "group g { host h1; key k; action { do-local; do-local-only; logfile /l; pattern; exec; } }",
            "group { host h1 (h2) h3; key k; compare; }",
            "prefix p { on h1: /a; }",
            "group g { host h1; key k;\n# c\n}#x",
        ] {
            assert!(
                parse(good).errors.is_empty(),
                "{good}: {:?}",
                parse(good).errors
            );
        }
    }

    #[test]
    fn statements_of_the_schafdog_fork() {
        let text = "hosts {\n local: localhost : 30860;\n peer: localhost;\n}\nredis localhost;\nlock-time 1;\ngroup g { host local; key k; flags 1; }\n";
        let doc = parse(text);
        assert!(doc.errors.is_empty(), "{:?}", doc.errors);
        let keywords: Vec<&str> = doc
            .statements
            .iter()
            .map(|s| s.keyword.text.as_str())
            .collect();
        assert_eq!(keywords, ["hosts", "redis", "lock-time"]);
        // Only where a keyword must be: a host may be named `redis`.
        assert!(
            parse("group g { host redis hosts; key k; }")
                .errors
                .is_empty()
        );
    }

    #[test]
    fn a_group_body_on_its_own() {
        let text = "key /etc/csync2.key;\nhost a b;\n";
        assert!(!parse(text).errors.is_empty());
        let doc = parse_group_body(text);
        assert!(doc.errors.is_empty(), "{:?}", doc.errors);
        assert_eq!(doc.groups[0].keys[0].text, "/etc/csync2.key");
        assert_eq!(doc.groups[0].hosts.len(), 2);
        assert!(!parse_group_body("key k;\n}\n").errors.is_empty());
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
