"""The service's findings as LSP diagnostics: the only place a `Finding` becomes an lsprotocol type."""

from __future__ import annotations

from lsprotocol import types

from olive_ls.rules.codes import code_url
from olive_ls.rules.registry import ERROR, HINT, INFORMATION, WARNING, Finding

_SEVERITY = {
    ERROR: types.DiagnosticSeverity.Error,
    WARNING: types.DiagnosticSeverity.Warning,
    INFORMATION: types.DiagnosticSeverity.Information,
    HINT: types.DiagnosticSeverity.Hint,
}


def to_diagnostic(finding: Finding, related_uri: str | None = None, link_codes: bool = True) -> types.Diagnostic:
    """The headline as the message; the detail as related information on the same place (editors show it under the
    headline) when the client supports it, else after the headline; the code linked to its section of docs/rules.md."""
    message = finding.message
    related = None
    if finding.detail:
        if related_uri is not None:
            related = [types.DiagnosticRelatedInformation(location=types.Location(uri=related_uri, range=finding.range), message=finding.detail)]
        else:
            message = f"{message}\n{finding.detail}"
    url = code_url(finding.code) if link_codes else None
    return types.Diagnostic(
        range=finding.range,
        message=message,
        severity=_SEVERITY.get(finding.severity or ERROR, types.DiagnosticSeverity.Error),
        code=finding.code,
        code_description=types.CodeDescription(href=url) if url else None,
        source=finding.source,
        data=finding.fix,
        related_information=related,
    )
