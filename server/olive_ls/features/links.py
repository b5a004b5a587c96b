"""Document links: a string value of a config that names an existing local file (a `user_script`, a data file,
an adapter) becomes a link to it, looked up as the file-system rules look (`olive_ls.config_paths`).

Nothing is opened or run; the server only asks the file system whether the file is there.
"""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from olive_ls import config_paths

# A value is a path candidate only if it looks like one: hub ids ("org/model") and plain words are not checked
# against the disk at all.
_FILE_SUFFIXES = (".py", ".json", ".yaml", ".yml", ".onnx", ".txt", ".jsonl", ".csv", ".parquet", ".safetensors", ".bin", ".pt", ".npz", ".npy", ".data", ".md")
MAX_LINKS = 200


def document_links(doc, config_file: Path | None, tooltips: bool = True) -> list[types.DocumentLink]:
    if doc.root is None or config_file is None:
        return []
    links: list[types.DocumentLink] = []
    for node in doc.root.walk():
        if node.kind != "string" or node.parent is None:  # string values only; a bare string document is no config
            continue
        target = _existing_file(node.value, config_file)
        if target is not None:
            tooltip = f"Open {target.name}" if tooltips else None
            links.append(types.DocumentLink(range=node.range, target=target.as_uri(), tooltip=tooltip))
            if len(links) >= MAX_LINKS:
                break
    return links


def _existing_file(value: str, config_file: Path) -> Path | None:
    if not value or len(value) > 1024 or "\n" in value or not value.lower().endswith(_FILE_SUFFIXES):
        return None
    found = config_paths.locate(value, config_file)
    try:
        return found.resolve() if found is not None and found.is_file() else None
    except OSError:
        return None
