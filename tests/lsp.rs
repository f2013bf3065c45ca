//! The language server in process, over `lsp-server`'s memory connection:
//! lifecycle, encodings, cross-file diagnostics, hover, code actions,
//! symbols, watched files and bad input.

mod common;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::Duration;

use clusterlint::lsp::{Ended, serve, uri};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};

/// A response, as its two JSON-RPC halves.
struct Reply {
    result: Option<Value>,
    error: Option<lsp_server::ResponseError>,
}

const TIMEOUT: Duration = Duration::from_secs(20);

/// A client driving a server thread.
struct Client {
    connection: Connection,
    server: Option<JoinHandle<Ended>>,
    next_id: i32,
    /// Every message the server sent, as JSON text.
    seen: Vec<String>,
    /// The last diagnostics published per URI.
    published: HashMap<String, Vec<Value>>,
    /// The version of each publication, per URI.
    versions: HashMap<String, Option<i64>>,
    /// Requests the server sent to the client.
    server_requests: Vec<Request>,
}

impl Client {
    fn new() -> Self {
        let (server_side, client_side) = Connection::memory();
        let server = std::thread::spawn(move || serve(&server_side));
        Self {
            connection: client_side,
            server: Some(server),
            next_id: 0,
            seen: Vec::new(),
            published: HashMap::new(),
            versions: HashMap::new(),
            server_requests: Vec::new(),
        }
    }

    /// A client initialized with `capabilities`, workspace `folders`.
    fn initialized(capabilities: &Value, folders: &[&Path]) -> (Self, Value) {
        Self::initialized_with(capabilities, folders, &Value::Null)
    }

    /// [`Client::initialized`] with `initializationOptions`.
    fn initialized_with(capabilities: &Value, folders: &[&Path], options: &Value) -> (Self, Value) {
        let mut client = Self::new();
        let folders: Vec<Value> = folders
            .iter()
            .map(|f| json!({ "uri": file_uri(f), "name": "w" }))
            .collect();
        let result = client
            .request(
                "initialize",
                json!({ "processId": null, "rootUri": null, "capabilities": capabilities, "workspaceFolders": folders, "initializationOptions": options }),
            )
            .result
            .expect("initialize answers");
        client.notify("initialized", json!({}));
        (client, result)
    }

    fn notify(&self, method: &str, params: Value) {
        self.connection
            .sender
            .send(Notification::new(method.to_string(), params).into())
            .unwrap();
    }

    /// Sends a request and waits for its answer, taking in every message
    /// before it. The server publishes what is pending before answering,
    /// so after any request the diagnostics are current.
    fn request(&mut self, method: &str, params: Value) -> Reply {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.connection
            .sender
            .send(Request::new(id.clone(), method.to_string(), params).into())
            .unwrap();
        loop {
            match self.receive() {
                Message::Response(response) if response.id == id => {
                    return match response.response_result {
                        Ok(result) => Reply {
                            result: Some(result),
                            error: None,
                        },
                        Err(error) => Reply {
                            result: None,
                            error: Some(error),
                        },
                    };
                }
                _ => {}
            }
        }
    }

    /// Waits until everything sent so far is handled and published.
    fn sync(&mut self) {
        let response = self.request("clusterlint/sync", Value::Null);
        assert_eq!(response.error.unwrap().code, -32601);
    }

    fn receive(&mut self) -> Message {
        let message = self
            .connection
            .receiver
            .recv_timeout(TIMEOUT)
            .expect("the server answers");
        self.seen.push(serde_json::to_string(&message).unwrap());
        match &message {
            Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                let uri = n.params["uri"].as_str().unwrap().to_string();
                self.versions
                    .insert(uri.clone(), n.params["version"].as_i64());
                self.published
                    .insert(uri, n.params["diagnostics"].as_array().unwrap().clone());
            }
            Message::Request(request) => self.server_requests.push(request.clone()),
            _ => {}
        }
        message
    }

    fn open(&self, path: &Path) {
        let text = fs::read_to_string(path).unwrap();
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": file_uri(path), "languageId": "plaintext", "version": 1, "text": text } }),
        );
    }

    fn change(&self, path: &Path, version: i32, changes: &Value) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": file_uri(path), "version": version }, "contentChanges": changes }),
        );
    }

    fn diagnostics(&self, path: &Path) -> &[Value] {
        self.published
            .get(&file_uri(path))
            .map_or(&[], Vec::as_slice)
    }

    fn rules(&self, path: &Path) -> Vec<String> {
        self.diagnostics(path)
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    }

    fn shutdown(mut self) -> Ended {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response.result, Some(Value::Null));
        self.notify("exit", Value::Null);
        self.server.take().unwrap().join().unwrap()
    }
}

fn file_uri(path: &Path) -> String {
    uri::from_path(path).unwrap().as_str().to_string()
}

/// A copy of a bundled example cluster in a temporary folder.
fn copy_cluster(name: &str) -> (tempfile::TempDir, PathBuf) {
    common::copy_example(name, name)
}

/// The line and character of the first `needle` in `text`, in UTF-16 units.
fn position_of(text: &str, needle: &str) -> Value {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in the text"));
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let character: usize = text[start..at].chars().map(char::len_utf16).sum();
    json!({ "line": line, "character": character })
}

/// A range replacing the first `needle` of `text`.
fn range_of(text: &str, needle: &str) -> Value {
    let start = position_of(text, needle);
    let end_text = format!("{}{needle}", &text[..text.find(needle).unwrap()]);
    let end = position_of(&format!("{end_text}\u{0}"), "\u{0}");
    json!({ "start": start, "end": end })
}

const STAGING: &str = "liferay-remote-staging";
const OSGI: &str = "app3/osgi/configs/com.liferay.portal.security.auth.verifier.internal.tunnel.configuration.TunnelAuthVerifierConfiguration~default.config";

#[test]
fn lifecycle_ends_cleanly_and_refuses_requests_after_shutdown() {
    let mut client = Client::new();
    let early = client.request("textDocument/hover", json!({}));
    assert_eq!(
        early.error.unwrap().code,
        -32002,
        "requests before initialize are refused"
    );
    let bad = client.request("initialize", json!({ "capabilities": 7 }));
    assert_eq!(bad.error.unwrap().code, -32602);
    let result = client
        .request("initialize", json!({ "capabilities": {} }))
        .result
        .unwrap();
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(result["capabilities"]["textDocumentSync"]["change"], 2);
    assert_eq!(result["serverInfo"]["name"], "clusterlint");
    let again = client.request("initialize", json!({ "capabilities": {} }));
    assert_eq!(again.error.unwrap().code, -32600);
    let shutdown = client.request("shutdown", Value::Null);
    assert_eq!(shutdown.result, Some(Value::Null));
    let after = client.request("textDocument/documentSymbol", json!({}));
    assert_eq!(after.error.unwrap().code, -32600);
    client.notify("exit", Value::Null);
    assert_eq!(
        client.server.take().unwrap().join().unwrap(),
        Ended::Cleanly
    );
}

#[test]
fn exit_without_shutdown_and_a_vanished_client_end_the_session() {
    let (client, _) = Client::initialized(&json!({}), &[]);
    client.notify("exit", Value::Null);
    let mut client = client;
    assert_eq!(
        client.server.take().unwrap().join().unwrap(),
        Ended::WithoutShutdown
    );

    let (mut client, _) = Client::initialized(&json!({}), &[]);
    let server = client.server.take().unwrap();
    drop(client);
    assert_eq!(server.join().unwrap(), Ended::Disconnected);
}

#[test]
fn utf8_is_chosen_when_offered_and_columns_follow_it() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("clusterlint.toml"),
        "[nodes.a]\nrole = \"live\"\n",
    )
    .unwrap();
    fs::create_dir(dir.path().join("a")).unwrap();
    let file = dir.path().join("a/portal-ext.properties");
    fs::write(&file, "x=é😀\ny=1\n").unwrap();
    for (offer, expected, end) in [
        (json!(["utf-8", "utf-16"]), "utf-8", 2 + 2 + 4),
        (json!(["utf-32"]), "utf-16", 2 + 1 + 2),
        (Value::Null, "utf-16", 2 + 1 + 2),
    ] {
        let (mut client, result) =
            Client::initialized(&json!({ "general": { "positionEncodings": offer } }), &[]);
        assert_eq!(result["capabilities"]["positionEncoding"], expected);
        client.open(&file);
        let symbols = client
            .request(
                "textDocument/documentSymbol",
                json!({ "textDocument": { "uri": file_uri(&file) } }),
            )
            .result
            .unwrap();
        let first = &symbols.as_array().unwrap()[0];
        assert_eq!(first["name"], "x");
        assert_eq!(
            first["range"]["end"],
            json!({ "line": 0, "character": end }),
            "{expected}"
        );
        assert_eq!(client.shutdown(), Ended::Cleanly);
    }
}

#[test]
fn custom_checks_are_published_and_follow_edits() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("clusterlint.toml"),
        "[nodes.a]\nrole = \"live\"\n\n[[check]]\nid = \"acme/https\"\npath = \"portal-ext.properties:web.server.protocol\"\nequals = \"https\"\n",
    )
    .unwrap();
    fs::create_dir(dir.path().join("a")).unwrap();
    let file = dir.path().join("a/portal-ext.properties");
    fs::write(&file, "web.server.protocol=http\n").unwrap();
    let (mut client, _) = Client::initialized(&json!({}), &[dir.path()]);
    client.open(&file);
    client.sync();
    let found = client.diagnostics(&file).to_vec();
    let custom = found
        .iter()
        .find(|d| d["code"] == "acme/https")
        .unwrap_or_else(|| panic!("no custom finding in {found:?}"));
    assert_eq!(
        custom["range"]["start"],
        json!({ "line": 0, "character": 20 })
    );
    assert_eq!(custom["source"], "clusterlint");
    assert!(
        custom.get("codeDescription").is_none(),
        "no reference page: {custom}"
    );
    client.change(
        &file,
        2,
        &json!([{ "range": range_of("web.server.protocol=http\n", "http"), "text": "https" }]),
    );
    client.sync();
    assert!(!client.rules(&file).contains(&"acme/https".to_string()));
    assert_eq!(client.shutdown(), Ended::Cleanly);
}

#[test]
fn a_cross_file_finding_is_published_for_every_file_and_cleared_by_editing_another() {
    let (_dir, root) = copy_cluster(STAGING);
    let (mut client, _) = Client::initialized(&json!({}), &[root.parent().unwrap()]);
    let config = root.join(OSGI);
    let setenv = root.join("app3/tomcat/bin/setenv.sh");
    client.open(&config);
    client.sync();

    // Published for files that are not open, with everything the protocol carries.
    let found = client.diagnostics(&setenv);
    assert_eq!(found.len(), 1, "{found:?}");
    let d = &found[0];
    assert_eq!(d["code"], "liferay/ipv6-needs-ipv6-stack");
    assert_eq!(d["source"], "clusterlint");
    assert_eq!(d["severity"], 1);
    assert_eq!(d["range"]["start"]["line"], 3, "setenv.sh line 4");
    // No page is published for this cluster: no link, and never one to
    // a path on the machine the server was built on.
    assert!(d.get("codeDescription").is_none(), "{d}");
    let related = d["relatedInformation"].as_array().unwrap();
    assert!(
        related
            .iter()
            .any(|r| r["location"]["uri"] == file_uri(&config)),
        "{related:?}"
    );
    assert_eq!(
        client.versions[&file_uri(&setenv)],
        None,
        "a file not open has no version"
    );
    // Every file with findings, as the command line counts them.
    let report = clusterlint::lint_dir(&root).unwrap();
    let mut files: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| report.path(d.primary.span).to_string())
        .collect();
    files.sort();
    files.dedup();
    for file in &files {
        assert!(
            !client.diagnostics(&root.join(file)).is_empty(),
            "nothing published for {file}"
        );
    }

    // Removing the IPv6 address from the OSGi configuration clears setenv.sh.
    let text = fs::read_to_string(&config).unwrap();
    client.change(
        &config,
        2,
        &json!([{ "range": range_of(&text, ",2001:db8::50"), "text": "" }]),
    );
    client.sync();
    assert!(
        client.diagnostics(&setenv).is_empty(),
        "{:?}",
        client.diagnostics(&setenv)
    );
    assert_eq!(
        client.versions[&file_uri(&config)],
        Some(2),
        "the edited document carries its version"
    );

    // Closing the buffer makes the disk count again.
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": file_uri(&config) } }),
    );
    client.sync();
    assert_eq!(client.rules(&setenv), ["liferay/ipv6-needs-ipv6-stack"]);
    assert_eq!(client.shutdown(), Ended::Cleanly);
}

#[test]
fn the_format_comes_from_the_path_not_the_language_id() {
    let (_dir, root) = copy_cluster(STAGING);
    let (mut client, _) = Client::initialized(&json!({}), &[]);
    let file = root.join("app2/portal-ext.properties");
    let text = fs::read_to_string(&file).unwrap();
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": file_uri(&file), "languageId": "xml", "version": 1, "text": text } }),
    );
    client.sync();
    assert!(
        client
            .rules(&file)
            .contains(&"liferay/tunnel-secret-mismatch".to_string())
    );
    assert_eq!(client.shutdown(), Ended::Cleanly);
}

#[test]
fn several_clusters_in_one_workspace_are_kept_apart() {
    let dir = tempfile::tempdir().unwrap();
    for name in [STAGING, "gluu-ha"] {
        let (copy, root) = copy_cluster(name);
        fs::rename(&root, dir.path().join(name)).unwrap();
        drop(copy);
    }
    let (mut client, _) = Client::initialized(&json!({}), &[dir.path()]);
    let liferay = dir.path().join(STAGING).join("app2/portal-ext.properties");
    let gluu_file = common::files_under(&dir.path().join("gluu-ha"))
        .into_iter()
        .find(|p| p.ends_with("nginx.conf"))
        .unwrap();
    client.open(&liferay);
    client.open(&gluu_file);
    client.sync();
    assert!(
        client
            .rules(&liferay)
            .contains(&"liferay/tunnel-secret-mismatch".to_string())
    );
    let gluu_rules: Vec<String> = client
        .published
        .iter()
        .filter(|(uri, _)| uri.contains("/gluu-ha/"))
        .flat_map(|(_, list)| list.iter().map(|d| d["code"].as_str().unwrap().to_string()))
        .collect();
    assert!(
        !gluu_rules.is_empty() && gluu_rules.iter().all(|r| !r.starts_with("liferay/")),
        "{gluu_rules:?}"
    );
    assert_eq!(client.shutdown(), Ended::Cleanly);
}

#[test]
fn hover_shows_the_rule_documentation_on_a_finding_only() {
    let (_dir, root) = copy_cluster(STAGING);
    let (mut client, _) = Client::initialized(&json!({}), &[]);
    let file = root.join("app2/portal-ext.properties");
    client.open(&file);
    client.sync();
    let d = client
        .diagnostics(&file)
        .iter()
        .find(|d| d["code"] == "liferay/tunnel-secret-mismatch")
        .unwrap()
        .clone();
    let hover = |client: &mut Client, position: Value| {
        client
            .request(
                "textDocument/hover",
                json!({ "textDocument": { "uri": file_uri(&file) }, "position": position }),
            )
            .result
            .unwrap()
    };
    let on = hover(&mut client, d["range"]["start"].clone());
    let text = on["contents"]["value"].as_str().unwrap();
    assert!(text.contains("liferay/tunnel-secret-mismatch"), "{text}");
    assert_eq!(on["range"], d["range"]);
    let off = hover(&mut client, json!({ "line": 1, "character": 0 }));
    assert_eq!(off, Value::Null);
    assert_eq!(client.shutdown(), Ended::Cleanly);
}

/// Applies one code action's text edits for `path` to `text`.
fn apply_edits(text: &str, edits: &[Value]) -> String {
    let lines = clusterlint::source::LineIndex::new(text);
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            let at = |p: &Value| {
                lines.offset_at(
                    text,
                    p["line"].as_u64().unwrap() as u32,
                    p["character"].as_u64().unwrap() as u32,
                    clusterlint::source::ColumnUnit::Utf16,
                ) as usize
            };
            (
                at(&e["range"]["start"]),
                at(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (start, end, new) in spans {
        out.replace_range(start..end, &new);
    }
    out
}

fn actions_at(client: &mut Client, file: &Path, d: &Value) -> Vec<Value> {
    client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": file_uri(file) },
                "range": d["range"],
                "context": { "diagnostics": [d] }
            }),
        )
        .result
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn a_suppress_action_round_trips_and_a_fix_action_fixes() {
    let (_dir, root) = copy_cluster(STAGING);
    let caps = json!({ "workspace": { "workspaceEdit": { "documentChanges": true } } });
    let (mut client, _) = Client::initialized(&caps, &[]);
    let file = root.join("app3/portal-ext.properties");
    let mut text = fs::read_to_string(&file).unwrap();
    client.open(&file);
    client.sync();
    let find = |client: &Client, rule: &str| {
        client
            .diagnostics(&file)
            .iter()
            .find(|d| d["code"] == rule)
            .cloned()
    };

    // The fix: admit the staging server. Versioned document changes.
    let missing = find(&client, "liferay/tunnel-hosts-missing-staging").unwrap();
    let actions = actions_at(&mut client, &file, &missing);
    let fix = actions
        .iter()
        .find(|a| a["isPreferred"] == true)
        .unwrap_or_else(|| panic!("no fix among {actions:?}"));
    assert_eq!(fix["kind"], "quickfix");
    let change = &fix["edit"]["documentChanges"][0];
    assert_eq!(change["textDocument"]["version"], 1);
    text = apply_edits(&text, change["edits"].as_array().unwrap());
    client.change(&file, 2, &json!([{ "text": text }]));
    client.sync();
    assert!(
        find(&client, "liferay/tunnel-hosts-missing-staging").is_none(),
        "{text}"
    );

    // Suppress: the comment goes before the statement, even a continued one.
    let https = find(&client, "liferay/tunnel-https-not-required").unwrap();
    let actions = actions_at(&mut client, &file, &https);
    let suppress = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Suppress"))
        .unwrap();
    let edits = suppress["edit"]["changes"][file_uri(&file)]
        .as_array()
        .unwrap();
    assert!(
        edits[0]["newText"]
            .as_str()
            .unwrap()
            .contains("clusterlint: ignore[liferay/tunnel-https-not-required]")
    );
    text = apply_edits(&text, edits);
    client.change(&file, 3, &json!([{ "text": text }]));
    client.sync();
    assert!(
        find(&client, "liferay/tunnel-https-not-required").is_none(),
        "{text}"
    );
    assert!(
        !client
            .rules(&file)
            .contains(&"core/unused-suppression".to_string()),
        "{:?}",
        client.rules(&file)
    );
    assert_eq!(client.shutdown(), Ended::Cleanly);
}

#[test]
fn a_rename_fix_is_offered_only_to_clients_that_rename() {
    let (_dir, root) = copy_cluster(STAGING);
    let typo = common::files_under(&root.join("app2/osgi/configs"))[0].clone();
    for (caps, offered) in [
        (json!({}), false),
        (
            json!({ "workspace": { "workspaceEdit": { "documentChanges": true, "resourceOperations": ["rename"] } } }),
            true,
        ),
    ] {
        let (mut client, _) = Client::initialized(&caps, &[]);
        client.open(&typo);
        client.sync();
        let d = client.diagnostics(&typo)[0].clone();
        assert_eq!(d["code"], "liferay/osgi-config-pid-typo");
        let actions = actions_at(&mut client, &typo, &d);
        let rename = actions.iter().find(|a| a["isPreferred"] == true);
        assert_eq!(rename.is_some(), offered, "{actions:?}");
        if let Some(rename) = rename {
            let ops = rename["edit"]["documentChanges"].as_array().unwrap();
            let op = ops.iter().find(|o| o["kind"] == "rename").unwrap();
            assert_eq!(op["oldUri"], file_uri(&typo));
            assert!(
                op["newUri"]
                    .as_str()
                    .unwrap()
                    .ends_with("TunnelAuthVerifierConfiguration~default.config")
            );
        }
        assert_eq!(client.shutdown(), Ended::Cleanly);
    }
}

#[test]
fn document_symbols_cover_every_format() {
    let (_dir, root) = copy_cluster("gluu-ha");
    let (_dir2, liferay) = copy_cluster(STAGING);
    let (_dir3, kaazing) = copy_cluster("kaazing-shield-ha");
    // The KAAZING example has no manifest: its workspace folder is its root.
    let (mut client, _) = Client::initialized(&json!({}), &[&root, &liferay, &kaazing]);
    let mut files = common::files_under(&root);
    files.extend(common::files_under(&liferay));
    files.extend(common::files_under(&kaazing));
    let mut kinds = std::collections::BTreeSet::new();
    for file in files
        .iter()
        .filter(|f| !f.ends_with("clusterlint.toml") && !f.to_string_lossy().contains("expected"))
    {
        let Some(format) = clusterlint::formats::classify(file.to_str().unwrap()) else {
            continue;
        };
        let result = client
            .request(
                "textDocument/documentSymbol",
                json!({ "textDocument": { "uri": file_uri(file) } }),
            )
            .result
            .unwrap();
        let symbols = result
            .as_array()
            .unwrap_or_else(|| panic!("no symbols for {}", file.display()));
        // Key material has no outline beyond its blocks' labels.
        if format != clusterlint::formats::Format::PEM
            && format != clusterlint::formats::Format::CSYNC2_KEY
            && format != clusterlint::formats::Format::OPENDJ_KEYSTORE
        {
            assert!(!symbols.is_empty(), "no symbols for {}", file.display());
        }
        kinds.insert(format!("{format:?}"));
    }
    assert!(kinds.len() >= 8, "{kinds:?}");
    assert_eq!(client.shutdown(), Ended::Cleanly);
}

#[test]
fn files_changed_on_disk_are_picked_up_the_manifest_included() {
    let (_dir, root) = copy_cluster(STAGING);
    let caps = json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let (mut client, _) = Client::initialized(&caps, &[]);
    let file = root.join("app2/portal-ext.properties");
    let setenv = root.join("app3/tomcat/bin/setenv.sh");
    client.open(&file);
    client.sync();
    assert!(
        client
            .server_requests
            .iter()
            .any(|r| r.method == "client/registerCapability"),
        "the server registers its file watchers"
    );
    assert_eq!(client.rules(&setenv), ["liferay/ipv6-needs-ipv6-stack"]);

    // A file not open changes on disk.
    let text = fs::read_to_string(&setenv)
        .unwrap()
        .replace("-Djava.net.preferIPv4Stack=true", "");
    fs::write(&setenv, text).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&setenv), "type": 2 }] }),
    );
    client.sync();
    assert!(
        client.rules(&setenv).is_empty(),
        "{:?}",
        client.rules(&setenv)
    );

    // The manifest changes: the staging server loses its IPv6 address, so
    // app3's allowed hosts admit all of it.
    let app3 = root.join("app3/portal-ext.properties");
    assert!(
        client
            .rules(&app3)
            .contains(&"liferay/tunnel-hosts-missing-staging".to_string())
    );
    let manifest = root.join("clusterlint.toml");
    let text = fs::read_to_string(&manifest).unwrap();
    let ipv4_only = text.replace(
        r#"addresses = ["192.0.2.50", "2001:db8::50"]"#,
        r#"address = "192.0.2.50""#,
    );
    assert_ne!(text, ipv4_only);
    fs::write(&manifest, ipv4_only).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&manifest), "type": 2 }] }),
    );
    client.sync();
    assert!(
        !client
            .rules(&app3)
            .contains(&"liferay/tunnel-hosts-missing-staging".to_string()),
        "{:?}",
        client.rules(&app3)
    );

    // A folder goes: its files' findings go with it; the open buffer of
    // one of them still counts, as the editor still shows it.
    let typo = common::files_under(&root.join("app2/osgi/configs"))[0].clone();
    assert!(!client.diagnostics(&typo).is_empty());
    fs::remove_dir_all(root.join("app2/osgi")).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&root.join("app2/osgi")), "type": 3 }] }),
    );
    client.sync();
    assert!(
        client.diagnostics(&typo).is_empty(),
        "{:?}",
        client.diagnostics(&typo)
    );
    assert!(
        client
            .rules(&file)
            .contains(&"liferay/tunnel-secret-mismatch".to_string())
    );

    // A file appears.
    let created = root.join("app2/osgi/configs/com.liferay.portal.security.auth.verifier.internal.tunnel.configuration.TunnelAuthVerifierConfiguraton~default.config");
    fs::create_dir_all(created.parent().unwrap()).unwrap();
    fs::write(&created, "enabled=B\"true\"\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&created), "type": 1 }] }),
    );
    client.sync();
    assert_eq!(client.rules(&created), ["liferay/osgi-config-pid-typo"]);
    assert_eq!(client.shutdown(), Ended::Cleanly);
}

#[test]
fn bad_requests_are_answered_and_the_server_keeps_serving() {
    let (_dir, root) = copy_cluster(STAGING);
    let outside = tempfile::tempdir().unwrap();
    let lonely = outside.path().join("nginx.conf");
    fs::write(&lonely, "events {}\n").unwrap();
    let (mut client, _) = Client::initialized(&json!({}), &[]);
    let file = root.join("app2/portal-ext.properties");

    assert_eq!(
        client
            .request("no/such/method", json!({}))
            .error
            .unwrap()
            .code,
        -32601
    );
    assert_eq!(
        client
            .request("textDocument/hover", json!({ "nonsense": 1 }))
            .error
            .unwrap()
            .code,
        -32602
    );
    // Documents in no cluster, of other schemes, never opened.
    for uri in [
        file_uri(&lonely),
        "untitled:Untitled-1".to_string(),
        "https://example.org/a".to_string(),
    ] {
        let hover = client.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 0 } }),
        );
        assert_eq!(hover.result, Some(Value::Null), "{uri}");
        client.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "x", "version": 1, "text": "x" } }),
        );
    }
    // Notifications with broken parameters are dropped.
    client.notify("textDocument/didOpen", json!({ "textDocument": 5 }));
    client.notify("textDocument/didChange", json!(null));
    // Positions past the end, inside characters, reversed.
    client.open(&file);
    client.change(
        &file,
        2,
        &json!([
            { "range": { "start": { "line": 900, "character": 4 }, "end": { "line": 0, "character": 999 } }, "text": "é" },
            { "range": { "start": { "line": 0, "character": 1 }, "end": { "line": 0, "character": 1 } }, "text": "😀" },
        ]),
    );
    // A change to a document never opened.
    client.change(
        &root.join("app1/portal-ext.properties"),
        9,
        &json!([{ "text": "" }]),
    );
    client.sync();
    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": file_uri(&file) } }),
        )
        .result
        .unwrap();
    assert!(symbols.is_array());
    assert_eq!(client.shutdown(), Ended::Cleanly);
}

/// Secret values of the example cluster's files: values of keys that
/// name a secret or password.
fn secret_values(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for file in common::files_under(root) {
        let Ok(text) = fs::read_to_string(&file) else {
            continue;
        };
        for line in text.lines() {
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let key = key.to_ascii_lowercase();
            let value = value.trim().trim_matches('"');
            if (key.contains("secret") || key.contains("password"))
                && !key.ends_with(".hex")
                && value.len() >= 6
            {
                out.push(value.to_string());
            }
        }
    }
    assert!(out.len() >= 3, "{out:?}");
    out
}

#[test]
fn no_message_carries_a_secret() {
    let (_dir, root) = copy_cluster(STAGING);
    let caps = json!({ "workspace": { "workspaceEdit": { "documentChanges": true, "resourceOperations": ["rename"] } } });
    let (mut client, _) = Client::initialized(&caps, &[]);
    for file in common::files_under(&root) {
        client.open(&file);
    }
    client.sync();
    let published: Vec<(String, Vec<Value>)> = client.published.clone().into_iter().collect();
    for (uri, list) in &published {
        for d in list {
            let _ = client.request(
                "textDocument/hover",
                json!({ "textDocument": { "uri": uri }, "position": d["range"]["start"] }),
            );
            let _ = client.request(
                "textDocument/codeAction",
                json!({ "textDocument": { "uri": uri }, "range": d["range"], "context": { "diagnostics": [] } }),
            );
        }
        let _ = client.request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri } }),
        );
    }
    let seen = client.seen.join("\n");
    for secret in secret_values(&root) {
        for part in [
            &secret[..],
            &secret[..secret.len() / 2],
            &secret[secret.len() / 2..],
        ] {
            assert!(!seen.contains(part), "a message carries (part of) a secret");
        }
    }
    assert_eq!(client.shutdown(), Ended::Cleanly);
}

fn frame(body: &str) -> String {
    format!("Content-Length: {}\r\n\r\n{body}", body.len())
}

/// Runs `clusterlint lsp` on `input`; its exit code and output.
fn run_binary(input: &str) -> (Option<i32>, String) {
    let output = common::run_lsp(input);
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn the_binary_survives_malformed_json_rpc_on_stdio() {
    let input = [
        frame("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"capabilities\":{}}}"),
        frame("{this is not json"),
        frame("[1,2,3]"),
        "Content-Length: nonsense\r\n\r\n".to_string(),
        frame("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"workspace/symbol\",\"params\":{}}"),
        frame("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"shutdown\"}"),
        frame("{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}"),
    ]
    .concat();
    let (code, out) = run_binary(&input);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("\"positionEncoding\""), "{out}");
    assert!(out.contains("-32700"), "a parse error is answered: {out}");
    assert!(
        out.contains("-32600"),
        "a message that is no request is answered: {out}"
    );
    assert!(
        out.contains("-32601"),
        "an unknown method is answered: {out}"
    );
    assert!(out.contains("\"id\":3,\"result\":null"), "{out}");

    // Exit without shutdown, and stdin closing early: exit code 1.
    let (code, _) = run_binary(&frame("{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}"));
    assert_eq!(code, Some(1));
    let (code, _) = run_binary(&frame(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"capabilities\":{}}}",
    ));
    assert_eq!(code, Some(1));
}

/// A client that says where the rule pages are gets each finding's page as
/// its code description.
#[test]
fn rule_pages_are_linked_where_the_client_says_they_are() {
    let (_dir, root) = common::copy_example("liferay-remote-staging", "cluster");
    let options = json!({ "ruleDocsUrl": "https://docs.example.test/rules/" });
    let (mut client, _) = Client::initialized_with(&json!({}), &[root.parent().unwrap()], &options);
    let setenv = root.join("app3/tomcat/bin/setenv.sh");
    client.open(&setenv);
    client.sync();
    let found = client.diagnostics(&setenv);
    assert_eq!(
        found[0]["codeDescription"]["href"],
        "https://docs.example.test/rules/liferay/ipv6-needs-ipv6-stack.md",
        "{found:?}"
    );
}

/// `source.fixAll` gathers the safe fixes of a file into one edit; a file
/// whose only fix is unsafe (it admits a host) gets none.
#[test]
fn fix_all_applies_the_safe_fixes_of_a_file() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/nginx/ssl-on-deprecated/fail/guide-ssl-on-in-server");
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("cluster");
    for file in common::files_under(&fixture) {
        let to = root.join(file.strip_prefix(&fixture).unwrap());
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(&file, &to).unwrap();
    }
    fs::create_dir_all(root.join(".git")).unwrap();
    let nginx = common::files_under(&root)
        .into_iter()
        .find(|f| {
            f.to_string_lossy().contains("nginx") && f.extension().is_some_and(|e| e == "conf")
        })
        .expect("an nginx file");
    let (mut client, _) = Client::initialized(&json!({}), &[&root]);
    client.open(&nginx);
    client.sync();
    let fix_all = |client: &mut Client, file: &Path| {
        client
            .request(
                "textDocument/codeAction",
                json!({
                    "textDocument": { "uri": file_uri(file) },
                    "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
                    "context": { "diagnostics": [], "only": ["source.fixAll"] }
                }),
            )
            .result
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    };
    let actions = fix_all(&mut client, &nginx);
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "source.fixAll");
    assert!(actions[0]["edit"]["changes"].is_object(), "{actions:?}");
    assert_eq!(client.shutdown(), Ended::Cleanly);

    let (_dir, staging) = copy_cluster(STAGING);
    let (mut client, _) = Client::initialized(&json!({}), &[]);
    let hosts = staging.join("app3/portal-ext.properties");
    client.open(&hosts);
    client.sync();
    assert!(fix_all(&mut client, &hosts).is_empty());
    assert_eq!(client.shutdown(), Ended::Cleanly);
}

/// A client that pulls gets an open document's findings by
/// `textDocument/diagnostic` and none pushed for it (no finding twice);
/// files not open are still pushed, and the client is told to pull again
/// when findings change.
#[test]
fn a_pulling_client_pulls_open_documents_and_gets_the_rest_pushed() {
    let (_dir, root) = copy_cluster(STAGING);
    let caps = json!({
        "textDocument": { "diagnostic": { "dynamicRegistration": false } },
        "workspace": { "diagnostic": { "refreshSupport": true } }
    });
    let (mut client, result) = Client::initialized(&caps, &[root.parent().unwrap()]);
    assert_eq!(
        result["capabilities"]["diagnosticProvider"]["interFileDependencies"],
        true
    );
    let hosts = root.join("app3/portal-ext.properties");
    client.open(&hosts);
    client.sync();
    assert!(
        client.diagnostics(&hosts).is_empty(),
        "{:?}",
        client.diagnostics(&hosts)
    );
    let setenv = root.join("app3/tomcat/bin/setenv.sh");
    assert!(
        !client.diagnostics(&setenv).is_empty(),
        "a closed file is pushed"
    );
    let pulled = client
        .request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": file_uri(&hosts) } }),
        )
        .result
        .unwrap();
    assert_eq!(pulled["kind"], "full");
    let codes: Vec<&str> = pulled["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"liferay/tunnel-hosts-missing-staging"),
        "{codes:?}"
    );
    assert!(
        client
            .server_requests
            .iter()
            .any(|r| r.method == "workspace/diagnostic/refresh"),
        "no refresh asked for"
    );
    assert_eq!(client.shutdown(), Ended::Cleanly);
}
