"""Running a config and smoke-testing its model through the server, end to end: real Olive, real genai.

Offline: the tiny random-weight Llama is built locally. One client (VS Code's capabilities) is enough here;
each Olive run costs ~15 s.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from lsp_helpers import diagnostics, diagnostics_until, open_text

REPO = Path(__file__).resolve().parents[2]
TINY_CONFIG = REPO / "samples" / "tiny-llama" / "config.json"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(importlib.util.find_spec("olive") is None, reason="needs the run extra")]


def workspace_with(tmp_path: Path, model: Path, **pass_overrides) -> Path:
    config = json.loads(TINY_CONFIG.read_text())
    config["input_model"]["model_path"] = str(model)
    config["passes"]["builder"].update(pass_overrides)
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config, indent=2))
    return path


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "olive_ls", "serve"]))
async def client(lsp_client: LanguageClient, tmp_path):
    # VS Code re-asks for code lenses when told to; this client only needs to accept the request.
    lsp_client.feature(types.WORKSPACE_CODE_LENS_REFRESH)(lambda params: None)
    lsp_client.set_configuration({"environmentChecks": False}, section="olive")
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=client_capabilities("visual-studio-code"), root_uri=tmp_path.as_uri())
    )
    yield lsp_client
    await lsp_client.shutdown_session()


async def execute(client, command: str, *arguments):
    return await client.workspace_execute_command_async(types.ExecuteCommandParams(command=command, arguments=list(arguments)))


async def test_run_then_smoke_test_over_lsp(client, tmp_path, tiny_model):
    config = workspace_with(tmp_path, tiny_model)
    uri = open_text(client, config)
    result = await asyncio.wait_for(execute(client, "olive.runWorkflow", uri), 300)
    assert result["produced_model"], result
    assert any("modelbuilder" in (m.message or "").lower() or "builder" in (m.message or "") for m in client.log_messages)
    reports = [value for token_reports in client.progress_reports.values() for value in token_reports]
    assert any(isinstance(r, types.WorkDoneProgressBegin) for r in reports)
    assert any(isinstance(r, types.WorkDoneProgressReport) and r.message for r in reports)
    output = result["output_dirs"][0]
    assert (Path(output) / "genai_config.json").exists()

    lenses = await client.text_document_code_lens_async(types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    assert [lens.command.command for lens in lenses] == ["olive.runWorkflow", "olive.smokeTest"]

    smoke = await asyncio.wait_for(execute(client, "olive.smokeTest", output, {"maxTokens": 12}), 300)
    assert smoke["ok"], smoke
    assert smoke["generated_tokens"] > 0
    assert smoke["tokens_per_second"] > 0 and smoke["time_to_first_token_s"] > 0
    assert smoke["model_size_mb"] > 0


async def test_value_olive_rejects_at_run_time_ends_as_a_diagnostic_on_it(client, tmp_path, tiny_model):
    config = workspace_with(tmp_path, tiny_model, int4_block_size=48)
    text = config.read_text()
    uri = open_text(client, config)
    await diagnostics(client, uri)
    result = await asyncio.wait_for(execute(client, "olive.runWorkflow", uri), 300)
    assert not result["produced_model"]
    assert any(e["config_path"] == ["passes", "builder", "int4_block_size"] for e in result["errors"]), result["errors"]
    # The run's errors are published after the command answers; diagnostics_until re-checks what arrived, so a
    # publication that came before the wait began is not waited for again.
    found = await diagnostics_until(client, uri, lambda found: any(d.code == "OLV900" for d in found), timeout=60)
    run_errors = [d for d in found if d.code == "OLV900"]
    line = text.splitlines()[run_errors[0].range.start.line]
    assert line[run_errors[0].range.start.character : run_errors[0].range.end.character] == "48"


async def test_unsaved_buffer_is_refused(client, tmp_path, tiny_model):
    config = workspace_with(tmp_path, tiny_model)
    uri = open_text(client, config)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=config.read_text() + " ")],
        )
    )
    with pytest.raises(Exception, match="Save config.json before running it"):
        await execute(client, "olive.runWorkflow", uri)


async def test_cancel_ends_olive_and_its_children_and_keeps_the_config(client, tmp_path, tiny_model):
    config = workspace_with(tmp_path, tiny_model)
    before = config.read_bytes()
    uri = open_text(client, config)
    run = asyncio.ensure_future(execute(client, "olive.runWorkflow", uri))
    for _ in range(100):
        if client.log_messages:
            break
        await asyncio.sleep(0.2)
    assert await execute(client, "olive.cancelRun", uri) is True
    result = await asyncio.wait_for(run, 120)
    assert result["cancelled"] and not result["produced_model"]
    pid = result["pid"]
    with pytest.raises(ProcessLookupError):
        os.killpg(pid, 0)  # the whole process group is gone
    leftovers = [p for p in os.listdir("/proc") if p.isdigit() and str(config) in _cmdline(p)]
    assert leftovers == []
    assert config.read_bytes() == before


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""
