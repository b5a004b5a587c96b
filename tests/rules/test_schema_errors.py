"""The schema rule's errors (jsonschema-rs, on the schema with the pass entries' definitions taken out, as the rule
compiles it) must be python-jsonschema's on the whole schema: the same configs found valid, and for an invalid one
the same leaves chosen (`best_match` and the closest anyOf/oneOf branch) at the same places.

The rule once walked every invalid config again with python-jsonschema for its error objects (~45 ms of import
and ~5 ms a config); it now reads jsonschema-rs' own. Checked on every corpus config, every sample, and one-key
mutations of them at the top level and one level down (a value of another type, an unknown key), the shapes a
user's slip produces.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from olive_ls.catalog import load_catalog
from olive_ls.model.olive import olive_model
from olive_ls.rules.schema import _LAX_SCALARS, SchemaChecker, _leaf

REPO = Path(__file__).resolve().parents[2]
CORPUS_DIR = REPO.parent / "shared" / "corpus" / "olive-recipes"
CONFIGS = sorted(CORPUS_DIR.rglob("*.json")) + sorted((REPO / "samples").rglob("*.json"))
REPLACEMENTS = (12345, "not-a-value", [], None, {"unknown_key_x": 1})


def _mutations(config: dict):
    for key in list(config)[:8]:
        for replacement in REPLACEMENTS:
            yield f"{key}={replacement!r}", {**config, key: replacement}
        value = config[key]
        if isinstance(value, dict):
            for name, inner in list(value.items())[:4]:
                for sub_key in list(inner)[:5] if isinstance(inner, dict) else []:
                    for replacement in REPLACEMENTS:
                        mutated = copy.deepcopy(config)
                        mutated[key][name][sub_key] = replacement
                        yield f"{key}.{name}.{sub_key}={replacement!r}", mutated
                for replacement in REPLACEMENTS[:3]:
                    mutated = copy.deepcopy(config)
                    mutated[key][name] = replacement
                    yield f"{key}.{name}={replacement!r}", mutated
    yield "+unknown", {**config, "unknown_top_level_key_x": 1}
    for replacement in ([], "passes", 3, None, {"p": 3}, {"p": [{"type": "X"}, 4]}):
        yield f"passes={replacement!r}", {**config, "passes": replacement}


def _instances():
    for path in CONFIGS:
        try:
            config = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(config, dict):
            continue
        yield path.name, config
        for name, mutated in _mutations(config):
            yield f"{path.name}:{name}", mutated


def _python_jsonschema_leaves(schema: dict, instance) -> set[tuple]:
    """What the rule reported from python-jsonschema's errors (its code before jsonschema-rs' errors were read)."""
    definitions = schema["$defs"]
    root, entry = Draft202012Validator(schema), Draft202012Validator({"type": "object"})
    passes = instance.get("passes")
    found = []
    if not isinstance(passes, dict):
        found = [((), error) for error in root.iter_errors(instance)]
    else:
        found = [((), error) for error in root.iter_errors({**instance, "passes": {}})]
        for name, value in passes.items():
            items = [((name,), value)] if not isinstance(value, list) else [((name, i), item) for i, item in enumerate(value)]
            for path, item in items:
                found.extend((("passes", *path), error) for error in entry.iter_errors(item))
    leaves = set()
    for prefix, error in found:
        if error.validator == "anyOf" and any(definitions.get(name) == error.schema for name in _LAX_SCALARS):
            leaves.add(("anyOf", prefix + tuple(error.absolute_path), repr(error.instance)))
            continue
        while error.validator in ("oneOf", "anyOf") and error.context:
            branches: dict[object, list] = {}
            for sub in error.context:
                branches.setdefault(sub.relative_schema_path[0] if sub.relative_schema_path else 0, []).append(sub)

            def distance(errors):
                return (any(e.validator == "type" and not e.relative_path for e in errors), -max(len(e.relative_path) for e in errors), len(errors))

            error = best_match(min(branches.values(), key=distance))
        if error.validator == "required":  # one error for all the keys, where jsonschema-rs gives one a key
            leaves.update(("required", prefix + tuple(error.absolute_path), key) for key in error.validator_value if key not in error.instance)
        else:
            leaves.add((error.validator, prefix + tuple(error.absolute_path), repr(error.instance)))
    return leaves


def _rule_leaves(checker: SchemaChecker, definitions: dict, instance) -> set[tuple]:
    leaves = set()
    for error in checker.errors(instance):
        if error.keyword == "anyOf" and any(definitions.get(name) == error.schema for name in _LAX_SCALARS):
            leaves.add(("anyOf", error.path, repr(error.instance)))
            continue
        error = _leaf(error)
        detail = error.details["property"] if error.keyword == "required" else repr(error.instance)
        leaves.add((error.keyword, error.path, detail))
    return leaves


@pytest.mark.skipif(not CORPUS_DIR.is_dir(), reason=f"corpus not found at {CORPUS_DIR}")
def test_jsonschema_rs_errors_lead_to_python_jsonschemas_leaves():
    model = olive_model(load_catalog("0.13.0"))
    schema = model.run_config_schema
    checker = SchemaChecker(model)
    disagreements = []
    checked = invalid = 0
    for name, instance in _instances():
        checked += 1
        expected = _python_jsonschema_leaves(schema, instance)
        invalid += bool(expected)
        got = _rule_leaves(checker, schema["$defs"], instance)
        if got != expected:
            disagreements.append((name, sorted(expected - got, key=repr), sorted(got - expected, key=repr)))
    assert checked > 10000 and invalid > 5000
    assert disagreements[:5] == []
