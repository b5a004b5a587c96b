"""`olive-ls new`: write a ModelBuilder workflow config for a model, device, execution provider and precision.

The result is what `olive auto-opt -m MODEL --use_model_builder --device D --provider EP --precision P` builds
(olive/cli/auto_opt.py TEMPLATE + `_get_passes_config`: an HfModel input, one LocalSystem with one
accelerator, a ModelBuilder pass, host/target), with the int4 settings `olive optimize --exporter model_builder`
uses (`int4_block_size: 32`, `int4_accuracy_level: 4`, optimize.py `_get_model_builder_pass_config`), and
without auto-opt's ExtractAdapters pass (it only matters for LoRA models) and its absolute output path.
`output_dir` and `cache_dir` are relative: `olive-ls run` runs Olive in the config's folder.

Combinations Olive would accept but not build are refused here with the reason:
- an EP that does not belong to the device (Olive's DEVICE_TO_EXECUTION_PROVIDERS, olive/hardware/constants.py);
- an EP ModelBuilder has no target for (model_builder.py EP_MAP: anything else silently builds for CPU);
- fp16 unless the device is gpu with a non-CPU EP, bf16 unless the EP is CUDA (model_builder.py:181-205: the
  pass is pruned, `olive run` exits 0 and no model is produced).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

DEVICE_PROVIDERS: dict[str, tuple[str, ...]] = {
    "cpu": ("CPUExecutionProvider", "OpenVINOExecutionProvider"),
    "gpu": (
        "QNNExecutionProvider",
        "DmlExecutionProvider",
        "CUDAExecutionProvider",
        "ROCMExecutionProvider",
        "MIGraphXExecutionProvider",
        "TensorrtExecutionProvider",
        "NvTensorRTRTXExecutionProvider",
        "OpenVINOExecutionProvider",
        "JsExecutionProvider",
        "WebGpuExecutionProvider",
    ),
    "npu": ("DmlExecutionProvider", "QNNExecutionProvider", "VitisAIExecutionProvider", "OpenVINOExecutionProvider"),
}
ALL_PROVIDERS = tuple(dict.fromkeys(p for ps in DEVICE_PROVIDERS.values() for p in ps))

# ModelBuilder.EP_MAP in olive/passes/onnx/model_builder.py (0.13.0)
MODEL_BUILDER_PROVIDERS = (
    "CPUExecutionProvider",
    "CUDAExecutionProvider",
    "DmlExecutionProvider",
    "WebGpuExecutionProvider",
    "JsExecutionProvider",
    "NvTensorRTRTXExecutionProvider",
)
MODEL_BUILDER_PRECISIONS = ("int4", "int8", "fp16", "fp32", "bf16")

DEFAULT_PROVIDER = {"cpu": "CPUExecutionProvider", "gpu": "CUDAExecutionProvider"}
DEFAULT_DEVICE = {
    "CPUExecutionProvider": "cpu",
    "OpenVINOExecutionProvider": "cpu",
    "CUDAExecutionProvider": "gpu",
    "DmlExecutionProvider": "gpu",
    "ROCMExecutionProvider": "gpu",
    "MIGraphXExecutionProvider": "gpu",
    "TensorrtExecutionProvider": "gpu",
    "NvTensorRTRTXExecutionProvider": "gpu",
    "JsExecutionProvider": "gpu",
    "WebGpuExecutionProvider": "gpu",
    "QNNExecutionProvider": "npu",
    "VitisAIExecutionProvider": "npu",
}

_ALIASES = {
    "cpu": "CPUExecutionProvider",
    "cuda": "CUDAExecutionProvider",
    "dml": "DmlExecutionProvider",
    "directml": "DmlExecutionProvider",
    "openvino": "OpenVINOExecutionProvider",
    "ov": "OpenVINOExecutionProvider",
    "qnn": "QNNExecutionProvider",
    "vitisai": "VitisAIExecutionProvider",
    "webgpu": "WebGpuExecutionProvider",
    "js": "JsExecutionProvider",
    "tensorrt": "TensorrtExecutionProvider",
    "trt": "TensorrtExecutionProvider",
    "nvtensorrtrtx": "NvTensorRTRTXExecutionProvider",
    "trtrtx": "NvTensorRTRTXExecutionProvider",
    "rocm": "ROCMExecutionProvider",
    "migraphx": "MIGraphXExecutionProvider",
}

_HUB_ID_RE = re.compile(r"^[A-Za-z0-9][\w.\-]*(/[\w.\-]+)?$")


class NewConfigError(Exception):
    """An option combination that cannot work; one-line message."""


def normalize_provider(name: str) -> str:
    key = name.strip()
    lowered = key.lower()
    if lowered.endswith("executionprovider"):
        lowered = lowered[: -len("executionprovider")]
    if lowered in _ALIASES:
        return _ALIASES[lowered]
    for p in ALL_PROVIDERS:
        if p.lower() == key.lower():
            return p
    raise NewConfigError(f"unknown execution provider {name!r}; choose one of: {', '.join(ALL_PROVIDERS)}")


def resolve_target(device: str | None, provider: str | None, precision: str) -> tuple[str, str, str]:
    precision = precision.strip().lower()
    if precision not in MODEL_BUILDER_PRECISIONS:
        raise NewConfigError(
            f"precision {precision!r} is not one ModelBuilder builds; choose one of: {', '.join(MODEL_BUILDER_PRECISIONS)}"
        )
    ep = normalize_provider(provider) if provider else None
    if device is not None:
        device = device.strip().lower()
        if device not in DEVICE_PROVIDERS:
            raise NewConfigError(f"unknown device {device!r}; choose cpu, gpu or npu")
    if device is None:
        device = DEFAULT_DEVICE.get(ep, "cpu") if ep else "cpu"
    if ep is None:
        if device not in DEFAULT_PROVIDER:
            raise NewConfigError(
                f"device {device} needs an execution provider (--provider); for npu one of: {', '.join(DEVICE_PROVIDERS[device])}"
            )
        ep = DEFAULT_PROVIDER[device]
    if ep not in DEVICE_PROVIDERS[device]:
        raise NewConfigError(
            f"{ep} is not an execution provider for device {device} (Olive would ignore it); "
            f"for {device} use one of: {', '.join(DEVICE_PROVIDERS[device])}"
        )
    if ep not in MODEL_BUILDER_PROVIDERS:
        raise NewConfigError(
            f"ModelBuilder cannot build for {ep}: Olive 0.13.0's ModelBuilder targets "
            f"{', '.join(MODEL_BUILDER_PROVIDERS)} and silently builds a CPU model for anything else"
        )
    if precision == "fp16" and not (device == "gpu" and ep != "CPUExecutionProvider"):
        raise NewConfigError(
            f"fp16 ModelBuilder on {device}/{ep} is pruned by Olive ('FP16 is not supported on CPU.') and "
            "produces no model; use int4, int8 or fp32 there, or fp16 with --device gpu and a GPU provider"
        )
    if precision == "bf16" and ep != "CUDAExecutionProvider":
        raise NewConfigError("bf16 ModelBuilder needs CUDAExecutionProvider ('BF16 is only supported on CUDA execution provider.')")
    return device, ep, precision


def _model_path(model: str, config_dir: Path) -> str:
    p = Path(model).expanduser()
    if p.exists():
        if not p.is_dir():
            raise NewConfigError(f"{model}: a local model must be a folder (with config.json and the weights)")
        if not (p / "config.json").is_file():
            raise NewConfigError(f"{model}: no config.json in this folder; is it a Hugging Face model folder?")
        try:
            return Path(os.path.relpath(p.resolve(), config_dir.resolve())).as_posix()
        except ValueError:  # another drive on Windows
            return str(p.resolve())
    if model.startswith((".", "/", "~", "\\")) or (len(model) > 1 and model[1] == ":"):
        raise NewConfigError(f"{model}: no such local folder")
    if not _HUB_ID_RE.match(model):
        raise NewConfigError(f"{model!r} is neither a local folder nor a Hugging Face hub id like org/name")
    return model


def make_config(
    *,
    model: str,
    device: str | None = None,
    provider: str | None = None,
    precision: str = "int4",
    output_dir: str | None = None,
    trust_remote_code: bool = False,
    config_dir: Path | None = None,
) -> dict[str, Any]:
    device, ep, precision = resolve_target(device, provider, precision)
    config_dir = config_dir or Path.cwd()
    input_model: dict[str, Any] = {"type": "HfModel", "model_path": _model_path(model, config_dir)}
    if trust_remote_code:
        input_model["load_kwargs"] = {"trust_remote_code": True}
    builder: dict[str, Any] = {"type": "ModelBuilder", "precision": precision}
    if precision == "int4":
        builder["int4_block_size"] = 32
        builder["int4_accuracy_level"] = 4
    name = re.sub(r"[^\w.\-]+", "-", model.rstrip("/\\").replace("\\", "/").split("/")[-1]) or "model"
    return {
        "input_model": input_model,
        "systems": {
            "local_system": {
                "type": "LocalSystem",
                "accelerators": [{"device": device, "execution_providers": [ep]}],
            }
        },
        "passes": {"model_builder": builder},
        "host": "local_system",
        "target": "local_system",
        "output_dir": output_dir or f"models/{name}-{device}-{precision}",
        "cache_dir": ".olive-cache",
        "log_severity_level": 1,
    }


def dump_config(path: Path, config: dict[str, Any]) -> str:
    suffix = path.suffix.lower()
    if suffix == ".json":
        return json.dumps(config, indent=2) + "\n"
    if suffix in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:
            raise NewConfigError("writing YAML needs PyYAML (pip install pyyaml); or write .json") from None
        return yaml.safe_dump(config, sort_keys=False)
    raise NewConfigError(f"{path}: the config file must end in .json, .yaml or .yml (Olive reads nothing else)")


def write_config(path: Path, config: dict[str, Any], *, force: bool = False) -> Path:
    """Write `config` to `path`; never overwrites an existing file unless `force`."""
    path = Path(path)
    text = dump_config(path, config)
    if path.is_dir():
        raise NewConfigError(f"{path}: is a folder; give a file name such as {path / 'config.json'}")
    if path.exists() and not force:
        raise NewConfigError(f"{path} already exists; use --force to overwrite it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w" if force else "x", encoding="utf-8") as f:
            f.write(text)
    except FileExistsError:
        raise NewConfigError(f"{path} already exists; use --force to overwrite it") from None
    except OSError as exc:
        raise NewConfigError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return path
