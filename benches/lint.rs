//! Benchmarks on generated inputs: the properties parsers on a large file,
//! and a whole cluster linted from memory. `scripts/bench.sh` prints
//! whole-process figures.

use std::fmt::Write as _;
use std::hint::black_box;

use clusterlint::formats::properties::{self, Dialect};
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
