//! Invariants every parser keeps, checked by the corpus tests, the replay
//! test and the fuzz targets: no panic, every range inside the text and on
//! character boundaries, the same input giving the same output.

use crate::formats::decode::{self};
use crate::formats::{self, Format};

/// Decodes and parses `bytes` as `format` twice and checks the invariants.
pub fn check_format(format: Format, bytes: &[u8]) -> Result<(), String> {
    let Ok((text, decode_errors)) = decode::decode(bytes.to_vec(), format.spec().encoding()) else {
        return Ok(()); // Not text: reported as unreadable, nothing to parse.
    };
    let doc = formats::parse(format, &text);
    for range in doc
        .ranges()
        .into_iter()
        .chain(decode_errors.iter().map(|e| e.range))
    {
        if range.start > range.end || range.end as usize > text.len() {
            return Err(format!(
                "{format}: range {range:?} outside {} bytes",
                text.len()
            ));
        }
        if !text.is_char_boundary(range.start as usize)
            || !text.is_char_boundary(range.end as usize)
        {
            return Err(format!(
                "{format}: range {range:?} not on a character boundary"
            ));
        }
    }
    // The common tree keeps the document's ranges.
    let tree = doc.tree(&text);
    let mut stack: Vec<&crate::formats::tree::TreeNode> = tree.entries.iter().collect();
    while let Some(node) = stack.pop() {
        for range in std::iter::once(node.range)
            .chain(std::iter::once(node.name_range))
            .chain(node.values.iter().map(|v| v.range))
        {
            if range.start > range.end
                || range.end as usize > text.len()
                || !text.is_char_boundary(range.start as usize)
                || !text.is_char_boundary(range.end as usize)
            {
                return Err(format!(
                    "{format}: tree range {range:?} is not a range of the text"
                ));
            }
        }
        stack.extend(&node.children);
    }
    let again = formats::parse(format, &text);
    if format!("{doc:?}") != format!("{again:?}") {
        return Err(format!("{format}: parsing twice gave two results"));
    }
    Ok(())
}

/// Parses manifest text and checks its error ranges.
pub fn check_manifest(bytes: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(bytes);
    let manifest = crate::manifest::parse(&text);
    for e in &manifest.errors {
        let r = e.range;
        if r.start > r.end || r.end as usize > text.len() {
            return Err(format!(
                "manifest: range {r:?} outside {} bytes",
                text.len()
            ));
        }
    }
    Ok(())
}

/// Lints a cluster made of `files` (cluster path, bytes) twice and checks
/// that every finding's spans lie inside their files on character
/// boundaries, that the JSON report renders, and that both runs agree.
pub fn check_cluster(files: &[(String, Vec<u8>)]) -> Result<(), String> {
    let lint = || {
        let mut workspace = crate::Workspace::new();
        for (path, bytes) in files {
            workspace.add_file(path.clone(), bytes.clone());
        }
        workspace.lint(&crate::LintOptions::default())
    };
    let report = lint();
    for d in &report.diagnostics {
        for span in std::iter::once(d.primary.span).chain(d.related.iter().map(|r| r.span)) {
            let text = &report.files.source(span.file).text;
            let r = span.range;
            if r.start > r.end || r.end as usize > text.len() {
                return Err(format!(
                    "{}: a `{}` span {r:?} lies outside {} bytes of `{}`",
                    d.rule,
                    d.rule,
                    text.len(),
                    report.path(span)
                ));
            }
            if !text.is_char_boundary(r.start as usize) || !text.is_char_boundary(r.end as usize) {
                return Err(format!(
                    "a `{}` span {r:?} of `{}` is not on character boundaries",
                    d.rule,
                    report.path(span)
                ));
            }
        }
    }
    let json = crate::report::json::render(&report);
    if json != crate::report::json::render(&lint()) {
        return Err("linting the same cluster twice gave two reports".to_string());
    }
    Ok(())
}
