"""How big a model's weights are, from its files: never by loading it.

A Hugging Face folder (local, or a snapshot of the Hugging Face cache) counts `*.safetensors` when it has any
(transformers loads those first), else `*.bin`, else `*.pt`/`*.pth`; an ONNX model its `*.onnx` files and their
external data (`*.onnx.data`, `*.data`). The number of weights and their bytes each come from the safetensors
headers (8 bytes of length, then a JSON table of dtype and shape per tensor), else from config.json's
`torch_dtype`/`dtype`.
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass
from pathlib import Path

# Files beside the weights that are not the model (a Trainer's checkpoint state).
_NOT_WEIGHTS = ("training_args.bin", "optimizer.pt", "scheduler.pt", "rng_state.pth", "scaler.pt")
_DTYPE_BYTES = {
    "F64": 8, "I64": 8, "U64": 8, "F32": 4, "I32": 4, "U32": 4, "F16": 2, "BF16": 2, "I16": 2, "U16": 2,
    "F8_E4M3": 1, "F8_E5M2": 1, "F8_E8M0": 1, "I8": 1, "U8": 1, "BOOL": 1, "F4": 0.5, "F6_E2M3": 0.75, "F6_E3M2": 0.75,
}
_CONFIG_DTYPE_BYTES = {"float32": 4, "float": 4, "float16": 2, "half": 2, "bfloat16": 2, "float64": 8}
MAX_HEADER_BYTES = 100 * 1024 * 1024
MAX_FILES = 4096


@dataclass(frozen=True)
class Weights:
    """A model's weight files and what they say."""

    folder: str
    kind: str  # "safetensors", "pytorch" (.bin), "torch" (.pt), "onnx"
    files: tuple[str, ...]
    size: int  # bytes on disk, all files together
    parameters: int | None = None  # number of weights, when the headers tell
    bytes_per_parameter: float | None = None
    dtype_source: str = ""  # "safetensors headers", "config.json torch_dtype", ""

    @property
    def parameter_count(self) -> int | None:
        """Weights counted, or estimated from the size and the bytes per weight."""
        if self.parameters:
            return self.parameters
        if self.bytes_per_parameter:
            return int(self.size / self.bytes_per_parameter)
        return None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size  # follows symlinks: the blob of a Hugging Face cache snapshot
    except OSError:
        return 0


def safetensors_header(path: Path) -> dict | None:
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
            if len(head) != 8:
                return None
            (length,) = struct.unpack("<Q", head)
            if length <= 0 or length > MAX_HEADER_BYTES:
                return None
            data = json.loads(handle.read(length))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _count_safetensors(files: list[Path]) -> tuple[int, float] | None:
    """(weights, bytes) over the tensors the headers list; None when a header cannot be read."""
    count, total = 0, 0.0
    for path in files:
        header = safetensors_header(path)
        if header is None:
            return None
        for name, info in header.items():
            if name == "__metadata__" or not isinstance(info, dict):
                continue
            shape = info.get("shape")
            if not isinstance(shape, list) or not all(isinstance(d, int) for d in shape):
                return None
            n = math.prod(shape) if shape else 1
            count += n
            total += n * _DTYPE_BYTES.get(str(info.get("dtype")), 4)
    return (count, total) if count else None


def _config_bytes(folder: Path) -> tuple[float | None, str]:
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8", errors="replace"))
    except (OSError, ValueError):
        return None, ""
    if not isinstance(config, dict):
        return None, ""
    for key in ("torch_dtype", "dtype"):
        value = config.get(key)
        if isinstance(value, str) and value.lower().replace("torch.", "") in _CONFIG_DTYPE_BYTES:
            return float(_CONFIG_DTYPE_BYTES[value.lower().replace("torch.", "")]), f"config.json {key} {value}"
    return None, ""


def _listing(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in list(folder.iterdir())[:MAX_FILES] if p.is_file())
    except OSError:
        return []


def hf_weights(folder: str | Path) -> Weights | None:
    """The weights of a Hugging Face model folder; None when it holds none."""
    folder = Path(folder)
    files = _listing(folder)
    groups = (
        ("safetensors", [p for p in files if p.name.endswith(".safetensors")]),
        ("pytorch", [p for p in files if p.name.endswith(".bin") and p.name not in _NOT_WEIGHTS]),
        ("torch", [p for p in files if p.name.endswith((".pt", ".pth")) and p.name not in _NOT_WEIGHTS]),
    )
    kind, chosen = next(((k, g) for k, g in groups if g), ("", []))
    if not chosen:
        return None
    size = sum(_size(p) for p in chosen)
    parameters, per, source = None, None, ""
    if kind == "safetensors":
        counted = _count_safetensors(chosen)
        if counted:
            parameters, data_bytes = counted
            per, source = data_bytes / parameters, "safetensors headers"
    if per is None:
        per, source = _config_bytes(folder)
    return Weights(str(folder), kind, tuple(p.name for p in chosen), size, parameters, per, source)


def onnx_weights(path: str | Path) -> Weights | None:
    """An ONNX model file (with its external data beside it) or a folder of them; None when there is none."""
    path = Path(path)
    if path.is_file():
        folder = path.parent
        stem = path.name
        names = {stem, stem + ".data", Path(stem).stem + ".data", Path(stem).stem + ".onnx_data"}
        chosen = [p for p in _listing(folder) if p.name in names]
    else:
        folder = path
        chosen = [p for p in _listing(folder) if p.name.endswith((".onnx", ".onnx.data", ".data", ".onnx_data"))]
    if not any(p.name.endswith(".onnx") for p in chosen):
        return None
    return Weights(str(folder), "onnx", tuple(p.name for p in chosen), sum(_size(p) for p in chosen))
