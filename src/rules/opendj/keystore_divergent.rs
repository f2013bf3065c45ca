use crate::diagnostic::Diagnostic;
use crate::formats::keystore::KeystoreDocument;
use crate::rules::consensus::{agree, node_list};
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Compares OpenDJ's `config/keystore`, `config/keystore.pin` and
    /// `config/truststore` across the replicating nodes that have them,
    /// by a SHA-256 digest of their bytes, and reports the copies that
    /// differ from the one most nodes hold. Nothing of the files is shown,
    /// not even their digest.
    ///
    /// ## Why is this bad?
    /// With encrypted replication, each server presents the certificate
    /// of its keystore and trusts those of its truststore. The cluster
    /// guide archives `keystore`, `keystore.pin` and `truststore` on the
    /// first node and extracts them on every other: a node whose copy
    /// differs (or whose PIN does not open the keystore) fails the
    /// TLS handshakes of replication.
    ///
    /// ## Example
    /// `config/keystore` of `gluu2` is the one its own setup generated.
    ///
    /// ## How to fix
    /// On the first node: `cd /opt/opendj/config && tar -cf opendj_crts.tar
    /// keystore keystore.pin truststore`; copy the archive to the other
    /// nodes, extract it in the same folder, restart OpenDJ.
    id: "opendj/keystore-divergent",
    severity: Error,
    check: Some(check),
}

/// The files the guide copies from the first node.
const COPIED: &[&str] = &["keystore", "keystore.pin", "truststore"];

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for name in COPIED {
        let mut copies = Vec::new();
        let mut files = Vec::new();
        for instance in cluster.opendj.replicating() {
            let Some(keystore) = instance.keystore(name) else {
                continue;
            };
            let Some(digest) = cluster
                .file(keystore.file)
                .document
                .get::<KeystoreDocument>()
                .and_then(KeystoreDocument::digest)
            else {
                continue;
            };
            copies.push((instance.node, digest));
            files.push(keystore.file);
        }
        let Some(agreement) = agree(cluster, &copies) else {
            continue;
        };
        let reference = agreement.representative(cluster, &copies);
        let others = node_list(cluster, agreement.reference.iter().map(|&i| copies[i].0));
        for &outlier in &agreement.outliers {
            cx.report(
                Diagnostic::new(
                    Span::file_start(files[outlier]),
                    format!(
                        "`config/{name}` of `{}` differs from the copy on {others} (compared by digest; contents not shown)",
                        cluster.node(copies[outlier].0).name
                    ),
                )
                .label("differs")
                .related(Span::file_start(files[reference]), "the copy most nodes hold")
                .help("copy `keystore`, `keystore.pin` and `truststore` from one node to every other (the guide's `opendj_crts.tar`), then restart OpenDJ"),
            );
        }
    }
}
