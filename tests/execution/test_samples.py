"""Every sample config, and what `olive-ls new` writes, is a config Olive 0.13.0 accepts.

"Accepts" means what `olive run` checks before building anything, done in-process without running a pass:
`RunConfig.parse_file_or_obj` (structure, names, systems), then for each pass the pass's own config class for the
config's accelerator (`generate_config`: types and enum values such as int4_block_size) and `validate_config`
(the run-time pruning rules, e.g. ModelBuilder fp16 on cpu). A negative control proves the check bites.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.olive

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted(
    [*ROOT.glob("samples/*.json"), *ROOT.glob("samples/*/config.json"), *ROOT.glob("samples/*/config.y*ml")]
)


@pytest.fixture(scope="module")
def olive_check():
    pytest.importorskip("olive")
    from olive.hardware.accelerator import AcceleratorSpec
    from olive.package_config import OlivePackageConfig
    from olive.workflows.run.config import RunConfig

    package_config = OlivePackageConfig.load_default_config()

    def problems(config: dict) -> list[str]:
        run_config = RunConfig.parse_file_or_obj(copy.deepcopy(config))  # it mutates its input
        found = []
        for system in run_config.systems.values():
            acc = system.config.accelerators[0]
            spec = AcceleratorSpec(accelerator_type=acc.device, execution_provider=acc.execution_providers[0])
            for name, alternatives in run_config.passes.items():
                for pass_config in alternatives:
                    cls = package_config.import_pass_module(pass_config.type)
                    generated = cls.generate_config(spec, pass_config.config, {}, True)
                    if not cls.validate_config(generated, spec):
                        found.append(f"pass {name} is pruned for {acc.device}/{acc.execution_providers[0]}")
        return found

    return problems


def _load(path: Path) -> dict:
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_samples_found():
    names = {p.relative_to(ROOT / "samples").as_posix() for p in SAMPLES}
    assert {"tiny-llama/config.json", "tiny-llama/config.yaml", "smollm2-135m-instruct-int4-cpu.json"} <= names
    assert len(names) >= 7


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.relative_to(ROOT / "samples").as_posix())
def test_sample_is_accepted_by_olive(path, olive_check):
    config = _load(path)
    assert olive_check(config) == []
    for acc in [a for s in config.get("systems", {}).values() for a in s.get("accelerators", [])]:
        if acc["device"] == "cpu":
            assert acc["execution_providers"] in (["CPUExecutionProvider"], ["OpenVINOExecutionProvider"])


def test_tiny_json_and_yaml_samples_agree():
    j = _load(ROOT / "samples/tiny-llama/config.json")
    y = _load(ROOT / "samples/tiny-llama/config.yaml")
    assert j["input_model"] == y["input_model"] and j["passes"] == y["passes"] and j["systems"] == y["systems"]
    assert j["output_dir"] != y["output_dir"]


def test_negative_control_fp16_on_cpu_is_caught(olive_check):
    config = _load(ROOT / "samples/tiny-llama/config.json")
    config["passes"]["builder"] = {"type": "ModelBuilder", "precision": "fp16"}
    assert olive_check(config) == ["pass builder is pruned for cpu/CPUExecutionProvider"]
    config["passes"]["builder"] = {"type": "ModelBuilder", "precision": "int4", "int4_block_size": 48}
    with pytest.raises(Exception, match="Input should be 16, 32, 64, 128 or 256"):
        olive_check(config)


@pytest.mark.parametrize(
    "device,provider,precision,suffix",
    [
        (None, None, "int4", ".json"),
        ("cpu", "CPUExecutionProvider", "int8", ".yaml"),
        ("cpu", None, "fp32", ".json"),
        ("gpu", "cuda", "fp16", ".json"),
        ("gpu", "cuda", "bf16", ".json"),
        (None, "dml", "int4", ".yml"),
        ("gpu", "webgpu", "int4", ".json"),
    ],
)
def test_new_writes_configs_olive_accepts(tmp_path, olive_check, device, provider, precision, suffix):
    from olive_ls.execution.new_config import make_config, write_config

    config = make_config(model="Qwen/Qwen2.5-0.5B-Instruct", device=device, provider=provider, precision=precision)
    path = write_config(tmp_path / f"c{suffix}", config)
    assert _load(path) == config
    assert olive_check(config) == []
