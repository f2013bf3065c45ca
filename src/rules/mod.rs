//! The rule registry. Each rule is one file holding one [`Rule`] whose doc
//! comment is its user documentation (`clusterlint rule ID`, the pages under
//! `rules/`, LSP hover). Adding a rule: write the file, add one line to
//! [`ALL`], add fixtures.

#[doc(hidden)]
pub mod consensus;
#[doc(hidden)]
pub mod core;
#[doc(hidden)]
pub mod edits;
#[doc(hidden)]
pub mod gluu;
#[doc(hidden)]
pub mod kaazing;
#[doc(hidden)]
pub mod liferay;
#[doc(hidden)]
pub mod net;
#[doc(hidden)]
pub mod nginx;
#[doc(hidden)]
pub mod opendj;
#[doc(hidden)]
pub mod redis;
#[doc(hidden)]
pub mod stunnel;
#[doc(hidden)]
pub mod tls;

use crate::diagnostic::{Diagnostic, Severity};
use crate::facts::{Fact, FactKind};
use crate::manifest::Settings;
use crate::model::{Cluster, Node, Role};
use crate::source::Span;

/// A built-in rule.
#[derive(Debug)]
pub struct Rule {
    /// `<pack>/<name>`, fixed forever.
    pub id: &'static str,
    /// The severity of its findings unless the settings say otherwise.
    pub default_severity: Severity,
    /// The doc comment, one line per `///`.
    raw_doc: &'static str,
    /// `None` for rules reported on behalf of other rules (a role or an
    /// address they need) or by the engine once suppressions are applied
    /// (unused suppressions).
    #[doc(hidden)]
    pub check: Option<fn(&mut RuleContext<'_>)>,
    /// Whether the rule's findings carry a fix, and how safe it is.
    pub fix: Option<Applicability>,
}

/// How safe a rule's fix is to apply without reading it, as ruff says it:
/// `--fix` applies safe fixes; unsafe ones, which change who may connect
/// or where traffic goes, need `--unsafe-fixes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Applicability {
    /// Keeps what the configuration means, or restores what it plainly
    /// meant (a misspelt name, a deprecated form).
    Safe,
    /// Grants access or routes traffic: right in the common case, but
    /// someone should read it.
    Unsafe,
}

impl Applicability {
    /// `safe` or `unsafe`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Safe => "safe",
            Self::Unsafe => "unsafe",
        }
    }
}

impl Rule {
    #[doc(hidden)]
    #[must_use]
    pub const fn new(
        id: &'static str,
        default_severity: Severity,
        raw_doc: &'static str,
        check: Option<fn(&mut RuleContext<'_>)>,
    ) -> Self {
        Self {
            id,
            default_severity,
            raw_doc,
            check,
            fix: None,
        }
    }

    /// The rule's findings carry fixes of this safety.
    #[doc(hidden)]
    #[must_use]
    pub const fn with_fix(mut self, fix: Applicability) -> Self {
        self.fix = Some(fix);
        self
    }

    /// The pack, the part of the id before `/`.
    #[must_use]
    pub fn pack(&self) -> &'static str {
        self.id.split_once('/').map_or(self.id, |(pack, _)| pack)
    }

    /// The rule's documentation as Markdown.
    #[must_use]
    pub fn doc(&self) -> String {
        let mut out = String::with_capacity(self.raw_doc.len());
        for line in self.raw_doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_string() + "\n"
    }

    /// The first sentence of "What it does".
    #[must_use]
    pub fn summary(&self) -> String {
        let doc = self.doc();
        let paragraph: Vec<&str> = doc
            .lines()
            .skip_while(|l| l.starts_with('#') || l.trim().is_empty())
            .take_while(|l| !l.trim().is_empty())
            .collect();
        let text = paragraph.join(" ");
        match text.find(". ") {
            Some(end) => text[..=end].to_string(),
            None => text,
        }
    }

    /// The reference page for this rule, as generated under `rules/`.
    #[must_use]
    pub fn reference_page(&self) -> String {
        let fix = match self.fix {
            Some(Applicability::Safe) => "\nFix: **safe** (`--fix` applies it)\n",
            Some(Applicability::Unsafe) => {
                "\nFix: **unsafe** (`--fix --unsafe-fixes` applies it; read it first)\n"
            }
            None => "",
        };
        format!(
            "# {}\n\nDefault severity: **{}**\n{fix}\n{}",
            self.id,
            self.default_severity,
            self.doc()
        )
    }
}

/// Declares the `RULE` of a rule file; the doc comment is its documentation.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])+
        id: $id:literal,
        severity: $severity:ident,
        $(fix: $fix:ident,)?
        check: $check:expr $(,)?
    ) => {
        $(#[doc = $doc])+
        pub static RULE: $crate::rules::Rule = $crate::rules::Rule::new(
            $id,
            $crate::diagnostic::Severity::$severity,
            concat!($($doc, "\n"),+),
            $check,
        )$(.with_fix($crate::rules::Applicability::$fix))?;
    };
}
pub(crate) use declare_rule;

/// Every built-in rule, in catalogue order.
pub static ALL: &[&Rule] = &[
    &core::parse_error::RULE,
    &core::unreadable_file::RULE,
    &core::manifest_error::RULE,
    &core::include_not_found::RULE,
    &core::include_cycle::RULE,
    &core::include_glob_empty::RULE,
    &core::layout_uncertain::RULE,
    &core::unresolved_role::RULE,
    &core::unresolved_address::RULE,
    &core::unused_suppression::RULE,
    &liferay::tunnel_secret_missing::RULE,
    &liferay::tunnel_secret_mismatch::RULE,
    &liferay::tunnel_secret_hex_mismatch::RULE,
    &liferay::tunnel_secret_not_hex::RULE,
    &liferay::tunnel_key_length::RULE,
    &liferay::tunnel_secret_weak::RULE,
    &liferay::tunnel_hosts_missing_staging::RULE,
    &liferay::tunnel_hosts_invalid::RULE,
    &liferay::tunnel_hosts_empty::RULE,
    &liferay::tunnel_hosts_bracketed_ipv6::RULE,
    &liferay::tunnel_https_not_required::RULE,
    &liferay::tunnel_verifier_disabled::RULE,
    &liferay::tunnel_verifier_hosts_missing_staging::RULE,
    &liferay::tunnel_verifier_inconsistent::RULE,
    &liferay::tunnel_verifier_policy::RULE,
    &liferay::osgi_config_pid_typo::RULE,
    &liferay::ipv6_needs_ipv6_stack::RULE,
    &liferay::live_database_differs::RULE,
    &liferay::staging_shares_live_database::RULE,
    &liferay::cluster_link_disabled::RULE,
    &liferay::cluster_link_inconsistent::RULE,
    &liferay::remote_live_target::RULE,
    &liferay::session_not_sticky::RULE,
    &liferay::document_store_not_shared::RULE,
    &liferay::duplicate_property::RULE,
    &liferay::osgi_cfg_ignored::RULE,
    &gluu::setup_properties_divergent::RULE,
    &gluu::setup_ip_not_updated::RULE,
    &gluu::hostname_mismatch::RULE,
    &gluu::csync2_hosts_incomplete::RULE,
    &gluu::csync2_config_divergent::RULE,
    &gluu::csync2_key_missing::RULE,
    &gluu::balancer_on_gluu_node::RULE,
    &gluu::redis_on_balancer::RULE,
    &gluu::hostname_mismatch_balancer::RULE,
    &gluu::csync2_host_not_hostname::RULE,
    &nginx::upstream_missing_node::RULE,
    &nginx::upstream_unknown_server::RULE,
    &nginx::proxy_pass_unknown_upstream::RULE,
    &nginx::redirect_host_mismatch::RULE,
    &nginx::ssl_on_deprecated::RULE,
    &nginx::ssl_listen_missing::RULE,
    &nginx::sticky_session_missing::RULE,
    &nginx::upstream_health_inconsistent::RULE,
    &redis::no_password::RULE,
    &redis::bind_all_interfaces::RULE,
    &redis::protected_mode_off::RULE,
    &redis::replica_auth_missing::RULE,
    &redis::sentinel_auth_mismatch::RULE,
    &redis::sentinel_master_unknown::RULE,
    &opendj::server_id_duplicate::RULE,
    &opendj::replication_server_missing::RULE,
    &opendj::replication_port_mismatch::RULE,
    &opendj::admin_connector_local::RULE,
    &opendj::ssl_encryption_off::RULE,
    &opendj::endpoint_identification::RULE,
    &opendj::keystore_divergent::RULE,
    &stunnel::server_target_mismatch::RULE,
    &stunnel::client_target_mismatch::RULE,
    &stunnel::pid_clash::RULE,
    &stunnel::cert_missing::RULE,
    &stunnel::client_mode_missing::RULE,
    &stunnel::peer_not_verified::RULE,
    &tls::weak_key::RULE,
    &tls::key_cert_mismatch::RULE,
    &tls::cert_expired::RULE,
    &tls::cert_expiring::RULE,
    &tls::name_mismatch::RULE,
    &tls::ca_mismatch::RULE,
    &tls::file_missing::RULE,
    &kaazing::undefined_property::RULE,
    &kaazing::duplicate_cluster_port::RULE,
    &kaazing::duplicate_cluster_name::RULE,
    &kaazing::cluster_name_mismatch::RULE,
    &kaazing::cluster_connect_mismatch::RULE,
    &kaazing::cluster_connect_not_multicast::RULE,
    &kaazing::cluster_accept_not_local::RULE,
    &kaazing::balancer_accept_divergent::RULE,
    &kaazing::balance_without_balancer::RULE,
    &kaazing::tcp_bind_mismatch::RULE,
    &kaazing::backplane_pair_mismatch::RULE,
    &kaazing::cross_site_allow_all::RULE,
    &kaazing::unknown_element::RULE,
    &kaazing::schema_invalid::RULE,
    &kaazing::unsupported_namespace::RULE,
    &kaazing::accept_duplicate::RULE,
    &kaazing::member_address_duplicate::RULE,
    &kaazing::dmz_without_cluster::RULE,
    &net::invalid_address::RULE,
    &net::port_conflict::RULE,
    &net::hosts_inconsistent::RULE,
];

/// Former ids that still name a rule in selections, severities and
/// suppressions: `(old id, rule id)`. An alias is never reported.
pub static ALIASES: &[(&str, &str)] = &[("stunnel/weak-key", "tls/weak-key")];

/// The rule id `id` stands for: itself, or the rule an alias names.
#[must_use]
pub fn canonical(id: &str) -> &str {
    ALIASES
        .iter()
        .find(|(alias, _)| *alias == id)
        .map_or(id, |(_, rule)| rule)
}

/// The rule with this id (or alias).
#[must_use]
pub fn find(id: &str) -> Option<&'static Rule> {
    let id = canonical(id);
    ALL.iter().copied().find(|r| r.id == id)
}

/// The packs, in catalogue order.
#[must_use]
pub fn packs() -> Vec<&'static str> {
    let mut packs: Vec<&'static str> = Vec::new();
    for rule in ALL {
        if !packs.contains(&rule.pack()) {
            packs.push(rule.pack());
        }
    }
    packs
}

/// What a rule sees while it checks: the cluster, and a sink that stamps
/// its findings with the rule's id and default severity.
#[doc(hidden)]
pub struct RuleContext<'a> {
    /// The cluster the rule checks.
    pub cluster: &'a Cluster,
    /// The check's settings (the manifest).
    pub settings: &'a Settings,
    /// The moment certificates are judged at (unix seconds).
    pub as_of: i64,
    facts: &'a [Fact],
    rule: &'static Rule,
    out: &'a mut Vec<Diagnostic>,
}

impl<'a> RuleContext<'a> {
    pub(crate) fn new(
        cluster: &'a Cluster,
        settings: &'a Settings,
        facts: &'a [Fact],
        rule: &'static Rule,
        out: &'a mut Vec<Diagnostic>,
        as_of: i64,
    ) -> Self {
        Self {
            cluster,
            settings,
            as_of,
            facts,
            rule,
            out,
        }
    }

    /// Reports every fact of `kind` as a finding of this rule, as it was
    /// observed (its fix kept: the fact knows the text it edits).
    pub fn report_facts(&mut self, kind: FactKind) {
        for fact in self.facts.iter().filter(|f| f.kind == kind) {
            self.out.push(
                fact.finding
                    .clone()
                    .with_rule(self.rule.id, self.rule.default_severity),
            );
        }
    }

    /// Reports a finding of this rule. A fix that edits a line with a
    /// parse error is dropped: what the text there means is unsure.
    pub fn report(&mut self, mut diagnostic: Diagnostic) {
        if diagnostic
            .fix
            .as_ref()
            .is_some_and(|fix| !edits::on_clean_lines(self.cluster, fix))
        {
            diagnostic.fix = None;
        }
        self.out
            .push(diagnostic.with_rule(self.rule.id, self.rule.default_severity));
    }

    /// Reports that this rule needs a node of `role` that neither the
    /// manifest nor the files reveal (`core/unresolved-role`).
    pub fn unresolved_role(&mut self, role: Role, anchor: Span) {
        let span = self.settings.file().map_or(anchor, Span::file_start);
        let diagnostic = Diagnostic::new(
            span,
            format!("no node has the role `{role}`, so the `{}` checks that need it are skipped", self.rule.pack()),
        )
        .help(format!(
            "give the node `role = \"{role}\"` under its `[nodes.<name>]` table in clusterlint.toml{}",
            if role == Role::Staging { ", or name its folder `staging`" } else { "" }
        ))
        .with_rule(core::unresolved_role::RULE.id, core::unresolved_role::RULE.default_severity);
        self.out.push(diagnostic);
    }

    /// Reports that this rule needs `node`'s address, which is unknown
    /// (`core/unresolved-address`).
    pub fn unresolved_address(&mut self, node: &Node, anchor: Span) {
        let span = node
            .manifest_span
            .or_else(|| self.settings.file().map(Span::file_start))
            .unwrap_or(anchor);
        let diagnostic = Diagnostic::new(
            span,
            format!(
                "the address of `{}` is unknown, so the checks that need it are skipped",
                node.name
            ),
        )
        .help(format!(
            "add `address = \"...\"` under `[nodes.{}]` in clusterlint.toml",
            node.name
        ))
        .with_rule(
            core::unresolved_address::RULE.id,
            core::unresolved_address::RULE.default_severity,
        );
        self.out.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for rule in ALL {
            assert!(seen.insert(rule.id), "duplicate id {}", rule.id);
            let (pack, name) = rule.id.split_once('/').expect("pack/name");
            for part in [pack, name] {
                assert!(
                    !part.is_empty()
                        && part
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                );
            }
        }
    }

    #[test]
    fn every_rule_documents_itself() {
        for rule in ALL {
            let doc = rule.doc();
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## How to fix",
            ] {
                assert!(doc.contains(section), "{} lacks `{section}`", rule.id);
            }
            assert!(!rule.summary().is_empty(), "{} has no summary", rule.id);
        }
    }
}
