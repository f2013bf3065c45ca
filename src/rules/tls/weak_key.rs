use crate::diagnostic::Diagnostic;
use crate::formats::pem::x509::KeyAlgorithm;
use crate::model::tls::blocks;
use crate::rules::tls::distinct_settings;
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reads every certificate and key a configuration names (stunnel
    /// `cert`, `key`, `CAfile`; nginx `ssl_certificate`,
    /// `ssl_certificate_key`; Redis `tls-cert-file`, `tls-key-file`,
    /// `tls-ca-cert-file`) where the cluster tree holds the file, and
    /// those read from fixed places (csync2's `csync2_ssl_cert.pem` and
    /// `csync2_ssl_key.pem`, a Gluu node's `/etc/certs/httpd.crt`), and
    /// reports an RSA or DSA key under 2048 bits or an elliptic-curve key
    /// under 256 bits. Only the algorithm and size are shown. The former id
    /// `stunnel/weak-key` still selects, ignores and suppresses this rule.
    ///
    /// ## Why is this bad?
    /// Keys of that size are within reach of factoring or discrete-log
    /// attacks, and OpenSSL's default security level (1 and up) refuses
    /// them: the tunnel or site stops at the handshake once a node's
    /// OpenSSL is upgraded. The Gluu guide generates the csync2 and stunnel
    /// keys with `openssl genrsa ... 1024`.
    ///
    /// ## Example
    /// ```ini
    /// cert = /etc/stunnel/secureredis.pem   # holds a 1024-bit RSA key
    /// ```
    ///
    /// ## How to fix
    /// Generate a new key (`openssl genrsa -out key.pem 3072`, or
    /// `openssl ecparam -genkey -name prime256v1`), issue the certificate
    /// again and copy both to every node that uses them.
    id: "tls/weak-key",
    severity: Error,
    check: Some(check),
}

/// The smallest sizes current TLS libraries accept by default.
fn minimum(algorithm: &KeyAlgorithm) -> Option<u32> {
    match algorithm {
        KeyAlgorithm::Rsa { .. } | KeyAlgorithm::Dsa { .. } => Some(2048),
        KeyAlgorithm::Ec { .. } => Some(256),
        _ => None,
    }
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let mut seen: Vec<Span> = Vec::new();
    for setting in distinct_settings(cluster) {
        for (file, block) in blocks(cluster, setting) {
            let Some(algorithm) = block.algorithm() else {
                continue;
            };
            let (Some(bits), Some(minimum)) = (algorithm.bits(), minimum(algorithm)) else {
                continue;
            };
            let block_span = Span::new(file, block.range);
            if bits >= minimum || seen.contains(&block_span) {
                continue;
            }
            seen.push(block_span);
            let what = if block.certificate().is_some() {
                "a certificate for a"
            } else {
                "a"
            };
            let kind = match algorithm {
                KeyAlgorithm::Rsa { .. } => "RSA".to_string(),
                KeyAlgorithm::Dsa { .. } => "DSA".to_string(),
                other => other.describe(),
            };
            cx.report(
                Diagnostic::new(
                    setting.span,
                    format!(
                        "`{}` holds {what} {bits}-bit {kind} key; at least {minimum} bits are needed",
                        setting.named(cluster),
                    ),
                )
                .label(format!("{bits}-bit {kind}"))
                .related(block_span, "this block")
                .help("generate a key of at least 2048 bits (RSA) or 256 bits (EC), issue the certificate again and copy both to every node"),
            );
            // One finding per line: a combined file's key and certificate
            // are one pair.
            break;
        }
    }
}
