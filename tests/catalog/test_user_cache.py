"""An installed Olive with no shipped catalog: generated in a subprocess with that Python, cached in the user's
cache folder by version and commit, and read from the cache on every later start (catalog/user_cache.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from olive_ls.catalog import load_catalog
from olive_ls.catalog.json_schema import build_run_config_schema
from olive_ls.catalog.loader import read_catalog_data
from olive_ls.catalog.user_cache import CACHE_ENV, cache_dir, cache_root, package_parent
from olive_ls.service import OliveLanguageService, path_to_uri
from olive_ls.settings import ServerSettings

from tests.catalog.test_selection import fake_venv

REPO = Path(__file__).resolve().parents[2]

# Stands in for `python -m olive_ls.catalog.generate --out DIR ...` in a Python with an unreleased Olive: logs
# how it was called (and whether olive_ls was importable from PYTHONPATH alone), then writes a catalog as the
# generator does (0.13.0's, as 0.14.0).
FAKE_GENERATOR = r"""
import json, os, sys
from pathlib import Path
args = sys.argv[1:]
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps({"args": args, "pythonpath": os.environ.get("PYTHONPATH", "")}) + "\n")
sys.path[:0] = os.environ.get("PYTHONPATH", "").split(os.pathsep)
from olive_ls.catalog.loader import read_catalog_data
from olive_ls.catalog.json_schema import build_run_config_schema
data, _ = read_catalog_data(Path(os.environ["REAL_SCHEMAS"]), "0.13.0")
data["olive_version"] = "0.14.0"
folder = Path(args[args.index("--out") + 1]) / "olive-0.14.0"
folder.mkdir(parents=True, exist_ok=True)
(folder / "catalog.json").write_text(json.dumps(data, sort_keys=True))
(folder / "run-config.schema.json").write_text(json.dumps(build_run_config_schema(data)))
"""


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(root))
    return root


def test_cache_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    if sys.platform.startswith("linux"):
        assert cache_root() == tmp_path / "olive-ls" / "catalogs"
    assert cache_dir("main", "0123456789abcdef").name == "main-0123456789ab"
    assert cache_dir("0.14.0", None).name == "0.14.0-release"


def fake_olive_0_14(tmp_path) -> Path:
    """A venv with olive-ai 0.14.0 in its metadata whose python runs the stand-in generator."""
    python = fake_venv(tmp_path / "venv-0.14.0", ("0.14.0", None))
    script = tmp_path / "fake_generate.py"
    script.write_text(FAKE_GENERATOR)
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" -I "{script}" "$@"\n')
    python.chmod(0o755)
    return python


@pytest.mark.skipif(os.name == "nt", reason="the stand-in interpreter is a shell script")
def test_unknown_installed_version_is_generated_cached_and_reused(tmp_path, cache, monkeypatch):
    log = tmp_path / "calls.jsonl"
    monkeypatch.setenv("FAKE_LOG", str(log))
    monkeypatch.setenv("REAL_SCHEMAS", str(REPO / "schemas"))
    python = fake_olive_0_14(tmp_path)
    config = tmp_path / "config.json"
    config.write_text('{"input_model": {"type": "ONNXModel", "model_path": "m.onnx"}, "passes": {"k": {"type": "OnnxKQuantQuantization"}}}')
    uri = path_to_uri(config)
    settings = ServerSettings(python=str(python), environment_checks=False)

    first = OliveLanguageService(settings=settings)
    choice = first.version_for(uri)
    assert (choice.version, choice.reason, choice.shipped) == ("0.14.0", "installed", False)
    catalog = first.catalog_for(uri)
    assert catalog.version == "0.14.0" and catalog.path == cache / "0.14.0-release" / "olive-0.14.0" / "catalog.json"
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(calls) == 1
    assert calls[0]["args"][:3] == ["-m", "olive_ls.catalog.generate", "--out"] and "--expect-version" in calls[0]["args"]
    assert str(package_parent()) in calls[0]["pythonpath"].split(os.pathsep)
    notes = first.take_notes()
    assert len(notes) == 1 and "no catalog of Olive 0.14.0" in notes[0] and str(cache / "0.14.0-release") in notes[0]
    first.catalog_for(uri)
    assert first.take_notes() == []  # said once
    codes = [f.code for f in first.diagnostics(uri, first.parse(uri, config.read_text()))]
    assert "OLV301" not in codes  # 0.14.0 (0.13.0's passes, here) has OnnxKQuantQuantization

    second = OliveLanguageService(settings=settings)  # a second start
    assert second.catalog_for(uri).path == catalog.path
    assert len(log.read_text().splitlines()) == 1  # the cache, not a second generation
    assert second.take_notes() == []


def test_a_generation_that_fails_falls_back_to_the_newest_release_and_says_why(tmp_path, cache):
    python = fake_venv(tmp_path / "venv-0.15.0", ("0.15.0", None))
    python.write_text("#!/bin/sh\necho 'ModuleNotFoundError: No module named torch' >&2\nexit 1\n")
    python.chmod(0o755)
    service = OliveLanguageService(settings=ServerSettings(python=str(python), environment_checks=False))
    catalog = service.catalog_for(None)
    assert catalog.version == "0.13.0"
    (note,) = service.take_notes()
    assert "could not generate a catalog for Olive 0.15.0" in note and "No module named torch" in note and "checking as Olive 0.13.0" in note


@pytest.mark.slow
def test_real_olive_generated_in_a_subprocess_then_the_cache_on_the_next_run(tmp_path):
    """olive-ai 0.13.0 installed (this venv), with 0.13.0 hidden from the shipped catalogs: `check` generates it
    with the configured Python, says so once, and the next run reads the cache."""
    schemas = tmp_path / "schemas" / "olive-0.12.1"
    schemas.mkdir(parents=True)
    data, _ = read_catalog_data(REPO / "schemas", "0.12.1")
    (schemas / "catalog.json").write_text(json.dumps(data, sort_keys=True))
    (schemas / "run-config.schema.json").write_text(json.dumps(build_run_config_schema(data)))
    workspace = tmp_path / "ws"
    (workspace / ".vscode").mkdir(parents=True)
    (workspace / ".vscode" / "settings.json").write_text(json.dumps({"olive.python": sys.executable}))
    (workspace / "c.json").write_text(json.dumps({"input_model": {"type": "ONNXModel", "model_path": "m.onnx"}, "passes": {"k": {"type": "OnnxKQuantQuantization"}}}))
    env = dict(os.environ, OLIVE_LS_SCHEMAS=str(tmp_path / "schemas"), OLIVE_LS_CACHE=str(tmp_path / "cache"))

    def run():
        return subprocess.run([sys.executable, "-m", "olive_ls", "check", "--no-env", "c.json"], capture_output=True, text=True, cwd=workspace, env=env, timeout=600)

    first = run()
    assert first.returncode == 0, first.stderr  # 0.13.0 has OnnxKQuantQuantization: no error
    assert first.stderr.count("no catalog of Olive 0.13.0") == 1
    assert "checked as Olive 0.13.0 (installed)" in first.stderr
    generated = tmp_path / "cache" / "0.13.0-release" / "olive-0.13.0" / "catalog.json"
    assert json.loads(generated.read_text())["olive_version"] == "0.13.0"
    assert len(json.loads(generated.read_text())["passes"]) == len(load_catalog("0.13.0", REPO / "schemas").data["passes"])
    second = run()
    assert second.returncode == 0 and "no catalog of" not in second.stderr, second.stderr
