"""Which Olive a config is checked as, and why: the first source that applies.

1. `--olive-version X.Y.Z|main` (check, migrate), else the `olive.oliveVersion` setting;
2. the olive-ai installed in the configured Python (`olive.python`; empty: the server's own), read from its
   distribution metadata without importing it. An install from git records its commit in `direct_url.json`
   (PEP 610): that is how Olive main (whose version.py still says 0.11.0.dev0) is told apart from a 0.11
   development build;
3. an `olive-ai==X` pin (or a `git+...microsoft/Olive` line: main) in the nearest `requirements*.txt` from the
   config's folder up to the workspace root, or the AI Toolkit runtime of the config: its recipe in `info.yml`
   beside it naming a requirements file under `.aitk/requirements/` (or a `<config>.config` file naming a pin);
4. else the newest shipped release.

An installed Olive without a shipped catalog (a newer release, main at another commit) gets `shipped=False`:
its catalog is generated with that Python (catalog/user_cache.py). Nothing here imports Olive.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from olive_ls.catalog.dist_info import DistInfo, find_distribution
from olive_ls.catalog.loader import MAIN, CatalogError, default_schemas_dir, read_catalog_data, shipped_versions

REASON_FLAG = "--olive-version"
REASON_SETTING = "setting olive.oliveVersion"
REASON_INSTALLED = "installed"
REASON_NEWEST = "newest shipped"
REASON_RUNTIME_FILE = "AI Toolkit runtime file"

_PIN = re.compile(r"^\s*olive[-_]ai\s*(?:\[[^\]]*\])?\s*===?\s*([0-9][\w.+-]*)", re.IGNORECASE)
_GIT = re.compile(r"git\+https?://github\.com/microsoft/olive(?:\.git)?(?:@([\w.-]+))?", re.IGNORECASE)


@dataclass(frozen=True)
class VersionChoice:
    version: str  # a shipped version ("0.12.1", "main") or, with shipped=False, the installed one
    reason: str  # "installed", "--olive-version", "pinned in requirements.txt", ...
    shipped: bool = True
    commit: str | None = None  # a git install's commit
    python: str | None = None  # the Python that has it (to generate a catalog with); None: the server's own
    note: str | None = None  # a second thing to say (a pin with no catalog, so another version is used)

    @property
    def label(self) -> str:
        """'0.12.1 (installed)', as the status bar and check's stderr say it."""
        commit = f" at {self.commit[:7]}" if self.commit and self.version == MAIN else ""
        return f"{self.version}{commit} ({self.reason})"


class UnknownVersion(ValueError):
    """A version asked for by name (flag or setting) that no shipped catalog has. One line, naming those shipped."""


def unknown_version_message(version: str, schemas_dir: Path | None = None) -> str:
    return f"no catalog for Olive {version}; this olive-ls has catalogs for {', '.join(shipped_versions(schemas_dir))}"


def newest_release(schemas_dir: Path | None = None) -> str:
    available = shipped_versions(schemas_dir)
    releases = [v for v in available if v != MAIN] or available
    if not releases:
        raise CatalogError(f"{schemas_dir or default_schemas_dir()}: no olive-<version>/catalog.json found")
    return releases[-1]


def choose_version(
    config_path: Path | None,
    settings=None,
    python: str | None = None,
    *,
    explicit: str | None = None,
    workspace_root: Path | None = None,
    schemas_dir: Path | None = None,
) -> VersionChoice:
    """The Olive version `config_path` is checked as (see the module docstring for the order).

    settings: a ServerSettings (its olive_version and python); python overrides settings.python.
    Raises UnknownVersion for a flag or setting naming a version with no catalog."""
    available = shipped_versions(schemas_dir)
    for asked, reason in ((explicit, REASON_FLAG), (getattr(settings, "olive_version", "") or None, REASON_SETTING)):
        if asked:
            asked = asked.strip()
            if asked.lower() == MAIN:
                asked = MAIN
            if asked not in available:
                raise UnknownVersion(unknown_version_message(asked, schemas_dir))
            return VersionChoice(asked, reason)
    if python is None:
        python = getattr(settings, "python", "") or None
    installed = installed_olive(python)
    if installed is not None:
        choice = _from_installed(installed, available, schemas_dir)
        if choice is not None:
            return choice
    if config_path is not None:
        pinned = pinned_version(Path(config_path), workspace_root)
        if pinned is not None:
            version, reason = pinned
            if version in available:
                return VersionChoice(version, reason)
            fallback = _nearest(version, available)
            return VersionChoice(fallback, reason, note=f"olive-ai {version} is {reason}, which this olive-ls has no catalog for; checked as {fallback}")
    return VersionChoice(newest_release(schemas_dir), REASON_NEWEST)


# ---------------------------------------------------------------------------------------------------------------
# The installed olive-ai


@dataclass(frozen=True)
class InstalledOlive:
    version: str
    commit: str | None = None  # from direct_url.json's vcs_info (an install from git)
    url: str | None = None
    python: str | None = None


def installed_olive(python: str | None = None) -> InstalledOlive | None:
    """olive-ai in `python`'s environment (None: this process's), from its dist-info; None when not installed."""
    if not python:
        # Asked for every folder of a check run: kept until this process's sys.path or its folders change.
        return _installed_here(tuple(sys.path), _path_mtimes(tuple(sys.path)))
    return _installed_in(str(python), _mtime_key(python))


def _path_mtimes(paths: tuple[str, ...]) -> tuple[float, ...]:
    stamps = []
    for entry in paths:
        try:
            stamps.append(os.stat(entry or ".").st_mtime)
        except OSError:
            stamps.append(0.0)
    return tuple(stamps)


@functools.lru_cache(maxsize=4)
def _installed_here(path: tuple[str, ...], _stamps: tuple[float, ...]) -> InstalledOlive | None:
    found = find_distribution("olive-ai", path)
    return _describe(found, None) if found is not None else None


def _mtime_key(python: str) -> float:
    """Changes when packages are installed into the environment (its site-packages folders get new entries)."""
    try:
        return max((p.stat().st_mtime for p in site_packages(python)), default=0.0)
    except OSError:
        return 0.0


@functools.lru_cache(maxsize=32)
def _installed_in(python: str, _key: float) -> InstalledOlive | None:
    found = find_distribution("olive-ai", [str(p) for p in site_packages(python)])
    return _describe(found, python) if found is not None else None


def _describe(dist: DistInfo, python: str | None) -> InstalledOlive:
    commit = url = None
    raw = dist.read_text("direct_url.json")
    if raw:
        try:
            direct = json.loads(raw)
        except json.JSONDecodeError:
            direct = {}
        if isinstance(direct, dict):
            url = direct.get("url") if isinstance(direct.get("url"), str) else None
            vcs = direct.get("vcs_info")
            if isinstance(vcs, dict) and vcs.get("vcs") == "git" and isinstance(vcs.get("commit_id"), str):
                commit = vcs["commit_id"]
    return InstalledOlive(dist.version, commit, url, python)


def site_packages(python: str) -> list[Path]:
    """The site-packages folders of a Python: read from its venv layout when it is one (no process started),
    else asked of the interpreter itself (once per path)."""
    exe = Path(python)
    for root in (exe.parent.parent, exe.parent):  # bin/python (POSIX venv), Scripts/python.exe or python.exe (Windows)
        if (root / "pyvenv.cfg").is_file():
            found = sorted(root.glob("lib/python*/site-packages")) + sorted(root.glob("lib64/python*/site-packages"))
            found += [p for p in (root / "Lib" / "site-packages",) if p.is_dir()]
            if found:
                return found
    return [Path(p) for p in _sys_path(str(exe)) if p.endswith(("site-packages", "dist-packages"))]


@functools.lru_cache(maxsize=16)
def _sys_path(python: str) -> tuple[str, ...]:
    try:
        out = subprocess.run(
            [python, "-I", "-c", "import json, sys; print(json.dumps(sys.path))"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
        return tuple(p for p in json.loads(out) if isinstance(p, str))
    except (OSError, subprocess.SubprocessError, ValueError):
        return ()


def _main_commit(schemas_dir: Path | None) -> str | None:
    root = Path(schemas_dir) if schemas_dir else default_schemas_dir()
    try:
        data, _ = read_catalog_data(root, MAIN)
    except CatalogError:
        return None
    commit = data.get("olive_commit")
    return commit if isinstance(commit, str) else None


def _is_release(version: str) -> bool:
    return re.fullmatch(r"\d+(?:\.\d+)*", version) is not None


def _from_installed(installed: InstalledOlive, available: list[str], schemas_dir: Path | None) -> VersionChoice | None:
    python = installed.python
    if installed.commit and not (_is_release(installed.version) and installed.version in available):
        # From git: main (or a branch) at a commit. The shipped main is used when it is that commit.
        shipped_main = _main_commit(schemas_dir) if MAIN in available else None
        reason = f"{REASON_INSTALLED} from git"
        if shipped_main and (shipped_main.startswith(installed.commit) or installed.commit.startswith(shipped_main)):
            return VersionChoice(MAIN, reason, commit=shipped_main, python=python)
        return VersionChoice(MAIN, reason, shipped=False, commit=installed.commit, python=python)
    if installed.version in available:
        return VersionChoice(installed.version, REASON_INSTALLED, python=python)
    return VersionChoice(installed.version, REASON_INSTALLED, shipped=False, python=python)


# ---------------------------------------------------------------------------------------------------------------
# Pins beside the config


def pinned_version(config_path: Path, workspace_root: Path | None = None) -> tuple[str, str] | None:
    """(version, reason) from the AI Toolkit runtime beside the config or the nearest requirements file."""
    toolkit = _pin_in_toolkit_recipe(config_path)
    if toolkit:
        return toolkit
    runtime = config_path.with_name(config_path.name + ".config")
    if runtime.is_file():
        found = _pin_in_runtime_file(runtime)
        if found:
            return found, REASON_RUNTIME_FILE
    stop = Path(workspace_root).resolve() if workspace_root else None
    folder = config_path.resolve().parent
    while True:
        for requirements in _requirements_files(folder):
            found = _pin_in_requirements(requirements)
            if found:
                shown = requirements.name if folder == config_path.resolve().parent else os.path.relpath(requirements, config_path.resolve().parent)
                return found, f"pinned in {shown}"
        if folder == stop or folder.parent == folder or (stop is None and (folder / ".git").exists()):
            return None
        if stop is not None and stop not in folder.parents:
            return None
        folder = folder.parent


def _requirements_files(folder: Path) -> list[Path]:
    try:
        found = [p for p in folder.iterdir() if p.is_file() and p.name.lower().startswith("requirements") and p.suffix.lower() == ".txt"]
    except OSError:
        return []
    return sorted(found, key=lambda p: (p.name.lower() != "requirements.txt", p.name.lower()))


def _pin_in_line(line: str) -> str | None:
    line = line.split(" #", 1)[0].strip()
    if not line or line.startswith("#"):
        return None
    if match := _PIN.match(line):
        return match.group(1)
    if _GIT.search(line) and ("olive" in line.lower().split("#egg=")[-1] or line.lower().startswith(("olive-ai", "olive_ai", "git+"))):
        return MAIN
    return None


def _pin_in_requirements(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        found = _pin_in_line(line)
        if found:
            return found
    return None


def _pin_in_toolkit_recipe(config_path: Path) -> tuple[str, str] | None:
    """An AI Toolkit project (microsoft/olive-recipes, `.aitk/docs/contribute/GetStarted.md`): `info.yml` beside the
    config lists its recipes (`file`, or `aitk.oliveFile`), and a recipe's `aitk.requirements` names the runtime's
    requirements file under the repository's `.aitk/requirements/`, which pins olive-ai (`olive-ai==0.10.1` in
    requirements-QNN.txt). A recipe that names no file runs in a runtime the Toolkit picks itself: nothing to
    read here, the requirements files up the tree are asked next."""
    info = config_path.parent / "info.yml"
    if not info.is_file():
        return None
    try:
        import yaml

        data = yaml.safe_load(info.read_text(encoding="utf-8", errors="replace"))
    except Exception:  # noqa: BLE001 - a broken info.yml only means no pin from it
        return None
    recipes = data.get("recipes") if isinstance(data, dict) else None
    for recipe in recipes if isinstance(recipes, list) else []:
        if not isinstance(recipe, dict):
            continue
        toolkit = recipe.get("aitk") if isinstance(recipe.get("aitk"), dict) else {}
        names = {str(recipe.get("file") or ""), Path(str(toolkit.get("oliveFile") or "")).name}
        requirements = toolkit.get("requirements")
        if config_path.name not in names or not isinstance(requirements, str):
            continue
        for folder in [config_path.parent, *config_path.resolve().parents]:
            candidate = folder / ".aitk" / "requirements" / requirements
            if candidate.is_file():
                found = _pin_in_requirements(candidate)
                return (found, f"{REASON_RUNTIME_FILE} (info.yml: {requirements})") if found else None
        return None
    return None


def _pin_in_runtime_file(path: Path) -> str | None:
    """An AI Toolkit runtime file is JSON; a pin is any string in it that reads as a requirement line
    (`"olive-ai==0.9.1"`, a git URL of Olive), or an `oliveVersion` key."""
    try:
        data = json.loads(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, ValueError):
        return None
    stack = [data]
    while stack:
        item = stack.pop(0)
        if isinstance(item, dict):
            version = item.get("oliveVersion") or item.get("olive_version")
            if isinstance(version, str) and version.strip():
                return version.strip()
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            found = _pin_in_line(item)
            if found:
                return found
    return None


def _nearest(version: str, available: list[str]) -> str:
    """The newest shipped release not newer than `version` (else the oldest): closest to what the pin names."""
    from olive_ls.catalog.loader import _version_key

    releases = [v for v in available if v != MAIN]
    older = [v for v in releases if _version_key(v) <= _version_key(version)]
    if older:
        return older[-1]
    return releases[0] if releases else available[-1]


def describe_choices(choices) -> str:
    """'Olive 0.12.1 (installed)' or, for several, 'Olive 0.12.1 (installed) for 3 configs, main (...) for 1'."""
    counts: dict[str, int] = {}
    for choice in choices:
        counts[choice.label] = counts.get(choice.label, 0) + 1
    if len(counts) == 1:
        return f"Olive {next(iter(counts))}"
    return "Olive " + ", ".join(f"{label} for {n} config(s)" for label, n in counts.items())


if __name__ == "__main__":  # python -m olive_ls.catalog.selection CONFIG: what would be chosen
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    print(choose_version(target).label)
