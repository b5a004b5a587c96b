"""One handler per LSP method: each turns its params into one call of the service and its result into the reply."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from olive_ls.lsp.server import OliveLanguageServer, server
from olive_ls.lsp.session import ClientFeatures, Session
from olive_ls.settings import SECTION, settings_from


@server.feature(types.INITIALIZE)
def initialize(ls: OliveLanguageServer, params: types.InitializeParams) -> None:
    from olive_ls.catalog import CatalogError, shipped_versions

    if not shipped_versions():
        exc = CatalogError("no Olive catalog found (schemas/olive-<version>/catalog.json)")
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=f"olive-ls: {exc}"))
        raise exc
    # Each document is checked as the Olive chosen for it (catalog/selection.py); pins stop at the workspace root.
    root_uri = params.workspace_folders[0].uri if params.workspace_folders else params.root_uri
    options = params.initialization_options
    settings = settings_from(options[SECTION])[0] if isinstance(options, dict) and SECTION in options else None
    ls.session = Session(make_service=lambda: _make_service(root_uri, settings), client=ClientFeatures.from_capabilities(params.capabilities))
    ls.diagnostic_cache.clear()  # made for the previous client's capabilities, if any


def _make_service(root_uri: str | None, settings):
    from olive_ls.service import OliveLanguageService, uri_to_path

    service = OliveLanguageService(workspace_root=uri_to_path(root_uri) if root_uri else None)
    if settings is not None:
        service.configure(settings)
    return service


def _say_version_notes(ls: OliveLanguageServer) -> None:
    """What the service has to say once (a catalog generated from the installed Olive, a pin with no catalog)."""
    if ls.session is None:
        return
    for note in ls.session.service.take_notes():
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Info, message=f"olive-ls: {note}"))


# The Olive a document is checked as, for the client's status bar and its "Select Olive Version" command.
VERSION_REQUEST = "olive/version"


@server.feature(VERSION_REQUEST)
def olive_version(ls: OliveLanguageServer, params) -> dict:
    from olive_ls.catalog import CatalogError, shipped_versions

    uri = getattr(params, "uri", None) if not isinstance(params, dict) else params.get("uri")
    if ls.session is None:
        return {}
    service = ls.session.service
    try:
        choice = service.version_for(uri if isinstance(uri, str) else None)
        catalog = service.catalog_for(uri if isinstance(uri, str) else None)
    except CatalogError as exc:
        return {"error": str(exc), "available": shipped_versions()}
    finally:
        _say_version_notes(ls)
    return {
        "version": catalog.version,
        "reason": choice.reason,
        "label": f"Olive {catalog.version} ({choice.reason})",
        "setting": service.settings.olive_version,
        "available": shipped_versions(),
    }


@server.feature(types.INITIALIZED)
async def initialized(ls: OliveLanguageServer, params: types.InitializedParams) -> None:
    ls.probe_in_background()
    if ls.session is not None and ls.session.client.configuration:
        await ls.reload_settings()


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(ls: OliveLanguageServer, params: types.DidChangeConfigurationParams) -> None:
    if ls.session is None:
        return
    if ls.session.client.configuration:
        await ls.reload_settings()
    elif isinstance(params.settings, dict):
        ls.apply_settings(params.settings.get(SECTION))


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: OliveLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.schedule_diagnostics(params.text_document.uri, 0)
    if ls.session is not None:
        try:
            ls.session.service.catalog_for(params.text_document.uri)  # chosen (and, once, generated) now
        except Exception as exc:  # the diagnostics say what is wrong; the open itself must not fail
            ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=f"olive-ls: {exc}"))
        _say_version_notes(ls)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: OliveLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    if ls.session is not None:
        ls.session.runs.feedback.pop(params.text_document.uri, None)
    ls.schedule_diagnostics(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: OliveLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    # The file system may have changed (a model folder appeared): re-check now.
    if ls.session is not None:
        ls.session.service.forget_environment()
    ls.schedule_diagnostics(params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: OliveLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    session = ls.session
    if session is None:
        return
    task = session.pending.pop(uri, None)
    if task is not None:
        task.cancel()
    session.service.forget(uri)
    ls.diagnostic_cache.forget(uri)
    if not session.client.pulls_diagnostics:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC, types.DiagnosticOptions(identifier="olive-ls", inter_file_dependencies=False, workspace_diagnostics=False))
async def pull_diagnostics(ls: OliveLanguageServer, params: types.DocumentDiagnosticParams) -> types.DocumentDiagnosticReport:
    # Clients pull after every change and cancel the pulls they no longer need; an async handler that yields
    # once is cancelled by pygls before it does the work (a sync one would run regardless).
    await asyncio.sleep(0)
    return types.RelatedFullDocumentDiagnosticReport(items=await ls.diagnostics_in_worker(params.text_document.uri))


@server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=['"', ":", " ", "\n"], resolve_provider=True))
def completion(ls: OliveLanguageServer, params: types.CompletionParams) -> types.CompletionList:
    doc = ls.open_document(params.text_document.uri)
    if doc is None:
        return types.CompletionList(is_incomplete=False, items=[])
    client = ls.session.client
    return ls.session.service.completion(
        params.text_document.uri,
        doc,
        params.position,
        snippets=client.snippets,
        markdown=client.markdown_completion,
        resolve_docs=client.resolves_completion_docs,
    )


@server.feature(types.COMPLETION_ITEM_RESOLVE)
def completion_resolve(ls: OliveLanguageServer, item: types.CompletionItem) -> types.CompletionItem:
    # Only items sent without their docs have any to add; any other item (a client that resolves even what
    # it has) comes back as it came.
    if ls.session is None or item.documentation is not None:
        return item
    from olive_ls.features.completion.items import markup

    doc = ls.session.service.completion_doc(item.data)
    if doc:
        item.documentation = markup(doc, ls.session.client.markdown_completion)
    return item


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: OliveLanguageServer, params: types.HoverParams) -> types.Hover | None:
    doc = ls.open_document(params.text_document.uri)
    if doc is None:
        return None
    return ls.session.service.hover(params.text_document.uri, doc, params.position, markdown=ls.session.client.markdown_hover)


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.Source]))
def code_action(ls: OliveLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    doc = ls.open_document(params.text_document.uri)
    return ls.session.service.code_actions(params.text_document.uri, doc, params) if doc is not None else []


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbol(ls: OliveLanguageServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
    doc = ls.open_document(params.text_document.uri)
    return ls.session.service.document_symbols(params.text_document.uri, doc) if doc is not None else []


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_LINK, types.DocumentLinkOptions(resolve_provider=False))
def document_link(ls: OliveLanguageServer, params: types.DocumentLinkParams) -> list[types.DocumentLink]:
    doc = ls.open_document(params.text_document.uri)
    if doc is None:
        return []
    return ls.session.service.document_links(params.text_document.uri, doc, tooltips=ls.session.client.link_tooltips)


@server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
def folding_range(ls: OliveLanguageServer, params: types.FoldingRangeParams) -> list[types.FoldingRange]:
    doc = ls.open_document(params.text_document.uri)
    return ls.session.service.folding_ranges(params.text_document.uri, doc) if doc is not None else []


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
def definition(ls: OliveLanguageServer, params: types.DefinitionParams) -> list[types.Location]:
    doc = ls.open_document(params.text_document.uri)
    return ls.session.service.definition(params.text_document.uri, doc, params.position) if doc is not None else []


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
def references(ls: OliveLanguageServer, params: types.ReferenceParams) -> list[types.Location]:
    doc = ls.open_document(params.text_document.uri)
    if doc is None:
        return []
    return ls.session.service.references(params.text_document.uri, doc, params.position, params.context.include_declaration)


@server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
def prepare_rename(ls: OliveLanguageServer, params: types.PrepareRenameParams) -> types.Range | None:
    doc = ls.open_document(params.text_document.uri)
    return ls.session.service.prepare_rename(params.text_document.uri, doc, params.position) if doc is not None else None


@server.feature(types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True))
def rename(ls: OliveLanguageServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
    doc = ls.open_document(params.text_document.uri)
    return ls.session.service.rename(params.text_document.uri, doc, params.position, params.new_name) if doc is not None else None
