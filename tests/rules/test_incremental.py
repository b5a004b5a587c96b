"""Entry-scoped rules keep what they found in unchanged pass entries across versions (rules/incremental.py): every
analysis of an edited document must equal a fresh analysis of the same text.

Each corpus config and sample goes through a chain of edits, one document analysed version after version as the
server does: a parameter's value changed (another value, another type, a string for a boolean), a key added or
removed, a pass's type changed or the pass renamed, lines inserted before an entry (everything after it moves), an
edit outside `passes` (the target, the input model). After each, the findings (place, code, severity, words, fix)
are compared with those of a service that has never seen the document. The kept document's versions are parsed
as the server's analysis thread parses them, each carried over from the last where it can be (document/reparse.py).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from olive_ls.rules.registry import load_rules
from olive_ls.service import OliveLanguageService

REPO = Path(__file__).resolve().parents[2]
CORPUS_DIR = REPO.parent / "shared" / "corpus" / "olive-recipes"
CONFIGS = sorted(CORPUS_DIR.rglob("*.json")) + sorted((REPO / "samples").rglob("*.json"))
VALUES = ("int8", "false", 7, True, None, [1, "a"], {"k": 1}, "SEARCHABLE_VALUES", "DEFAULT_VALUE")


def _passes(config: dict) -> dict:
    passes = config.get("passes")
    return passes if isinstance(passes, dict) else {}


def _entry(value):
    """The object of a pass entry (the first alternative of a list)."""
    if isinstance(value, list):
        return next((item for item in value if isinstance(item, dict)), None)
    return value if isinstance(value, dict) else None


def _edits(config: dict):
    """(what, config) pairs, each edit applied on top of the previous ones."""
    config = copy.deepcopy(config)
    names = list(_passes(config))
    for step, name in enumerate(names[:6]):
        entry = _entry(_passes(config)[name])
        if entry is None:
            continue
        keys = [key for key in entry if key != "type"]
        for value in VALUES[step % 3 :: 3]:
            for key in keys[:3]:
                entry[key] = value
                yield f"{name}.{key}={value!r}", copy.deepcopy(config)
        entry["extra_options"] = {"int4_is_symmetric": "false", "exclude_lm_head": True, "include_hidden_states": True}
        yield f"{name}+extra_options", copy.deepcopy(config)
        entry["precision"] = ["int4", "fp16", "int8", "fp32"][step % 4]
        yield f"{name}.precision", copy.deepcopy(config)
        if keys:
            del entry[keys[0]]
            yield f"{name}-{keys[0]}", copy.deepcopy(config)
    if names:
        first = _entry(_passes(config)[names[0]])
        if first is not None:
            first["type"] = "OnnxConversion" if first.get("type") != "OnnxConversion" else "ModelBuilder"
            yield f"{names[0]}.type", copy.deepcopy(config)
        passes = config["passes"]
        config["passes"] = {("renamed_" + key if key == names[-1] else key): value for key, value in passes.items()}
        yield "renamed", copy.deepcopy(config)
        config["passes"] = {"inserted": {"type": "ModelBuilder", "precision": "int4"}, **config["passes"]}
        yield "inserted first", copy.deepcopy(config)
    config["target"] = "no_such_system"
    yield "target", copy.deepcopy(config)
    if isinstance(config.get("input_model"), dict):
        config["input_model"] = {**config["input_model"], "type": "ONNXModel"}
        yield "input_model.type", copy.deepcopy(config)


def _facts(findings) -> list[tuple]:
    return [
        (f.range.start.line, f.range.start.character, f.range.end.line, f.range.end.character, f.code, f.severity, f.message, f.detail, repr(f.fix))
        for f in findings
    ]


def _texts(config: dict):
    yield "as written", json.dumps(config, indent=4)
    for what, edited in _edits(config):
        text = json.dumps(edited, indent=4)
        yield what, text
        names = list(_passes(edited))
        if len(names) > 1:  # lines inserted inside the second entry: what follows it moves down, what precedes stays
            yield what + " +lines", text.replace(f'"{names[1]}": {{', f'"{names[1]}": {{\n\n   ', 1)


def test_some_rules_are_entry_scoped():
    assert sum(rule.scope == "entry" for rule in load_rules().values()) >= 20


@pytest.mark.skipif(not CORPUS_DIR.is_dir(), reason=f"corpus not found at {CORPUS_DIR}")
def test_every_version_is_analysed_as_a_fresh_document(tmp_path):
    disagreements = []
    versions = 0
    for path in CONFIGS:
        try:
            config = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if not isinstance(config, dict) or not _passes(config):
            continue
        uri = (tmp_path / path.name).as_uri()
        kept, fresh = OliveLanguageService(), OliveLanguageService()
        for what, text in _texts(config):
            versions += 1
            expected = _facts(fresh.diagnostics(uri, fresh.parse(uri, text, versions)))
            got = _facts(kept.diagnostics(uri, kept.parse(uri, text, versions, consume_previous=True), incremental=True))
            if got != expected:
                missing = [f for f in expected if f not in got]
                extra = [f for f in got if f not in expected]
                disagreements.append((path.name, what, missing[:2], extra[:2]))
            kept.release_superseded()
            fresh.release_superseded()
    assert versions > 2000
    assert disagreements[:3] == []
