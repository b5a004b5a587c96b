"""The settings `check` and `migrate` use: the editor's own (`olive.*` in `.vscode/settings.json` of the folder
they run in), then the command line's flags on top. One `ServerSettings`, handed to the same service the editor
uses, so a file the editor excludes, a severity it overrides and a glob it recognises act the same in CI."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from olive_ls.settings import SECTION, ServerSettings, settings_from

VSCODE_SETTINGS = Path(".vscode") / "settings.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--olive-version", default=None, help="check against this Olive version's catalog")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="leave files matching GLOB alone (as olive.excludeFiles)")
    parser.add_argument("--config-files", action="append", default=[], metavar="GLOB", help="always treat files matching GLOB as Olive configs (as olive.configFiles)")
    parser.add_argument("--severity", action="append", default=[], metavar="CODE=LEVEL", help="error, warning, information, hint or off for a code (as olive.diagnostics.severity)")
    parser.add_argument("--no-workspace-settings", action="store_true", help=f"ignore the olive.* settings in {VSCODE_SETTINGS}")


def _editor_settings(folder: Path) -> dict:
    """`olive.*` from VS Code's settings file (JSON with comments), flat (`olive.excludeFiles`) or nested."""
    path = folder / VSCODE_SETTINGS
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return {}
    from olive_ls.document.parse import parse_document

    doc = parse_document(text, "json")
    data = doc.root.to_python() if doc.root is not None and doc.root.is_object else {}
    raw: dict = dict(data.get(SECTION) or {}) if isinstance(data.get(SECTION), dict) else {}
    prefix = SECTION + "."
    for key, value in data.items():
        if isinstance(key, str) and key.startswith(prefix):
            node = raw
            parts = key[len(prefix) :].split(".")
            for part in parts[:-1]:
                node = node.setdefault(part, {}) if isinstance(node.get(part, {}), dict) else {}
            node[parts[-1]] = value
    return raw


def settings_for(args: argparse.Namespace, *, environment_checks: bool = True) -> ServerSettings | None:
    """The settings for this run; None (after saying why on stderr) when a flag is malformed."""
    raw = {} if args.no_workspace_settings else _editor_settings(Path.cwd())
    settings, problems = settings_from(raw or None)
    for problem in problems:
        print(f"olive-ls: {VSCODE_SETTINGS}: {problem}", file=sys.stderr)
    settings.config_globs = [*settings.config_globs, *args.config_files]
    settings.exclude_globs = [*settings.exclude_globs, *args.exclude]
    for item in args.severity:
        code, _, level = item.partition("=")
        overrides, problems = settings_from({"diagnostics": {"severity": {code.strip(): level.strip()}}})
        if problems or not code.strip():
            print(f"olive-ls: --severity {item}: expected CODE=LEVEL with LEVEL one of error, warning, information, hint, off", file=sys.stderr)
            return None
        settings.severity_overrides.update(overrides.severity_overrides)
    settings.environment_checks = settings.environment_checks and environment_checks
    return settings
