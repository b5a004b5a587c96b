"""The 116 corpus configs under every Olive release with labels: `olive-ls check --olive-version V` agrees
with V's own verdict (../shared/corpus/olive-recipes.labels-by-version.jsonl).

`accept`: no error. `reject`: an error placed on the offending key or value, found from V's own message (as
tests/rules/test_corpus.py does for 0.13.0; up to 0.11.0 the messages read the pydantic v1 way).

The check runs as a user runs it: the command line, JSON output, once per version over the corpus folder.
"""

from __future__ import annotations

import contextlib
import io
import json
import re

import pytest

from diagnostic_helpers import CORPUS

from olive_ls.catalog import shipped_versions
from olive_ls.cli.main import main

LABELS = CORPUS / "olive-recipes.labels-by-version.jsonl"
ROOT = CORPUS / "olive-recipes"
pytestmark = pytest.mark.skipif(not LABELS.exists(), reason="the shared corpus is not on this machine")

# Findings on configs V accepts that are true run-time failures of V, not validation: V's validation (the
# labels) passes them, `olive run` then fails. Each was read in V's own code; the entry says where.
RUN_TIME_FAILURES = {
    # olive/systems/accelerator_creator.py (0.9.2, 0.9.3): QNNExecutionProvider is not in
    # DEVICE_TO_EXECUTION_PROVIDERS["gpu"] before 0.10.0 (WebGpu not before 0.9.3); the target runs a pass, so
    # create_accelerators raises "None of the execution providers [...] cannot be found in the target system".
    ("0.9.2", "HuggingFaceTB-SmolLM3-3B/webgpu/HuggingFaceTB-SmolLM3-3B_webgpu_fp16.json"): "OLV401",
    ("0.9.2", "tencent-HY-MT1.5-1.8B/webgpu/tencent-HY-MT1.5-1.8B_webgpu_fp16_with_eval.json"): "OLV401",
    **{
        (version, path): "OLV401"
        for version in ("0.9.2", "0.9.3")
        for path in (
            "deepseek-ai-DeepSeek-R1-Distill-Qwen-1.5B/QNN/config_gpu_ctxbin.json",
            "meta-llama-Llama-3.1-8B-Instruct/aitk/llama3_1_qnn_gpu.json",
            "meta-llama-Llama-3.2-1B-Instruct/QNN/config_gpu_ctxbin.json",
            "microsoft-Phi-3.5-mini-instruct/aitk/phi3_5_qnn_gpu_config.json",
        )
    },
}


def _labels() -> list[dict]:
    if not LABELS.exists():
        return []
    return [json.loads(line) for line in LABELS.read_text().splitlines() if line.strip()]


def _labelled_versions() -> list[str]:
    labels = _labels()
    labelled = set(labels[0]["labels"]) if labels else set()
    # Every shipped version with labels; a shipped version the labels do not cover has no verdict to agree with.
    return [v for v in shipped_versions() if v in labelled]


_REPORTS: dict[str, dict] = {}


def _report(version: str) -> dict[str, list[dict]]:
    """path (relative to the corpus) -> the errors `check --olive-version V --format json` gives it."""
    if version not in _REPORTS:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["check", "--format", "json", "--no-workspace-settings", "--olive-version", version, str(ROOT)])
        assert code in (0, 1), err.getvalue()
        data = json.loads(out.getvalue())
        assert data["olive_version"] == {"version": version, "reason": "--olive-version"}
        _REPORTS[version] = {
            str(entry["path"]).removeprefix(str(ROOT) + "/"): [d for d in entry["diagnostics"] if d["severity"] == "error"]
            for entry in data["files"]
        }
    return _REPORTS[version]


def _covered(text: str, diagnostic: dict) -> str:
    lines = text.splitlines()
    start, end = diagnostic["range"]["start"], diagnostic["range"]["end"]
    if start["line"] == end["line"]:
        return lines[start["line"]][start["character"] : end["character"]]
    return lines[start["line"]][start["character"] :]


def _offending(says: str, text: str) -> list[str]:
    """Source snippets one of which an error must cover, read from the release's own message."""
    if match := re.search(r"pass of type '(\w+)' not found", says):
        return [f'"{name}"' for name in re.findall(r'"type":\s*"(\w+)"', text) if name.lower() == match.group(1)]
    if match := re.search(r"Python path (\S+) does not exist", says):
        return [f'"{match.group(1).removesuffix("/bin")}"', f'"{match.group(1)}"']
    if match := re.search(r"has unknown parameters: (.*)$", says, re.MULTILINE):
        return [f'"{name.strip()}"' for name in match.group(1).split(",")]
    if match := re.search(r"input_value='(\w+)'", says):
        return [f'"{match.group(1)}"']
    if match := re.search(r"Invalid/unknown evaluator type: (\w+)", says):
        return [f'"{match.group(1)}"']
    if match := re.search(r"validation errors? for (\w+)Config\n(\w+)\n", says):
        # A pass parameter's value (v1 names the parameter on the next line): its key, or the value given it.
        key = match.group(2)
        return [f'"{key}"', *re.findall(rf'"{key}"\s*:\s*("[^"]*"|[^,\s}}]+)', text)]
    if match := re.fullmatch(r"'(\w+)'", says.strip()):
        return [f'"{match.group(1)}"']  # a KeyError: the name looked up (a pre_process or metric name)
    if "'list' object has no attribute 'items'" in says:
        return ['"passes"', "["]
    if "'<' not supported between instances of 'str' and 'int'" in says:
        return ['"FIXED_PARAMS"', '"FIXED_VALUES"']
    raise AssertionError(f"no expectation for Olive's message: {says}")


def _cases(verdict: str):
    return [
        pytest.param(version, label, id=f"{version}:{label['path']}")
        for version in _labelled_versions()
        for label in _labels()
        if label["labels"][version] == verdict
    ]


@pytest.mark.parametrize(("version", "label"), _cases("accept"))
def test_accepted_config_has_no_error(version, label):
    errors = _report(version).get(label["path"], [])
    allowed = RUN_TIME_FAILURES.get((version, label["path"]))
    errors = [e for e in errors if e["code"] != allowed]
    assert errors == [], [(e["code"], e["message"]) for e in errors]


@pytest.mark.parametrize(("version", "label"), _cases("reject"))
def test_rejected_config_has_an_error_on_the_offending_place(version, label):
    text = (ROOT / label["path"]).read_text()
    says = label["olive_says"][version]
    errors = _report(version).get(label["path"], [])
    assert errors, f"Olive {version} says: {says}"
    expected = _offending(says, text)
    covered = [_covered(text, e) for e in errors]
    assert any(snippet in piece for piece in covered for snippet in expected), (expected, [(e["code"], e["message"], c) for e, c in zip(errors, covered)])


def test_every_labelled_version_is_shipped():
    labels = _labels()
    assert set(labels[0]["labels"]) <= set(shipped_versions())


def test_the_run_time_failures_are_real_findings():
    # Each allowed finding is still made (the table cannot hide a config that stopped being checked).
    for (version, path), code in RUN_TIME_FAILURES.items():
        assert code in [e["code"] for e in _report(version).get(path, [])], (version, path)


def test_unknown_pass_says_when_it_came_and_the_version_checked_as():
    errors = _report("0.12.1")["google-gemma-4-E2B-it/cpu/int4/config.json"]
    assert "OnnxKQuantQuantization exists from Olive 0.13.0; this config is checked as 0.12.1 (--olive-version)." in [e["message"] for e in errors]
