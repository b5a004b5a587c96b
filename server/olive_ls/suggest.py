"""Did-you-mean: the closest known names to a misspelled one."""

from __future__ import annotations

import difflib
from typing import Iterable


def closest(word: str, candidates: Iterable[str], limit: int = 3, cutoff: float = 0.6) -> list[str]:
    """Closest candidates, compared without regard to case, returned in their own spelling."""
    by_lower: dict[str, str] = {}
    for candidate in candidates:
        by_lower.setdefault(candidate.lower(), candidate)
    matches = difflib.get_close_matches(word.lower(), list(by_lower), n=limit, cutoff=cutoff)
    return [by_lower[match] for match in matches]


def did_you_mean(word: str, candidates: Iterable[str]) -> tuple[str, list[str]]:
    """A message suffix (" Did you mean 'x'?" or "") and the suggestions behind it."""
    suggestions = closest(word, candidates)
    if not suggestions:
        return "", []
    if len(suggestions) == 1:
        return f" Did you mean '{suggestions[0]}'?", suggestions
    return " Did you mean " + ", ".join(f"'{s}'" for s in suggestions[:-1]) + f" or '{suggestions[-1]}'?", suggestions


def one_of(values: Iterable[object], limit: int = 12) -> str:
    shown = [str(v) for v in values]
    if len(shown) > limit:
        return ", ".join(shown[:limit]) + f", ... ({len(shown) - limit} more)"
    return ", ".join(shown)
