"""Shared helpers for rule tests: run the real diagnostics engine over a config given as text or a dict."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from olive_ls.catalog import load_catalog
from olive_ls.document.parse import parse_document
from olive_ls.rules.engine import DiagnosticSettings, analyse

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


def check(config, *, language: str = "json", path: Path | None = None, environment=None, env_checks: bool = False):
    """Findings for a config (dict, or text). Environment rules run only when env_checks or an environment is given."""
    text = json.dumps(config, indent=2) if isinstance(config, dict) else config
    doc = parse_document(text, language)
    settings = DiagnosticSettings(environment_checks=env_checks or environment is not None)
    return analyse(doc, load_catalog("0.13.0"), file_path=path, settings=settings, environment=environment)


def run(config: dict):
    """The config as the text the checker reads, and its findings."""
    text = json.dumps(config, indent=2)
    return text, check(text)


def only(findings, code: str):
    """The one finding with this code (failing with every finding when there is not exactly one)."""
    found = find(findings, code)
    assert len(found) == 1, [(f.code, f.text) for f in findings]
    return found[0]


def none_of(config: dict, code: str) -> None:
    _, findings = run(config)
    assert find(findings, code) == [], [(f.code, f.text) for f in find(findings, code)]


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def find(findings, code: str):
    """The findings with this code."""
    return [f for f in findings if f.code == code]


def text_at(text: str, finding) -> str:
    """The source text a finding's range covers (single-line ranges)."""
    line = text.splitlines()[finding.range.start.line]
    return line[finding.range.start.character : finding.range.end.character]


TINY = {
    "input_model": {"type": "HfModel", "model_path": "HuggingFaceTB/SmolLM2-135M-Instruct"},
    "systems": {
        "local_system": {"type": "LocalSystem", "accelerators": [{"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}]}
    },
    "passes": {"builder": {"type": "ModelBuilder", "precision": "int4"}},
    "host": "local_system",
    "target": "local_system",
    "output_dir": "out",
}


def tiny_with(passes: dict, accelerator=None, model=None) -> dict:
    """TINY with these passes, and optionally the local system's one accelerator and another input model."""
    config = copy.deepcopy(TINY)
    config["passes"] = passes
    if accelerator is not None:
        config["systems"]["local_system"]["accelerators"] = [accelerator]
    if model is not None:
        config["input_model"] = copy.deepcopy(model)
    return config


def on_disk(tmp_path: Path, config: dict, environment=None, env_checks: bool = True):
    """The config as text and its findings, checked as saved in tmp_path (beside the model folders a test wrote),
    environment checks on unless said otherwise."""
    text = json.dumps(config, indent=2)
    return text, check(text, path=tmp_path / "workflow.json", env_checks=env_checks, environment=environment)


def one_on_disk(tmp_path: Path, config: dict, code: str, environment=None):
    """The text and the one finding with this code, checked on disk; its headline a line of at most 120 characters."""
    text, findings = on_disk(tmp_path, config, environment)
    found = only(findings, code)
    assert len(found.message) <= 120 and not found.message.endswith("…"), found.message
    return text, found
