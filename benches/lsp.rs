//! The language server on a generated cluster of 2,000 nodes (about
//! 20,000 files on disk; `LSP_NODES` sets another count): the time from a
//! single-character `didChange` to the last `publishDiagnostics` it
//! causes, over 100 edits. Prints the median, p99 and maximum; not a
//! test. `cargo bench --bench lsp`.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use clusterlint::lsp::{serve, uri};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};

/// `cargo bench` passes `--bench`; `cargo test --all-targets` runs this
/// without it, as a quick smoke run on a small cluster.
fn sizes() -> (usize, i32) {
    if std::env::args().any(|a| a == "--bench") {
        let nodes = std::env::var("LSP_NODES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(2000);
        (nodes, 100)
    } else {
        (10, 4)
    }
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A Liferay cluster with Redis tunnels and csync2 on every node: ten
/// files a node, plus the staging server, the balancer and the manifest.
fn generate(root: &Path, nodes: usize) -> usize {
    let secret = "tunneling.servlet.shared.secret=3f9a1c7e5b2d4a6f8e0c1b3d5a7f9e2c\ntunneling.servlet.shared.secret.hex=true\n";
    let mut manifest = String::from(
        "[nodes.staging]\nrole = \"staging\"\naddress = \"10.0.0.1\"\n[nodes.lb]\nrole = \"balancer\"\naddress = \"10.0.0.2\"\n",
    );
    let mut servers = String::new();
    // Each node's hosts file and csync2 group name its ten neighbours
    // only, so that the input grows linearly with the nodes.
    let ip_of = |n: usize| format!("10.1.{}.{}", n / 250, n % 250 + 1);
    let neighbours = |n: usize| (n - n % 10)..(n - n % 10 + 10).min(nodes);
    for n in 0..nodes {
        let ip = ip_of(n);
        writeln!(
            manifest,
            "[nodes.app{n:04}]\nrole = \"live\"\naddress = \"{ip}\""
        )
        .unwrap();
        writeln!(
            servers,
            "    server {ip}:8080 max_fails=2 fail_timeout=10s;"
        )
        .unwrap();
    }
    write(&root.join("clusterlint.toml"), &manifest);
    write(
        &root.join("staging/portal-ext.properties"),
        &format!("{secret}jdbc.default.url=jdbc:mysql://stagingdb/lportal\n"),
    );
    write(
        &root.join("lb/etc/nginx/nginx.conf"),
        &format!(
            "events {{}}\nhttp {{\n    upstream portal {{\n        ip_hash;\n{servers}    }}\n    server {{\n        listen 80;\n        location / {{ proxy_pass http://portal; }}\n    }}\n}}\n"
        ),
    );
    let mut files = 3;
    for n in 0..nodes {
        let node = root.join(format!("app{n:04}"));
        let put = |relative: &str, text: &str| write(&node.join(relative), text);
        put(
            "portal-ext.properties",
            &format!(
                "# Live node {n}.\n{secret}jdbc.default.url=jdbc:mysql://db/lportal\ncluster.link.enabled=true\ntunnel.servlet.hosts.allowed=127.0.0.1,SERVER_IP,10.0.0.1\n"
            ),
        );
        put(
            "osgi/configs/com.liferay.portal.security.auth.verifier.internal.tunnel.configuration.TunnelAuthVerifierConfiguration~default.config",
            "enabled=B\"true\"\nhostsAllowed=\"127.0.0.1,SERVER_IP,10.0.0.1\"\nurlsIncludes=\"/api/liferay/do\"\n",
        );
        put(
            "osgi/configs/com.liferay.portal.search.elasticsearch7.configuration.ElasticsearchConfiguration.config",
            "operationMode=\"REMOTE\"\nnetworkHostAddresses=[\"http://search:9200\"]\n",
        );
        put(
            "osgi/configs/com.liferay.portal.store.file.system.configuration.AdvancedFileSystemStoreConfiguration.cfg",
            "rootDir=/mnt/shared/document_library\n",
        );
        put(
            "tomcat/bin/setenv.sh",
            "CATALINA_OPTS=\"$CATALINA_OPTS -Xmx4g -Dfile.encoding=UTF-8\"\n",
        );
        put(
            "portal-setup-wizard.properties",
            &format!("# node {n}\nsetup.wizard.enabled=false\n"),
        );
        let mut hosts = String::from("127.0.0.1 localhost\n");
        let mut csync_hosts = String::new();
        for m in neighbours(n) {
            writeln!(hosts, "{} app{m:04}", ip_of(m)).unwrap();
            write!(csync_hosts, " app{m:04}").unwrap();
        }
        put("etc/hosts", &hosts);
        put(
            "etc/csync2.cfg",
            &format!(
                "group shard{} {{\n    host{csync_hosts};\n    key /etc/csync2.key;\n    include /opt/liferay/data;\n}}\n",
                n / 10
            ),
        );
        put(
            "etc/redis/redis.conf",
            "bind 127.0.0.1\nport 6379\nmaxmemory 256mb\n",
        );
        put(
            "etc/stunnel/stunnel.conf",
            "pid = /run/stunnel.pid\n[redis]\nclient = yes\naccept = 127.0.0.1:16379\nconnect = 10.0.0.3:6380\n",
        );
        files += 10;
    }
    files
}

struct Client {
    connection: Connection,
    next_id: i32,
}

impl Client {
    fn notify(&self, method: &str, params: Value) {
        self.connection
            .sender
            .send(Notification::new(method.to_string(), params).into())
            .unwrap();
    }

    fn request(&mut self, method: &str, params: Value) {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.connection
            .sender
            .send(Request::new(id.clone(), method.to_string(), params).into())
            .unwrap();
        while !matches!(self.receive(), Message::Response(r) if r.id == id) {}
    }

    fn receive(&self) -> Message {
        self.connection
            .receiver
            .recv_timeout(Duration::from_secs(120))
            .expect("the server answers")
    }

    /// Waits for the publication of `uri` at `version`: the server sends
    /// the edited document's list last.
    fn wait_for_version(&self, uri: &str, version: i32) {
        loop {
            if let Message::Notification(n) = self.receive()
                && n.method == "textDocument/publishDiagnostics"
                && n.params["uri"] == uri
                && n.params["version"] == version
            {
                return;
            }
        }
    }
}

/// The nearest-rank percentile `p` (of 100) of sorted durations.
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    let rank = (p * sorted.len()).div_ceil(100);
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn main() {
    // `cargo bench` passes `--bench`; a filter that names something else skips this.
    if std::env::args()
        .skip(1)
        .any(|a| !a.starts_with('-') && !"lsp".contains(a.as_str()))
    {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("cluster");
    let (nodes, edits) = sizes();
    let files = generate(&root, nodes);

    let (server_side, client_side) = Connection::memory();
    let server = std::thread::spawn(move || serve(&server_side));
    let mut client = Client {
        connection: client_side,
        next_id: 0,
    };
    client.request("initialize", json!({ "capabilities": {}, "workspaceFolders": [{ "uri": uri::from_path(&root).unwrap().as_str(), "name": "c" }] }));
    client.notify("initialized", json!({}));

    let edited = nodes / 5;
    let file = root.join(format!("app{edited:04}/portal-ext.properties"));
    let uri = uri::from_path(&file).unwrap().as_str().to_string();
    let text = fs::read_to_string(&file).unwrap();
    let opened = Instant::now();
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "properties", "version": 0, "text": text } }),
    );
    client.wait_for_version(&uri, 0);
    let open_time = opened.elapsed();

    // Type a character at the end of the comment on line 1, then delete it.
    let column = format!("# Live node {edited}.").len();
    let mut times = Vec::new();
    for version in 1..=edits {
        let change = if version % 2 == 1 {
            json!({ "range": { "start": { "line": 0, "character": column }, "end": { "line": 0, "character": column } }, "text": "x" })
        } else {
            json!({ "range": { "start": { "line": 0, "character": column }, "end": { "line": 0, "character": column + 1 } }, "text": "" })
        };
        let sent = Instant::now();
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [change] }),
        );
        client.wait_for_version(&uri, version);
        times.push(sent.elapsed());
    }
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    server.join().unwrap();

    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "lsp: {nodes} nodes, {files} files; first open and check {:.1} ms",
        ms(open_time)
    );
    println!(
        "lsp: didChange -> last publishDiagnostics over {edits} edits: median {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ms(percentile(&times, 50)),
        ms(percentile(&times, 99)),
        ms(times[times.len() - 1])
    );
}
