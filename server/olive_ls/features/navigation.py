"""Go to definition, find references and rename for the names a config defines and refers to."""

from __future__ import annotations

from lsprotocol import types


def definition(doc, position: types.Position) -> list[types.Range]:
    return []


def references(doc, position: types.Position, include_declaration: bool) -> list[types.Range]:
    return []


def prepare_rename(doc, position: types.Position) -> types.Range | None:
    return None


def rename(doc, position: types.Position, new_name: str) -> list[types.TextEdit]:
    return []
