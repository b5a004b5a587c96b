"""Outline and folding: systems, data configs, evaluators and passes in run order."""

from __future__ import annotations

from lsprotocol import types


def document_symbols(doc, catalog) -> list[types.DocumentSymbol]:
    return []


def folding_ranges(doc) -> list[types.FoldingRange]:
    return []
