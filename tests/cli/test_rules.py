"""`olive-ls rules` and docs/rules.md: every code listed once, the shipped doc is the command's output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from olive_ls.cli.rules import markdown, rule_rows
from olive_ls.rules.registry import load_rules

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_every_rule_is_listed_once():
    codes = [row[0] for row in rule_rows()]
    assert len(codes) == len(set(codes))
    assert set(load_rules()) <= set(codes)
    assert {"OLV006", "OLV101", "OLV900", "OLV901"} <= set(codes)


def test_shipped_doc_is_current():
    assert DOC.read_text() == markdown(), "regenerate: olive-ls rules --format markdown > docs/rules.md"


def test_text_listing_from_the_command_line():
    out = subprocess.run([sys.executable, "-m", "olive_ls", "rules"], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[0].startswith("OLV001")
    listed = {line.split()[0] for line in out.splitlines()}
    assert listed == {row[0] for row in rule_rows()}
