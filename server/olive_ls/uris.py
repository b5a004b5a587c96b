"""File URIs and paths, both ways: a small module of its own, so that the server's command handlers can import it
at start without the service (which the facade re-exports them from)."""

from __future__ import annotations

import functools
from pathlib import Path
from urllib.parse import unquote, urlparse


def path_to_uri(path: Path) -> str:
    return Path(path).absolute().as_uri()


@functools.lru_cache(maxsize=1024)
def uri_to_path(uri: str) -> Path | None:
    """Asked several times per document and request: kept for the URIs in use (a Path is immutable)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))
