"""How many errors one slip causes: delete each bracket, comma, colon or quote of a sample config in turn and
count the error diagnostics olive-ls reports beyond those of the intact config. Prints a histogram.

    .venv/bin/python benchmarks/half_typed_noise.py [CONFIG...]
"""

from __future__ import annotations

import collections
import sys
from pathlib import Path

from olive_ls.catalog import load_catalog
from olive_ls.document.parse import language_for, parse_document
from olive_ls.rules.engine import DiagnosticSettings, analyse

REPO = Path(__file__).resolve().parents[1]
DEFAULT = [REPO / "samples" / "smollm2-135m-instruct-int4-cpu.json", REPO / "samples" / "qwen2.5-0.5b-instruct-lora-finetune.json"]
SLIPS = '{}[],:"'


def errors(text: str, language: str) -> int:
    findings = analyse(parse_document(text, language), load_catalog(), settings=DiagnosticSettings(environment_checks=False))
    return sum(1 for f in findings if f.severity == "error")


def main(paths: list[Path]) -> None:
    extra = collections.Counter()
    for path in paths:
        text = path.read_text()
        language = language_for(str(path))
        base = errors(text, language)
        for at, char in enumerate(text):
            if char in SLIPS:
                extra[errors(text[:at] + text[at + 1 :], language) - base] += 1
    total = sum(extra.values())
    print(f"{total} one-character slips in {len(paths)} config(s); extra errors per slip:")
    for count in sorted(extra):
        print(f"  {count:3d}: {extra[count]:4d} {'#' * max(1, extra[count] * 60 // total)}")
    worst = max(extra)
    within3 = sum(n for c, n in extra.items() if c <= 3)
    print(f"at most {worst} extra errors; {100 * within3 / total:.0f}% of slips give 3 or fewer")


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]] or DEFAULT)
