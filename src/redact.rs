//! The last guard before findings leave the process: whatever a message,
//! label, help or fix description quotes of a secret value of the cluster
//! (see [`crate::secrets`]) is masked, whichever rule wrote it and however
//! the value got there (substituted into a URL, copied from a line that
//! failed to parse); and what a message quotes is bounded.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::diagnostic::Diagnostic;
use crate::model::Cluster;

/// Pieces of a secret shorter than this are not searched for: they would
/// mask ordinary words, and reveal too little to matter.
const MIN_PIECE: usize = 4;

/// The secret values of a cluster, ready to be found in text.
pub struct Redactor {
    finder: Option<AhoCorasick>,
}

impl Redactor {
    /// Collects every secret value of the cluster's files: each value
    /// whole, and each piece of it between quotes, blanks and separators
    /// (`x"s3cret"` also yields `s3cret`).
    #[must_use]
    pub fn new(cluster: &Cluster) -> Self {
        let mut needles: Vec<String> = Vec::new();
        for file in cluster.files.iter() {
            let text = &file.source.text;
            for range in file.source.secrets() {
                let value = range.slice(text);
                push_value(&mut needles, value);
            }
        }
        needles.sort();
        needles.dedup();
        let finder = (!needles.is_empty())
            .then(|| {
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    // Rules may change a value's case (host names).
                    .ascii_case_insensitive(true)
                    .build(&needles)
                    .ok()
            })
            .flatten();
        Self { finder }
    }

    /// `text` with every secret value in it masked by `*`s.
    #[must_use]
    pub fn mask(&self, text: &str) -> String {
        let Some(finder) = &self.finder else {
            return text.to_string();
        };
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for found in finder.find_iter(text) {
            out.push_str(&text[at..found.start()]);
            let hidden = text[found.start()..found.end()].chars().count();
            out.extend(std::iter::repeat_n('*', hidden));
            at = found.end();
        }
        out.push_str(&text[at..]);
        out
    }

    /// Masks every text of `diagnostic` that leaves the process, then
    /// bounds what each quotes.
    pub fn apply(&self, diagnostic: &mut Diagnostic) {
        let texts = std::iter::once(&mut diagnostic.message)
            .chain(std::iter::once(&mut diagnostic.primary.message))
            .chain(diagnostic.related.iter_mut().map(|l| &mut l.message))
            .chain(diagnostic.help.as_mut())
            .chain(diagnostic.fix.as_mut().map(|f| &mut f.description));
        for text in texts {
            *text = bounded(&self.mask(text));
        }
    }
}

/// The longest quotation (between backticks) a message keeps whole, and
/// the longest message.
const MAX_QUOTE: usize = 160;
const MAX_MESSAGE: usize = 2_000;

/// `text` with every quotation longer than [`MAX_QUOTE`] characters cut in
/// its middle, and the whole cut at [`MAX_MESSAGE`]: a value of megabytes
/// is not repeated in every output.
fn bounded(text: &str) -> String {
    if text.len() <= MAX_QUOTE {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len().min(MAX_MESSAGE + 8));
    for (i, part) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        let chars = part.chars().count();
        if i % 2 == 1 && chars > MAX_QUOTE {
            let head: String = part.chars().take(MAX_QUOTE / 2).collect();
            let tail: String = part.chars().skip(chars - MAX_QUOTE / 4).collect();
            out.push_str(&head);
            out.push('…');
            out.push_str(&tail);
        } else {
            out.push_str(part);
        }
    }
    if out.chars().count() > MAX_MESSAGE {
        out = out.chars().take(MAX_MESSAGE).collect();
        out.push('…');
    }
    out
}

/// Adds a secret value and its pieces to `needles`.
fn push_value(needles: &mut Vec<String>, value: &str) {
    let is_separator = |c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '"' | '\'' | '`' | '=' | ',' | ';' | '(' | ')' | '<' | '>' | '&'
            )
    };
    // Values that are no secret material however they are named.
    let plain = |piece: &str| {
        piece.chars().all(|c| c.is_ascii_digit())
            || ["true", "false", "none", "null", "amp;"]
                .contains(&piece.to_ascii_lowercase().as_str())
    };
    let whole = value.trim_matches(is_separator);
    if whole.chars().count() >= MIN_PIECE && !plain(whole) {
        needles.push(whole.to_string());
    }
    for piece in whole.split(is_separator) {
        if piece.chars().count() >= MIN_PIECE && piece != whole && !plain(piece) {
            needles.push(piece.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor(values: &[&str]) -> Redactor {
        let mut needles = Vec::new();
        for value in values {
            push_value(&mut needles, value);
        }
        Redactor {
            finder: AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .ascii_case_insensitive(true)
                .build(&needles)
                .ok(),
        }
    }

    #[test]
    fn long_quotations_and_messages_are_cut() {
        let value = "x".repeat(100_000);
        let message = bounded(&format!("`{value}` is not valid"));
        assert!(message.len() < MAX_QUOTE * 2, "{}", message.len());
        assert!(message.ends_with("` is not valid"));
        assert!(bounded(&"y ".repeat(50_000)).chars().count() <= MAX_MESSAGE + 1);
        assert_eq!(bounded("`short` stays"), "`short` stays");
    }

    #[test]
    fn quoted_values_and_their_pieces_are_masked() {
        let r = redactor(&["x\"Gh7Jk9Lq\"", "abc", "hook:Zq9-pw"]);
        assert_eq!(r.mask("`Gh7Jk9Lq` differs"), "`********` differs");
        assert_eq!(r.mask("`gh7jk9lq`"), "`********`");
        assert_eq!(
            r.mask("exec \"curl https://hook:Zq9-pw@h\""),
            "exec \"curl https://***********@h\""
        );
        // Too short to look for.
        assert_eq!(r.mask("abc abcd"), "abc abcd");
    }
}
