"""The real server over stdio, driven by pytest-lsp with the client capabilities of VS Code and Neovim."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
CLIENTS = ("visual-studio-code", "neovim")


@pytest_lsp.fixture(
    params=CLIENTS,
    config=ClientServerConfig(server_command=[sys.executable, "-m", "olive_ls", "serve"]),
)
async def client(request, lsp_client: LanguageClient, tmp_path):
    lsp_client.set_configuration({"environmentChecks": False}, section="olive")
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(request.param),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="workspace")],
            root_uri=tmp_path.as_uri(),
        )
    )
    yield lsp_client
    await lsp_client.shutdown_session()
