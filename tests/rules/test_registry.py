"""The rule registry: stable, unique codes, each rule documented and exercised by a test of its own."""

from __future__ import annotations

import re
from pathlib import Path

from olive_ls.rules.registry import ALL_RULE_MODULES, load_rules

TESTS = Path(__file__).resolve().parents[1]


def test_codes_are_stable_and_names_unique():
    rules = load_rules()
    assert all(re.fullmatch(r"OLV\d{3}", code) for code in rules)
    names = [rule.name for rule in rules.values()]
    assert len(names) == len(set(names))
    assert all(rule.summary.endswith(".") for rule in rules.values())


def test_every_rule_module_registers_rules():
    families = {rule.family for rule in load_rules().values()}
    assert families == {module.rsplit(".", 1)[-1] for module in ALL_RULE_MODULES}


def test_every_rule_code_is_asserted_in_some_test():
    own = Path(__file__).resolve()
    text = "".join(path.read_text() for path in TESTS.rglob("test_*.py") if path.resolve() != own)
    untested = [code for code in load_rules() if f'"{code}"' not in text]
    assert untested == []


def test_rule_order_does_not_depend_on_what_was_imported_first():
    """The engine runs rules (and completion's probe names the first error) in ALL_RULE_MODULES order: a module
    imported earlier by something else (a test, a feature) must not move its rules to the front."""
    import subprocess
    import sys

    script = "import {first}\nfrom olive_ls.rules.registry import load_rules\nprint(' '.join(load_rules()))"
    plain = subprocess.run([sys.executable, "-c", script.format(first="olive_ls")], capture_output=True, text=True, check=True).stdout
    early = subprocess.run([sys.executable, "-c", script.format(first="olive_ls.rules.references")], capture_output=True, text=True, check=True).stdout
    assert plain.split() and plain == early
    assert plain.split().index("OLV305") < plain.split().index("OLV508")
