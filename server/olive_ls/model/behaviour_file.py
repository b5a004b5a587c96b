"""A behaviour file beside a catalog (schemas/olive-<version>/pass-behaviour.json, component-behaviour.json,
vendor-behaviour.json): read for the model's Olive version by the readers in this package, None when that version
has none (or it cannot be read)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from olive_ls.model.olive import OliveModel


def read_beside_catalog(model: "OliveModel", file_name: str) -> dict | None:
    path = getattr(model.catalog, "path", None)
    candidate = path.parent / file_name if path is not None else None
    if candidate is None or not candidate.is_file():
        return None
    try:
        data = json.loads(candidate.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
