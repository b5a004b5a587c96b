"""Catalogs of Olives this olive-ls ships none for (a newer release, main at another commit), generated once.

The catalog is written by `python -m olive_ls.catalog.generate --out DIR` run with the user's Python in a
subprocess (Olive is never imported into the server); that Python need not have olive_ls installed, so it runs
with PYTHONPATH set to the folder holding this package. The result is kept in the user's cache folder,
`$XDG_CACHE_HOME/olive-ls/catalogs/<version>-<commit>/olive-<version>/` (`~/.cache` without XDG_CACHE_HOME,
`%LOCALAPPDATA%` on Windows, `~/Library/Caches` on macOS; `OLIVE_LS_CACHE` overrides the whole folder), and
read from there on every later start.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from olive_ls.catalog.loader import CATALOG_FILE, MAIN, Catalog, CatalogError, load_catalog

CACHE_ENV = "OLIVE_LS_CACHE"
GENERATE_TIMEOUT_S = 600


def cache_root() -> Path:
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "olive-ls" / "catalogs"


def cache_dir(version: str, commit: str | None) -> Path:
    """The schemas folder of one generated Olive: <root>/<version>-<commit>/ (commit "release" for a release)."""
    safe = "".join(c if c.isalnum() or c in ".-_" else "_" for c in version)
    return cache_root() / f"{safe}-{(commit or 'release')[:12]}"


def cached_catalog(version: str, commit: str | None) -> Catalog | None:
    """The generated catalog, when it is in the cache; None otherwise."""
    folder = cache_dir(version, commit)
    if not (folder / f"olive-{version}" / CATALOG_FILE).is_file():
        return None
    try:
        return load_catalog(version, folder)
    except CatalogError:
        return None


def package_parent() -> Path:
    """The folder that holds the olive_ls package (what PYTHONPATH needs for `-m olive_ls.catalog.generate`)."""
    return Path(__file__).resolve().parents[2]


def generate_catalog(version: str, commit: str | None, python: str | None) -> Catalog:
    """Generate the catalog with `python` (None: this interpreter) in a subprocess, cache it and load it.

    version "main" is written with `--label main --commit`. Raises CatalogError with one plain line on failure."""
    folder = cache_dir(version, commit)
    folder.mkdir(parents=True, exist_ok=True)
    command = [python or sys.executable, "-m", "olive_ls.catalog.generate", "--out", str(folder)]
    if version == MAIN:
        command += ["--label", MAIN] + (["--commit", commit] if commit else [])
    else:
        command += ["--expect-version", version]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(package_parent()), *filter(None, [env.get("PYTHONPATH")])])
    env.setdefault("OLIVE_TELEMETRY", "0")
    env["HF_HUB_DISABLE_TELEMETRY"] = "1"
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=GENERATE_TIMEOUT_S, env=env, check=False)
    except (OSError, subprocess.SubprocessError) as error:
        raise CatalogError(f"could not generate a catalog for Olive {version} with {command[0]}: {error}") from None
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or result.stdout.strip().splitlines() or ["no output"])[-1]
        raise CatalogError(f"could not generate a catalog for Olive {version} with {command[0]}: {last}")
    catalog = cached_catalog(version, commit)
    if catalog is None:
        raise CatalogError(f"generating a catalog for Olive {version} wrote nothing under {folder}")
    return catalog


def catalog_for_installed(version: str, commit: str | None, python: str | None) -> tuple[Catalog, str | None]:
    """(catalog, what to say once): from the cache, else generated now."""
    catalog = cached_catalog(version, commit)
    if catalog is not None:
        return catalog, None
    catalog = generate_catalog(version, commit, python)
    at = f" at {commit[:7]}" if commit else ""
    return catalog, (
        f"olive-ls has no catalog of Olive {version}{at}, so it read one from your installed Olive "
        f"and keeps it in {cache_dir(version, commit)}"
    )
