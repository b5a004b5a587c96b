"""The one registry of codes: every code the product emits is registered once, with one meaning.

"One meaning" is checked both ways: no two codes share a name or a summary, and no code is emitted by two places
that mean different things (OLV005 used to be "too deep" in the rules and "file too large" in the server).
"""

from __future__ import annotations

import re
from pathlib import Path

from olive_ls.rules.codes import CODES, all_codes, register_code
from olive_ls.rules.registry import load_rules

PACKAGE = Path(__file__).resolve().parents[2] / "server" / "olive_ls"
CODE_LITERAL = re.compile(r"[\"'](OLV\d{3})[\"']")


def _emitted_codes() -> dict[str, list[str]]:
    """Every OLVnnn literal in the package, with where it is written."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for code in CODE_LITERAL.findall(line):
                found.setdefault(code, []).append(f"{path.relative_to(PACKAGE)}:{number}")
    return found


def test_every_code_written_in_the_product_is_registered():
    codes = all_codes()
    unregistered = {code: where for code, where in _emitted_codes().items() if code not in codes}
    assert unregistered == {}


def test_no_two_codes_share_a_name_or_a_meaning():
    codes = all_codes().values()
    names = [c.name for c in codes]
    summaries = [c.summary for c in codes]
    assert len(names) == len(set(names))
    assert len(summaries) == len(set(summaries))


def test_a_code_cannot_be_registered_twice():
    all_codes()
    code = next(iter(CODES))
    try:
        register_code(code, "other-meaning", "error", "check", "Something else.")
    except ValueError as error:
        assert code in str(error)
    else:
        raise AssertionError("a second registration of a code must fail")


def test_rules_and_non_rule_codes_are_one_table():
    # The rules' codes are in the registry with their severity; the others (read problems, size, run results) too.
    codes = all_codes()
    for rule in load_rules().values():
        assert codes[rule.code].severity == rule.severity and codes[rule.code].name == rule.name
    assert {"OLV005", "OLV006", "OLV007", "OLV900", "OLV901"} <= set(codes)
    assert codes["OLV005"].name == "too-deep" and codes["OLV007"].name == "too-large"


def test_a_finding_never_says_more_than_its_code():
    # A rule may lower a finding's severity (a system that is not the target), never raise it above the
    # registered one that docs/rules.md and the severity settings promise.
    import json

    from diagnostic_helpers import TINY, check

    config = json.loads(json.dumps(TINY))
    config["input_model"] = {"type": "ONNXModel", "model_path": "model.onnx"}
    config["passes"] = {"q": {"type": "OnnxDynamicQuantization"}, "ctx": {"type": "EPContextBinaryGenerator"}}
    config["systems"]["local_system"]["accelerators"] = [{"device": "npu", "execution_providers": ["QNNExecutionProvider"]}]
    rank = {"error": 0, "warning": 1, "information": 2, "hint": 3}
    codes = all_codes()
    for finding in check(config):
        assert rank[finding.severity] >= rank[codes[finding.code].severity], finding
