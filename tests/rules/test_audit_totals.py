"""The audit's totals (docs/olive-runtime-checks.md and the README) are the counts of its own tables."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
AUDIT = REPO / "docs" / "olive-runtime-checks.md"
ROW = re.compile(r"^\| *([PDEGSML]\d{3}) *\|")


def _rows() -> dict[int, list[list[str]]]:
    """Each decision's row (its first table row: later tables repeat IDs), by part."""
    rows: dict[int, list[list[str]]] = {1: [], 2: []}
    seen: set[str] = set()
    part = 0
    for line in AUDIT.read_text(encoding="utf-8").splitlines():
        if line.startswith("# Part 1"):
            part = 1
        elif line.startswith("# Part 2"):
            part = 2
        match = ROW.match(line)
        if part and match and match.group(1) not in seen:
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if len(cells) >= 6:
                seen.add(match.group(1))
                rows[part].append(cells)
    return rows


def _counts(rows: list[list[str]]) -> dict[str, int]:
    checked = sum("OLV" in row[5] for row in rows)
    proposed = sum("proposed" in row[5].lower() and "OLV" not in row[5] for row in rows)
    return {
        "found": len(rows),
        "fully": sum(row[4].lower().startswith("yes") for row in rows),
        "partly": sum(row[4].lower().startswith("partly") for row in rows),
        "checked": checked,
        "proposed": proposed,
        "neither": len(rows) - checked - proposed,
    }


def test_the_totals_table_counts_the_rows():
    rows = _rows()
    one, two = _counts(rows[1]), _counts(rows[2])
    every = {key: one[key] + two[key] for key in one}
    text = AUDIT.read_text(encoding="utf-8")
    assert f"| Decisions found | {one['found']} | {two['found']} | {every['found']} |" in text
    assert f"| Known before a run: fully / partly | {one['fully']} / {one['partly']} | {two['fully']} / {two['partly']} | {every['fully']} / {every['partly']} |" in text
    assert f"| Checked by an olive-ls code | {one['checked']} | {two['checked']} | {every['checked']} |" in text
    assert f"| Knowable, not yet checked (proposed) | {one['proposed']} | {two['proposed']} | {every['proposed']} |" in text
    assert f"| {one['neither']} | {two['neither']} | {every['neither']} |" in text
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"{every['found']} decisions, {every['fully'] + every['partly']} knowable before a run" in readme
    assert f"{every['checked']} checked by an olive-ls code, {every['proposed']} knowable but not yet checked" in readme


def test_every_code_the_audit_names_exists():
    from olive_ls.rules.codes import all_codes

    named = set(re.findall(r"OLV\d{3}", AUDIT.read_text(encoding="utf-8")))
    assert named - set(all_codes()) == set()
