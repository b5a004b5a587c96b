"""User settings of the language server, read from `workspace/configuration` (section "olive")."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Any

from olive_ls.rules.registry import SEVERITIES

SECTION = "olive"


@dataclass
class ServerSettings:
    # Glob patterns of files that are always Olive configs; other JSON/YAML files are recognised by content.
    config_globs: list[str] = field(default_factory=list)
    # Glob patterns of files olive-ls leaves alone even when they look like Olive configs (a per-file opt-out).
    exclude_globs: list[str] = field(default_factory=list)
    # code -> severity ("error", "warning", "information", "hint") or "off"
    severity_overrides: dict[str, str] = field(default_factory=dict)
    environment_checks: bool = True
    # The Python that runs Olive (olive.runWorkflow, environment checks); empty: the server's own.
    python: str = ""
    # The Olive version configs are checked as ("0.12.1", "main"); empty: chosen per config
    # (the installed olive-ai, a pin beside the config, else the newest release; catalog/selection.py).
    olive_version: str = ""

    def matches_glob(self, path: str) -> bool:
        return _matches(path, self.config_globs)

    def is_excluded(self, path: str) -> bool:
        return _matches(path, self.exclude_globs)


def _matches(path: str, patterns: list[str]) -> bool:
    """A glob matches the whole path or the file name."""
    return any(fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path.rsplit("/", 1)[-1], pattern) for pattern in patterns)


def settings_from(raw: Any) -> tuple[ServerSettings, list[str]]:
    """Settings from the client's JSON, and a list of problems with it (ignored values, said once to the user)."""
    settings = ServerSettings()
    problems: list[str] = []
    if raw is None:
        return settings, problems
    if not isinstance(raw, dict):
        return settings, [f"olive settings should be an object, got {type(raw).__name__}; using defaults"]
    for key, attribute in (("configFiles", "config_globs"), ("excludeFiles", "exclude_globs")):
        globs = raw.get(key, [])
        if isinstance(globs, list) and all(isinstance(g, str) for g in globs):
            setattr(settings, attribute, globs)
        else:
            problems.append(f"olive.{key} should be a list of glob patterns")
    severities = raw.get("diagnostics", {}).get("severity", {}) if isinstance(raw.get("diagnostics", {}), dict) else {}
    if isinstance(severities, dict):
        for code, level in severities.items():
            if isinstance(level, str) and (level in SEVERITIES or level == "off"):
                settings.severity_overrides[str(code)] = level
            else:
                problems.append(f"olive.diagnostics.severity.{code}: '{level}' is not one of {', '.join(SEVERITIES)}, off")
    env = raw.get("environmentChecks", True)
    if isinstance(env, bool):
        settings.environment_checks = env
    else:
        problems.append("olive.environmentChecks should be true or false")
    python = raw.get("python", "")
    if isinstance(python, str):
        settings.python = python
    else:
        problems.append("olive.python should be a path")
    olive_version = raw.get("oliveVersion", "")
    if isinstance(olive_version, str):
        settings.olive_version = olive_version.strip()
    else:
        problems.append("olive.oliveVersion should be a version such as 0.12.1, or main")
    return settings, problems
