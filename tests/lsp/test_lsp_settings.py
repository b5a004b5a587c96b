"""Settings from workspace/configuration: severity overrides, `off`, config-file globs, bad values said once."""

from __future__ import annotations

import asyncio
import json

from lsprotocol import types

from lsp_helpers import diagnostics, diagnostics_until, open_text

BAD_PRECISION = {
    "input_model": {"type": "HfModel", "model_path": "HuggingFaceTB/SmolLM2-135M-Instruct"},
    "passes": {"builder": {"type": "ModelBuilder", "precision": "int3"}},
}


def _change_settings(client, olive: dict) -> None:
    client.set_configuration({"environmentChecks": False, **olive}, section="olive")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))


def _codes(found) -> dict[str, types.DiagnosticSeverity]:
    return {d.code: d.severity for d in found}


async def test_severity_override_and_off(client, tmp_path):
    uri = open_text(client, tmp_path / "config.json", json.dumps(BAD_PRECISION, indent=2))
    before = await diagnostics(client, uri)
    assert any(d.severity == types.DiagnosticSeverity.Error for d in before)
    code = next(d.code for d in before if d.severity == types.DiagnosticSeverity.Error)

    _change_settings(client, {"diagnostics": {"severity": {code: "warning"}}})
    found = await diagnostics_until(client, uri, lambda f: _codes(f).get(code) == types.DiagnosticSeverity.Warning)
    assert code in _codes(found)

    _change_settings(client, {"diagnostics": {"severity": {code: "off"}}})
    await diagnostics_until(client, uri, lambda f: code not in _codes(f))


async def test_config_file_glob_makes_any_json_an_olive_config(client, tmp_path):
    # No top-level Olive key: by content this is not an Olive config, so nothing is said about it...
    text = json.dumps({"output_dir": 42}, indent=2)
    uri = open_text(client, tmp_path / "fragment.olive.json", text)
    assert list(await diagnostics(client, uri)) == []
    # ...until a glob says it is one.
    _change_settings(client, {"configFiles": ["*.olive.json"]})
    found = await diagnostics_until(client, uri, lambda f: len(f) > 0)
    assert any("output_dir" in d.message for d in found), found


async def test_bad_setting_values_are_said_and_defaults_kept(client, tmp_path):
    uri = open_text(client, tmp_path / "config.json", json.dumps(BAD_PRECISION, indent=2))
    await diagnostics(client, uri)
    _change_settings(client, {"diagnostics": {"severity": {"OLV102": "loud"}}, "configFiles": "*.json"})
    for _ in range(50):
        if any("loud" in m.message for m in client.messages):
            break
        await asyncio.sleep(0.1)
    said = [m.message for m in client.messages]
    assert any("OLV102" in m and "loud" in m for m in said), said
    assert any("configFiles" in m for m in said), said
    await diagnostics_until(client, uri, lambda f: any(d.severity == types.DiagnosticSeverity.Error for d in f))


async def test_exclude_glob_silences_a_config_that_looks_like_olive(client, tmp_path):
    uri = open_text(client, tmp_path / "scratch.json", json.dumps(BAD_PRECISION, indent=2))
    on_pass_type = types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=7, character=20))
    assert await diagnostics(client, uri)
    assert await client.text_document_hover_async(on_pass_type) is not None
    _change_settings(client, {"excludeFiles": ["scratch.json"]})
    await diagnostics_until(client, uri, lambda f: len(f) == 0)
    assert await client.text_document_hover_async(on_pass_type) is None
