"""`olive-ls check` output: compiler-style text, JSON (LSP ranges, zero-based) and SARIF 2.1.0."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from olive_ls import __version__
from olive_ls.rules.registry import Finding, load_rules


@dataclass
class FileReport:
    path: str
    findings: list[Finding] = field(default_factory=list)


def _range(finding: Finding) -> dict:
    r = finding.range
    return {"start": {"line": r.start.line, "character": r.start.character}, "end": {"line": r.end.line, "character": r.end.character}}


def as_text(reports: list[FileReport]) -> str:
    lines = []
    for report in reports:
        for f in report.findings:
            start = f.range.start
            lines.append(f"{report.path}:{start.line + 1}:{start.character + 1}: {f.severity} {f.code}: {f.message}")
    return "\n".join(lines)


def as_json(reports: list[FileReport]) -> str:
    files = [
        {
            "path": report.path,
            "diagnostics": [{"severity": f.severity, "code": f.code, "message": f.message, "range": _range(f)} for f in report.findings],
        }
        for report in reports
    ]
    return json.dumps({"files": files}, indent=2)


_SARIF_LEVEL = {"error": "error", "warning": "warning", "information": "note", "hint": "note"}


def as_sarif(reports: list[FileReport]) -> str:
    rules = load_rules()
    used = sorted({f.code for report in reports for f in report.findings})
    driver_rules = []
    for code in used:
        rule = rules.get(code)
        driver_rules.append(
            {
                "id": code,
                "name": rule.name if rule else code,
                "shortDescription": {"text": rule.summary if rule else code},
                "defaultConfiguration": {"level": _SARIF_LEVEL.get(rule.severity, "warning") if rule else "error"},
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
                    "message": {"text": f.message},
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
