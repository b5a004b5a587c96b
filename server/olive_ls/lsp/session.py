"""What the server holds for one client: the service, the client's capabilities, publishing, and run state.

The client's capabilities are read once, at initialize, into `ClientFeatures`: handlers ask it plain questions
("does the client render markdown in hover?") instead of walking lsprotocol's optional attributes each time.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from lsprotocol import types

if TYPE_CHECKING:
    from olive_ls.service import OliveLanguageService


@dataclass(frozen=True)
class ClientFeatures:
    pulls_diagnostics: bool = False
    diagnostic_refresh: bool = False
    snippets: bool = False
    markdown_hover: bool = True
    markdown_completion: bool = True
    # completionItem/resolve fills in `documentation`: completion replies then carry no docs (issue 11).
    resolves_completion_docs: bool = False
    link_tooltips: bool = False
    code_lens_refresh: bool = False
    work_done_progress: bool = False
    show_document: bool = False
    configuration: bool = False
    related_information: bool = False
    code_description: bool = False

    @classmethod
    def from_capabilities(cls, caps: types.ClientCapabilities | None) -> "ClientFeatures":
        if caps is None:
            return cls()
        text = caps.text_document
        workspace = caps.workspace
        window = caps.window
        completion_item = text.completion.completion_item if text and text.completion else None
        publish = text.publish_diagnostics if text else None
        return cls(
            pulls_diagnostics=bool(text and text.diagnostic),
            diagnostic_refresh=bool(workspace and workspace.diagnostics and workspace.diagnostics.refresh_support),
            snippets=bool(completion_item and completion_item.snippet_support),
            # A client that lists its formats without markdown gets plain text; one that says nothing gets markdown,
            # which every editor in use renders.
            markdown_hover=_renders_markdown(text.hover.content_format if text and text.hover else None),
            markdown_completion=_renders_markdown(completion_item.documentation_format if completion_item else None),
            resolves_completion_docs=bool(
                completion_item and completion_item.resolve_support and "documentation" in (completion_item.resolve_support.properties or ())
            ),
            link_tooltips=bool(text and text.document_link and text.document_link.tooltip_support),
            code_lens_refresh=bool(workspace and workspace.code_lens and workspace.code_lens.refresh_support),
            work_done_progress=bool(window and window.work_done_progress),
            show_document=bool(window and window.show_document and window.show_document.support),
            configuration=bool(workspace and workspace.configuration),
            related_information=bool(
                (publish and publish.related_information) or (text and text.diagnostic and text.diagnostic.related_information)
            ),
            # Pull clients (LSP 3.17) have no such flag; a codeDescription is optional data they may show.
            code_description=bool((publish and publish.code_description_support) or (text and text.diagnostic)),
        )


def _renders_markdown(formats) -> bool:
    return not formats or types.MarkupKind.Markdown in formats


@dataclass
class RunState:
    """What the editor remembers of runs, per config URI. Whether a run is in progress is asked of
    `execution.is_running`: the one guard against a second run of the same config."""

    cancels: dict[str, asyncio.Event] = field(default_factory=dict)
    # Olive's errors from the last run, shown until the config is edited (they describe the old text).
    feedback: dict[str, list] = field(default_factory=dict)
    outputs: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Session:
    # Makes the service on first use: importing it (the parsers, the catalogs' loader, the rule engine) and making
    # it is left until after the initialize reply, so the editor hears back at pygls' own start-up time.
    make_service: Callable[[], OliveLanguageService]
    client: ClientFeatures
    runs: RunState = field(default_factory=RunState)
    # Debounced publishes, per URI: a newer edit cancels the older one's task.
    pending: dict[str, asyncio.Task] = field(default_factory=dict)
    _service: OliveLanguageService | None = field(default=None, init=False, repr=False)

    @property
    def service(self) -> OliveLanguageService:
        if self._service is None:
            self._service = self.make_service()
        return self._service
