"""Reading an Olive workflow config the way `olive run` does, without importing Olive.

Olive (olive/common/config_utils.py:108-118, `load_config_file`) reads `.json` with `json.load` and `.yaml` /
`.yml` with `yaml.safe_load`; any other suffix fails with `Unsupported file type`. PyYAML comes with Olive, not
with olive-ls's base install, so it is imported lazily and only for YAML files.

Also here: small helpers that look things up in the loaded dict using the keys *as the user wrote them*
(flat or nested `config`, top-level or `engine` keys, a pass given as a dict or as a list of alternatives), so
that errors can point at a key path the LSP layer can turn into a range.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# Olive's flattening rule lives in the model; `engine_value` and `pass_param_value` are part of this module's API.
from olive_ls.model.flatten import ENGINE_FIELD, engine_value, nested_key_path, pass_param_value  # noqa: F401

CONFIG_SUFFIXES = (".json", ".yaml", ".yml")

ConfigPath = tuple  # tuple[str | int, ...]


class ConfigInputError(Exception):
    """The file given as a config cannot be used at all (missing, a folder, unreadable, not a config).

    The message is one line, meant to be shown as is.
    """


def load_config(path: Path) -> dict[str, Any]:
    """Load `path` as Olive would. Raises ConfigInputError with a one-line message on any problem."""
    path = Path(path)
    if not path.exists():
        raise ConfigInputError(f"{path}: no such file")
    if path.is_dir():
        raise ConfigInputError(f"{path}: is a folder, not a config file")
    suffix = path.suffix.lower()
    if suffix not in CONFIG_SUFFIXES:
        raise ConfigInputError(
            f"{path}: unsupported file type {suffix or '(none)'!s}; Olive reads .json, .yaml and .yml configs"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigInputError(f"{path}: not a text file (not UTF-8)") from None
    except OSError as exc:
        raise ConfigInputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigInputError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    else:
        try:
            import yaml  # PyYAML: installed with olive-ai, optional for olive-ls
        except ImportError:
            raise ConfigInputError(f"{path}: reading YAML needs PyYAML (pip install pyyaml, or olive-ls[run])") from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{mark.line + 1}:{mark.column + 1}:" if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise ConfigInputError(f"{path}:{where} not valid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise ConfigInputError(f"{path}: not an Olive workflow config (the top level is not a mapping)")
    if "input_model" not in data:
        raise ConfigInputError(f"{path}: not an Olive workflow config (no input_model key)")
    return data


# --------------------------------------------------------------------------------------------------------------
# Looking things up the way the user wrote them


def passes_of(config: dict[str, Any]) -> dict[str, Any]:
    passes = config.get("passes")
    return passes if isinstance(passes, dict) else {}


def count_passes(config: dict[str, Any]) -> int:
    """Number of pass steps in the flow (a list under one name holds search alternatives: one step)."""
    return len(passes_of(config))


def pass_entries(config: dict[str, Any]):
    """Yield (path_to_pass_entry, entry_dict) for every pass entry; a list of alternatives yields each one."""
    for name, value in passes_of(config).items():
        if isinstance(value, dict):
            yield ("passes", name), value
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict):
                    yield ("passes", name, i), item


def pass_param_path(entry_path: tuple, entry: dict[str, Any], key: str) -> tuple:
    """Path of pass parameter `key`: under `config` when the user nested it there, flat otherwise."""
    nested = entry.get("config")
    if isinstance(nested, dict) and key in nested:
        return (*entry_path, "config", key)
    if key in entry:
        return (*entry_path, key)
    if isinstance(nested, dict):
        return (*entry_path, "config", key)
    return (*entry_path, key)


def engine_key_path(config: dict[str, Any], key: str) -> tuple:
    return nested_key_path((), config, ENGINE_FIELD, key)


def get_at(config: Any, path: tuple) -> Any:
    node = config
    for part in path:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            raise KeyError(path)
    return node


def resolve_loc(config: dict[str, Any], loc: list[str | int]) -> tuple:
    """Map a pydantic `loc` of RunConfig (e.g. engine.execution_providers, passes.builder.0.config.precision,
    systems.local_system.config.accelerators.0) onto the keys as written in `config`.

    Rules: an `engine` key the user wrote at the top level loses its `engine.` prefix; a `config` segment the
    user flattened is skipped; the `0` Olive adds when it wraps a single pass dict into a list is skipped; union
    member labels pydantic appends (e.g. ``int-enum[...]``, ``is-instance[...]``) are dropped. Where the path
    leaves the document (a missing key), the path stops at the deepest key that exists plus the missing key.
    """
    parts = [p for p in loc if not _is_union_label(p)]
    out: list[str | int] = []
    node: Any = config
    i = 0
    if parts and parts[0] == "engine" and len(parts) > 1:
        engine = config.get("engine")
        if not (isinstance(engine, dict) and parts[1] in engine) and parts[1] in config:
            parts = parts[1:]
    while i < len(parts):
        part = parts[i]
        if isinstance(node, list):
            idx = _as_int(part)
            if idx is not None and 0 <= idx < len(node):
                out.append(idx)
                node = node[idx]
                i += 1
                continue
            break
        if not isinstance(node, dict):
            break
        if part in node:
            out.append(part)
            node = node[part]
            i += 1
            continue
        # Olive wrapped a single pass dict into a list: skip the index
        if _as_int(part) is not None and isinstance(node, dict):
            i += 1
            continue
        # the user flattened the nested `config`
        if part == "config":
            i += 1
            continue
        # the key is missing: name it as the last element so the reader knows what is missing
        out.append(part)
        break
    return tuple(out)


def _as_int(part: Any) -> int | None:
    if isinstance(part, int):
        return part
    if isinstance(part, str) and part.isdigit():
        return int(part)
    return None


def _is_union_label(part: Any) -> bool:
    return isinstance(part, str) and ("[" in part or part.startswith("`") or part.startswith("function-"))


def find_string_refs(config: Any, value: str, key_filter=None, path: tuple = ()) -> list[tuple]:
    """Paths of every string `value` in the document whose key passes `key_filter(key)`."""
    found: list[tuple] = []
    if isinstance(config, dict):
        for k, v in config.items():
            if isinstance(v, str) and v == value and (key_filter is None or key_filter(str(k))):
                found.append((*path, k))
            elif isinstance(v, (dict, list)):
                found.extend(find_string_refs(v, value, key_filter, (*path, k)))
    elif isinstance(config, list):
        for i, v in enumerate(config):
            if isinstance(v, str) and v == value and key_filter is None:
                found.append((*path, i))
            elif isinstance(v, (dict, list)):
                found.extend(find_string_refs(v, value, key_filter, (*path, i)))
    return found


def local_model_dir(config: dict[str, Any], base: Path) -> Path | None:
    """The input model's folder when `input_model.model_path` is a local directory (relative to `base`)."""
    model = config.get("input_model")
    if not isinstance(model, dict):
        return None
    model_path = model.get("model_path")
    if model_path is None and isinstance(model.get("config"), dict):
        model_path = model["config"].get("model_path")
    if not isinstance(model_path, str):
        return None
    p = Path(model_path).expanduser()
    if not p.is_absolute():
        p = base / p
    return p if p.is_dir() else None


def format_path(path: tuple | None) -> str:
    """`("passes", "builder", "precision")` -> `passes.builder.precision`; list indices as `[0]`."""
    if not path:
        return "(config)"
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
