"""The shipped Olive catalog: its content, the loader's API and errors, and that loading never imports Olive."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from olive_ls.catalog import Catalog, CatalogError, installed_olive_version, load_catalog, shipped_versions
from olive_ls.catalog import loader

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "schemas"
VERSION = "0.13.0"
CATALOG_PATH = SCHEMAS / f"olive-{VERSION}" / "catalog.json"

TOP_LEVEL_KEYS = {
    "olive_version", "passes", "model_types", "system_types", "accelerator_keys", "execution_providers", "devices",
    "device_providers", "provider_packages", "precisions", "quant_algorithms", "quant_encodings", "metric_types",
    "metric_keys", "metric_backends", "evaluator_types", "evaluator_keys", "samplers", "search_strategy_keys",
    "execution_orders", "data_containers", "data_components", "data_config_keys", "engine_keys", "run_config_keys",
    "pass_config_keys", "packaging_types", "flattening", "extra_dependencies",
}
# "null" only for parameters Olive declares with type_=None (LoRA modules_to_save): nothing else validates.
JSON_TYPES = {"string", "integer", "number", "boolean", "array", "object", "any", "null"}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(VERSION, SCHEMAS)


@pytest.fixture(autouse=True)
def _fresh_cache():
    load_catalog.cache_clear()
    yield
    load_catalog.cache_clear()


# ---------------------------------------------------------------------------------------------------------------
# Content


def test_top_level_keys(catalog):
    assert TOP_LEVEL_KEYS <= set(catalog.data)
    assert catalog.data["olive_version"] == VERSION
    assert catalog.version == VERSION


def test_all_81_passes_with_their_fields(catalog):
    passes = catalog.data["passes"]
    assert len(passes) == 81
    for name, info in passes.items():
        assert info["module_path"].endswith("." + name)
        assert info["is_onnx"] == info["module_path"].startswith("olive.passes.onnx")
        assert isinstance(info["run_on_target"], bool)
        assert info["pip_requirements"] == sorted(set(info["pip_requirements"]))
        assert "problems" not in info, f"{name}: {info.get('problems')}"
        for param, p in info["parameters"].items():
            types = p["json_type"] if isinstance(p["json_type"], list) else [p["json_type"]]
            assert set(types) <= JSON_TYPES, (name, param)
            assert p["category"] in {"none", "object", "path", "data"}
            assert p["data_config"] == param.endswith("data_config")
            assert isinstance(p["required"], bool) and isinstance(p["description"], str)


def test_model_builder_parameters(catalog):
    params = catalog.pass_info("ModelBuilder")["parameters"]
    precision = params["precision"]
    assert precision["required"] is True
    # Olive types it as the whole Precision enum; ModelBuilder.validate_config prunes all but these five at run
    # time (model_builder.py:205), so both facts must be visible.
    assert {"int4", "int8", "fp16", "fp32", "bf16"} <= set(precision["enum"])
    assert precision["enum"] == catalog.data["precisions"]
    assert params["int4_block_size"]["enum"] == [16, 32, 64, 128, 256]
    assert params["int4_block_size"]["json_type"] == "integer"
    assert catalog.pass_info("ModelBuilder")["supported_precisions"] == ["int4", "int8", "fp16", "fp32"]


@pytest.mark.parametrize(
    ("pass_name", "param"),
    [
        ("ModelBuilder", "precision"),
        ("LoRA", "train_data_config"),
        ("SliceGPT", "calibration_data_config"),
        ("GraphSurgeries", "surgeries"),
        ("IncStaticQuantization", "data_config"),
    ],
)
def test_required_parameters(catalog, pass_name, param):
    assert catalog.pass_info(pass_name)["parameters"][param]["required"] is True


def test_data_config_parameters_are_names(catalog):
    param = catalog.pass_info("OnnxStaticQuantization")["parameters"]["data_config"]
    assert param["data_config"] is True and param["required"] is False
    assert param["json_type"] == "string"


def test_conditional_defaults_are_null_with_a_note(catalog):
    param = catalog.pass_info("OnnxQuantization")["parameters"]["calibrate_method"]
    assert param["default"] is None
    assert "quant_mode" in param["default_note"]


def test_pass_metadata_from_olive_config(catalog):
    qlora = catalog.pass_info("QLoRA")
    assert qlora["extra_dependencies"] == ["bnb", "lora"]
    assert {"bitsandbytes", "peft", "accelerate>=0.30.0"} <= set(qlora["pip_requirements"])
    assert catalog.pass_info("OnnxDynamicQuantization")["supported_precisions"] == ["int8", "uint8"]
    assert catalog.pass_info("AddOliveMetadata")["supported_providers"] == ["*"]
    assert catalog.pass_info("OnnxStaticQuantization")["dataset"] == "dataset_required"


def test_model_types(catalog):
    model_types = catalog.data["model_types"]
    assert {"HfModel", "ONNXModel", "PyTorchModel", "DiffusersModel", "CompositeModel"} <= set(model_types)
    hf = model_types["HfModel"]["config_keys"]
    assert hf["model_path"]["required"] is True
    assert hf["task"]["default"] == "text-generation-with-past"
    assert "hf_config" not in model_types["PyTorchModel"]["config_keys"]
    assert "io_config" not in model_types["ONNXModel"]["config_keys"]


def test_system_types(catalog):
    systems = catalog.data["system_types"]
    assert set(systems) == {"LocalSystem", "Docker", "PythonEnvironment"}
    for info in systems.values():
        assert {"accelerators", "hf_token"} <= set(info["config_keys"])
    assert systems["Docker"]["config_keys"]["build_context_path"]["required"] is True
    assert "python_environment_path" in systems["PythonEnvironment"]["config_keys"]
    assert set(catalog.data["accelerator_keys"]) >= {"device", "execution_providers"}


def test_value_sets(catalog):
    data = catalog.data
    assert len(data["execution_providers"]) == 12
    assert data["provider_packages"]["QNNExecutionProvider"] == "onnxruntime-qnn"
    assert data["provider_packages"]["CUDAExecutionProvider"] == "onnxruntime-gpu"
    assert data["device_providers"]["cpu"] == ["CPUExecutionProvider", "OpenVINOExecutionProvider"]
    assert {"cpu", "gpu", "npu"} <= set(data["devices"])
    assert data["metric_types"]["custom"] == [] and "p90" in data["metric_types"]["latency"]
    assert set(data["samplers"]) == {"tpe", "random", "sequential"}
    assert "multivariate" in data["samplers"]["tpe"]["config_keys"]
    assert data["execution_orders"] == ["joint", "pass-by-pass"]
    assert {"OnnxEvaluator", "ONNX", "LMEvaluator"} <= set(data["evaluator_types"])
    assert "HuggingfaceContainer" in data["data_containers"]
    assert "huggingface_dataset" in data["data_components"]["load_dataset"]
    assert data["packaging_types"] == ["Zipfile", "Dockerfile"]
    assert data["flattening"]["RunConfig"] == "engine"
    assert set(data["pass_config_keys"]) == {"type", "config", "host", "evaluator"}
    assert {"input_model", "passes", "engine", "systems"} <= set(data["run_config_keys"])
    assert {"sampler", "sampler_config", "execution_order"} <= set(data["search_strategy_keys"])
    assert {"host", "target", "output_dir", "cache_dir", "log_severity_level"} <= set(data["engine_keys"])
    assert all(entry["description"] for entry in data["engine_keys"].values())


def test_no_machine_specific_values():
    text = CATALOG_PATH.read_text(encoding="utf-8")
    for marker in (str(REPO), "/home/", "site-packages", "/tmp/"):
        assert marker not in text


# ---------------------------------------------------------------------------------------------------------------
# Loader API


def test_case_insensitive_lookup(catalog):
    assert catalog.canonical_pass_name("modelbuilder") == "ModelBuilder"
    assert catalog.canonical_pass_name("ONNXSTATICQUANTIZATION") == "OnnxStaticQuantization"
    assert catalog.canonical_pass_name("olive.passes.onnx.model_builder.ModelBuilder") == "ModelBuilder"
    assert catalog.canonical_pass_name("OrtPerfTuning") is None
    assert catalog.pass_info("rtn") is catalog.data["passes"]["Rtn"]
    assert catalog.pass_info("nope") is None
    assert catalog.pass_names == sorted(catalog.data["passes"])


def test_schema_is_loaded_lazily_from_next_to_the_catalog():
    catalog = load_catalog(VERSION, SCHEMAS)
    assert catalog._schema is None
    schema = catalog.schema
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert catalog.schema is schema


def test_default_load_uses_installed_version_and_is_cached(monkeypatch):
    monkeypatch.setattr(loader, "installed_olive_version", lambda: VERSION)
    first = load_catalog(schemas_dir=SCHEMAS)
    assert first.version == VERSION and first.fallback_note is None
    assert load_catalog(schemas_dir=SCHEMAS) is first


def _write_catalog(root: Path, version: str, passes: dict | None = None) -> Path:
    folder = root / f"olive-{version}"
    folder.mkdir(parents=True)
    path = folder / "catalog.json"
    path.write_text(json.dumps({"olive_version": version, "passes": passes or {"Rtn": {}}}))
    return path


def test_fallback_to_newest_shipped_version(tmp_path, monkeypatch):
    _write_catalog(tmp_path, "0.9.0")
    _write_catalog(tmp_path, "0.13.0")
    (tmp_path / "olive-0.15.0").mkdir()  # no catalog.json: not shipped
    assert shipped_versions(tmp_path) == ["0.9.0", "0.13.0"]
    monkeypatch.setattr(loader, "installed_olive_version", lambda: "0.14.0")
    loaded = load_catalog(schemas_dir=tmp_path)
    assert loaded.version == "0.13.0"
    assert loaded.fallback_note == "olive-ai 0.14.0 is installed; using the catalog of 0.13.0"


def test_fallback_when_olive_is_not_installed(tmp_path, monkeypatch):
    _write_catalog(tmp_path, "0.13.0")
    monkeypatch.setattr(loader, "installed_olive_version", lambda: None)
    assert "not installed" in load_catalog(schemas_dir=tmp_path).fallback_note


def test_explicit_version(tmp_path):
    _write_catalog(tmp_path, "0.9.0")
    _write_catalog(tmp_path, "0.13.0")
    assert load_catalog("0.9.0", tmp_path).version == "0.9.0"


def test_env_var_selects_schemas_dir(tmp_path, monkeypatch):
    _write_catalog(tmp_path, "0.1.0")
    monkeypatch.setenv("OLIVE_LS_SCHEMAS", str(tmp_path))
    assert shipped_versions() == ["0.1.0"]
    assert load_catalog("0.1.0").path == tmp_path / "olive-0.1.0" / "catalog.json"


def test_broken_json_is_a_one_line_error_naming_the_file(tmp_path):
    path = _write_catalog(tmp_path, "0.13.0")
    path.write_text('{"passes": {')
    with pytest.raises(CatalogError) as info:
        load_catalog("0.13.0", tmp_path)
    message = str(info.value)
    assert str(path) in message and "not valid JSON" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [("[1, 2]", "expected a JSON object"), ('{"olive_version": "0.13.0"}', "no 'passes' object")],
)
def test_wrong_shape_is_an_error(tmp_path, content, expected):
    path = _write_catalog(tmp_path, "0.13.0")
    path.write_text(content)
    with pytest.raises(CatalogError, match=expected):
        load_catalog("0.13.0", tmp_path)


def test_missing_catalog_is_an_error(tmp_path):
    with pytest.raises(CatalogError, match="file not found"):
        load_catalog("0.13.0", tmp_path)
    with pytest.raises(CatalogError, match="no olive-<version>/catalog.json"):
        load_catalog(schemas_dir=tmp_path / "empty")


def test_missing_schema_file_is_an_error(tmp_path):
    _write_catalog(tmp_path, "0.13.0")
    with pytest.raises(CatalogError, match="run-config.schema.json: file not found"):
        load_catalog("0.13.0", tmp_path).schema


def test_installed_olive_version_reads_metadata_only():
    version = installed_olive_version()
    assert version is None or isinstance(version, str)


def test_loading_imports_no_heavy_module_and_is_fast():
    # A fresh interpreter: other tests in this process may have imported Olive already.
    script = textwrap.dedent(
        """
        import json, sys, time
        start = time.perf_counter()
        from olive_ls.catalog import load_catalog
        catalog = load_catalog()
        catalog.pass_info("modelbuilder")
        elapsed_ms = (time.perf_counter() - start) * 1000
        heavy = [m for m in ("olive", "torch", "transformers", "onnxruntime") if m in sys.modules]
        print(json.dumps({"heavy": heavy, "ms": elapsed_ms, "passes": len(catalog.pass_names)}))
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "OLIVE_LS_SCHEMAS"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["heavy"] == []
    assert report["passes"] == 81
    # Typically ~10 ms; the bound leaves room for a busy shared machine.
    assert report["ms"] < 500


# ---------------------------------------------------------------------------------------------------------------
# Regeneration


def _olive_installed() -> bool:
    return installed_olive_version() is not None


@pytest.mark.olive
@pytest.mark.skipif(not _olive_installed(), reason="olive-ai is not installed (the `run` extra)")
def test_regeneration_reproduces_committed_files(tmp_path):
    script = shutil.which("olive-ls", path=str(Path(sys.executable).parent))
    command = [script] if script else [sys.executable, "-m", "olive_ls"]
    version = installed_olive_version()
    committed = SCHEMAS / f"olive-{version}"
    if not (committed / "catalog.json").is_file():
        pytest.skip(f"no committed catalog for the installed olive-ai {version}")
    subprocess.run([*command, "catalog", "generate", "--out", str(tmp_path)], check=True, capture_output=True)
    for name in ("catalog.json", "run-config.schema.json"):
        fresh = (tmp_path / f"olive-{version}" / name).read_bytes()
        assert fresh == (committed / name).read_bytes(), f"{name} differs from a fresh `olive-ls catalog generate`"


# ---------------------------------------------------------------------------------------------------------------
# Generator helpers (pure parts of generate.py; importing it does not import Olive)


def test_generate_module_does_not_import_olive_at_import_time():
    script = "import sys, olive_ls.catalog.generate; print([m for m in ('olive', 'torch') if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_json_defaults():
    import enum

    from olive_ls.catalog import generate

    class Color(enum.Enum):
        RED = "red"

    class ConditionalDefault:  # stands in for Olive's class of that name
        parents = ("quant_mode",)
        support = {("static",): "MinMax"}
        default = "OLIVE_INVALID_PARAM_VALUE"

    assert generate.json_default(Color.RED) == ("red", None)
    assert generate.json_default((1, Path("a"))) == ([1, "a"], None)
    assert generate.json_default({3, 1}) == ([1, 3], None)
    assert generate.json_default(Path("/abs/path"))[0] is None
    assert generate.json_default(float("nan"))[0] is None
    value, note = generate.json_default(ConditionalDefault())
    assert value is None and note == "conditional default depending on quant_mode: static -> 'MinMax'; otherwise invalid"
    assert generate.json_default(len) == (None, "default is a Python callable (len)")


def test_resolve_refs_and_json_types():
    from olive_ls.catalog import generate

    defs = {
        "Size": {"enum": [16, 32], "type": "integer", "title": "Size"},
        "PassParamDefault": {"enum": ["DEFAULT_VALUE"], "type": "string"},
        "Node": {"properties": {"child": {"$ref": "#/$defs/Node"}}, "type": "object"},
    }
    prop = {"anyOf": [{"$ref": "#/$defs/Size"}, {"$ref": "#/$defs/PassParamDefault"}, {"type": "null"}], "title": "X"}
    fragment = generate.resolve_refs(prop, defs)
    assert fragment == {"anyOf": [{"enum": [16, 32], "type": "integer"}, {"type": "null"}]}
    assert generate.enum_of(fragment) == [16, 32]
    assert generate.json_type_of(fragment) == "integer"
    assert generate.allows_null(fragment)
    recursive = generate.resolve_refs({"$ref": "#/$defs/Node"}, defs)
    assert recursive == {"properties": {"child": {"type": "object"}}, "type": "object"}
    path_or_str = generate.resolve_refs({"anyOf": [{"type": "string", "format": "path"}, {"type": "string"}]}, {})
    assert path_or_str == {"type": "string"}
    assert generate.json_type_of({"anyOf": [{"type": "string"}, {"type": "array"}]}) == ["array", "string"]
    assert generate.json_type_of({}) == "any"
    assert generate.json_type_of({"type": "null"}) == "null"


def test_summary_is_the_first_sentence():
    from olive_ls.catalog.generate import summary_of

    assert summary_of("Quantize a model. Uses RTN.\n\nMore text.") == "Quantize a model."
    assert summary_of("Converts a model\nto ONNX\n\nDetails") == "Converts a model to ONNX"
    assert summary_of("") == ""


def test_pass_parameters_fall_back_to_another_accelerator():
    pydantic = pytest.importorskip("pydantic")
    from types import SimpleNamespace

    from olive_ls.catalog.generate import pass_parameters

    param = SimpleNamespace(required=True, default_value=None, description="A  value.", category="none", type_=int)
    config_class = pydantic.create_model("FakeConfig", x=(int, ...))

    class FakePass:
        @classmethod
        def default_config(cls, spec):
            if spec.accelerator_type == "cpu":
                raise ValueError("not on cpu")
            return {"x": param}

        @classmethod
        def get_config_class(cls, spec, disable_search=False):
            return config_class, {}

    cpu = SimpleNamespace(accelerator_type="cpu", execution_provider="CPUExecutionProvider")
    gpu = SimpleNamespace(accelerator_type="gpu", execution_provider="CUDAExecutionProvider")
    params, problems = pass_parameters(FakePass, [cpu, gpu])
    assert params["x"]["required"] is True and params["x"]["json_type"] == "integer"
    assert params["x"]["description"] == "A value."
    assert problems == [
        "default_config(cpu-CPUExecutionProvider) failed: ValueError: not on cpu",
        "parameters and defaults taken from gpu-CUDAExecutionProvider",
    ]
    assert pass_parameters(FakePass, [cpu]) == ({}, ["default_config(cpu-CPUExecutionProvider) failed: ValueError: not on cpu"])
