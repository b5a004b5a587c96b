"""The language service: one facade over parsing, the catalog and every feature, with no LSP transport in it.

`lsp/` turns LSP messages into calls here and `cli/` its subcommands, so the editor and the terminal recognise
configs, exclude files, set severities and size limits the same way. Parsed documents are cached per URI and
version, so a burst of requests after one edit parses once. Diagnostics are `Finding`s, the service's own type.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from typing import TYPE_CHECKING

from olive_ls.catalog import Catalog, load_catalog
from olive_ls.document.parse import ParsedDocument, language_for, parse_document
from olive_ls.document.ranges import origin_range
from olive_ls.model.view import is_olive_config
from olive_ls.rules.codes import TOO_LARGE
from olive_ls.rules.engine import DiagnosticSettings, analyse
from olive_ls.rules.registry import Finding
from olive_ls.settings import ServerSettings

# Past this size a file is not a hand-written Olive config; analysing it would only stall the editor or a CI job.
# One limit for the editor and `olive-ls check`, said with one code (OLV007).
MAX_ANALYSED_CHARS = 2_000_000


if TYPE_CHECKING:
    from lsprotocol import types

__all__ = ["MAX_ANALYSED_CHARS", "OliveLanguageService", "origin_range", "path_to_uri", "uri_to_path"]


def path_to_uri(path: Path) -> str:
    return Path(path).absolute().as_uri()


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
        self._environment = None

    def configure(self, settings: ServerSettings) -> None:
        """New settings from the client or the command line; what depended on the old ones is dropped."""
        self.settings = settings
        self._environment = None

    # --- the Python environment and the file system -------------------------------------------------------

    def environment(self):
        """What the configured Python has installed (None with environment checks off), asked once and kept."""
        if not self.settings.environment_checks:
            return None
        if self._environment is None:
            from olive_ls.environment import current_environment, environment_for

            python = self.settings.python
            self._environment = environment_for(python) if python else current_environment()
        return self._environment

    def forget_environment(self) -> None:
        """The file system may have changed (a save, a finished run): ask again next time."""
        self._environment = None

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

    @staticmethod
    def too_large(text: str) -> bool:
        return len(text) > MAX_ANALYSED_CHARS

    def size_findings(self, uri: str, head: str, size: int | None = None) -> list[Finding]:
        """One information for a file too large to analyse (`head`: its text, or its start), when it could be a config."""
        if self.is_excluded(uri) or (head.lstrip()[:1] not in ("{", "") and not uri.endswith((".yaml", ".yml"))):
            return []
        megabytes = (size if size is not None else len(head)) / 1_000_000
        message = f"File is {megabytes:.1f} MB: too large to analyse as an Olive config (the limit is {MAX_ANALYSED_CHARS / 1_000_000:g} MB)"
        return [Finding(message, origin_range(), TOO_LARGE.severity, code=TOO_LARGE.code)]

    def diagnostics(self, uri: str, doc: ParsedDocument) -> list[Finding]:
        if self.is_excluded(uri):
            return []
        settings = DiagnosticSettings(environment_checks=self.settings.environment_checks, severity_overrides=self.settings.severity_overrides)
        forced = self.is_olive_config(uri, doc)
        return analyse(doc, self.catalog, file_path=uri_to_path(uri), settings=settings, environment=self.environment(), force_olive=forced)

    def completion(self, uri: str, doc: ParsedDocument, position: types.Position, snippets: bool = True, markdown: bool = True) -> types.CompletionList:
        from lsprotocol import types

        from olive_ls.features import completion

        if not self.is_olive_config(uri, doc) and doc.root is not None:
            return types.CompletionList(is_incomplete=False, items=[])
        return completion.complete(doc, self.catalog, position, snippets=snippets, markdown=markdown)

    def hover(self, uri: str, doc: ParsedDocument, position: types.Position, markdown: bool = True) -> types.Hover | None:
        from olive_ls.features import hover

        if not self.is_olive_config(uri, doc):
            return None
        return hover.hover(doc, self.catalog, position, markdown=markdown)

    def code_actions(self, uri: str, doc: ParsedDocument, params: types.CodeActionParams) -> list[types.CodeAction]:
        from olive_ls.features import actions

        if not self.is_olive_config(uri, doc):
            return []
        return actions.code_actions(doc, self.catalog, uri, params.range, params.context.diagnostics)

    def migration(self, doc: ParsedDocument):
        """The whole-config migration to this catalog's Olive (features/migration.py), as edits and the new text."""
        from olive_ls.features import migration

        return migration.plan_migration(doc, self.catalog)

    def document_symbols(self, uri: str, doc: ParsedDocument) -> list[types.DocumentSymbol]:
        from olive_ls.features import symbols

        if not self.is_olive_config(uri, doc):
            return []
        return symbols.document_symbols(doc, self.catalog)

    def document_links(self, uri: str, doc: ParsedDocument, tooltips: bool = True) -> list[types.DocumentLink]:
        from olive_ls.features import links

        if not self.is_olive_config(uri, doc):
            return []
        return links.document_links(doc, uri_to_path(uri), tooltips=tooltips)

    def folding_ranges(self, uri: str, doc: ParsedDocument) -> list[types.FoldingRange]:
        from olive_ls.features import symbols

        return symbols.folding_ranges(doc)

    def definition(self, uri: str, doc: ParsedDocument, position: types.Position) -> list[types.Location]:
        from lsprotocol import types

        from olive_ls.features import navigation

        return [types.Location(uri=uri, range=r) for r in navigation.definition(doc, position, self.catalog)]

    def references(self, uri: str, doc: ParsedDocument, position: types.Position, include_declaration: bool) -> list[types.Location]:
        from lsprotocol import types

        from olive_ls.features import navigation

        return [types.Location(uri=uri, range=r) for r in navigation.references(doc, position, include_declaration, self.catalog)]

    def prepare_rename(self, uri: str, doc: ParsedDocument, position: types.Position) -> types.Range | None:
        from olive_ls.features import navigation

        return navigation.prepare_rename(doc, position, self.catalog)

    def rename(self, uri: str, doc: ParsedDocument, position: types.Position, new_name: str) -> types.WorkspaceEdit | None:
        from lsprotocol import types

        from olive_ls.features import navigation

        edits = navigation.rename(doc, position, new_name, self.catalog)
        return types.WorkspaceEdit(changes={uri: edits}) if edits else None
