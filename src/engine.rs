//! Runs the rules over the cluster model, then applies the user's settings:
//! rule selection, severities, inline suppressions; sorts and deduplicates.
//! Rules report with their default severity; only this stage changes it.

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Severity};
use crate::facts::{AsFact, Fact, FactKind};
use crate::manifest::Settings;
use crate::model::Cluster;
use crate::rules::{self, Rule, RuleContext};
use crate::source::Span;
use crate::suppress;

/// Rule selection given by the caller (the command line). It refines the
/// manifest's `[rules]`: `select` replaces it, `ignore` and `severity` add.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub severity: Vec<(String, Severity)>,
    /// The moment certificates are judged at (unix seconds); `None`: the
    /// manifest's `[tls] as-of`, else now.
    pub as_of: Option<i64>,
}

impl LintOptions {
    /// Checks that every selector names a rule, a pack, or one of the
    /// `custom` checks the clusters' manifests declare (or their prefix).
    pub fn validate_known(&self, custom: &[String]) -> Result<(), String> {
        let selectors = self
            .select
            .iter()
            .flatten()
            .chain(&self.ignore)
            .chain(self.severity.iter().map(|(s, _)| s));
        for selector in selectors {
            let declared = custom.iter().any(|id| picks(selector, id));
            if !is_selector(selector) && !declared {
                let candidates: Vec<&str> = rules::ALL
                    .iter()
                    .map(|r| r.id)
                    .chain(rules::packs())
                    .chain(custom.iter().map(String::as_str))
                    .collect();
                let hint = crate::suggest::did_you_mean(selector, candidates.iter().copied());
                return Err(format!(
                    "`{selector}` is neither a rule id, a pack nor a check of the cluster's manifest{hint}"
                ));
            }
        }
        Ok(())
    }

    /// Checks that every selector names a rule or pack.
    pub fn validate(&self) -> Result<(), String> {
        let selectors = self
            .select
            .iter()
            .flatten()
            .chain(&self.ignore)
            .chain(self.severity.iter().map(|(s, _)| s));
        for selector in selectors {
            // A selector with a prefix of the user's may name a `[[check]]`
            // of a manifest not read yet.
            if !is_selector(selector) && !may_be_custom(selector) {
                return Err(unknown_selector(selector));
            }
        }
        Ok(())
    }
}

/// Whether `selector` is a rule id or a pack name.
#[must_use]
pub fn is_selector(selector: &str) -> bool {
    rules::find(selector).is_some() || rules::packs().contains(&selector)
}

/// Whether `selector` has a prefix no built-in pack uses (so it may name
/// a custom check or its prefix).
fn may_be_custom(selector: &str) -> bool {
    let prefix = selector.split_once('/').map_or(selector, |(p, _)| p);
    !prefix.is_empty() && !crate::custom::BUILT_IN_PACKS.contains(&prefix)
}

/// Whether `selector` names a custom check of the cluster, or their prefix.
fn is_custom(settings: &Settings, selector: &str) -> bool {
    settings.manifest().is_some_and(|m| {
        m.checks
            .iter()
            .any(|c| c.id == selector || c.id.split_once('/').is_some_and(|(p, _)| p == selector))
    })
}

/// Whether a selector picks a custom check's finding.
fn picks(selector: &str, id: &str) -> bool {
    selector == id || id.split_once('/').is_some_and(|(p, _)| p == selector)
}

fn unknown_selector(selector: &str) -> String {
    let candidates: Vec<&str> = rules::ALL
        .iter()
        .map(|r| r.id)
        .chain(rules::packs())
        .collect();
    let hint = crate::suggest::did_you_mean(selector, candidates.iter().copied());
    format!("`{selector}` is neither a rule id nor a pack{hint}")
}

fn matches(selector: &str, rule: &Rule) -> bool {
    rules::canonical(selector) == rule.id || selector == rule.pack()
}

/// Which rules run and at what severity.
struct RuleSettings {
    enabled: Vec<bool>,
    severity: Vec<Severity>,
    /// The merged settings, for the custom checks' findings.
    select: Option<Vec<String>>,
    ignore: Vec<String>,
    severities: Vec<(String, Severity)>,
}

impl RuleSettings {
    /// The severity of custom check `id`'s findings (its own, `declared`,
    /// unless a later and more specific setting says otherwise); `None`
    /// when the settings leave the check out.
    fn custom(&self, id: &str, declared: Severity) -> Option<Severity> {
        let selected = self
            .select
            .as_ref()
            .is_none_or(|s| s.iter().any(|sel| picks(sel, id)));
        let ignored = self.ignore.iter().any(|sel| picks(sel, id));
        if !selected || ignored {
            return None;
        }
        let by = |exact: bool| {
            self.severities
                .iter()
                .rev()
                .find(|(s, _)| if exact { s == id } else { picks(s, id) })
                .map(|(_, l)| *l)
        };
        Some(by(true).or_else(|| by(false)).unwrap_or(declared))
    }
}

/// Merges the manifest's `[rules]` with `options`; unknown names in the
/// manifest are facts for `core/manifest-error`, added to `out`.
fn resolve(settings: &Settings, options: &LintOptions, out: &mut Vec<Fact>) -> RuleSettings {
    let mut select: Option<Vec<String>> = None;
    let mut ignore: Vec<String> = Vec::new();
    let mut severity: Vec<(String, Severity)> = Vec::new();
    if let Some((file, manifest)) = &settings.manifest {
        let rules = &manifest.rules;
        let mut check = |name: &str, range| {
            if !is_selector(name) && !is_custom(settings, name) {
                out.push(
                    Diagnostic::new(Span::new(*file, range), unknown_selector(name))
                        .label("unknown rule")
                        .help("`clusterlint rules` lists the rule ids and packs")
                        .fact(FactKind::ManifestError),
                );
            }
        };
        for s in rules.select.iter().flatten().chain(&rules.ignore) {
            check(&s.value, s.range);
        }
        for (rule, _) in &rules.severity {
            check(&rule.value, rule.range);
        }
        select = rules
            .select
            .as_ref()
            .map(|s| s.iter().map(|l| l.value.clone()).collect());
        ignore.extend(rules.ignore.iter().map(|l| l.value.clone()));
        severity.extend(
            rules
                .severity
                .iter()
                .map(|(r, s)| (r.value.clone(), s.value)),
        );
    }
    if let Some(cli) = &options.select {
        select = Some(cli.clone());
    }
    ignore.extend(options.ignore.iter().cloned());
    severity.extend(options.severity.iter().cloned());

    let enabled = rules::ALL
        .iter()
        .map(|rule| {
            // Core rules run whatever `select` says; only an explicit id ignores one.
            let selected = rule.pack() == "core"
                || select
                    .as_ref()
                    .is_none_or(|s| s.iter().any(|sel| matches(sel, rule)));
            let ignored = ignore.iter().any(|sel| {
                if rule.pack() == "core" {
                    sel == rule.id
                } else {
                    matches(sel, rule)
                }
            });
            selected && !ignored
        })
        .collect();
    let severity_of = rules::ALL
        .iter()
        .map(|rule| {
            // A later and more specific setting wins: ids beat packs.
            let by_pack = severity
                .iter()
                .rev()
                .find(|(s, _)| s == rule.pack())
                .map(|(_, l)| *l);
            let by_id = severity
                .iter()
                .rev()
                .find(|(s, _)| rules::canonical(s) == rule.id)
                .map(|(_, l)| *l);
            by_id.or(by_pack).unwrap_or(rule.default_severity)
        })
        .collect();
    RuleSettings {
        enabled,
        severity: severity_of,
        select,
        ignore,
        severities: severity,
    }
}

/// The environment variable naming a rule that then panics with the text
/// of the cluster's first file as its message: the tests use it to prove a
/// panic is reported without its message. Read only in debug builds and
/// with the `testing` feature.
pub const PANIC_IN_RULE: &str = "CLUSTERLINT_TEST_PANIC_IN_RULE";

#[cfg(any(debug_assertions, feature = "testing"))]
fn panic_if_asked(cluster: &Cluster, rule: &Rule) {
    if std::env::var_os(PANIC_IN_RULE).is_some_and(|id| id == rule.id) {
        let text = cluster.files.first().map_or("", |f| &*f.source.text);
        panic!("{text}");
    }
}

#[cfg(not(any(debug_assertions, feature = "testing")))]
fn panic_if_asked(_cluster: &Cluster, _rule: &Rule) {}

fn internal_error(rule: &Rule) -> Diagnostic {
    Diagnostic::new(
        Span::file_start(crate::source::FileId(0)),
        format!(
            "internal error: `{}` stopped on this cluster, so its findings are missing; the other rules ran (please report it)",
            rule.id
        ),
    )
    .with_rule(rule.id, Severity::Error)
}

/// Runs every enabled rule (the core rules report `facts`, what reading the
/// cluster observed) and applies settings and suppressions. The result is sorted by path,
/// position and rule.
#[must_use]
pub fn run(
    cluster: &Cluster,
    settings: &Settings,
    mut facts: Vec<Fact>,
    options: &LintOptions,
) -> Vec<Diagnostic> {
    let resolved = resolve(settings, options, &mut facts);
    let as_of = options
        .as_of
        .or_else(|| {
            settings
                .manifest()
                .and_then(|m| m.tls_as_of.as_ref())
                .map(|d| d.value)
        })
        .unwrap_or_else(crate::clock::now);
    facts.extend(crate::custom::unknown_targets(cluster, settings));
    // Rules only read the cluster: they run in parallel, each into its own
    // list, merged in rule order so the output does not depend on timing.
    let per_rule: Vec<Vec<Diagnostic>> = rules::ALL
        .par_iter()
        .enumerate()
        .map(|(index, rule)| {
            let mut out = Vec::new();
            if let (true, Some(check)) = (resolved.enabled[index], rule.check) {
                // A rule that panics is reported, and the others still run;
                // the panic's message is never shown (it may quote a value).
                let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    panic_if_asked(cluster, rule);
                    check(&mut RuleContext::new(
                        cluster, settings, &facts, rule, &mut out, as_of,
                    ));
                }));
                if ran.is_err() {
                    out = vec![internal_error(rule)];
                }
            }
            out
        })
        .collect();
    let mut found: Vec<Diagnostic> = per_rule.into_iter().flatten().collect();
    // The user's own `[[check]]`s, reported like the rules and selected,
    // ignored and reweighted the same way.
    for mut d in crate::custom::run(cluster, settings) {
        if let Some(severity) = resolved.custom(&d.rule, d.severity) {
            d.severity = severity;
            found.push(d);
        }
    }
    let index_of = |id: &str| rules::ALL.iter().position(|r| r.id == id);
    found.retain(|d| index_of(&d.rule).is_none_or(|i| resolved.enabled[i]));

    let mut suppressions = suppress::collect(cluster);
    for suppression in &mut suppressions {
        let canonical = rules::canonical(&suppression.rule);
        if canonical != suppression.rule {
            suppression.rule = canonical.to_string();
        }
    }
    suppress::apply(cluster, &mut found, &mut suppressions);
    let unused = rules::core::unused_suppression::RULE.id;
    let unused_enabled = index_of(unused).is_some_and(|i| resolved.enabled[i]);
    let mut stale: Vec<(usize, String)> = Vec::new();
    for (i, s) in suppressions.iter().enumerate().filter(|(_, s)| !s.used) {
        let known = rules::find(&s.rule)
            .map(|r| r.id)
            .or_else(|| rules::packs().into_iter().find(|p| *p == s.rule))
            .or_else(|| is_custom(settings, &s.rule).then_some(""));
        let message = match known {
            None => format!(
                "this suppression names `{}`, which is neither a rule id nor a pack",
                s.rule
            ),
            Some(_) if !index_of(&s.rule).is_none_or(|i| resolved.enabled[i]) => continue,
            Some(_) => format!("this suppression of `{}` matches no finding", s.rule),
        };
        stale.push((i, message));
    }
    if unused_enabled {
        let indexes: Vec<usize> = stale.iter().map(|(i, _)| *i).collect();
        for (i, message) in stale {
            found.push(rules::core::unused_suppression::finding(
                cluster,
                &suppressions,
                i,
                &indexes,
                message,
            ));
        }
    }

    for d in &mut found {
        if let Some(i) = index_of(&d.rule) {
            d.severity = resolved.severity[i];
        }
    }
    found.sort_by(|a, b| {
        let path = |d: &Diagnostic| cluster.source(d.primary.span.file).path.as_str();
        path(a)
            .cmp(path(b))
            .then(a.primary.span.range.start.cmp(&b.primary.span.range.start))
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.message.cmp(&b.message))
    });
    found.dedup_by(|a, b| {
        a.rule == b.rule && a.primary.span == b.primary.span && a.message == b.message
    });
    // Whatever a rule quoted, no secret value leaves in a message.
    let redactor = crate::redact::Redactor::new(cluster);
    for d in &mut found {
        redactor.apply(d);
    }
    found
}
