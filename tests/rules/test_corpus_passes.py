"""The legacy, pass and target rule families (OLV2xx-OLV4xx) on the 116 olive-recipes configs of ../shared/corpus.

`accept` (Olive 0.13.0 accepts it): none of these rules reports an error.
`reject` where these families cover Olive's reason (unknown pass types and parameters, bad values, passes as a list):
the right rule reports an error on the offending key or value.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diagnostic_helpers import CORPUS, check  # noqa: E402

LABELS = CORPUS / "olive-recipes.labels.jsonl"
pytestmark = pytest.mark.skipif(not LABELS.exists(), reason="the shared corpus is not on this machine")
FAMILIES = ("OLV2", "OLV3", "OLV4")


def _labels():
    if not LABELS.exists():
        return []
    return [json.loads(line) for line in LABELS.read_text().splitlines() if line.strip()]


def _covered(text: str, finding) -> str:
    lines = text.splitlines()
    r = finding.range
    if r.start.line == r.end.line:
        return lines[r.start.line][r.start.character : r.end.character]
    return lines[r.start.line][r.start.character :]


def _expected(label, text: str):
    """(code, snippets) for the rejections these families cover, else None."""
    says = label["olive_says"]
    if match := re.search(r"pass of type '(\w+)' not found", says):
        return "OLV301", [f'"{name}"' for name in re.findall(r'"type":\s*"(\w+)"', text) if name.lower() == match.group(1)]
    if match := re.search(r"has unknown parameters: (.*)$", says):
        return "OLV302", [f'"{name.strip()}"' for name in match.group(1).split(",")]
    if "'list' object has no attribute 'items'" in says:
        return "OLV309", ["["]
    if "'<' not supported between instances of 'str' and 'int'" in says:
        return "OLV304", ['"FIXED_PARAMS"', '"FIXED_VALUES"']
    return None


def _family_findings(path: Path):
    text = path.read_text()
    return text, [f for f in check(text, path=path) if f.code.startswith(FAMILIES)]


@pytest.mark.parametrize("label", [l for l in _labels() if l["olive_0_13_0"] == "accept"], ids=lambda l: l["path"])
def test_accepted_config_has_no_error_from_these_families(label):
    _, findings = _family_findings(CORPUS / "olive-recipes" / label["path"])
    errors = [(f.code, f.text) for f in findings if f.severity == "error"]
    assert errors == []


COVERED = [l for l in _labels() if l["olive_0_13_0"] == "reject" and _expected(l, (CORPUS / "olive-recipes" / l["path"]).read_text())]


@pytest.mark.parametrize("label", COVERED, ids=lambda l: l["path"])
def test_rejected_config_gets_the_error_on_the_offending_place(label):
    path = CORPUS / "olive-recipes" / label["path"]
    text, findings = _family_findings(path)
    code, snippets = _expected(label, text)
    errors = [f for f in findings if f.severity == "error" and f.code == code]
    covered = [_covered(text, f) for f in errors]
    for snippet in snippets if code in ("OLV301", "OLV302") else snippets[:1]:
        assert any(piece.startswith(snippet) for piece in covered), (snippet, covered, label["olive_says"])


def test_the_covered_rejections_are_the_expected_ones():
    # Pass types from newer Olive releases (RyzenGenerateModelLLM, QuarkQuantizationVitisAI), QAIRT parameters from a
    # newer release, two VAIP configs with a list of passes, and the template with placeholder shape values.
    codes = sorted(_expected(l, (CORPUS / "olive-recipes" / l["path"]).read_text())[0] for l in COVERED)
    assert codes.count("OLV301") >= 15 and "OLV302" in codes and "OLV309" in codes and "OLV304" in codes
