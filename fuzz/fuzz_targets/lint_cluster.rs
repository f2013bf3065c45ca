#![no_main]

//! A small cluster from arbitrary bytes: the input is split on NUL into a
//! manifest and files spread over a staging server, two live nodes, a
//! balancer with an include, a Redis host with its tunnel, and a Gluu node.

use libfuzzer_sys::fuzz_target;

const NAMES: &[&str] = &[
    "staging/portal-ext.properties",
    "app1/portal-ext.properties",
    "app2/portal-ext.properties",
    "app1/osgi/configs/com.liferay.portal.security.auth.verifier.internal.tunnel.configuration.TunnelAuthVerifierConfiguration~default.config",
    "app2/bin/setenv.sh",
    "app2/osgi/configs/x.cfg",
    "lb/etc/nginx/nginx.conf",
    "lb/etc/nginx/conf.d/site.conf",
    "redis/etc/redis/redis.conf",
    "redis/etc/stunnel/redis.conf",
    "gluu1/etc/stunnel/redis.conf",
    "gluu1/setup.properties",
    "gluu1/etc/csync2.cfg",
    "gluu1/etc/hosts",
    "dmz1/conf/gateway-config.xml",
    "dmz2/conf/gateway-config.xml",
];

fuzz_target!(|data: &[u8]| {
    let mut parts = data.split(|&b| b == 0);
    let mut files = Vec::new();
    if let Some(manifest) = parts.next() {
        files.push(("clusterlint.toml".to_string(), manifest.to_vec()));
    }
    for (name, part) in NAMES.iter().zip(parts) {
        files.push(((*name).to_string(), part.to_vec()));
    }
    // Spans inside their files on character boundaries, the JSON report
    // rendered, and the same findings from a second run.
    if let Err(e) = clusterlint::invariants::check_cluster(&files) {
        panic!("{e}");
    }
});
