"""The service's findings as LSP diagnostics: the only place a `Finding` becomes an lsprotocol type."""

from __future__ import annotations

import json

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


class DiagnosticCache:
    """The diagnostics of each document's last analysis, by what they say and where: after a keystroke most findings
    of a big file are the ones published before, and building and serialising thousands of lsprotocol objects again
    (about 40 ms for 2,000) is most of what publishing costs. Only the last publication per document is kept.

    `unstructure_hook` gives pygls' converter the JSON form of a kept diagnostic, made once."""

    def __init__(self) -> None:
        self._by_uri: dict[str, dict[tuple, types.Diagnostic]] = {}
        # id(diagnostic) -> [diagnostic, its JSON form or None(, its JSON text)]: the object is held, so its id is
        # not reused.
        self._json: dict[int, list] = {}
        self._unstructure = None

    def diagnostics(self, uri: str, findings: list[Finding], related: bool, link_codes: bool) -> list[types.Diagnostic]:
        previous = self._by_uri.get(uri, {})
        kept: dict[tuple, types.Diagnostic] = {}
        result = []
        for finding in findings:
            key = _key(finding)
            diagnostic = previous.get(key) or kept.get(key)
            if diagnostic is None:
                diagnostic = to_diagnostic(finding, related_uri=uri if related else None, link_codes=link_codes)
            kept[key] = diagnostic
            result.append(diagnostic)
        for key, diagnostic in previous.items():
            if key not in kept:
                self._json.pop(id(diagnostic), None)
        for diagnostic in kept.values():
            self._json.setdefault(id(diagnostic), [diagnostic, None])
        self._by_uri[uri] = kept
        return result

    def forget(self, uri: str) -> None:
        for diagnostic in self._by_uri.pop(uri, {}).values():
            self._json.pop(id(diagnostic), None)

    def clear(self) -> None:
        """The client's capabilities or the settings changed: what was made for the old ones goes."""
        self._by_uri.clear()
        self._json.clear()

    def unstructure_hook(self, default):
        def unstructure(diagnostic: types.Diagnostic):
            entry = self._json.get(id(diagnostic))
            if entry is None or entry[0] is not diagnostic:
                return default(diagnostic)
            if entry[1] is None:
                entry[1] = default(diagnostic)
            return entry[1]

        self._unstructure = unstructure
        return unstructure

    def notification_text(self, notification: types.PublishDiagnosticsNotification) -> str | None:
        """The JSON text of a publication whose diagnostics are all kept, each one's text made once: encoding 2,000
        diagnostics (1.6 MB) again after every keystroke is ~15 ms. None when one is not kept (pygls encodes it)."""
        params = notification.params
        texts = []
        for diagnostic in params.diagnostics:
            entry = self._json.get(id(diagnostic))
            if entry is None or entry[0] is not diagnostic or self._unstructure is None:
                return None
            if len(entry) == 2:
                entry.append(json.dumps(self._unstructure(diagnostic)))
            texts.append(entry[2])
        head = {"uri": params.uri} if params.version is None else {"uri": params.uri, "version": params.version}
        return (
            f'{{"jsonrpc": "2.0", "method": "{notification.method}", "params": {json.dumps(head)[:-1]}, "diagnostics": ['
            + ", ".join(texts)
            + "]}}"
        )


def _key(finding: Finding) -> tuple:
    start, end = finding.range.start, finding.range.end
    fix = finding.fix
    return (
        finding.code,
        finding.severity,
        finding.message,
        finding.detail,
        finding.source,
        start.line,
        start.character,
        end.line,
        end.character,
        repr(fix) if fix else None,  # the same rule builds the same fix in the same key order
    )
