"""The pygls server: the protocol, the server object and the session it holds. No Olive knowledge lives here.

Handlers (`handlers.py`, one per LSP method) and commands (`commands.py`, executeCommand and code lenses)
register themselves on `server` when this module is imported.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from olive_ls import __version__
from olive_ls.lsp.convert import to_diagnostic
from olive_ls.lsp.session import Session
from olive_ls.settings import SECTION, settings_from

log = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 0.15


class OliveProtocol(LanguageServerProtocol):
    """pygls drops a request whose params do not deserialize, and the client then waits forever: answer it."""

    def structure_message(self, data):
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if isinstance(data, dict) and "id" in data and "method" in data:
                error = type(exc)(f"{exc.message} for {data['method']}: the request's params do not match the LSP specification")
                self._send_response(data["id"], error=error.to_response_error())
            raise


class OliveLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "olive-ls", __version__, protocol_cls=OliveProtocol, text_document_sync_kind=types.TextDocumentSyncKind.Incremental
        )
        # Set at initialize, when the catalog is loaded and the client's capabilities are known.
        self.session: Session | None = None

    # --- documents ----------------------------------------------------------------------------------------

    def open_document(self, uri: str):
        """The parsed document for an open URI; None for a URI the client never opened, or one too large to analyse."""
        if self.session is None or uri not in self.workspace.text_documents:
            return None
        document = self.workspace.get_text_document(uri)
        service = self.session.service
        if service.too_large(document.source):
            return None
        return service.parse(uri, document.source, document.version, document.language_id)

    def diagnostics_for(self, uri: str) -> list[types.Diagnostic]:
        if self.session is None or uri not in self.workspace.text_documents:
            return []
        service = self.session.service
        document = self.workspace.get_text_document(uri)
        if service.too_large(document.source):
            findings = service.size_findings(uri, document.source)
        else:
            findings = service.diagnostics(uri, self.open_document(uri))
        findings += self.session.runs.feedback.get(uri, [])
        client = self.session.client
        return [to_diagnostic(f, related_uri=uri if client.related_information else None, link_codes=client.code_description) for f in findings]

    # --- publishing ---------------------------------------------------------------------------------------

    def schedule_diagnostics(self, uri: str, delay: float = DEBOUNCE_SECONDS, force_push: bool = False) -> None:
        session = self.session
        if session is None:
            return
        if session.client.pulls_diagnostics:
            # Pulling clients ask again when told that results changed (e.g. after a run).
            if force_push and session.client.diagnostic_refresh:
                asyncio.ensure_future(self.ask_client(self.workspace_diagnostic_refresh_async))
            return
        previous = session.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        session.pending[uri] = asyncio.ensure_future(self._publish_later(uri, delay))

    async def _publish_later(self, uri: str, delay: float) -> None:
        try:
            await asyncio.sleep(delay)
            document = self.workspace.text_documents.get(uri)
            version = document.version if document else None
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=self.diagnostics_for(uri), version=version)
            )
        except asyncio.CancelledError:
            pass
        except Exception:
            log.exception("publishing diagnostics for %s failed", uri)
        finally:
            if self.session is not None and self.session.pending.get(uri) is asyncio.current_task():
                del self.session.pending[uri]

    def refresh_code_lenses(self) -> None:
        if self.session is not None and self.session.client.code_lens_refresh:
            asyncio.ensure_future(self.ask_client(self.workspace_code_lens_refresh_async))

    async def ask_client(self, request) -> None:
        """A request the client may not really implement: its failure must not fail our command."""
        try:
            await request(None)
        except Exception as exc:
            log.info("client refused %s: %s", getattr(request, "__name__", request), exc)

    # --- settings -----------------------------------------------------------------------------------------

    async def reload_settings(self) -> None:
        try:
            raw = await self.workspace_configuration_async(types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)]))
        except Exception as exc:  # clients without workspace/configuration keep the defaults
            log.info("workspace/configuration unavailable: %s", exc)
            return
        self.apply_settings(raw[0] if raw else None)

    def apply_settings(self, raw: Any) -> None:
        settings, problems = settings_from(raw)
        self.session.service.configure(settings)
        for problem in problems:
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=f"olive-ls: {problem}"))
        for uri in list(self.workspace.text_documents):
            self.schedule_diagnostics(uri, 0)


server = OliveLanguageServer()

# Handlers and commands register themselves on `server`.
from olive_ls.lsp import commands, handlers  # noqa: E402,F401
