"""Hover: catalog docs for the key or value under the cursor."""

from __future__ import annotations

from lsprotocol import types


def hover(doc, catalog, position: types.Position) -> types.Hover | None:
    return None
