"""Load a shipped Olive catalog without importing Olive.

The catalog is plain JSON written by `olive-ls catalog generate`; reading it costs a json.load (a few ms),
against about 4 s for importing Olive, torch and transformers. Nothing here may import those.

Storage (schemas/, written by `make catalogs`, see generate.pack_catalogs): one folder per version,
`olive-<version>/catalog.json`, plus `olive-main/` for Olive's main branch. A catalog.json is either

- whole: the catalog itself, with its `run-config.schema.json` beside it (the newest release, and anything
  `olive-ls catalog generate` wrote), or
- a delta: `{"$delta": {"base": <version>, "base_sha256": ..., "del": [...], "patch": {...}, "set": {...},
  "sha256": ..., "schema_sha256": ...}}`, the changes from another version's catalog (itself whole or a
  delta). `del` removes keys, `patch` holds nested deltas of object values, `set` adds or replaces keys. The
  run-config schema of a delta version is not stored: it is derived on first use with
  json_schema.build_run_config_schema, which is what generated it.

Loading a delta returns exactly the dict the generator wrote, in the same key order (sorted, as json.dumps
with sort_keys wrote the whole file). base_sha256 (of the base's stored catalog.json) catches a base that was
regenerated without repacking the versions built on it; sha256 and schema_sha256 are those of the generated
catalog.json and run-config.schema.json, for tests to check the round trip without Olive.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import re
from dataclasses import dataclass, field
from pathlib import Path

CATALOG_FILE = "catalog.json"
SCHEMA_FILE = "run-config.schema.json"
SCHEMAS_ENV = "OLIVE_LS_SCHEMAS"
MAIN = "main"  # Olive's main branch: olive-main/, olive_version "main" plus olive_commit
VERSION_DIR = re.compile(r"^olive-(main|\d+(?:\.\d+)*\S*)$")
DELTA_KEY = "$delta"


class CatalogError(Exception):
    """A catalog that cannot be used. The message is one line naming the file and what is wrong."""


@dataclass
class Catalog:
    version: str
    data: dict
    path: Path
    # Set when the installed olive-ai has no catalog of its own and another version's is used.
    fallback_note: str | None = None
    _by_lower_name: dict[str, str] = field(default_factory=dict, repr=False)
    _schema: dict | None = field(default=None, repr=False)
    # True when the catalog is stored as a delta: its schema is derived rather than read from a file.
    _derived_schema: bool = field(default=False, repr=False)

    def __post_init__(self) -> None:
        # Olive matches pass types without regard to case (package_config.py lowercases them).
        self._by_lower_name = {name.lower(): name for name in self.data.get("passes", {})}

    def canonical_pass_name(self, name: str) -> str | None:
        if not isinstance(name, str):
            return None
        # A dotted module path names the class at its end, as Olive's get_pass_module_config allows.
        return self._by_lower_name.get(name.rsplit(".", 1)[-1].lower())

    def pass_info(self, name: str) -> dict | None:
        canonical = self.canonical_pass_name(name)
        return self.data["passes"][canonical] if canonical else None

    @property
    def pass_names(self) -> list[str]:
        return sorted(self.data.get("passes", {}))

    @property
    def schema(self) -> dict:
        """The run-config JSON Schema next to catalog.json (or derived, for a delta), loaded on first use."""
        if self._schema is None:
            if self._derived_schema:
                from olive_ls.catalog.json_schema import build_run_config_schema

                # Through JSON, as a file would give it: nothing shared with (or mutated through) self.data.
                self._schema = json.loads(json.dumps(build_run_config_schema(self.data)))
            else:
                self._schema = read_json(self.path.parent / SCHEMA_FILE)
        return self._schema


def read_json(path: Path) -> dict:
    return parse_json(path, read_bytes(path))


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CatalogError(f"{path}: file not found") from None
    except OSError as error:
        raise CatalogError(f"{path}: cannot read: {error.strerror or error}") from None


def parse_json(path: Path, raw: bytes) -> dict:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CatalogError(f"{path}: not UTF-8 ({error.reason} at byte {error.start})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CatalogError(f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})") from None
    if not isinstance(data, dict):
        raise CatalogError(f"{path}: expected a JSON object at the top, found {type(data).__name__}")
    return data


def installed_olive_version() -> str | None:
    """Version of the installed olive-ai distribution, read from its metadata (never imports olive)."""
    from olive_ls.catalog.dist_info import find_distribution

    found = find_distribution("olive-ai", sys.path)
    return found.version if found is not None else None


def default_schemas_dir() -> Path:
    """OLIVE_LS_SCHEMAS, else the repository's schemas/ (editable install), else packaged olive_ls/_schemas."""
    override = os.environ.get(SCHEMAS_ENV)
    if override:
        return Path(override)
    return _installed_schemas_dir()


@functools.lru_cache(maxsize=1)
def _installed_schemas_dir() -> Path:
    """Where this olive_ls's own catalogs are: it does not move while the process runs (asked once per config)."""
    package_dir = Path(__file__).resolve().parents[1]
    repo_schemas = package_dir.parents[1] / "schemas"
    if repo_schemas.is_dir():
        return repo_schemas
    return package_dir / "_schemas"


def _version_key(version: str) -> tuple:
    if version == MAIN:
        return ((2, 0, ""),)  # after every release: main is ahead of the newest one
    parts = re.findall(r"\d+|[A-Za-z]+", version)
    # Numbers compare as numbers; a pre-release tag (letters) sorts before the release it precedes.
    return tuple((1, int(p), "") if p.isdigit() else (0, 0, p) for p in parts)


def shipped_versions(schemas_dir: Path | None = None) -> list[str]:
    """Olive versions with a catalog.json under the schemas folder, oldest first ("main" last)."""
    root = Path(schemas_dir) if schemas_dir else default_schemas_dir()
    try:
        stamp = root.stat().st_mtime_ns  # a version folder added or removed changes the folder's mtime
    except OSError:
        return []
    return list(_shipped_versions(str(root), stamp))


@functools.lru_cache(maxsize=16)
def _shipped_versions(root: str, _stamp: int) -> tuple[str, ...]:
    """Asked for every config of a check run: the folder is listed again only when it changes."""
    versions = []
    for child in Path(root).iterdir():
        match = VERSION_DIR.match(child.name)
        if match and (child / CATALOG_FILE).is_file():
            versions.append(match.group(1))
    return tuple(sorted(versions, key=_version_key))


@functools.lru_cache(maxsize=16)
def load_catalog(version: str | None = None, schemas_dir: Path | None = None) -> Catalog:
    """The catalog of `version`; by default the installed olive-ai's, else the newest shipped one."""
    root = Path(schemas_dir) if schemas_dir else default_schemas_dir()
    fallback_note = None
    if version is None:
        available = shipped_versions(root)
        installed = installed_olive_version()
        # The fallback is the newest release: main is only used when asked for by name.
        releases = [v for v in available if v != MAIN] or available
        if installed in available:
            version = installed
        elif available:
            version = releases[-1]
            if installed:
                fallback_note = f"olive-ai {installed} is installed; using the catalog of {version}"
            else:
                fallback_note = f"olive-ai is not installed; using the catalog of {version}"
        else:
            raise CatalogError(f"{root}: no olive-<version>/{CATALOG_FILE} found")
    path = catalog_path(root, version)
    data, is_delta = read_catalog_data(root, version)
    if not isinstance(data.get("passes"), dict):
        raise CatalogError(f"{path}: no 'passes' object; regenerate it with `olive-ls catalog generate`")
    return Catalog(
        version=str(data.get("olive_version", version)),
        data=data,
        path=path,
        fallback_note=fallback_note,
        _derived_schema=is_delta,
    )


# ---------------------------------------------------------------------------------------------------------------
# Stored form (whole or delta; see the module docstring)


def catalog_path(root: Path, version: str) -> Path:
    return Path(root) / f"olive-{version}" / CATALOG_FILE


def read_catalog_data(root: Path, version: str) -> tuple[dict, bool]:
    """(the catalog dict of `version`, whether it is stored as a delta); a fresh dict on every call."""
    path = catalog_path(root, version)
    return _read_stored(root, version, path, read_bytes(path), ())


def _read_stored(root: Path, version: str, path: Path, raw: bytes, chain: tuple) -> tuple[dict, bool]:
    stored = parse_json(path, raw)
    delta = stored.get(DELTA_KEY)
    if delta is None:
        return stored, False
    if not isinstance(delta, dict) or not isinstance(delta.get("base"), str):
        raise CatalogError(f"{path}: '{DELTA_KEY}' must be an object naming its base version")
    base = delta["base"]
    if base == version or base in chain:
        raise CatalogError(f"{path}: delta bases loop ({' -> '.join((*chain, version, base))})")
    base_path = catalog_path(root, base)
    try:
        base_raw = base_path.read_bytes()
    except OSError:
        raise CatalogError(f"{path}: its base {base_path} is missing") from None
    if delta.get("base_sha256") != hashlib.sha256(base_raw).hexdigest():
        raise CatalogError(f"{path}: its base {base_path} changed since it was packed; run `make catalogs`")
    data, _ = _read_stored(root, base, base_path, base_raw, (*chain, version))
    try:
        return apply_delta(data, delta), True
    except (KeyError, TypeError, AttributeError) as error:
        raise CatalogError(f"{path}: delta does not apply to {base_path}: {type(error).__name__}: {error}") from None


def apply_delta(data: dict, delta: dict) -> dict:
    """Apply a delta to `data` in place (and return it); touched objects keep sorted keys, as the file had."""
    for key in delta.get("del", ()):
        del data[key]
    for key, sub in delta.get("patch", {}).items():
        apply_delta(data[key], sub)
    added = delta.get("set", {})
    if added:
        resort = any(key not in data for key in added)
        data.update(added)
        if resort:
            items = sorted(data.items())
            data.clear()
            data.update(items)
    return data
