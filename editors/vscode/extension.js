// Starts `clusterlint lsp` for the workspace. The server reads the whole
// cluster around each file and decides from its path what it is, so the
// client hands it every file of the formats clusterlint reads.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

/** @type {LanguageClient | undefined} */
let client;

// File names and extensions of the formats clusterlint reads.
const PATTERNS = [
  "**/*.properties",
  "**/*.config",
  "**/*.cfg",
  "**/*.conf",
  "**/*.xml",
  "**/*.toml",
  "**/*.yml",
  "**/*.yaml",
  "**/setenv.sh",
  "**/hosts",
];

function activate(context) {
  const settings = vscode.workspace.getConfiguration("clusterlint");
  const command = settings.get("path") || "clusterlint";
  const rulesUrl = settings.get("rulesUrl");
  client = new LanguageClient(
    "clusterlint",
    "clusterlint",
    { command, args: ["lsp"] },
    {
      documentSelector: PATTERNS.map((pattern) => ({ scheme: "file", pattern })),
      initializationOptions: rulesUrl ? { ruleDocsUrl: rulesUrl } : {},
    },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
