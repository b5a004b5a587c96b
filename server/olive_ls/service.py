"""The language service: one facade over parsing, the catalog and every feature, with no LSP transport in it.

`lsp/` turns LSP messages into calls here and `cli/` its subcommands, so the editor and the terminal recognise
configs, exclude files, set severities and size limits the same way. Parsed documents are cached per URI and
version, so a burst of requests after one edit parses once. Diagnostics are `Finding`s, the service's own type.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING

from olive_ls.catalog import Catalog, CatalogError, load_catalog
from olive_ls.catalog.selection import UnknownVersion, VersionChoice, choose_version
from olive_ls.document.nodes import Node, release_tree
from olive_ls.document.parse import ParsedDocument, language_for, parse_document
from olive_ls.document.reparse import reparse
from olive_ls.document.ranges import origin_range
from olive_ls.model.view import is_olive_config
from olive_ls.rules.codes import TOO_LARGE
from olive_ls.rules.engine import DiagnosticSettings, analyse
from olive_ls.rules.incremental import EntryFindings
from olive_ls.rules.registry import Finding
from olive_ls.settings import ServerSettings
from olive_ls.uris import path_to_uri, uri_to_path

# Replaced versions kept unreleased at most (release_superseded frees them; past this the oldest are freed at once).
SUPERSEDED_KEPT = 4
# Past this size a file is not a hand-written Olive config; analysing it would only stall the editor or a CI job.
# One limit for the editor and `olive-ls check`, said with one code (OLV007).
MAX_ANALYSED_CHARS = 2_000_000


if TYPE_CHECKING:
    from lsprotocol import types

__all__ = ["MAX_ANALYSED_CHARS", "OliveLanguageService", "origin_range", "path_to_uri", "uri_to_path"]


@dataclass
class _Cached:
    version: int | None
    text: str
    doc: ParsedDocument


class OliveLanguageService:
    """`catalog`: one catalog for every document (tests, `check` with a catalog in hand). Without it each
    document gets the catalog of the Olive it is checked as (`catalog_for`, catalog/selection.py), chosen once
    per folder; `olive_version` is `--olive-version`, `workspace_root` where requirements pins stop being looked for."""

    def __init__(
        self,
        catalog: Catalog | None = None,
        settings: ServerSettings | None = None,
        *,
        olive_version: str | None = None,
        workspace_root: Path | None = None,
    ):
        self._fixed = catalog
        self.settings = settings or ServerSettings()
        self.olive_version = olive_version
        self.workspace_root = workspace_root
        self._documents: dict[str, _Cached] = {}
        # Trees replaced by a newer version or forgotten, to be released (release_superseded).
        self._superseded: list[Node] = []
        # parse and forget change _documents from the event loop (requests) and the analysis thread at once.
        self._parse_lock = threading.Lock()
        # What the entry-scoped rules found in each document's last analysis (rules/incremental.py).
        self._entry_findings: dict[str, EntryFindings] = {}
        self._environment = None
        self._choices: dict[Path | None, VersionChoice] = {}
        self._generated: dict[tuple, Catalog] = {}
        # Things to say once (a catalog generated from the installed Olive, a pin with no catalog): taken by
        # the front end (`take_notes`), each said once per service.
        self._notes: list[str] = []
        self._said: set[str] = set()
        # The docs of recent completion lists sent without them, until the client resolves an item
        # (features/completion/resolve.py); made at the first such completion.
        self._completion_docs = None

    def configure(self, settings: ServerSettings) -> None:
        """New settings from the client or the command line; what depended on the old ones is dropped."""
        self.settings = settings
        self._environment = None
        self._choices.clear()

    # --- which Olive a document is checked as --------------------------------------------------------------

    @property
    def catalog(self) -> Catalog:
        """The catalog of a document with no file (untitled): the fixed one, else the chosen version's."""
        return self.catalog_for(None)

    def version_for(self, uri: str | None) -> VersionChoice:
        """Which Olive the document is checked as, and why (cached by folder; `configure` drops it)."""
        path = uri_to_path(uri) if uri else None
        if self._fixed is not None:
            reason = "--olive-version" if self.olive_version else "given"
            return VersionChoice(self._fixed.version, reason)
        folder = path.parent if path is not None else None
        choice = self._choices.get(folder)
        if choice is None:
            try:
                choice = choose_version(path, self.settings, explicit=self.olive_version, workspace_root=self.workspace_root)
            except UnknownVersion as error:
                if self.olive_version:
                    raise  # --olive-version: the command line says so and stops
                self._say(f"olive.oliveVersion: {error}")
                settings = dataclasses.replace(self.settings, olive_version="")
                choice = choose_version(path, settings, workspace_root=self.workspace_root)
            if choice.note:
                self._say(choice.note)
            self._choices[folder] = choice
        return choice

    def catalog_for(self, uri: str | None) -> Catalog:
        if self._fixed is not None:
            return self._fixed
        choice = self.version_for(uri)
        if choice.shipped:
            return load_catalog(choice.version)
        key = (choice.version, choice.commit, choice.python)
        catalog = self._generated.get(key)
        if catalog is None:
            catalog = self._catalog_for_unshipped(choice)
            self._generated[key] = catalog
        return catalog

    def _catalog_for_unshipped(self, choice: VersionChoice) -> Catalog:
        """An installed Olive with no shipped catalog: generated once with its Python and cached (user_cache);
        when that fails, the newest shipped release, said once."""
        from olive_ls.catalog.selection import newest_release
        from olive_ls.catalog.user_cache import catalog_for_installed

        try:
            catalog, note = catalog_for_installed(choice.version, choice.commit, choice.python)
        except CatalogError as error:
            fallback = newest_release()
            self._say(f"{error}; checking as Olive {fallback} instead")
            return load_catalog(fallback)
        if note:
            self._say(note)
        return catalog

    def _say(self, note: str) -> None:
        if note not in self._said:
            self._said.add(note)
            self._notes.append(note)

    def take_notes(self) -> list[str]:
        """What the front end should say once (and has not yet)."""
        notes, self._notes = self._notes, []
        return notes

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

    def parse(self, uri: str, text: str, version: int | None = None, language_id: str | None = None, *, consume_previous: bool = False) -> ParsedDocument:
        """The document's tree for this text, parsed once per version. `consume_previous`: the caller is the only one
        that can be reading the previous version (the server's analysis thread), so its tree may be carried over to
        this version, scanning again only the container the edit is in (document/reparse.py); the previous
        ParsedDocument is then no longer valid."""
        with self._parse_lock:
            cached = self._documents.get(uri)
            if cached is not None and cached.version == version and cached.text is text:
                return cached.doc
            if cached is not None and cached.text == text:
                cached.version = version
                return cached.doc
            language = language_for(uri, language_id)
            carried = reparse(cached.doc, text) if consume_previous and cached is not None and cached.doc.language == language else None
            if carried is not None:
                doc, replaced = carried
                if replaced is not None:
                    self._supersede(replaced)
            else:
                doc = parse_document(text, language)
                if cached is not None:
                    self._supersede(cached.doc.root)
            self._documents[uri] = _Cached(version, text, doc)
            return doc

    def forget(self, uri: str) -> None:
        self._entry_findings.pop(uri, None)
        with self._parse_lock:
            cached = self._documents.pop(uri, None)
            if cached is not None:
                self._supersede(cached.doc.root)

    def release_superseded(self) -> None:
        """Free the trees of the versions a newer one replaced, and the subtrees a carried-over tree no longer holds
        (document.nodes.release_tree). The caller says when no one reads them any more: the server in its analysis
        thread, after a publication; `check` after each file."""
        with self._parse_lock:
            superseded, self._superseded = self._superseded, []
        for root in superseded:
            release_tree(root)

    def _supersede(self, root: Node | None) -> None:
        if root is None:
            return
        self._superseded.append(root)
        if len(self._superseded) > SUPERSEDED_KEPT:
            # A caller that never releases (a script, a test) must not keep every version: the oldest go now.
            oldest, self._superseded = self._superseded[:-SUPERSEDED_KEPT], self._superseded[-SUPERSEDED_KEPT:]
            for old in oldest:
                release_tree(old)

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

    def diagnostics(self, uri: str, doc: ParsedDocument, *, incremental: bool = False) -> list[Finding]:
        """`incremental`: the document will be analysed again after an edit (the server), so what its entry-scoped
        rules find is kept for the next version (rules/incremental.py); a one-off check does not pay for that."""
        if self.is_excluded(uri):
            return []
        choice = self.version_for(uri)
        settings = DiagnosticSettings(
            environment_checks=self.settings.environment_checks,
            severity_overrides=self.settings.severity_overrides,
            olive_version_reason=choice.reason,
        )
        forced = self.is_olive_config(uri, doc)
        catalog = self.catalog_for(uri)
        entry_findings = self._entry_findings.setdefault(uri, EntryFindings()) if incremental else None
        return analyse(doc, catalog, file_path=uri_to_path(uri), settings=settings, environment=self.environment(), force_olive=forced, entry_findings=entry_findings)

    def completion(
        self, uri: str, doc: ParsedDocument, position: types.Position, snippets: bool = True, markdown: bool = True, resolve_docs: bool = False
    ) -> types.CompletionList:
        """`resolve_docs`: the client resolves `documentation`, so items carry a key (`data`) instead of their docs,
        which `completion_doc` writes when the client asks."""
        from lsprotocol import types

        from olive_ls.features import completion

        if not self.is_olive_config(uri, doc) and doc.root is not None:
            return types.CompletionList(is_incomplete=False, items=[])
        deferred = None
        if resolve_docs:
            if self._completion_docs is None:
                self._completion_docs = completion.DeferredDocs()
            deferred = self._completion_docs
        return completion.complete(doc, self.catalog_for(uri), position, snippets=snippets, markdown=markdown, deferred=deferred)

    def completion_doc(self, data) -> str | None:
        """The markdown of a completion item sent without its docs, from the item's `data`; None when there is none
        (an item without docs, or one of a list too old to be kept)."""
        return self._completion_docs.markdown(data) if self._completion_docs is not None else None

    def hover(self, uri: str, doc: ParsedDocument, position: types.Position, markdown: bool = True) -> types.Hover | None:
        from olive_ls.features import hover

        if not self.is_olive_config(uri, doc):
            return None
        result = hover.hover(doc, self.catalog_for(uri), position, markdown=markdown)
        return self._with_version(result, uri, markdown)

    def _with_version(self, result, uri: str, markdown: bool):
        """A hover says which Olive it describes, and why that one (its last line)."""
        from lsprotocol import types

        if result is None or not isinstance(result.contents, types.MarkupContent):
            return result
        line = f"Olive {self.version_for(uri).label}"
        text = result.contents.value.rstrip() + ("\n\n---\n*" + line + "*" if markdown else "\n\n" + line)
        return types.Hover(contents=types.MarkupContent(kind=result.contents.kind, value=text), range=result.range)

    def code_actions(self, uri: str, doc: ParsedDocument, params: types.CodeActionParams) -> list[types.CodeAction]:
        from olive_ls.features import actions

        if not self.is_olive_config(uri, doc):
            return []
        return actions.code_actions(doc, self.catalog_for(uri), uri, params.range, params.context.diagnostics)

    def migration(self, doc: ParsedDocument, uri: str | None = None, to_version: str | None = None):
        """The whole-config migration (features/migration.py), as edits and the new text: to the document's Olive,
        or, with to_version, from the document's Olive to that release (features/version_migration.py)."""
        from olive_ls.features import migration

        if to_version is None:
            return migration.plan_migration(doc, self.catalog_for(uri))
        from olive_ls.features import version_migration

        return version_migration.plan_version_migration(doc, self.catalog_for(uri), load_catalog(to_version))

    def document_symbols(self, uri: str, doc: ParsedDocument) -> list[types.DocumentSymbol]:
        from olive_ls.features import symbols

        if not self.is_olive_config(uri, doc):
            return []
        return symbols.document_symbols(doc, self.catalog_for(uri))

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

        return [types.Location(uri=uri, range=r) for r in navigation.definition(doc, position, self.catalog_for(uri))]

    def references(self, uri: str, doc: ParsedDocument, position: types.Position, include_declaration: bool) -> list[types.Location]:
        from lsprotocol import types

        from olive_ls.features import navigation

        return [types.Location(uri=uri, range=r) for r in navigation.references(doc, position, include_declaration, self.catalog_for(uri))]

    def prepare_rename(self, uri: str, doc: ParsedDocument, position: types.Position) -> types.Range | None:
        from olive_ls.features import navigation

        return navigation.prepare_rename(doc, position, self.catalog_for(uri))

    def rename(self, uri: str, doc: ParsedDocument, position: types.Position, new_name: str) -> types.WorkspaceEdit | None:
        from lsprotocol import types

        from olive_ls.features import navigation

        edits = navigation.rename(doc, position, new_name, self.catalog_for(uri))
        return types.WorkspaceEdit(changes={uri: edits}) if edits else None
