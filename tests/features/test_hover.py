"""Hover at marked cursors against the real catalog, and completion and hover on cut-up real configs.

The second half takes the sample configs, cuts them at random offsets (as half-typed documents are) and asks
for completion and hover at random positions: no exception, and every answer well-formed (edit ranges inside
the document and on one line, snippets that parse, hover ranges around the position).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types

from marked import CATALOG, REPO, SAMPLES, expand_snippet, hover_at, utf16_column
from olive_ls.document.parse import parse_document
from olive_ls.features.completion import complete
from olive_ls.features.hover import hover

DATA = CATALOG.data
CONFIG = (
    '{"systems": {"local": {"type": "LocalSystem", "accelerators": [{"device": "gpu", "execution_providers": ["CUDAExecutionProvider"]}]}},'
    ' "evaluators": {"ev": {"metrics": [{"name": "lat", "type": "latency", "sub_types": [{"name": "avg"}, {"name": "p90"}]}]}},'
    ' "data_configs": [{"name": "wiki", "type": "HuggingfaceContainer", "load_dataset_config": {"data_name": "wikitext", "params": {"split": "train"}}}],'
    ' "passes": {"mb": {"type": "ModelBuilder", "precision": "int4", "int4_block_size": 32}, "q": {"type": "OnnxStaticQuantization", "data_config": "wiki"}},'
    ' "host": "local", "target": "local", "evaluator": "ev"}'
)


def hover_in_config(needle: str, config: str = CONFIG, language: str = "json") -> types.Hover | None:
    """Hover with the cursor where `‸` sits in `needle`, a marked copy of a unique part of `config`."""
    plain = needle.replace("‸", "")
    assert config.count(plain) == 1, plain
    at = config.index(plain)
    return hover_at(config[:at] + needle + config[at + len(plain) :], language)


def text_of(result: types.Hover | None) -> str:
    assert result is not None
    assert isinstance(result.contents, types.MarkupContent) and result.contents.kind == types.MarkupKind.Markdown
    return result.contents.value


def test_pass_type_value_shows_its_summary_doc_and_support_table():
    result = hover_in_config('"Model‸Builder"')
    text = text_of(result)
    info = DATA["passes"]["ModelBuilder"]
    assert text.startswith(f"**ModelBuilder** — {info['summary']}")
    assert "| Precisions | int4, int8, fp16, fp32 |" in text
    assert "onnxruntime-genai" in text
    # The value's own doc comes first, then the key's.
    assert "**type**" in text.split("---")[-1]
    start = CONFIG.index('"ModelBuilder"')
    assert result.range == types.Range(start=types.Position(0, start), end=types.Position(0, start + len('"ModelBuilder"')))


def test_unknown_pass_type_says_so():
    text = text_of(hover_at('{"passes": {"mb": {"type": "NoSuch‸Pass"}}}'))
    assert text.startswith(f"**NoSuchPass** — not a pass type of Olive {CATALOG.version}")


def test_pass_parameter_key_shows_type_default_allowed_values_and_description():
    text = text_of(hover_in_config('"prec‸ision"'))
    description = DATA["passes"]["ModelBuilder"]["parameters"]["precision"]["description"]
    assert text == (
        '**precision** · `string` · required · default `"fp32"`\n\n'
        f"{description}\n\n"
        'Allowed: `"int4"`, `"int8"`, `"fp16"`, `"fp32"`\n\n'
        "*ModelBuilder parameter*"
    )


def test_pass_parameter_key_given_nested_under_config():
    text = text_of(hover_at('{"passes": {"mb": {"type": "ModelBuilder", "config": {"int4_block‸_size": 32}}}}'))
    assert text.startswith("**int4_block_size** · `integer`")
    assert "Allowed: `16`, `32`, `64`, `128`, `256`" in text


def test_precision_value_lists_the_passes_that_support_it():
    text = text_of(hover_in_config('"precision": "in‸t4"'))
    assert text.startswith("**int4** — precision\n\nPasses that list it: ")
    assert "ModelBuilder" in text


def test_engine_key_at_the_top_level_says_olive_moves_it():
    text = text_of(hover_in_config('"ho‸st": "local"'))
    assert text.startswith("**host** · `string | object`")
    assert text.endswith("An engine setting: at the top level Olive moves it into `engine`.")


def test_system_reference_shows_the_system():
    text = text_of(hover_in_config('"target": "lo‸cal"'))
    assert text.startswith("**local** — system `LocalSystem`\n- device `gpu`, CUDAExecutionProvider\n\n---\n\n**target**")


def test_system_reference_with_the_accelerators_under_config():
    config = '{"systems": {"s": {"type": "LocalSystem", "config": {"accelerators": [{"device": "npu", "execution_providers": ["QNNExecutionProvider"]}]}}}, "host": "s‸"}'
    assert text_of(hover_at(config)).startswith("**s** — system `LocalSystem`\n- device `npu`, QNNExecutionProvider")


def test_undefined_system_reference_says_so():
    assert text_of(hover_at('{"host": "nowh‸ere"}')).startswith("**nowhere** — no system of that name under `systems`")


def test_evaluator_reference_shows_its_metrics():
    text = text_of(hover_in_config('"evaluator": "e‸v"'))
    assert text.startswith("**ev** — evaluator\n- `lat`: latency (avg, p90)")


def test_data_config_reference_shows_its_components_with_flat_and_nested_parameters():
    text = text_of(hover_in_config('"data_config": "wi‸ki"'))
    assert text.startswith('**wiki** — data config `HuggingfaceContainer`\n- load_dataset_config: the container\'s default (data_name="wikitext", split="train")')


def test_execution_provider_shows_its_devices_and_package():
    text = text_of(hover_in_config('"CUDAExecution‸Provider"'))
    assert text.startswith("**CUDAExecutionProvider** — execution provider\n\nDevices: gpu\n\npip package: `onnxruntime-gpu`")


def test_device_value_lists_its_providers():
    text = text_of(hover_in_config('"device": "g‸pu"'))
    assert text.startswith("**gpu** — device\n\nExecution providers: " + ", ".join(DATA["device_providers"]["gpu"]))


def test_names_of_passes_systems_and_evaluators():
    assert text_of(hover_in_config('"m‸b": {')).startswith("**mb** — pass `ModelBuilder`\n\n---\n\n**ModelBuilder** — ")
    assert text_of(hover_in_config('"lo‸cal": {')) == "**local** — system `LocalSystem`\n- device `gpu`, CUDAExecutionProvider"
    assert text_of(hover_in_config('"e‸v": {')).startswith("**ev** — evaluator")


def test_number_value_shows_its_key():
    assert text_of(hover_in_config('"int4_block_size": 3‸2')).startswith("**int4_block_size** · `integer`")


@pytest.mark.parametrize(
    "needle",
    ['"int4",‸ "int4_block_size"', '"target": "local",  ‸ "evaluator"'],
)
def test_nothing_over_whitespace(needle):
    config = CONFIG.replace('"target": "local", "evaluator"', '"target": "local",   "evaluator"')
    assert hover_in_config(needle, config) is None


def test_nothing_over_braces_unknown_keys_and_user_values():
    assert hover_at('{"passes": {"mb": ‸{"type": "ModelBuilder"}}}') is None
    assert hover_at('{"no_such_‸key": 1}') is None
    assert hover_at('{"passes": {"mb": {"type": "ModelBuilder", "extra_options": {"my_o‸wn": 1}}}}') is None


def test_nothing_outside_an_object():
    assert hover_at('["passes", "Model‸Builder"]') is None
    assert hover_at("‸") is None


YAML = """\
systems:
  local:
    type: LocalSystem
    accelerators:
      - device: cpu
        execution_providers: [CPUExecutionProvider, OpenVINOExecutionProvider]
passes:
  mb:
    type: ModelBuilder
    precision: int4
host: local
"""


def test_yaml_hovers():
    assert text_of(hover_in_config("type: Model‸Builder", YAML, "yaml")).startswith("**ModelBuilder** — ")
    assert text_of(hover_in_config("preci‸sion: int4", YAML, "yaml")).startswith("**precision** · `string` · required")
    assert text_of(hover_in_config("host: lo‸cal", YAML, "yaml")).startswith("**local** — system `LocalSystem`\n- device `cpu`, CPUExecutionProvider, OpenVINOExecutionProvider")
    provider = hover_in_config("OpenVINO‸ExecutionProvider]", YAML, "yaml")
    assert text_of(provider).startswith("**OpenVINOExecutionProvider** — execution provider\n\nDevices: cpu, gpu, npu\n\npip package: `onnxruntime-openvino`")
    line = YAML.splitlines()[5]
    start = line.index("OpenVINO")
    assert provider.range == types.Range(start=types.Position(5, start), end=types.Position(5, start + len("OpenVINOExecutionProvider")))


def test_yaml_nothing_on_an_empty_line():
    assert hover_in_config("  ‸\nhost", YAML.replace("host: local", "  \nhost: local"), "yaml") is None


def test_hover_range_columns_are_utf16_after_non_ascii():
    marked = '{"workflow_id": "日本😀", "passes": {"mb": {"type": "Model‸Builder"}}}'
    result = hover_at(marked)
    text = marked.replace("‸", "")
    start = text.index('"ModelBuilder"')
    assert result.range.start == types.Position(0, utf16_column(text[:start]))
    assert result.range.end == types.Position(0, utf16_column(text[: start + len('"ModelBuilder"')]))


# --- cut-up real configs: no exceptions, well-formed answers -----------------------------------------------------


# The shipped sample configs, not what `make demo` writes next to them (the tiny model, Olive's output and cache).
GENERATED = {"model", "out", ".olive-cache"}
CORPUS = [
    path
    for path in sorted(SAMPLES.glob("**/*.json")) + sorted(SAMPLES.glob("**/*.yaml")) + sorted((REPO / "tests" / "data").glob("*.json"))
    if not GENERATED & set(path.relative_to(REPO).parts)
]
TEXTS = [(path.suffix.lstrip(".").replace("yml", "yaml"), path.read_text()) for path in CORPUS]


def test_corpus_has_json_and_yaml():
    assert {language for language, _ in TEXTS} == {"json", "yaml"}
    assert len(TEXTS) >= 6


def _inside(doc, position: types.Position) -> bool:
    if position.line >= doc.index.line_count:
        return False
    line = doc.text.splitlines()[position.line] if position.line < len(doc.text.splitlines()) else ""
    return 0 <= position.character <= utf16_column(line)


def _check_edit(doc, edit: types.TextEdit) -> None:
    assert _inside(doc, edit.range.start) and _inside(doc, edit.range.end), edit.range
    assert edit.range.start.line == edit.range.end.line
    assert edit.range.start.character <= edit.range.end.character


@st.composite
def cut_documents(draw):
    language, text = draw(st.sampled_from(TEXTS))
    cut = draw(st.integers(min_value=0, max_value=len(text)))
    kept = text[:cut]
    if draw(st.booleans()):
        # Also drop a random span before the cut, as an edit in the middle of a document would.
        a = draw(st.integers(min_value=0, max_value=len(kept)))
        b = draw(st.integers(min_value=a, max_value=min(len(kept), a + 40)))
        kept = kept[:a] + kept[b:]
    if draw(st.booleans()):
        kept += text[cut:]
    lines = kept.split("\n")
    line = draw(st.integers(min_value=0, max_value=len(lines) - 1))
    character = draw(st.integers(min_value=0, max_value=utf16_column(lines[line]) + 2))
    return language, kept, types.Position(line=line, character=character)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cut_documents(), st.booleans())
def test_completion_and_hover_on_cut_configs_are_well_formed(case, snippets):
    language, text, position = case
    doc = parse_document(text, language)
    result = complete(doc, CATALOG, position, snippets=snippets)
    assert isinstance(result, types.CompletionList)
    for item in result.items:
        assert item.label
        assert isinstance(item.text_edit, types.TextEdit)
        _check_edit(doc, item.text_edit)
        for extra in item.additional_text_edits or []:
            _check_edit(doc, extra)
        if item.insert_text_format == types.InsertTextFormat.Snippet:
            assert snippets
            expand_snippet(item.text_edit.new_text)
        else:
            assert "$1" not in item.text_edit.new_text
    shown = hover(doc, CATALOG, position)
    if shown is not None:
        assert shown.contents.value
        offset = doc.index.offset_at(position)
        assert doc.index.offset_at(shown.range.start) <= offset <= doc.index.offset_at(shown.range.end)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_position_of_a_sample_config(path: Path):
    """Completion and hover at every position of each whole sample: no exceptions."""
    language = "yaml" if path.suffix in (".yaml", ".yml") else "json"
    text = path.read_text()
    doc = parse_document(text, language)
    hovers = 0
    for number, line in enumerate(text.splitlines()):
        for character in range(0, utf16_column(line) + 1, 3):
            position = types.Position(number, character)
            complete(doc, CATALOG, position)
            hovers += hover(doc, CATALOG, position) is not None
    assert hovers > 0
