"""Code actions: quick fixes from diagnostics' `data`, and the whole-config migration to the current Olive."""

from __future__ import annotations

from lsprotocol import types


def code_actions(doc, catalog, uri: str, range_: types.Range, diagnostics: list[types.Diagnostic]) -> list[types.CodeAction]:
    return []
