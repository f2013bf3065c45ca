//! Configuration PIDs known from the portal's source, with whether each is a
//! factory configuration (a file needs an instance name: `PID~name.config`).

/// `(pid, factory)`
pub(crate) const KNOWN: &[(&str, bool)] = &[
    (
        "com.liferay.portal.security.auth.verifier.tunnel.module.configuration.TunnelAuthVerifierConfiguration",
        true,
    ),
    (
        "com.liferay.portal.security.auth.verifier.internal.tunnel.configuration.TunnelAuthVerifierConfiguration",
        true,
    ),
    (
        "com.liferay.portal.security.auth.verifier.basic.auth.header.module.configuration.BasicAuthHeaderAuthVerifierConfiguration",
        true,
    ),
    (
        "com.liferay.portal.security.auth.verifier.internal.basic.auth.header.configuration.BasicAuthHeaderAuthVerifierConfiguration",
        true,
    ),
    (
        "com.liferay.portal.security.auth.verifier.digest.authentication.module.configuration.DigestAuthenticationAuthVerifierConfiguration",
        true,
    ),
    (
        "com.liferay.portal.security.auth.verifier.internal.digest.authentication.configuration.DigestAuthenticationAuthVerifierConfiguration",
        true,
    ),
    (
        "com.liferay.portal.security.auth.verifier.portal.session.module.configuration.PortalSessionAuthVerifierConfiguration",
        true,
    ),
    (
        "com.liferay.portal.security.auth.verifier.internal.portal.session.configuration.PortalSessionAuthVerifierConfiguration",
        true,
    ),
    (
        "com.liferay.portal.security.auth.verifier.request.parameter.module.configuration.RequestParameterAuthVerifierConfiguration",
        true,
    ),
    (
        "com.liferay.portal.security.auth.verifier.internal.request.parameter.configuration.RequestParameterAuthVerifierConfiguration",
        true,
    ),
    (
        "com.liferay.portal.store.file.system.configuration.FileSystemStoreConfiguration",
        false,
    ),
    (
        "com.liferay.portal.store.file.system.configuration.AdvancedFileSystemStoreConfiguration",
        false,
    ),
    (
        "com.liferay.portal.store.s3.configuration.S3StoreConfiguration",
        false,
    ),
    (
        "com.liferay.portal.store.gcs.configuration.GCSStoreConfiguration",
        false,
    ),
    (
        "com.liferay.portal.search.elasticsearch7.configuration.ElasticsearchConfiguration",
        false,
    ),
    // A factory: one file per remote connection,
    // `ElasticsearchConnectionConfiguration-<connectionId>.config` (7.3+).
    (
        "com.liferay.portal.search.elasticsearch7.configuration.ElasticsearchConnectionConfiguration",
        true,
    ),
    (
        "com.liferay.portal.cluster.multiple.configuration.ClusterExecutorConfiguration",
        false,
    ),
    (
        "com.liferay.portal.remote.cors.configuration.PortalCORSConfiguration",
        true,
    ),
];

/// The file-system stores, whose `rootDir` is the document store.
pub(crate) const FILE_SYSTEM_STORES: &[&str] = &[
    "com.liferay.portal.store.file.system.configuration.FileSystemStoreConfiguration",
    "com.liferay.portal.store.file.system.configuration.AdvancedFileSystemStoreConfiguration",
];

/// Whether `pid` is known, and whether it is a factory.
pub(crate) fn lookup(pid: &str) -> Option<bool> {
    KNOWN
        .iter()
        .find(|(known, _)| *known == pid)
        .map(|&(_, factory)| factory)
}
