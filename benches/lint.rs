//! Benchmarks on generated inputs: the properties parsers on a large file,
//! and a whole cluster linted from memory. `scripts/bench.sh` prints
//! whole-process figures.

use std::fmt::Write as _;
use std::hint::black_box;

use clusterlint::formats::properties::{self, Dialect};
use clusterlint::formats::{self, Format};
use clusterlint::{LintOptions, Workspace};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// About `bytes` of properties text with comments, escapes and continuations.
fn properties_text(bytes: usize) -> String {
    let mut text = String::with_capacity(bytes + 256);
    let mut i = 0u64;
    while text.len() < bytes {
        match i % 5 {
            0 => writeln!(text, "# section {i}: settings for the portal").unwrap(),
            1 => writeln!(text, "key.number{i}=value-{i} with some words").unwrap(),
            2 => writeln!(text, "list.{i}=a{i},\\\n    b{i},\\\n    c{i}").unwrap(),
            3 => writeln!(text, "escaped.{i} = caf\\u00e9\\tand\\ space").unwrap(),
            _ => writeln!(text, "path.{i}:${{liferay.home}}/data/{i}").unwrap(),
        }
        i += 1;
    }
    text
}

/// A cluster of `nodes` live nodes and a staging server, in memory.
fn cluster(nodes: usize) -> Workspace {
    let mut workspace = Workspace::new();
    let secret = "tunneling.servlet.shared.secret=3f9a1c7e5b2d4a6f8e0c1b3d5a7f9e2c\ntunneling.servlet.shared.secret.hex=true\n";
    workspace.add_file(
        "staging/portal-ext.properties",
        format!("{secret}jdbc.default.url=jdbc:mysql://stagingdb/lportal\n"),
    );
    let mut manifest =
        String::from("[nodes.staging]\nrole = \"staging\"\naddress = \"10.0.0.1\"\n");
    for n in 0..nodes {
        let name = format!("app{n:04}");
        writeln!(
            manifest,
            "[nodes.{name}]\nrole = \"live\"\naddress = \"10.1.{}.{}\"",
            n / 250,
            n % 250 + 1
        )
        .unwrap();
        workspace.add_file(
            format!("{name}/portal-ext.properties"),
            format!(
                "{secret}jdbc.default.url=jdbc:mysql://db/lportal\ncluster.link.enabled=true\ntunnel.servlet.hosts.allowed=127.0.0.1,SERVER_IP,10.0.0.1\n"
            ),
        );
        workspace.add_file(
            format!("{name}/osgi/configs/com.liferay.portal.security.auth.verifier.internal.tunnel.configuration.TunnelAuthVerifierConfiguration~default.config"),
            "enabled=B\"true\"\nhostsAllowed=\"127.0.0.1,SERVER_IP,10.0.0.1\"\nurlsIncludes=\"/api/liferay/do\"\n",
        );
        workspace.add_file(
            format!("{name}/tomcat/bin/setenv.sh"),
            "CATALINA_OPTS=\"$CATALINA_OPTS -Xmx4g -Dfile.encoding=UTF-8\"\n",
        );
    }
    workspace.add_file("clusterlint.toml", manifest);
    workspace
}

/// About `bytes` of nginx server blocks with comments, quotes and regexes.
fn nginx_text(bytes: usize) -> String {
    let block = "server {\n    listen 8080;\n    server_name www.example.org \"quoted.example.org\";\n    # a comment\n    location / { proxy_pass http://backend; proxy_set_header Host $host; }\n    location ~* \\.(css|js)$ { return 301 https://www.example.org$request_uri; }\n}\n";
    block.repeat(bytes / block.len() + 1)
}

/// A gateway configuration with `services` services, properties and
/// substitutions.
fn gateway_text(services: usize) -> String {
    let mut text = String::from(
        "<?xml version=\"1.0\"?>\n<gateway-config xmlns=\"http://xmlns.kaazing.org/2016/06/gateway\">\n  <properties>\n    <property><name>gateway.ip.address</name><value>192.0.2.11</value></property>\n    <property><name>gateway.hostname</name><value>gateway.example.com</value></property>\n  </properties>\n",
    );
    for i in 0..services {
        writeln!(
            text,
            "  <service>\n    <name>echo {i}</name>\n    <accept>wss://${{gateway.hostname}}:8443/echo{i}</accept>\n    <type>echo</type>\n    <accept-options><tcp.bind>${{gateway.ip.address}}:8443</tcp.bind></accept-options>\n    <cross-site-constraint><allow-origin>https://www.example.com</allow-origin><allow-methods>GET,POST</allow-methods></cross-site-constraint>\n  </service>"
        )
        .unwrap();
    }
    text.push_str("</gateway-config>\n");
    text
}

/// A Gluu cluster of `nodes` behind one balancer, in memory.
fn gluu_cluster(nodes: usize) -> Workspace {
    let mut workspace = Workspace::new();
    let mut servers = String::new();
    let mut hosts = String::new();
    for n in 0..nodes {
        let ip = format!("10.1.{}.{}", n / 250, n % 250 + 1);
        writeln!(servers, "    server {ip}:443 max_fails=2 fail_timeout=10s;").unwrap();
        writeln!(hosts, "    host {ip};").unwrap();
        let name = format!("gluu{n:04}");
        workspace.add_file(
            format!("{name}/install/setup.properties.last"),
            format!("ip={ip}\nhostname=idp.example.org\norgName=Example\nldapPass=bench\n"),
        );
        workspace.add_file(
            format!("{name}/etc/stunnel/redis.conf"),
            "pid = /run/s.pid\n[redis]\nclient = yes\naccept = 127.0.0.1:6379\nconnect = 10.0.0.30:16379\n",
        );
        workspace.add_file(
            format!("{name}/etc/hosts"),
            format!("127.0.0.1 localhost\n{ip} idp.example.org\n10.0.0.30 redis.example.org\n"),
        );
    }
    for n in 0..nodes {
        workspace.add_file(
            format!("gluu{n:04}/etc/csync2.cfg"),
            format!(
                "group gluu {{\n{hosts}    key /etc/csync2.key;\n    include /opt/gluu/conf;\n}}\n"
            ),
        );
    }
    workspace.add_file(
        "lb/etc/nginx/nginx.conf",
        format!("events {{}}\nhttp {{\n upstream backend_id {{ ip_hash;\n{servers} }}\n server {{ listen 443 ssl; ssl_certificate /a.crt; location /identity {{ proxy_pass https://backend_id; }} }}\n}}\n"),
    );
    workspace.add_file(
        "redis/etc/redis/redis.conf",
        "bind 127.0.0.1\nrequirepass bench\n",
    );
    workspace.add_file(
        "redis/etc/stunnel/redis.conf",
        "cert = /etc/stunnel/r.pem\n[redis]\naccept = 10.0.0.30:16379\nconnect = 127.0.0.1:6379\n",
    );
    workspace
}

fn benches(c: &mut Criterion) {
    let text = properties_text(4 << 20);
    let mut group = c.benchmark_group("properties");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(10);
    group.bench_function("jdk_4MiB", |b| {
        b.iter(|| properties::parse(black_box(&text), Dialect::Jdk));
    });
    group.bench_function("liferay_4MiB", |b| {
        b.iter(|| properties::parse(black_box(&text), Dialect::Liferay));
    });
    group.finish();

    let text = nginx_text(4 << 20);
    let mut group = c.benchmark_group("nginx");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(10);
    group.bench_function("parse_4MiB", |b| {
        b.iter(|| formats::parse(Format::NGINX, black_box(&text)));
    });
    group.finish();

    let text = gateway_text(5000);
    let mut group = c.benchmark_group("kaazing");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(10);
    group.bench_function("parse_5000_services", |b| {
        b.iter(|| formats::parse(Format::KAAZING_XML, black_box(&text)));
    });
    let mut workspace = Workspace::new();
    workspace.add_file("dmz1/conf/gateway-config.xml", text.clone());
    group.bench_function("lint_5000_services", |b| {
        b.iter(|| workspace.lint(&LintOptions::default()));
    });
    group.finish();

    let workspace = gluu_cluster(100);
    let mut group = c.benchmark_group("gluu");
    group.sample_size(10);
    group.bench_function("lint_100_nodes", |b| {
        b.iter(|| workspace.lint(&LintOptions::default()));
    });
    group.finish();

    let workspace = cluster(300);
    let mut group = c.benchmark_group("cluster");
    group.sample_size(10);
    group.bench_function("lint_300_nodes", |b| {
        b.iter(|| workspace.lint(&LintOptions::default()));
    });
    group.finish();
}

criterion_group!(lint, benches);
criterion_main!(lint);
