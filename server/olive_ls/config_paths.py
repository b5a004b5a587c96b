"""Where a path written in a config points, for the file-system rules and the document links.

Olive opens relative paths as given, so they resolve against the folder `olive run` is started in, which an
editor cannot know. olive-ls looks in the config file's folder, its parent folders (recipes are often run from a
model's top folder, as in microsoft/olive-recipes) and the current directory. Nothing found is ever opened or run.
"""

from __future__ import annotations

import os
from pathlib import Path

# How many parent folders of the config's folder a relative path may be relative to.
PARENT_LEVELS = 3


def config_folder(config_file: Path | None) -> Path | None:
    if config_file is None:
        return None
    try:
        return Path(config_file).absolute().parent
    except (OSError, ValueError):
        return None


def search_folders(config_file: Path | None) -> list[Path]:
    """The folders a relative path is tried against, most likely first."""
    folders: list[Path] = []
    folder = config_folder(config_file)
    if folder is not None:
        folders.append(folder)
        folders.extend(list(folder.parents)[:PARENT_LEVELS])
    try:
        cwd = Path.cwd()
    except OSError:
        cwd = None
    if cwd is not None and cwd not in folders:
        folders.append(cwd)
    return folders


def locate(raw: str, config_file: Path | None) -> Path | None:
    """The existing file or folder a path in the config names, or None. Never raises."""
    if not isinstance(raw, str) or not raw.strip() or "\x00" in raw:
        return None
    try:
        path = Path(os.path.expanduser(raw.strip()))
        if path.is_absolute():
            return path if path.exists() else None
        if config_file is None:
            # An unsaved document: relative to what? Only the current directory, and only as a positive answer.
            candidate = Path.cwd() / path
            return candidate if candidate.exists() else None
        for folder in search_folders(config_file):
            candidate = folder / path
            if candidate.exists():
                return candidate
    except (OSError, ValueError, RuntimeError):
        return None
    return None
