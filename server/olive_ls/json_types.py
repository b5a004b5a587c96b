"""JSON Schema type names of values read from JSON or YAML, for the catalog generator and the editor alike."""

from __future__ import annotations

from typing import Any


def json_type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):  # before int: bool is an int in Python
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "string"
