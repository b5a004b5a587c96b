"""Opening documents and waiting for what the server says about them."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from lsprotocol import types

TIMEOUT = 10.0


def open_text(client, path: Path, text: str | None = None, language_id: str | None = None) -> str:
    """didOpen a file (its text from disk unless given); returns its URI."""
    if text is None:
        text = path.read_text()
    else:
        path.write_text(text)
    uri = path.as_uri()
    language = language_id or ("yaml" if path.suffix in (".yaml", ".yml") else "json")
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))
    return uri


def open_config(client, path: Path, config: dict) -> str:
    return open_text(client, path, json.dumps(config, indent=2))


async def diagnostics(client, uri: str) -> list[types.Diagnostic]:
    """Diagnostics for a URI: pulled when the client supports it, else the next published set."""
    if _pulls(client):
        report = await asyncio.wait_for(
            client.text_document_diagnostic_async(types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))), TIMEOUT
        )
        return list(report.items)
    await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), TIMEOUT)
    while uri not in client.diagnostics:
        await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), TIMEOUT)
    return client.diagnostics[uri]


def _pulls(client) -> bool:
    caps = client.capabilities
    return bool(caps and caps.text_document and caps.text_document.diagnostic)
