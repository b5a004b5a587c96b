"""Nothing outside the model (and the catalog loader and generator beneath it) reads the catalog's raw data.

Every rule and feature asks `olive_model(catalog)`; a raw `catalog.data[...]` elsewhere would be a second picture
of Olive that can disagree with the first (issue: completion offering values the rules then flag).
"""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "server" / "olive_ls"
ALLOWED = ("model", "catalog")
# The raw catalog: its JSON (`.data`), its schema, and the dict-returning accessors of the loaded file.
RAW_READ = re.compile(r"\bcatalog\.(?:data|schema|pass_info|pass_names|canonical_pass_name)\b|\btables\.data\b|\bdata\[\"passes\"\]")
# A cache keyed by a catalog's file outside the model: `str(catalog.path)` or `id(catalog)` as a dict key.
CATALOG_KEYED_CACHE = re.compile(r"getattr\(catalog, \"path\"|str\(\w*\.?catalog\.path\)|id\(catalog\)")


def _offenders(pattern: re.Pattern) -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] in ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    return found


def test_no_raw_catalog_reads_outside_the_model():
    assert _offenders(RAW_READ) == []


def test_no_cache_keyed_by_catalog_outside_the_model():
    assert _offenders(CATALOG_KEYED_CACHE) == []


def test_the_check_catches_a_raw_read(tmp_path):
    # The pattern itself must match the reads it forbids (a check that matches nothing cannot fail).
    assert RAW_READ.search('info = ctx.catalog.data["passes"]["ModelBuilder"]')
    assert RAW_READ.search("spec = self.catalog.pass_info(name)")
    assert not RAW_READ.search("spec = ctx.model.pass_spec(name)")
