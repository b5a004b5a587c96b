"""`olive-ls migrate`: the tutorial's old config becomes one without errors; files are never overwritten unasked."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from diagnostic_helpers import TINY, check
from rules.test_legacy import TUTORIAL

OLIVE_LS = [sys.executable, "-m", "olive_ls"]


def migrate(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*OLIVE_LS, "migrate", *args], capture_output=True, text=True, timeout=60)


def errors(text: str, language: str = "json") -> list:
    return [f for f in check(text, language=language) if f.severity == "error"]


@pytest.fixture
def tutorial(tmp_path) -> Path:
    path = tmp_path / "tutorial.json"
    path.write_text(json.dumps(TUTORIAL, indent=4))
    return path


def test_tutorial_config_migrates_to_stdout_without_errors(tutorial):
    before = tutorial.read_text()
    assert errors(before)
    proc = migrate(str(tutorial))
    assert proc.returncode == 0, proc.stderr
    assert errors(proc.stdout) == []
    migrated = json.loads(proc.stdout)
    model = migrated["input_model"]
    assert model["type"] == "HfModel"
    assert model["config"]["model_path"] == "Qwen/Qwen2.5-0.5B-Instruct"  # the user's nested form is kept
    assert "search_algorithm" not in json.dumps(migrated)
    assert tutorial.read_text() == before  # stdout only: the file is untouched
    assert "Traceback" not in proc.stderr


def test_yaml_config_migrates_as_yaml(tmp_path):
    import yaml

    path = tmp_path / "tutorial.yaml"
    path.write_text(yaml.safe_dump(TUTORIAL, sort_keys=False))
    proc = migrate(str(path))
    assert proc.returncode == 0, proc.stderr
    assert errors(proc.stdout, "yaml") == []
    assert yaml.safe_load(proc.stdout)["input_model"]["type"] == "HfModel"


def test_output_writes_a_new_file_and_never_overwrites(tutorial, tmp_path):
    out = tmp_path / "new.json"
    assert migrate(str(tutorial), "-o", str(out)).returncode == 0
    assert errors(out.read_text()) == []
    written = out.read_text()
    again = migrate(str(tutorial), "-o", str(out))
    assert again.returncode == 2 and "already exists" in again.stderr
    assert out.read_text() == written


def test_in_place_keeps_the_original_as_bak(tutorial):
    before = tutorial.read_text()
    proc = migrate(str(tutorial), "--in-place")
    assert proc.returncode == 0, proc.stderr
    backup = tutorial.with_name("tutorial.json.bak")
    assert backup.read_text() == before
    assert errors(tutorial.read_text()) == []
    # A second in-place run would lose the backup: refused.
    tutorial.write_text(before)
    refused = migrate(str(tutorial), "--in-place")
    assert refused.returncode == 2 and ".bak" in refused.stderr
    assert tutorial.read_text() == before


def test_current_config_comes_back_unchanged(tmp_path):
    path = tmp_path / "current.json"
    text = json.dumps(copy.deepcopy(TINY), indent=2) + "\n"
    path.write_text(text)
    proc = migrate(str(path))
    assert proc.returncode == 0 and proc.stdout == text
    assert "nothing to migrate" in proc.stderr


@pytest.mark.parametrize(
    "content, code, said",
    [
        ('{"input_model": {"type": "PyTorchModel", "config": {"hf_config": {}}', 1, "syntax errors"),
        ('{"name": "not olive"}', 1, "not an Olive config"),
        (None, 2, "cannot read"),
        (b"\x00\x01binary", 2, "binary"),
    ],
)
def test_bad_input_gets_a_clear_message(tmp_path, content, code, said):
    path = tmp_path / "config.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    proc = migrate(str(path))
    assert proc.returncode == code and said in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
