"""Documents with a marked cursor, and what a client does with a completion: expand its snippet, apply its edits.

`‸` marks the cursor (a non-ASCII marker, so byte offsets and UTF-16 columns are exercised too). The snippet
reader follows the LSP snippet grammar strictly: `\\` may only escape `$`, `}` and `\\` (and `,` `|` inside a
choice), a `$` must start a tab stop, and a `}` ends a placeholder (outside one it is text, as in VS Code).
The server never writes variables, so `$name` is a literal `$` the server forgot to escape: an error here.
"""

from __future__ import annotations

import re
from pathlib import Path

from lsprotocol import types

from olive_ls.catalog.loader import load_catalog
from olive_ls.document.parse import ParsedDocument, parse_document
from olive_ls.features.completion import complete
from olive_ls.features.hover import hover

MARK = "‸"
REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
CATALOG = load_catalog()


def marked_doc(marked: str, language: str = "json") -> tuple[ParsedDocument, types.Position]:
    offset = marked.index(MARK)
    text = marked.replace(MARK, "", 1)
    doc = parse_document(text, language)
    return doc, doc.index.position_at(len(text[:offset].encode("utf-8")))


def complete_at(marked: str, language: str = "json", snippets: bool = True, markdown: bool = True) -> types.CompletionList:
    doc, position = marked_doc(marked, language)
    return complete(doc, CATALOG, position, snippets=snippets, markdown=markdown)


def hover_at(marked: str, language: str = "json") -> types.Hover | None:
    doc, position = marked_doc(marked, language)
    return hover(doc, CATALOG, position)


def labels(result: types.CompletionList) -> list[str]:
    return [item.label for item in result.items]


def item_named(result: types.CompletionList, label: str) -> types.CompletionItem:
    found = [item for item in result.items if item.label == label]
    assert len(found) == 1, (label, labels(result))
    return found[0]


def utf16_column(line: str) -> int:
    return len(line.encode("utf-16-le")) // 2


def span(text: str, where: types.Range) -> str:
    """The text an LSP range covers."""
    doc = parse_document(text, "json")
    data = text.encode("utf-8")
    return data[doc.index.offset_at(where.start) : doc.index.offset_at(where.end)].decode("utf-8")


def apply_item(marked: str, item: types.CompletionItem, language: str = "json") -> str:
    """The document after accepting `item`: snippet expanded (first choice, placeholders as written)."""
    doc, _ = marked_doc(marked, language)
    data = doc.index.data
    assert isinstance(item.text_edit, types.TextEdit)
    new_text = item.text_edit.new_text
    if item.insert_text_format == types.InsertTextFormat.Snippet:
        new_text = expand_snippet(new_text)
    edits = [(item.text_edit.range, new_text)] + [(e.range, e.new_text) for e in item.additional_text_edits or []]
    spans = sorted(((doc.index.offset_at(r.start), doc.index.offset_at(r.end), t) for r, t in edits), reverse=True)
    for start, end, new in spans:
        data = data[:start] + new.encode("utf-8") + data[end:]
    return data.decode("utf-8")


class SnippetError(ValueError):
    pass


_DIGITS = re.compile(r"\d+")


def expand_snippet(snippet: str) -> str:
    """The text a client inserts for an LSP snippet; raises SnippetError when it is not valid snippet syntax."""
    text, _ = _expand(snippet, 0, inside=False)
    return text


def tab_stops(snippet: str) -> list[int]:
    """Tab stop numbers in order of appearance (escaped dollars excluded)."""
    return [int(m.group(1) or m.group(2)) for m in re.finditer(r"(?<!\\)\$(?:(\d+)|\{(\d+))", snippet)]


def _expand(s: str, i: int, inside: bool) -> tuple[str, int]:
    out = []
    while i < len(s):
        c = s[i]
        if c == "\\":
            if i + 1 < len(s) and s[i + 1] in "$}\\":
                out.append(s[i + 1])
                i += 2
                continue
            raise SnippetError(f"stray backslash at {i} in {s!r}")
        if c == "}" and inside:
            return "".join(out), i
        if c == "$":
            i, text = _tab_stop(s, i)
            out.append(text)
            continue
        out.append(c)
        i += 1
    if inside:
        raise SnippetError(f"unclosed placeholder in {s!r}")
    return "".join(out), i


def _tab_stop(s: str, i: int) -> tuple[int, str]:
    digits = _DIGITS.match(s, i + 1)
    if digits:
        return digits.end(), ""
    if not s.startswith("{", i + 1):
        raise SnippetError(f"unescaped '$' at {i} in {s!r}")
    digits = _DIGITS.match(s, i + 2)
    if not digits:
        raise SnippetError(f"'${{' without a tab stop number at {i} in {s!r}")
    j = digits.end()
    if s.startswith("}", j):
        return j + 1, ""
    if s.startswith(":", j):
        text, end = _expand(s, j + 1, inside=True)
        return end + 1, text
    if s.startswith("|", j):
        options, j = _choice(s, j + 1)
        if not options:
            raise SnippetError(f"empty choice in {s!r}")
        return j, options[0]
    raise SnippetError(f"bad tab stop at {i} in {s!r}")


def _choice(s: str, i: int) -> tuple[list[str], int]:
    options, current = [], []
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s) and s[i + 1] in "$}\\,|":
            current.append(s[i + 1])
            i += 2
        elif c == ",":
            options.append("".join(current))
            current = []
            i += 1
        elif c == "|" and s.startswith("}", i + 1):
            options.append("".join(current))
            return options, i + 2
        elif c in "|$}\\":
            raise SnippetError(f"unescaped {c!r} in a choice at {i} in {s!r}")
        else:
            current.append(c)
            i += 1
    raise SnippetError(f"unclosed choice in {s!r}")
