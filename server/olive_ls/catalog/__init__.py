"""The Olive catalog: passes, model/system types, value sets and the run-config JSON Schema of one olive-ai version.

Loading it never imports Olive (see loader.py); generating it does (see generate.py).
"""

from olive_ls.catalog.loader import (
    Catalog,
    CatalogError,
    installed_olive_version,
    load_catalog,
    shipped_versions,
)

__all__ = ["Catalog", "CatalogError", "installed_olive_version", "load_catalog", "shipped_versions"]
