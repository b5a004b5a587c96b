"""`olive-ls check` output: compiler-style text, JSON (LSP ranges, zero-based) and SARIF 2.1.0."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass, field

from olive_ls import __version__
from olive_ls.rules.codes import all_codes
from olive_ls.rules.registry import Finding


@dataclass
class FileReport:
    path: str
    findings: list[Finding] = field(default_factory=list)


def _range(finding: Finding) -> dict:
    r = finding.range
    return {"start": {"line": r.start.line, "character": r.start.character}, "end": {"line": r.end.line, "character": r.end.character}}


def as_text(reports: list[FileReport], verbose: bool = False) -> str:
    """A line a finding, as a compiler prints it; with `verbose`, its detail indented under it."""
    lines = []
    for report in reports:
        for f in report.findings:
            start = f.range.start
            lines.append(f"{report.path}:{start.line + 1}:{start.character + 1}: {f.severity} {f.code}: {f.message}")
            if verbose and f.detail:
                lines.extend(f"    {line}" for line in textwrap.wrap(f.detail, 100))
    return "\n".join(lines)


def json_report(reports: list[FileReport]) -> dict:
    """The JSON form's data ({"files": [...]}); check adds which Olive the configs were checked as, then dumps it."""
    files = [
        {
            "path": report.path,
            "diagnostics": [
                {"severity": f.severity, "code": f.code, "message": f.message, "detail": f.detail, "range": _range(f)} for f in report.findings
            ],
        }
        for report in reports
    ]
    return {"files": files}


_SARIF_LEVEL = {"error": "error", "warning": "warning", "information": "note", "hint": "note"}


def as_sarif(reports: list[FileReport]) -> str:
    codes = all_codes()
    used = sorted({f.code for report in reports for f in report.findings})
    driver_rules = []
    for code in used:
        entry = codes.get(code)
        driver_rules.append(
            {
                "id": code,
                "name": entry.name if entry else code,
                "shortDescription": {"text": entry.summary if entry else code},
                "defaultConfiguration": {"level": _SARIF_LEVEL.get(entry.severity, "warning") if entry else "error"},
            }
        )
    results = []
    for report in reports:
        for f in report.findings:
            r = f.range
            results.append(
                {
                    "ruleId": f.code,
                    "ruleIndex": used.index(f.code),
                    "level": _SARIF_LEVEL.get(f.severity, "error"),
                    "message": {"text": f"{f.message}\n{f.detail}" if f.detail else f.message},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": report.path.replace("\\", "/")},
                                "region": {
                                    "startLine": r.start.line + 1,
                                    "startColumn": r.start.character + 1,
                                    "endLine": r.end.line + 1,
                                    "endColumn": r.end.character + 1,
                                },
                            }
                        }
                    ],
                }
            )
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "olive-ls", "version": __version__, "informationUri": "https://github.com/microsoft/Olive", "rules": driver_rules}},
                "results": results,
            }
        ],
    }
    return json.dumps(sarif, indent=2)
