"""Which files `olive-ls check` reads, and reading them without ever raising."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

CONFIG_SUFFIXES = (".json", ".yaml", ".yml")
# What is read of a file too large to analyse (the service's limit): enough to tell whether it could be a config.
HEAD_BYTES = 8192
# Tool state and caches: never hand-written configs. `.olive-ls` holds run logs and a Hugging Face cache.
_SKIPPED_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".olive-cache", ".olive-ls", ".mypy_cache", ".pytest_cache"}


@dataclass
class SourceFile:
    path: Path
    text: str | None = None
    problem: str | None = None  # why it could not be read; then text is None
    explicit: bool = False  # named on the command line, not found by walking a folder
    size: int = 0
    # Larger than the service analyses: only its head is read (text), and it gets the service's size finding.
    too_large: bool = False


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
    from olive_ls.service import MAX_ANALYSED_CHARS

    try:
        source.size = source.path.stat().st_size
        # UTF-8 takes at most four bytes a character: past four times the limit in bytes, it is past it in characters.
        source.too_large = source.size > 4 * MAX_ANALYSED_CHARS
        if source.too_large:
            with source.path.open("rb") as f:
                data = f.read(HEAD_BYTES)
        else:
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
        source.text = data.decode("utf-8-sig", errors="ignore" if source.too_large else "strict")
    except UnicodeDecodeError as exc:
        source.problem = f"not UTF-8 text (byte {exc.start}); Olive reads configs as UTF-8"
    return source
