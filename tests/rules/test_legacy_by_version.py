"""Old keys and types are old for the Olive a config is checked as: a key removed in 0.9.3 is an error for 0.13.0
and fine for 0.9.2 (its catalog still has it)."""

from __future__ import annotations

import json

import pytest

from olive_ls.catalog import load_catalog
from olive_ls.document.parse import parse_document
from olive_ls.rules.engine import DiagnosticSettings, analyse

AZUREML = {
    "input_model": {"type": "HfModel", "model_path": "m"},
    "azureml_client": {"subscription_id": "s", "resource_group": "g", "workspace_name": "w"},
    "systems": {"aml": {"type": "AzureML", "aml_compute": "c"}},
    "passes": {"c": {"type": "OnnxConversion"}},
}


def codes_as(version: str, config: dict) -> set[str]:
    doc = parse_document(json.dumps(config, indent=2), "json")
    return {f.code for f in analyse(doc, load_catalog(version), settings=DiagnosticSettings(environment_checks=False)) if f.severity == "error"}


@pytest.mark.parametrize("version", ["0.9.3", "0.12.1", "0.13.0"])
def test_removed_key_and_system_type_are_errors_where_they_are_gone(version):
    assert {"OLV205", "OLV206"} <= codes_as(version, AZUREML)


def test_the_same_config_is_fine_for_the_olive_that_had_them():
    assert not {"OLV205", "OLV206"} & codes_as("0.9.2", AZUREML)
