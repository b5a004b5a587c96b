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


async def diagnostics_until(client, uri: str, predicate, timeout: float = TIMEOUT) -> list[types.Diagnostic]:
    """Diagnostics for a URI once they satisfy `predicate` (after a settings change the server re-checks later)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        if _pulls(client):
            found = await diagnostics(client, uri)
        else:
            found = client.diagnostics.get(uri)
        if found is not None and predicate(found):
            return found
        left = deadline - loop.time()
        if left <= 0:
            raise AssertionError(f"diagnostics for {uri} never satisfied the check; last: {found}")
        if _pulls(client):
            await asyncio.sleep(0.05)
        else:
            try:  # short waits: a publication that arrived before this wait began is seen at the next check
                await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), min(left, 0.5))
            except asyncio.TimeoutError:
                pass


def raw_session(messages: list[dict], wait_for_ids: set[int], timeout: float = 30.0) -> dict[int, dict]:
    """Send raw JSON-RPC messages to a fresh `olive-ls serve` over stdio; the replies by id."""
    import subprocess
    import sys
    import time

    process = subprocess.Popen([sys.executable, "-m", "olive_ls", "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        for message in messages:
            body = json.dumps(message).encode()
            process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        process.stdin.flush()
        replies: dict[int, dict] = {}
        deadline = time.monotonic() + timeout
        while not wait_for_ids <= replies.keys():
            assert time.monotonic() < deadline, f"no reply for ids {wait_for_ids - replies.keys()}"
            length = None
            while True:
                line = process.stdout.readline()
                assert line, f"server closed stdout; replies so far: {replies}"
                if line.strip() == b"":
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            reply = json.loads(process.stdout.read(length))
            if "id" in reply and "method" not in reply:
                replies[reply["id"]] = reply
        return replies
    finally:
        process.kill()
        process.wait()
