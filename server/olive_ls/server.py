"""pygls wiring: LSP messages in, `OliveLanguageService` calls out. No Olive knowledge lives here."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from olive_ls import __version__
from olive_ls.service import OliveLanguageService
from olive_ls.settings import SECTION, settings_from

log = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 0.15
# Past this size a file is not a hand-written Olive config; analysing it would only stall the editor.
MAX_ANALYSED_CHARS = 2_000_000


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
        self.service: OliveLanguageService | None = None
        self.pending: dict[str, asyncio.Task] = {}
        self.environment = None
        # Runs started by olive.runWorkflow (server_commands.py), per config URI.
        self.running_runs: set[str] = set()
        self.run_cancels: dict[str, asyncio.Event] = {}
        # Olive's errors from the last run, shown until the config is edited (they describe the old text).
        self.run_feedback: dict[str, list[types.Diagnostic]] = {}
        self.run_outputs: dict[str, list[str]] = {}

    # --- helpers ------------------------------------------------------------------------------------------

    def client_pulls_diagnostics(self) -> bool:
        capabilities = self.client_capabilities
        return bool(capabilities and capabilities.text_document and capabilities.text_document.diagnostic)

    def client_snippets(self) -> bool:
        caps = self.client_capabilities
        try:
            return bool(caps.text_document.completion.completion_item.snippet_support)
        except AttributeError:
            return False

    def client_markdown(self, feature: str) -> bool:
        """Whether the client renders markdown in hover ("hover") or completion docs ("completion").

        A client that lists its formats without markdown gets plain text; one that says nothing gets markdown,
        which every editor in use renders."""
        caps = self.client_capabilities
        try:
            if feature == "hover":
                formats = caps.text_document.hover.content_format
            else:
                formats = caps.text_document.completion.completion_item.documentation_format
        except AttributeError:
            return True
        return not formats or types.MarkupKind.Markdown in formats

    def open_document(self, uri: str):
        """The parsed document for an open URI, or None for a URI the client never opened."""
        if self.service is None or uri not in self.workspace.text_documents:
            return None
        document = self.workspace.get_text_document(uri)
        source = document.source
        if len(source) > MAX_ANALYSED_CHARS:
            return None
        return self.service.parse(uri, source, document.version, document.language_id)

    def environment_for_checks(self):
        if self.service is None or not self.service.settings.environment_checks:
            return None
        if self.environment is None:
            from olive_ls.environment import current_environment, environment_for

            python = self.service.settings.python
            self.environment = environment_for(python) if python else current_environment()
        return self.environment

    def diagnostics_for(self, uri: str) -> list[types.Diagnostic]:
        if self.service is None or uri not in self.workspace.text_documents:
            return []
        document = self.workspace.get_text_document(uri)
        if len(document.source) > MAX_ANALYSED_CHARS:
            if not document.source.lstrip()[:1] in ("{", "") and not uri.endswith((".yaml", ".yml")):
                return []
            end = types.Position(line=0, character=0)
            return [
                types.Diagnostic(
                    range=types.Range(start=end, end=end),
                    message=f"File is {len(document.source) // 1_000_000} MB: too large to analyse as an Olive config",
                    severity=types.DiagnosticSeverity.Information,
                    source="olive-ls",
                    code="OLV005",
                )
            ]
        doc = self.open_document(uri)
        return self.service.diagnostics(uri, doc, self.environment_for_checks()) + self.run_feedback.get(uri, [])

    def refresh_code_lenses(self) -> None:
        caps = self.client_capabilities
        if caps and caps.workspace and caps.workspace.code_lens and caps.workspace.code_lens.refresh_support:
            asyncio.ensure_future(self._ask_client(self.workspace_code_lens_refresh_async))

    async def _ask_client(self, request) -> None:
        """A refresh request the client may not really implement: its failure must not fail our command."""
        try:
            await request(None)
        except Exception as exc:
            log.info("client refused %s: %s", getattr(request, "__name__", request), exc)

    def schedule_diagnostics(self, uri: str, delay: float = DEBOUNCE_SECONDS, force_push: bool = False) -> None:
        if self.client_pulls_diagnostics():
            # Pulling clients ask again when told that results changed (e.g. after a run).
            caps = self.client_capabilities.workspace
            if force_push and caps and caps.diagnostics and caps.diagnostics.refresh_support:
                asyncio.ensure_future(self._ask_client(self.workspace_diagnostic_refresh_async))
            return
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.pending[uri] = asyncio.ensure_future(self._publish_later(uri, delay))

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
            if self.pending.get(uri) is asyncio.current_task():
                del self.pending[uri]

    async def reload_settings(self) -> None:
        try:
            raw = await self.workspace_configuration_async(types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)]))
        except Exception as exc:  # clients without workspace/configuration keep the defaults
            log.info("workspace/configuration unavailable: %s", exc)
            return
        self.apply_settings(raw[0] if raw else None)

    def apply_settings(self, raw: Any) -> None:
        settings, problems = settings_from(raw)
        self.service.settings = settings
        self.environment = None
        for problem in problems:
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=f"olive-ls: {problem}"))
        for uri in list(self.workspace.text_documents):
            self.schedule_diagnostics(uri, 0)


server = OliveLanguageServer()


@server.feature(types.INITIALIZE)
def initialize(ls: OliveLanguageServer, params: types.InitializeParams) -> None:
    from olive_ls.catalog import CatalogError, load_catalog

    try:
        catalog = load_catalog()
    except CatalogError as exc:
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=f"olive-ls: {exc}"))
        raise
    ls.service = OliveLanguageService(catalog)
    options = params.initialization_options
    if isinstance(options, dict) and SECTION in options:
        ls.service.settings, _ = settings_from(options[SECTION])
    if catalog.fallback_note:
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Info, message=f"olive-ls: {catalog.fallback_note}"))


@server.feature(types.INITIALIZED)
async def initialized(ls: OliveLanguageServer, params: types.InitializedParams) -> None:
    caps = ls.client_capabilities
    if caps and caps.workspace and caps.workspace.configuration:
        await ls.reload_settings()


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(ls: OliveLanguageServer, params: types.DidChangeConfigurationParams) -> None:
    caps = ls.client_capabilities
    if caps and caps.workspace and caps.workspace.configuration:
        await ls.reload_settings()
    elif isinstance(params.settings, dict):
        ls.apply_settings(params.settings.get(SECTION))


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: OliveLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.schedule_diagnostics(params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: OliveLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.run_feedback.pop(params.text_document.uri, None)
    ls.schedule_diagnostics(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: OliveLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    # The file system may have changed (a model folder appeared): re-check now.
    ls.environment = None
    ls.schedule_diagnostics(params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: OliveLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    task = ls.pending.pop(uri, None)
    if task is not None:
        task.cancel()
    if ls.service is not None:
        ls.service.forget(uri)
    if not ls.client_pulls_diagnostics():
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC, types.DiagnosticOptions(identifier="olive-ls", inter_file_dependencies=False, workspace_diagnostics=False))
async def pull_diagnostics(ls: OliveLanguageServer, params: types.DocumentDiagnosticParams) -> types.DocumentDiagnosticReport:
    # Clients pull after every change and cancel the pulls they no longer need; an async handler that yields
    # once is cancelled by pygls before it does the work (a sync one would run regardless).
    await asyncio.sleep(0)
    return types.RelatedFullDocumentDiagnosticReport(items=ls.diagnostics_for(params.text_document.uri))


@server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=['"', ":", " ", "\n"], resolve_provider=False))
def completion(ls: OliveLanguageServer, params: types.CompletionParams) -> types.CompletionList:
    doc = ls.open_document(params.text_document.uri)
    if doc is None:
        return types.CompletionList(is_incomplete=False, items=[])
    return ls.service.completion(
        params.text_document.uri, doc, params.position, snippets=ls.client_snippets(), markdown=ls.client_markdown("completion")
    )


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: OliveLanguageServer, params: types.HoverParams) -> types.Hover | None:
    doc = ls.open_document(params.text_document.uri)
    if doc is None:
        return None
    return ls.service.hover(params.text_document.uri, doc, params.position, markdown=ls.client_markdown("hover"))


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.Source]))
def code_action(ls: OliveLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    doc = ls.open_document(params.text_document.uri)
    return ls.service.code_actions(params.text_document.uri, doc, params) if doc is not None else []


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbol(ls: OliveLanguageServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
    doc = ls.open_document(params.text_document.uri)
    return ls.service.document_symbols(params.text_document.uri, doc) if doc is not None else []


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_LINK, types.DocumentLinkOptions(resolve_provider=False))
def document_link(ls: OliveLanguageServer, params: types.DocumentLinkParams) -> list[types.DocumentLink]:
    doc = ls.open_document(params.text_document.uri)
    if doc is None:
        return []
    caps = ls.client_capabilities
    link_caps = caps.text_document.document_link if caps and caps.text_document else None
    return ls.service.document_links(params.text_document.uri, doc, tooltips=bool(link_caps and link_caps.tooltip_support))


@server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
def folding_range(ls: OliveLanguageServer, params: types.FoldingRangeParams) -> list[types.FoldingRange]:
    doc = ls.open_document(params.text_document.uri)
    return ls.service.folding_ranges(params.text_document.uri, doc) if doc is not None else []


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
def definition(ls: OliveLanguageServer, params: types.DefinitionParams) -> list[types.Location]:
    doc = ls.open_document(params.text_document.uri)
    return ls.service.definition(params.text_document.uri, doc, params.position) if doc is not None else []


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
def references(ls: OliveLanguageServer, params: types.ReferenceParams) -> list[types.Location]:
    doc = ls.open_document(params.text_document.uri)
    if doc is None:
        return []
    return ls.service.references(params.text_document.uri, doc, params.position, params.context.include_declaration)


@server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
def prepare_rename(ls: OliveLanguageServer, params: types.PrepareRenameParams) -> types.Range | None:
    doc = ls.open_document(params.text_document.uri)
    return ls.service.prepare_rename(params.text_document.uri, doc, params.position) if doc is not None else None


@server.feature(types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True))
def rename(ls: OliveLanguageServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
    doc = ls.open_document(params.text_document.uri)
    return ls.service.rename(params.text_document.uri, doc, params.position, params.new_name) if doc is not None else None


# Commands that run Olive and onnxruntime-genai register themselves on `server`.
from olive_ls import server_commands  # noqa: E402,F401
