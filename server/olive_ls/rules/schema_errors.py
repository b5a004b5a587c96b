"""jsonschema-rs' validation errors as plain values, and the one among them that says most.

python-jsonschema once gave the schema rules their error objects (~45 ms of import, milliseconds a config); these are
read from jsonschema-rs' own errors, which name the keyword, the instance path and the resolved schema path, and
`best_match` chooses among them the way python-jsonschema's does (tests/rules/test_schema_errors.py).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass


@dataclass(frozen=True)
class SchemaError:
    """One mismatch jsonschema-rs found, with what the messages ask of it."""

    keyword: str  # the failing keyword: "enum", "type", "anyOf" ...
    path: tuple  # where in the instance, from its root
    schema: dict  # the (sub)schema that holds the keyword
    instance: object
    details: dict  # the keyword's own facts: {"options": [...]}, {"property": "x"}, {"unexpected": [...]} ...
    message: str
    branches: tuple[tuple[SchemaError, ...], ...] = ()  # anyOf/oneOf: the errors of each alternative

    @classmethod
    def of(cls, error, root_schema, prefix: tuple = ()) -> SchemaError:
        details = error.kind.as_dict()
        context = details.pop("context", None) or ()
        return cls(
            keyword=error.kind.name,
            path=prefix + tuple(error.instance_path),
            schema=_subschema(root_schema, error.schema_path[:-1]),
            instance=error.instance,
            details=details,
            message=error.message,
            branches=tuple(tuple(cls.of(sub, root_schema, prefix) for sub in branch) for branch in context),
        )


def _subschema(schema, path) -> dict:
    """The schema at a jsonschema-rs schema path (its paths are resolved through `$ref` already)."""
    for part in path:
        try:
            schema = schema[part]
        except (KeyError, IndexError, TypeError):
            return {}
    return schema if isinstance(schema, dict) else {}


# How python-jsonschema's `best_match` rates errors (jsonschema.exceptions.relevance): deeper in the instance,
# then earlier, then not a weak keyword, then one whose schema's type the instance has.
WEAK_KEYWORDS = frozenset({"anyOf", "oneOf"})


def is_json_type(value, name: str) -> bool:
    """JSON Schema's types, as Draft 2020-12 defines them (1.0 is an integer, true is not)."""
    if name == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, float) and value.is_integer())
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, _TYPES.get(name, ()))


_TYPES = {"string": str, "boolean": bool, "null": type(None), "array": list, "object": dict}


def best_match(errors, is_type=is_json_type) -> SchemaError | None:
    """The error that says most about what is wrong (python-jsonschema's `best_match`): the most relevant one, and
    inside an anyOf/oneOf the deepest of its alternatives' errors, unless two of them tie. `is_type` is the type
    check the validation used (a lax one for pydantic's coercions)."""

    def relevance(error: SchemaError):
        expected = error.schema.get("type")
        names = () if expected is None else [expected] if isinstance(expected, str) else expected
        return (-len(error.path), error.path, error.keyword not in WEAK_KEYWORDS, not any(is_type(error.instance, name) for name in names))

    def first_keyword(error: SchemaError) -> int:
        # Of equally relevant errors python-jsonschema keeps the first it met, walking a schema's keywords in their
        # order; jsonschema-rs yields them in its own.
        keywords = list(error.schema)
        return -keywords.index(error.keyword) if error.keyword in keywords else -len(keywords)

    best = max(errors, key=lambda error: (relevance(error), first_keyword(error)), default=None)
    while best is not None and best.branches:
        smallest = heapq.nsmallest(2, (sub for branch in best.branches for sub in branch), key=relevance)
        if not smallest or (len(smallest) == 2 and relevance(smallest[0]) == relevance(smallest[1])):
            return best
        best = smallest[0]
    return best
