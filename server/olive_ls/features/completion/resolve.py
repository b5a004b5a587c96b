"""Documentation written only when the client asks for it (completionItem/resolve).

Every completion item's documentation is a `Doc`: the markdown itself, or a function that writes it. For a
client that resolves `documentation`, `items.make_item` sends no documentation, only a small key in the
item's `data`, and keeps the `Doc` here; the reply to a pass type value on a large config then carries labels
and edits instead of every pass's full docs (issue 11), and most docs are never written. A client that cannot
resolve gets the documentation inline, written from the same `Doc`, so both kinds of client read the same text.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

# The markdown, or a function that writes it (a pass's docs, an EP's devices): written only when shown.
Doc = str | Callable[[], str]

# Lists kept for resolving. A client resolves items of the list it shows, but a list marked incomplete is asked
# again at each keystroke, so a resolve may arrive just after the next list; a few cover that. Few, because a
# `Doc` of a config's own name (a system, an evaluator) holds that document's nodes.
KEEP_LISTS = 4


def written(doc: Doc) -> str:
    return doc() if callable(doc) else doc


class DocList:
    """The deferred docs of one completion list; `add` gives the `data` of the item that carries the doc."""

    def __init__(self, serial: int, store: DeferredDocs):
        self.serial = serial
        self.docs: list[Doc] = []
        self._store = store

    def add(self, doc: Doc) -> dict[str, Any]:
        if not self.docs:
            # Kept from its first doc on: a list with none (an empty answer) must not push out one the client shows.
            self._store._keep(self)
        self.docs.append(doc)
        return {"doc": [self.serial, len(self.docs) - 1]}


class DeferredDocs:
    """The docs of the last few completion lists, found again by the key an item carries in its `data`."""

    def __init__(self, keep: int = KEEP_LISTS):
        self.keep = keep
        self._lists: OrderedDict[int, DocList] = OrderedDict()
        self._serial = 0

    def new_list(self) -> DocList:
        self._serial += 1
        return DocList(self._serial, self)

    def _keep(self, docs: DocList) -> None:
        self._lists[docs.serial] = docs
        while len(self._lists) > self.keep:
            self._lists.popitem(last=False)

    def markdown(self, data: Any) -> str | None:
        """The markdown of the item whose `data` this is; None when it is not ours or its list is gone."""
        key = data.get("doc") if isinstance(data, dict) else None
        if not (isinstance(key, list) and len(key) == 2 and all(isinstance(k, int) and not isinstance(k, bool) for k in key)):
            return None
        docs = self._lists.get(key[0])
        if docs is None or not 0 <= key[1] < len(docs.docs):
            return None
        return written(docs.docs[key[1]]) or None
