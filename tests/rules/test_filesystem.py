"""OLV7xx: files and folders a config names, checked in real temporary folders (nothing is imported or run)."""

from __future__ import annotations

import copy
import json
import stat
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diagnostic_helpers import TINY, check, find, text_at  # noqa: E402

from olive_ls.environment import Environment  # noqa: E402
from olive_ls.rules.filesystem import hf_repo_id_problem, looks_local  # noqa: E402


def write(folder: Path, config: dict, name: str = "config.json") -> tuple[Path, str]:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    text = json.dumps(config, indent=2)
    path.write_text(text)
    return path, text


def run(folder: Path, config: dict, name: str = "config.json"):
    path, text = write(folder, config, name)
    return text, check(text, path=path, env_checks=True)


def model(model_path, type_="HfModel", **more) -> dict:
    config = copy.deepcopy(TINY)
    config["input_model"] = dict({"type": type_, "model_path": model_path}, **more)
    return config


def only(findings, code):
    found = find(findings, code)
    assert len(found) == 1, [(f.code, f.text) for f in findings]
    return found[0]


# --- OLV701 -------------------------------------------------------------------------------------------------------


def test_local_looking_hf_path_that_does_not_exist_is_an_error(tmp_path):
    text, findings = run(tmp_path, model("./phi-3-local"))
    finding = only(findings, "OLV701")
    assert finding.severity == "error"
    assert text_at(text, finding) == '"./phi-3-local"'
    assert "HFValidationError: Repo id must use alphanumeric chars" in finding.text
    assert str(tmp_path) in finding.text  # says where it looked
    (tmp_path / "phi-3-local").mkdir(parents=True)
    assert not find(run(tmp_path, model("./phi-3-local"))[1], "OLV701")


def test_path_with_several_slashes_gets_the_namespace_message(tmp_path):
    text, findings = run(tmp_path, model("build/models/phi"))
    finding = only(findings, "OLV701")
    assert "Repo id must be in the form 'repo_name' or 'namespace/repo_name'" in finding.text


def test_hub_id_is_only_a_hint_about_the_network(tmp_path):
    text, findings = run(tmp_path, model("microsoft/Phi-3-mini-4k-instruct"))
    finding = only(findings, "OLV701")
    assert finding.severity == "information"
    assert text_at(text, finding) == '"microsoft/Phi-3-mini-4k-instruct"'
    assert "network" in finding.text and "HF_HUB_OFFLINE" in finding.text


def test_relative_path_found_from_a_parent_folder(tmp_path):
    # olive-recipes layout: <model>/<variant>/config.json naming paths relative to <model>/
    (tmp_path / "recipe" / "models" / "m").mkdir(parents=True)
    text, findings = run(tmp_path / "recipe" / "cpu", model("models/m/", type_="ONNXModel"))
    assert not find(findings, "OLV701")


def test_missing_onnx_model_is_a_warning(tmp_path):
    text, findings = run(tmp_path, model("out/model.onnx", type_="ONNXModel"))
    finding = only(findings, "OLV701")
    assert finding.severity == "warning" and text_at(text, finding) == '"out/model.onnx"'
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "model.onnx").write_bytes(b"onnx")
    assert not find(run(tmp_path, model("out/model.onnx", type_="ONNXModel"))[1], "OLV701")


def test_pytorch_hub_like_path_is_not_judged_and_unsaved_documents_skip_relative_paths(tmp_path):
    assert not find(run(tmp_path, model("nvidia/parakeet", type_="PyTorchModel"))[1], "OLV701")
    text = json.dumps(model("./models/phi-3"), indent=2)
    assert not find(check(text, env_checks=True), "OLV701")


def test_repo_id_validation_matches_huggingface_hub():
    assert hf_repo_id_problem("org/name") is None and hf_repo_id_problem("gpt2") is None
    assert "alphanumeric" in hf_repo_id_problem("./x")
    assert "namespace/repo_name" in hf_repo_id_problem("a/b/c")
    assert hf_repo_id_problem("a--b") == "Cannot have -- or .. in repo_id: 'a--b'."
    assert looks_local("C:\\models\\x") and looks_local("~/m") and not looks_local("org/name")


# --- OLV702 -------------------------------------------------------------------------------------------------------


def custom_code_model(folder: Path, model_type: str = "olive_ls_custom_arch") -> Path:
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"model_type": model_type, "auto_map": {"AutoConfig": "configuration_x.XConfig"}}))
    return folder


def test_custom_code_without_trust_remote_code(tmp_path):
    custom_code_model(tmp_path / "my-model")
    text, findings = run(tmp_path, model("my-model"))
    finding = only(findings, "OLV702")
    assert finding.severity == "warning"
    assert text_at(text, finding) == '"my-model"'
    assert "trust_remote_code=True" in finding.text
    assert finding.fix["set_value"] == {"path": ["input_model", "load_kwargs", "trust_remote_code"], "value": True}
    assert not find(run(tmp_path, model("my-model", load_kwargs={"trust_remote_code": True}))[1], "OLV702")
    finding = only(run(tmp_path, model("my-model", load_kwargs={"trust_remote_code": False}))[1], "OLV702")
    assert finding.fix["set_value"]["path"] == ["input_model", "load_kwargs", "trust_remote_code"]


def test_custom_code_of_an_architecture_transformers_has_is_fine(tmp_path):
    import importlib.metadata

    try:
        folder = Path(str(importlib.metadata.distribution("transformers").locate_file("transformers/models")))
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("transformers is not installed")
    if not (folder / "llama").is_dir():
        pytest.skip("this transformers has no llama folder")
    custom_code_model(tmp_path / "llama-like", model_type="llama")
    assert not find(run(tmp_path, model("llama-like"))[1], "OLV702")


# --- OLV703 -------------------------------------------------------------------------------------------------------


def python_env(path) -> dict:
    config = copy.deepcopy(TINY)
    config["systems"]["qnn_system"] = {"type": "PythonEnvironment", "python_environment_path": path}
    return config


def test_python_environment_path_that_does_not_exist(tmp_path):
    text, findings = run(tmp_path, python_env("/path/to/qnn/env/bin"))
    finding = only(findings, "OLV703")
    assert finding.severity == "error"
    assert text_at(text, finding) == '"/path/to/qnn/env/bin"'
    assert finding.text.startswith("Python path /path/to/qnn/env/bin does not exist")


def test_python_environment_without_python_and_with_python(tmp_path):
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    text, findings = run(tmp_path, python_env(str(bin_dir)))
    assert only(findings, "OLV703").text.startswith(f"Python executable not found in the path {bin_dir}")
    python = bin_dir / "python"
    python.write_text("#!/bin/sh\n")
    python.chmod(python.stat().st_mode | stat.S_IEXEC)
    assert not find(run(tmp_path, python_env(str(bin_dir)))[1], "OLV703")


def test_python_environment_without_path_and_docker_host(tmp_path):
    config = copy.deepcopy(TINY)
    config["systems"]["qnn_system"] = {"type": "PythonEnvironment"}
    text, findings = run(tmp_path, config)
    finding = only(findings, "OLV703")
    assert text_at(text, finding) == '"qnn_system"'
    assert "python_environment_path is required" in finding.text
    # Olive skips the check when the engine's host is a Docker system
    docker = python_env("/nope/bin")
    docker["systems"]["docker"] = {"type": "Docker", "build_context_path": "."}
    docker["host"] = "docker"
    assert not find(run(tmp_path, docker)[1], "OLV703")


# --- OLV704 -------------------------------------------------------------------------------------------------------


def test_missing_scripts(tmp_path):
    config = copy.deepcopy(TINY)
    config["data_configs"] = [{"name": "d", "type": "DataContainer", "user_script": "data_utils.py", "script_dir": "olive_ls_test_scripts"}]
    config["input_model"] = {"type": "PyTorchModel", "model_path": "org/m", "model_loader": "load", "model_script": "loader.py"}
    text, findings = run(tmp_path, config)
    found = {text_at(text, f): f for f in find(findings, "OLV704")}
    assert set(found) == {'"data_utils.py"', '"olive_ls_test_scripts"', '"loader.py"'}
    assert found['"data_utils.py"'].severity == "error"  # imported while Olive validates the config
    assert "doesn't exist" in found['"data_utils.py"'].text
    assert found['"loader.py"'].severity == "warning"  # used only when the model is loaded
    (tmp_path / "data_utils.py").write_text("")
    (tmp_path / "olive_ls_test_scripts").mkdir()
    (tmp_path / "loader.py").write_text("")
    assert not find(run(tmp_path, config)[1], "OLV704")


# --- OLV705 -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, hint", [("config.jsonc", "no comments"), ("config.JSON", "rename it to config.json"), ("config.txt", "Rename")])
def test_unsupported_file_suffix(tmp_path, name, hint):
    text, findings = run(tmp_path, copy.deepcopy(TINY), name=name)
    finding = only(findings, "OLV705")
    assert f"Unsupported file type: {Path(name).suffix}" in finding.text and hint in finding.text
    assert text_at(text, finding) == '"systems"'


def test_supported_suffixes(tmp_path):
    for name in ("a.json", "b.yaml", "c.yml"):
        path = tmp_path / name
        path.write_text(json.dumps(TINY))
        assert not find(check(json.dumps(TINY), path=path), "OLV705")


# --- all three families: half-typed input never raises ------------------------------------------------------------

HALF_TYPED = [
    '{"input_model": {"type": "HfModel", "model_path": ',
    '{"input_model": {"type": "HfModel", "model_path": 3, "load_kwargs": "x"}, "systems": {"s": {"type": "PythonEnvironment", "python_environment_path": 5}}}',
    '{"input_model": {"type": "ONNXModel", "model_path": {"type": "folder", "config": {"path": null}}}, "user_script": ["x"]}',
    '{"input_model": {"type": "CompositeModel", "model_components": [null, 1, {"type": "ONNXModel", "model_path": "\\u0000"}]}}',
    '{"input_model": {}, "systems": {"s": {"accelerators": [null, {"execution_providers": [null, ["A", "B"], 7]}]}}, "host": {"accelerators": 1}}',
    '{"input_model": {}, "passes": {"p": [{"type": "ModelBuilder"}, {"type": null}]}, "evaluator": 3, "engine": {"evaluator": {"metrics": null}}}',
    "input_model:\n  type: HfModel\n  model_path: ~/nowhere\nsystems:\n  s:\n    type: PythonEnvironment\n",
]


def test_half_typed_configs_never_break_the_rules(tmp_path):
    from olive_ls.catalog import load_catalog
    from olive_ls.document.parse import parse_document
    from olive_ls.rules.registry import RuleContext, load_rules
    from olive_ls.model.view import build_view

    environments = [
        Environment(python="p", distributions={}),
        Environment(python="p", distributions={"onnxruntime": "x", "onnxruntime-gpu": "", "pydantic": "2.14", "onnxruntime-genai": "??"}),
        Environment(python="p", error="could not inspect python p: no"),
    ]
    for index, text in enumerate(HALF_TYPED):
        language = "json" if text.startswith("{") else "yaml"
        doc = parse_document(text, language)
        if doc.root is None or not doc.root.is_object:
            continue
        for environment in environments:
            ctx = RuleContext(
                doc=doc,
                view=build_view(doc.root),
                catalog=load_catalog("0.13.0"),
                file_path=tmp_path / f"c{index}.json",
                environment=environment,
            )
            for rule in load_rules().values():
                if rule.family in ("environment", "filesystem", "references"):
                    list(rule.check(ctx))  # an exception fails the test (the engine would swallow it)
