"""What a finished Olive run means for the config in the editor: its errors placed on keys, and code lenses."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from lsprotocol import types

from olive_ls.document.nodes import node_at_path, property_at_path
from olive_ls.document.ranges import Range, origin_range
from olive_ls.model.view import is_olive_config
from olive_ls.rules.registry import ERROR, Finding

RUN_ERROR_CODE = "OLV900"
NO_MODEL_CODE = "OLV901"
RUN_COMMAND = "olive.runWorkflow"
SMOKE_COMMAND = "olive.smokeTest"


def _start_of(doc) -> Range:
    if doc.root is not None and doc.root.properties:
        return doc.root.properties[0].key_node.range
    return origin_range()


def _place(doc, path: list | None) -> Range:
    """On the value Olive complained about when it is a scalar, else on its key, else at the top."""
    if not path:
        return _start_of(doc)
    node = node_at_path(doc.root, list(path))
    if node is not None and node.kind not in ("object", "array"):
        return node.range
    prop = property_at_path(doc.root, list(path))
    if prop is not None:
        return prop.key_node.range
    # The key is gone or never was (e.g. a default Olive filled in): the nearest ancestor that exists.
    return _place(doc, list(path)[:-1])


def run_findings(doc, errors: Iterable[dict[str, Any]], no_model_reason: str | None) -> list[Finding]:
    """Findings from a run's errors (RunError.to_json() dicts), placed back onto the config."""
    found = [
        Finding(f"olive run: {error.get('message')}", _place(doc, error.get("config_path")), ERROR, code=RUN_ERROR_CODE, source="olive run")
        for error in errors
    ]
    if no_model_reason and not found:
        found.append(Finding(f"olive run produced no model: {no_model_reason}", _start_of(doc), ERROR, code=NO_MODEL_CODE, source="olive run"))
    return found


def code_lenses(doc, uri: str, output_dirs: list[str], running: bool) -> list[types.CodeLens]:
    if not is_olive_config(doc.root):
        return []
    where = _start_of(doc)
    if running:
        lenses = [types.CodeLens(range=where, command=types.Command(title="$(sync~spin) Olive is running this config", command=""))]
    else:
        lenses = [types.CodeLens(range=where, command=types.Command(title="▶ Run workflow", command=RUN_COMMAND, arguments=[uri]))]
    for folder in output_dirs:
        lenses.append(
            types.CodeLens(range=where, command=types.Command(title=f"Smoke-test output: {Path(folder).name}", command=SMOKE_COMMAND, arguments=[folder]))
        )
    return lenses
