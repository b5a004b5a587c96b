"""What the three behaviour generators share (pass_behaviour_generate, component_behaviour_generate,
vendor_behaviour_generate): the installed versions they record, the JSON form they write, where it goes (beside the
catalog of the installed Olive, schemas/olive-<version>/) and their command line."""

from __future__ import annotations

import argparse
import importlib.metadata
import json
from collections.abc import Callable
from pathlib import Path

SCHEMAS = Path(__file__).resolve().parents[3] / "schemas"


def installed_version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def render(data: dict) -> str:
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def default_path(file_name: str) -> Path:
    return SCHEMAS / f"olive-{installed_version('olive-ai')}" / file_name


def main(generate: Callable[[], dict], file_name: str, description: str, argv: list[str] | None = None, quiet: Callable[[], None] | None = None) -> int:
    """`python -m olive_ls.catalog.<name>_generate [--out FILE]`: generate and write the file (default: beside the
    installed Olive's catalog). `quiet` silences what importing Olive logs, before generating."""
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help=f"the file to write (default: {default_path(file_name)})")
    args = parser.parse_args(argv)
    if quiet is not None:
        quiet()
    out = args.out or default_path(file_name)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(generate()), encoding="utf-8")
    print(out)
    return 0
