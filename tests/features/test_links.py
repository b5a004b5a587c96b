"""Document links: values naming existing local files link to them, resolved against the config's folder."""

from __future__ import annotations

import json
from pathlib import Path

from olive_ls.document.parse import parse_document
from olive_ls.features.links import document_links


def _config(tmp_path: Path) -> tuple[str, Path]:
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "user_script.py").write_text("def f(): pass\n")
    (tmp_path / "train.jsonl").write_text("{}\n")
    config = {
        "input_model": {"type": "HfModel", "model_path": "HuggingFaceTB/SmolLM2-135M-Instruct"},
        "data_configs": [
            {
                "name": "train",
                "user_script": "scripts/user_script.py",
                "load_dataset_config": {"data_files": "train.jsonl"},
                "pre_process_data_config": {"type": "x", "script": "scripts/missing.py"},
            }
        ],
        "passes": {"b": {"type": "ModelBuilder", "precision": "int4"}},
    }
    return json.dumps(config, indent=2), tmp_path


def test_existing_files_become_links_to_them(tmp_path):
    text, folder = _config(tmp_path)
    links = document_links(parse_document(text), folder / "config.json")
    targets = {Path(link.target[len("file://") :]).name: link for link in links}
    assert set(targets) == {"user_script.py", "train.jsonl"}  # not the missing script, not the hub id
    script = targets["user_script.py"]
    line = text.splitlines()[script.range.start.line]
    assert line[script.range.start.character : script.range.end.character] == '"scripts/user_script.py"'


def test_no_config_folder_or_no_tree_gives_no_links(tmp_path):
    text, _ = _config(tmp_path)
    assert document_links(parse_document(text), None) == []
    assert document_links(parse_document("{"), tmp_path / "config.json") == []
