"""Migrate an old-format Olive workflow config to the form Olive 0.13.0 accepts.

`migrate_config` rewrites the config as Python data, one old form at a time (facts §3.3, §3.4, §5 A):

- `input_model`: PyTorchModel/HfModel with `hf_config` {model_name, task, from_pretrained_args,
  model_loading_args} (or those keys flat) becomes HfModel with model_path, task and load_kwargs; the model's
  other keys stay, those HfModel does not take are dropped with a note.
- `engine.execution_providers` moves into the target system's accelerators; with no target, a LocalSystem is
  created and host/target point at it. String accelerators (`["cpu"]`) become `{device, execution_providers}`.
  Olive 0.13.0 takes one accelerator and one EP per system: extra ones are dropped with a note.
- `search_strategy`: search_algorithm -> sampler (exhaustive -> sequential), search_algorithm_config and
  num_samples -> flat sampler options (max_samples, seed...); execution_order, the evaluator and the rest stay.
- Removed keys (`$schema`, azureml_client, auto_optimizer_config, workflow_host, pass_flows, data_root) and the
  AzureML/IsolatedORT system types (now LocalSystem) go, each with a note saying what was dropped.
- Renamed passes (OrtPerfTuning -> OrtSessionParamsTuning, GenAIModelExporter -> ModelBuilder), and the old
  pass-level keys disable_search, clean_run_cache and output_name.
- A latency or throughput metric of an LLM with no data config gets a TransformersTokenDummyDataContainer data
  config (facts §5 #23): without one Olive cannot make inputs for a model whose input shapes are not static.

`plan_migration` then turns the new data into the few text edits that differ (see document/edits.py), so
unchanged parts keep their formatting and comments, in JSON and YAML alike. The result is parsed again and
compared with the new data; if that ever fails, the document is written out whole instead (and a note says so).
Migrating a migrated config changes nothing.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from olive_ls.document import syntax
from olive_ls.document.edits import Edit, EditError, Editor, apply_edits, dump_yaml, json_value, same
from olive_ls.document.parse import parse_document
from olive_ls.model.olive import olive_model
from olive_ls.model import legacy as legacy_tables
from olive_ls.rules import references

if TYPE_CHECKING:
    from olive_ls.catalog import Catalog
    from olive_ls.document.parse import ParsedDocument

TITLE = "Migrate config to Olive {version}"

# The legacy rules (OLV2xx) name the old forms; the migration rewrites exactly those, from the same tables.
SCHEMA_KEY_NOTE = "Olive 0.13.0 rejects it ('engine.$schema  Extra inputs are not permitted'); olive-ls checks the file against the schema itself"
REMOVED_KEYS = {"$schema": SCHEMA_KEY_NOTE, **{key: note for key, (note, _deletable) in legacy_tables.REMOVED_ENGINE_KEYS.items()}}
OLD_MODEL_KEYS = tuple(legacy_tables.OLD_MODEL_KEYS)
OLD_SEARCH_KEYS = tuple(legacy_tables.OLD_SEARCH_KEYS)
OLD_ALGORITHMS = legacy_tables.OLD_SAMPLERS
LOADERLESS_FORMATS = legacy_tables.LOADERLESS_FORMATS
DUMMY_DATA_CONFIG = references.DUMMY_DATA_CONFIG
DATA_METRICS = ("latency", "throughput")
# The device an execution provider usually runs on, for accelerators built from an EP alone.
EP_DEVICE = {
    "CPUExecutionProvider": "cpu",
    "OpenVINOExecutionProvider": "cpu",
    "QNNExecutionProvider": "npu",
    "VitisAIExecutionProvider": "npu",
}
DEFAULT_EP = legacy_tables.DEFAULT_EP
WEIGHT_FILE_SUFFIXES = (".pt", ".pth", ".bin", ".ckpt", ".pkl", ".onnx")


def _show(value: Any, limit: int = 160) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _with_replaced(d: dict, old_keys: tuple[str, ...] | list[str], items: dict) -> dict:
    """d without old_keys, with items placed where the first of them was (keys already in d are updated in place)."""
    out: dict = {}
    placed = False
    for key, value in d.items():
        if key in old_keys:
            if not placed:
                for k, v in items.items():
                    if k not in d or k in old_keys:
                        out[k] = v
                placed = True
            continue
        out[key] = items[key] if key in items else value
    if not placed:
        for k, v in items.items():
            out.setdefault(k, v)
    return out


def _with_inserted(d: dict, after: tuple[str, ...], items: dict) -> dict:
    """d with items inserted after the last of `after` present in d (at the end when none is)."""
    anchor = next((k for k in reversed(list(d)) if k in after), None)
    if anchor is None:
        return {**d, **items}
    out: dict = {}
    for key, value in d.items():
        out[key] = value
        if key == anchor:
            out.update(items)
    return out


def _lower(value: Any) -> str:
    return value.lower() if isinstance(value, str) else ""


class _Migrator:
    def __init__(self, catalog: "Catalog"):
        self.catalog = catalog
        self.model = olive_model(catalog)
        self.notes: list[str] = []
        self.legacy = False

    def note(self, text: str, legacy: bool = True) -> None:
        self.notes.append(text)
        self.legacy = self.legacy or legacy

    # --- engine settings: under `engine`, or at the top level (RunConfig flattens them into engine) ----------

    def engine_holders(self, cfg: dict) -> list[dict]:
        engine = cfg.get("engine")
        return [engine, cfg] if isinstance(engine, dict) else [cfg]

    def engine_get(self, cfg: dict, key: str) -> Any:
        for holder in self.engine_holders(cfg):
            if key in holder:
                return holder[key]
        return None

    def engine_set(self, cfg: dict, key: str, value: Any) -> None:
        holders = self.engine_holders(cfg)
        holder = next((h for h in holders if key in h), None)
        if holder is None:
            # Next to the other engine settings: where host/target/evaluator already are, else under engine.
            holder = next((h for h in holders if any(k in h for k in ("host", "target", "evaluator", "search_strategy"))), holders[0])
        holder[key] = value

    # --- the steps ---------------------------------------------------------------------------------------------

    def run(self, cfg: dict) -> dict:
        cfg = self.removed_keys(cfg)
        eps = self.pop_engine_eps(cfg)
        self.input_model(cfg)
        target = self.target_system(cfg, eps)
        self.systems(cfg, eps, target)
        self.search_strategy(cfg)
        self.passes(cfg)
        cfg = self.llm_data_config(cfg)
        return cfg

    def removed_keys(self, cfg: dict) -> dict:
        for holder in self.engine_holders(cfg):
            for key, why in REMOVED_KEYS.items():
                if key in holder:
                    value = holder.pop(key)
                    self.note(f"Removed '{key}': {why}. It was: {_show(value)}")
        return cfg

    def pop_engine_eps(self, cfg: dict) -> list[str]:
        eps: list[str] = []
        for holder in self.engine_holders(cfg):
            if "execution_providers" in holder:
                value = holder.pop("execution_providers")
                found = [value] if isinstance(value, str) else [v[0] if isinstance(v, list) and v else v for v in value or []]
                eps = eps or [e for e in found if isinstance(e, str)]
                self.note(f"Moved engine.execution_providers {_show(value)} into the target system's accelerators (Olive 0.6.0 removed it).")
        return eps

    def input_model(self, cfg: dict) -> None:
        model = cfg.get("input_model")
        if not isinstance(model, dict) or _lower(model.get("type")) not in ("pytorchmodel", "hfmodel"):
            return
        nested = model.get("config") if isinstance(model.get("config"), dict) else None
        has_old = any(key in model for key in OLD_MODEL_KEYS) or (nested is not None and any(key in nested for key in OLD_MODEL_KEYS))
        looks_hf = not has_old and _lower(model.get("type")) == "pytorchmodel" and self.loads_as_hf({**model, **(nested or {})})
        if not has_old and not looks_hf:
            return
        old_type = model.get("type")
        if nested is not None:
            model["config"] = self.hf_holder(nested, "input_model.config")
        if any(key in model for key in OLD_MODEL_KEYS):
            flat = self.hf_holder(model, "input_model")
            model.clear()
            model.update(flat)
        model["type"] = "HfModel"
        accepted = set(self.model.model_types["HfModel"].keys) if "HfModel" in self.model.model_types else set()
        holders = [(model, "input_model", ("type", "config")), (model.get("config"), "input_model.config", ())]
        for holder, where, skip in holders:
            if not isinstance(holder, dict) or not accepted:
                continue
            for key in [k for k in holder if k not in skip and k not in accepted]:
                self.note(f"Removed {where}.{key} {_show(holder.pop(key))}: HfModel does not take it.")
        nested = model.get("config") if isinstance(model.get("config"), dict) else {}
        path = nested.get("model_path", model.get("model_path"))
        how = "with hf_config" if has_old else "without a model_loader"
        self.note(f"input_model: {old_type} {how} is now HfModel" + (f" with model_path {_show(path)}" if path else "") + " (Olive 0.7.0).")

    @staticmethod
    def loads_as_hf(params: dict) -> bool:
        """A PyTorchModel that older Olive loaded as a Hugging Face model: no loader, a hub id or model folder."""
        if "model_loader" in params or _lower(params.get("model_file_format")) in LOADERLESS_FORMATS:
            return False
        path = params.get("model_path")
        return isinstance(path, str) and bool(path) and not path.lower().endswith(WEIGHT_FILE_SUFFIXES)

    def hf_holder(self, holder: dict, where: str) -> dict:
        hf = holder.get("hf_config")
        if "hf_config" in holder and not isinstance(hf, dict):
            self.note(f"Removed {where}.hf_config {_show(hf)}: not an object.")
        hf = hf if isinstance(hf, dict) else {}
        model_name = hf.get("model_name", holder.get("model_name"))
        load: dict = dict(holder["load_kwargs"]) if isinstance(holder.get("load_kwargs"), dict) else {}
        for source in (hf.get("from_pretrained_args"), hf.get("model_loading_args"), holder.get("from_pretrained_args"), holder.get("model_loading_args")):
            if isinstance(source, dict):
                for key, value in source.items():
                    load.setdefault(key, value)
        items: dict = {}
        if model_name is not None:
            if "model_path" not in holder:
                items["model_path"] = model_name
            elif holder["model_path"] != model_name:
                self.note(f"Kept {where}.model_path {_show(holder['model_path'])}; hf_config.model_name {_show(model_name)} was dropped.")
        if hf.get("task") is not None and "task" not in holder:
            items["task"] = hf["task"]
        if load:
            items["load_kwargs"] = load
        for key, value in hf.items():
            if key not in ("model_name", "task", "from_pretrained_args", "model_loading_args"):
                self.note(f"Removed {where}.hf_config.{key} {_show(value)}: HfModel has no such setting.")
        return _with_replaced(holder, [k for k in OLD_MODEL_KEYS if k in holder], items)

    def target_system(self, cfg: dict, eps: list[str]) -> str | dict | None:
        """The system the engine EPs belong to: the engine target (created when there is none and EPs exist)."""
        target = self.engine_get(cfg, "target")
        if not eps or target is not None:
            return target
        systems = cfg.get("systems") if isinstance(cfg.get("systems"), dict) else {}
        name = "local_system"
        counter = 2
        while name in systems:
            name = f"local_system_{counter}"
            counter += 1
        nested = any(isinstance(s, dict) and isinstance(s.get("config"), dict) for s in systems.values())
        system: dict = {"type": "LocalSystem"}
        if nested:
            system["config"] = {}
        if isinstance(cfg.get("systems"), dict):
            cfg["systems"] = {**systems, name: system}
        else:
            reordered = _with_inserted({k: v for k, v in cfg.items() if k != "systems"}, ("input_model",), {"systems": {name: system}})
            cfg.clear()
            cfg.update(reordered)
        self.engine_set(cfg, "target", name)
        if self.engine_get(cfg, "host") is None:
            self.engine_set(cfg, "host", name)
        self.note(f"Added LocalSystem '{name}' for the execution providers and made it the engine's host and target.")
        return name

    def systems(self, cfg: dict, eps: list[str], target: str | dict | None) -> None:
        systems = cfg.get("systems") if isinstance(cfg.get("systems"), dict) else {}
        entries = [(name, system) for name, system in systems.items() if isinstance(system, dict)]
        if isinstance(target, dict):
            entries.append(("engine.target", target))
        system_types = self.model.system_types
        for name, system in entries:
            holder = system["config"] if isinstance(system.get("config"), dict) else system
            removed = legacy_tables.REMOVED_SYSTEMS.get(_lower(system.get("type")))
            if removed:
                label, replacement = removed
                # IsolatedORT's settings are PythonEnvironment's; without a python_environment_path it runs locally.
                if replacement is None or "python_environment_path" not in holder and "python_environment_path" not in system:
                    replacement = "LocalSystem"
                system["type"] = replacement
                keys = set(system_types[replacement].keys) if replacement in system_types else {"accelerators", "hf_token"}
                dropped = {}
                for owner in {id(holder): holder, id(system): system}.values():
                    for key in [k for k in owner if k not in keys and k not in ("type", "config")]:
                        dropped[key] = owner.pop(key)
                self.note(
                    f"systems.{name}: {label} systems were removed in Olive 0.9.3; it is now a {replacement}"
                    + (f" (dropped {_show(dropped)})." if dropped else ".")
                )
            is_target = name == target or (name == "engine.target" and isinstance(target, dict))
            self.accelerators(name, holder, eps if is_target else [])

    def accelerators(self, name: str, holder: dict, eps: list[str]) -> None:
        accelerators = holder.get("accelerators")
        if not isinstance(accelerators, list) or not accelerators:
            if eps:
                holder["accelerators"] = [{"device": self.device_for(eps[0]), "execution_providers": [eps[0]]}]
                self.note_extra_eps(name, eps, eps[0])
            return
        converted = []
        from_strings = False
        for item in accelerators:
            if isinstance(item, str):
                converted.append({"device": item.lower()})
                from_strings = True
            else:
                converted.append(item)
        if from_strings:
            self.note(f"systems.{name}.accelerators: {_show(accelerators)} became objects {{device, execution_providers}} (Olive 0.6.0).")
        if (from_strings or eps) and len(converted) > 1:
            self.note(f"systems.{name}: Olive 0.13.0 takes one accelerator per system; kept {_show(converted[0])}, dropped {_show(converted[1:])}.")
            converted = converted[:1]
        for index, item in enumerate(converted):
            if not isinstance(item, dict) or item.get("execution_providers"):
                if eps and isinstance(item, dict):
                    self.note(f"systems.{name} already lists execution providers; engine.execution_providers {_show(eps)} were not added.")
                continue
            device = _lower(item.get("device")) or None
            chosen = None
            if eps:
                fits = [ep for ep in eps if device is None or ep in self.model.providers_for(device)]
                chosen = fits[0] if fits else None
                if chosen:
                    self.note_extra_eps(name, eps, chosen)
                else:
                    self.note(f"systems.{name}: none of {_show(eps)} runs on device '{device}'; set the accelerator's execution_providers.")
            elif from_strings:
                chosen = DEFAULT_EP.get(device or "")
                if chosen is None:
                    self.note(f"systems.{name}: device '{device}' needs an execution provider; add one to its accelerator.")
            if chosen:
                converted[index] = _with_inserted(item, ("device",), {"execution_providers": [chosen]})
        holder["accelerators"] = converted

    def note_extra_eps(self, name: str, eps: list[str], kept: str) -> None:
        dropped = [ep for ep in eps if ep != kept]
        if dropped:
            self.note(f"systems.{name}: Olive 0.13.0 takes one execution provider per accelerator; kept {kept}, dropped {_show(dropped)}.")

    def device_for(self, ep: str) -> str:
        if ep in EP_DEVICE:
            return EP_DEVICE[ep]
        for device in self.model.devices_for(ep)[:1]:
            return device
        return "cpu"

    def search_strategy(self, cfg: dict) -> None:
        for holder in self.engine_holders(cfg):
            strategy = holder.get("search_strategy")
            if not isinstance(strategy, dict):
                continue
            nested = strategy.get("sampler_config") if isinstance(strategy.get("sampler_config"), dict) else {}
            sampler = strategy.get("sampler")
            if isinstance(sampler, str) and sampler.lower() in OLD_ALGORITHMS:
                strategy["sampler"] = OLD_ALGORITHMS[sampler.lower()]
                self.note(f"search_strategy: sampler '{sampler}' is now '{strategy['sampler']}' (Olive 0.8.0).")
            if not any(key in strategy for key in OLD_SEARCH_KEYS) and "num_samples" not in nested:
                continue
            holder["search_strategy"] = self.new_strategy(strategy)
            return

    def new_strategy(self, strategy: dict) -> dict:
        algorithm = strategy.get("search_algorithm")
        sampler = strategy.get("sampler")
        if sampler is None:
            if isinstance(algorithm, str):
                sampler = OLD_ALGORITHMS.get(algorithm.lower(), algorithm.lower())
            else:
                sampler = "sequential"
                self.note("search_strategy had no search_algorithm; it now uses the sequential sampler (exhaustive search).")
        elif algorithm is not None:
            self.note(f"Removed search_strategy.search_algorithm {_show(algorithm)}: sampler {_show(sampler)} is already set.")
        raw = strategy.get("search_algorithm_config")
        options = dict(raw) if isinstance(raw, dict) else {}
        if raw is not None and not isinstance(raw, dict):
            self.note(f"Removed search_strategy.search_algorithm_config {_show(raw)}: not an object.")
        if "num_samples" in strategy:
            options.setdefault("num_samples", strategy["num_samples"])
        options = self.sampler_options(options, sampler)
        out: dict = {}
        for key, value in strategy.items():
            if key in ("search_algorithm", "sampler"):
                out.setdefault("sampler", sampler)
            elif key in ("search_algorithm_config", "num_samples"):
                for k, v in options.items():
                    out.setdefault(k, v)
            elif key == "sampler_config" and isinstance(value, dict):
                out[key] = self.sampler_options(dict(value), sampler)
            else:
                out[key] = value  # options written in the new form win over converted old ones
        if "sampler" not in out:
            out = _with_inserted(out, ("execution_order",), {"sampler": sampler})
        shown = f"search_algorithm {_show(algorithm)}" if algorithm is not None else "the search options"
        self.note(f"search_strategy: {shown} is now sampler '{sampler}'" + (f" with {_show(options)}" if options else "") + " (Olive 0.8.0).")
        return out

    def sampler_options(self, options: dict, sampler: str) -> dict:
        if "num_samples" in options and "max_samples" in options:
            self.note(f"Removed search option num_samples {_show(options.pop('num_samples'))}: max_samples is already set.")
        elif "num_samples" in options:
            options = _with_replaced(options, ["num_samples"], {"max_samples": options["num_samples"]})
        known = set(self.model.samplers[sampler].keys) if sampler in self.model.samplers else set()
        for key in [k for k in options if known and k not in known]:
            self.note(f"Removed search option {key} {_show(options.pop(key))}: the {sampler} sampler has no such option.")
        return options

    def passes(self, cfg: dict) -> None:
        passes = cfg.get("passes")
        if not isinstance(passes, dict):
            return
        for name, value in passes.items():
            for index, entry in enumerate(value if isinstance(value, list) else [value]):
                if isinstance(entry, dict):
                    where = f"passes.{name}" + (f"[{index}]" if isinstance(value, list) else "")
                    self.one_pass(entry, where)

    def one_pass(self, entry: dict, where: str) -> None:
        nested = entry.get("config") if isinstance(entry.get("config"), dict) else None
        type_name = _lower(entry.get("type")).rsplit(".", 1)[-1]
        renamed = legacy_tables.RENAMED_PASSES.get(type_name)
        new_type = renamed[0] if renamed else self.model.canonical_pass_name(type_name)
        spec = self.model.passes.get(new_type) if new_type else None
        known = set(spec.parameters) if spec is not None else set()
        for holder in (entry, nested):
            if holder is None:
                continue
            for key, instead in legacy_tables.OLD_PASS_KEYS.items():
                if key in holder and key not in known:
                    self.note(f"Removed {where}.{key} {_show(holder.pop(key))}: Olive 0.13.0 ignores it; {instead}.")
        if not renamed:
            return
        old_type = entry["type"]
        entry["type"] = new_type
        self.note(f"{where}: pass {old_type} is now {new_type} ({renamed[1]}).")
        for holder, skip in ((entry, ("type", "config", "host", "evaluator")), (nested, ())):
            if holder is None or not known:
                continue
            for key in [k for k in holder if k not in skip and k not in known]:
                self.note(f"Removed {where}.{key} {_show(holder.pop(key))}: {new_type} has no such parameter.")

    def llm_data_config(self, cfg: dict) -> dict:
        """Latency/throughput of an LLM need input data: give such metrics a dummy token data config."""
        if not self.is_llm(cfg.get("input_model")):
            return cfg
        metrics = []
        evaluators = cfg.get("evaluators")
        owners = [(f"evaluators.{k}", v) for k, v in evaluators.items()] if isinstance(evaluators, dict) else []
        evaluator = self.engine_get(cfg, "evaluator")
        if isinstance(evaluator, dict):
            owners.append(("engine.evaluator", evaluator))
        for where, owner in owners:
            if isinstance(owner, dict) and isinstance(owner.get("metrics"), list):
                for metric in owner["metrics"]:
                    if isinstance(metric, dict) and _lower(metric.get("type")) in DATA_METRICS and not metric.get("data_config"):
                        metrics.append((where, metric))
        if not metrics:
            return cfg
        data_configs = cfg.get("data_configs")
        if data_configs is not None and not isinstance(data_configs, list):
            return cfg
        data_configs = data_configs or []
        container = DUMMY_DATA_CONFIG["type"]
        dummies = [d.get("name") for d in data_configs if isinstance(d, dict) and _lower(d.get("type")) == container.lower()]
        name = next((n for n in dummies if isinstance(n, str) and n), None)
        if name is None:
            names = {d.get("name") for d in data_configs if isinstance(d, dict)}
            base = name = DUMMY_DATA_CONFIG["name"]
            counter = 2
            while name in names:
                name, counter = f"{base}_{counter}", counter + 1
            data_configs = data_configs + [dict(DUMMY_DATA_CONFIG, name=name)]
            if "data_configs" in cfg:
                cfg["data_configs"] = data_configs
            else:
                cfg = _with_inserted(cfg, ("input_model", "systems"), {"data_configs": data_configs})
        for where, metric in metrics:
            metric["data_config"] = name
            self.note(
                f"{where}: metric '{metric.get('name')}' uses data config '{name}' ({container}): an LLM's "
                f"{metric.get('type')} needs input data, its input shapes are not static.",
                legacy=False,
            )
        return cfg

    @staticmethod
    def is_llm(model: Any) -> bool:
        if not isinstance(model, dict) or _lower(model.get("type")) != "hfmodel":
            return False
        nested = model.get("config") if isinstance(model.get("config"), dict) else {}
        task = nested.get("task", model.get("task", "text-generation-with-past"))
        return _lower(task).startswith("text-generation")


def migrate_config(config: dict, catalog: "Catalog") -> tuple[dict, list[str], bool]:
    """The migrated config (a new dict), notes on what changed or was dropped, and whether old forms were found."""
    migrator = _Migrator(catalog)
    new = migrator.run(copy.deepcopy(config))
    return new, migrator.notes, migrator.legacy


@dataclass
class MigrationResult:
    text: str
    notes: list[str] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)  # against the original document; empty when nothing changes
    legacy: bool = False  # old-format forms were found (not only a data config added)
    rewritten: bool = False  # the document was written out whole, not patched

    @property
    def changed(self) -> bool:
        return bool(self.edits)


def plan_migration(doc: "ParsedDocument", catalog: "Catalog") -> MigrationResult:
    if doc.root is None or not doc.root.is_object:
        return MigrationResult(doc.text)
    if any(p.kind == syntax.SYNTAX_ERROR for p in doc.problems):
        return MigrationResult(doc.text, ["The config has syntax errors: fix them before migrating."])
    old = doc.root.to_python()
    new, notes, legacy = migrate_config(old, catalog)
    if same(old, new):
        return MigrationResult(doc.text)
    return rewrite_as(doc, new, notes, legacy=legacy)


def rewrite_as(doc: "ParsedDocument", new: Any, notes: list[str], legacy: bool = False) -> MigrationResult:
    """The document changed into `new` with edits that keep its formatting; written out whole (and said in a note)
    when a patch would not read back as `new`. Shared by the old-format and the between-releases migrations."""
    editor = Editor(doc)
    try:
        edits = editor.diff(doc.root, new)
        text = apply_edits(doc.index.data, edits)
        ok = _reads_as(text, doc.language, new)
    except EditError:
        ok = False
    rewritten = False
    if not ok:
        edits = [Edit(doc.root.start, doc.root.end, _render_whole(editor, new))]
        text = apply_edits(doc.index.data, edits)
        rewritten = True
        notes.append("The config was written out whole: formatting and comments inside it were not kept.")
    else:
        lost = _comments_removed(doc, editor, edits)
        if lost:
            notes.append(f"{lost} comment(s) inside rewritten parts were not kept.")
    return MigrationResult(text, notes, edits, legacy, rewritten)


def migrate(doc: "ParsedDocument", catalog: "Catalog") -> tuple[str, list[str]]:
    """The migrated text and notes on what changed or was dropped. An up-to-date config comes back unchanged."""
    result = plan_migration(doc, catalog)
    return result.text, result.notes


def title(catalog: "Catalog") -> str:
    return TITLE.format(version=catalog.version)


def _reads_as(text: str, language: str, expected: dict) -> bool:
    reparsed = parse_document(text, language)
    if any(p.kind == syntax.SYNTAX_ERROR for p in reparsed.problems) or reparsed.root is None:
        return False
    return same(reparsed.root.to_python(), expected)


def _render_whole(editor: Editor, value: dict) -> str:
    if editor.yaml:
        return dump_yaml(value, editor.unit, editor.seq_indent).rstrip("\n")
    return json_value(value, editor.unit if editor.multiline else None)


_YAML_COMMENT = re.compile(rb"(^|[ \t])#", re.MULTILINE)


def _comments_removed(doc: "ParsedDocument", editor: Editor, edits: list[Edit]) -> int:
    spans = [(e.start, e.end) for e in edits if e.end > e.start]
    if not editor.yaml:
        comments = [p for p in doc.problems if p.kind == syntax.JSON_COMMENT]
        return sum(1 for p in comments if any(s <= p.start and p.end <= e for s, e in spans))
    return sum(len(_YAML_COMMENT.findall(editor.data[s:e])) for s, e in spans)
