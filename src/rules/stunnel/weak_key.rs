use crate::diagnostic::Diagnostic;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reads the PEM files a tunnel's `cert` and `key` name, where the
    /// cluster tree holds them, and reports an RSA key (or a certificate
    /// for one) shorter than 2048 bits. Only the size is shown, never the
    /// key.
    ///
    /// ## Why is this bad?
    /// RSA keys under 2048 bits are refused by current TLS libraries'
    /// default security levels and are within reach of factoring. The Gluu
    /// guide generates its tunnel key with `openssl genrsa ... 1024`.
    ///
    /// ## Example
    /// ```ini
    /// cert = /etc/stunnel/secureredis.pem   # holds a 1024-bit RSA key
    /// ```
    ///
    /// ## How to fix
    /// Generate a new key of at least 2048 bits (`openssl genrsa -out
    /// key.pem 3072`), issue the certificate again and copy both to every
    /// node.
    id: "stunnel/weak-key",
    severity: Warning,
    check: Some(check),
}

const MIN_BITS: u32 = 2048;

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let mut seen = Vec::new();
    for tunnel in &cluster.stunnel.tunnels {
        for &(file, span) in &tunnel.pem_files {
            if seen.contains(&(file, span)) {
                continue;
            }
            seen.push((file, span));
            let Some(doc) = cluster
                .file(file)
                .document
                .get::<crate::formats::pem::PemDocument>()
            else {
                continue;
            };
            let Some(bits) = doc
                .blocks
                .iter()
                .filter_map(crate::formats::pem::PemBlock::rsa_bits)
                .min()
            else {
                continue;
            };
            if bits >= MIN_BITS {
                continue;
            }
            cx.report(
                Diagnostic::new(
                    span,
                    format!("`{}` holds a {bits}-bit RSA key; at least {MIN_BITS} bits are needed", cluster.text(span)),
                )
                .label(format!("{bits}-bit RSA"))
                .help("generate a key of at least 2048 bits (`openssl genrsa -out key.pem 3072`) and issue the certificate again"),
            );
        }
    }
}
