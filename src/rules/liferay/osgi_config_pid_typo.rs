use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::model::liferay::pids;
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;
use crate::suggest::edit_distance;

declare_rule! {
    /// ## What it does
    /// Checks the file names of OSGi `.config` and `.cfg` files against the
    /// configuration PIDs the portal knows. A name a few characters off a
    /// known PID, or with a known class in the wrong package (the older
    /// `...tunnel.module.configuration` and newer `...internal.tunnel.configuration`
    /// mixed up), is reported with the right name. So is an auth verifier's
    /// factory configuration, such as the TunnelAuthVerifier's, written
    /// without an instance name (`~default`, the instance the portal
    /// configures), and a plain configuration written with one. Other
    /// factory PIDs without an instance name are left alone: Declarative
    /// Services gives such a singleton configuration to the component.
    ///
    /// The file name is the PID: the portal strips `.config`, and the first
    /// `~` (or `_`, or `-`) separates a factory PID from the instance name.
    ///
    /// ## Why is this bad?
    /// The portal files the configuration under the misspelt PID, which no
    /// component reads: the settings are silently ignored. A factory PID
    /// without an instance name creates a plain configuration that the
    /// factory never sees.
    ///
    /// ## Example
    /// ```text
    /// osgi/configs/com.liferay.portal.security.auth.verifier.tunnel.module.configuration.TunnelAuthVerifierConfiguraton-default.config
    /// ```
    ///
    /// ## How to fix
    /// Rename the file to the PID in the message, keeping the instance name:
    /// ```text
    /// osgi/configs/com.liferay.portal.security.auth.verifier.tunnel.module.configuration.TunnelAuthVerifierConfiguration-default.config
    /// ```
    id: "liferay/osgi-config-pid-typo",
    severity: Warning,
    fix: Safe,
    check: Some(check),
}

/// The known PID `pid` is a near miss of, if any.
fn near_miss(pid: &str) -> Option<&'static str> {
    let (package, class) = pid.rsplit_once('.').unwrap_or(("", pid));
    let mut best: Option<(usize, &'static str)> = None;
    for &(known, _) in pids::KNOWN {
        let (known_package, known_class) = known.rsplit_once('.').unwrap_or(("", known));
        // The auth verifiers moved package between versions; the same class
        // in a package close to either one is a mix-up of the two.
        let distance = if class == known_class && class.ends_with("AuthVerifierConfiguration") {
            edit_distance(package, known_package, 24)
        } else {
            edit_distance(pid, known, 3)
        };
        let Some(distance) = distance else { continue };
        if only_digits_differ(pid, known) {
            continue;
        }
        if best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, known));
        }
    }
    best.map(|(_, known)| known)
}

/// Whether the two names differ only in digits (`elasticsearch`,
/// `elasticsearch6` and `elasticsearch7` are all real packages).
fn only_digits_differ(a: &str, b: &str) -> bool {
    let strip = |s: &str| {
        s.chars()
            .filter(|c| !c.is_ascii_digit())
            .collect::<String>()
    };
    strip(a) == strip(b)
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for node in &cluster.nodes {
        let Some(liferay) = cluster.liferay.node(node.id) else {
            continue;
        };
        for config in &liferay.configs {
            let path = &cluster.source(config.file).path;
            let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
            let extension = if name.ends_with(".cfg") {
                ".cfg"
            } else {
                ".config"
            };
            // The separator and instance name as written.
            let suffix = &name[config.pid.len()..name.len() - extension.len()];
            let rename = |pid: &str, suffix: &str| {
                let file = format!("{pid}{suffix}{extension}");
                if dir.is_empty() {
                    file
                } else {
                    format!("{dir}/{file}")
                }
            };
            if let Some(factory) = pids::lookup(&config.pid) {
                if let (false, Some(instance)) = (factory, &config.instance) {
                    let to = rename(&config.pid, "");
                    cx.report(
                        Diagnostic::new(
                            Span::file_start(config.file),
                            format!(
                                "`{name}` gives the configuration `{}` the instance name `{instance}`, which makes it a factory configuration that the component never reads",
                                config.pid
                            ),
                        )
                        .label("in this file's name")
                        .help(format!("rename the file to `{}`", to.rsplit('/').next().unwrap_or(&to)))
                        .fix(Fix { description: "drop the instance name".to_string(), edits: vec![Edit::Rename { file: config.file, to }] }),
                    );
                }
                // Only where the portal itself writes the `~default`
                // instance (the auth verifiers): elsewhere a configuration
                // without an instance name is the component's singleton
                // configuration, which Declarative Services hands to it
                // (`ElasticsearchConnectionConfiguration.config`).
                if factory && config.instance.is_none() && config.pid.contains(".auth.verifier.") {
                    let to = rename(&config.pid, "~default");
                    cx.report(
                        Diagnostic::new(
                            Span::file_start(config.file),
                            format!("`{name}` names the factory configuration `{}` without an instance name, so the factory ignores it", config.pid),
                        )
                        .label("in this file's name")
                        .help(format!("rename the file to `{}`", to.rsplit('/').next().unwrap_or(&to)))
                        .fix(Fix { description: "add the instance name `~default`".to_string(), edits: vec![Edit::Rename { file: config.file, to }] }),
                    );
                }
                continue;
            }
            let Some(known) = near_miss(&config.pid) else {
                continue;
            };
            let to = rename(known, suffix);
            cx.report(
                Diagnostic::new(
                    Span::file_start(config.file),
                    format!("`{name}` is not a configuration the portal knows; the PID is close to `{known}`"),
                )
                .label("the file name gives the PID")
                .help(format!("rename the file to `{}`", to.rsplit('/').next().unwrap_or(&to)))
                .fix(Fix { description: format!("rename to the PID `{known}`"), edits: vec![Edit::Rename { file: config.file, to }] }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses() {
        let tunnel = "com.liferay.portal.security.auth.verifier.tunnel.module.configuration.TunnelAuthVerifierConfiguration";
        assert_eq!(
            near_miss(&tunnel.replace("Configuration", "Configuraton")),
            Some(tunnel)
        );
        let mixed = "com.liferay.portal.security.auth.verifier.internal.tunnel.module.configuration.TunnelAuthVerifierConfiguration";
        assert!(near_miss(mixed).is_some());
        assert_eq!(
            near_miss(
                "com.liferay.portal.search.elasticsearch6.configuration.ElasticsearchConfiguration"
            ),
            None
        );
        assert_eq!(
            near_miss(
                "com.liferay.portal.search.elasticsearch.configuration.ElasticsearchConfiguration"
            ),
            None
        );
        assert_eq!(near_miss("com.example.Unrelated"), None);
    }
}
