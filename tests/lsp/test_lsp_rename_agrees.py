"""Rename through the real server changes every place the reference rules check: after applying its edits the
server reports no OLV50x, and find-references lists the same places (inline evaluator metrics included)."""

from __future__ import annotations

import json

from lsp_helpers import diagnostics, open_text
from lsprotocol import types

METRIC = {"name": "lat", "type": "latency", "sub_types": [{"name": "avg"}]}
CONFIG = {
    "input_model": {"type": "HfModel", "model_path": "HuggingFaceTB/SmolLM2-135M-Instruct"},
    "systems": {"local_system": {"type": "LocalSystem", "accelerators": [{"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}]}},
    "data_configs": [{"name": "calib", "type": "TransformersTokenDummyDataContainer"}],
    "evaluators": {"common": {"metrics": [{**METRIC, "data_config": "calib"}]}},
    "passes": {
        "builder": {"type": "ModelBuilder", "precision": "int4"},
        "tune": {"type": "OrtSessionParamsTuning", "data_config": "calib", "evaluator": {"metrics": [{**METRIC, "data_config": "calib"}]}},
    },
    "engine": {"evaluator": {"metrics": [{**METRIC, "data_config": "calib"}]}},
    "host": "local_system",
    "target": "local_system",
}
TEXT = json.dumps(CONFIG, indent=2)
LINES = TEXT.splitlines()


def _doc(uri):
    return types.TextDocumentIdentifier(uri=uri)


def _definition_position() -> types.Position:
    line = next(i for i, text in enumerate(LINES) if '"name": "calib"' in text)
    return types.Position(line=line, character=LINES[line].index('"calib"') + 2)


def _apply(text: str, edits: list[types.TextEdit]) -> str:
    lines = text.splitlines()
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        assert edit.range.start.line == edit.range.end.line
        line = lines[edit.range.start.line]
        lines[edit.range.start.line] = line[: edit.range.start.character] + edit.new_text + line[edit.range.end.character :]
    return "\n".join(lines)


def _olv50x(found) -> list[str]:
    return [str(d.code) for d in found if str(d.code).startswith("OLV50")]


async def test_renaming_a_data_config_leaves_no_unresolved_reference(client, tmp_path):
    uri = open_text(client, tmp_path / "c.json", TEXT)
    assert _olv50x(await diagnostics(client, uri)) == []
    position = _definition_position()
    prepared = await client.text_document_prepare_rename_async(types.PrepareRenameParams(text_document=_doc(uri), position=position))
    assert prepared is not None
    edit = await client.text_document_rename_async(types.RenameParams(text_document=_doc(uri), position=position, new_name="calibration"))
    edits = edit.changes[uri]
    # the definition, the pass parameter and the metrics of the evaluators section, the engine's and the pass's
    assert len(edits) == 5 and all(e.new_text == "calibration" for e in edits)
    renamed = _apply(TEXT, edits)
    after = json.loads(renamed)
    assert after["engine"]["evaluator"]["metrics"][0]["data_config"] == "calibration"
    assert after["passes"]["tune"]["evaluator"]["metrics"][0]["data_config"] == "calibration"
    renamed_uri = open_text(client, tmp_path / "renamed.json", renamed)
    assert _olv50x(await diagnostics(client, renamed_uri)) == []


async def test_references_are_the_places_the_rule_checks(client, tmp_path):
    uri = open_text(client, tmp_path / "c.json", TEXT)
    position = _definition_position()
    found = await client.text_document_references_async(
        types.ReferenceParams(text_document=_doc(uri), position=position, context=types.ReferenceContext(include_declaration=False))
    )
    # Break the name: the definition alone renamed; OLV503 fires exactly where references pointed.
    line = position.line
    broken = TEXT.splitlines()
    broken[line] = broken[line].replace('"calib"', '"gone"')
    broken_uri = open_text(client, tmp_path / "broken.json", "\n".join(broken))
    fired = [d for d in await diagnostics(client, broken_uri) if d.code == "OLV503"]
    assert len(found) == 4
    assert sorted((d.range.start.line, d.range.start.character) for d in fired) == sorted(
        (r.range.start.line, r.range.start.character) for r in found
    )
