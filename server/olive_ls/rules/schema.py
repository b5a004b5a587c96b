"""Schema rules: the config checked against the catalog's run-config JSON Schema with jsonschema-rs.

Each error becomes one finding, placed on the key or value it is about and said in plain words. For
`oneOf`/`anyOf` failures the branch that came closest is reported, not the wall of alternatives (the choice
python-jsonschema's `best_match` makes, tests/rules/test_schema_errors.py holds the two side by side). More
specific rules (legacy forms, unknown pass types...) report the same places with better words; the engine then
drops the generic finding (see features/diagnostics.py).
"""

from __future__ import annotations

import json
import re

import jsonschema_rs

from olive_ls.document.nodes import Node, node_at_path
from olive_ls.rules.registry import ERROR, Finding, RuleContext, rule
from olive_ls.rules.schema_errors import WEAK_KEYWORDS, SchemaError, best_match
from olive_ls.suggest import did_you_mean, one_of

_JSON_TYPES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    type(None): "null",
}


class SchemaChecker:
    """The run-config schema applied to everything but the inside of each pass.

    Pass entries belong to the passes rules (OLV301-OLV309), which check type, parameters and values with
    pydantic's own lax coercion; validating them here too would report the same things twice, in worse words,
    and cost most of the time (81 `if type == X` branches per pass).
    """

    _PASS_ENTRY = {"type": "object"}

    def __init__(self, model):
        self.schema = _without_pass_entries(model.run_config_schema)
        self.validator = jsonschema_rs.Draft202012Validator(self.schema)
        self.entry_validator = jsonschema_rs.Draft202012Validator(self._PASS_ENTRY)

    def errors(self, instance) -> list[SchemaError]:
        passes = instance.get("passes") if isinstance(instance, dict) else None
        if not isinstance(passes, dict):
            return self._errors(self.validator, self.schema, instance)
        found = self._errors(self.validator, self.schema, {**instance, "passes": {}})
        for name, value in passes.items():
            entries = [((name,), value)] if not isinstance(value, list) else [((name, i), item) for i, item in enumerate(value)]
            for path, entry in entries:
                found.extend(self._errors(self.entry_validator, self._PASS_ENTRY, entry, ("passes", *path)))
        return found

    @staticmethod
    def _errors(validator, schema, instance, prefix: tuple = ()) -> list[SchemaError]:
        if validator.is_valid(instance):  # the common case, in microseconds: no error objects are built
            return []
        return [SchemaError.of(error, schema, prefix) for error in validator.iter_errors(instance)]


def _without_pass_entries(schema: dict) -> dict:
    """The run-config schema with `passes` reduced to what this checker asks of it (an object of pass entries):
    the full one's per-type branches make jsonschema-rs' compile take ~60 ms, and `errors` never validates pass
    entries against them (a `passes` that is not an object is a type error on `passes` in both)."""
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(properties, dict) or "passes" not in properties:
        return schema
    reduced = {**schema, "properties": {**properties, "passes": {"type": "object"}}}
    definitions = schema.get("$defs")
    if isinstance(definitions, dict):
        # The pass entries' definitions (`pass`, `pass.<Type>`, `param.<Type>.<name>`), now referenced by nothing.
        kept = {name: value for name, value in definitions.items() if not _is_pass_definition(name)}
        referenced = set(_REF.findall(json.dumps({**reduced, "$defs": kept})))
        if not any(_is_pass_definition(name) for name in referenced):
            reduced["$defs"] = kept
    return reduced


_REF = re.compile(r'"#/\$defs/([^"]+)"')


def _is_pass_definition(name: str) -> bool:
    return name == "pass" or name.startswith(("pass.", "param."))


def schema_errors(ctx: RuleContext) -> list[SchemaError]:
    # One checker per model of Olive: compiling the schema takes milliseconds, far too slow per keystroke.
    return ctx.model.derived("rules.schema", SchemaChecker).errors(ctx.doc.python_value())


def _leaf(error: SchemaError) -> SchemaError:
    """For oneOf/anyOf, the error of the branch that nearly matched, not the wall of alternatives.

    A branch whose type fits the value (an object for an object) beats one that fails on the type itself;
    among those, the branch that got deepest into the value before failing came closest.
    """
    while error.keyword in WEAK_KEYWORDS and any(error.branches):
        depth = len(error.path)

        def distance(errors: tuple[SchemaError, ...]):
            wrong_type = any(e.keyword == "type" and len(e.path) == depth for e in errors)
            return (wrong_type, -max(len(e.path) - depth for e in errors), len(errors))

        error = best_match(min((branch for branch in error.branches if branch), key=distance))
    return error


def _describe(value) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _where(path) -> str:
    return ".".join(str(part) for part in path) or "the top level"


def _allowed_properties(schema: dict) -> list[str]:
    return sorted(schema.get("properties", {}))


# Olive's lax scalars (pydantic coercions), said the way a user thinks of them rather than as their anyOf branches.
_LAX_SCALARS = {
    "lax_boolean": "a boolean (true or false)",
    "lax_integer": "an integer",
    "lax_number": "a number",
}
# Where a `type` names one of the catalog's type tables: a misspelt one gets a did-you-mean.
_TYPE_TABLES = {"input_model": "model_types", "systems": "system_types"}


def _lax_scalar(ctx: RuleContext, error: SchemaError) -> str | None:
    if error.keyword != "anyOf":
        return None
    definitions = ctx.model.run_config_schema.get("$defs", {})
    for name, phrase in _LAX_SCALARS.items():
        if definitions.get(name) == error.schema:
            return phrase
    return None


def _type_names(ctx: RuleContext, path: list) -> list[str]:
    if not path or path[-1] != "type":
        return []
    table = _TYPE_TABLES.get(str(path[0]))
    return sorted(getattr(ctx.model, table)) if table else []


def _findings_for(ctx: RuleContext, error: SchemaError):
    path = list(error.path)
    expected = _lax_scalar(ctx, error)
    if expected:
        node = node_at_path(ctx.doc.root, path)
        if node is not None:
            yield Finding.at(node, f"{_where(path)} should be {expected}, not {_describe(error.instance)} {error.instance!r}.", code="OLV101")
        return
    error = _leaf(error)
    path = list(error.path)
    node = node_at_path(ctx.doc.root, path)
    if node is None:
        return
    validator = error.keyword
    if validator in ("additionalProperties", "unevaluatedProperties") and node.is_object:
        allowed = _allowed_properties(error.schema)
        known = set(allowed)
        patterns = error.schema.get("patternProperties", {})
        for prop in node.properties:
            if prop.key in known or patterns:
                continue
            hint, suggestions = did_you_mean(prop.key, allowed)
            yield Finding.at(
                prop,
                f"Unknown key '{prop.key}' in {_where(path)}: Olive does not accept it.{hint}",
                code="OLV100",
                fix={"title": "Replace with", "replace_key": suggestions} if suggestions else None,
            )
        return
    if validator == "enum":
        allowed = error.details["options"]
        hint, suggestions = did_you_mean(str(error.instance), [str(v) for v in allowed])
        yield Finding.at(
            node,
            f"'{error.instance}' is not allowed for {_where(path)}. Allowed: {one_of(allowed)}.{hint}",
            code="OLV102",
            fix={"title": "Replace with", "replace_value": suggestions} if suggestions else None,
        )
        return
    if validator == "const":
        yield Finding.at(node, f"{_where(path)} must be {error.details['expected_value']!r}.", code="OLV102")
        return
    if validator == "type":
        expected = error.schema.get("type", error.details["types"])  # the schema's order: jsonschema-rs sorts its own
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        yield Finding.at(node, f"{_where(path)} should be {expected}, not {_describe(error.instance)}.", code="OLV101")
        return
    if validator == "required":
        key = error.details["property"]
        yield Finding(
            f"Missing required key '{key}' in {_where(path)}.",
            _owner_key(node).range,
            code="OLV103",
            fix={"title": f"Add '{key}'", "add_keys": [key], "object_path": path},
        )
        return
    if validator == "pattern" and isinstance(error.instance, str):
        names = _type_names(ctx, path)
        hint, suggestions = did_you_mean(error.instance, names) if names else ("", [])
        allowed = f" Allowed: {one_of(names)}." if names else ""
        yield Finding.at(
            node,
            f"'{error.instance}' is not a valid value for {_where(path)}.{allowed}{hint}",
            code="OLV102",
            fix={"title": "Replace with", "replace_value": suggestions} if suggestions else None,
        )
        return
    message = error.message if len(error.message) < 200 else error.message[:197] + "..."
    yield Finding.at(node, f"{_where(path)}: {message}", code="OLV104")


def _owner_key(node: Node) -> Node:
    """Where a missing-key error goes: on the key that holds the object, not the whole object."""
    parent = node.parent
    if parent is not None and not isinstance(parent, Node):
        return parent.key_node
    return node


@rule("OLV100", "schema", "The config does not match Olive's config model (unknown keys, wrong types, bad values, missing keys).", ERROR)
def schema_check(ctx: RuleContext):
    seen = set()
    for error in schema_errors(ctx):
        for finding in _findings_for(ctx, error):
            key = (finding.code, finding.range.start.line, finding.range.start.character, finding.message)
            if key not in seen:
                seen.add(key)
                yield finding
