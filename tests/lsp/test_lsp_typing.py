"""Typing a whole config into the server one character at a time, as an editor sends it.

No request may fail on the half-typed states along the way, and the final diagnostics must equal what
`olive-ls check` says about the finished file.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from lsprotocol import types

from lsp_helpers import TIMEOUT

TYPICAL = Path(__file__).resolve().parents[1] / "data" / "typical.json"
# A small mistake in the finished file, so that "equal diagnostics" compares something.
FINAL_TEXT = TYPICAL.read_text().replace('"int4_accuracy_level": 4', '"int4_accuracy_levl": 4')


def _check_json(path: Path) -> list[tuple]:
    out = subprocess.run([sys.executable, "-m", "olive_ls", "check", "--no-env", "--format", "json", str(path)], capture_output=True, text=True, timeout=120)
    diagnostics = json.loads(out.stdout)["files"][0]["diagnostics"]
    return sorted((d["code"], d["severity"], d["message"], d["range"]["start"]["line"], d["range"]["start"]["character"]) for d in diagnostics)


_SEVERITY = {1: "error", 2: "warning", 3: "information", 4: "hint"}


def _as_tuples(diagnostics) -> list[tuple]:
    return sorted((d.code, _SEVERITY[d.severity], d.message, d.range.start.line, d.range.start.character) for d in diagnostics)


async def test_typing_one_character_at_a_time(client, tmp_path):
    path = tmp_path / "typed.json"
    path.write_text(FINAL_TEXT)
    uri = path.as_uri()
    ident = types.TextDocumentIdentifier(uri=uri)
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="json", version=0, text="")))

    line, character, version = 0, 0, 0
    for index, char in enumerate(FINAL_TEXT):
        version += 1
        here = types.Position(line=line, character=character)
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangePartial(range=types.Range(start=here, end=here), text=char)],
            )
        )
        if char == "\n":
            line, character = line + 1, 0
        else:
            character += 1
        if index % 97 == 0:
            # Requests on half-typed text must answer, not fail.
            at = types.Position(line=line, character=character)
            await asyncio.wait_for(client.text_document_completion_async(types.CompletionParams(text_document=ident, position=at)), TIMEOUT)
            await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(text_document=ident, position=at)), TIMEOUT)
            await asyncio.wait_for(client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=ident)), TIMEOUT)
            await asyncio.wait_for(
                client.text_document_code_action_async(
                    types.CodeActionParams(text_document=ident, range=types.Range(start=at, end=at), context=types.CodeActionContext(diagnostics=[]))
                ),
                TIMEOUT,
            )

    if client.capabilities.text_document.diagnostic:
        report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(text_document=ident))
        final = report.items
    else:
        for _ in range(50):
            await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), TIMEOUT)
            if client.diagnostics.get(uri) is not None and _as_tuples(client.diagnostics[uri]) == _check_json(path):
                break
        final = client.diagnostics[uri]
    expected = _check_json(path)
    assert any(code == "OLV302" or "int4_accuracy_levl" in message for code, _, message, _, _ in expected), expected
    assert _as_tuples(final) == expected
    assert client.error is None
