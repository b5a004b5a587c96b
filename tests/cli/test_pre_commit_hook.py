"""The pre-commit hook runs `olive-ls check` over the files a commit touches: a bad config fails the commit."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

from diagnostic_helpers import TINY

HOOKS = Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml"


def _run_hook(files: list[Path]) -> subprocess.CompletedProcess:
    (hook,) = yaml.safe_load(HOOKS.read_text())
    assert hook["language"] == "python"
    files = [f for f in files if re.search(hook["files"], str(f))]
    argv = shlex.split(hook["entry"])
    assert argv[0] == "olive-ls"
    return subprocess.run([sys.executable, "-m", "olive_ls", *argv[1:], *map(str, files)], capture_output=True, text=True, timeout=60)


def test_hook_fails_a_commit_with_a_broken_config_and_passes_a_good_one(tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(TINY, indent=2))
    other = tmp_path / "package.json"
    other.write_text('{"name": "x"}')
    assert _run_hook([good, other, tmp_path / "README.md"]).returncode == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({**TINY, "passes": {"builder": {"type": "ModelBuilder", "precision": "int3"}}}))
    proc = _run_hook([good, bad])
    assert proc.returncode == 1 and "bad.yaml" in proc.stdout and "OLV" in proc.stdout
