"""The reference, environment and file-system families over the 116 real configs of ../shared/corpus.

- `accept` configs get no error from OLV5xx/6xx/7xx, with every check on (hub ids are hints, not errors);
- the four `Python path ... does not exist` rejects get OLV703 on that path;
- the `speech_accuracy` rejects (metrics given by name, for a newer Olive) get OLV510 on that name.

The environment is built by hand (the pins of the run extra), so the result does not depend on this machine.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diagnostic_helpers import CORPUS, check, text_at  # noqa: E402

from olive_ls.environment import Environment  # noqa: E402

LABELS = CORPUS / "olive-recipes.labels.jsonl"
pytestmark = pytest.mark.skipif(not LABELS.exists(), reason="the shared corpus is not on this machine")

PINNED = Environment(
    python="/opt/olive/bin/python",
    distributions={
        "olive-ai": "0.13.0",
        "onnxruntime": "1.32.0",
        "onnxruntime-genai": "0.14.1",
        "pydantic": "2.13.5",
        "torch": "2.13.0",
        "transformers": "5.24.0",
        "numpy": "2.4.6",
    },
)
MINE = re.compile(r"^OLV[567]\d\d$")


def _labels() -> list[dict]:
    if not LABELS.exists():
        return []
    return [json.loads(line) for line in LABELS.read_text().splitlines() if line.strip()]


def _findings(label: dict, environment=PINNED):
    path = CORPUS / "olive-recipes" / label["path"]
    text = path.read_text()
    return text, check(text, path=path, environment=environment, language="yaml" if path.suffix in (".yaml", ".yml") else "json")


@pytest.mark.parametrize("label", [l for l in _labels() if l["olive_0_13_0"] == "accept"], ids=lambda l: l["path"])
def test_no_error_from_these_families_on_accepted_configs(label):
    _, findings = _findings(label)
    errors = [(f.code, f.text) for f in findings if MINE.match(f.code) and f.severity == "error"]
    assert errors == []


@pytest.mark.parametrize("label", [l for l in _labels() if "Python path" in l["olive_says"]], ids=lambda l: l["path"])
def test_python_path_rejects_are_errors_on_the_path(label):
    path = re.search(r"Python path (\S+) does not exist", label["olive_says"]).group(1)
    text, findings = _findings(label)
    hits = [f for f in findings if f.code == "OLV703" and f.severity == "error"]
    assert [text_at(text, f) for f in hits] == [f'"{path}"']
    assert hits[0].text.startswith(f"Python path {path} does not exist")


@pytest.mark.parametrize("label", [l for l in _labels() if "input_value='speech_accuracy'" in l["olive_says"]], ids=lambda l: l["path"])
def test_metric_given_by_name_is_an_error_on_the_name(label):
    text, findings = _findings(label, environment=None)  # a reference rule: no environment needed
    hits = [f for f in findings if f.code == "OLV510" and f.severity == "error"]
    assert [text_at(text, f) for f in hits] == ['"speech_accuracy"']
    assert "Invalid type" in hits[0].text


def test_hub_ids_are_hints_and_the_families_are_fast():
    labels = _labels()
    hints = 0
    started = time.perf_counter()
    for label in labels:
        text, findings = _findings(label)
        for finding in findings:
            if finding.code == "OLV701" and finding.severity == "information":
                hints += 1
                assert re.fullmatch(r'"[\w.\-]+(/[\w.\-]+)?"', text_at(text, finding))
    elapsed = time.perf_counter() - started
    assert hints >= 50  # most recipes name a hub model
    assert elapsed < 30, f"{len(labels)} configs took {elapsed:.1f} s"
