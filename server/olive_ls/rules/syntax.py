"""Syntax rules: what `json.load` or `yaml.safe_load` would refuse, each problem reported where it is."""

from __future__ import annotations

from olive_ls.document import syntax
from olive_ls.rules.registry import ERROR, WARNING, Finding, RuleContext, rule


def _problems(ctx: RuleContext, kind: str):
    index = ctx.doc.index
    for problem in ctx.doc.problems:
        if problem.kind == kind:
            yield problem, index.range_of(problem.start, problem.end)


@rule("OLV001", "syntax-error", "The file is not valid JSON or YAML.", ERROR, needs_view=False)
def syntax_error(ctx: RuleContext):
    for problem, where in _problems(ctx, syntax.SYNTAX_ERROR):
        yield Finding(problem.message, where)


@rule("OLV002", "json-comment", "Comments in a JSON config: Olive's json.load rejects them.", ERROR, needs_view=False)
def json_comment(ctx: RuleContext):
    for problem, where in _problems(ctx, syntax.JSON_COMMENT):
        yield Finding(problem.message, where, fix={"title": "Remove comment", "delete": True})


@rule("OLV003", "trailing-comma", "A comma before a closing bracket: Olive's json.load rejects it.", ERROR, needs_view=False)
def trailing_comma(ctx: RuleContext):
    for problem, where in _problems(ctx, syntax.TRAILING_COMMA):
        yield Finding(problem.message, where, fix={"title": "Remove trailing comma", "delete": True})


@rule("OLV004", "duplicate-key", "A key given twice in one object: all but the last are silently dropped.", WARNING, needs_view=False)
def duplicate_key(ctx: RuleContext):
    for problem, where in _problems(ctx, syntax.DUPLICATE_KEY):
        yield Finding(problem.message, where)


@rule("OLV005", "too-deep", "Nesting too deep to analyse.", WARNING, needs_view=False)
def too_deep(ctx: RuleContext):
    for problem, where in _problems(ctx, syntax.TOO_DEEP):
        yield Finding(problem.message, where)
