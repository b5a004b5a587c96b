"""Skeleton values (Choice, Slot, Lit, Obj, Arr) and their text as LSP snippets or plain text, JSON or YAML."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from olive_ls.features.completion.key_specs import MISSING

@dataclass
class Choice:
    options: list


@dataclass
class Slot:
    kind: str | None = None  # string | integer | number | boolean | object | array | None
    default: Any = MISSING


@dataclass
class Lit:
    value: Any


@dataclass
class Obj:
    fields: list = field(default_factory=list)  # [(key, skeleton)]


@dataclass
class Arr:
    item: Any = None


class TabStops:
    def __init__(self, snippets: bool):
        self.snippets = snippets
        self.count = 0

    def next(self) -> int:
        self.count += 1
        return self.count


_SNIPPET_ESCAPE = re.compile(r"([$}\\])")
UNESCAPE = re.compile(r"\\([$}\\])")
_CHOICE_ESCAPE = re.compile(r"([$}\\,|])")


def literal(text: str, stops: TabStops) -> str:
    return _SNIPPET_ESCAPE.sub(r"\\\1", text) if stops.snippets else text


def json_text(skel, stops: TabStops) -> str:
    if isinstance(skel, Lit):
        return literal(json.dumps(skel.value), stops)
    if isinstance(skel, Choice):
        if not stops.snippets or len(skel.options) == 1:
            return literal(json.dumps(skel.options[0]), stops)
        quoted = all(isinstance(o, str) for o in skel.options)
        texts = [o if isinstance(o, str) else json.dumps(o) for o in skel.options]
        body = "${%d|%s|}" % (stops.next(), ",".join(_CHOICE_ESCAPE.sub(r"\\\1", json.dumps(t)[1:-1] if quoted else t) for t in texts))
        return f'"{body}"' if quoted else body
    if isinstance(skel, Slot):
        default = skel.default if skel.default is not MISSING else None
        if not stops.snippets:
            if default is not None:
                return json.dumps(default)
            return {"string": '""', "object": "{}", "array": "[]", "boolean": "false", "integer": "0", "number": "0"}.get(skel.kind or "", '""')
        stop = stops.next()
        if skel.kind == "object":
            return "{$%d}" % stop
        if skel.kind == "array":
            return "[$%d]" % stop
        if isinstance(default, str):
            return '"${%d:%s}"' % (stop, _SNIPPET_ESCAPE.sub(r"\\\1", json.dumps(default)[1:-1]))
        if default is not None and not isinstance(default, (dict, list)):
            return "${%d:%s}" % (stop, json.dumps(default))
        if skel.kind == "string":
            return '"$%d"' % stop
        return "$%d" % stop
    if isinstance(skel, Obj):
        if not skel.fields:
            return "{$%d}" % stops.next() if stops.snippets else "{}"
        return "{" + ", ".join(f"{literal(json.dumps(k), stops)}: {json_text(v, stops)}" for k, v in skel.fields) + "}"
    if isinstance(skel, Arr):
        if skel.item is None:
            return "[$%d]" % stops.next() if stops.snippets else "[]"
        return "[" + json_text(skel.item, stops) + "]"
    return ""


_YAML_PLAIN = re.compile(r"^[A-Za-z_./][A-Za-z0-9_./+\-]*$")
_YAML_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def yaml_scalar(value: Any) -> str:
    if isinstance(value, str):
        if _YAML_PLAIN.match(value) and value.lower() not in _YAML_RESERVED:
            return value
        return json.dumps(value)
    if value is None:
        return "null"
    return json.dumps(value)


def _yaml_scalar_text(skel, stops: TabStops) -> str | None:
    """The inline text of a scalar skeleton, or None when it needs a block."""
    if isinstance(skel, Lit) and not isinstance(skel.value, (dict, list)):
        return literal(yaml_scalar(skel.value), stops)
    if isinstance(skel, Choice):
        if not stops.snippets or len(skel.options) == 1:
            return literal(yaml_scalar(skel.options[0]), stops)
        return "${%d|%s|}" % (stops.next(), ",".join(_CHOICE_ESCAPE.sub(r"\\\1", yaml_scalar(o)) for o in skel.options))
    if isinstance(skel, Slot) and skel.kind not in ("object", "array"):
        default = skel.default if skel.default is not MISSING else None
        if not stops.snippets:
            return yaml_scalar(default) if default is not None else ""
        stop = stops.next()
        if default is not None and not isinstance(default, (dict, list)):
            return "${%d:%s}" % (stop, _SNIPPET_ESCAPE.sub(r"\\\1", yaml_scalar(default)))
        return "$%d" % stop
    return None


def yaml_value(skel, column: int, unit: int, stops: TabStops) -> str:
    """The text after `key:` for a key at `column`: ' scalar' or a block on the following lines."""
    scalar = _yaml_scalar_text(skel, stops)
    if scalar is not None:
        return " " + scalar if scalar else " "
    inner = " " * (column + unit)
    if isinstance(skel, Slot) and skel.kind == "array":
        return "\n" + inner + "- " + ("$%d" % stops.next() if stops.snippets else "")
    if isinstance(skel, Arr):
        if skel.item is None:
            return "\n" + inner + "- " + ("$%d" % stops.next() if stops.snippets else "")
        return "\n" + inner + "- " + yaml_item(skel.item, column + unit + 2, unit, stops)
    if isinstance(skel, Obj) and skel.fields:
        return "\n" + yaml_fields(skel.fields, column + unit, unit, stops)
    if isinstance(skel, Lit) and isinstance(skel.value, (dict, list)):
        return " " + literal(json.dumps(skel.value), stops)
    return "\n" + inner + ("$%d" % stops.next() if stops.snippets else "")


def yaml_fields(fields: list, column: int, unit: int, stops: TabStops, first_inline: bool = False) -> str:
    lines = []
    for i, (key, value) in enumerate(fields):
        prefix = "" if (first_inline and i == 0) else " " * column
        lines.append(prefix + literal(yaml_scalar(key), stops) + ":" + yaml_value(value, column, unit, stops))
    return "\n".join(lines)


def yaml_item(skel, column: int, unit: int, stops: TabStops) -> str:
    """An array item after '- ' whose content starts at `column`."""
    if isinstance(skel, Obj) and skel.fields:
        return yaml_fields(skel.fields, column, unit, stops, first_inline=True)
    scalar = _yaml_scalar_text(skel, stops)
    if scalar is not None:
        return scalar
    return "$%d" % stops.next() if stops.snippets else ""
