//! `tls`: the certificates and keys the configurations name (stunnel
//! `cert`/`key`/`CAfile`, nginx `ssl_certificate`/`ssl_certificate_key`,
//! Redis `tls-cert-file`/`tls-key-file`/`tls-ca-cert-file`)
//! or programs read from fixed places (csync2, Gluu's `/etc/certs`),
//! read where the cluster tree holds them ([`crate::model::tls`]). Only
//! public facts are shown: subjects, names, dates, sizes, fingerprints;
//! never key material. Each rule is one file.

pub mod ca_mismatch;
pub mod cert_expired;
pub mod cert_expiring;
pub mod file_missing;
pub mod key_cert_mismatch;
pub mod name_mismatch;
pub mod weak_key;

use crate::formats::pem::x509::Certificate;
use crate::model::Cluster;
use crate::model::tls::{Endpoint, PemSetting};
use crate::source::Span;

/// The settings of an endpoint that name PEM files: certificate, key,
/// CA file.
pub(crate) fn settings(endpoint: &Endpoint) -> impl Iterator<Item = &PemSetting> {
    [&endpoint.certificate, &endpoint.key, &endpoint.ca]
        .into_iter()
        .flatten()
}

/// Every setting of the cluster that names PEM files the tree holds, once
/// each (nginx servers inherit `http`'s, stunnel services the global
/// section's).
pub(crate) fn distinct_settings(cluster: &Cluster) -> Vec<&PemSetting> {
    let mut seen: Vec<Span> = Vec::new();
    let mut out = Vec::new();
    for endpoint in &cluster.tls.endpoints {
        for setting in settings(endpoint) {
            if !setting.files.is_empty() && !seen.contains(&setting.span) {
                seen.push(setting.span);
                out.push(setting);
            }
        }
    }
    out
}

/// How a message names a certificate: its CN, else its subject.
pub(crate) fn describe(cert: &Certificate) -> String {
    match &cert.common_name {
        Some(cn) => format!("`CN={cn}`"),
        None if cert.subject.is_empty() => "a certificate without subject".to_string(),
        None => format!("`{}`", cert.subject),
    }
}
