//! Tomcat `setenv.bat`: the `set` commands of a Windows batch file and the
//! `-Dname=value` JVM options in their values, read into the same document
//! as `setenv.sh`.
//!
//! What `cmd.exe` does that matters here: a line is one command (a `^` at
//! its end continues it on the next); `rem` and `::` start comment lines;
//! `set NAME=value` takes the rest of the line as the value, quotes
//! included, while `set "NAME=value"` takes what lies between the first
//! quote and the last one; `%NAME%` is replaced by the variable's value
//! (names without case), `%%` by `%`. Every variable `set` defines is seen
//! by the JVM that `catalina.bat` starts. Nothing here is an error: `cmd`
//! reads any line. `set /a` (arithmetic) and
//! `set /p` (a prompt) define nothing that can be read here.

use rustc_hash::FxHashMap as HashMap;

use crate::source::TextRange;

use super::{Assignment, SetenvDocument, SystemProperty};

/// Parses `setenv.bat` text.
#[must_use]
pub fn parse(text: &str) -> SetenvDocument {
    let mut doc = SetenvDocument::default();
    let mut values: HashMap<String, String> = HashMap::default();
    for line in logical_lines(text) {
        command(text, &line, &mut doc, &mut values);
    }
    doc
}

/// A command line: its characters with their offsets (a `^` continuation
/// joins physical lines), and the range it spans.
struct Line {
    chars: Vec<(char, u32)>,
    range: TextRange,
}

impl Line {
    fn sub_range(&self, from: usize, to: usize, text: &str) -> TextRange {
        if from >= to || from >= self.chars.len() {
            let at = self.chars.get(from).map_or(self.range.end, |&(_, at)| at);
            return TextRange::empty(at);
        }
        let start = self.chars[from].1;
        let (last, at) = self.chars[to.min(self.chars.len()) - 1];
        let end = at + last.len_utf8() as u32;
        TextRange::new(
            start,
            crate::source::clamp_to_char_boundary(text, end.max(start)),
        )
    }
}

fn logical_lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut chars: Vec<(char, u32)> = Vec::new();
    let mut start: Option<u32> = None;
    let mut physical = text.split_inclusive('\n').peekable();
    let mut offset = 0u32;
    while let Some(raw) = physical.next() {
        let body = raw.trim_end_matches(['\n', '\r']);
        start.get_or_insert(offset);
        let continued = body.ends_with('^') && !body.ends_with("^^");
        let kept = if continued {
            &body[..body.len() - 1]
        } else {
            body
        };
        for (i, c) in kept.char_indices() {
            chars.push((c, offset + i as u32));
        }
        let end = offset + body.len() as u32;
        offset += raw.len() as u32;
        if !continued || physical.peek().is_none() {
            out.push(Line {
                chars: std::mem::take(&mut chars),
                range: TextRange::new(start.take().unwrap_or(end), end),
            });
        }
    }
    out
}

fn command(
    text: &str,
    line: &Line,
    doc: &mut SetenvDocument,
    values: &mut HashMap<String, String>,
) {
    let chars = &line.chars;
    let mut i = 0;
    while i < chars.len() && (chars[i].0.is_whitespace() || chars[i].0 == '@') {
        i += 1;
    }
    let rest: String = chars[i..].iter().map(|&(c, _)| c).collect();
    let lower = rest.to_ascii_lowercase();
    let word_end = |n: usize| {
        rest[n..]
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || matches!(c, '.' | ':' | ',' | ';' | '='))
    };
    if lower.starts_with("::") || (lower.starts_with("rem") && word_end(3)) {
        doc.comments.push(line.sub_range(i, chars.len(), text));
        return;
    }
    if !(lower.starts_with("set") && rest.len() > 3 && word_end(3)) {
        return;
    }
    i += 3;
    while i < chars.len() && chars[i].0.is_whitespace() {
        i += 1;
    }
    // `set /a`, `set /p`: nothing a reader can know.
    if chars.get(i).is_some_and(|&(c, _)| c == '/') {
        return;
    }
    let (from, to) = if chars.get(i).is_some_and(|&(c, _)| c == '"') {
        // Without a closing quote, `cmd` takes the rest of the line.
        let close = (i + 1..chars.len())
            .rev()
            .find(|&j| chars[j].0 == '"')
            .unwrap_or(chars.len());
        (i + 1, close)
    } else {
        (i, chars.len())
    };
    let Some(eq) = (from..to).find(|&j| chars[j].0 == '=') else {
        // `set` or `set NAME` lists variables.
        return;
    };
    let name: String = chars[from..eq].iter().map(|&(c, _)| c).collect();
    if name.is_empty() || name.chars().any(char::is_whitespace) {
        return;
    }
    let value = expand(&chars[eq + 1..to], values);
    values.insert(name.to_ascii_uppercase(), value.clone());
    doc.assignments.push(Assignment {
        name,
        name_range: line.sub_range(from, eq, text),
        value,
        value_range: line.sub_range(eq + 1, to, text),
        exported: true,
    });
    system_properties(text, line, eq + 1, to, doc);
}

/// `%NAME%` replaced by an earlier value (kept as written when unknown),
/// `%%` by `%`.
fn expand(chars: &[(char, u32)], values: &HashMap<String, String>) -> String {
    let raw: String = chars.iter().map(|&(c, _)| c).collect();
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw.as_str();
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(stripped) = after.strip_prefix('%') {
            out.push('%');
            rest = stripped;
            continue;
        }
        match after.find('%') {
            Some(end)
                if !after[..end].is_empty() && !after[..end].contains(char::is_whitespace) =>
            {
                let name = &after[..end];
                if let Some(value) = values.get(&name.to_ascii_uppercase()) {
                    out.push_str(value);
                } else {
                    out.push('%');
                    out.push_str(name);
                    out.push('%');
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push('%');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `-D` options written in a value (not those an expansion brings
/// in, which are found where they are written): blank-separated tokens,
/// where double quotes group blanks and are not part of the option.
fn system_properties(text: &str, line: &Line, from: usize, to: usize, doc: &mut SetenvDocument) {
    let chars = &line.chars;
    let mut i = from;
    while i < to {
        while i < to && chars[i].0.is_whitespace() {
            i += 1;
        }
        let start = i;
        let mut quoted = false;
        // The token's characters without its quotes, by index.
        let mut kept: Vec<usize> = Vec::new();
        while i < to && (quoted || !chars[i].0.is_whitespace()) {
            if chars[i].0 == '"' {
                quoted = !quoted;
            } else {
                kept.push(i);
            }
            i += 1;
        }
        let token: String = kept.iter().map(|&k| chars[k].0).collect();
        let Some(body) = token.strip_prefix("-D") else {
            continue;
        };
        if body.is_empty() || start == i {
            continue;
        }
        let range = line.sub_range(start, i, text);
        let (name, value, value_range) = match body.find('=') {
            Some(eq) => {
                let eq_index = kept[2 + body[..eq].chars().count()];
                // The value's text, its quotes included.
                let value_range = line.sub_range(eq_index + 1, i, text);
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

    const SETENV: &str = "@echo off\r\nrem JVM options for the portal.\r\n:: Liferay\r\nset \"CATALINA_OPTS=%CATALINA_OPTS% -Dfile.encoding=UTF-8 -Djava.net.preferIPv4Stack=false\"\r\nset JAVA_OPTS=-Xmx2g -Duser.timezone=GMT -Dlabel=\"a b\"\r\nset LIFERAY_HOME=C:\\liferay\r\nset \"LIFERAY_WEB_PERIOD_SERVER_PERIOD_HOST=%COMPUTERNAME%\"\r\nset \"HOME2=%liferay_home%\\data\"\r\nset /a N=1+2\r\n";

    #[test]
    fn reads_sets_and_options() {
        let doc = parse(SETENV);
        assert!(doc.errors.is_empty());
        assert_eq!(doc.comments.len(), 2);
        assert_eq!(
            doc.comments[0].slice(SETENV),
            "rem JVM options for the portal."
        );
        assert_eq!(doc.comments[1].slice(SETENV), ":: Liferay");
        let names: Vec<&str> = doc.assignments.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "CATALINA_OPTS",
                "JAVA_OPTS",
                "LIFERAY_HOME",
                "LIFERAY_WEB_PERIOD_SERVER_PERIOD_HOST",
                "HOME2"
            ]
        );
        let catalina = &doc.assignments[0];
        assert_eq!(catalina.name_range.slice(SETENV), "CATALINA_OPTS");
        assert_eq!(
            catalina.value_range.slice(SETENV),
            "%CATALINA_OPTS% -Dfile.encoding=UTF-8 -Djava.net.preferIPv4Stack=false"
        );
        assert!(catalina.exported);
        // Unknown variables stay as written; known ones expand, without case.
        assert_eq!(doc.assignments[3].value, "%COMPUTERNAME%");
        assert_eq!(doc.assignments[4].value, "C:\\liferay\\data");
        let p = doc.system_property("java.net.preferIPv4Stack").unwrap();
        assert_eq!(p.range.slice(SETENV), "-Djava.net.preferIPv4Stack=false");
        assert_eq!(p.value_range.unwrap().slice(SETENV), "false");
        let tz = doc.system_property("user.timezone").unwrap();
        assert_eq!(tz.range.slice(SETENV), "-Duser.timezone=GMT");
        let label = doc.system_property("label").unwrap();
        assert_eq!(label.value.as_deref(), Some("a b"));
        assert_eq!(label.range.slice(SETENV), "-Dlabel=\"a b\"");
        assert_eq!(doc.system_properties.len(), 4);
    }

    #[test]
    fn continuation_and_unclosed_quote() {
        let text = "set JAVA_OPTS=-Da=1 ^\n -Db=2\nset \"X=abc\n";
        let doc = parse(text);
        let b = doc.system_property("b").unwrap();
        assert_eq!(b.range.slice(text), "-Db=2");
        assert!(doc.errors.is_empty());
        assert_eq!(doc.assignments[1].value, "abc");
    }

    #[test]
    fn secrets_are_marked() {
        use crate::formats::ParsedDocument;
        let text = "set \"LIFERAY_JDBC_PERIOD_DEFAULT_PERIOD_PASSWORD=s3cret\"\r\nset JAVA_OPTS=-Djavax.net.ssl.keyStorePassword=hunter2 -Da=1\r\n";
        let doc = parse(text);
        let masked: Vec<&str> = doc.secrets(text).iter().map(|r| r.slice(text)).collect();
        assert_eq!(masked, ["s3cret", "hunter2"]);
    }

    #[test]
    fn expansion_escapes() {
        let values: HashMap<String, String> =
            [("A".to_string(), "1".to_string())].into_iter().collect();
        let chars: Vec<(char, u32)> = "%a%%%b 50%".chars().map(|c| (c, 0)).collect();
        assert_eq!(expand(&chars, &values), "1%b 50%");
    }
}
