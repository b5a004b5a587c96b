"""OLV610-OLV618: the machine rules, each on a minimal config with a described machine (`use_machine`), and once
on this machine's real probes.

Machines are described as tests build an `Environment`: plain data, so the rules are deterministic. Models are
sparse safetensors files in tmp_path (an 8B model costs no disk).
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import struct
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diagnostic_helpers import TINY, check, find  # noqa: E402

from olive_ls.environment import Environment  # noqa: E402
from olive_ls.machine import GB, DiskInfo, HfCacheInfo, Machine, MemoryInfo, NvidiaInfo, ProviderProbe, use_machine  # noqa: E402
from olive_ls.machine.hf_cache import repo_folder  # noqa: E402
from olive_ls.rules.codes import all_codes  # noqa: E402

MACHINE_CODES = ("OLV610", "OLV611", "OLV612", "OLV613", "OLV614", "OLV615", "OLV616", "OLV617", "OLV618")
CUDA = "CUDAExecutionProvider"
CPU_ENV = {"olive-ai": "0.13.0", "onnxruntime": "1.32.0", "onnxruntime-genai": "0.14.1", "pydantic": "2.13.5", "torch": "2.13.0", "transformers": "5.24.0"}
GPU_ENV = {**{k: v for k, v in CPU_ENV.items() if k != "onnxruntime"}, "onnxruntime-gpu": "1.22.0"}


def env(dists=None) -> Environment:
    return Environment(python="/opt/venv/bin/python", distributions=dists or CPU_ENV)


def machine(**overrides) -> Machine:
    """A Linux box with 64 GB (48 available), 500 GB free, no NVIDIA driver, an empty online HF cache."""
    values = dict(
        system="Linux",
        nvidia=NvidiaInfo(),
        memory=MemoryInfo(64 * GB, 48 * GB, "/proc/meminfo MemAvailable"),
        hf=HfCacheInfo(hub_dir="/nonexistent/hub", home="/nonexistent"),
        disks={"": DiskInfo("/", 1000 * GB, 500 * GB, 1)},
        provider_probes={},
    )
    values.update(overrides)
    return Machine(**values)


DRIVER = NvidiaInfo(smi="/usr/bin/nvidia-smi", driver_version="570.86.15")


def config_for(ep: str, device: str = "gpu", evaluator: bool = False, model_path: str | None = None) -> dict:
    config = copy.deepcopy(TINY)
    config["systems"]["local_system"]["accelerators"] = [{"device": device, "execution_providers": [ep]}]
    if evaluator:
        config["evaluators"] = {"e": {"metrics": [{"name": "latency", "type": "latency", "sub_types": [{"name": "avg"}]}]}}
        config["data_configs"] = [{"name": "d", "type": "TransformersTokenDummyDataContainer"}]
        config["evaluators"]["e"]["metrics"][0]["data_config"] = "d"
        config["evaluator"] = "e"
    if model_path is not None:
        config["input_model"]["model_path"] = model_path
    return config


def run(config: dict, described: Machine, environment: Environment | None = None, path: Path | None = None):
    with use_machine(described):
        return check(config, environment=environment or env(), path=path)


def machine_findings(findings):
    return [f for f in findings if f.code in MACHINE_CODES]


def only(findings, code):
    found = find(findings, code)
    assert len(found) == 1, [(f.code, f.severity, f.message) for f in findings]
    return found[0]


def assert_headline(finding):
    assert len(finding.message) <= 120 and "\n" not in finding.message, finding.message
    assert finding.detail, finding.code


# --- OLV610: CUDA / TensorRT without an NVIDIA driver --------------------------------------------------------


def test_olv610_cuda_target_used_without_driver_is_a_warning():
    finding = only(run(config_for(CUDA, evaluator=True), machine()), "OLV610")
    assert finding.severity == "warning" and CUDA in finding.message and "no nvidia-smi, no /proc/driver/nvidia" in finding.message
    assert "nvidia-smi" in finding.detail
    assert_headline(finding)


def test_olv610_cuda_only_built_for_is_information():
    finding = only(run(config_for("TensorrtExecutionProvider"), machine()), "OLV610")
    assert finding.severity == "information" and "cannot be evaluated or smoke-tested" in finding.detail


def test_olv610_not_with_a_driver_a_cpu_target_or_a_docker_target():
    assert not find(run(config_for(CUDA, evaluator=True), machine(nvidia=DRIVER)), "OLV610")
    assert not find(run(config_for("CPUExecutionProvider", device="cpu", evaluator=True), machine()), "OLV610")
    docker = config_for(CUDA, evaluator=True)
    docker["systems"]["local_system"]["type"] = "Docker"
    assert not find(run(docker, machine()), "OLV610")
    proc_only = NvidiaInfo(proc_driver=True)  # /proc/driver/nvidia without nvidia-smi on PATH still is a driver
    assert not find(run(config_for(CUDA, evaluator=True), machine(nvidia=proc_only)), "OLV610")


# --- OLV611 / OLV612: the GPU provider, asked of the configured Python -----------------------------------------


def probe(loads: bool, available=(CUDA, "CPUExecutionProvider"), after_preload=None, error_text="") -> ProviderProbe:
    return ProviderProbe(
        python="/opt/venv/bin/python",
        onnxruntime="1.22.0",
        available=tuple(available),
        loads={CUDA: loads},
        after_preload={CUDA: after_preload} if after_preload is not None else {},
        errors={CUDA: error_text} if error_text else {},
    )


def test_olv611_cuda_provider_that_does_not_load():
    said = "Failed to load library libonnxruntime_providers_cuda.so with error: libcudnn.so.9: cannot open shared object file"
    described = machine(nvidia=DRIVER, provider_probes={"/opt/venv/bin/python": probe(False, after_preload=False, error_text=said)})
    finding = only(run(config_for(CUDA, evaluator=True), described, env(GPU_ENV)), "OLV611")
    assert finding.severity == "warning" and finding.message == "onnxruntime 1.22.0 cannot load CUDAExecutionProvider on this machine"
    assert "libcudnn.so.9" in finding.detail and "onnxruntime-gpu[cuda,cudnn]" in finding.detail
    assert not find(run(config_for(CUDA, evaluator=True), described, env(GPU_ENV)), "OLV612")


def test_olv611_provider_missing_from_available_providers():
    described = machine(nvidia=DRIVER, provider_probes={"": probe(False, available=("CPUExecutionProvider",))})
    finding = only(run(config_for(CUDA, evaluator=True), described, env(GPU_ENV)), "OLV611")
    assert "not in onnxruntime.get_available_providers()" in finding.detail and "OLV602" in finding.detail


def test_olv611_not_when_it_loads_the_target_is_unused_or_the_package_is_missing():
    loads = machine(nvidia=DRIVER, provider_probes={"": probe(True)})
    assert not machine_findings(run(config_for(CUDA, evaluator=True), loads, env(GPU_ENV)))
    broken = machine(nvidia=DRIVER, provider_probes={"": probe(False, error_text="x")})
    assert not find(run(config_for(CUDA), broken, env(GPU_ENV)), "OLV611")  # nothing runs on the target
    assert not find(run(config_for(CUDA, evaluator=True), broken, env(CPU_ENV)), "OLV611")  # OLV601's case


def test_olv612_provider_that_loads_only_after_preload():
    described = machine(nvidia=DRIVER, provider_probes={"": probe(True, after_preload=True, error_text="libcublasLt.so.12: cannot open")})
    finding = only(run(config_for(CUDA, evaluator=True), described, env(GPU_ENV)), "OLV612")
    assert finding.severity == "information" and "preload_dlls" in finding.message
    assert not find(run(config_for(CUDA, evaluator=True), described, env(GPU_ENV)), "OLV611")


# --- OLV613: DirectML off Windows -----------------------------------------------------------------------------


def test_olv613_directml_on_linux():
    used = only(run(config_for("DmlExecutionProvider", evaluator=True), machine()), "OLV613")
    assert used.severity == "warning" and "needs Windows" in used.message and "cannot be found in the target system" in used.detail
    built = only(run(config_for("DmlExecutionProvider"), machine(system="Darwin")), "OLV613")
    assert built.severity == "information" and "macOS" in built.message
    assert not find(run(config_for("DmlExecutionProvider", evaluator=True), machine(system="Windows")), "OLV613")


# --- OLV614 / OLV615: memory and disk for the model ------------------------------------------------------------


def sparse_model(folder: Path, params: int, dtype: str = "BF16") -> Path:
    """A Hugging Face folder whose safetensors header says `params` weights; the data is a hole."""
    folder.mkdir(parents=True)
    header = json.dumps({"w": {"dtype": dtype, "shape": [params], "data_offsets": [0, params * 2]}}).encode()
    with open(folder / "model.safetensors", "wb") as handle:
        handle.write(struct.pack("<Q", len(header)) + header)
        handle.truncate(8 + len(header) + params * 2)
    (folder / "config.json").write_text(json.dumps({"model_type": "llama"}))
    (folder / "tokenizer.json").write_text("{}")
    return folder


def test_olv614_an_8b_model_on_a_16gb_machine(tmp_path):
    model = sparse_model(tmp_path / "llama-8b", 8_000_000_000)
    config_file = tmp_path / "config.json"
    config = config_for("CPUExecutionProvider", device="cpu", model_path=str(model))
    described = machine(memory=MemoryInfo(16 * GB, 12 * GB, "/proc/meminfo MemAvailable"))
    finding = only(run(config, described, path=config_file), "OLV614")
    assert finding.severity == "warning"
    assert finding.message == "ModelBuilder needs about 59.6 GB of memory for this model; 12.0 GB is available"
    assert "8.0B weights (from safetensors headers) x 4 bytes" in finding.detail and "MemAvailable" in finding.detail
    text = json.dumps(config, indent=2)
    line = text.splitlines()[finding.range.start.line]
    assert '"ModelBuilder"' in line  # on the pass that needs it
    assert_headline(finding)
    big = machine(memory=MemoryInfo(128 * GB, 100 * GB, "/proc/meminfo MemAvailable"))
    assert not find(run(config, big, path=config_file), "OLV614")  # about 60 GB of 100 GB available


def test_olv614_onnx_model_and_unknown_memory(tmp_path):
    (tmp_path / "model.onnx").write_bytes(b"x")
    with open(tmp_path / "model.onnx.data", "wb") as handle:
        handle.truncate(10 * GB)
    config = {
        "input_model": {"type": "ONNXModel", "model_path": str(tmp_path / "model.onnx")},
        "passes": {"q": {"type": "OnnxDynamicQuantization"}},
    }
    finding = only(run(config, machine(memory=MemoryInfo(16 * GB, 8 * GB, "test"))), "OLV614")
    assert finding.message.startswith("OnnxDynamicQuantization needs about 20.0 GB") and "loads the ONNX model" in finding.detail
    assert not find(run(config, machine(memory=MemoryInfo(None, None, "unknown"))), "OLV614")


def test_olv615_not_enough_disk_for_cache_and_output(tmp_path):
    model = sparse_model(tmp_path / "llama-8b", 8_000_000_000)
    config = config_for("CPUExecutionProvider", device="cpu", model_path=str(model))
    config["passes"]["builder"]["precision"] = "fp16"
    config["output_dir"] = "out"
    path = tmp_path / "config.json"
    tight = machine(disks={"": DiskInfo(str(tmp_path), 100 * GB, 20 * GB, 7)})
    finding = only(run(config, tight, path=path), "OLV615")
    # fp16: 8B x 2 bytes in the cache, and again in output_dir
    assert finding.severity == "warning" and finding.message.startswith("This run needs about 29.8 GB of disk for the cache and output; 20.0 GB is free")
    assert "ModelBuilder 14.9 GB" in finding.detail and "No space left on device" in finding.detail
    text = json.dumps(config, indent=2)
    assert '"out"' in text.splitlines()[finding.range.start.line]  # on output_dir
    assert not find(run(config, machine(), path=path), "OLV615")
    # The cache on another filesystem than the output: each is compared with its own.
    split = machine(disks={"": DiskInfo("/", 100 * GB, 90 * GB, 1), str(tmp_path / ".olive-cache"): DiskInfo("/cache", 100 * GB, 10 * GB, 2)})
    finding = only(run(config, split, path=path), "OLV615")
    assert finding.message == "This run needs about 14.9 GB of disk for the cache; 10.0 GB is free on /cache"


# --- OLV616-OLV618: the Hugging Face cache while offline ------------------------------------------------------

REPO = "HuggingFaceTB/SmolLM2-135M-Instruct"


def cached_repo(hub: Path, files: dict[str, bytes | None]) -> Path:
    repo = repo_folder(hub, REPO)
    snapshot = repo / "snapshots" / "c0ffee"
    snapshot.mkdir(parents=True)
    (repo / "blobs").mkdir()
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("c0ffee")
    for i, (name, content) in enumerate(files.items()):
        blob = repo / "blobs" / f"b{i}"
        if content is not None:
            blob.write_bytes(content)
        (snapshot / name).symlink_to(os.path.relpath(blob, snapshot))
    return snapshot


def offline(hub: Path, **kwargs) -> Machine:
    return machine(hf=HfCacheInfo(hub_dir=str(hub), home=str(hub.parent), source="HF_HOME", offline=True, offline_variable="HF_HUB_OFFLINE=1"), **kwargs)


def weights_bytes() -> bytes:
    header = json.dumps({"w": {"dtype": "BF16", "shape": [8], "data_offsets": [0, 16]}}).encode()
    return struct.pack("<Q", len(header)) + header + bytes(16)


def test_olv616_offline_hub_id_not_in_the_cache(tmp_path):
    finding = only(run(config_for("CPUExecutionProvider", device="cpu"), offline(tmp_path / "hub")), "OLV616")
    assert finding.severity == "warning"
    assert finding.message == f"HF_HUB_OFFLINE=1 is set and '{REPO}' is not in the local Hugging Face cache"
    assert str(tmp_path / "hub") in finding.detail and "repo_info" in finding.detail
    online = machine(hf=HfCacheInfo(hub_dir=str(tmp_path / "hub"), home=str(tmp_path)))
    assert not machine_findings(run(config_for("CPUExecutionProvider", device="cpu"), online))


def test_olv617_offline_snapshot_without_weights_or_tokenizer(tmp_path):
    cached_repo(tmp_path / "hub", {"config.json": b"{}"})
    finding = only(run(config_for("CPUExecutionProvider", device="cpu"), offline(tmp_path / "hub")), "OLV617")
    assert finding.severity == "warning" and finding.message.startswith(f"The cached snapshot of '{REPO}' has no weights (and more)")
    assert "tokenizer files" in finding.detail and "huggingface-cli download" in finding.detail
    assert_headline(finding)
    assert not find(run(config_for("CPUExecutionProvider", device="cpu"), offline(tmp_path / "hub")), "OLV616")


def test_olv618_offline_hub_id_that_is_cached(tmp_path):
    snapshot = cached_repo(tmp_path / "hub", {"config.json": b"{}", "model.safetensors": weights_bytes(), "tokenizer.json": b"{}"})
    config = config_for("CPUExecutionProvider", device="cpu")
    finding = only(run(config, offline(tmp_path / "hub")), "OLV618")
    assert finding.severity == "warning" and "cannot look up hub id" in finding.message
    assert str(snapshot) in finding.detail and "OfflineModeIsEnabled" in finding.detail
    assert not find(run(config, offline(tmp_path / "hub")), "OLV616") and not find(run(config, offline(tmp_path / "hub")), "OLV617")
    # With an adapter_path Olive does not call repo_info: the cached model loads offline.
    config["input_model"]["adapter_path"] = str(tmp_path)
    assert not machine_findings(run(config, offline(tmp_path / "hub")))


def test_olive_ls_runs_workspace_cache_counts_without_hf_home(tmp_path):
    # Without HF_HOME, `olive-ls run` gives Olive <config dir>/.olive-ls/hf-home: a model cached there is cached.
    cached_repo(tmp_path / ".olive-ls" / "hf-home" / "hub", {"config.json": b"{}", "model.safetensors": weights_bytes(), "tokenizer.json": b"{}"})
    described = machine(hf=HfCacheInfo(hub_dir=str(tmp_path / "nowhere"), home=str(tmp_path), offline=True, offline_variable="HF_HUB_OFFLINE=1"))
    findings = run(config_for("CPUExecutionProvider", device="cpu"), described, path=tmp_path / "config.json")
    assert [f.code for f in machine_findings(findings)] == ["OLV618"]


# --- switches and registry ------------------------------------------------------------------------------------


def test_machine_rules_are_off_with_environment_checks_off():
    with use_machine(machine()):
        findings = check(config_for(CUDA, evaluator=True))  # no environment: --no-env
    assert not machine_findings(findings)


def test_machine_codes_are_registered_as_warnings_or_information():
    codes = all_codes()
    for code in MACHINE_CODES:
        assert codes[code].family == "machine" and codes[code].severity in ("warning", "information")
        assert codes[code].explanation  # the docstring: docs/rules.md and olive-ls explain


# --- this machine, for real -----------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("nvidia-smi") is not None or os.path.isdir("/proc/driver/nvidia"), reason="this machine has an NVIDIA driver")
def test_real_machine_without_nvidia_driver_flags_a_cuda_target():
    from olive_ls.environment import current_environment

    findings = check(config_for(CUDA, evaluator=True), environment=current_environment())
    finding = only(findings, "OLV610")
    assert finding.severity == "warning"
