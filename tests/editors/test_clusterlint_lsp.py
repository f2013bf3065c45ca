"""pytest-lsp as a client of `clusterlint lsp`: a finding on one file of the
cluster at $CLUSTER_ROOT goes when another file is edited to fix it."""

import asyncio
import os
import pathlib

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

ROOT = pathlib.Path(os.environ["CLUSTER_ROOT"])
EDITED = pathlib.Path(os.environ["EDIT_FILE"])
WATCHED = pathlib.Path(os.environ["WATCH_FILE"])
NEEDLE = os.environ["DELETE_TEXT"]
RULE = os.environ["RULE"]


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[os.environ["CLUSTERLINT_BIN"], "lsp"])
)
async def client(lsp_client: LanguageClient):
    params = types.InitializeParams(
        capabilities=types.ClientCapabilities(
            general=types.GeneralClientCapabilities(
                position_encodings=[types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16]
            )
        ),
        workspace_folders=[types.WorkspaceFolder(uri=ROOT.as_uri(), name="cluster")],
    )
    result = await lsp_client.initialize_session(params)
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    yield
    await lsp_client.shutdown_session()


def codes(client: LanguageClient, path: pathlib.Path):
    return [d.code for d in client.diagnostics.get(path.as_uri(), [])]


async def until(client: LanguageClient, predicate):
    while not predicate():
        await asyncio.wait_for(
            client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), timeout=15
        )


@pytest.mark.asyncio
async def test_a_finding_on_one_file_goes_when_another_is_fixed(client: LanguageClient):
    text = EDITED.read_text()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=EDITED.as_uri(), language_id="plaintext", version=1, text=text
            )
        )
    )
    await until(client, lambda: RULE in codes(client, WATCHED))
    found = next(d for d in client.diagnostics[WATCHED.as_uri()] if d.code == RULE)
    assert found.source == "clusterlint"
    assert found.severity == types.DiagnosticSeverity.Error
    assert any(r.location.uri == EDITED.as_uri() for r in found.related_information)

    # Delete the text with one ranged change; columns in UTF-8 bytes.
    before, _, _ = text.partition(NEEDLE)
    line = before.count("\n")
    column = len(before.rpartition("\n")[2].encode())
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=EDITED.as_uri(), version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=line, character=column),
                        end=types.Position(line=line, character=column + len(NEEDLE.encode())),
                    ),
                    text="",
                )
            ],
        )
    )
    await until(client, lambda: RULE not in codes(client, WATCHED))
    assert codes(client, WATCHED) == []
