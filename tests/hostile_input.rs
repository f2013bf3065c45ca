//! Hostile input, generated at run time and checked through the command
//! line: every case ends with exit 0, 1 or 2 and a JSON report, in a time
//! that grows with the input, not its square; where a limit was reached a
//! finding says where. The bound is generous (a loaded CI machine runs
//! the unoptimised build); the quadratic versions of these cases took
//! minutes.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

/// Each case's time bound.
const BOUND: Duration = Duration::from_secs(90);

/// A cluster in a temporary repository.
struct Cluster {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Cluster {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("cluster");
        fs::create_dir_all(root.join(".git")).unwrap();
        Self { _dir: dir, root }
    }

    fn write(&self, path: &str, text: impl AsRef<[u8]>) -> &Self {
        let path = self.root.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
        self
    }

    /// Runs `check` in `format`, asserting the exit code and the time
    /// bound; the output and the report's diagnostics (for JSON).
    fn check_as(&self, format: &str) -> (Vec<u8>, Vec<Value>) {
        let started = Instant::now();
        let output = Command::cargo_bin("clusterlint")
            .unwrap()
            .args(["check", "--format", format])
            .arg(&self.root)
            .timeout(BOUND)
            .output()
            .unwrap();
        let took = started.elapsed();
        let code = output.status.code();
        assert!(
            matches!(code, Some(0..=2)),
            "exit {code:?} after {took:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(took < BOUND, "took {took:?}");
        let diagnostics = if format == "json" {
            let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
                panic!(
                    "not JSON ({e}): {}",
                    String::from_utf8_lossy(&output.stderr)
                )
            });
            report["diagnostics"].as_array().unwrap().clone()
        } else {
            Vec::new()
        };
        (output.stdout, diagnostics)
    }

    fn check(&self) -> Vec<Value> {
        self.check_as("json").1
    }
}

/// Whether one finding of `rule` is located in `path`, on a line.
fn located(diagnostics: &[Value], rule: &str, path: impl Fn(&str) -> bool) -> bool {
    diagnostics.iter().any(|d| {
        d["rule"] == rule && path(d["path"].as_str().unwrap()) && d["line"].as_u64() > Some(0)
    })
}

fn rules(diagnostics: &[Value]) -> Vec<&str> {
    let mut rules: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    rules.dedup();
    rules
}

/// `item(0)` to `item(count - 1)`, one after the other.
fn each(count: u32, item: impl Fn(u32) -> String) -> String {
    let mut out = String::new();
    for i in 0..count {
        out.push_str(&item(i));
    }
    out
}

const GATEWAY: &str = "<gateway-config xmlns=\"http://xmlns.kaazing.org/2016/06/gateway\">";

#[test]
fn xml_nested_200_000_deep_is_a_located_parse_error() {
    let cluster = Cluster::new();
    cluster.write(
        "gw/conf/gateway-config.xml",
        format!(
            "{GATEWAY}{}{}</gateway-config>\n",
            "<x>".repeat(200_000),
            "</x>".repeat(200_000)
        ),
    );
    let found = cluster.check();
    assert!(
        located(&found, "core/parse-error", |p| p
            == "gw/conf/gateway-config.xml"),
        "{:?}",
        rules(&found)
    );
}

#[test]
fn xml_with_100_000_attributes_or_siblings() {
    let cluster = Cluster::new();
    let attributes = each(100_000, |i| format!(" a{i}=\"x\""));
    cluster.write(
        "gw1/conf/gateway-config.xml",
        format!(
            "<gateway-config xmlns=\"http://xmlns.kaazing.org/2016/06/gateway\"{attributes}/>\n"
        ),
    );
    let service = "<service><name>s</name><accept>ws://h:1/</accept><type>echo</type></service>";
    cluster.write(
        "gw2/conf/gateway-config.xml",
        format!("{GATEWAY}{}</gateway-config>\n", service.repeat(100_000)),
    );
    let found = cluster.check();
    assert!(
        located(&found, "kaazing/schema-invalid", |p| p.starts_with("gw1/")),
        "{:?}",
        rules(&found)
    );
}

#[test]
fn redis_bind_with_400_000_addresses() {
    let cluster = Cluster::new();
    let addresses: Vec<String> = (0..400_000u32)
        .map(|i| format!("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255))
        .collect();
    cluster.write(
        "r1/redis.conf",
        format!(
            "bind {}\nport 6379\nrequirepass x9f3k\n",
            addresses.join(" ")
        ),
    );
    cluster.check();
}

#[test]
fn nginx_with_80_000_upstreams() {
    let cluster = Cluster::new();
    let upstreams = each(80_000, |i| {
        format!(
            "upstream u{i} {{ server 10.{}.{}.1:80; }}\n",
            i >> 8,
            i & 255
        )
    });
    cluster.write(
        "lb/nginx.conf",
        format!("events {{}}\nhttp {{\n{upstreams}server {{ listen 80; location / {{ proxy_pass http://nowhere; }} }}\n}}\n"),
    );
    let found = cluster.check();
    assert!(
        located(&found, "nginx/proxy-pass-unknown-upstream", |p| p
            == "lb/nginx.conf"),
        "{:?}",
        rules(&found)
    );
}

#[test]
fn stunnel_with_100_000_sections() {
    let cluster = Cluster::new();
    let sections = each(100_000, |i| {
        format!(
            "[s{i}]\naccept = {}\nconnect = 127.0.0.1:6379\n",
            10_000 + i % 50_000
        )
    });
    cluster.write(
        "s1/etc/stunnel/stunnel.conf",
        format!("cert = /etc/stunnel/c.pem\n{sections}"),
    );
    let found = cluster.check();
    // Every port is taken twice: the second of each pair is reported.
    assert!(
        located(&found, "net/port-conflict", |p| p
            == "s1/etc/stunnel/stunnel.conf"),
        "{:?}",
        rules(&found)
    );
}

#[test]
fn an_nginx_include_glob_matching_60_000_files() {
    let cluster = Cluster::new();
    cluster.write(
        "lb/etc/nginx/nginx.conf",
        "events {}\nhttp {\ninclude /etc/nginx/conf.d/*.conf;\n}\n",
    );
    let folder = cluster.root.join("lb/etc/nginx/conf.d");
    fs::create_dir_all(&folder).unwrap();
    for i in 0..60_000 {
        fs::write(
            folder.join(format!("s{i}.conf")),
            format!("server {{ listen {}; }}\n", 1_000 + i),
        )
        .unwrap();
    }
    cluster.check();
}

/// Files that include the next one four times, `levels` deep: 4^levels
/// copies of the last one.
fn fan_out(
    cluster: &Cluster,
    levels: usize,
    path: impl Fn(usize) -> String,
    include: impl Fn(usize) -> String,
    leaf: &str,
) {
    for level in 0..levels {
        cluster.write(&path(level), include(level + 1).repeat(4));
    }
    cluster.write(&path(levels), leaf);
}

/// A main file and 16 levels of files each including the next four times:
/// the cut is reported at an include under `cut_under`.
fn fan_out_is_cut(
    main: &str,
    level: impl Fn(usize) -> String,
    include: impl Fn(usize) -> String,
    leaf: &str,
    cut_under: &str,
) {
    let cluster = Cluster::new();
    let path = |i: usize| if i == 0 { main.to_string() } else { level(i) };
    fan_out(&cluster, 16, path, include, leaf);
    let found = cluster.check();
    assert!(
        located(&found, "core/unreadable-file", |p| p.starts_with(cut_under)),
        "{:?}",
        rules(&found)
    );
}

#[test]
fn redis_includes_fanning_out_are_cut_and_said() {
    fan_out_is_cut(
        "r1/etc/redis/redis.conf",
        |i| format!("r1/etc/redis/f{i}.conf"),
        |i| format!("include /etc/redis/f{i}.conf\n"),
        "port 6379\n",
        "r1/etc/redis/f",
    );
}

#[test]
fn stunnel_includes_fanning_out_are_cut_and_said() {
    fan_out_is_cut(
        "s1/etc/stunnel/stunnel.conf",
        |i| format!("s1/etc/stunnel/inc{i}/x.conf"),
        |i| format!("include = /etc/stunnel/inc{i}\n"),
        "[a]\naccept = 1\nconnect = 2\n",
        "s1/etc/stunnel/",
    );
}

/// The cut is said, and the main file's own directives are still checked.
#[test]
fn nginx_includes_fanning_out_are_cut_and_the_rest_is_checked() {
    let cluster = Cluster::new();
    fan_out(
        &cluster,
        11,
        |i| format!("lb/etc/nginx/f{i}.conf"),
        |i| format!("include /etc/nginx/f{i}.conf;\n"),
        "upstream u { server 10.0.0.1:80; }\n",
    );
    cluster.write(
        "lb/etc/nginx/nginx.conf",
        "events {}\nhttp {\ninclude /etc/nginx/f1.conf;\ninclude /etc/nginx/f1.conf;\ninclude /etc/nginx/f1.conf;\ninclude /etc/nginx/f1.conf;\nserver { listen 80; location / { proxy_pass http://uu; } }\n}\n",
    );
    let found = cluster.check();
    assert!(
        located(&found, "core/unreadable-file", |p| p
            .starts_with("lb/etc/nginx/f")),
        "{:?}",
        rules(&found)
    );
    assert!(
        located(&found, "nginx/proxy-pass-unknown-upstream", |p| p
            == "lb/etc/nginx/nginx.conf"),
        "{:?}",
        rules(&found)
    );
}

/// `max-nesting-depth` raised as far as a manifest can: nesting past the
/// cap is reported, not a stack overflow.
#[test]
fn nesting_past_a_raised_limit_is_reported_not_a_crash() {
    let cluster = Cluster::new();
    cluster
        .write(
            "clusterlint.toml",
            "[limits]\nmax-nesting-depth = 100000000\n",
        )
        .write(
            "lb/nginx.conf",
            format!("{}{}", "a {\n".repeat(5_000), "}\n".repeat(5_000)),
        )
        .write(
            "gw/conf/gateway-config.xml",
            format!(
                "{GATEWAY}{}{}</gateway-config>\n",
                "<x>".repeat(50_000),
                "</x>".repeat(50_000)
            ),
        );
    let found = cluster.check();
    for path in ["lb/nginx.conf", "gw/conf/gateway-config.xml"] {
        assert!(
            located(&found, "core/parse-error", |p| p == path),
            "{path}: {:?}",
            rules(&found)
        );
    }
}

/// One 15 MB value: what a message quotes and what a snippet shows are
/// bounded, in every format. The report is compared with the one for the
/// same cluster with a short value.
#[test]
fn a_15_mb_value_gives_a_bounded_report() {
    let with_value = |length: usize| {
        let cluster = Cluster::new();
        cluster.write(
            "lb/nginx.conf",
            format!(
                "events {{}}\nhttp {{\nupstream u {{ server {}:99999; }}\nserver {{ listen 80; location / {{ proxy_pass http://u; }} }}\n}}\n",
                "a".repeat(length)
            ),
        );
        cluster
    };
    let (long, short) = (with_value(15_000_000), with_value(5_000));
    for format in ["json", "human", "sarif", "github", "junit", "concise"] {
        let (long_report, _) = long.check_as(format);
        let (short_report, _) = short.check_as(format);
        assert!(
            long_report.len() < short_report.len() + 4 * 1024,
            "{format}: {} bytes, {} with a short value",
            long_report.len(),
            short_report.len()
        );
    }
}

/// A FIFO behind links named like configuration, and a manifest link to
/// one: said, never opened (opening one would wait for a writer).
#[cfg(unix)]
#[test]
fn fifos_behind_links_are_said_not_waited_on() {
    let cluster = Cluster::new();
    cluster.write("lb/nginx.conf", "events {}\nhttp {}\n");
    let fifo = cluster.root.join("lb/pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    for link in [
        "lb/conf.d/site.conf",
        "gw/conf/gateway-config.xml",
        "clusterlint.toml",
    ] {
        let link: &Path = &cluster.root.join(link);
        fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&fifo, link).unwrap();
    }
    cluster.check();
}
