"""Installed distributions' versions and files, read from their `*.dist-info` (or `*.egg-info`) folders on a list
of paths.

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
    """PEP 503 normalisation: lowercase, runs of '-', '_' and '.' become one '-'."""
    return _SEPARATORS.sub("-", str(name)).lower().strip()


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
    for project, folder in _listed(paths):
        if project == wanted:
            found = _read(folder)
            if found is not None:
                return found
    return None


def installed_distributions(paths) -> dict[str, str]:
    """Normalised name -> version of every distribution on `paths`; where several have one name, the first path's
    (what importlib.metadata.version answers)."""
    versions: dict[str, str] = {}
    for project, folder in _listed(paths):
        if project not in versions:
            found = _read(folder)
            if found is not None:
                versions[project] = found.version
    return versions


def _listed(paths):
    """(normalised project name, metadata folder) of each `*.dist-info` / `*.egg-info` on `paths`, in path order."""
    for entry in paths:
        try:
            with os.scandir(entry or ".") as listing:
                names = sorted(item.name for item in listing if item.name.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue  # not a folder (a zip on sys.path), or gone
        for folder_name in names:
            # name-version.dist-info; name-version-pyX.Y.egg-info or name.egg-info (names spell '-' as '_' there)
            project = folder_name.rsplit(".", 1)[0].split("-", 1)[0]
            yield normalized(project), Path(entry or ".") / folder_name


def _read(folder: Path) -> DistInfo | None:
    """The Version field of the metadata's header (the lines before the first blank one): METADATA in a dist-info
    folder, PKG-INFO in an egg-info folder, or the egg-info file itself."""
    metadata = folder / "METADATA" if folder.suffix == ".dist-info" else (folder / "PKG-INFO" if folder.is_dir() else folder)
    try:
        with open(metadata, encoding="utf-8", errors="replace") as lines:
            for line in lines:
                if not line.strip():
                    break
                if line.startswith("Version:"):
                    return DistInfo(folder, line.split(":", 1)[1].strip())
    except OSError:
        return None
    return None
