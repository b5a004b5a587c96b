"""schemas/version-history.json is the history the shipped catalogs tell (make catalogs writes it), and a stale one
is not believed."""

from __future__ import annotations

import json
import shutil

from olive_ls.catalog.loader import default_schemas_dir
from olive_ls.model import versions
from olive_ls.model.versions import HISTORY_FILE, _history, history_from_catalogs, history_index


def test_shipped_index_is_current():
    root = default_schemas_dir()
    shipped = (root / HISTORY_FILE).read_text(encoding="utf-8")
    assert shipped == history_index(history_from_catalogs(root)), "run `python scripts/make_catalogs.py --repack`"


def test_the_index_answers_as_the_catalogs_do():
    root = default_schemas_dir()
    _history.cache_clear()
    read, built = _history(root), history_from_catalogs(root)
    assert read.versions == built.versions
    for name in ("OnnxKQuantQuantization", "VitisAIQuantization", "onnxquantization", "olive.passes.ModelBuilder"):
        assert read.pass_versions(name) == built.pass_versions(name)
        assert read.pass_name(name) == built.pass_name(name)
    assert read.parameter_versions("OnnxStaticQuantization", "extra_options") == built.parameter_versions("OnnxStaticQuantization", "extra_options")
    assert read._parameters == built._parameters


def test_a_stale_index_is_not_believed(tmp_path):
    root = default_schemas_dir()
    for folder in root.iterdir():
        if folder.is_dir():
            shutil.copytree(folder, tmp_path / folder.name)
    data = json.loads((root / HISTORY_FILE).read_text())
    data["versions"] = data["versions"][:-1]  # written before the newest catalog came
    data["passes"] = {}
    (tmp_path / HISTORY_FILE).write_text(json.dumps(data))
    history = versions._history(tmp_path)
    assert history.pass_versions("ModelBuilder"), "the stale index was used"
    (tmp_path / HISTORY_FILE).write_text("{not json")
    versions._history.cache_clear()
    assert versions._history(tmp_path).pass_versions("ModelBuilder")
