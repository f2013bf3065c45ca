use crate::facts::FactKind;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a certificate, key or CA file that a configuration names
    /// (stunnel `cert`, `key`, `CAfile`; nginx `ssl_certificate`,
    /// `ssl_certificate_key`) and that the node's files lack, where the
    /// tree shows it should be there: another node holds a file at that
    /// path (the copy step was forgotten on this one), or a file of a near
    /// name lies in the same folder (a typo). Key material is often kept
    /// out of repositories on purpose, so a path missing everywhere is not
    /// reported.
    ///
    /// ## Why is this bad?
    /// stunnel and nginx refuse to start without their certificate and
    /// key; the guide copies the same files to every node by hand, and the
    /// node that was skipped fails at its next restart.
    ///
    /// ## Example
    /// ```ini
    /// ; gluu2 — gluu1 has /etc/stunnel/redis.pem, gluu2 does not
    /// cert = /etc/stunnel/redis.pem
    /// ```
    ///
    /// ## How to fix
    /// Copy the file to the node (the same file as the other nodes', for a
    /// certificate they share), or correct the path.
    id: "tls/file-missing",
    severity: Error,
    check: Some(check),
}

/// Reports what reading the cluster observed (see [`FactKind::TlsFileMissing`]).
fn check(cx: &mut RuleContext<'_>) {
    cx.report_facts(FactKind::TlsFileMissing);
}
