"""Parse a JSON or YAML config into a `ParsedDocument`: the tree, its syntax problems and its line index."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from olive_ls.document.json_tree import JsonTreeBuilder
from olive_ls.document.nodes import Node
from olive_ls.document.syntax import SyntaxProblem
from olive_ls.document.text import LineIndex
from olive_ls.document.yaml_tree import YamlTreeBuilder
from olive_ls.gc_pause import gc_paused

JSON = "json"
YAML = "yaml"


@dataclass
class ParsedDocument:
    text: str
    language: str
    root: Node | None
    problems: list[SyntaxProblem] = field(default_factory=list)
    index: LineIndex | None = None
    # What json.loads made of a text that parsed cleanly (the tree's fast path checks with it anyway); None otherwise.
    loaded: Any = None

    def python_value(self) -> Any:
        """The document as plain Python values, as json.load / yaml.safe_load give it. Shared: do not change it."""
        if self.loaded is not None:
            return self.loaded
        return self.root.to_python() if self.root is not None else None


def language_for(path_or_uri: str, language_id: str | None = None) -> str:
    """JSON or YAML, from the editor's language id when given, else from the file name."""
    if language_id:
        if language_id.lower() in ("yaml", "yml"):
            return YAML
        if language_id.lower() in ("json", "jsonc"):
            return JSON
    lowered = path_or_uri.lower()
    return YAML if lowered.endswith((".yaml", ".yml")) else JSON


def parse_document(text: str, language: str = JSON) -> ParsedDocument:
    data = text.encode("utf-8", errors="surrogatepass")
    index = LineIndex(data)
    builder = YamlTreeBuilder(data, index) if language == YAML else JsonTreeBuilder(data, index)
    with gc_paused():
        root = builder.build()
    problems = sorted(builder.problems, key=lambda p: (p.start, p.end))
    loaded = getattr(builder, "loaded", None) if not problems else None
    return ParsedDocument(text=text, language=language, root=root, problems=problems, index=index, loaded=loaded)
