"""Offsets in a document's UTF-8 bytes, converted to LSP positions (line, UTF-16 code unit)."""

from __future__ import annotations

import bisect

from olive_ls.document.ranges import Position, Range


class LineIndex:
    """Maps byte offsets of a UTF-8 text to LSP positions and back.

    tree-sitter reports byte offsets; LSP counts UTF-16 code units per line. Lines that are pure ASCII (almost
    all of an Olive config) convert for free.
    """

    def __init__(self, data: bytes):
        # How many times the text was replaced in place (replace_text): a node's cached range is of one generation.
        self.generation = 0
        self._read(data)

    def replace_text(self, data: bytes) -> None:
        """The index now of `data`: for a tree carried over to a new version of its text (document/reparse.py), whose
        nodes all hold this index."""
        self.generation += 1
        self._read(data)

    def _read(self, data: bytes) -> None:
        self.data = data
        starts = [0]
        find = data.find
        pos = find(b"\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find(b"\n", pos + 1)
        self.line_starts = starts
        # A pure-ASCII text (almost every config) counts UTF-16 units as bytes: no slicing per position, which
        # on a megabyte single line would make every position cost a megabyte.
        self.ascii = data.isascii()
        self._ascii_lines: dict[int, bool] = {}

    @property
    def line_count(self) -> int:
        return len(self.line_starts)

    def _line_bytes(self, line: int) -> bytes:
        start = self.line_starts[line]
        end = self.line_starts[line + 1] - 1 if line + 1 < len(self.line_starts) else len(self.data)
        return self.data[start:end]

    def position_at(self, offset: int) -> Position:
        offset = max(0, min(offset, len(self.data)))
        line = bisect.bisect_right(self.line_starts, offset) - 1
        column_bytes = offset - self.line_starts[line]
        return Position(line=line, character=self._utf16_column(line, column_bytes))

    def position_from_point(self, row: int, byte_column: int) -> Position:
        return Position(line=row, character=self._utf16_column(row, byte_column))

    def _line_is_ascii(self, line: int) -> bool:
        known = self._ascii_lines.get(line)
        if known is None:
            known = self._ascii_lines[line] = self._line_bytes(line).isascii()
        return known

    def _utf16_column(self, line: int, byte_column: int) -> int:
        if line >= len(self.line_starts):
            return 0
        if self.ascii or self._line_is_ascii(line):
            return byte_column
        prefix = self.data[self.line_starts[line] : self.line_starts[line] + byte_column]
        if prefix.isascii():
            return len(prefix)
        return len(prefix.decode("utf-8", errors="replace").encode("utf-16-le")) // 2

    def offset_at(self, position: Position) -> int:
        """Byte offset of an LSP position; positions past a line's end clamp to the line's end."""
        if position.line >= len(self.line_starts):
            return len(self.data)
        start = self.line_starts[position.line]
        if self.ascii or self._line_is_ascii(position.line):
            end = self.line_starts[position.line + 1] - 1 if position.line + 1 < len(self.line_starts) else len(self.data)
            return start + min(position.character, end - start)
        line_bytes = self._line_bytes(position.line)
        units = 0
        for index, char in enumerate(line_bytes.decode("utf-8", errors="replace")):
            if units >= position.character:
                return start + len(line_bytes.decode("utf-8", errors="replace")[:index].encode("utf-8"))
            units += 2 if ord(char) > 0xFFFF else 1
        return start + len(line_bytes)

    def range_of(self, start: int, end: int) -> Range:
        return Range(start=self.position_at(start), end=self.position_at(end))
