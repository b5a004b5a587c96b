"""Load a shipped Olive catalog without importing Olive.

The catalog is plain JSON written by `olive-ls catalog generate`; reading it costs a json.load (a few ms),
against about 4 s for importing Olive, torch and transformers. Nothing here may import those.
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

CATALOG_FILE = "catalog.json"
SCHEMA_FILE = "run-config.schema.json"
SCHEMAS_ENV = "OLIVE_LS_SCHEMAS"
VERSION_DIR = re.compile(r"^olive-(\d+(?:\.\d+)*\S*)$")


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
        """The run-config JSON Schema next to catalog.json, loaded on first use."""
        if self._schema is None:
            self._schema = read_json(self.path.parent / SCHEMA_FILE)
        return self._schema


def read_json(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError(f"{path}: file not found") from None
    except OSError as error:
        raise CatalogError(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CatalogError(f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})") from None
    if not isinstance(data, dict):
        raise CatalogError(f"{path}: expected a JSON object at the top, found {type(data).__name__}")
    return data


def installed_olive_version() -> str | None:
    """Version of the installed olive-ai distribution, read from its metadata (never imports olive)."""
    import importlib.metadata  # ~20 ms; only paid when the version has to be looked up

    try:
        return importlib.metadata.version("olive-ai")
    except importlib.metadata.PackageNotFoundError:
        return None


def default_schemas_dir() -> Path:
    """OLIVE_LS_SCHEMAS, else the repository's schemas/ (editable install), else packaged olive_ls/_schemas."""
    override = os.environ.get(SCHEMAS_ENV)
    if override:
        return Path(override)
    package_dir = Path(__file__).resolve().parents[1]
    repo_schemas = package_dir.parents[1] / "schemas"
    if repo_schemas.is_dir():
        return repo_schemas
    return package_dir / "_schemas"


def _version_key(version: str) -> tuple:
    parts = re.findall(r"\d+|[A-Za-z]+", version)
    # Numbers compare as numbers; a pre-release tag (letters) sorts before the release it precedes.
    return tuple((1, int(p), "") if p.isdigit() else (0, 0, p) for p in parts)


def shipped_versions(schemas_dir: Path | None = None) -> list[str]:
    """Olive versions with a catalog.json under the schemas folder, oldest first."""
    root = Path(schemas_dir) if schemas_dir else default_schemas_dir()
    if not root.is_dir():
        return []
    versions = []
    for child in root.iterdir():
        match = VERSION_DIR.match(child.name)
        if match and (child / CATALOG_FILE).is_file():
            versions.append(match.group(1))
    return sorted(versions, key=_version_key)


@functools.lru_cache(maxsize=16)
def load_catalog(version: str | None = None, schemas_dir: Path | None = None) -> Catalog:
    """The catalog of `version`; by default the installed olive-ai's, else the newest shipped one."""
    root = Path(schemas_dir) if schemas_dir else default_schemas_dir()
    fallback_note = None
    if version is None:
        available = shipped_versions(root)
        installed = installed_olive_version()
        if installed in available:
            version = installed
        elif available:
            version = available[-1]
            if installed:
                fallback_note = f"olive-ai {installed} is installed; using the catalog of {version}"
            else:
                fallback_note = f"olive-ai is not installed; using the catalog of {version}"
        else:
            raise CatalogError(f"{root}: no olive-<version>/{CATALOG_FILE} found")
    path = root / f"olive-{version}" / CATALOG_FILE
    data = read_json(path)
    if not isinstance(data.get("passes"), dict):
        raise CatalogError(f"{path}: no 'passes' object; regenerate it with `olive-ls catalog generate`")
    return Catalog(version=str(data.get("olive_version", version)), data=data, path=path, fallback_note=fallback_note)
