"""olive_ls.machine: the probes of this machine, the model-size and Hugging Face cache readers, the estimates.

Most tests describe a machine or build files (sparse ones for big models) in tmp_path; a few read this machine's
real probes and ask this Python's real onnxruntime in a subprocess.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from olive_ls.machine import GB, DiskInfo, Machine, MemoryInfo, ProviderProbe, current_machine, hf_cache_info, probe_machine, use_machine
from olive_ls.machine.estimates import Step, disk_estimate, memory_estimate
from olive_ls.machine.hf_cache import cache_size, find_snapshot, repo_folder
from olive_ls.machine.probes import existing_folder, probe_disk, probe_memory, probe_nvidia
from olive_ls.machine.providers import probe_providers
from olive_ls.machine.weights import hf_weights, onnx_weights


# --- helpers that build model files --------------------------------------------------------------------------


def write_safetensors(path: Path, tensors: dict[str, tuple[str, list[int]]], sparse_size: int | None = None) -> Path:
    """A safetensors file whose header lists `tensors`; its data is a hole (a sparse file) of the right size."""
    sizes = {"F32": 4, "F16": 2, "BF16": 2, "I8": 1}
    header, offset = {}, 0
    for name, (dtype, shape) in tensors.items():
        n = 1
        for d in shape:
            n *= d
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + n * sizes[dtype]]}
        offset += n * sizes[dtype]
    raw = json.dumps(header).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(struct.pack("<Q", len(raw)) + raw)
        handle.truncate(8 + len(raw) + (sparse_size if sparse_size is not None else offset))
    return path


def hf_model_folder(folder: Path, params: int = 1_000_000_000, dtype: str = "BF16", tokenizer: bool = True) -> Path:
    write_safetensors(folder / "model.safetensors", {"w": (dtype, [params])})
    (folder / "config.json").write_text(json.dumps({"model_type": "llama", "torch_dtype": "bfloat16"}))
    if tokenizer:
        (folder / "tokenizer.json").write_text("{}")
    return folder


def hf_cache_repo(hub: Path, repo_id: str, files: dict[str, bytes | None], commit: str = "abc123") -> Path:
    """models--org--name/{blobs,refs/main,snapshots/<commit>} as huggingface_hub writes it; None: a dangling link."""
    repo = repo_folder(hub, repo_id)
    snapshot = repo / "snapshots" / commit
    snapshot.mkdir(parents=True)
    (repo / "blobs").mkdir()
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    for i, (name, content) in enumerate(files.items()):
        blob = repo / "blobs" / f"blob{i}"
        if content is not None:
            blob.write_bytes(content)
        (snapshot / name).symlink_to(os.path.relpath(blob, snapshot))
    return snapshot


# --- this machine's real probes ------------------------------------------------------------------------------


def test_real_probes_describe_this_machine():
    machine = probe_machine()
    has_driver = shutil.which("nvidia-smi") is not None or os.path.isdir("/proc/driver/nvidia")
    assert machine.nvidia.driver_present is has_driver
    if not has_driver:
        assert machine.nvidia.gpus == () and machine.nvidia.smi is None
    if Path("/proc/meminfo").is_file():
        assert machine.memory.total and 0 < machine.memory.available <= machine.memory.total
        assert "MemAvailable" in machine.memory.source
    disk = machine.disk(Path.cwd() / "not" / "made" / "yet")
    assert disk is not None and 0 < disk.free <= disk.total and Path(disk.path) == Path.cwd()
    assert machine.system in ("Linux", "Windows", "Darwin")
    json.dumps(machine.to_json())  # the description is plain data


def test_current_machine_is_the_injected_one_inside_use_machine():
    described = Machine(system="Windows", memory=MemoryInfo(8 * GB, 1 * GB))
    with use_machine(described):
        assert current_machine() is described
        inner = Machine(system="Darwin")
        with use_machine(inner):
            assert current_machine() is inner
        assert current_machine() is described
    assert current_machine() is not described


def test_probing_imports_no_heavy_or_lsp_module():
    probe = (
        "import sys\n"
        "from olive_ls.machine import current_machine\n"
        "from olive_ls.machine.report import machine_checks\n"
        "import olive_ls.machine.estimates, olive_ls.machine.hf_cache\n"
        "m = current_machine(); m.disk('.'); m.providers(sys.executable, ('CPUExecutionProvider',))\n"
        "print('LOADED', sorted(k for k in sys.modules if k.split('.')[0] in ('olive', 'torch', 'onnxruntime', 'transformers', 'pygls', 'lsprotocol')))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert "LOADED []" in out.stdout, out.stdout + out.stderr


# --- NVIDIA --------------------------------------------------------------------------------------------------


def fake_smi(folder: Path, script: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    smi = folder / "nvidia-smi"
    smi.write_text("#!/bin/sh\n" + script)
    smi.chmod(0o755)
    return str(folder)


@pytest.mark.skipif(sys.platform == "win32", reason="shell scripts")
def test_nvidia_smi_is_read_for_gpus_and_driver(tmp_path):
    path = fake_smi(tmp_path / "bin", 'echo "NVIDIA H200, 143771, 570.86.15"\necho "NVIDIA H200, 143771, 570.86.15"\n')
    info = probe_nvidia(path_env=path, proc_driver=str(tmp_path / "none"))
    assert info.driver_present and info.error is None
    assert [g.name for g in info.gpus] == ["NVIDIA H200", "NVIDIA H200"]
    assert info.gpus[0].memory_mb == 143771 and info.driver_version == "570.86.15"


@pytest.mark.skipif(sys.platform == "win32", reason="shell scripts")
def test_a_failing_nvidia_smi_is_an_error_not_a_gpu(tmp_path):
    path = fake_smi(tmp_path / "bin", 'echo "NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver."\nexit 9\n')
    info = probe_nvidia(path_env=path, proc_driver=str(tmp_path / "none"))
    assert info.driver_present and info.gpus == ()
    assert "could not communicate with the NVIDIA driver" in info.error


def test_no_smi_and_no_proc_driver_is_no_driver(tmp_path):
    info = probe_nvidia(path_env=str(tmp_path), proc_driver=str(tmp_path / "none"))
    assert not info.driver_present
    proc = tmp_path / "proc-nvidia"
    proc.mkdir()
    (proc / "version").write_text("NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.14  Thu Feb 22 01:44:30 UTC 2024\n")
    info = probe_nvidia(path_env=str(tmp_path), proc_driver=str(proc))
    assert info.driver_present and info.driver_version == "550.54.14"


# --- memory and disk -----------------------------------------------------------------------------------------


def test_meminfo_available_and_old_kernels(tmp_path):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       16384000 kB\nMemFree:         1000000 kB\nMemAvailable:    8192000 kB\n")
    assert probe_memory(str(meminfo)) == MemoryInfo(16384000 * 1024, 8192000 * 1024, f"{meminfo} MemAvailable")
    meminfo.write_text("MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 10 kB\nCached: 200 kB\n")
    assert probe_memory(str(meminfo)).available == 310 * 1024


def test_disk_of_a_folder_not_made_yet_is_its_parents(tmp_path):
    assert existing_folder(tmp_path / "out" / "deeper") == tmp_path
    disk = probe_disk(tmp_path / "out")
    assert disk.path == str(tmp_path) and disk.device == os.stat(tmp_path).st_dev


def test_described_disks_match_by_longest_prefix():
    machine = Machine(system="Linux", disks={"": DiskInfo("/", 100, 50, 1), "/big": DiskInfo("/big", 1000, 900, 2)})
    assert machine.disk("/big/out").free == 900 and machine.disk("/home/x").free == 50


# --- the Hugging Face cache ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "env, hub, source, offline",
    [
        ({}, "{home}/.cache/huggingface/hub", "default", False),
        ({"HF_HOME": "/data/hf"}, "/data/hf/hub", "HF_HOME", False),
        ({"XDG_CACHE_HOME": "/xdg"}, "/xdg/huggingface/hub", "default", False),
        ({"HF_HOME": "/data/hf", "HF_HUB_CACHE": "/fast/hub"}, "/fast/hub", "HF_HUB_CACHE", False),
        ({"HF_HUB_OFFLINE": "1"}, "{home}/.cache/huggingface/hub", "default", True),
        ({"TRANSFORMERS_OFFLINE": "yes"}, "{home}/.cache/huggingface/hub", "default", True),
        # huggingface_hub reads HF_HUB_OFFLINE or TRANSFORMERS_OFFLINE: a set HF_HUB_OFFLINE=0 decides.
        ({"HF_HUB_OFFLINE": "0", "TRANSFORMERS_OFFLINE": "1"}, "{home}/.cache/huggingface/hub", "default", False),
    ],
)
def test_hf_cache_location_and_offline_as_huggingface_hub_computes_them(env, hub, source, offline):
    info = hf_cache_info(env)
    assert info.hub_dir == hub.format(home=os.path.expanduser("~"))
    assert info.source == source and info.offline is offline
    assert info.explicit is (source != "default")


def test_a_complete_snapshot(tmp_path):
    hub = tmp_path / "hub"
    header = json.dumps({"w": {"dtype": "F16", "shape": [4, 4], "data_offsets": [0, 32]}}).encode()
    weights = struct.pack("<Q", len(header)) + header + bytes(32)
    hf_cache_repo(hub, "org/model", {"config.json": b"{}", "model.safetensors": weights, "tokenizer.json": b"{}"})
    snapshot = find_snapshot(hub, "org/model")
    assert snapshot.complete and snapshot.revision == "abc123"
    assert snapshot.weights.parameters == 16 and snapshot.weights.bytes_per_parameter == 2
    assert find_snapshot(hub, "org/other") is None
    size = cache_size(hub)
    assert size.models == 1 and size.repos == ["org/model"] and size.bytes == len(weights) + 4


def test_incomplete_snapshots_say_what_is_missing(tmp_path):
    hub = tmp_path / "hub"
    hf_cache_repo(hub, "org/only-config", {"config.json": b"{}"})
    missing = find_snapshot(hub, "org/only-config").missing
    assert len(missing) == 2 and missing[0] == "weights (*.safetensors or *.bin)" and missing[1].startswith("tokenizer files")
    # An interrupted download: the weights' link points at a blob that is not there.
    hf_cache_repo(hub, "org/interrupted", {"config.json": b"{}", "tokenizer.json": b"{}", "model.safetensors": None})
    interrupted = find_snapshot(hub, "org/interrupted")
    assert not interrupted.complete and interrupted.broken_links == ("model.safetensors",)
    # A sharded model with a shard missing from the index.
    index = json.dumps({"weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}}).encode()
    header = json.dumps({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}).encode()
    shard = struct.pack("<Q", len(header)) + header + bytes(8)
    hf_cache_repo(
        hub,
        "org/sharded",
        {"config.json": b"{}", "tokenizer.json": b"{}", "model.safetensors.index.json": index, "model-00001-of-00002.safetensors": shard},
    )
    sharded = find_snapshot(hub, "org/sharded")
    assert sharded.missing_shards == ("model-00002-of-00002.safetensors",) and not sharded.complete


# --- model weights -------------------------------------------------------------------------------------------


def test_weights_from_safetensors_headers_of_a_sparse_8b_model(tmp_path):
    folder = hf_model_folder(tmp_path / "big", params=8_000_000_000)
    weights = hf_weights(folder)
    assert weights.kind == "safetensors" and weights.parameters == 8_000_000_000
    assert weights.bytes_per_parameter == 2 and weights.dtype_source == "safetensors headers"
    assert weights.size > 16_000_000_000  # the file's size (a hole on disk)


def test_weights_of_bin_checkpoints_use_config_dtype_and_skip_trainer_state(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    with open(folder / "pytorch_model.bin", "wb") as handle:
        handle.truncate(4000)
    (folder / "training_args.bin").write_bytes(b"x" * 100)
    (folder / "config.json").write_text(json.dumps({"torch_dtype": "float16"}))
    weights = hf_weights(folder)
    assert weights.files == ("pytorch_model.bin",) and weights.size == 4000
    assert weights.parameter_count == 2000 and "torch_dtype" in weights.dtype_source
    assert hf_weights(tmp_path) is None


def test_onnx_weights_count_external_data(tmp_path):
    (tmp_path / "model.onnx").write_bytes(b"x" * 10)
    with open(tmp_path / "model.onnx.data", "wb") as handle:
        handle.truncate(5000)
    (tmp_path / "other.txt").write_text("x")
    assert onnx_weights(tmp_path / "model.onnx").size == 5010
    assert onnx_weights(tmp_path).files == ("model.onnx", "model.onnx.data")
    assert onnx_weights(tmp_path / "other.txt") is None


# --- estimates -----------------------------------------------------------------------------------------------


def test_memory_estimate_of_a_conversion_is_twice_fp32(tmp_path):
    weights = hf_weights(hf_model_folder(tmp_path / "m", params=1_000_000_000))
    estimate = memory_estimate("hf", weights, [Step("b", "ModelBuilder", True, "int4")])
    assert estimate.bytes == 8_000_000_000 and estimate.step == "b"
    assert "ModelBuilder loads the model in fp32" in estimate.basis and "x 4 bytes" in estimate.basis
    assert memory_estimate("hf", weights, [Step("l", "LoRA", False)]) is None


def test_disk_estimate_follows_precision_through_the_passes(tmp_path):
    weights = hf_weights(hf_model_folder(tmp_path / "m", params=1_000_000_000))
    cache, output, basis = disk_estimate("hf", weights, [Step("c", "OnnxConversion", True), Step("q", "OnnxBlockWiseRtnQuantization", True)])
    assert (cache, output) == (4_000_000_000 + 750_000_000, 750_000_000)
    assert "OnnxConversion" in basis and "output_dir" in basis
    cache, output, _ = disk_estimate("hf", weights, [Step("b", "ModelBuilder", True, "fp16")])
    assert cache == output == 2_000_000_000


# --- onnxruntime providers, asked in a subprocess ------------------------------------------------------------


@pytest.mark.skipif(__import__("importlib").util.find_spec("onnxruntime") is None, reason="needs onnxruntime in this Python")
def test_this_pythons_onnxruntime_is_asked_in_a_subprocess():
    probe = probe_providers(sys.executable, ("CPUExecutionProvider", "CUDAExecutionProvider"))
    assert probe.error is None and probe.onnxruntime
    assert "CPUExecutionProvider" in probe.available and probe.loads["CPUExecutionProvider"] is True
    if "CUDAExecutionProvider" not in probe.available:
        assert probe.loads["CUDAExecutionProvider"] is False
        assert "get_available_providers" in probe.errors["CUDAExecutionProvider"]
    assert "onnxruntime" not in sys.modules  # never imported here
    assert probe_providers(sys.executable, ("CPUExecutionProvider", "CUDAExecutionProvider")) is probe  # cached


@pytest.mark.skipif(sys.platform == "win32", reason="shell scripts")
def test_a_python_without_onnxruntime_is_an_error(tmp_path):
    python = tmp_path / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" -S "$@"\n')  # -S: no site-packages, so no onnxruntime
    python.chmod(0o755)
    probe = probe_providers(str(python), ("CUDAExecutionProvider",))
    assert probe.error and "import onnxruntime failed" in probe.error
    assert probe_providers(str(tmp_path / "missing"), ("CUDAExecutionProvider",)).error.startswith("could not run python")


@pytest.mark.skipif(sys.platform == "win32", reason="shell scripts")
def test_the_server_does_not_wait_for_a_slow_probe(tmp_path):
    """The language server's mode: an unanswered probe is PENDING at once (no finding waits on it), answers in its
    own thread, says so, and is then the cached answer."""
    import threading
    import time

    from olive_ls.machine import providers

    python = tmp_path / "python"
    python.write_text(f'#!/bin/sh\nsleep 1\nexec "{sys.executable}" -S "$@"\n')  # a CUDA initialisation's wait
    python.chmod(0o755)
    answered = threading.Event()
    providers.answer_in_background(answered.set)
    try:
        started = time.monotonic()
        first = probe_providers(str(python), ("CUDAExecutionProvider",))
        assert time.monotonic() - started < 0.5
        assert first.error and providers.PENDING in first.error
        assert probe_providers(str(python), ("CUDAExecutionProvider",)).error == first.error  # one probe in flight
        assert answered.wait(30)
        probe = probe_providers(str(python), ("CUDAExecutionProvider",))
        assert probe.error and "import onnxruntime failed" in probe.error  # the real answer
    finally:
        providers.answer_in_background(None)
        providers.clear_cache()


def test_described_provider_answers():
    answer = ProviderProbe(python="/x", onnxruntime="1.22.0", available=("CUDAExecutionProvider",), loads={"CUDAExecutionProvider": False})
    machine = Machine(system="Linux", provider_probes={"": answer})
    assert machine.providers("/any/python", ("CUDAExecutionProvider",)) is answer
