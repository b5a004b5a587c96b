"""KeySpec: one key an object takes (type, default, allowed values, where its values come from), built from a
catalog entry plus the hints the catalog does not carry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from olive_ls.features.completion.places import ARRAY_ITEMS
from olive_ls.json_types import json_type_of

class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


# A key without a default (None is a default).
MISSING: Any = _Missing()


@dataclass
class KeySpec:
    name: str
    description: str = ""
    default: Any = MISSING
    required: bool = False
    types: tuple[str, ...] = ()
    enum: tuple = ()
    origin: str = ""
    # Where values come from: "pass_type", "system_ref", "ep", ... (see values.value_options); for arrays, of the items.
    values: str | None = None
    # The place of an object value, or of the items of an array value.
    child: str | None = None
    item_enum: tuple = ()
    sort_group: int = 2
    doc: str = ""

    @property
    def is_object(self) -> bool:
        return self.types[:1] == ("object",) or (not self.types and self.child is not None and self.child not in ARRAY_ITEMS)

    @property
    def is_array(self) -> bool:
        return self.types[:1] == ("array",) or (self.child in ARRAY_ITEMS and "object" not in self.types[:1])

    @property
    def is_boolean(self) -> bool:
        return "boolean" in self.types and not self.enum


_SCALAR_ORDER = ("string", "integer", "number", "boolean", "object", "array")


def _fragment_info(fragment: Any) -> tuple[list[str], list[Any], list[Any]]:
    """JSON types, enum values and item enum values found in a JSON Schema fragment."""
    found: list[str] = []
    enum: list[Any] = []
    item_enum: list[Any] = []
    stack = [fragment]
    while stack:
        part = stack.pop()
        if not isinstance(part, dict):
            continue
        kind = part.get("type")
        for name in [kind] if isinstance(kind, str) else kind or []:
            if name != "null" and name not in found:
                found.append(name)
        for value in part.get("enum") or []:
            if value is not None and value not in enum:
                enum.append(value)
        if "const" in part and part["const"] is not None and part["const"] not in enum:
            enum.append(part["const"])
        items = part.get("items")
        if isinstance(items, dict):
            _, values, _ = _fragment_info(items)
            item_enum.extend(v for v in values if v not in item_enum)
        for combinator in ("anyOf", "oneOf", "allOf"):
            stack.extend(reversed(part.get(combinator) or []))
    return found, enum, item_enum


def spec_from(name: str, entry: dict, origin: str, hints: dict | None = None) -> KeySpec:
    hints = hints or {}
    json_type = entry.get("json_type")
    types_: list[str] = [json_type] if isinstance(json_type, str) else list(json_type or [])
    types_ = [t for t in types_ if t != "null"]
    fragment_types, fragment_enum, item_enum = _fragment_info(entry.get("type"))
    if not types_:
        types_ = fragment_types
    if not types_ and "types" in hints:
        types_ = list(hints["types"])
    default = entry.get("default", MISSING)
    if not types_ and default not in (None, MISSING):
        types_ = [json_type_of(default)]
    # The declared type first ("string" before "array" for `cache_dir`), objects before booleans (search).
    if "types" in hints:
        types_ = sorted(types_, key=lambda t: list(hints["types"]).index(t) if t in hints["types"] else 99)
    enum = entry.get("enum") or fragment_enum or hints.get("enum") or ()
    return KeySpec(
        name=name,
        description=(entry.get("description") or hints.get("description") or "").strip(),
        default=default,
        required=bool(entry.get("required")),
        types=tuple(types_),
        enum=tuple(e for e in enum if e is not None),
        origin=origin,
        values=hints.get("values") or ("data_config_ref" if entry.get("data_config") or name.endswith("data_config") else None),
        child=hints.get("child"),
        item_enum=tuple(item_enum),
        sort_group=hints.get("sort", 0 if entry.get("required") else 2),
    )
