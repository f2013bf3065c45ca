use crate::diagnostic::Diagnostic;
use crate::model::tls::{leaf, private_key};
use crate::rules::tls::describe;
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Compares the public half of the private key an endpoint uses
    /// (stunnel `key`, or the key inside the `cert` file; nginx
    /// `ssl_certificate_key`; Redis `tls-key-file`; csync2's and a Gluu
    /// node's key files) with the public key of the certificate it
    /// presents (the first certificate of the file). Both are read where
    /// the cluster tree holds them; encrypted keys are not judged. Only
    /// the certificate's subject is shown, never the key.
    ///
    /// ## Why is this bad?
    /// The program refuses to start (`key values mismatch` in nginx,
    /// `SSL_CTX_check_private_key` in stunnel): the usual result of copying
    /// a renewed certificate to a node without its new key, or the other
    /// way round.
    ///
    /// ## Example
    /// ```nginx
    /// ssl_certificate     /etc/nginx/ssl/httpd.crt;   # renewed
    /// ssl_certificate_key /etc/nginx/ssl/httpd.key;   # the old key
    /// ```
    ///
    /// ## How to fix
    /// Copy the key the certificate was issued for (compare `openssl x509
    /// -noout -pubkey -in cert.pem` with `openssl pkey -pubout -in
    /// key.pem`), or issue a certificate for this key.
    id: "tls/key-cert-mismatch",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    let mut seen: Vec<(Span, Span)> = Vec::new();
    for endpoint in &cluster.tls.endpoints {
        let Some((cert_block, cert)) = leaf(cluster, endpoint) else {
            continue;
        };
        let Some((setting, key_block, key)) = private_key(cluster, endpoint) else {
            continue;
        };
        let Some(public) = &key.public else {
            continue;
        };
        if public.spki_sha256 == cert.key.spki_sha256 || seen.contains(&(cert_block, key_block)) {
            continue;
        }
        seen.push((cert_block, key_block));
        let Some(cert_setting) = &endpoint.certificate else {
            continue;
        };
        let mut diagnostic = Diagnostic::new(
            setting.span,
            if setting.span.range.is_empty() {
                format!(
                    "this key does not belong to the certificate {} in `{}`",
                    describe(cert),
                    cert_setting.named(cluster),
                )
            } else {
                format!(
                    "the key this line names does not belong to the certificate {} presented with it",
                    describe(cert),
                )
            },
        )
        .label("another key")
        .help("install the key the certificate was issued for, or issue a certificate for this key; compare `openssl x509 -noout -pubkey` with `openssl pkey -pubout`");
        if cert_setting.span != setting.span {
            diagnostic = diagnostic.related(cert_setting.span, "the certificate");
        }
        cx.report(diagnostic);
    }
}
