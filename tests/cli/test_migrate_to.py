"""`olive-ls migrate --to VERSION`: a config moved between Olive releases, keeping its formatting, saying what
it could not move. The source is the Olive the config is checked as (--olive-version here)."""

from __future__ import annotations

import difflib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from diagnostic_helpers import CORPUS

from olive_ls.catalog import shipped_versions


def migrate(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "olive_ls", "migrate", "--no-workspace-settings", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def check(path: Path, version: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "olive_ls", "check", "--no-env", "--no-workspace-settings", "--format", "json", "--olive-version", version, str(path)],
        capture_output=True, text=True, timeout=120,
    )
    return json.loads(out.stdout)


QUARK = """{
  // a recipe written for Olive 0.11
  "input_model": {"type": "HfModel", "model_path": "Qwen/Qwen2.5-0.5B"},
  "passes": {
    "quark": {
      "type": "QuarkQuantization",
      "quant_scheme": "w_uint4_per_group_asym",
      "quant_config": {"algo": "awq"},
      "num_calib_data": 32
    }
  },
  "output_dir": "out"
}
"""


def test_quark_quant_config_replaced_in_0_12_is_said_and_kept(tmp_path):
    config = tmp_path / "quark.json"
    config.write_text(QUARK)
    result = migrate("--olive-version", "0.11.0", "--to", "0.12.1", config.name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == QUARK  # nothing it can move by itself: the text is unchanged, comment and all
    assert "moving quark.json from Olive 0.11.0 (--olive-version) to Olive 0.12.1" in result.stderr
    assert "Could not move: passes.quark.quant_config: Olive 0.12.0 replaced the embedded Quark config" in result.stderr
    assert "1 thing(s) could not be moved" in result.stderr


def test_parameters_the_older_release_lacks_are_removed_keeping_formatting(tmp_path):
    # main accepts this recipe; 0.13.0 rejects it: QairtEncapsulation's two *_overrides parameters came after it.
    source = CORPUS / "olive-recipes" / "meta-llama-Llama-3.1-8B-Instruct" / "QAIRT" / "htp_sc8380xp.json"
    if not source.exists():
        pytest.skip("the shared corpus is not on this machine")
    config = tmp_path / "htp.json"
    shutil.copy(source, config)
    before = check(config, "0.13.0")
    flagged = [d["message"] for f in before["files"] for d in f["diagnostics"] if d["code"] == "OLV302"]
    assert any("backend_extensions_overrides" in m for m in flagged)
    out = tmp_path / "htp-0.13.0.json"
    result = migrate("--olive-version", "main", "--to", "0.13.0", "--output", str(out), str(config), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for key in ("backend_extensions_overrides", "engine_config_overrides"):
        assert f".{key} " in result.stderr and "has no such parameter in Olive 0.13.0 (it is a parameter of" in result.stderr
        assert key not in out.read_text()
    after = check(out, "0.13.0")
    assert not [d for f in after["files"] for d in f["diagnostics"] if d["code"] == "OLV302"]
    # Only lines were removed: every line of the result is one of the original's (a comma dropped at most).
    original = set(source.read_text().splitlines())
    added = [line for line in difflib.ndiff(source.read_text().splitlines(), out.read_text().splitlines()) if line.startswith("+ ")]
    assert all(line[2:] + "," in original for line in added), added


def test_renamed_pass_and_removed_engine_key_when_moving_up(tmp_path):
    config = tmp_path / "old.json"
    config.write_text(
        '{\n  "input_model": {"type": "ONNXModel", "model_path": "model.onnx"},\n'
        '  "azureml_client": {"subscription_id": "x"},\n'
        '  "passes": {\n    "q": {"type": "OnnxMatMul4Quantizer", "block_size": 32}\n  },\n'
        '  "output_dir": "out"\n}\n'
    )
    result = migrate("--olive-version", "0.9.1", "--to", "0.9.3", str(config), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    moved = json.loads(result.stdout)
    assert moved["passes"]["q"]["type"] == "OnnxBlockWiseRtnQuantization"
    assert "azureml_client" not in moved
    assert "Removed azureml_client" in result.stderr and "removed in Olive 0.9.3" in result.stderr
    assert '"output_dir": "out"' in result.stdout  # untouched lines keep their form


def test_a_pass_the_target_lacks_is_kept_and_said(tmp_path):
    config = tmp_path / "kq.json"
    config.write_text(json.dumps({"input_model": {"type": "ONNXModel", "model_path": "m.onnx"}, "passes": {"kq": {"type": "OnnxKQuantQuantization"}}}, indent=2))
    result = migrate("--olive-version", "0.13.0", "--to", "0.12.1", str(config), cwd=tmp_path)
    assert result.returncode == 0
    assert "Could not move: passes.kq: Olive 0.12.1 has no pass OnnxKQuantQuantization; it exists in Olive 0.13.0" in result.stderr


def test_unknown_target_is_one_line_naming_those_shipped(tmp_path):
    config = tmp_path / "c.json"
    config.write_text(QUARK)
    result = migrate("--to", "0.8.0", str(config), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == f"olive-ls migrate: no catalog for Olive 0.8.0; this olive-ls has catalogs for {', '.join(shipped_versions())}"
