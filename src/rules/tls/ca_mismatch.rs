use crate::diagnostic::Diagnostic;
use crate::formats::pem::x509::Certificate;
use crate::model::Cluster;
use crate::model::stunnel::{Tunnel, server_of};
use crate::model::tls::{Endpoint, PemSetting, certificates, leaf};
use crate::rules::tls::describe;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// For each stunnel client that connects to a server tunnel of the
    /// cluster, where the verifying end (`verifyChain`, `verifyPeer` or a
    /// `verify` level) names a `CAfile`: checks that one certificate of that
    /// file is the peer's certificate or issued it (or a certificate of the
    /// peer's chain), by issuer name and key identifier. Both directions:
    /// the client's `CAfile` against the server's certificate, the server's
    /// against the client's. Signatures are not verified: a CA that only
    /// copies another's name is not told apart.
    ///
    /// ## Why is this bad?
    /// The handshake fails (`certificate verify failed`): the usual result
    /// of a certificate reissued by another CA, or self-signed again on one
    /// node, while the peers still trust the old one.
    ///
    /// ## Example
    /// ```ini
    /// ; client, gluu1
    /// CAfile = /etc/stunnel/ca.pem   ; Example CA
    /// verifyChain = yes
    /// ; server, redis: cert = /etc/stunnel/redis.pem, self-signed
    /// ```
    ///
    /// ## How to fix
    /// Put the CA that issued the peer's certificate (or, for a
    /// self-signed one, the certificate itself) into the `CAfile` on every
    /// node, or issue the peer's certificate from the trusted CA.
    id: "tls/ca-mismatch",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let tunnels = &cluster.stunnel.tunnels;
    for client_tunnel in tunnels.iter().filter(|t| t.client) {
        let Some(server) = server_of(cluster, client_tunnel) else {
            continue;
        };
        let client_index = tunnels.iter().position(|t| std::ptr::eq(t, client_tunnel));
        let (Some(client), Some(server_end)) = (
            client_index.and_then(|i| cluster.tls.of_tunnel(i)),
            cluster.tls.of_tunnel(server),
        ) else {
            continue;
        };
        judge(cx, client_tunnel, client, server_end, "server");
        judge(cx, &tunnels[server], server_end, client, "client");
    }
}

/// Whether `verifier`'s CA file trusts the certificate `peer` presents.
fn judge(
    cx: &mut RuleContext<'_>,
    tunnel: &Tunnel,
    verifier: &Endpoint,
    peer: &Endpoint,
    peer_role: &str,
) {
    let cluster = cx.cluster;
    if !tunnel.verifies_peer() {
        return;
    }
    let Some(ca) = &verifier.ca else { return };
    let (Some((_, presented)), Some(peer_setting)) = (leaf(cluster, peer), &peer.certificate)
    else {
        return;
    };
    let trusted: Vec<&Certificate> = certificates(cluster, ca).map(|(_, c)| c).collect();
    if trusted.is_empty() {
        return;
    }
    let chain: Vec<&Certificate> = certificates(cluster, peer_setting)
        .map(|(_, c)| c)
        .collect();
    if chain.iter().any(|cert| trusts(&trusted, cert)) {
        return;
    }
    cx.report(
        Diagnostic::new(
            ca.span,
            format!(
                "`{}` holds no certificate that issued the {peer_role}'s certificate {} (issuer `{}`)",
                ca.named(cluster),
                describe(presented),
                presented.issuer,
            ),
        )
        .label("does not trust the peer")
        .related(peer_setting.span, format!("the {peer_role}'s certificate"))
        .help(help(cluster, ca)),
    );
}

fn trusts(trusted: &[&Certificate], cert: &Certificate) -> bool {
    trusted
        .iter()
        .any(|ca| ca.sha256_fingerprint == cert.sha256_fingerprint || cert.names_issuer(ca))
}

fn help(cluster: &Cluster, ca: &PemSetting) -> String {
    format!(
        "add the certificate of the CA that issued the peer's certificate (or the self-signed certificate itself) to `{}` on every node, or issue the peer's certificate from the trusted CA",
        ca.named(cluster)
    )
}
