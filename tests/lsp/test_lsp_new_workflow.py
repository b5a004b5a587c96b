"""olive.newWorkflow over LSP: writes an editable config, opens it, and never overwrites without being asked."""

from __future__ import annotations

import json

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from lsp_helpers import diagnostics, open_text


async def _new(client, **options):
    return await client.workspace_execute_command_async(types.ExecuteCommandParams(command="olive.newWorkflow", arguments=[options]))


async def test_new_workflow_writes_a_config_without_errors(client, tmp_path):
    target = tmp_path / "new config.json"
    result = await _new(client, model="HuggingFaceTB/SmolLM2-135M-Instruct", path=target.as_uri(), device="cpu", precision="int4")
    assert result["path"] == str(target)
    config = json.loads(target.read_text())
    assert config["passes"] and config["input_model"]["model_path"] == "HuggingFaceTB/SmolLM2-135M-Instruct"
    found = await diagnostics(client, open_text(client, target))
    assert [d for d in found if d.severity == types.DiagnosticSeverity.Error] == []


async def test_new_workflow_refuses_to_overwrite_with_a_clear_error(client, tmp_path):
    target = tmp_path / "config.json"
    target.write_text("{}\n")
    with pytest.raises(JsonRpcException) as refused:
        await _new(client, model="m/m", path=str(target), device="cpu")
    assert "exists" in str(refused.value) and "Traceback" not in str(refused.value)
    assert target.read_text() == "{}\n"


async def test_new_workflow_without_options_is_refused(client, tmp_path):
    with pytest.raises(JsonRpcException) as refused:
        await client.workspace_execute_command_async(types.ExecuteCommandParams(command="olive.newWorkflow", arguments=[]))
    assert "olive.newWorkflow needs" in str(refused.value)
