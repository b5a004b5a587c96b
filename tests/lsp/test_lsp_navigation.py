"""Outline, folding, go-to-definition, references and rename over LSP, on a real sample-shaped config."""

from __future__ import annotations

import json

from lsprotocol import types

from lsp_helpers import open_text

CONFIG = {
    "input_model": {"type": "HfModel", "model_path": "HuggingFaceTB/SmolLM2-135M-Instruct"},
    "systems": {"local_system": {"type": "LocalSystem", "accelerators": [{"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}]}},
    "data_configs": [{"name": "calib", "type": "TransformersTokenDummyDataContainer"}],
    "evaluators": {"common": {"metrics": [{"name": "lat", "type": "latency", "sub_types": [{"name": "avg"}], "data_config": "calib"}]}},
    "passes": {
        "builder": {"type": "ModelBuilder", "precision": "int4"},
        "tune": {"type": "OrtSessionParamsTuning", "data_config": "calib"},
    },
    "host": "local_system",
    "target": "local_system",
    "evaluator": "common",
}
TEXT = json.dumps(CONFIG, indent=2)
LINES = TEXT.splitlines()


def _position(needle: str, occurrence: int = 0, offset: int = 1) -> types.Position:
    hits = [(i, line.index(needle)) for i, line in enumerate(LINES) if needle in line]
    line, column = hits[occurrence]
    return types.Position(line=line, character=column + offset)


def _text(r: types.Range) -> str:
    return LINES[r.start.line][r.start.character : r.end.character]


def _doc(uri):
    return types.TextDocumentIdentifier(uri=uri)


async def test_outline_lists_passes_in_run_order_with_their_types(client, tmp_path):
    uri = open_text(client, tmp_path / "c.json", TEXT)
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=_doc(uri)))
    by_name = {s.name: s for s in symbols}
    assert [(c.name, c.detail) for c in by_name["passes"].children] == [("builder", "ModelBuilder"), ("tune", "OrtSessionParamsTuning")]
    assert [(c.name, c.detail) for c in by_name["systems"].children] == [("local_system", "LocalSystem")]
    assert [c.name for c in by_name["data_configs"].children] == ["calib"]
    assert [c.name for c in by_name["evaluators"].children] == ["common"]


async def test_folding_ranges_cover_every_multiline_object(client, tmp_path):
    uri = open_text(client, tmp_path / "c.json", TEXT)
    ranges = await client.text_document_folding_range_async(types.FoldingRangeParams(text_document=_doc(uri)))
    starts = {r.start_line for r in ranges}
    assert _position('"passes"').line in starts
    assert _position('"builder"').line in starts


async def test_definition_of_host_is_the_system_entry(client, tmp_path):
    uri = open_text(client, tmp_path / "c.json", TEXT)
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=_doc(uri), position=_position('"local_system"', occurrence=2, offset=3))
    )
    assert len(result) == 1 and _text(result[0].range) == '"local_system"'
    assert result[0].range.start.line == _position('"local_system"', occurrence=0).line


async def test_references_of_a_data_config_include_pass_and_metric(client, tmp_path):
    uri = open_text(client, tmp_path / "c.json", TEXT)
    result = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=_doc(uri), position=_position('"name": "calib"', offset=10), context=types.ReferenceContext(include_declaration=True)
        )
    )
    assert sorted(r.range.start.line for r in result) == sorted(i for i, line in enumerate(LINES) if '"calib"' in line)


async def test_rename_a_system_renames_every_reference(client, tmp_path):
    uri = open_text(client, tmp_path / "c.json", TEXT)
    position = _position('"local_system": {', offset=2)
    prepared = await client.text_document_prepare_rename_async(types.PrepareRenameParams(text_document=_doc(uri), position=position))
    assert prepared is not None and _text(prepared) == "local_system"
    edit = await client.text_document_rename_async(types.RenameParams(text_document=_doc(uri), position=position, new_name="cpu_box"))
    edits = edit.changes[uri]
    assert len(edits) == 3 and all(e.new_text == "cpu_box" and _text(e.range) == "local_system" for e in edits)


async def test_document_links_point_at_local_files(client, tmp_path):
    (tmp_path / "user_script.py").write_text("def load(): pass\n")
    config = {**CONFIG, "data_configs": [{"name": "calib", "type": "TransformersTokenDummyDataContainer", "user_script": "user_script.py"}]}
    text = json.dumps(config, indent=2)
    uri = open_text(client, tmp_path / "config.json", text)
    links = await client.text_document_document_link_async(types.DocumentLinkParams(text_document=_doc(uri)))
    assert [link.target for link in links] == [(tmp_path / "user_script.py").resolve().as_uri()]
    line = text.splitlines()[links[0].range.start.line]
    assert line[links[0].range.start.character : links[0].range.end.character] == '"user_script.py"'
