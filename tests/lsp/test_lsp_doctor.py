"""olive.checkEnvironment through the real server over stdio: `olive-ls doctor`'s report as the command's result,
with a summary shown to the user, for the configured Python (olive.python) and the config given."""

from __future__ import annotations

import asyncio
import copy
import json
import shutil
import subprocess
import sys

from lsprotocol import types

from lsp_helpers import open_config

CONFIG = {
    "input_model": {"type": "HfModel", "model_path": "HuggingFaceTB/SmolLM2-135M-Instruct"},
    "systems": {"local_system": {"type": "LocalSystem", "accelerators": [{"device": "gpu", "execution_providers": ["CUDAExecutionProvider"]}]}},
    "passes": {"builder": {"type": "ModelBuilder", "precision": "int4"}},
    "host": "local_system",
    "target": "local_system",
}


async def execute(client, *arguments):
    params = types.ExecuteCommandParams(command="olive.checkEnvironment", arguments=list(arguments))
    return await asyncio.wait_for(client.workspace_execute_command_async(params), 60)


async def test_check_environment_reports_the_servers_python_and_the_config(client, tmp_path):
    path = tmp_path / "config.json"
    uri = open_config(client, path, copy.deepcopy(CONFIG))
    report = await execute(client, uri)
    assert report["python"]["path"] == sys.executable
    ids = {check["id"] for check in report["checks"]}
    assert {"python", "olive-ai", "catalog", "onnxruntime", "onnxruntime-genai", "pydantic", "torch", "transformers", "gpu", "memory", "disk", "hf-cache"} <= ids
    assert report["config"]["path"] == str(path)
    assert any(line["label"] == "target CUDAExecutionProvider" for line in report["config"]["needs"])
    assert report["text"].startswith(f"olive-ls doctor: {sys.executable}")
    summary = [m for m in client.messages if m.message.startswith("Olive environment")]
    assert summary and f"{report['counts']['problem']} problem(s)" in summary[-1].message
    assert summary[-1].type == (types.MessageType.Error if report["counts"]["problem"] else types.MessageType.Warning if report["counts"]["warning"] else types.MessageType.Info)


async def test_check_environment_without_a_config_and_for_olive_python(client, tmp_path):
    report = await execute(client)
    assert report["config"] is None and report["python"]["path"] == sys.executable
    # olive.python names another interpreter: the report is about that one (asked in a subprocess).
    venv = tmp_path / "bare"
    subprocess.run([shutil.which("python3") or sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, capture_output=True, timeout=120)
    python = str(venv / "bin" / "python")
    client.set_configuration({"environmentChecks": False, "python": python}, section="olive")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    for _ in range(100):
        report = await execute(client)
        if report["python"]["path"] == python:
            break
        await asyncio.sleep(0.1)
    assert report["python"]["path"] == python
    assert report["olive_ai"] is None and not report["ok"]
    assert json.dumps(report)  # plain JSON all the way down
