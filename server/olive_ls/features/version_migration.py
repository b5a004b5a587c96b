"""Move a config from one Olive release to another (`olive-ls migrate --to VERSION`, the editor's action).

What each release has comes from the two catalogs (the one the config is checked as, and the target's); what
took the place of something removed comes from hand-written tables (model/legacy.py's renamed passes,
model/versions.py's parameter changes). Step by step, on the config as data:

- a pass type the target lacks: renamed when the target has its new name (OnnxMatMul4Quantizer ->
  OnnxBlockWiseRtnQuantization), else kept, with a note that it could not be moved (it exists from another
  release);
- a pass parameter the target lacks: renamed where a table says what replaced it, kept with a note where the
  replacement is not mechanical (QuarkQuantization's `quant_config`, replaced in 0.12.0), else removed with a
  note quoting its value (the target's Olive would ignore it);
- a top-level or engine key the target's RunConfig does not take but the source's does: removed with a note.

The new data becomes the few text edits that differ (document/edits.py, as features/migration.py does), so
formatting and comments elsewhere are kept; the result is parsed again and compared with the data.
"""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any

from olive_ls.document import syntax
from olive_ls.document.edits import same
from olive_ls.features.migration import MigrationResult, rewrite_as
from olive_ls.model import legacy as legacy_tables
from olive_ls.model.olive import OliveModel, olive_model
from olive_ls.model.versions import parameter_change, version_history, version_label
from olive_ls.model.view import PASS_DECLARED_KEYS

if TYPE_CHECKING:
    from olive_ls.catalog import Catalog
    from olive_ls.document.parse import ParsedDocument

TITLE = "Move config from Olive {source} to Olive {target}"


def _show(value: Any, limit: int = 120) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _VersionMigrator:
    def __init__(self, source: OliveModel, target: OliveModel):
        self.source, self.target = source, target
        self.notes: list[str] = []  # what changed
        self.unmoved: list[str] = []  # what could not be moved
        self.history = version_history()
        self.to = version_label(target.version)

    def run(self, cfg: dict) -> dict:
        self.top_level_keys(cfg)
        passes = cfg.get("passes")
        if isinstance(passes, dict):
            for name, value in passes.items():
                entries = value if isinstance(value, list) else [value]
                for index, entry in enumerate(entries):
                    if isinstance(entry, dict):
                        self.one_pass(entry, f"passes.{name}" + (f"[{index}]" if isinstance(value, list) else ""))
        return cfg

    # --- keys of the run config and the engine ------------------------------------------------------------

    def top_level_keys(self, cfg: dict) -> None:
        target_keys = set(self.target.section_keys["run_config"]) | set(self.target.section_keys["engine"])
        source_keys = set(self.source.section_keys["run_config"]) | set(self.source.section_keys["engine"])
        holders = [(cfg, "")]
        if isinstance(cfg.get("engine"), dict):
            holders.append((cfg["engine"], "engine."))
        for holder, prefix in holders:
            for key in list(holder):
                if key in target_keys or key not in source_keys or not target_keys:
                    continue
                if prefix == "" and key == "engine":
                    continue
                why = legacy_tables.REMOVED_ENGINE_KEYS.get(key, (f"{self.to} has no such key", False))[0]
                self.notes.append(f"Removed {prefix}{key} {_show(holder.pop(key))}: {why}.")

    # --- passes -------------------------------------------------------------------------------------------

    def one_pass(self, entry: dict, where: str) -> None:
        type_name = entry.get("type")
        if not isinstance(type_name, str):
            return
        spec = self.target.pass_spec(type_name)
        if spec is None:
            renamed = legacy_tables.RENAMED_PASSES.get(type_name.rsplit(".", 1)[-1].lower())
            new = self.target.pass_spec(renamed[0]) if renamed else None
            if new is None:
                found = self.history.pass_versions(type_name)
                when = f"; it exists in {version_label(found[0])}" + (f" to {found[-1]}" if found[-1] != found[0] else "") if found else ""
                self.unmoved.append(f"{where}: {self.to} has no pass {type_name}{when}. Kept as it is: replace it by hand.")
                return
            entry["type"] = new.name
            self.notes.append(f"{where}: pass {type_name} is {new.name} in {self.to} ({renamed[1]}).")
            spec = new
        known = set(spec.parameters)
        declared = set(PASS_DECLARED_KEYS) | set(self.target.section_keys["pass_config"]) | set(self.source.section_keys["pass_config"])
        nested = entry.get("config") if isinstance(entry.get("config"), dict) else None
        for holder, skip in ((entry, declared), (nested, set())):
            if holder is None:
                continue
            for key in [k for k in holder if k not in skip and k not in known]:
                self.parameter(holder, key, spec.name, where)

    def parameter(self, holder: dict, key: str, pass_name: str, where: str) -> None:
        change = parameter_change(pass_name, key)
        if change is not None:
            release, replacement, instead = change
            if replacement and replacement not in holder:
                holder[replacement] = holder.pop(key)
                self.notes.append(f"{where}.{key} is {replacement} from {version_label(release)}.")
                return
            self.unmoved.append(f"{where}.{key}: {instead}. Kept as it is; {self.to} ignores it.")
            return
        found = self.history.parameter_versions(pass_name, key)
        if found:
            when = f" (it is a parameter of {pass_name} in {version_label(found[0])}" + (f" to {found[-1]}" if found[-1] != found[0] else "") + ")"
        else:
            when = ""
        self.notes.append(f"Removed {where}.{key} {_show(holder.pop(key))}: {pass_name} has no such parameter in {self.to}{when}.")


def plan_version_migration(doc: "ParsedDocument", source: "Catalog", target: "Catalog") -> MigrationResult:
    """The config moved from `source`'s Olive to `target`'s, as edits that keep formatting, with notes: what
    changed first, then what could not be moved (prefixed "Could not move:")."""
    if doc.root is None or not doc.root.is_object:
        return MigrationResult(doc.text)
    if any(p.kind == syntax.SYNTAX_ERROR for p in doc.problems):
        return MigrationResult(doc.text, ["The config has syntax errors: fix them before migrating."])
    old = doc.root.to_python()
    migrator = _VersionMigrator(olive_model(source), olive_model(target))
    new = migrator.run(copy.deepcopy(old))
    notes = migrator.notes + [f"Could not move: {text}" for text in migrator.unmoved]
    if same(old, new):
        return MigrationResult(doc.text, notes)
    return rewrite_as(doc, new, notes)


def title(source: "Catalog", target: "Catalog") -> str:
    return TITLE.format(source=source.version, target=target.version)
