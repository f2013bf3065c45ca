use rustc_hash::FxHashMap as HashMap;

use crate::diagnostic::Diagnostic;
use crate::formats::Format;
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reports a key written twice in one `portal-*.properties` file.
    /// `include-and-override`, which is a list by design, is exempt.
    ///
    /// ## Why is this bad?
    /// Liferay reads these files with Apache Commons Configuration, where a
    /// repeated key does not replace the earlier value: the values accumulate
    /// and the portal reads them joined with a comma. A second
    /// `jdbc.default.url` or `tunneling.servlet.shared.secret` therefore
    /// yields a value that matches neither line.
    ///
    /// ## Example
    /// ```properties
    /// tunneling.servlet.shared.secret=3f9a1c7e5b2d4a6f8e0c1b3d5a7f9e2c
    /// # ... two hundred lines later
    /// tunneling.servlet.shared.secret=8e0c1b3d5a7f9e2c3f9a1c7e5b2d4a6f
    /// ```
    ///
    /// ## How to fix
    /// Keep one line per key; to build a list, write it on one line, or
    /// continue it with `\`.
    id: "liferay/duplicate-property",
    severity: Warning,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for (index, file) in cluster.files.iter().enumerate() {
        if file.format != Some(Format::LIFERAY_PROPERTIES) {
            continue;
        }
        let Some(doc) = file
            .document
            .get::<crate::formats::properties::PropertiesDocument>()
        else {
            continue;
        };
        let text = &file.source.text;
        let mut first: HashMap<&str, usize> = HashMap::default();
        first.reserve(doc.entries.len());
        for (i, entry) in doc.entries.iter().enumerate() {
            let key = entry.key(text);
            if key == "include-and-override" {
                continue;
            }
            let Some(&earlier) = first.get(key) else {
                first.insert(key, i);
                continue;
            };
            let id = crate::source::FileId(index as u32);
            let line = file
                .source
                .line_col(doc.entries[earlier].key_range.start)
                .line;
            cx.report(
                Diagnostic::new(
                    Span::new(id, entry.key_range),
                    format!("`{key}` is already set on line {line}; Liferay joins both values with a comma"),
                )
                .label("set again here")
                .related(Span::new(id, doc.entries[earlier].key_range), "first set here")
                .help(format!("keep one `{key}` line")),
            );
        }
    }
}
