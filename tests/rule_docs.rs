//! `rules/` holds the rule reference, generated from each rule's doc
//! comment. This test fails when a page is stale; run it with
//! `UPDATE_RULE_DOCS=1` to rewrite the pages.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use clusterlint::rules;

fn pages() -> Vec<(String, String)> {
    let mut pages = Vec::new();
    let mut index = String::from(
        "# Rule reference\n\nGenerated from the rules' doc comments by `tests/rule_docs.rs`; `clusterlint rule ID` prints the same text.\n\n| rule | severity | what it checks |\n| --- | --- | --- |\n",
    );
    for rule in rules::ALL {
        let (pack, name) = rule.id.split_once('/').unwrap();
        pages.push((format!("{pack}/{name}.md"), rule.reference_page()));
        let _ = writeln!(
            index,
            "| [`{}`]({pack}/{name}.md) | {} | {} |",
            rule.id,
            rule.default_severity,
            rule.summary().replace('|', "\\|")
        );
    }
    for (alias, id) in rules::ALIASES {
        let (pack, name) = alias.split_once('/').unwrap();
        let (target_pack, target_name) = id.split_once('/').unwrap();
        pages.push((
            format!("{pack}/{name}.md"),
            format!(
                "# {alias}\n\nA former id of [`{id}`](../{target_pack}/{target_name}.md): it still selects, ignores, sets the severity of and suppresses that rule.\n"
            ),
        ));
    }
    pages.push(("README.md".to_string(), index));
    pages
}

#[test]
fn rule_reference_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let update = std::env::var_os("UPDATE_RULE_DOCS").is_some();
    let mut stale = Vec::new();
    let expected = pages();
    for (path, text) in &expected {
        let file = root.join(path);
        if update {
            fs::create_dir_all(file.parent().unwrap()).unwrap();
            fs::write(&file, text).unwrap();
        } else if fs::read_to_string(&file).ok().as_deref() != Some(text.as_str()) {
            stale.push(path.clone());
        }
    }
    // No page for a rule that no longer exists.
    for pack in fs::read_dir(&root)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().is_dir())
    {
        for page in fs::read_dir(pack.path()).into_iter().flatten().flatten() {
            let rel = format!(
                "{}/{}",
                pack.file_name().to_string_lossy(),
                page.file_name().to_string_lossy()
            );
            if !expected.iter().any(|(p, _)| *p == rel) {
                stale.push(format!("{rel} (no such rule)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale rule reference pages (run `UPDATE_RULE_DOCS=1 cargo test --test rule_docs`): {stale:?}"
    );
}

#[test]
fn rule_ids_are_stable() {
    // Ids are a contract: suppressions and CI pipelines name them.
    let mut ids: Vec<String> = rules::ALL.iter().map(|r| r.id.to_string()).collect();
    ids.extend(
        rules::ALIASES
            .iter()
            .map(|(alias, id)| format!("{alias} -> {id}")),
    );
    insta::assert_snapshot!("rule_ids", ids.join("\n"));
}
