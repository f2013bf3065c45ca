//! The server's life: the initialize handshake, the documents the editor
//! has open, and the main loop. Messages that arrive together are handled
//! together and the clusters they touched are checked once after them, so
//! a burst of keystrokes costs one check (the debounce). Each check
//! publishes only the per-file lists that changed, empty ones included, and
//! the lists of the documents just edited last, with their versions.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crossbeam_channel::Sender;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::fix;
use crate::lsp::clusters::{self, ClusterSession};
use crate::lsp::protocol::{self, EditSupport, RuleDocs};
use crate::lsp::uri;
use crate::outcome::Report;
use crate::source::{ColumnUnit, TextRange};
use crate::suppress::{self, Placement};

/// How a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    /// `shutdown`, then `exit`.
    Cleanly,
    /// `exit` without `shutdown` first (the process should exit with 1).
    WithoutShutdown,
    /// The client went away.
    Disconnected,
}

/// Serves one session on `connection` until it ends.
#[must_use]
pub fn serve(connection: &Connection) -> Ended {
    match handshake(connection) {
        Ok(mut server) => server.run(connection),
        Err(ended) => ended,
    }
}

/// A document the editor has open.
struct Document {
    /// The URI as the client wrote it; diagnostics go back under it.
    uri: lsp::Uri,
    text: String,
    version: i32,
    /// The root of its cluster, if it belongs to one.
    root: Option<PathBuf>,
}

/// A cluster with what was last published for it.
struct OpenCluster {
    cluster: ClusterSession,
    /// Cluster path → the diagnostics last published for it (non-empty).
    published: HashMap<String, Vec<lsp::Diagnostic>>,
    /// Checked since the last publication.
    unpublished: bool,
}

impl OpenCluster {
    fn check(&mut self) {
        if self.cluster.check() {
            self.unpublished = true;
        }
    }
}

struct Server {
    sender: Sender<Message>,
    unit: ColumnUnit,
    docs: RuleDocs,
    edit_support: EditSupport,
    client: ClientSupport,
    /// Ids of requests the server sends.
    next_request: i32,
    folders: Vec<PathBuf>,
    clusters: BTreeMap<PathBuf, OpenCluster>,
    documents: HashMap<PathBuf, Document>,
    /// Documents edited since the last publication.
    edited: HashSet<PathBuf>,
    shut_down: bool,
}

/// Waits for `initialize` and answers it; requests before it are refused,
/// notifications dropped, as the protocol asks.
fn handshake(connection: &Connection) -> Result<Server, Ended> {
    loop {
        let Ok(message) = connection.receiver.recv() else {
            return Err(Ended::Disconnected);
        };
        match message {
            Message::Request(request) if request.method == "initialize" => {
                match serde_json::from_value::<lsp::InitializeParams>(request.params) {
                    Ok(params) => {
                        let server = Server::new(connection.sender.clone(), &params);
                        let result = lsp::InitializeResult {
                            capabilities: server.capabilities(),
                            server_info: Some(lsp::ServerInfo {
                                name: "clusterlint".to_string(),
                                version: Some(env!("CARGO_PKG_VERSION").to_string()),
                            }),
                        };
                        server.respond(request.id, Ok(to_value(&result)));
                        return Ok(server);
                    }
                    Err(_) => send_error(
                        &connection.sender,
                        request.id,
                        ErrorCode::InvalidParams,
                        "the initialize parameters are not valid",
                    ),
                }
            }
            Message::Request(request) => send_error(
                &connection.sender,
                request.id,
                ErrorCode::ServerNotInitialized,
                "the server is not initialized yet",
            ),
            Message::Notification(notification) if notification.method == "exit" => {
                return Err(Ended::WithoutShutdown);
            }
            Message::Notification(_) | Message::Response(_) => {}
        }
    }
}

/// What the client can do beyond the basics.
struct ClientSupport {
    /// Watched-file notifications can be registered.
    watch_files: bool,
    /// The client pulls the diagnostics of open documents
    /// (`textDocument/diagnostic`); those are then never pushed, so no
    /// finding shows twice. Files not open are still pushed.
    pull: bool,
    /// The client can be told to pull again (`workspace/diagnostic/refresh`).
    refresh: bool,
}

impl Server {
    fn new(sender: Sender<Message>, params: &lsp::InitializeParams) -> Self {
        let capabilities = &params.capabilities;
        let utf8 = capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|kinds| kinds.contains(&lsp::PositionEncodingKind::UTF8));
        let workspace = capabilities.workspace.as_ref();
        let edit = workspace.and_then(|w| w.workspace_edit.as_ref());
        let edit_support = EditSupport {
            document_changes: edit.and_then(|e| e.document_changes) == Some(true),
            rename: edit
                .and_then(|e| e.resource_operations.as_ref())
                .is_some_and(|ops| ops.contains(&lsp::ResourceOperationKind::Rename)),
        };
        let watch_files = workspace
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            == Some(true);
        let pull = capabilities
            .text_document
            .as_ref()
            .is_some_and(|t| t.diagnostic.is_some());
        let refresh = workspace
            .and_then(|w| w.diagnostic.as_ref())
            .and_then(|d| d.refresh_support)
            == Some(true);
        let docs_base = params
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("ruleDocsUrl"))
            .and_then(Value::as_str)
            .map(str::to_string);
        Self {
            sender,
            unit: if utf8 {
                ColumnUnit::Utf8
            } else {
                ColumnUnit::Utf16
            },
            docs: RuleDocs::new(docs_base),
            edit_support,
            client: ClientSupport {
                watch_files,
                pull,
                refresh,
            },
            next_request: 0,
            folders: workspace_folders(params),
            clusters: BTreeMap::new(),
            documents: HashMap::new(),
            edited: HashSet::new(),
            shut_down: false,
        }
    }

    fn capabilities(&self) -> lsp::ServerCapabilities {
        lsp::ServerCapabilities {
            position_encoding: Some(match self.unit {
                ColumnUnit::Utf8 => lsp::PositionEncodingKind::UTF8,
                ColumnUnit::Utf16 => lsp::PositionEncodingKind::UTF16,
            }),
            text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
                lsp::TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                    save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                    ..lsp::TextDocumentSyncOptions::default()
                },
            )),
            hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
            code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
                lsp::CodeActionOptions {
                    code_action_kinds: Some(vec![
                        lsp::CodeActionKind::QUICKFIX,
                        lsp::CodeActionKind::SOURCE_FIX_ALL,
                    ]),
                    ..lsp::CodeActionOptions::default()
                },
            )),
            document_symbol_provider: Some(lsp::OneOf::Left(true)),
            diagnostic_provider: self.client.pull.then(|| {
                lsp::DiagnosticServerCapabilities::Options(lsp::DiagnosticOptions {
                    identifier: Some("clusterlint".to_string()),
                    // A finding in one file may depend on every other.
                    inter_file_dependencies: true,
                    workspace_diagnostics: false,
                    ..lsp::DiagnosticOptions::default()
                })
            }),
            workspace: Some(lsp::WorkspaceServerCapabilities {
                workspace_folders: Some(lsp::WorkspaceFoldersServerCapabilities {
                    supported: Some(true),
                    change_notifications: Some(lsp::OneOf::Left(true)),
                }),
                file_operations: None,
            }),
            ..lsp::ServerCapabilities::default()
        }
    }

    fn run(&mut self, connection: &Connection) -> Ended {
        loop {
            let Ok(first) = connection.receiver.recv() else {
                return Ended::Disconnected;
            };
            // Everything already queued is handled before checking.
            let mut next = Some(first);
            while let Some(message) = next {
                if let Some(ended) = self.handle(message) {
                    return ended;
                }
                next = connection.receiver.try_recv().ok();
            }
            self.publish();
        }
    }

    fn handle(&mut self, message: Message) -> Option<Ended> {
        match message {
            Message::Request(request) => self.on_request(request),
            Message::Notification(notification) => return self.on_notification(notification),
            // Answers to our own requests (the watcher registration).
            Message::Response(_) => {}
        }
        None
    }

    fn on_request(&mut self, request: Request) {
        // What is pending is published before any answer: the answer is
        // about the current text, and the client sees the same.
        self.publish();
        if self.shut_down {
            return self.respond_error(
                request.id,
                ErrorCode::InvalidRequest,
                "the server is shutting down",
            );
        }
        match request.method.as_str() {
            "shutdown" => {
                self.shut_down = true;
                self.respond(request.id, Ok(Value::Null));
            }
            "initialize" => self.respond_error(
                request.id,
                ErrorCode::InvalidRequest,
                "the server is already initialized",
            ),
            "textDocument/hover" => self.answer(request, Self::hover),
            "textDocument/codeAction" => self.answer(request, Self::code_actions),
            "textDocument/documentSymbol" => self.answer(request, Self::document_symbols),
            "textDocument/diagnostic" => self.answer(request, Self::pulled_diagnostics),
            _ => self.respond_error(
                request.id,
                ErrorCode::MethodNotFound,
                "the server does not handle this method",
            ),
        }
    }

    /// Decodes a request's parameters, runs `handler` and answers.
    fn answer<P: DeserializeOwned, R: Serialize>(
        &mut self,
        request: Request,
        handler: fn(&mut Self, &P) -> R,
    ) {
        match serde_json::from_value::<P>(request.params) {
            Ok(params) => {
                let result = handler(self, &params);
                self.respond(request.id, Ok(to_value(&result)));
            }
            Err(_) => self.respond_error(
                request.id,
                ErrorCode::InvalidParams,
                "the parameters are not valid for this method",
            ),
        }
    }

    fn on_notification(&mut self, notification: Notification) -> Option<Ended> {
        fn params<P: DeserializeOwned>(n: Notification) -> Option<P> {
            serde_json::from_value(n.params).ok()
        }
        match notification.method.as_str() {
            "exit" => {
                return Some(if self.shut_down {
                    Ended::Cleanly
                } else {
                    Ended::WithoutShutdown
                });
            }
            "initialized" => self.register_watchers(),
            "textDocument/didOpen" => {
                if let Some(p) = params::<lsp::DidOpenTextDocumentParams>(notification) {
                    self.did_open(p.text_document);
                }
            }
            "textDocument/didChange" => {
                if let Some(p) = params::<lsp::DidChangeTextDocumentParams>(notification) {
                    self.did_change(p);
                }
            }
            "textDocument/didSave" => {
                if let Some(p) = params::<lsp::DidSaveTextDocumentParams>(notification) {
                    self.did_save(p);
                }
            }
            "textDocument/didClose" => {
                if let Some(p) = params::<lsp::DidCloseTextDocumentParams>(notification) {
                    self.did_close(&p.text_document.uri);
                }
            }
            "workspace/didChangeWatchedFiles" => {
                if let Some(p) = params::<lsp::DidChangeWatchedFilesParams>(notification) {
                    self.files_changed(&p.changes);
                }
            }
            "workspace/didChangeWorkspaceFolders" => {
                if let Some(p) = params::<lsp::DidChangeWorkspaceFoldersParams>(notification) {
                    self.folders_changed(&p.event);
                }
            }
            // `$/cancelRequest` (requests are answered at once), `$/setTrace`,
            // configuration changes: nothing to do.
            _ => {}
        }
        None
    }

    // Documents.

    fn did_open(&mut self, item: lsp::TextDocumentItem) {
        let Some(path) = uri::to_path(&item.uri) else {
            return;
        };
        let root = self.cluster_root_for(&path);
        if let Some(root) = &root {
            self.set_buffer(root, &path, &item.text);
        }
        self.edited.insert(path.clone());
        self.documents.insert(
            path,
            Document {
                uri: item.uri,
                text: item.text,
                version: item.version,
                root,
            },
        );
    }

    fn did_change(&mut self, params: lsp::DidChangeTextDocumentParams) {
        let Some(path) = uri::to_path(&params.text_document.uri) else {
            return;
        };
        let unit = self.unit;
        let Some(document) = self.documents.get_mut(&path) else {
            return;
        };
        for change in params.content_changes {
            apply_change(&mut document.text, change, unit);
        }
        document.version = params.text_document.version;
        let (root, text) = (document.root.clone(), document.text.clone());
        if let Some(root) = root {
            self.set_buffer(&root, &path, &text);
        }
        self.edited.insert(path);
    }

    fn did_save(&mut self, params: lsp::DidSaveTextDocumentParams) {
        let Some(path) = uri::to_path(&params.text_document.uri) else {
            return;
        };
        let Some(document) = self.documents.get_mut(&path) else {
            return;
        };
        if let Some(text) = params.text {
            document.text = text;
        }
        let (root, text) = (document.root.clone(), document.text.clone());
        if let Some(root) = root {
            self.set_buffer(&root, &path, &text);
            // Without file watching, a save is when other files may have
            // changed on disk too (a checkout, a script).
            if !self.client.watch_files
                && let Some(open) = self.clusters.get_mut(&root)
            {
                open.cluster.disk_listing_changed();
            }
        }
        self.edited.insert(path);
    }

    fn did_close(&mut self, uri: &lsp::Uri) {
        let Some(path) = uri::to_path(uri) else {
            return;
        };
        let Some(document) = self.documents.remove(&path) else {
            return;
        };
        self.edited.remove(&path);
        if let Some(root) = document.root
            && let Some(open) = self.clusters.get_mut(&root)
            && let Some(cluster_path) = open.cluster.cluster_path(&path)
        {
            open.cluster.close_buffer(&cluster_path);
            // Pulled while open; pushed again now that it is closed.
            if self.client.pull {
                let list = open
                    .published
                    .get(&cluster_path)
                    .cloned()
                    .unwrap_or_default();
                self.send_diagnostics(&root, &cluster_path, list);
            }
        }
    }

    fn set_buffer(&mut self, root: &Path, path: &Path, text: &str) {
        if let Some(open) = self.clusters.get_mut(root)
            && let Some(cluster_path) = open.cluster.cluster_path(path)
        {
            open.cluster.set_buffer(&cluster_path, text);
        }
    }

    /// The root of the cluster `path` belongs to, opening it if needed.
    fn cluster_root_for(&mut self, path: &Path) -> Option<PathBuf> {
        let spec = clusters::root_of(path, &self.folders)?;
        let root = spec.folder.clone();
        if !self.clusters.contains_key(&root) {
            match ClusterSession::open(&spec) {
                Ok(cluster) => {
                    self.clusters.insert(
                        root.clone(),
                        OpenCluster {
                            cluster,
                            published: HashMap::new(),
                            unpublished: false,
                        },
                    );
                }
                Err(error) => {
                    self.log(
                        lsp::MessageType::WARNING,
                        &format!("cannot read the cluster at {}: {error}", root.display()),
                    );
                    return None;
                }
            }
        }
        Some(root)
    }

    // The disk and the workspace.

    fn register_watchers(&self) {
        if !self.client.watch_files {
            return;
        }
        let options = lsp::DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![lsp::FileSystemWatcher {
                glob_pattern: lsp::GlobPattern::String("**/*".to_string()),
                kind: None,
            }],
        };
        let params = lsp::RegistrationParams {
            registrations: vec![lsp::Registration {
                id: "clusterlint-watch".to_string(),
                method: "workspace/didChangeWatchedFiles".to_string(),
                register_options: Some(to_value(&options)),
            }],
        };
        let request = Request::new(
            RequestId::from("clusterlint-watch".to_string()),
            "client/registerCapability".to_string(),
            params,
        );
        let _ = self.sender.send(request.into());
    }

    fn files_changed(&mut self, changes: &[lsp::FileEvent]) {
        for change in changes {
            let Some(path) = uri::to_path(&change.uri) else {
                continue;
            };
            for open in self.clusters.values_mut() {
                let Some(cluster_path) = open.cluster.cluster_path(&path) else {
                    continue;
                };
                if change.typ == lsp::FileChangeType::CREATED {
                    open.cluster.disk_listing_changed();
                } else {
                    open.cluster.disk_changed(&cluster_path);
                }
            }
        }
    }

    fn folders_changed(&mut self, event: &lsp::WorkspaceFoldersChangeEvent) {
        let removed: Vec<PathBuf> = event
            .removed
            .iter()
            .filter_map(|f| uri::to_path(&f.uri))
            .collect();
        self.folders.retain(|folder| !removed.contains(folder));
        self.folders
            .extend(event.added.iter().filter_map(|f| uri::to_path(&f.uri)));
        // Clusters in removed folders with no open document go, and
        // their diagnostics with them.
        let in_use: HashSet<PathBuf> = self
            .documents
            .values()
            .filter_map(|d| d.root.clone())
            .collect();
        let gone: Vec<PathBuf> = self
            .clusters
            .keys()
            .filter(|root| {
                !in_use.contains(*root) && removed.iter().any(|folder| root.starts_with(folder))
            })
            .cloned()
            .collect();
        for root in gone {
            if let Some(open) = self.clusters.remove(&root) {
                for path in open.published.keys() {
                    self.send_diagnostics(&root, path, Vec::new());
                }
            }
        }
    }

    // Publishing.

    /// Checks every cluster that changed and publishes what changed.
    fn publish(&mut self) {
        let mut changed_any = false;
        let roots: Vec<PathBuf> = self.clusters.keys().cloned().collect();
        for root in roots {
            let edited: Vec<String> = {
                let open = &self.clusters[&root];
                self.edited
                    .iter()
                    .filter(|p| {
                        self.documents
                            .get(*p)
                            .is_some_and(|d| d.root.as_ref() == Some(&root))
                    })
                    .filter_map(|p| open.cluster.cluster_path(p))
                    .collect()
            };
            let open = self.clusters.get_mut(&root).expect("a listed root");
            open.check();
            if !std::mem::take(&mut open.unpublished) && edited.is_empty() {
                continue;
            }
            let Some(report) = open.cluster.report() else {
                continue;
            };
            let mut next: HashMap<String, Vec<lsp::Diagnostic>> = HashMap::new();
            for d in &report.diagnostics {
                next.entry(report.path(d.primary.span).to_string())
                    .or_default()
                    .push(protocol::diagnostic(
                        report, &root, d, self.unit, &self.docs,
                    ));
            }
            let mut changed: Vec<(String, Vec<lsp::Diagnostic>)> = Vec::new();
            for (path, list) in &next {
                if !edited.contains(path) && open.published.get(path) != Some(list) {
                    changed.push((path.clone(), list.clone()));
                }
            }
            for path in open.published.keys() {
                if !edited.contains(path) && !next.contains_key(path) {
                    changed.push((path.clone(), Vec::new()));
                }
            }
            changed.sort_by(|a, b| a.0.cmp(&b.0));
            for path in &edited {
                changed.push((path.clone(), next.get(path).cloned().unwrap_or_default()));
            }
            open.published = next;
            changed_any = true;
            for (path, list) in changed {
                self.send_diagnostics(&root, &path, list);
            }
        }
        if self.client.pull && self.client.refresh && changed_any {
            self.next_request += 1;
            let request = Request::new(
                RequestId::from(format!("clusterlint-refresh-{}", self.next_request)),
                "workspace/diagnostic/refresh".to_string(),
                Value::Null,
            );
            let _ = self.sender.send(request.into());
        }
        self.edited.clear();
        for open in self.clusters.values_mut() {
            open.cluster.free_retired();
        }
    }

    fn send_diagnostics(&self, root: &Path, path: &str, mut diagnostics: Vec<lsp::Diagnostic>) {
        let full = root.join(path);
        if self.client.pull && self.documents.contains_key(&full) {
            // The client pulls this one; pushing nothing clears what was
            // pushed while it was closed.
            diagnostics.clear();
        }
        let (uri, version) = match self.documents.get(&full) {
            Some(document) => (Some(document.uri.clone()), Some(document.version)),
            None => (uri::from_path(&full), None),
        };
        let Some(uri) = uri else { return };
        let params = lsp::PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        let _ = self
            .sender
            .send(Notification::new("textDocument/publishDiagnostics".to_string(), params).into());
    }

    // Requests on a document.

    /// The checked cluster of the document at `uri` and the document's
    /// path in it.
    fn checked(&mut self, uri: &lsp::Uri) -> Option<(&Path, &Report, String)> {
        let path = uri::to_path(uri)?;
        let root = match self.documents.get(&path) {
            Some(document) => document.root.clone()?,
            None => self.cluster_root_for(&path)?,
        };
        let open = self.clusters.get_mut(&root)?;
        open.check();
        let cluster_path = open.cluster.cluster_path(&path)?;
        let (root, open) = self.clusters.get_key_value(&root)?;
        Some((root.as_path(), open.cluster.report()?, cluster_path))
    }

    fn hover(&mut self, params: &lsp::HoverParams) -> Option<lsp::Hover> {
        let unit = self.unit;
        let place = &params.text_document_position_params;
        let (_, report, path) = self.checked(&place.text_document.uri)?;
        let file = report.files.iter().position(|f| f.source.path == path)?;
        let source = &report.files[file].source;
        let at = protocol::offset(&source.lines, &source.text, place.position, unit);
        let under: Vec<&crate::Diagnostic> = report
            .diagnostics
            .iter()
            .filter(|d| {
                d.primary.span.file.index() == file && touches(d.primary.span.range, at, at)
            })
            .collect();
        let first = under.first()?;
        let mut rules: Vec<&str> = under.iter().map(|d| d.rule.as_ref()).collect();
        rules.dedup();
        protocol::hover(
            &rules,
            protocol::range(source, first.primary.span.range, unit),
        )
    }

    fn code_actions(&mut self, params: &lsp::CodeActionParams) -> Vec<lsp::CodeActionOrCommand> {
        let (unit, docs, support) = (self.unit, self.docs.clone(), self.edit_support);
        let versions: HashMap<String, i32> = self
            .documents
            .iter()
            .filter_map(|(path, d)| {
                let root = d.root.as_ref()?;
                let relative = path.strip_prefix(root).ok()?.to_str()?.to_string();
                Some((relative, d.version))
            })
            .collect();
        let uri = params.text_document.uri.clone();
        let Some((root, report, path)) = self.checked(&uri) else {
            return Vec::new();
        };
        let Some(file) = report.files.iter().position(|f| f.source.path == path) else {
            return Vec::new();
        };
        let cluster_file = &report.files[file];
        let source = &cluster_file.source;
        let start = protocol::offset(&source.lines, &source.text, params.range.start, unit);
        let end = protocol::offset(&source.lines, &source.text, params.range.end, unit);
        // The kinds asked for: quick fixes, `source.fixAll`, or both.
        let asked = |kind: &lsp::CodeActionKind| {
            params.context.only.as_ref().is_none_or(|only| {
                only.iter().any(|o| {
                    kind.as_str() == o.as_str()
                        || kind.as_str().starts_with(&format!("{}.", o.as_str()))
                })
            })
        };
        let mut actions = Vec::new();
        if asked(&lsp::CodeActionKind::SOURCE_FIX_ALL)
            && let Some(action) = fix_all(report, root, file, &versions, unit, support)
        {
            actions.push(lsp::CodeActionOrCommand::CodeAction(action));
        }
        if !asked(&lsp::CodeActionKind::QUICKFIX) {
            return actions;
        }
        for d in &report.diagnostics {
            if d.primary.span.file.index() != file
                || !touches(d.primary.span.range, start.min(end), start.max(end))
            {
                continue;
            }
            let diagnostic = protocol::diagnostic(report, root, d, unit, &docs);
            if let Some(found) = &d.fix
                && fix::applies_alone(report, found)
                && let Some(action) = protocol::fix_action(
                    report,
                    root,
                    found,
                    diagnostic.clone(),
                    &versions,
                    unit,
                    support,
                )
            {
                actions.push(lsp::CodeActionOrCommand::CodeAction(action));
            }
            let Some(format) = cluster_file.format else {
                continue;
            };
            let Some(comment) = suppress::comment_for(format, &d.rule) else {
                continue;
            };
            let line = source.lines.line_of(d.primary.span.range.start);
            let (at, new_text) =
                match suppress::placement(format, &source.text, &source.lines, line) {
                    Some(Placement::Before(before)) => {
                        let line_text = source
                            .lines
                            .line_range(before, &source.text)
                            .slice(&source.text);
                        let indent = &line_text[..line_text.len() - line_text.trim_start().len()];
                        (
                            source.lines.line_start(before),
                            format!("{indent}{comment}\n"),
                        )
                    }
                    Some(Placement::EndOf(line)) => (
                        source.lines.line_range(line, &source.text).end,
                        format!(" {comment}"),
                    ),
                    None => continue,
                };
            let at = protocol::range(source, TextRange::new(at, at), unit).start;
            actions.push(lsp::CodeActionOrCommand::CodeAction(
                protocol::suppress_action(uri.clone(), &d.rule, at, new_text, diagnostic),
            ));
        }
        actions
    }

    /// `textDocument/diagnostic`: the findings of the document, in full.
    fn pulled_diagnostics(
        &mut self,
        params: &lsp::DocumentDiagnosticParams,
    ) -> lsp::DocumentDiagnosticReportResult {
        let (unit, docs) = (self.unit, self.docs.clone());
        let items = match self.checked(&params.text_document.uri) {
            Some((root, report, path)) => report
                .diagnostics
                .iter()
                .filter(|d| report.path(d.primary.span) == path)
                .map(|d| protocol::diagnostic(report, root, d, unit, &docs))
                .collect(),
            None => Vec::new(),
        };
        lsp::DocumentDiagnosticReportResult::Report(lsp::DocumentDiagnosticReport::Full(
            lsp::RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: lsp::FullDocumentDiagnosticReport {
                    result_id: None,
                    items,
                },
            },
        ))
    }

    fn document_symbols(
        &mut self,
        params: &lsp::DocumentSymbolParams,
    ) -> Option<lsp::DocumentSymbolResponse> {
        let unit = self.unit;
        let (_, report, path) = self.checked(&params.text_document.uri)?;
        let file = report.files.iter().find(|f| f.source.path == path)?;
        let source = &file.source;
        let outline = file.document.outline(&source.text);
        Some(lsp::DocumentSymbolResponse::Nested(protocol::symbols(
            &outline,
            &source.lines,
            &source.text,
            unit,
        )))
    }

    // Answers.

    fn respond(&self, id: RequestId, result: Result<Value, (ErrorCode, &str)>) {
        let response = match result {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message.to_string()),
        };
        let _ = self.sender.send(response.into());
    }

    fn respond_error(&self, id: RequestId, code: ErrorCode, message: &str) {
        self.respond(id, Err((code, message)));
    }

    fn log(&self, typ: lsp::MessageType, message: &str) {
        let params = lsp::LogMessageParams {
            typ,
            message: message.to_string(),
        };
        let _ = self
            .sender
            .send(Notification::new("window/logMessage".to_string(), params).into());
    }
}

fn send_error(sender: &Sender<Message>, id: RequestId, code: ErrorCode, message: &str) {
    let _ = sender.send(Response::new_err(id, code as i32, message.to_string()).into());
}

fn to_value(value: &impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// The folders of the workspace: its folders, else its root.
#[allow(deprecated)] // `rootUri` and `rootPath` are what older clients send.
fn workspace_folders(params: &lsp::InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = &params.workspace_folders {
        return folders
            .iter()
            .filter_map(|f| uri::to_path(&f.uri))
            .collect();
    }
    if let Some(root) = params.root_uri.as_ref().and_then(uri::to_path) {
        return vec![root];
    }
    params.root_path.iter().map(PathBuf::from).collect()
}

/// Applies one content change; positions past a line's end or inside a
/// character are clamped, a reversed range is taken in order.
fn apply_change(text: &mut String, change: lsp::TextDocumentContentChangeEvent, unit: ColumnUnit) {
    let Some(range) = change.range else {
        *text = change.text;
        return;
    };
    let lines = crate::source::LineIndex::new(text);
    let start = protocol::offset(&lines, text, range.start, unit) as usize;
    let end = protocol::offset(&lines, text, range.end, unit) as usize;
    text.replace_range(start.min(end)..start.max(end), &change.text);
}

/// Whether a diagnostic's range meets `start..=end` (an empty range at
/// its end still counts: the cursor sits after the last character).
/// `source.fixAll`: every safe fix of the findings in `file` whose edits
/// stay in that file, as one edit; fixes that overlap an earlier one are
/// left for the next time. `None` when there is nothing to fix.
fn fix_all(
    report: &Report,
    root: &Path,
    file: usize,
    versions: &HashMap<String, i32>,
    unit: ColumnUnit,
    support: EditSupport,
) -> Option<lsp::CodeAction> {
    let mut edits: Vec<crate::diagnostic::Edit> = Vec::new();
    let mut taken: Vec<TextRange> = Vec::new();
    for d in report
        .diagnostics
        .iter()
        .filter(|d| d.primary.span.file.index() == file)
    {
        let Some(found) = &d.fix else { continue };
        let in_file = |edit: &crate::diagnostic::Edit| matches!(edit, crate::diagnostic::Edit::Replace { span, .. } if span.file.index() == file);
        if fix::applicability(d) != crate::rules::Applicability::Safe
            || !found.edits.iter().all(in_file)
            || !fix::applies_alone(report, found)
        {
            continue;
        }
        let ranges: Vec<TextRange> = found
            .edits
            .iter()
            .filter_map(|edit| match edit {
                crate::diagnostic::Edit::Replace { span, .. } => Some(span.range),
                crate::diagnostic::Edit::Rename { .. } => None,
            })
            .collect();
        let clashes = ranges.iter().any(|r| {
            taken
                .iter()
                .any(|t| r.start < t.end && t.start < r.end || r.start == t.start)
        });
        if clashes {
            continue;
        }
        taken.extend(ranges);
        edits.extend(found.edits.iter().cloned());
    }
    if edits.is_empty() {
        return None;
    }
    let all = crate::diagnostic::Fix {
        description: "Fix all safe clusterlint findings".to_string(),
        edits,
    };
    let placeholder = lsp::Diagnostic::default();
    let mut action =
        protocol::fix_action(report, root, &all, placeholder, versions, unit, support)?;
    action.kind = Some(lsp::CodeActionKind::SOURCE_FIX_ALL);
    action.diagnostics = None;
    action.is_preferred = None;
    Some(action)
}

fn touches(range: TextRange, start: u32, end: u32) -> bool {
    range.start <= end && start <= range.end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(
        range: Option<((u32, u32), (u32, u32))>,
        text: &str,
    ) -> lsp::TextDocumentContentChangeEvent {
        lsp::TextDocumentContentChangeEvent {
            range: range.map(|((l1, c1), (l2, c2))| lsp::Range {
                start: lsp::Position {
                    line: l1,
                    character: c1,
                },
                end: lsp::Position {
                    line: l2,
                    character: c2,
                },
            }),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn changes_apply_in_the_negotiated_unit_and_clamp() {
        let mut text = "a=é😀b\nc=d\n".to_string();
        // UTF-16: `😀` is two units; column 5 is after it.
        apply_change(
            &mut text,
            change(Some(((0, 5), (0, 6))), "X"),
            ColumnUnit::Utf16,
        );
        assert_eq!(text, "a=é😀X\nc=d\n");
        // Column 4 falls between its two units: the character's start.
        apply_change(
            &mut text,
            change(Some(((0, 4), (0, 4))), "-"),
            ColumnUnit::Utf16,
        );
        assert_eq!(text, "a=é-😀X\nc=d\n");
        let mut text = "a=é😀b\nc=d\n".to_string();
        // UTF-8: `é` is two bytes, `😀` four.
        apply_change(
            &mut text,
            change(Some(((0, 8), (0, 9))), "Y"),
            ColumnUnit::Utf8,
        );
        assert_eq!(text, "a=é😀Y\nc=d\n");
        // Inside a character, past the end, reversed: no panic.
        let mut text = "é\nz".to_string();
        apply_change(
            &mut text,
            change(Some(((0, 1), (0, 1))), "-"),
            ColumnUnit::Utf8,
        );
        apply_change(
            &mut text,
            change(Some(((9, 9), (0, 0))), ""),
            ColumnUnit::Utf16,
        );
        assert!(text.starts_with('-') || text.is_empty(), "{text:?}");
        apply_change(&mut text, change(None, "whole"), ColumnUnit::Utf16);
        assert_eq!(text, "whole");
    }
}
