"""Olive's flattening rule, once: where a key may be written both flat and nested, the nested one wins.

Olive's `NestedConfig.gather_nested_field` (olive/common/config_utils.py, Olive 0.13.0) moves every flat key that
is not a field of the class into the nested dict (`config` of a pass, model or system; `engine` of the run
config), and when the nested dict already has that key it logs "field '...' is already defined in '...'.
Ignoring." and drops the flat one. `model/view.py` applies this to document trees; these functions apply it to
plain dicts (the config as `olive run` loads it), for `execution/`.
"""

from __future__ import annotations

from typing import Any

# The nested field of a run config (RunConfig._nested_field_name) and of a pass, model or system config.
ENGINE_FIELD = "engine"
CONFIG_FIELD = "config"


def nested_value(entry: dict[str, Any], nested_field: str, key: str, default: Any = None) -> Any:
    """The value Olive uses for `key` of an entry that may hold it flat or under `nested_field`."""
    nested = entry.get(nested_field)
    if isinstance(nested, dict) and key in nested:
        return nested[key]
    return entry.get(key, default)


def nested_key_path(entry_path: tuple, entry: dict[str, Any], nested_field: str, key: str) -> tuple:
    """Where that value is written (the nested place when both are), for placing a message on it."""
    nested = entry.get(nested_field)
    if isinstance(nested, dict) and key in nested:
        return (*entry_path, nested_field, key)
    return (*entry_path, key)


def engine_value(config: dict[str, Any], key: str, default: Any = None) -> Any:
    return nested_value(config, ENGINE_FIELD, key, default)


def pass_param_value(entry: dict[str, Any], key: str, default: Any = None) -> Any:
    return nested_value(entry, CONFIG_FIELD, key, default)
