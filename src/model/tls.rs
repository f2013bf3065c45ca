//! The TLS endpoints of the cluster: each place a program presents a
//! certificate or checks a peer's (stunnel services, nginx virtual
//! servers), with the PEM files its settings name where the cluster tree
//! holds them. The certificates themselves are read by
//! [`crate::formats::pem`]; rules compare them.

use crate::files::Include;
use crate::formats::pem::{PemBlock, PemDocument, x509};
use crate::model::Cluster;
use crate::model::nginx::Text;
use crate::source::{FileId, Span};

use super::NodeId;

/// A setting that names a PEM file: where its value is written, and the
/// files of the node it names (none when the tree does not hold it).
#[derive(Clone, Debug)]
pub struct PemSetting {
    pub span: Span,
    pub files: Vec<FileId>,
}

impl PemSetting {
    /// How messages name the file: the path as the setting writes it, or
    /// the file's own path where no setting names it (Gluu's
    /// `/etc/certs`).
    #[must_use]
    pub fn named<'a>(&self, cluster: &'a Cluster) -> &'a str {
        if self.span.range.is_empty()
            && let Some(&file) = self.files.first()
        {
            &cluster.source(file).path
        } else {
            cluster.text(self.span)
        }
    }
}

/// Who configures an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// A service of [`crate::model::stunnel::Stunnel::tunnels`].
    Stunnel(usize),
    /// A virtual server: the index of the configuration in
    /// [`Cluster::nginx`] and of the server in it.
    Nginx(usize, usize),
    /// A Gluu node's web certificate (`/etc/certs/httpd.crt`), presented
    /// for its setup `hostname`.
    Gluu,
    /// A Redis server's TLS (`tls-cert-file`, `tls-key-file`,
    /// `tls-ca-cert-file`): the index in [`Cluster::redis`].
    Redis(usize),
    /// csync2's certificate and key (`/etc/csync2_ssl_cert.pem`,
    /// `/etc/csync2_ssl_key.pem`: paths compiled into csync2).
    Csync2,
}

/// One certificate a program presents, with its key and what it trusts.
#[derive(Clone, Debug)]
pub struct Endpoint {
    pub node: NodeId,
    pub owner: Owner,
    /// The certificate file (a stunnel `cert` may hold the key too).
    pub certificate: Option<PemSetting>,
    /// The key file; `None` where the program reads the key from the
    /// certificate file (stunnel without `key`).
    pub key: Option<PemSetting>,
    /// The certificates the endpoint checks its peer's against.
    pub ca: Option<PemSetting>,
    /// The names clients reach the endpoint by (nginx `server_name`).
    pub names: Vec<Text>,
}

/// Every TLS endpoint of the cluster.
#[derive(Clone, Debug, Default)]
pub struct Tls {
    pub endpoints: Vec<Endpoint>,
}

impl Tls {
    /// The endpoint of a stunnel service.
    #[must_use]
    pub fn of_tunnel(&self, tunnel: usize) -> Option<&Endpoint> {
        self.endpoints
            .iter()
            .find(|e| e.owner == Owner::Stunnel(tunnel))
    }
}

#[must_use]
pub fn build(cluster: &Cluster) -> Tls {
    let mut endpoints = Vec::new();
    for (index, tunnel) in cluster.stunnel.tunnels.iter().enumerate() {
        let setting = |s: &Option<crate::model::stunnel::Setting>| {
            s.as_ref().map(|s| pem_setting(cluster, s.span))
        };
        endpoints.push(Endpoint {
            node: tunnel.node,
            owner: Owner::Stunnel(index),
            certificate: setting(&tunnel.cert),
            key: setting(&tunnel.key),
            ca: setting(&tunnel.ca_file),
            names: Vec::new(),
        });
    }
    for (config_index, config) in cluster.nginx.iter().enumerate() {
        for (server_index, server) in config.servers.iter().enumerate() {
            let values = |spans: &[Span]| -> Vec<PemSetting> {
                spans
                    .iter()
                    .filter_map(|&directive| value_in(cluster, directive))
                    .collect()
            };
            let certificates = values(&server.certificates);
            let mut keys = values(&server.certificate_keys).into_iter();
            for certificate in certificates {
                endpoints.push(Endpoint {
                    node: config.node,
                    owner: Owner::Nginx(config_index, server_index),
                    certificate: Some(certificate),
                    key: keys.next(),
                    ca: None,
                    names: server.server_names.clone(),
                });
            }
        }
    }
    for (index, server) in cluster.redis.iter().enumerate() {
        let [cert, key, ca] = server.tls_files.map(|s| s.map(|s| pem_setting(cluster, s)));
        if cert.is_none() && ca.is_none() {
            continue;
        }
        endpoints.push(Endpoint {
            node: server.node,
            owner: Owner::Redis(index),
            certificate: cert,
            key,
            ca,
            names: Vec::new(),
        });
    }
    for setup in &cluster.gluu.setups {
        let Some(certificate) = own_pem(cluster, setup.node, "etc/certs/httpd.crt") else {
            continue;
        };
        let names = setup
            .get("hostname")
            .map(|h| Text {
                text: h.value.clone().into(),
                span: h.value_span,
            })
            .into_iter()
            .collect();
        endpoints.push(Endpoint {
            node: setup.node,
            owner: Owner::Gluu,
            certificate: Some(whole(certificate)),
            key: own_pem(cluster, setup.node, "etc/certs/httpd.key").map(whole),
            ca: None,
            names,
        });
    }
    for node in &cluster.nodes {
        let Some(certificate) = own_pem(cluster, node.id, "/csync2_ssl_cert.pem") else {
            continue;
        };
        endpoints.push(Endpoint {
            node: node.id,
            owner: Owner::Csync2,
            certificate: Some(whole(certificate)),
            key: own_pem(cluster, node.id, "/csync2_ssl_key.pem").map(whole),
            ca: None,
            names: Vec::new(),
        });
    }
    Tls { endpoints }
}

/// A PEM file of the node whose path ends with `suffix`.
fn own_pem(cluster: &Cluster, node: NodeId, suffix: &str) -> Option<FileId> {
    cluster.node(node).files.iter().copied().find(|&f| {
        cluster.source(f).path.ends_with(suffix)
            && cluster.file(f).document.get::<PemDocument>().is_some()
    })
}

/// A file no setting names, as its own setting.
fn whole(file: FileId) -> PemSetting {
    PemSetting {
        span: Span::new(file, crate::source::TextRange::from_usize(0..0)),
        files: vec![file],
    }
}

/// The PEM files a value names (the loader resolved it as a reference).
fn pem_setting(cluster: &Cluster, span: Span) -> PemSetting {
    let files = cluster
        .file(span.file)
        .includes
        .iter()
        .find(|i| i.range == span.range)
        .map(|i| i.targets.clone())
        .unwrap_or_default();
    PemSetting { span, files }
}

/// The path argument of a directive that names a PEM file, found by the
/// reference the format recorded inside the directive.
fn value_in(cluster: &Cluster, directive: Span) -> Option<PemSetting> {
    let includes: &[Include] = &cluster.file(directive.file).includes;
    let include = includes
        .iter()
        .find(|i| i.range.start >= directive.range.start && i.range.end <= directive.range.end);
    include.map(|include| PemSetting {
        span: Span::new(directive.file, include.range),
        files: include.targets.clone(),
    })
}

/// The PEM blocks of the files a setting names, with their files.
pub fn blocks<'a>(
    cluster: &'a Cluster,
    setting: &'a PemSetting,
) -> impl Iterator<Item = (FileId, &'a PemBlock)> + 'a {
    setting.files.iter().flat_map(move |&file| {
        cluster
            .file(file)
            .document
            .get::<PemDocument>()
            .into_iter()
            .flat_map(move |doc| doc.blocks.iter().map(move |b| (file, b)))
    })
}

/// The certificates a setting's files hold, in order.
pub fn certificates<'a>(
    cluster: &'a Cluster,
    setting: &'a PemSetting,
) -> impl Iterator<Item = (Span, &'a x509::Certificate)> + 'a {
    blocks(cluster, setting)
        .filter_map(|(file, block)| Some((Span::new(file, block.range), block.certificate()?)))
}

/// The certificate an endpoint presents: the first of its certificate
/// file (the rest of a file is the chain).
#[must_use]
pub fn leaf<'a>(
    cluster: &'a Cluster,
    endpoint: &'a Endpoint,
) -> Option<(Span, &'a x509::Certificate)> {
    certificates(cluster, endpoint.certificate.as_ref()?).next()
}

/// The private key an endpoint uses: the first key block of its key file,
/// or of its certificate file when it names no key file; with the setting
/// that names it.
#[must_use]
pub fn private_key<'a>(
    cluster: &'a Cluster,
    endpoint: &'a Endpoint,
) -> Option<(&'a PemSetting, Span, &'a x509::PrivateKey)> {
    let setting = endpoint.key.as_ref().or(endpoint.certificate.as_ref())?;
    blocks(cluster, setting).find_map(|(file, block)| {
        Some((setting, Span::new(file, block.range), block.private_key()?))
    })
}
