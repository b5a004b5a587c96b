"""The schema rule's fast path (jsonschema-rs, on the schema with the pass entries' definitions taken out, as the
rule compiles it) must say "valid" exactly when jsonschema on the whole schema finds no error.

Only a config the compiled validator calls invalid is walked again by jsonschema for the messages; if the two
ever disagreed, a real error would go unreported. Checked on every corpus config, every sample, and one-key
mutations of them (a value of another type, an unknown key), the shapes a user's slip produces.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from olive_ls.catalog import load_catalog
from olive_ls.model.olive import olive_model
from olive_ls.rules.schema import _without_pass_entries

jsonschema_rs = pytest.importorskip("jsonschema_rs")

REPO = Path(__file__).resolve().parents[2]
CORPUS_DIR = REPO.parent / "shared" / "corpus" / "olive-recipes"
CONFIGS = sorted((REPO.parent / "shared" / "corpus" / "olive-recipes").rglob("*.json")) + sorted((REPO / "samples").rglob("*.json"))


def _instances():
    for path in CONFIGS:
        try:
            config = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(config, dict):
            continue
        config = {**config, "passes": {}}
        yield path.name, config
        for key in list(config)[:6]:
            for replacement in (12345, "not-a-value", [], None):
                mutated = copy.deepcopy(config)
                mutated[key] = replacement
                yield f"{path.name}:{key}={replacement!r}", mutated
        mutated = copy.deepcopy(config)
        mutated["unknown_top_level_key_x"] = 1
        yield f"{path.name}:+unknown", mutated
        for replacement in ([], "passes", 3, None):  # the compiled schema's `passes` is reduced: not an object still fails
            yield f"{path.name}:passes={replacement!r}", {**config, "passes": replacement}


@pytest.mark.skipif(not CORPUS_DIR.is_dir(), reason=f"corpus not found at {CORPUS_DIR}")
def test_compiled_and_pure_validators_agree():
    schema = olive_model(load_catalog("0.13.0")).run_config_schema
    fast = jsonschema_rs.Draft202012Validator(_without_pass_entries(schema))  # what SchemaChecker compiles
    slow = Draft202012Validator(schema)
    disagreements = []
    checked = 0
    for name, instance in _instances():
        checked += 1
        if fast.is_valid(instance) != (next(slow.iter_errors(instance), None) is None):
            disagreements.append(name)
    assert checked > 1000
    assert disagreements == []
