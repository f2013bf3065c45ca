//! Invariants every parser keeps, checked by the corpus tests, the replay
//! test and the fuzz targets: no panic, every range inside the text and on
//! character boundaries, the same input giving the same output.

use crate::formats::decode::{self, Encoding};
use crate::formats::{self, Format};

/// Decodes and parses `bytes` as `format` twice and checks the invariants.
pub fn check_format(format: Format, bytes: &[u8]) -> Result<(), String> {
    let Ok((text, decode_errors)) = decode::decode(bytes.to_vec(), Encoding::of(format)) else {
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
