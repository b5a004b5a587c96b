"""OLV304's fast path: a pass value jsonschema-rs accepts (strict JSON Schema) is one the lax validator (pydantic's
coercions: "1" for an integer, "true" for a boolean, any case for a case-insensitive enum) accepts too, so OLV304 may
skip the pure-Python walk for it. Checked on every pass parameter value of the corpus and the samples, each
parameter's default, its enum values, and slips of each (another type, another case, a number as a string)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from olive_ls.catalog import load_catalog
from olive_ls.model.olive import olive_model
from olive_ls.rules.passes import lax_verdict, lookups

pytest.importorskip("jsonschema_rs")

REPO = Path(__file__).resolve().parents[2]
CONFIGS = sorted((REPO.parent / "shared" / "corpus" / "olive-recipes").rglob("*.json")) + sorted((REPO / "samples").rglob("*.json"))


def _slips(value):
    yield value
    for other in (12345, 1.5, "not-a-value", True, None, [], {}, [1, "a"]):
        yield other
    if isinstance(value, str):
        yield value.upper()
        yield value.lower()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        yield str(value)
        yield float(value)


def _values(model):
    for path in CONFIGS:
        try:
            config = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        passes = config.get("passes") if isinstance(config, dict) else None
        for entry in (passes or {}).values() if isinstance(passes, dict) else ():
            for item in entry if isinstance(entry, list) else [entry]:
                if not isinstance(item, dict):
                    continue
                canonical = model.canonical_pass_name(item.get("type"))
                params = {**item, **(item.get("config") or {})} if isinstance(item.get("config"), dict) else item
                for key, value in params.items():
                    if canonical and key in model.passes[canonical].parameters:
                        yield canonical, key, value
    for name, spec in model.passes.items():
        for key, param in spec.parameters.items():
            yield name, key, param.default
            enum = param.raw.get("type", {}).get("enum") if isinstance(param.raw.get("type"), dict) else None
            for allowed in enum or ():
                yield name, key, allowed


def test_what_jsonschema_rs_accepts_the_lax_validator_accepts():
    model = olive_model(load_catalog("0.13.0"))
    lk = lookups(model)
    checked, disagreements = 0, []
    for canonical, key, written in _values(model):
        strict = lk.strict(model, canonical, key)
        lax = lk.validator(model, canonical, key)
        if strict is None or lax is None:
            continue
        for value in _slips(written):
            checked += 1
            if strict.is_valid(value) and next(lax.iter_errors(value), None) is not None:
                disagreements.append((canonical, key, value))
    assert checked > 10000
    assert disagreements == []


def test_lax_verdict_is_the_lax_validators():
    """`lax_verdict` (pydantic's coercions without jsonschema) says valid or invalid exactly when the lax validator
    does, wherever it gives a verdict, and gives one for most parameters."""
    model = olive_model(load_catalog("0.13.0"))
    lk = lookups(model)
    checked, unknown, disagreements = 0, 0, []
    for canonical, key, written in _values(model):
        lax = lk.validator(model, canonical, key)
        if lax is None:
            continue
        schema = model.passes[canonical].parameters[key].raw.get("type")
        for value in [*_slips(written), "true", "No", "4", "4.0", " 7 ", "1_000", [written], {"k": written}]:
            verdict = lax_verdict(schema, value, lk.precisions)
            if verdict is None:
                unknown += 1
                continue
            checked += 1
            if verdict != (next(lax.iter_errors(value), None) is None):
                disagreements.append((canonical, key, value, verdict))
    assert checked > 10 * unknown
    assert disagreements == []


def test_the_error_olv304_reports_is_the_lax_validators_best_match():
    """Where `lax_verdict` says invalid, OLV304 reads jsonschema-rs' errors less those the coercions excuse, without
    importing jsonschema: the error it picks is the one python-jsonschema's best_match picks from the lax validator's
    errors (keyword, place, value and schema)."""
    from jsonschema.exceptions import best_match

    model = olive_model(load_catalog("0.13.0"))
    lk = lookups(model)
    checked, disagreements = 0, []
    for canonical, key, written in _values(model):
        lax = lk.validator(model, canonical, key)
        if lax is None or lk.strict(model, canonical, key) is None:
            continue
        schema = model.passes[canonical].parameters[key].raw.get("type")
        for value in [*_slips(written), "true", "No", "4", "4.0", [written], {"k": written}, ["true", 3, "x"]]:
            if lax_verdict(schema, value, lk.precisions) is not False:
                continue
            checked += 1
            expected = best_match(lax.iter_errors(value))
            got = lk.best_error(model, canonical, key, value)
            if (expected.validator, tuple(expected.absolute_path), expected.instance, expected.schema) != (got.keyword, got.path, got.instance, got.schema):
                disagreements.append((canonical, key, value, expected.validator, got.keyword))
    assert checked > 10000
    assert disagreements == []
