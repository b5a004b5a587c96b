"""`olive/version` through the real server: which Olive a config is checked as, and why — what the VS Code status
bar shows — and the setting that switches it, with the diagnostics following the switch."""

from __future__ import annotations

import asyncio
import json

from lsprotocol import types

from lsp_helpers import diagnostics_until, open_text

# KQuant exists from Olive 0.13.0: fine as 0.13.0, an unknown pass as 0.12.1.
KQUANT = {
    "input_model": {"type": "ONNXModel", "model_path": "model.onnx"},
    "passes": {"k": {"type": "OnnxKQuantQuantization"}},
}


async def _version(client, uri: str) -> dict:
    result = await asyncio.wait_for(client.protocol.send_request_async("olive/version", {"uri": uri}), 10)
    # pygls hands an untyped result over as a named tuple
    return result._asdict() if hasattr(result, "_asdict") else dict(result)


def _codes(found) -> set:
    return {d.code for d in found}


async def test_version_and_reason_follow_the_setting(client, tmp_path):
    uri = open_text(client, tmp_path / "config.json", json.dumps(KQUANT, indent=2))
    first = await _version(client, uri)
    # The test runs in a Python with olive-ai 0.13.0 installed.
    assert first["version"] == "0.13.0" and first["reason"] == "installed"
    assert first["label"] == "Olive 0.13.0 (installed)"
    assert {"0.12.1", "0.13.0", "main"} <= set(first["available"])
    await diagnostics_until(client, uri, lambda found: "OLV301" not in _codes(found))

    client.set_configuration({"environmentChecks": False, "oliveVersion": "0.12.1"}, section="olive")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    found = await diagnostics_until(client, uri, lambda found: "OLV301" in _codes(found))
    [unknown] = [d for d in found if d.code == "OLV301"]
    said = unknown.message + " ".join(r.message for r in unknown.related_information or [])
    assert "0.13.0" in said and "0.12.1" in said
    switched = await _version(client, uri)
    assert switched["version"] == "0.12.1" and switched["setting"] == "0.12.1"
    assert "setting" in switched["reason"]
