"""A completion request: the cursor at a position, the items for it, capped."""

from __future__ import annotations

from lsprotocol import types

from olive_ls.features.completion.cursor import EMPTY, ITEM, KEY, NONE, VALUE, Cursor, cursor_at
from olive_ls.features.completion.items import CompletionContext, array_item_completions, document_skeleton, key_completions, value_completions
from olive_ls.features.completion.places import place_at
from olive_ls.features.completion.resolve import DeferredDocs, DocList
from olive_ls.features.completion.tables import Tables, key_spec, tables_for

MAX_ITEMS = 250


def complete(doc, catalog, position: types.Position, *, snippets: bool = True, markdown: bool = True, deferred: DeferredDocs | None = None) -> types.CompletionList:
    """`deferred`: where to keep the items' docs when the client resolves them (resolve.py); None sends them inline."""
    tables = tables_for(catalog)
    cursor = cursor_at(doc, position)
    docs = deferred.new_list() if deferred is not None and cursor.kind != NONE else None
    items = completion_items(doc, tables, cursor, snippets=snippets, markdown=markdown, deferred=docs)
    incomplete = len(items) > MAX_ITEMS
    return types.CompletionList(is_incomplete=incomplete, items=items[:MAX_ITEMS])


def completion_items(doc, tables: Tables, cursor: Cursor, *, snippets: bool = True, markdown: bool = True, deferred: DocList | None = None) -> list[types.CompletionItem]:
    if cursor.kind == NONE:
        return []
    ctx = CompletionContext(cursor, tables, snippets, markdown, indent_unit(doc) if cursor.language == "yaml" else 2, doc.index, doc=doc, deferred=deferred)
    root = cursor.root
    if root is not None and root.is_object:
        from olive_ls.model.view import build_view

        ctx.view = build_view(root)
    if cursor.kind == EMPTY:
        return [document_skeleton(ctx)]
    if cursor.kind == KEY:
        return key_completions(ctx, cursor.path)
    if cursor.kind == VALUE:
        place = place_at(cursor.path, root)
        spec = key_spec(tables, place, cursor.key or "")
        return value_completions(ctx, place, spec) if spec is not None else []
    if cursor.kind == ITEM:
        return array_item_completions(ctx)
    return []


def indent_unit(doc) -> int:
    smallest = 0
    for line in doc.text.splitlines()[:400]:
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if stripped and not stripped.startswith("#") and indent and (smallest == 0 or indent < smallest):
            smallest = indent
    return smallest if 2 <= smallest <= 4 else 2
