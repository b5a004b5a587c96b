"""`olive-ls doctor`: the real environment and machine, another Python without olive-ai, a config's needs, the
text and JSON forms, exit codes, and that Olive, torch and onnxruntime are never imported into olive-ls."""

from __future__ import annotations

import copy
import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diagnostic_helpers import TINY  # noqa: E402

from olive_ls.cli import doctor  # noqa: E402
from olive_ls.environment import Environment  # noqa: E402
from olive_ls.machine import GB, DiskInfo, HfCacheInfo, Machine, MemoryInfo, NvidiaInfo, use_machine  # noqa: E402

HAS_OLIVE = importlib.util.find_spec("olive") is not None


def olive_ls(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "olive_ls", "doctor", *args], capture_output=True, text=True, timeout=timeout)


def by_id(report: dict) -> dict[str, dict]:
    return {check["id"]: check for check in report["checks"]}


def cuda_config(evaluator: bool = True) -> dict:
    """TINY built for CUDA; with an evaluator the target is used (Olive then needs the EP here)."""
    config = copy.deepcopy(TINY)
    config["systems"]["local_system"]["accelerators"] = [{"device": "gpu", "execution_providers": ["CUDAExecutionProvider"]}]
    if evaluator:
        config["data_configs"] = [{"name": "d", "type": "TransformersTokenDummyDataContainer"}]
        config["evaluators"] = {"e": {"metrics": [{"name": "l", "type": "latency", "sub_types": [{"name": "avg"}], "data_config": "d"}]}}
        config["evaluator"] = "e"
    return config


@pytest.fixture
def config_file(tmp_path) -> Path:
    config = cuda_config()
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config, indent=2))
    return path


# --- this machine, for real ------------------------------------------------------------------------------------


@pytest.mark.skipif(not HAS_OLIVE, reason="needs olive-ai in this Python (the run extra)")
def test_doctor_json_on_this_environment():
    result = olive_ls("--json")
    report = json.loads(result.stdout)
    assert result.returncode == (0 if report["ok"] else 1), result.stdout
    assert report["python"]["path"] == sys.executable and report["python"]["error"] is None
    assert report["olive_ai"] == importlib.metadata.version("olive-ai") == "0.13.0"
    assert report["catalog"] == "0.13.0"
    checks = by_id(report)
    assert checks["olive-ai"]["status"] == "ok" and checks["catalog"]["status"] == "ok"
    assert checks["onnxruntime"]["status"] == "ok" and "onnxruntime" in checks["onnxruntime"]["value"]
    for name in ("torch", "transformers", "pydantic"):
        assert checks[name]["value"] == importlib.metadata.version(name)
    has_driver = shutil.which("nvidia-smi") is not None or os.path.isdir("/proc/driver/nvidia")
    assert report["machine"]["nvidia"]["driver_present"] is has_driver
    if not has_driver:
        # No GPU and no GPU package: nothing wrong, the line says so.
        gpu_packages = {"onnxruntime-gpu", "onnxruntime-genai-cuda"} & {d.metadata["Name"].lower() for d in importlib.metadata.distributions()}
        assert checks["gpu"]["status"] == ("warning" if gpu_packages else "ok")
        assert checks["gpu"]["value"].startswith("none (no nvidia-smi on PATH, no /proc/driver/nvidia)")
        assert not any(check_id.startswith("provider:") for check_id in checks)
    assert checks["memory"]["status"] in ("ok", "warning") and "available of" in checks["memory"]["value"]
    assert "free of" in checks["disk"]["value"] and checks["hf-cache"]["status"] == "ok"
    assert report["elapsed_s"] < 2.0, report["elapsed_s"]


@pytest.mark.skipif(not HAS_OLIVE, reason="needs olive-ai in this Python (the run extra)")
def test_doctor_text_on_this_environment_with_a_config(config_file):
    result = olive_ls(str(config_file))
    lines = result.stdout.splitlines()
    assert lines[0] == f"olive-ls doctor: {sys.executable}"
    assert any(line.startswith("  ✓ olive-ai") and line.endswith("0.13.0") for line in lines)
    assert f"Config {config_file} (Olive 0.13.0 catalog):" in lines
    needs = next(line for line in lines if "target CUDAExecutionProvider" in line)
    assert "needs onnxruntime-gpu (not installed)" in needs and needs.startswith("  ✗")
    assert result.returncode == 1  # the CUDA target is used (an evaluator) and its package is missing
    # Values start in one column.
    rows = [line for line in lines if line[:4] in ("  ✓ ", "  ! ", "  ✗ ", "  i ")]
    columns = {len(line) - len(line[4:].lstrip(" ").split("  ", 1)[-1].lstrip(" ")) for line in rows if "  " in line[4:]}
    assert len(columns) == 1, rows
    assert lines[-1].endswith(" s") and " ok, " in lines[-1]


# --- another Python ------------------------------------------------------------------------------------------


@pytest.fixture
def bare_python(tmp_path) -> str:
    python3 = shutil.which("python3") or sys.executable
    venv = tmp_path / "bare"
    subprocess.run([python3, "-m", "venv", "--without-pip", str(venv)], check=True, capture_output=True, timeout=120)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    assert python.exists()
    return str(python)


def test_doctor_on_a_python_without_olive_ai(bare_python):
    result = olive_ls("--python", bare_python, "--json")
    report = json.loads(result.stdout)
    assert result.returncode == 1
    assert report["python"]["path"] == bare_python and report["python"]["version"]
    assert report["olive_ai"] is None
    checks = by_id(report)
    assert checks["olive-ai"]["status"] == "problem" and checks["olive-ai"]["fix"] == "pip install olive-ai==0.13.0"
    assert checks["catalog"]["value"] == "Olive 0.13.0" and "not installed" in checks["catalog"]["detail"]
    assert checks["onnxruntime"]["status"] == "problem"
    assert checks["torch"]["status"] == "info"  # nothing needs it without olive-ai


def test_doctor_on_a_python_that_does_not_exist(tmp_path):
    result = olive_ls("--python", str(tmp_path / "nope"), "--json")
    report = json.loads(result.stdout)
    assert result.returncode == 1 and by_id(report)["python"]["status"] == "problem"
    assert "could not inspect python" in by_id(report)["python"]["detail"]


def test_unreadable_config_is_exit_2(tmp_path):
    result = olive_ls(str(tmp_path / "missing.json"))
    assert result.returncode == 2 and "missing.json" in result.stderr


def test_doctor_never_imports_olive_torch_or_onnxruntime(config_file):
    probe = (
        "import sys\nfrom olive_ls.cli.main import main\n"
        "code = main(['doctor', '--json', sys.argv[1]])\n"
        "heavy = [m for m in ('olive', 'torch', 'transformers', 'onnxruntime', 'onnxruntime_genai') if m in sys.modules]\n"
        "print('HEAVY', heavy, 'CODE', code)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe, str(config_file)], capture_output=True, text=True, timeout=120)
    assert "HEAVY []" in result.stdout, result.stdout[-2000:] + result.stderr


# --- described environments and machines ---------------------------------------------------------------------


def fake_machine(**overrides) -> Machine:
    values = dict(
        system="Linux",
        nvidia=NvidiaInfo(),
        memory=MemoryInfo(32 * GB, 20 * GB, "/proc/meminfo MemAvailable"),
        hf=HfCacheInfo(hub_dir="/nonexistent/hub", home="/nonexistent"),
        disks={"": DiskInfo("/", 500 * GB, 200 * GB, 1)},
        provider_probes={},
    )
    values.update(overrides)
    return Machine(**values)


def report_for(monkeypatch, distributions: dict, machine: Machine, config: Path | None = None) -> dict:
    environment = Environment(python="/opt/venv/bin/python", distributions=distributions, python_version="3.11.9")
    monkeypatch.setattr("olive_ls.environment.current_environment", lambda: environment)
    with use_machine(machine):
        return doctor.build_report(None, config)


WORKING = {"olive-ai": "0.13.0", "onnxruntime": "1.32.0", "onnxruntime-genai": "0.14.1", "pydantic": "2.13.5", "torch": "2.13.0", "transformers": "5.24.0"}


def test_each_package_problem_has_its_status_and_fix(monkeypatch):
    broken = {**WORKING, "onnxruntime-gpu": "1.22.0", "onnxruntime-genai": "0.15.2", "pydantic": "2.14.1"}
    report = report_for(monkeypatch, broken, fake_machine())
    checks = by_id(report)
    assert checks["onnxruntime"]["status"] == "problem" and "several flavours" in checks["onnxruntime"]["value"]
    assert checks["onnxruntime"]["fix"] == "keep one: pip uninstall -y onnxruntime onnxruntime-gpu && pip install onnxruntime-gpu"
    assert checks["onnxruntime-genai"]["status"] == "problem" and "Hugging Face details not found" in checks["onnxruntime-genai"]["detail"]
    assert checks["pydantic"]["status"] == "warning" and checks["pydantic"]["fix"] == 'pip install "pydantic<2.14"'
    # onnxruntime-gpu without a driver: the GPU line warns.
    assert checks["gpu"]["status"] == "warning" and "onnxruntime-gpu" in checks["gpu"]["fix"]
    assert not report["ok"] and report["counts"]["problem"] == 2


def test_gpu_lines_with_a_driver(monkeypatch):
    from olive_ls.machine import GpuInfo, ProviderProbe

    probe = ProviderProbe(python="/opt/venv/bin/python", onnxruntime="1.22.0", available=("CUDAExecutionProvider",), loads={"CUDAExecutionProvider": False}, errors={"CUDAExecutionProvider": "libcudnn.so.9: cannot open shared object file"})
    machine = fake_machine(nvidia=NvidiaInfo(smi="/usr/bin/nvidia-smi", driver_version="570.86.15", gpus=(GpuInfo("NVIDIA H200", 143771, "570.86.15"),)), provider_probes={"": probe})
    gpu_env = {**{k: v for k, v in WORKING.items() if k != "onnxruntime"}, "onnxruntime-gpu": "1.22.0"}
    checks = by_id(report_for(monkeypatch, gpu_env, machine))
    assert checks["gpu"] == {"id": "gpu", "label": "NVIDIA GPU", "status": "ok", "value": "driver 570.86.15, NVIDIA H200 (140 GB)"}
    provider = checks["provider:CUDAExecutionProvider"]
    assert provider["status"] == "problem" and "libcudnn.so.9" in provider["value"]


def test_directml_low_memory_and_offline_cache(monkeypatch, tmp_path):
    machine = fake_machine(
        memory=MemoryInfo(8 * GB, 2 * GB, "test"),
        disks={"": DiskInfo("/", 100 * GB, 1 * GB, 1)},
        hf=HfCacheInfo(hub_dir=str(tmp_path), home=str(tmp_path), source="HF_HOME", offline=True, offline_variable="HF_HUB_OFFLINE=1"),
    )
    checks = by_id(report_for(monkeypatch, {**WORKING, "onnxruntime-directml": "1.22.0"}, machine))
    assert checks["directml"]["status"] == "problem" and "only on Windows" in checks["directml"]["fix"]
    assert checks["memory"]["status"] == "warning" and checks["disk"]["status"] == "warning"
    assert checks["hf-cache"]["value"] == f"{tmp_path} (from HF_HOME): 0 model(s), 0 MB; offline (HF_HUB_OFFLINE=1): hub ids must be in this cache"


def test_a_configs_needs_and_machine_findings(monkeypatch, tmp_path):
    config = cuda_config()
    config["passes"]["lora"] = {"type": "LoRA", "train_data_config": "d"}
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config, indent=2))
    report = report_for(monkeypatch, WORKING, fake_machine(), path)
    needs = {line["label"]: line for line in report["config"]["needs"]}
    assert needs["pass builder (ModelBuilder)"] == {"label": "pass builder (ModelBuilder)", "status": "ok", "value": "needs onnxruntime-genai 0.14.1"}
    lora = needs["pass lora (LoRA)"]
    assert lora["status"] == "problem" and "peft (not installed)" in lora["value"] and "peft" in lora["fix"]
    assert needs["target CUDAExecutionProvider"]["status"] == "problem"
    codes = [f["code"] for f in report["config"]["findings"]]
    assert "OLV610" in codes  # the machine rules' findings (a CUDA target used here without a driver)
    assert "OLV607" not in codes and "OLV601" not in codes  # said by the needs lines
    text = doctor.as_text(report, doctor.ASCII_MARKS)
    assert "  [problem] pass lora (LoRA)" in text and "[warn]    OLV610" in text


def test_a_target_package_only_built_for_is_a_note(monkeypatch, tmp_path):
    # Nothing runs on the target: Olive builds for CUDA with the CPU onnxruntime (accelerator_creator.py), so the
    # missing onnxruntime-gpu is not a problem for this run.
    path = tmp_path / "config.json"
    path.write_text(json.dumps(cuda_config(evaluator=False), indent=2))
    report = report_for(monkeypatch, WORKING, fake_machine(), path)
    target = next(line for line in report["config"]["needs"] if line["label"] == "target CUDAExecutionProvider")
    assert target["status"] == "info" and "only to evaluate or run the model" in target["value"]
    assert report["ok"]
