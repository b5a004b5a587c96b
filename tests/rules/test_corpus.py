"""The 116 real configs of ../shared/corpus, with Olive 0.13.0's own verdict on each.

`accept`: no error from olive-ls. `reject`: at least one error, placed on the offending key or value.
"""

from __future__ import annotations

import json
import re

import pytest

from diagnostic_helpers import CORPUS, check

LABELS = CORPUS / "olive-recipes.labels.jsonl"
pytestmark = pytest.mark.skipif(not LABELS.exists(), reason="the shared corpus is not on this machine")


def _labels():
    if not LABELS.exists():
        return []
    return [json.loads(line) for line in LABELS.read_text().splitlines() if line.strip()]


def _ids(label):
    return label["path"]


def _covered(text: str, finding) -> str:
    lines = text.splitlines()
    r = finding.range
    if r.start.line == r.end.line:
        return lines[r.start.line][r.start.character : r.end.character]
    return lines[r.start.line][r.start.character :]


def _offending(label, text: str) -> list[str]:
    """Source snippets one of which an error must cover, read from Olive's own message."""
    says = label["olive_says"]
    if match := re.search(r"pass of type '(\w+)' not found", says):
        return [f'"{name}"' for name in re.findall(r'"type":\s*"(\w+)"', text) if name.lower() == match.group(1)]
    if match := re.search(r"Python path (\S+) does not exist", says):
        return [f'"{match.group(1).removesuffix("/bin")}"', f'"{match.group(1)}"']
    if match := re.search(r"has unknown parameters: (.*)$", says):
        return [f'"{name.strip()}"' for name in match.group(1).split(",")]
    if match := re.search(r"input_value='(\w+)'", says):
        return [f'"{match.group(1)}"']
    if "'list' object has no attribute 'items'" in says:
        return ['"passes"', "["]
    if "'<' not supported between instances of 'str' and 'int'" in says:
        return ['"FIXED_PARAMS"', '"FIXED_VALUES"']
    raise AssertionError(f"no expectation for Olive's message: {says}")


@pytest.mark.parametrize("label", [l for l in _labels() if l["olive_0_13_0"] == "accept"], ids=_ids)
def test_accepted_config_has_no_error(label):
    path = CORPUS / "olive-recipes" / label["path"]
    errors = [f for f in check(path.read_text(), path=path) if f.severity == "error"]
    assert errors == [], [(f.code, f.text) for f in errors]


@pytest.mark.parametrize("label", [l for l in _labels() if l["olive_0_13_0"] == "reject"], ids=_ids)
def test_rejected_config_has_an_error_on_the_offending_place(label):
    path = CORPUS / "olive-recipes" / label["path"]
    text = path.read_text()
    errors = [f for f in check(text, path=path, env_checks=True) if f.severity == "error"]
    assert errors, f"Olive says: {label['olive_says']}"
    expected = _offending(label, text)
    covered = [_covered(text, f) for f in errors]
    assert any(snippet in piece for piece in covered for snippet in expected), (expected, [(f.code, f.text, c) for f, c in zip(errors, covered)])
