"""The shipped catalogs of every olive-ai release from 0.9.0 to 0.13.0 and of Olive main, and how they are stored.

Facts per version come from each release's own olive/olive_config.json and code (read in its environment by
`make catalogs`). The storage is described in olive_ls/catalog/loader.py: the newest release whole, every other
version a delta; the deltas record the hashes of what the generator wrote, so the round trip is checked here
without Olive installed.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from olive_ls.catalog import CatalogError, load_catalog, loader, shipped_versions
from olive_ls.catalog.generate import dump_json, make_delta, pack_catalogs, unpack_catalog

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "schemas"
RELEASES = ["0.9.0", "0.9.1", "0.9.2", "0.9.3", "0.10.0", "0.10.1", "0.11.0", "0.12.0", "0.12.1", "0.13.0"]
ALL = [*RELEASES, "main"]
MAIN_COMMIT = "ee6f40fbefcc54f48cccab5ef4746b6c6dd28372"

# Passes per version: olive_config.json's count, less the Vitis AI helpers 0.9.0-0.9.2 list as passes
# (PowerOfTwoMethod, VitisQDQQuantizer, VitisQOpQuantizer), which are kept apart in registered_non_passes.
PASS_COUNTS = {
    "0.9.0": 67, "0.9.1": 67, "0.9.2": 74, "0.9.3": 69, "0.10.0": 71, "0.10.1": 71, "0.11.0": 72,
    "0.12.0": 75, "0.12.1": 75, "0.13.0": 81, "main": 85,
}
# (pass, first version that has it, last version that has it or None for "still there in main").
PASS_SPANS = [
    ("OnnxKQuantQuantization", "0.13.0", None),
    ("ConvertHfToGGUF", "main", None),
    ("QuarkQuantizationVitisAI", "main", None),
    ("RyzenGenerateModelLLM", "main", None),
    ("SaveTestModelConfig", "main", None),
    ("QuantizationAwareTraining", "0.9.0", "0.9.2"),
    ("SNPEConversion", "0.9.0", "0.9.2"),
    ("OnnxConversion", "0.9.0", None),
    ("ModelBuilder", "0.9.0", None),
]


def _index(version: str) -> int:
    return ALL.index(version)


@pytest.fixture(autouse=True)
def _fresh_cache():
    load_catalog.cache_clear()
    yield
    load_catalog.cache_clear()


@pytest.fixture(scope="module")
def catalogs() -> dict:
    load_catalog.cache_clear()
    return {version: load_catalog(version, SCHEMAS) for version in ALL}


# ---------------------------------------------------------------------------------------------------------------
# What is shipped


def test_every_release_and_main_is_shipped():
    assert shipped_versions(SCHEMAS) == ALL


@pytest.mark.parametrize("version", ALL)
def test_each_version_loads_with_its_passes(catalogs, version):
    catalog = catalogs[version]
    assert catalog.version == version == catalog.data["olive_version"]
    assert catalog.path == SCHEMAS / f"olive-{version}" / "catalog.json"
    passes = catalog.data["passes"]
    assert len(passes) == PASS_COUNTS[version]
    for name, info in passes.items():
        assert info["module_path"].endswith("." + name)
        # Every pass imported and gave its parameters in its own environment (pytorch-lightning installed for
        # QuantizationAwareTraining where it exists).
        assert "problems" not in info, f"{version} {name}: {info.get('problems')}"
    for key in ("model_types", "system_types", "samplers", "engine_keys", "run_config_keys", "execution_providers"):
        assert catalog.data[key], (version, key)


@pytest.mark.parametrize(("name", "first", "last"), PASS_SPANS)
def test_passes_exist_from_the_version_that_introduced_them(catalogs, name, first, last):
    end = _index(last) if last else len(ALL) - 1
    has = [v for v in ALL if catalogs[v].canonical_pass_name(name)]
    assert has == ALL[_index(first) : end + 1]


def test_non_passes_listed_in_early_registries_are_kept_apart(catalogs):
    for version in ALL:
        apart = catalogs[version].data.get("registered_non_passes", {})
        if version in ("0.9.0", "0.9.1", "0.9.2"):
            assert set(apart) == {"PowerOfTwoMethod", "VitisQDQQuantizer", "VitisQOpQuantizer"}
        else:
            assert apart == {}
        assert not set(apart) & set(catalogs[version].data["passes"])


def test_main_is_addressed_by_name_and_records_its_commit(catalogs):
    main = catalogs["main"]
    assert main.data["olive_version"] == "main"
    assert main.data["olive_commit"] == MAIN_COMMIT
    # What the distribution itself says (olive/version.py was not bumped on main).
    assert main.data["olive_distribution_version"] == "0.11.0.dev0"
    assert {"builds", "max_concurrent_builds"} <= set(main.data["run_config_keys"])
    assert set(main.pass_info("VitisGenerateModelLLM")["parameters"]) == {"cpu_only", "packed_const"}
    assert "olive_commit" not in catalogs["0.13.0"].data


def test_version_facts(catalogs):
    # Before the ExecutionProvider enum (0.9.2) the providers are those of the device table.
    assert "WebGpuExecutionProvider" not in catalogs["0.9.1"].data["execution_providers"]
    assert "WebGpuExecutionProvider" in catalogs["0.9.2"].data["execution_providers"]
    # 0.9.0's PROVIDER_PACKAGE_MAPPING holds (release, nightly) pairs; the release package is what is kept.
    assert catalogs["0.9.0"].data["provider_packages"]["CUDAExecutionProvider"] == "onnxruntime-gpu"
    # size_on_disk metrics from 0.11.0.
    assert "size_on_disk" not in catalogs["0.10.1"].data["metric_types"]
    assert "size_on_disk" in catalogs["0.11.0"].data["metric_types"]
    # AzureML and IsolatedORT systems went away in 0.9.3.
    assert {"AzureML", "IsolatedORT"} <= set(catalogs["0.9.2"].data["system_types"])
    assert set(catalogs["0.9.3"].data["system_types"]) == {"LocalSystem", "Docker", "PythonEnvironment"}


def test_pydantic_v1_releases_have_the_v2_fragment_shape(catalogs):
    """0.9.0-0.11.0 build configs on pydantic.v1; their fragments come out like 0.12.0's (null for Optional)."""
    for version in ("0.9.0", "0.11.0"):
        data = catalogs[version].data
        output_dir = data["engine_keys"]["output_dir"]["type"]
        assert {"type": "null"} in output_dir["anyOf"], version  # `output_dir: Union[Path, str] = None`
        hf_token = data["system_types"]["LocalSystem"]["config_keys"]["hf_token"]
        assert hf_token["type"] == {"anyOf": [{"type": "boolean"}, {"type": "null"}]}
        assert "definitions" not in json.dumps(data)
        param = data["passes"]["OnnxQuantization"]["parameters"]["precision"]
        assert param["nullable"] is True and param["json_type"] == "string" and "int8" in param["enum"]


# ---------------------------------------------------------------------------------------------------------------
# Storage


def _stored(version: str) -> dict:
    return json.loads((SCHEMAS / f"olive-{version}" / "catalog.json").read_text(encoding="utf-8"))


def test_storage_shape():
    """The newest release is stored whole with its schema; every other version is a delta without one."""
    assert "$delta" not in _stored("0.13.0")
    assert (SCHEMAS / "olive-0.13.0" / "run-config.schema.json").is_file()
    for version in ALL:
        if version == "0.13.0":
            continue
        delta = _stored(version)["$delta"]
        assert set(_stored(version)) == {"$delta"}
        assert delta["base"] == ("0.13.0" if version == "main" else RELEASES[RELEASES.index(version) + 1])
        assert not (SCHEMAS / f"olive-{version}" / "run-config.schema.json").exists()
    files = [*SCHEMAS.rglob("catalog.json"), *SCHEMAS.rglob("run-config.schema.json")]
    assert {f.parent.name for f in files} == {f"olive-{v}" for v in ALL}
    # Eleven catalogs and schemas in well under two 0.13.0-sized copies (they would be about 12.7 MB whole).
    assert sum(f.stat().st_size for f in files) < 2 * 1_250_000


@pytest.mark.parametrize("version", [v for v in ALL if v != "0.13.0"])
def test_deltas_load_back_to_exactly_what_the_generator_wrote(catalogs, version):
    delta = _stored(version)["$delta"]
    catalog = catalogs[version]
    # The loader's dict dumps to the generator's bytes, and its key order is the file's (sorted).
    text = dump_json(catalog.data)
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == delta["sha256"]
    assert json.dumps(catalog.data, ensure_ascii=False) == json.dumps(catalog.data, sort_keys=True, ensure_ascii=False)
    schema = catalog.schema
    assert catalog._derived_schema
    assert hashlib.sha256(dump_json(schema).encode("utf-8")).hexdigest() == delta["schema_sha256"], (
        "the derived run-config schema is not the generated one: json_schema.py changed since `make catalogs`; "
        "run `python scripts/make_catalogs.py --repack`"
    )


@pytest.mark.parametrize("version", ALL)
def test_schema_validates_a_minimal_config(catalogs, version):
    validator = Draft202012Validator(catalogs[version].schema)
    config = {
        "input_model": {"type": "HfModel", "model_path": "hf-internal-testing/tiny-random-gpt2"},
        "passes": {"convert": {"type": "OnnxConversion", "target_opset": 17}},
    }
    assert list(validator.iter_errors(config)) == []
    wrong = {**config, "passes": {"convert": {"type": "OnnxConversion", "no_such_parameter": 1}}}
    assert list(validator.iter_errors(wrong))


def test_top_level_keys_of_older_run_configs_are_accepted(catalogs):
    base = {"input_model": {"type": "HfModel", "model_path": "m"}}
    old = Draft202012Validator(catalogs["0.9.0"].schema)
    assert list(old.iter_errors({**base, "auto_optimizer_config": {}})) == []
    main = Draft202012Validator(catalogs["main"].schema)
    assert list(main.iter_errors({**base, "builds": {"a": {"pipeline": ["p"]}}, "max_concurrent_builds": 2})) == []
    new = Draft202012Validator(catalogs["0.13.0"].schema)
    assert list(new.iter_errors({**base, "builds": {}}))


def test_pack_and_unpack_round_trip(tmp_path):
    """Unpacking every shipped version and packing again reproduces schemas/ byte for byte."""
    staging, packed = tmp_path / "staging", tmp_path / "schemas"
    for version in ALL:
        assert unpack_catalog(SCHEMAS, version, staging)
    report = pack_catalogs(staging, packed)
    assert len(report) == 1 + len(ALL)
    originals = [*SCHEMAS.rglob("catalog.json"), *SCHEMAS.rglob("run-config.schema.json")]
    assert len(originals) == len(ALL) + 1
    for original in originals:
        assert (packed / original.relative_to(SCHEMAS)).read_bytes() == original.read_bytes(), original


def test_delta_round_trip_between_any_two_versions(catalogs):
    """make_delta/apply_delta are inverse for every pair, including key order (sorted, as in the files)."""
    texts = {v: dump_json(catalogs[v].data) for v in ALL}
    for a in ("0.9.0", "0.11.0", "0.13.0"):
        for b in ALL:
            rebuilt = loader.apply_delta(json.loads(texts[a]), json.loads(json.dumps(make_delta(json.loads(texts[a]), json.loads(texts[b])))))
            assert json.dumps(rebuilt, ensure_ascii=False) == json.dumps(json.loads(texts[b]), ensure_ascii=False)


def test_delta_is_strict_about_json_types():
    # Python says True == 1 and 1 == 1.0; JSON does not, and neither may the delta.
    base = {"a": 1, "b": 1, "c": {"d": [1]}}
    target = {"a": True, "b": 1.0, "c": {"d": [True]}}
    rebuilt = loader.apply_delta(json.loads(json.dumps(base)), make_delta(base, target))
    assert json.dumps(rebuilt) == json.dumps(target)


# ---------------------------------------------------------------------------------------------------------------
# Loader behaviour with deltas


def _copy_schemas(tmp_path: Path, versions: list[str]) -> Path:
    root = tmp_path / "schemas"
    staging = tmp_path / "staging"
    for version in versions:
        unpack_catalog(SCHEMAS, version, staging)
    pack_catalogs(staging, root)
    return root


def test_a_regenerated_base_without_repacking_is_an_error(tmp_path):
    root = _copy_schemas(tmp_path, ["0.12.1", "0.13.0"])
    base = root / "olive-0.13.0" / "catalog.json"
    base.write_text(base.read_text(encoding="utf-8").replace('"Rtn"', '"Rtn2"', 1), encoding="utf-8")
    with pytest.raises(CatalogError, match="changed since it was packed; run `make catalogs`"):
        load_catalog("0.12.1", root)
    assert load_catalog("0.13.0", root).pass_info("Rtn2")


def test_a_missing_base_and_a_loop_are_errors(tmp_path):
    root = _copy_schemas(tmp_path, ["0.12.1", "0.13.0"])
    (root / "olive-0.13.0" / "catalog.json").unlink()
    with pytest.raises(CatalogError, match="its base .* is missing"):
        load_catalog("0.12.1", root)
    path = root / "olive-0.12.1" / "catalog.json"
    path.write_text(json.dumps({"$delta": {"base": "0.12.1"}}))
    with pytest.raises(CatalogError, match="delta bases loop"):
        load_catalog("0.12.1", root)
    path.write_text(json.dumps({"$delta": []}))
    with pytest.raises(CatalogError, match="must be an object naming its base"):
        load_catalog("0.12.1", root)


def test_main_is_never_the_fallback(tmp_path, monkeypatch):
    root = _copy_schemas(tmp_path, ["0.12.1", "0.13.0", "main"])
    assert shipped_versions(root) == ["0.12.1", "0.13.0", "main"]
    monkeypatch.setattr(loader, "installed_olive_version", lambda: "0.11.0.dev0")
    fallback = load_catalog(schemas_dir=root)
    assert fallback.version == "0.13.0"
    assert fallback.fallback_note == "olive-ai 0.11.0.dev0 is installed; using the catalog of 0.13.0"
    load_catalog.cache_clear()
    monkeypatch.setattr(loader, "installed_olive_version", lambda: "0.12.1")
    assert load_catalog(schemas_dir=root).version == "0.12.1"
    assert load_catalog("main", root).version == "main"


def test_loading_an_old_version_is_fast_and_imports_nothing_heavy():
    # A fresh interpreter; 0.9.0 applies the longest chain of deltas (nine, down from 0.13.0).
    script = textwrap.dedent(
        """
        import json, sys, time
        from olive_ls.catalog import load_catalog
        timings = {}
        for version in ("0.13.0", "0.9.0", "main"):
            start = time.perf_counter()
            load_catalog(version).pass_info("onnxconversion")
            timings[version] = (time.perf_counter() - start) * 1000
        heavy = [m for m in ("olive", "torch", "transformers", "onnxruntime") if m in sys.modules]
        print(json.dumps({"heavy": heavy, "ms": timings}))
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["heavy"] == []
    # Typically ~6 ms (0.13.0) and ~15 ms (0.9.0); the bound leaves room for a busy shared machine.
    assert all(ms < 500 for ms in report["ms"].values()), report


# ---------------------------------------------------------------------------------------------------------------
# Generator: pydantic v1 models (0.9.0-0.11.0) mirrored in v2


def test_v1_models_are_mirrored_as_v2_for_their_fragments_and_keys():
    pytest.importorskip("pydantic")
    from typing import Dict, List, Optional

    from pydantic import v1

    from olive_ls.catalog import generate

    class Sub(v1.BaseModel):
        """A sub config."""

        x: int = v1.Field(3, description="an x")

        class Config:
            extra = v1.Extra.forbid

    class Node(v1.BaseModel):
        children: List["Node"] = []

    # This module has `from __future__ import annotations`: v1 resolves the strings with these names.
    names = {"List": List, "Dict": Dict, "Optional": Optional, "Node": Node}
    Node.update_forward_refs(**names)

    class Model(v1.BaseModel):
        maybe: Optional[int]
        implicit: str = None  # v1: a None default makes the field accept None
        sub: Sub = v1.Field(default_factory=Sub)
        subs: Dict[str, Sub] = {}
        needed: int = v1.Field(..., description="required")
        positive: int = v1.Field(1, ge=1)
        tree: Optional[Node] = None

    Model.update_forward_refs(**names, Sub=Sub)
    assert generate.is_pydantic_v1_model(Model) and not generate.is_pydantic_v1_model(generate.as_v2_model(Model))
    fragments = generate.pydantic_field_fragments(Model)
    assert fragments["maybe"] == {"anyOf": [{"type": "integer"}, {"type": "null"}]}
    assert fragments["implicit"] == {"anyOf": [{"type": "string"}, {"type": "null"}]}
    sub = {
        "additionalProperties": False,
        "description": "A sub config.",
        "properties": {"x": {"default": 3, "description": "an x", "type": "integer"}},
        "type": "object",
    }
    # A field's own description is the field's (keys[...]["description"]), not the model's docstring.
    assert fragments["sub"] == {k: v for k, v in sub.items() if k != "description"}
    assert fragments["subs"] == {"additionalProperties": sub, "type": "object"}
    assert fragments["positive"] == {"minimum": 1, "type": "integer"}
    # A model inside itself ends in an open object, as for recursive v2 models.
    assert fragments["tree"]["anyOf"][0]["properties"]["children"]["items"] == {
        "additionalProperties": True,
        "type": "object",
    }
    keys = generate.pydantic_keys(Model)
    assert keys["needed"]["required"] is True and keys["needed"]["description"] == "required"
    assert keys["maybe"]["required"] is False and keys["maybe"]["default"] is None
    assert keys["sub"]["default"] is None and keys["sub"]["default_note"] == "defaults to an empty Sub"
    assert keys["subs"]["default"] == {}
    assert generate.to_json_value(Sub(x=5)) == {"x": 5}
