use crate::diagnostic::Diagnostic;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports the crypto manager (`cn=Crypto Manager,cn=config`) of an
    /// OpenDJ server that replicates (its replication server or domain
    /// entries list replication servers) when its
    /// `ds-cfg-ssl-encryption` is not `true` (absent, it is `false`).
    ///
    /// ## Why is this bad?
    /// With `ssl-encryption` false, replication traffic between the
    /// servers (every change: passwords' hashes, sessions, client
    /// secrets) crosses the network in clear. The cluster guide sets it
    /// on every node after enabling replication (`dsconfig
    /// set-crypto-manager-prop --set ssl-encryption:true`).
    ///
    /// ## Example
    /// ```text
    /// dn: cn=Crypto Manager,cn=config
    /// ds-cfg-ssl-encryption: false
    /// ```
    ///
    /// ## How to fix
    /// `dsconfig set-crypto-manager-prop --set ssl-encryption:true` on
    /// every replicating node.
    id: "opendj/ssl-encryption-off",
    severity: Warning,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for instance in cluster.opendj.replicating() {
        let Some((dn, ssl)) = &instance.crypto_manager else {
            continue;
        };
        if ssl.as_ref().is_some_and(|s| s.value) {
            continue;
        }
        let span = ssl.as_ref().map_or(*dn, |s| s.span);
        let how = if ssl.is_some() {
            "is not `true`"
        } else {
            "is not set (it defaults to `false`)"
        };
        cx.report(
            Diagnostic::new(
                span,
                format!(
                    "`{}` replicates, but its crypto manager's `ds-cfg-ssl-encryption` {how}: replication traffic is not encrypted",
                    cluster.node(instance.node).name
                ),
            )
            .label("replication in clear")
            .help("`dsconfig set-crypto-manager-prop --set ssl-encryption:true` on every replicating node"),
        );
    }
}
