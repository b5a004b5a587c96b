"""Fixtures every test folder shares. The folders mirror the package: document/, model/, rules/, features/,
service/, lsp/, cli/, execution/, catalog/, machine/, client/ (the VS Code extension)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
CORPUS = REPO.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """A tiny random-weight Llama with its tokenizer, built locally once per test session (nothing from a hub)."""
    spec = importlib.util.spec_from_file_location("build_tiny_model", REPO / "scripts" / "build_tiny_model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_tiny_model(tmp_path_factory.mktemp("tiny") / "model", "llama")
