"""The VS Code client: its settings and commands match the server's, and it runs in a real VS Code.

The end-to-end test drives code-server (VS Code 1.139) in headless Chromium through client-vscode/e2e/run.sh:
diagnostics in the Problems panel, hover, completion, the palette, a server restart, a Python without olive_ls.
Its first run on a machine installs about 650 MB from the npm and Debian registries (cached afterwards).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import olive_ls.lsp.commands  # noqa: F401  registers the server's commands
from olive_ls.lsp.server import server
from olive_ls.settings import settings_from

CLIENT = Path(__file__).resolve().parents[2] / "client-vscode"
# run.sh's exit code when code-server, Chromium or Node cannot be installed (no registry): a skip, not a failure.
E2E_TOOLS_UNAVAILABLE = 77
PACKAGE = json.loads((CLIENT / "package.json").read_text())


def test_contributed_settings_are_the_ones_the_server_reads():
    contributed = {key.removeprefix("olive.") for key in PACKAGE["contributes"]["configuration"]["properties"] if key.startswith("olive.")}
    assert contributed == {"configFiles", "excludeFiles", "diagnostics.severity", "environmentChecks", "python", "oliveVersion"}
    # Each default is a value the server accepts without a complaint.
    raw: dict = {}
    for key, spec in PACKAGE["contributes"]["configuration"]["properties"].items():
        if key.startswith("olive."):
            parts = key.removeprefix("olive.").split(".")
            target = raw
            for part in parts[:-1]:
                target = target.setdefault(part, {})
            target[parts[-1]] = spec["default"]
    assert settings_from(raw)[1] == []
    severities = PACKAGE["contributes"]["configuration"]["properties"]["olive.diagnostics.severity"]["additionalProperties"]["enum"]
    assert settings_from({"diagnostics": {"severity": {"OLV302": level for level in severities}}})[1] == []


def test_server_commands_the_client_calls_exist():
    source = (CLIENT / "src" / "extension.ts").read_text()
    # The server command names are the constants SERVER_* = "olive.x" in extension.ts.
    called = set(re.findall(r'const SERVER_\w+ = "(olive\.[A-Za-z]+)"', source))
    assert {"olive.runWorkflow", "olive.cancelRun", "olive.smokeTest", "olive.newWorkflow"} <= called
    assert called <= set(server.protocol.fm.commands)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed: the VS Code end-to-end test needs it")
@pytest.mark.skipif(os.environ.get("OLIVE_LS_SKIP_VSCODE_E2E") == "1", reason="OLIVE_LS_SKIP_VSCODE_E2E=1")
def test_extension_in_a_real_vs_code():
    env = dict(os.environ, OLIVE_E2E_PYTHON=sys.executable)
    proc = subprocess.run(["bash", str(CLIENT / "e2e" / "run.sh")], env=env, capture_output=True, text=True, timeout=40 * 60)
    if proc.returncode == E2E_TOOLS_UNAVAILABLE:
        pytest.skip("VS Code e2e tools could not be installed here: " + proc.stderr.strip().splitlines()[-1])
    assert proc.returncode == 0, f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}\n(screenshots and logs: {CLIENT / 'e2e' / 'out'})"
