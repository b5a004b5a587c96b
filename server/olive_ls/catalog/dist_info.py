"""An installed distribution's version and files, read from its `*.dist-info` folder on a list of paths.

What `importlib.metadata.distribution(name)` answers, for the one question olive-ls asks at every check (which
olive-ai is installed, and from which commit), without importing `importlib.metadata` (its email parser costs
~25 ms) and without reading every distribution's metadata (a torch environment has hundreds): one directory listing
per path, then the one folder's METADATA header. The first path that has the distribution wins, as for
importlib.metadata.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

# PEP 503 normalisation, which dist-info folder names follow (olive_ai-0.13.0.dist-info, Olive_AI-...).
_SEPARATORS = re.compile(r"[-_.]+")


def normalized(name: str) -> str:
    return _SEPARATORS.sub("-", name).lower()


@dataclass(frozen=True)
class DistInfo:
    folder: Path
    version: str

    def read_text(self, filename: str) -> str | None:
        try:
            return (self.folder / filename).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None


def find_distribution(name: str, paths) -> DistInfo | None:
    """The distribution `name` on the first of `paths` that has it, or None."""
    wanted = normalized(name)
    for entry in paths:
        try:
            with os.scandir(entry or ".") as listing:
                candidates = [item.name for item in listing if item.name.endswith(".dist-info")]
        except OSError:
            continue  # not a folder (a zip on sys.path), or gone
        for folder_name in sorted(candidates):
            project = folder_name[: -len(".dist-info")].rsplit("-", 1)[0]
            if normalized(project) != wanted:
                continue
            found = _read(Path(entry or ".") / folder_name)
            if found is not None:
                return found
    return None


def _read(folder: Path) -> DistInfo | None:
    """The Version field of METADATA's header (the lines before the first blank one)."""
    try:
        with open(folder / "METADATA", encoding="utf-8", errors="replace") as metadata:
            for line in metadata:
                if not line.strip():
                    break
                if line.startswith("Version:"):
                    return DistInfo(folder, line.split(":", 1)[1].strip())
    except OSError:
        return None
    return None
