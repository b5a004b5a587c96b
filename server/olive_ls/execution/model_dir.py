"""Model folders on disk: finding them in Olive's output and summarising their size.

Olive 0.13.0 saves the best model straight into `output_dir` (engine.py:233-235, `cache.save_model`), so for a
ModelBuilder run the folder holds model.onnx, model.onnx.data, genai_config.json, the tokenizer files,
footprint.json, ... Composite models put one sub-folder per component, so the search goes a few levels down.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MODEL_MARKERS = ("genai_config.json",)
SKIP_DIRS = {".olive-cache", ".olive-ls", ".git", "__pycache__", "node_modules", ".venv"}


def is_model_dir(path: Path) -> bool:
    if not path.is_dir():
        return False
    if any((path / m).is_file() for m in MODEL_MARKERS):
        return True
    try:
        return any(p.suffix == ".onnx" and p.is_file() for p in path.iterdir())
    except OSError:
        return False


def is_genai_model_dir(path: Path) -> bool:
    return (Path(path) / "genai_config.json").is_file()


def find_model_dirs(root: Path, max_depth: int = 3) -> list[Path]:
    """Folders under `root` (itself included) that hold an ONNX model or a genai_config.json."""
    root = Path(root)
    found: list[Path] = []
    if not root.is_dir():
        return found

    def walk(d: Path, depth: int) -> None:
        if is_model_dir(d):
            found.append(d)
            return  # a model folder's sub-folders are part of that model
        if depth >= max_depth:
            return
        try:
            children = sorted(p for p in d.iterdir() if p.is_dir() and p.name not in SKIP_DIRS)
        except OSError:
            return
        for c in children:
            walk(c, depth + 1)

    walk(root, 0)
    return found


def dir_size(path: Path) -> int:
    total = 0
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        for f in filenames:
            try:
                total += (Path(dirpath) / f).stat().st_size
            except OSError:
                pass
    return total


def format_size(n: int | float | None) -> str:
    if n is None:
        return "?"
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


@dataclass
class ModelFootprint:
    """What a model folder holds, in bytes."""

    path: str
    total_bytes: int
    onnx_bytes: int  # *.onnx plus external data (*.onnx.data, *.data, *.bin)
    files: list[tuple[str, int]] = field(default_factory=list)  # largest first
    genai: bool = False
    model_type: str | None = None  # genai_config.json model.type, e.g. "llama"
    input_bytes: int | None = None  # the input model's folder, when it is local

    def summary(self) -> str:
        text = f"{format_size(self.total_bytes)} on disk"
        if self.onnx_bytes and self.onnx_bytes != self.total_bytes:
            text += f" ({format_size(self.onnx_bytes)} of ONNX weights)"
        if self.input_bytes:
            text += f"; input model {format_size(self.input_bytes)}, ratio {self.total_bytes / self.input_bytes:.2f}x"
        return text

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "total_bytes": self.total_bytes,
            "onnx_bytes": self.onnx_bytes,
            "files": [[n, b] for n, b in self.files],
            "genai": self.genai,
            "model_type": self.model_type,
            "input_bytes": self.input_bytes,
            "summary": self.summary(),
        }


def footprint(path: Path, input_model_dir: Path | None = None, top: int = 8) -> ModelFootprint:
    path = Path(path)
    files: list[tuple[str, int]] = []
    onnx = 0
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        for f in filenames:
            fp = Path(dirpath) / f
            try:
                size = fp.stat().st_size
            except OSError:
                continue
            files.append((str(fp.relative_to(path)), size))
            if f.endswith((".onnx", ".onnx.data", ".onnx_data", ".data", ".bin")):
                onnx += size
    files.sort(key=lambda x: -x[1])
    model_type = None
    genai = is_genai_model_dir(path)
    if genai:
        try:
            model_type = json.loads((path / "genai_config.json").read_text(encoding="utf-8"))["model"]["type"]
        except (OSError, ValueError, KeyError, TypeError):
            model_type = None
    return ModelFootprint(
        path=str(path),
        total_bytes=sum(s for _, s in files),
        onnx_bytes=onnx,
        files=files[:top],
        genai=genai,
        model_type=model_type,
        input_bytes=dir_size(input_model_dir) if input_model_dir is not None and input_model_dir.is_dir() else None,
    )
