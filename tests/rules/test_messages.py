"""Messages people can scan: every finding's headline is one line of at most 120 characters; the why and the fix
are in its detail. Checked on every finding olive-ls gives over the corpus and the samples."""

from __future__ import annotations

from pathlib import Path

import pytest

from olive_ls.catalog import load_catalog
from olive_ls.document.parse import language_for, parse_document
from olive_ls.rules.engine import HEADLINE_LIMIT, DiagnosticSettings, analyse, split_headline
from olive_ls.rules.registry import Finding
from olive_ls.document.ranges import origin_range

REPO = Path(__file__).resolve().parents[2]
CORPUS_DIR = REPO.parent / "shared" / "corpus" / "olive-recipes"
CONFIGS = sorted((REPO.parent / "shared" / "corpus" / "olive-recipes").rglob("*.json")) + sorted(
    p for p in (REPO / "samples").rglob("*") if p.suffix in (".json", ".yaml", ".yml")
)


@pytest.mark.skipif(not CORPUS_DIR.is_dir(), reason=f"corpus not found at {CORPUS_DIR}")
def test_every_headline_is_one_short_line():
    catalog = load_catalog("0.13.0")
    long_ones = []
    seen = 0
    for path in CONFIGS:
        doc = parse_document(path.read_text(encoding="utf-8"), language_for(str(path)))
        for finding in analyse(doc, catalog, file_path=path, settings=DiagnosticSettings(environment_checks=False)):
            seen += 1
            if len(finding.message) > HEADLINE_LIMIT or "\n" in finding.message:
                long_ones.append((path.name, finding.code, finding.message))
    assert seen > 100
    assert long_ones == []


def test_a_long_message_is_cut_at_a_sentence_and_keeps_every_word():
    text = (
        "'Qwen/Qwen2.5-0.5B-Instruct' is not a local folder, so Olive loads it from the Hugging Face hub: `olive run` "
        "needs network access to huggingface.co. Olive 0.13.0 calls huggingface_hub.repo_info on a hub id."
    )
    finding = Finding(text, origin_range())
    split_headline(finding)
    assert finding.message == "'Qwen/Qwen2.5-0.5B-Instruct' is not a local folder, so Olive loads it from the Hugging Face hub"
    assert finding.detail.startswith("`olive run` needs network access")
    assert finding.text.replace(": ", " ", 1).split() == text.replace(": ", " ", 1).split()


def test_a_short_message_is_left_alone():
    finding = Finding("'int3' is not valid for 'precision' of ModelBuilder", origin_range())
    split_headline(finding)
    assert finding.detail is None and finding.message == "'int3' is not valid for 'precision' of ModelBuilder"


def test_run_time_findings_for_another_olive_are_warnings_that_say_where_they_were_read():
    import json

    from diagnostic_helpers import TINY

    config = json.loads(json.dumps(TINY))
    config["passes"] = {}  # OLV520: no passes, nothing to evaluate: KeyError and exit 0, read from 0.13.0's engine
    config.pop("evaluator", None)
    doc = parse_document(json.dumps(config), "json")
    as_audited = [f for f in analyse(doc, load_catalog("0.13.0"), settings=DiagnosticSettings(environment_checks=False)) if f.code == "OLV520"]
    assert [f.severity for f in as_audited] == ["error"]
    as_other = [f for f in analyse(doc, load_catalog("main"), settings=DiagnosticSettings(environment_checks=False)) if f.code == "OLV520"]
    assert [f.severity for f in as_other] == ["warning"]
    assert "Read from Olive 0.13.0's code; this config is checked as Olive main" in as_other[0].detail
