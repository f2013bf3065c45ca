use crate::diagnostic::{Diagnostic, Fix};
use crate::model::Cluster;
use crate::rules::{declare_rule, edits};
use crate::source::{Span, TextRange};
use crate::suppress::Suppression;

declare_rule! {
    /// ## What it does
    /// Reports an inline suppression comment
    /// (`# clusterlint: ignore[rule-id] reason`) that suppresses nothing: the
    /// rule reports nothing on that line, or the rule id is unknown.
    ///
    /// ## Why is this bad?
    /// A stale suppression would silently hide the finding if the fault came
    /// back later, and a misspelt rule id never suppressed anything.
    ///
    /// ## Example
    /// ```properties
    /// # clusterlint: ignore[liferay/tunnel-https-not-requird] behind TLS offload
    /// tunnel.servlet.https.required=false
    /// ```
    ///
    /// ## How to fix
    /// Correct the rule id, or delete the comment. `--fix` deletes it: the
    /// whole line when the comment is alone on it, else the comment and the
    /// blanks before it (in XML, exactly the comment, and those blanks only
    /// between a tag and the end of the line); of a comment that names
    /// other ids still in use, only the unused id.
    id: "core/unused-suppression",
    severity: Info,
    fix: Safe,
    check: None,
}

/// The finding for the unused suppression `all[index]` (`stale` lists the
/// unused ones), saying `message`.
#[must_use]
pub(crate) fn finding(
    cluster: &Cluster,
    all: &[Suppression],
    index: usize,
    stale: &[usize],
    message: String,
) -> Diagnostic {
    let suppression = &all[index];
    let mut diagnostic = Diagnostic::new(Span::new(suppression.file, suppression.range), message)
        .label("unused suppression")
        .help("correct the rule id, or delete the suppression")
        .with_rule(RULE.id, RULE.default_severity);
    diagnostic.fix = fix(cluster, all, index, stale);
    diagnostic
}

/// Deletes the unused suppression `all[index]`: the whole comment when
/// every id it names is in `stale` (reported as unused), else only that id
/// and its comma. No fix when the comment says more than the suppression
/// (words before `clusterlint:`), since those words would go too.
fn fix(cluster: &Cluster, all: &[Suppression], index: usize, stale: &[usize]) -> Option<Fix> {
    let suppression = &all[index];
    let file = suppression.file;
    let text = &cluster.source(file).text;
    let mut ids: Vec<(usize, &Suppression)> = all
        .iter()
        .enumerate()
        .filter(|(_, s)| s.file == file && s.comment == suppression.comment)
        .collect();
    ids.sort_by_key(|(_, s)| s.range.start);
    if !ids.iter().all(|(i, _)| stale.contains(i)) {
        let at = ids.iter().position(|(i, _)| *i == index)?;
        let range = match (ids.get(at + 1), at.checked_sub(1).map(|p| ids[p].1)) {
            (Some((_, next)), _) => TextRange::new(suppression.range.start, next.range.start),
            (None, Some(previous)) => TextRange::new(previous.range.end, suppression.range.end),
            (None, None) => return None,
        };
        return Some(Fix {
            description: format!("remove `{}` from the suppression", suppression.rule),
            edits: vec![edits::replace(file, range, "")],
        });
    }
    let comment = suppression.comment;
    let (start, end) = (comment.start as usize, comment.end as usize);
    let xml = text.get(start.checked_sub(4)?..start) == Some("<!--")
        && text.get(end..end + 3) == Some("-->");
    let body = &text[start..end];
    let marker = body.find("clusterlint:")?;
    let opener = |c: char| c.is_whitespace() || matches!(c, '#' | ';' | '!');
    if !body[..marker].chars().all(opener) {
        return None;
    }
    let whole = if xml {
        TextRange::from_usize(start - 4..end + 3)
    } else {
        // A comment read up to `\n` holds the `\r` of a CRLF line break.
        TextRange::from_usize(start..end.min(edits::line_end(text, start)))
    };
    let mut range = edits::removal(text, whole, !xml);
    // In XML, blanks between a tag and a comment that ends the line are no
    // content: they go too, and anything else stays exactly as it is.
    if xml && range == whole && edits::ends_line(text, whole.end as usize) {
        let before = text[..whole.start as usize].trim_end_matches([' ', '\t']);
        if before.ends_with('>') {
            range = TextRange::from_usize(before.len()..whole.end as usize);
        }
    }
    let ids: Vec<String> = ids.iter().map(|(_, s)| format!("`{}`", s.rule)).collect();
    Some(Fix {
        description: format!("delete the unused suppression of {}", ids.join(", ")),
        edits: vec![edits::replace(file, range, "")],
    })
}
