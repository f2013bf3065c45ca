//! Enough of the shell to find the commands a start script runs and the
//! variables it sets: words split as `sh` splits them before expansion
//! (quotes, backslashes, `#` comments, `\` line continuations), commands
//! split at newlines, `;`, `&`, `|`, `&&` and `||`. `$VAR` is kept as
//! written.

use crate::formats::deploy::Text;
use crate::source::TextRange;

/// One simple command: its leading `NAME=value` assignments and its words.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShellCommand {
    pub assignments: Vec<(Text, Text)>,
    pub words: Vec<Text>,
}

/// Words that start a compound command or run the rest as a command; the
/// command proper follows them.
const PREFIXES: &[&str] = &[
    "then", "do", "else", "elif", "if", "while", "until", "!", "{", "(", "exec", "nohup", "sudo",
    "time", "command", "env",
];

/// Splits `text` (found at `offset` in its file) into simple commands.
#[must_use]
pub fn commands(text: &str, offset: u32) -> Vec<ShellCommand> {
    let mut out = Vec::new();
    let mut current: Vec<Text> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    let flush = |current: &mut Vec<Text>, out: &mut Vec<ShellCommand>| {
        if !current.is_empty() {
            out.push(split_assignments(std::mem::take(current)));
        }
    };
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b' ' | b'\t' | b'\r' => i += 1,
            b'\\' if bytes.get(i + 1) == Some(&b'\n') => i += 2,
            b'\n' | b';' | b'&' | b'|' | b'(' | b')' => {
                flush(&mut current, &mut out);
                i += 1;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            _ => {
                let (word, end) = word(text, i);
                current.push(Text {
                    value: word,
                    range: TextRange::new(offset + i as u32, offset + end as u32),
                });
                i = end;
            }
        }
    }
    flush(&mut current, &mut out);
    out
}

/// One word starting at `start`: its text after quote removal, and where
/// it ends.
fn word(text: &str, start: usize) -> (String, usize) {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' => break,
            b'\\' => {
                if let Some(next) = text[i + 1..].chars().next().filter(|&c| c != '\n') {
                    out.push(next);
                }
                i += 1 + text[i + 1..].chars().next().map_or(0, char::len_utf8);
            }
            b'\'' => {
                let end = text[i + 1..].find('\'').map_or(text.len(), |e| i + 1 + e);
                out.push_str(&text[i + 1..end]);
                i = (end + 1).min(text.len());
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\'
                        && matches!(bytes.get(i + 1), Some(b'"' | b'\\' | b'$' | b'`'))
                    {
                        out.push(bytes[i + 1] as char);
                        i += 2;
                    } else if bytes[i] == b'\\' && bytes.get(i + 1) == Some(&b'\n') {
                        i += 2;
                    } else {
                        let ch = text[i..].chars().next().unwrap_or(' ');
                        out.push(ch);
                        i += ch.len_utf8();
                    }
                }
                i = (i + 1).min(text.len());
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or(' ');
                out.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    (out, i)
}

/// `A=1 B=2 cmd args`: the assignments, then the command (after the
/// words that only introduce it).
fn split_assignments(words: Vec<Text>) -> ShellCommand {
    let mut command = ShellCommand::default();
    let mut rest = words.into_iter().peekable();
    while let Some(word) = rest.peek() {
        let is_assignment = word.value.split_once('=').is_some_and(|(name, _)| {
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit())
        });
        if word.value == "export" || word.value == "local" || word.value == "readonly" {
            rest.next();
        } else if is_assignment {
            let word = rest.next().unwrap_or_default();
            let (name, value) = word.value.split_once('=').unwrap_or_default();
            let name_len = name.len() as u32;
            command.assignments.push((
                Text {
                    value: name.to_string(),
                    range: TextRange::new(word.range.start, word.range.start + name_len),
                },
                Text {
                    value: value.to_string(),
                    range: TextRange::new(
                        (word.range.start + name_len + 1).min(word.range.end),
                        word.range.end,
                    ),
                },
            ));
        } else if PREFIXES.contains(&word.value.as_str()) {
            rest.next();
        } else {
            break;
        }
    }
    command.words = rest.collect();
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_and_words() {
        let text = "set -e\nexport A=1 B='x y'\nredis-server /etc/r.conf --port 6391 \\\n  --x \"a b\" && stunnel4 s.conf # go\n";
        let found = commands(text, 0);
        let words: Vec<Vec<&str>> = found
            .iter()
            .map(|c| c.words.iter().map(|w| w.value.as_str()).collect())
            .collect();
        assert_eq!(
            words,
            [
                vec!["set", "-e"],
                vec![],
                vec![
                    "redis-server",
                    "/etc/r.conf",
                    "--port",
                    "6391",
                    "--x",
                    "a b"
                ],
                vec!["stunnel4", "s.conf"],
            ]
        );
        assert_eq!(found[1].assignments[1].1.value, "x y");
        let port = &found[2].words[3];
        assert_eq!(port.range.slice(text), "6391");
    }
}
