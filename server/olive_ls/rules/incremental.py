"""Entry-scoped rules across versions of one document: what a rule found in a pass entry, kept by the entry's text.

A 10,000-line config is a thousand passes; a keystroke changes one of them. A rule registered with
`scope="entry"` promises that what it finds inside a pass entry depends only on that entry's own text, the config
outside `passes`, and the names and types of the passes in order (the model kind each one receives follows from
those). Within one document and one such context, an entry whose text is unchanged gets its findings of the last
analysis again, moved to where the entry now starts; the rule runs only on the entries that changed, through a view
that lists only them (`WorkflowView.restricted_to`; the model-kind flow still walks every pass).

The promise is checked where it can be: a finding a rule makes outside the entries it was asked about (on
`target`, on another pass) ends the reuse for that rule and document, and the rule runs whole until the context
changes.
tests/rules/test_incremental.py edits configs in many ways and compares every analysis with a fresh one.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from olive_ls.document.ranges import Position, Range
from olive_ls.rules.registry import Finding, Rule, RuleContext

if TYPE_CHECKING:
    from olive_ls.model.view import PassEntry

ENTRY = "entry"


@dataclass
class EntryFindings:
    """One document's findings of its entry-scoped rules, by rule and by entry text: kept by the service with the
    document, handed to each analysis of its next version."""

    context: tuple | None = None
    # An entry's text (_span's key) -> a number, the same in every version that has the entry unchanged.
    ids: dict[tuple, int] = field(default_factory=dict)
    by_rule: dict[str, dict[int, list[_Template]]] = field(default_factory=dict)
    # Rules that found something outside the entries asked about in this document: run whole.
    whole: set[str] = field(default_factory=set)
    # The analysis under way: (entry, its number, where its text starts, its start and end offsets) of each entry.
    _spans: list = field(default_factory=list, repr=False)

    def start(self, ctx: RuleContext) -> None:
        """Called once per analysis: a different context (the config outside `passes`, the passes' names and types,
        the catalog, the environment) makes every kept finding stale."""
        context = context_of(ctx)
        if context != self.context:
            self.context = context
            self.ids.clear()
            self.by_rule.clear()
            self.whole.clear()
        spans = []
        for entry in ctx.view.passes if ctx.view is not None else ():
            key, origin, start, end = _span(entry)
            number = self.ids.get(key)
            if number is None:
                number = self.ids[key] = len(self.ids)
            spans.append((entry, number, origin, start, end))
        self._spans = spans
        if len(self.ids) > 2 * len(spans) + 64:  # entries edited away pile up in a long session
            self.ids.clear()
            self.by_rule.clear()
            self.start(ctx)

    def findings(self, rule: Rule, ctx: RuleContext) -> list[Finding]:
        view = ctx.view
        if rule.code in self.whole or view is None:
            return list(rule.check(ctx))
        spans = self._spans
        kept = self.by_rule.setdefault(rule.code, {})
        changed = [span for span in spans if span[1] not in kept]
        if changed:
            restricted = replace(ctx, view=view.restricted_to([span[0] for span in changed]))
            placed = _place(list(rule.check(restricted)), changed)
            if placed is None:
                self.whole.add(rule.code)
                self.by_rule.pop(rule.code, None)
                return list(rule.check(ctx))
            for (_entry, number, origin, _start, _end), found in zip(changed, placed):
                kept[number] = [_Template.of(finding, origin) for finding in found]
        return [template.at(origin) for _entry, number, origin, _start, _end in spans for template in kept[number]]


def context_of(ctx: RuleContext) -> tuple:
    """What an entry-scoped rule may read besides its entry's own text."""
    root = ctx.doc.root
    outside = tuple((prop.key, prop.value.written() if prop.value is not None else None) for prop in root.properties if prop.key != "passes")
    view = ctx.view
    passes = tuple((entry.name, entry.alternative, entry.type_node.written() if entry.type_node is not None else None) for entry in view.passes) if view else ()
    return (_Same(ctx.catalog), _Same(ctx.environment), ctx.file_path, ctx.version_reason, outside, passes)


@dataclass(frozen=True, eq=False)
class _Same:
    """Compared by identity: the catalog and the environment are objects the service swaps when they change."""

    value: object

    def __eq__(self, other) -> bool:
        return isinstance(other, _Same) and other.value is self.value

    def __hash__(self) -> int:
        return id(self.value)


def _span(entry: PassEntry) -> tuple[tuple, Position, int, int]:
    """(key, start position, start and end offsets) of an entry's text: from its name to the end of its object, or the
    object alone for an alternative (its name is shared with the others)."""
    node = entry.node
    start = entry.name_node.start if entry.alternative is None and entry.name_node is not None else node.start
    key = (entry.name, entry.alternative, node.index.data[start : node.end])
    return key, node.index.position_at(start), start, node.end


def _place(found: list[Finding], changed: list) -> list[list[Finding]] | None:
    """The findings of each changed entry, in the order made; None when one lies outside every changed entry."""
    placed: list[list[Finding]] = [[] for _ in changed]
    bounds = []
    for i, (entry, _number, first, _start, end) in enumerate(changed):
        last = entry.node.index.position_at(end)
        bounds.append(((first.line, first.character), (last.line, last.character), i))
    bounds.sort()
    starts = [bound[0] for bound in bounds]
    for finding in found:
        start, end = finding.range.start, finding.range.end
        at = bisect.bisect_right(starts, (start.line, start.character)) - 1
        if at < 0 or (end.line, end.character) > bounds[at][1]:
            return None
        placed[bounds[at][2]].append(finding)
    return placed


class _Template:
    """A finding as made in an entry, its range relative to where the entry starts; the last range it was placed at is
    kept, since most entries do not move between two keystrokes."""

    __slots__ = ("start", "end", "fields", "origin", "range")

    def __init__(self, start: tuple[int, int], end: tuple[int, int], fields: tuple, origin: Position, range: Range):
        self.start, self.end, self.fields, self.origin, self.range = start, end, fields, origin, range

    @classmethod
    def of(cls, finding: Finding, origin: Position) -> _Template:
        fields = (finding.message, finding.severity, finding.fix, finding.code, finding.detail, finding.source)
        return cls(_from(finding.range.start, origin), _from(finding.range.end, origin), fields, origin, finding.range)

    def at(self, origin: Position) -> Finding:
        if origin != self.origin:
            self.origin, self.range = origin, Range(_to(self.start, origin), _to(self.end, origin))
        message, severity, fix, code, detail, source = self.fields
        return Finding(message, self.range, severity, fix, code, detail, source)


def _from(position: Position, origin: Position) -> tuple[int, int]:
    line = position.line - origin.line
    return line, position.character - origin.character if line == 0 else position.character


def _to(relative: tuple[int, int], origin: Position) -> Position:
    line, character = relative
    return Position(origin.line + line, origin.character + character if line == 0 else character)
