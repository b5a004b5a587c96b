"""Olive's flattening (NestedConfig): which of a flat and a nested value Olive keeps, asked of real Olive.

model/flatten.py (plain dicts, used by execution/) and model/view.py (document trees, used by rules and features)
must both agree with what Olive 0.13.0's RunConfig does with the same config.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from olive_ls.document.parse import parse_document
from olive_ls.model.flatten import engine_value, pass_param_value
from olive_ls.model.view import build_view

CONFIG = {
    "input_model": {"type": "HfModel", "model_path": "model"},
    # Written twice: at the top level (flattened into engine) and under engine.
    "log_severity_level": 3,
    "engine": {"log_severity_level": 2, "output_dir": "nested-out"},
    "output_dir": "flat-out",
    "passes": {"b": {"type": "ModelBuilder", "precision": "int8", "config": {"precision": "int4"}}},
}


def test_plain_dicts_and_trees_keep_the_nested_value():
    assert engine_value(CONFIG, "log_severity_level") == 2
    assert engine_value(CONFIG, "output_dir") == "nested-out"
    assert pass_param_value(CONFIG["passes"]["b"], "precision") == "int4"
    view = build_view(parse_document(json.dumps(CONFIG), "json").root)
    assert view.engine_value("log_severity_level") == 2
    assert view.engine_value("output_dir") == "nested-out"
    assert view.passes[0].param_value("precision") == "int4"


@pytest.mark.olive
def test_olive_keeps_the_nested_value_too():
    run_config = pytest.importorskip("olive.workflows.run.config")
    parsed = run_config.RunConfig.model_validate(json.loads(json.dumps(CONFIG)))
    assert parsed.engine.log_severity_level == engine_value(CONFIG, "log_severity_level")
    assert Path(parsed.engine.output_dir).name == engine_value(CONFIG, "output_dir")  # Olive makes it absolute
    assert parsed.passes["b"][0].config["precision"] == pass_param_value(CONFIG["passes"]["b"], "precision")
