"""Syntax problems found while building a tree: every one, not only the first."""

from __future__ import annotations

from dataclasses import dataclass

# Kinds, each reported under its own diagnostic code by the syntax rules.
SYNTAX_ERROR = "syntax-error"
JSON_COMMENT = "json-comment"
TRAILING_COMMA = "trailing-comma"
DUPLICATE_KEY = "duplicate-key"
TOO_DEEP = "too-deep"


@dataclass(frozen=True)
class SyntaxProblem:
    kind: str
    message: str
    start: int
    end: int
