"""The rule engine: every rule run over one document, overlaps resolved, severities settled.

The same function serves `olive-ls check` and the language server (both through the service), so both report
the same codes. Findings are the service's own small type; `lsp/convert.py` turns them into LSP diagnostics.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from olive_ls.rules.incremental import ENTRY, EntryFindings
from olive_ls.rules.registry import ERROR, HINT, INFORMATION, WARNING, Finding, RuleContext, load_rules
from olive_ls.model.view import build_view, is_olive_config, mentions_olive_keys

if TYPE_CHECKING:
    from olive_ls.catalog import Catalog
    from olive_ls.document.parse import ParsedDocument
    from olive_ls.environment import Environment

log = logging.getLogger(__name__)

OFF = "off"
# Codes of the generic schema rule; a more specific rule at the same place replaces them.
SCHEMA_CODES = frozenset({"OLV100", "OLV101", "OLV102", "OLV103", "OLV104"})


@dataclass
class DiagnosticSettings:
    # Rules that read the installed packages and the file system (`--no-env` turns them off).
    environment_checks: bool = True
    # code -> "error" | "warning" | "information" | "hint" | "off"
    severity_overrides: dict[str, str] = field(default_factory=dict)
    # Why the config is checked as its catalog's Olive ("installed", "--olive-version", ...): findings that depend
    # on the version say it (model/versions.py: checked_as).
    olive_version_reason: str | None = None


def analyse(
    doc: "ParsedDocument",
    catalog: "Catalog",
    *,
    file_path: Path | None = None,
    settings: DiagnosticSettings | None = None,
    environment: "Environment | None" = None,
    force_olive: bool = False,
    entry_findings: "EntryFindings | None" = None,
) -> list[Finding]:
    """All findings for a document, sorted by position. Not an Olive config (and not forced): none.
    `entry_findings`: what the entry-scoped rules found in the document's last version (rules/incremental.py),
    brought up to date; None: every rule runs on the whole document."""
    settings = settings or DiagnosticSettings()
    olive = force_olive or is_olive_config(doc.root) or (bool(doc.problems) and mentions_olive_keys(doc.text))
    if not olive:
        return []
    view = build_view(doc.root) if doc.root is not None and doc.root.is_object else None
    ctx = RuleContext(doc=doc, view=view, catalog=catalog, file_path=file_path, environment=environment if settings.environment_checks else None, version_reason=settings.olive_version_reason)
    findings: list[Finding] = []
    if entry_findings is not None:
        entry_findings.start(ctx)
    for rule in load_rules().values():
        if rule.needs_environment and not settings.environment_checks:
            continue
        if rule.needs_view and view is None:
            continue
        try:
            audited_elsewhere = rule.family.startswith(RUN_TIME_FAMILY) and ctx.model.version != RUN_TIME_AUDITED_VERSION
            found = entry_findings.findings(rule, ctx) if entry_findings is not None and rule.scope == ENTRY else rule.check(ctx)
            for finding in found:
                finding.code = finding.code or rule.code
                finding.severity = _within(finding.severity or rule.severity, rule.severity)
                if audited_elsewhere:
                    _as_read_from_audited_olive(finding, ctx.model.version)
                findings.append(finding)
        except Exception:  # a broken rule must never take the checker or the server down
            log.exception("rule %s failed on %s", rule.code, file_path or "document")
    findings = _drop_generic_overlaps(findings)
    findings = _quiet_syntax_cascades(findings)
    findings = _apply_overrides(findings, settings.severity_overrides)
    for finding in findings:
        split_headline(finding)
    findings.sort(key=lambda f: (f.range.start.line, f.range.start.character, f.code))
    return findings


HEADLINE_LIMIT = 120
# A sentence ends at . ? or ! followed by space and a capital, a quote, a backtick or a bracket ("0.13.0 calls" and
# "e.g. the" do not end one).
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-Z`'\"(\[])")
_CLAUSE_END = re.compile(r"(?::|;| —| -) ")


_RANK = {ERROR: 0, WARNING: 1, INFORMATION: 2, HINT: 3}

# The run-time rules (rules/runtime_*.py) say what Olive's code does, read from one release's code
# (docs/olive-runtime-checks.md). For a config checked as another Olive they are not proven: never an error, and
# they say which code they were read from.
RUN_TIME_FAMILY = "runtime_"
RUN_TIME_AUDITED_VERSION = "0.13.0"


def _as_read_from_audited_olive(finding: Finding, version: str) -> None:
    if _RANK.get(finding.severity, 0) < _RANK[WARNING]:
        finding.severity = WARNING
    note = f"(Read from Olive {RUN_TIME_AUDITED_VERSION}'s code; this config is checked as Olive {version}, whose code may differ.)"
    finding.detail = f"{finding.detail} {note}" if finding.detail else note


def _within(severity: str, registered: str) -> str:
    """A rule may say a finding matters less than its code's severity (a system that is not the target), never
    more: docs/rules.md and the editor's severity settings promise the registered one as the most."""
    return severity if _RANK.get(severity, 0) >= _RANK.get(registered, 0) else registered


def split_headline(finding: Finding) -> None:
    """A rule's message is its headline when it is one short line; a longer one is cut into a headline (its first
    sentence, or that sentence's first clause) and the rest, which goes before the detail the rule gave (the whole
    message goes to the detail when the cut had to be mid-clause)."""
    finding.message, finding.detail = _headline(finding.message, finding.detail)


@lru_cache(maxsize=8192)  # a big config repeats its findings' words thousands of times, after every keystroke
def _headline(message: str, detail: str | None) -> tuple[str, str | None]:
    message = " ".join(message.split("\n"))
    if len(message) <= HEADLINE_LIMIT and (detail is not None or not _SENTENCE_END.search(message)):
        return message, detail
    head, rest = _cut(message)
    return head, " ".join(part for part in (rest, detail) if part) or None


def _cut(message: str) -> tuple[str, str]:
    first, _, rest = _partition(_SENTENCE_END, message)
    if len(first) <= HEADLINE_LIMIT:
        return first, rest
    head, sep, tail = _partition(_CLAUSE_END, first)
    if sep and len(head) <= HEADLINE_LIMIT:
        return head, (tail + (" " + rest if rest else "")).strip()
    cut = message.rfind(" ", 0, HEADLINE_LIMIT - 1)
    return message[: cut if cut > 0 else HEADLINE_LIMIT - 1].rstrip(" ,;:") + "…", message


def _partition(pattern: re.Pattern, text: str) -> tuple[str, str, str]:
    match = pattern.search(text)
    if match is None:
        return text, "", ""
    return text[: match.start()], match.group(), text[match.end() :]


def _drop_generic_overlaps(findings: list[Finding]) -> list[Finding]:
    # Syntax findings (OLV0xx) are not more specific than the schema's: they say the text is broken, not the value.
    specific = {(f.range.start.line, f.range.start.character) for f in findings if f.code not in SCHEMA_CODES and not f.code.startswith("OLV0")}
    return [f for f in findings if f.code not in SCHEMA_CODES or (f.range.start.line, f.range.start.character) not in specific]


SYNTAX_ERROR_CODE = "OLV001"
# Findings that a broken document fakes: the keys or names they miss are often just not parsed.
_ARTIFACTS_OF_BROKEN_SYNTAX = frozenset({"OLV103"})


def _quiet_syntax_cascades(findings: list[Finding]) -> list[Finding]:
    """One missing comma or colon must not flood the editor while a config is half-typed.

    After a syntax error tree-sitter recovers token by token, so one slip becomes a run of syntax errors on the
    lines that follow; they are reported once, on the first, with a count. What the rules say past the first
    syntax error is about a salvaged tree, and missing keys anywhere may only be unparsed: both wait until
    the syntax is fixed.
    """
    syntax = sorted((f for f in findings if f.code == SYNTAX_ERROR_CODE), key=lambda f: (f.range.start.line, f.range.start.character))
    if not syntax:
        return findings
    first = (syntax[0].range.start.line, syntax[0].range.start.character)
    kept_syntax: list[Finding] = []
    run_end = -2
    followers = 0
    for finding in syntax:
        if kept_syntax and finding.range.start.line <= run_end + 1:
            followers += 1
            run_end = max(run_end, finding.range.end.line)
            continue
        _say_followers(kept_syntax, followers, run_end)
        kept_syntax.append(finding)
        followers, run_end = 0, finding.range.end.line
    _say_followers(kept_syntax, followers, run_end)
    others = [
        f
        for f in findings
        if f.code != SYNTAX_ERROR_CODE
        and (f.code < "OLV100" or ((f.range.start.line, f.range.start.character) < first and f.code not in _ARTIFACTS_OF_BROKEN_SYNTAX))
    ]
    return kept_syntax + others


def _say_followers(kept: list[Finding], followers: int, last_line: int) -> None:
    if kept and followers:
        kept[-1].message += f" ({followers} more syntax error(s) up to line {last_line + 1} most likely follow from this one)"


def _apply_overrides(findings: list[Finding], overrides: dict[str, str]) -> list[Finding]:
    if not overrides:
        return findings
    kept = []
    for finding in findings:
        severity = overrides.get(finding.code, finding.severity)
        if severity == OFF:
            continue
        finding.severity = severity
        kept.append(finding)
    return kept
