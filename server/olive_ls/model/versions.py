"""Olive's history as the shipped catalogs tell it: in which releases a pass or a pass parameter exists.

Every catalog under schemas/ (0.9.0 ... the newest release, and main) is one Olive; read together they say when
a pass came (OnnxKQuantQuantization: from 0.13.0), when one went (VitisAIQuantization: up to 0.9.2) and when a
parameter was added to a pass. The unknown-pass and unknown-parameter rules ask this to name the release a
config needs, and say which Olive the config is checked as (`checked_as`).

Read on first question from schemas/version-history.json (written with the catalogs), or built from all shipped
catalogs (about 0.1 s) where that file is missing or stale; once per process and schemas folder.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

from olive_ls.catalog.loader import MAIN, CatalogError, default_schemas_dir, load_catalog, shipped_versions
from olive_ls.model.olive import OliveModel


@dataclass
class VersionHistory:
    """Which shipped Olive versions (oldest first, main last) have each pass and each pass parameter."""

    versions: tuple[str, ...]
    _passes: dict[str, list[str]] = field(default_factory=dict)  # lowercase pass name -> versions that have it
    _names: dict[str, str] = field(default_factory=dict)  # lowercase -> spelling of the newest version
    _parameters: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (lower pass, param) -> versions

    def add(self, version: str, passes: dict) -> None:
        """One version's passes (the catalog's `passes` table: name -> info with its `parameters`)."""
        for name, info in passes.items():
            key = name.lower()
            self._passes.setdefault(key, []).append(version)
            self._names[key] = name
            for param in (info.get("parameters") or {}) if isinstance(info, dict) else ():
                self._parameters.setdefault((key, param), []).append(version)

    def pass_versions(self, name: str) -> list[str]:
        return list(self._passes.get(_key(name), ()))

    def pass_name(self, name: str) -> str | None:
        """The pass's spelling in the newest version that has it."""
        return self._names.get(_key(name))

    def parameter_versions(self, pass_name: str, parameter: str) -> list[str]:
        return list(self._parameters.get((_key(pass_name), parameter), ()))

    def first_with_pass(self, name: str) -> str | None:
        """The oldest release that has this pass ("main" when only main has it), None when none has it."""
        return _first(self.pass_versions(name))

    def last_with_pass(self, name: str) -> str | None:
        """The newest version that has this pass."""
        found = self.pass_versions(name)
        return found[-1] if found else None

    def first_with_parameter(self, pass_name: str, parameter: str) -> str | None:
        return _first(self.parameter_versions(pass_name, parameter))

    def last_with_parameter(self, pass_name: str, parameter: str) -> str | None:
        found = self.parameter_versions(pass_name, parameter)
        return found[-1] if found else None

    def newer_than(self, version: str, than: str) -> bool:
        """Whether `version` comes after `than` among the shipped versions (an unknown one: compared as a version)."""
        return _order(version) > _order(than)


def _key(name: str) -> str:
    return str(name).rsplit(".", 1)[-1].lower()


def _first(found: list[str]) -> str | None:
    return found[0] if found else None


def _order(version: str) -> tuple:
    from olive_ls.catalog.loader import _version_key

    return _version_key(version)


# The history of the shipped catalogs, written next to them by `make catalogs` (and --repack): reading it takes a
# few milliseconds, reading the eleven catalogs ~0.1 s, which a check of one config with an unknown pass would pay.
HISTORY_FILE = "version-history.json"


@functools.lru_cache(maxsize=4)
def _history(root: Path) -> VersionHistory:
    versions = shipped_versions(root)
    stored = _read_index(root / HISTORY_FILE, versions)
    return stored if stored is not None else history_from_catalogs(root)


def _read_index(path: Path, versions: list[str]) -> VersionHistory | None:
    """The stored history, when it is of exactly these catalogs (else it is stale: the catalogs are read)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("versions") != versions:
        return None
    history = VersionHistory(tuple(versions))
    try:
        for key, (name, indexes) in data["passes"].items():
            history._passes[key] = [versions[i] for i in indexes]
            history._names[key] = name
        for key, indexes in data["parameters"].items():
            pass_key, _, parameter = key.partition("/")
            history._parameters[(pass_key, parameter)] = [versions[i] for i in indexes]
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    return history


def history_index(history: VersionHistory) -> str:
    """The stored form of a history: JSON, versions by their index."""
    position = {version: i for i, version in enumerate(history.versions)}
    data = {
        "versions": list(history.versions),
        "passes": {key: [history._names[key], [position[v] for v in found]] for key, found in sorted(history._passes.items())},
        "parameters": {f"{key}/{param}": [position[v] for v in found] for (key, param), found in sorted(history._parameters.items())},
    }
    return json.dumps(data, separators=(",", ":"), sort_keys=False) + "\n"


def write_history_index(root: Path) -> Path:
    """Write the history of the catalogs in `root` next to them (scripts/make_catalogs.py calls this)."""
    path = Path(root) / HISTORY_FILE
    path.write_text(history_index(history_from_catalogs(Path(root))), encoding="utf-8")
    _history.cache_clear()
    return path


def history_from_catalogs(root: Path) -> VersionHistory:
    versions = shipped_versions(root)
    history = VersionHistory(tuple(versions))
    # Each catalog is read, its pass and parameter names kept, and dropped again: the loader's cache is bypassed, so
    # a server holds only the catalogs it checks configs against (all eleven would be about 20 MB).
    read = getattr(load_catalog, "__wrapped__", load_catalog)
    for version in versions:
        try:
            history.add(version, read(version, root).data.get("passes") or {})
        except CatalogError:
            continue  # a broken catalog is the loader's to report; the history just leaves it out
    return history


def version_history(schemas_dir: Path | None = None) -> VersionHistory:
    return _history(Path(schemas_dir) if schemas_dir else default_schemas_dir())


def version_label(version: str) -> str:
    """'Olive 0.12.1', 'Olive main'."""
    return f"Olive {version}"


def checked_as(version: str, reason: str | None) -> str:
    """'this config is checked as 0.12.1 (installed)': said by every finding that depends on the version."""
    return f"this config is checked as {version}" + (f" ({reason})" if reason else "")


def pass_availability(model: OliveModel, name: str, reason: str | None) -> str | None:
    """Why a pass this model lacks exists elsewhere: 'OnnxKQuantQuantization exists from Olive 0.13.0; this config
    is checked as 0.12.1 (installed)', or '... was removed after Olive 0.9.2; ...'. None when no shipped Olive
    has it."""
    history = version_history()
    found = history.pass_versions(name)
    if not found:
        return None
    spelled = history.pass_name(name) or name
    first, last = found[0], found[-1]
    here = checked_as(model.version, reason)
    if history.newer_than(first, model.version):
        return f"{spelled} exists from {version_label(first)}; {here}"
    if history.newer_than(model.version, last):
        return f"{spelled} was removed after {version_label(last)}; {here}"
    return f"{spelled} exists in {version_label(first)} to {version_label(last)} but not in {model.version}; {here}"


def parameter_availability(model: OliveModel, pass_name: str, parameter: str, reason: str | None) -> str | None:
    """The same for a pass parameter: "'extra_options' is a parameter of OnnxStaticQuantization from Olive 0.10.0;
    this config is checked as 0.9.3 (--olive-version)"."""
    history = version_history()
    found = history.parameter_versions(pass_name, parameter)
    if not found:
        return None
    spelled = history.pass_name(pass_name) or pass_name
    first, last = found[0], found[-1]
    here = checked_as(model.version, reason)
    if history.newer_than(first, model.version):
        return f"'{parameter}' is a parameter of {spelled} from {version_label(first)}; {here}"
    if history.newer_than(model.version, last):
        return f"'{parameter}' was a parameter of {spelled} up to {version_label(last)}; {here}"
    return None


__all__ = ["MAIN", "VersionHistory", "checked_as", "parameter_availability", "pass_availability", "version_history", "version_label"]


# ---------------------------------------------------------------------------------------------------------------
# Changes between releases no catalog can tell (a catalog says a parameter went, not what took its place), keyed
# by the release that made them: read by the version migration (features/version_migration.py).

# (pass, parameter) -> (release that replaced it, replacement parameter or None, what to do instead)
PARAMETER_CHANGES: dict[tuple[str, str], tuple[str, str | None, str]] = {
    ("QuarkQuantization", "quant_config"): (
        "0.12.0",
        None,
        "Olive 0.12.0 replaced the embedded Quark config with its own parameters (quant_scheme, quant_algo, "
        "dataset, data_type, num_calib_data, exclude_layers, kv_cache_dtype, ...): set those from its contents",
    ),
}


def parameter_change(pass_name: str, parameter: str) -> tuple[str, str | None, str] | None:
    return PARAMETER_CHANGES.get((pass_name, parameter))
