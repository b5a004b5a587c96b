"""Positions and ranges in LSP's terms (zero-based line, UTF-16 column), without importing lsprotocol.

The core (document, model, rules, service) speaks these small types, so `olive-ls check` never pays for
lsprotocol's ~600 attrs classes (about 0.4 s at import). They have lsprotocol's field names, so pygls serializes
them as it does its own when a feature puts one into an LSP result, and they compare equal to lsprotocol's
`Position` and `Range` with the same values (a reflected `==`), which keeps results comparable in tests.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, eq=False)
class Position:
    line: int
    character: int

    def __eq__(self, other) -> bool:
        try:
            return self.line == other.line and self.character == other.character
        except AttributeError:
            return NotImplemented

    def __hash__(self) -> int:
        return hash((self.line, self.character))

    def __repr__(self) -> str:
        return f"{self.line}:{self.character}"


@dataclass(frozen=True, slots=True, eq=False)
class Range:
    start: Position
    end: Position

    def __eq__(self, other) -> bool:
        try:
            return self.start == other.start and self.end == other.end
        except AttributeError:
            return NotImplemented

    def __hash__(self) -> int:
        return hash((self.start.line, self.start.character, self.end.line, self.end.character))

    def __repr__(self) -> str:
        return f"{self.start!r}-{self.end!r}"


ORIGIN = Position(line=0, character=0)


def origin_range() -> Range:
    """The start of a document: where a finding about the whole file goes."""
    return Range(start=ORIGIN, end=ORIGIN)
