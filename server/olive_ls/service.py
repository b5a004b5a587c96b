"""The language service: one facade over parsing, the catalog and every feature, with no LSP transport in it.

`server.py` turns LSP messages into calls here; tests and the CLI can call it directly. Parsed documents are
cached per URI and version, so a burst of requests after one edit parses once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types

from olive_ls.catalog import Catalog, load_catalog
from olive_ls.document.parse import ParsedDocument, language_for, parse_document
from olive_ls.features import actions, completion, diagnostics, hover, links, navigation, symbols
from olive_ls.settings import ServerSettings
from olive_ls.workflow import is_olive_config


def uri_to_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))


@dataclass
class _Cached:
    version: int | None
    text: str
    doc: ParsedDocument


class OliveLanguageService:
    def __init__(self, catalog: Catalog | None = None, settings: ServerSettings | None = None):
        self.catalog = catalog or load_catalog()
        self.settings = settings or ServerSettings()
        self._documents: dict[str, _Cached] = {}

    # --- documents ----------------------------------------------------------------------------------------

    def parse(self, uri: str, text: str, version: int | None = None, language_id: str | None = None) -> ParsedDocument:
        cached = self._documents.get(uri)
        if cached is not None and cached.version == version and cached.text is text:
            return cached.doc
        if cached is not None and cached.text == text:
            cached.version = version
            return cached.doc
        doc = parse_document(text, language_for(uri, language_id))
        self._documents[uri] = _Cached(version, text, doc)
        return doc

    def forget(self, uri: str) -> None:
        self._documents.pop(uri, None)

    def is_olive_config(self, uri: str, doc: ParsedDocument) -> bool:
        if self.is_excluded(uri):
            return False
        path = uri_to_path(uri)
        if path is not None and self.settings.matches_glob(str(path)):
            return True
        return is_olive_config(doc.root)

    def is_excluded(self, uri: str) -> bool:
        path = uri_to_path(uri)
        return path is not None and self.settings.is_excluded(str(path))

    # --- features -----------------------------------------------------------------------------------------

    def diagnostics(self, uri: str, doc: ParsedDocument, environment=None) -> list[types.Diagnostic]:
        if self.is_excluded(uri):
            return []
        settings = diagnostics.DiagnosticSettings(
            environment_checks=self.settings.environment_checks, severity_overrides=self.settings.severity_overrides
        )
        forced = self.is_olive_config(uri, doc)
        findings = diagnostics.analyse(
            doc, self.catalog, file_path=uri_to_path(uri), settings=settings, environment=environment, force_olive=forced
        )
        return [diagnostics.to_lsp(finding) for finding in findings]

    def completion(self, uri: str, doc: ParsedDocument, position: types.Position, snippets: bool = True, markdown: bool = True) -> types.CompletionList:
        if not self.is_olive_config(uri, doc) and doc.root is not None:
            return types.CompletionList(is_incomplete=False, items=[])
        return completion.complete(doc, self.catalog, position, snippets=snippets, markdown=markdown)

    def hover(self, uri: str, doc: ParsedDocument, position: types.Position, markdown: bool = True) -> types.Hover | None:
        if not self.is_olive_config(uri, doc):
            return None
        return hover.hover(doc, self.catalog, position, markdown=markdown)

    def code_actions(self, uri: str, doc: ParsedDocument, params: types.CodeActionParams) -> list[types.CodeAction]:
        if not self.is_olive_config(uri, doc):
            return []
        return actions.code_actions(doc, self.catalog, uri, params.range, params.context.diagnostics)

    def document_symbols(self, uri: str, doc: ParsedDocument) -> list[types.DocumentSymbol]:
        if not self.is_olive_config(uri, doc):
            return []
        return symbols.document_symbols(doc, self.catalog)

    def document_links(self, uri: str, doc: ParsedDocument, tooltips: bool = True) -> list[types.DocumentLink]:
        if not self.is_olive_config(uri, doc):
            return []
        return links.document_links(doc, uri_to_path(uri), tooltips=tooltips)

    def folding_ranges(self, uri: str, doc: ParsedDocument) -> list[types.FoldingRange]:
        return symbols.folding_ranges(doc)

    def definition(self, uri: str, doc: ParsedDocument, position: types.Position) -> list[types.Location]:
        return [types.Location(uri=uri, range=r) for r in navigation.definition(doc, position)]

    def references(self, uri: str, doc: ParsedDocument, position: types.Position, include_declaration: bool) -> list[types.Location]:
        return [types.Location(uri=uri, range=r) for r in navigation.references(doc, position, include_declaration)]

    def prepare_rename(self, uri: str, doc: ParsedDocument, position: types.Position) -> types.Range | None:
        return navigation.prepare_rename(doc, position)

    def rename(self, uri: str, doc: ParsedDocument, position: types.Position, new_name: str) -> types.WorkspaceEdit | None:
        edits = navigation.rename(doc, position, new_name)
        return types.WorkspaceEdit(changes={uri: edits}) if edits else None
