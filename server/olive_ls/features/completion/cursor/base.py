"""The cursor's kinds and the `Cursor` record the JSON and YAML scanners fill in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from olive_ls.document.nodes import Node, PathPart
from olive_ls.document.ranges import Range

KEY = "key"  # typing a property name in the object at `path`
VALUE = "value"  # typing the value of `key` in the object at `path`
ITEM = "item"  # typing item `index` of the array at `path`
EMPTY = "empty"  # nothing in the document yet
NONE = "none"  # nowhere completion makes sense (after a value, in a comment)

_WORD_CHARS = re.compile(rb"[A-Za-z0-9_.+\-]*")
_WORD_BEFORE = re.compile(rb"[A-Za-z0-9_.+\-]*\Z")


@dataclass
class Cursor:
    kind: str
    language: str
    offset: int
    # Path of the container: the object holding the key (KEY, VALUE) or the array (ITEM).
    path: list[PathPart] = field(default_factory=list)
    key: str | None = None
    index: int | None = None
    # The word typed before the cursor, and the whole word under it; quotes excluded.
    prefix: str = ""
    word: str = ""
    # The span a completion replaces (byte offsets, one line) and its LSP range.
    start: int = 0
    end: int = 0
    range: Range | None = None
    # The quote character when the span is a quoted string (the span then includes the quotes).
    quote: str | None = None
    closed: bool = False
    # KEY: a ':' already follows the key, so only the name may be inserted.
    has_colon: bool = False
    # JSON: where a ',' must go before the insertion (the previous entry lacks one), and what the insertion
    # must end with when another entry follows ("," or ", ").
    comma_before: int | None = None
    comma_after: str = ""
    # The insertion directly follows ':' or '-' and needs a leading space.
    space_before: bool = False
    # Column (in characters) where the key or item content starts: YAML multi-line inserts indent from it.
    column: int = 0
    # YAML: inside a flow collection ([...] or {...}), where inserts are JSON-like and one line.
    flow: bool = False
    # The tree the container comes from (a re-parse when the cursor's line broke the document's tree).
    root: Node | None = None
    container: Node | None = None

    @property
    def in_string(self) -> bool:
        return self.quote is not None

    def container_keys(self) -> list[str]:
        return self.container.keys() if self.container is not None and self.container.is_object else []
