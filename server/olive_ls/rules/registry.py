"""Diagnostic rules: each a small named check with a stable code, registered here by a decorator.

A rule is a pure function from a `RuleContext` to `Finding`s. Families live in their own modules
(`legacy.py`, `passes.py`, ...); `ALL_RULE_MODULES` lists them so that importing the registry loads every rule.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from olive_ls.document.ranges import Range

from olive_ls.document.nodes import Node, Property

if TYPE_CHECKING:
    from olive_ls.catalog import Catalog
    from olive_ls.document.parse import ParsedDocument
    from olive_ls.environment import Environment
    from olive_ls.model.olive import OliveModel
    from olive_ls.model.view import WorkflowView

from olive_ls.rules.codes import ERROR, HINT, INFORMATION, SEVERITIES, WARNING, register_code  # noqa: F401

# Families, in the order their findings are computed. Each module registers its rules on import.
ALL_RULE_MODULES = (
    "olive_ls.rules.syntax",
    "olive_ls.rules.schema",
    "olive_ls.rules.legacy",
    "olive_ls.rules.passes",
    "olive_ls.rules.targets",
    "olive_ls.rules.references",
    "olive_ls.rules.environment",
    "olive_ls.rules.filesystem",
    "olive_ls.rules.machine",
    "olive_ls.rules.runtime_model_builder",
    "olive_ls.rules.runtime_quantization",
    "olive_ls.rules.runtime_optimization",
    "olive_ls.rules.runtime_passes",
    "olive_ls.rules.runtime_onnx_passes",
    "olive_ls.rules.runtime_engine",
    "olive_ls.rules.runtime_evaluation",
    "olive_ls.rules.runtime_systems",
    "olive_ls.rules.runtime_model",
    "olive_ls.rules.runtime_data",
    "olive_ls.rules.runtime_training",
    "olive_ls.rules.runtime_openvino",
    "olive_ls.rules.runtime_vendor_passes",
    "olive_ls.rules.runtime_inc_modelopt",
    "olive_ls.rules.runtime_search",
    "olive_ls.rules.runtime_model_files",
)


@dataclass
class Finding:
    """One problem at one place. `fix` is data for quick fixes (see features/actions.py for the shapes)."""

    # The headline: one line, at most 120 characters, what a CLI prints and an editor shows.
    message: str
    range: Range
    severity: str | None = None  # None: the rule's default
    fix: dict[str, Any] | None = None
    code: str = ""  # filled in by the engine from the rule
    # The why and the fix, in as many sentences as they take: `check --verbose`, hover, related information.
    detail: str | None = None
    source: str = "olive-ls"

    @property
    def text(self) -> str:
        """The headline and the detail together: everything the finding says."""
        return f"{self.message} {self.detail}" if self.detail else self.message

    @classmethod
    def at(cls, target: Node | Property, message: str, **kwargs) -> "Finding":
        """On a value node, or on the key of a property (where a user looks for a misspelled key)."""
        node = target.key_node if isinstance(target, Property) else target
        return cls(message=message, range=node.range, **kwargs)


@dataclass
class RuleContext:
    doc: "ParsedDocument"
    view: "WorkflowView | None"
    catalog: "Catalog"
    file_path: Path | None = None
    environment: "Environment | None" = None  # None when environment checks are off
    # Why this catalog's Olive version was chosen for the config ("installed", "--olive-version", ...).
    version_reason: str | None = None
    # The one model of Olive for this catalog: every question about Olive goes here (set from the catalog).
    model: "OliveModel" = field(init=False, repr=False)
    _memo: dict = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        from olive_ls.model.olive import olive_model

        self.model = olive_model(self.catalog)

    def forget(self) -> None:
        """Drop what was derived from the document (here and on its view): completion's probe changes a value in
        place between asks."""
        self._memo.clear()
        if self.view is not None:
            self.view.forget()

    def memo(self, name: str, build: Callable[["RuleContext"], Any]) -> Any:
        """What several rules derive from this one document (the name index, the data configs in use), built once
        per analysis."""
        if name not in self._memo:
            self._memo[name] = build(self)
        return self._memo[name]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str
    severity: str
    family: str
    check: Callable[[RuleContext], Iterable[Finding]] = field(compare=False)
    # Rules that read the Python environment or the file system, switched off by --no-env / a setting.
    needs_environment: bool = False
    # Syntax rules run on every JSON/YAML document; the others only on Olive configs.
    needs_view: bool = True
    # "entry": what the rule finds inside a pass entry depends only on that entry's text, the config outside
    # `passes`, and the passes' names and types in order, so an unchanged entry keeps its findings across versions
    # (rules/incremental.py). None: the rule runs on the whole document each time.
    scope: str | None = None


RULES: dict[str, Rule] = {}


def rule(code: str, name: str, summary: str, severity: str = ERROR, *, needs_environment: bool = False, needs_view: bool = True, scope: str | None = None):
    def register(check: Callable[[RuleContext], Iterable[Finding]]):
        family = check.__module__.rsplit(".", 1)[-1]
        register_code(code, name, severity, family, summary, inspect.getdoc(check) or "")
        RULES[code] = Rule(code, name, summary, severity, family, check, needs_environment, needs_view, scope)
        return check

    return register


_loaded = False


def load_rules() -> dict[str, Rule]:
    """Every rule, in the order of ALL_RULE_MODULES and, within a module, as written: the order findings are made in
    (and the first error completion's probe names), whichever module something imported first."""
    global _loaded
    if not _loaded:
        for module in ALL_RULE_MODULES:
            importlib.import_module(module)
        position = {f"olive_ls.rules.{module.rsplit('.', 1)[-1]}": i for i, module in enumerate(ALL_RULE_MODULES)}
        ordered = sorted(RULES.values(), key=lambda r: position.get(r.check.__module__, len(position)))  # stable: as written
        RULES.clear()
        RULES.update((r.code, r) for r in ordered)
        _loaded = True
    return RULES
