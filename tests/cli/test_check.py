"""`olive-ls check` as a user or CI job runs it: real subprocess, real files, exit codes and formats."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from diagnostic_helpers import TINY

REPO = Path(__file__).resolve().parents[2]


def run_check(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "olive_ls", "check", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.fixture
def configs(tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(TINY, indent=2))
    bad = tmp_path / "nested" / "bad.yaml"
    bad.parent.mkdir()
    bad.write_text("input_model:\n  type: HfModel\n  model_path: HuggingFaceTB/SmolLM2-135M-Instruct\npasses:\n  builder:\n    type: ModelBuilder\n    precision: int3\n")
    other = tmp_path / "package.json"
    other.write_text('{"name": "not-olive", "scripts": {}}')
    return tmp_path, good, bad


def test_clean_config_exits_zero(configs):
    _, good, _ = configs
    result = run_check("--no-env", str(good))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "1 config(s) checked: 0 error(s)" in result.stderr


def test_text_output_is_compiler_style_and_exit_one(configs):
    folder, _, bad = configs
    result = run_check("--no-env", str(folder))
    assert result.returncode == 1
    line = next(line for line in result.stdout.splitlines() if "int3" in line)
    # path:line:col: severity CODE: message, one-based like compilers; the value sits on line 7, column 16
    assert line.startswith(f"{bad}:7:16: error OLV")
    assert "package.json" not in result.stdout


def test_json_output_has_the_documented_shape(configs):
    folder, _, bad = configs
    result = run_check("--no-env", "--format", "json", str(folder))
    report = json.loads(result.stdout)
    assert set(report) == {"olive_version", "files"}
    assert set(report["olive_version"]) == {"version", "reason"}
    entry = next(f for f in report["files"] if f["path"] == str(bad))
    diagnostic = next(d for d in entry["diagnostics"] if "int3" in d["message"])
    assert set(diagnostic) == {"severity", "code", "message", "detail", "range"}
    assert diagnostic["severity"] == "error" and diagnostic["code"].startswith("OLV")
    assert diagnostic["range"] == {"start": {"line": 6, "character": 15}, "end": {"line": 6, "character": 19}}


def test_sarif_output(configs):
    folder, _, _ = configs
    sarif = json.loads(run_check("--no-env", "--format", "sarif", str(folder)).stdout)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    assert run["tool"]["driver"]["name"] == "olive-ls"
    result = run["results"][0]
    assert result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 7
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} >= {result["ruleId"]}


def test_missing_path_is_a_usage_problem(tmp_path):
    result = run_check("--no-env", str(tmp_path / "nope.json"))
    assert result.returncode == 2
    assert "no such file or folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_files_get_a_message_each_and_the_rest_is_still_checked(configs):
    folder, _, bad = configs
    (folder / "binary.json").write_bytes(b"\x00\x01\x02{}")
    (folder / "latin1.json").write_bytes('{"input_model": "caf\xe9"}'.encode("latin-1"))
    (folder / "huge.json").write_bytes(b'{"passes": {}, "x": "' + b"a" * (9 * 1024 * 1024) + b'"}')
    deep = "[" * 5000 + "]" * 5000
    (folder / "deep.json").write_text('{"passes": {"a": ' + deep + "}}")
    unreadable = folder / "locked.json"
    unreadable.write_text("{}")
    unreadable.chmod(0)
    result = run_check("--no-env", str(folder))
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == 2
    out = result.stdout
    assert "binary.json:1:1: error OLV006: binary file" in out
    assert "latin1.json:1:1: error OLV006: not UTF-8" in out
    # Too large to be a config: said (the editor's limit and code, OLV007), not a read problem.
    assert "huge.json:1:1: information OLV007: File is 9.4 MB: too large to analyse as an Olive config (the limit is 2 MB)" in out
    if os.geteuid() != 0:  # root reads anything
        assert "locked.json:1:1: error OLV006: cannot read" in out
    assert "deep.json" in out and "OLV005" in out
    assert f"{bad}:7:16" in out


def test_check_never_imports_olive_torch_or_transformers(configs):
    folder, _, _ = configs
    probe = (
        "import sys; from olive_ls.cli.main import main\n"
        "try:\n    main(['check', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('olive', 'torch', 'transformers', 'onnxruntime') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe, str(folder)], capture_output=True, text=True, timeout=120)
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr
