"""Which files `olive-ls check` reads, and reading them without ever raising."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

CONFIG_SUFFIXES = (".json", ".yaml", ".yml")
# Olive configs are a few KB; anything this big is not one and would only stall a CI job.
MAX_BYTES = 8 * 1024 * 1024
# Tool state and caches: never hand-written configs. `.olive-ls` holds run logs and a Hugging Face cache.
_SKIPPED_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".olive-cache", ".olive-ls", ".mypy_cache", ".pytest_cache"}


@dataclass
class SourceFile:
    path: Path
    text: str | None = None
    problem: str | None = None  # why it could not be read; then text is None
    explicit: bool = False  # named on the command line, not found by walking a folder


def discover(paths: list[str]) -> tuple[list[SourceFile], list[str]]:
    """The files to check, in a stable order, and usage problems (paths that do not exist)."""
    found: list[SourceFile] = []
    missing: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS)
                for name in sorted(files):
                    if name.lower().endswith(CONFIG_SUFFIXES):
                        found.append(SourceFile(Path(root) / name))
        elif path.exists() or path.is_symlink():
            found.append(SourceFile(path, explicit=True))
        else:
            missing.append(raw)
    return found, missing


def read(source: SourceFile) -> SourceFile:
    try:
        size = source.path.stat().st_size
        if size > MAX_BYTES:
            source.problem = f"file is {size / 1048576:.1f} MB, larger than the {MAX_BYTES // 1048576} MB an Olive config could be; not checked"
            return source
        data = source.path.read_bytes()
    except IsADirectoryError:
        source.problem = "is a directory"
        return source
    except OSError as exc:
        source.problem = f"cannot read: {exc.strerror or exc}"
        return source
    if b"\x00" in data[:8192]:
        source.problem = "binary file, not a JSON or YAML config"
        return source
    try:
        source.text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        source.problem = f"not UTF-8 text (byte {exc.start}); Olive reads configs as UTF-8"
    return source
