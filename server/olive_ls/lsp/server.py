"""The pygls server: the protocol, the server object and the session it holds. No Olive knowledge lives here.

Handlers (`handlers.py`, one per LSP method) and commands (`commands.py`, executeCommand and code lenses)
register themselves on `server` when this module is imported.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import unquote

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, default_converter

from olive_ls import __version__
from olive_ls.gc_pause import collect_frozen, collection_due, gc_paused, keep_out_of_collections
from olive_ls.lsp.convert import DiagnosticCache
from olive_ls.lsp.session import Session
from olive_ls.settings import SECTION, settings_from

log = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 0.15
# No edit for this long: the user paused, and the garbage collection kept from the analyses runs (gc_pause).
IDLE_COLLECT_SECONDS = 2.0


class Stale(Exception):
    """A newer version of the document arrived while its older version was being analysed."""


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

    def _send_data(self, data):
        """A publication of kept diagnostics goes out as the text DiagnosticCache joined; anything else as pygls
        sends it (the same header, the same ASCII JSON)."""
        text = self._server.diagnostic_cache.notification_text(data) if isinstance(data, types.PublishDiagnosticsNotification) else None
        if text is None or self.writer is None:
            return super()._send_data(data)
        header = f"Content-Length: {len(text)}\r\nContent-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}\r\n\r\n"
        written = self.writer.write((header + text).encode(self.CHARSET))
        if inspect.isawaitable(written):
            asyncio.ensure_future(written)


class OliveLanguageServer(LanguageServer):
    def __init__(self) -> None:
        self.diagnostic_cache = DiagnosticCache()
        super().__init__(
            "olive-ls",
            __version__,
            protocol_cls=OliveProtocol,
            converter_factory=self._converter,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        )
        # Set at initialize, when the catalog is loaded and the client's capabilities are known.
        self.session: Session | None = None
        self._idle_collection: asyncio.TimerHandle | None = None

    def _converter(self):
        """pygls' converter, with each kept diagnostic's JSON form made once (DiagnosticCache)."""
        converter = default_converter()
        converter.register_unstructure_hook(types.Diagnostic, self.diagnostic_cache.unstructure_hook(converter.get_unstructure_hook(types.Diagnostic)))
        return converter

    # --- documents ----------------------------------------------------------------------------------------

    def text_document(self, uri: str):
        """pygls' open document for a URI, or None; pygls keys them by the unquoted URI (`new%20config.json`)."""
        return self.workspace.text_documents.get(unquote(uri))

    def open_document(self, uri: str):
        """The parsed document for an open URI; None for a URI the client never opened, or one too large to analyse."""
        document = self.text_document(uri)
        if self.session is None or document is None:
            return None
        service = self.session.service
        if service.too_large(document.source):
            return None
        return service.parse(uri, document.source, document.version, document.language_id)

    def diagnostics_for(self, uri: str) -> list[types.Diagnostic]:
        document = self.text_document(uri)
        if self.session is None or document is None:
            return []
        return self._diagnostics_of(uri, document.source, document.version, document.language_id)

    async def diagnostics_in_worker(self, uri: str) -> list[types.Diagnostic]:
        """`diagnostics_for` in the analysis thread: the event loop keeps answering other requests meanwhile."""
        document = self.text_document(uri)
        if self.session is None or document is None:
            return []
        snapshot = (uri, document.source, document.version, document.language_id)
        diagnostics = await asyncio.get_running_loop().run_in_executor(_analysis(), self._analyse, *snapshot)
        self.release_superseded_later()
        return diagnostics

    def release_superseded_later(self) -> None:
        """The versions newer ones replaced are released (service.release_superseded) in the analysis thread, queued
        after the analysis that was just answered: no analysis can be reading them then (one worker), and no request
        asks for them (requests ask for a document's latest version). Then, once the user pauses (no edit for
        IDLE_COLLECT_SECONDS), or after COLLECT_EVERY_ANALYSES analyses, a full garbage collection."""
        if self.session is None:
            return
        loop = asyncio.get_running_loop()
        loop.run_in_executor(_analysis(), _release, self.session.service)
        if collection_due():
            loop.run_in_executor(_analysis(), collect_frozen)
        self.collect_when_idle()

    def collect_when_idle(self) -> None:
        if self._idle_collection is not None:
            self._idle_collection.cancel()
        loop = asyncio.get_running_loop()
        self._idle_collection = loop.call_later(IDLE_COLLECT_SECONDS, lambda: loop.run_in_executor(_analysis(), collect_frozen))

    def _analyse(self, *snapshot) -> list[types.Diagnostic]:
        """The worker's job: garbage collection paused (it would walk every tree the server holds, several times per
        analysis), and what it built kept out of later collections (gc_pause.keep_out_of_collections)."""
        with gc_paused():
            try:
                return self._diagnostics_of(*snapshot, in_worker=True)
            finally:
                keep_out_of_collections()

    def _diagnostics_of(self, uri: str, source: str, version: int | None, language_id: str | None, current=None, *, in_worker: bool = False) -> list[types.Diagnostic]:
        """Diagnostics of one snapshot of a document. `current()`, when given, says whether the snapshot is still the
        document's latest version: asked between the steps, it drops the work a newer edit made stale. `in_worker`:
        in the analysis thread, which alone may carry the previous version's tree over (service.parse): requests on
        the event loop ask for the latest version, and none is still reading the previous one once the analysis of
        a newer version starts (their handlers finished before the didChange that made it)."""
        service = self.session.service
        if service.too_large(source):
            findings = service.size_findings(uri, source)
        else:
            doc = service.parse(uri, source, version, language_id, consume_previous=in_worker)
            if current is not None and not current():
                raise Stale(uri)
            findings = service.diagnostics(uri, doc, incremental=True)
        if current is not None and not current():
            raise Stale(uri)
        findings += self.session.runs.feedback.get(uri, [])
        client = self.session.client
        return self.diagnostic_cache.diagnostics(uri, findings, related=client.related_information, link_codes=client.code_description)

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
        if self._idle_collection is not None:  # the user is typing: not idle
            self._idle_collection.cancel()
            self._idle_collection = None
        session.pending[uri] = asyncio.ensure_future(self._publish_later(uri, delay))

    async def _publish_later(self, uri: str, delay: float) -> None:
        """Publish after `delay`, analysing in the worker thread (`_analysis`) so that the event loop keeps answering
        requests, for this document and every other, while a big one is checked. The thread switches to the loop
        every few milliseconds (the GIL's switch interval), so a completion elsewhere waits for that, not for the
        whole analysis. One worker: analyses run one at a time, in the order asked, never two on one document.
        A newer version cancels this task (schedule_diagnostics); an analysis already running notices at its
        next step and stops, and its result is never published."""
        try:
            await asyncio.sleep(delay)
            document = self.text_document(uri)
            if document is None or self.session is None:
                return
            # The snapshot: pygls applies later changes to `document` in place, on this loop.
            source, version, language_id = document.source, document.version, document.language_id

            def current() -> bool:
                latest = self.text_document(uri)
                return latest is not None and latest.version == version and self.session is not None

            loop = asyncio.get_running_loop()
            # Garbage collection waits until the diagnostics are sent: a collection the analysis's allocations set
            # off would walk every tree the server holds (~50 ms with a 10,000-line config open) between the
            # analysis and its publication. The versions this one replaced are released after (release_tree).
            with gc_paused():
                diagnostics = await loop.run_in_executor(_analysis(), self._analyse, uri, source, version, language_id, current)
                if not current():
                    return
                self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version))
            self.release_superseded_later()
        except (asyncio.CancelledError, Stale):
            pass
        except Exception:
            log.exception("publishing diagnostics for %s failed", uri)
        finally:
            if self.session is not None and self.session.pending.get(uri) is asyncio.current_task():
                del self.session.pending[uri]

    def probe_in_background(self) -> None:
        """Machine probes that take seconds (an execution provider's CUDA initialisation) run beside the analysis
        instead of inside it: until one answers, nothing is said on what it decides; then every open document is
        analysed again. Called on the event loop, once the client is initialized."""
        from olive_ls.machine.providers import answer_in_background

        loop = asyncio.get_running_loop()
        answer_in_background(lambda: loop.call_soon_threadsafe(self.republish_open_documents))

    def republish_open_documents(self) -> None:
        session = self.session
        if session is None:
            return
        if session.client.pulls_diagnostics:
            if session.client.diagnostic_refresh:  # the client asks again, for every document it shows
                asyncio.ensure_future(self.ask_client(self.workspace_diagnostic_refresh_async))
            return
        for uri in list(self.workspace.text_documents):
            self.schedule_diagnostics(uri, delay=0)

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


_WORKER: ThreadPoolExecutor | None = None


def _release(service) -> None:
    try:
        service.release_superseded()
    except Exception:  # noqa: BLE001 - freeing memory must never take the worker down
        log.exception("releasing replaced documents failed")


def _analysis() -> ThreadPoolExecutor:
    global _WORKER
    if _WORKER is None:
        _WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="olive-ls-analysis")
    return _WORKER


server = OliveLanguageServer()

# Handlers and commands register themselves on `server`.
from olive_ls.lsp import commands, handlers  # noqa: E402,F401
