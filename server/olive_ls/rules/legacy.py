"""Legacy rules (OLV2xx): config forms from older Olive releases that Olive 0.13.0 rejects, ignores or crashes on.

Each finding says what 0.13.0 does with the old form, quoting its message, and how the current form looks.
Version facts: olive-0.13-facts.md §3.3/§3.4 and the microsoft/Olive PRs named in the messages. Findings carry the
whole-document migration as their fix unless a local fix is clear (a rename, a removal).
"""

from __future__ import annotations

import json

from olive_ls.document.nodes import Node, Property
from olive_ls.rules.registry import ERROR, WARNING, Finding, RuleContext, rule
from olive_ls.rules.targets import iter_systems
from olive_ls.model.legacy import (
    DEFAULT_EP,
    LOADERLESS_FORMATS,
    OLD_MODEL_KEYS,
    OLD_PASS_KEYS,
    OLD_SAMPLERS,
    OLD_SEARCH_KEYS,
    REMOVED_ENGINE_KEYS,
    REMOVED_PASSES,
    REMOVED_SYSTEMS,
    RENAMED_PASSES,
)

MIGRATE = {"title": "Migrate config to Olive 0.13.0", "migrate": True}

def _key_exists(ctx: RuleContext, key: str) -> bool:
    """Whether the Olive the config is checked as has this top-level or engine key (its catalog says)."""
    keys = ctx.model.section_keys
    return key in keys.get("run_config", {}) or key in keys.get("engine", {})


def _str(node: Node | None) -> str | None:
    return node.value if node is not None and node.kind == "string" else None


def _python(node: Node | None):
    try:
        return node.to_python() if node is not None else None
    except Exception:  # noqa: BLE001 - half-typed trees
        return None


def _model_suggestion(view) -> str:
    """The current model form built from the old keys' values, as compact JSON."""
    params = view.input_model.params if view.input_model else {}
    hf_config = _python(params["hf_config"].value) if "hf_config" in params else None
    hf_config = hf_config if isinstance(hf_config, dict) else {}
    path = hf_config.get("model_name") or _python(params["model_name"].value if "model_name" in params else None)
    path = path or _python(params["model_path"].value if "model_path" in params else None)
    suggestion: dict = {"type": "HfModel", "model_path": path if isinstance(path, str) else "<hub id or folder>"}
    task = hf_config.get("task") or _python(params["task"].value if "task" in params else None)
    if isinstance(task, str):
        suggestion["task"] = task
    load_kwargs = hf_config.get("from_pretrained_args") or hf_config.get("model_loading_args")
    for key in ("from_pretrained_args", "model_loading_args"):
        if key in params:
            load_kwargs = _python(params[key].value) or load_kwargs
    if isinstance(load_kwargs, dict) and load_kwargs:
        suggestion["load_kwargs"] = load_kwargs
    return json.dumps(suggestion)


@rule("OLV201", "old-model-form", "An input model in a pre-0.7 form (hf_config, model_name, ... or PyTorchModel for an HF model).", ERROR)
def old_model_form(ctx: RuleContext):
    model = ctx.view.input_model
    if model is None:
        return
    type_name = model.type_name
    model_types = ctx.model.model_types
    canonical = next((name for name in model_types if isinstance(type_name, str) and name.lower() == type_name.lower()), None)
    info = model_types.get(canonical) if canonical else None
    config_keys = set(info.keys) if info else set()
    handler = info.handler if info and info.info.get("handler") else f"{canonical or type_name or 'model'}Handler"
    flagged = False
    for key, new in OLD_MODEL_KEYS.items():
        prop = model.params.get(key)
        if prop is None or key in config_keys:
            continue
        flagged = True
        if key == "hf_config" or canonical not in ("HfModel", None):
            fix = MIGRATE
        else:
            fix = {"title": f"Rename to '{new}'", "replace_key": [new]}
        yield Finding.at(
            prop,
            f"'{key}' belongs to the model form of Olive before 0.7.0 (HfModel came with PR #1239). Olive 0.13.0 accepts the "
            f"config, then crashes when the first pass creates the model: `TypeError: {handler}.__init__() got an unexpected "
            f"keyword argument '{key}'`. Write the model as {_model_suggestion(ctx.view)} ('{key}' becomes {new}).",
            fix=fix,
        )
    if flagged or canonical != "PyTorchModel" or model.type_node is None:
        return
    if "model_loader" in model.params:
        return
    fmt = _python(model.params["model_file_format"].value) if "model_file_format" in model.params else None
    if isinstance(fmt, str) and fmt.lower() in LOADERLESS_FORMATS:
        return
    path = _python(model.params["model_path"].value) if "model_path" in model.params else None
    looks_hf = isinstance(path, str) and not path.lower().endswith((".pt", ".pth", ".bin", ".ckpt", ".pkl", ".onnx"))
    hint = (
        f" For a Hugging Face model ({path!r} looks like a hub id or a model folder) use {_model_suggestion(ctx.view)}."
        if looks_hf
        else " Add model_loader (a function in model_script) or use HfModel for a Hugging Face model."
    )
    yield Finding.at(
        model.type_node,
        "PyTorchModel needs a model_loader in Olive 0.13.0; older releases loaded Hugging Face models through it. "
        "Olive accepts the config, then fails when it creates the model: `model_loader is required for "
        "PyTorchModelHandler. Either provide a callable model_loader, or specify model_script with a model_loader function "
        "name.`" + hint,
        fix={"title": "Replace with", "replace_value": ["HfModel"]} if looks_hf else MIGRATE,
    )


def _search_strategy(view) -> Node | None:
    prop = view.engine_params.get("search_strategy")
    return prop.value if prop is not None and prop.value is not None and prop.value.is_object else None


@rule("OLV202", "old-search-keys", "search_algorithm / search_algorithm_config / num_samples: renamed to sampler / sampler_config / max_samples.", ERROR)
def old_search_keys(ctx: RuleContext):
    strategy = _search_strategy(ctx.view)
    if strategy is None:
        return
    has_sampler = strategy.prop("sampler") is not None
    config = strategy.get("search_algorithm_config")
    props: list[Property] = list(strategy.properties)
    if config is not None and config.is_object:
        props += [p for p in config.properties if p.key == "num_samples"]
    for prop in props:
        new = OLD_SEARCH_KEYS.get(prop.key)
        if new is None or prop.key in ctx.model.section_keys.get("search_strategy", {}):
            continue  # not an old key, or the Olive the config is checked as still has it
        if has_sampler:
            if prop.key == "search_algorithm":
                effect = "is ignored: Olive uses 'sampler'"
            elif prop.key == "search_algorithm_config":
                effect = "is ignored, so the sampler runs with its defaults (max_samples 0: an exhaustive search)"
            else:
                effect = "is ignored, so max_samples stays 0 and the search is exhaustive"
            yield Finding.at(
                prop,
                f"'{prop.key}' is the pre-0.8.0 name of '{new}' (PR #1562). Next to 'sampler' it {effect}; Olive 0.13.0 only "
                f"logs `Keys {{'{prop.key}'}} are not part of ...SamplerConfig. Ignoring them.`",
                severity=WARNING,
                fix={"title": f"Rename to '{new}'", "replace_key": [new]},
            )
        else:
            yield Finding.at(
                prop,
                f"'{prop.key}' was renamed to '{new}' in Olive 0.8.0 (PR #1562). Olive 0.13.0 files it under sampler_config, "
                "finds no sampler and fails before anything else with a bare `KeyError: None` "
                f"(search_strategy.py:63). Use 'sampler' (tpe, random or sequential), 'sampler_config' and 'max_samples'.",
                fix={"title": f"Rename to '{new}'", "replace_key": [new]},
            )
    # `"sampler": "exhaustive"` and a strategy without any sampler are OLV511's (references).
    for key in ("search_algorithm",):
        value_node = strategy.get(key)
        old = _str(value_node)
        if old is not None and old.lower() in OLD_SAMPLERS:
            new_value = OLD_SAMPLERS[old.lower()]
            yield Finding.at(
                value_node,
                f"The '{old}' search algorithm is the sampler '{new_value}' since Olive 0.8.0 (PR #1562); as a sampler Olive "
                f"0.13.0 rejects it with `Unknown sampler: {old}`.",
                fix={"title": f"Replace with '{new_value}'", "replace_value": [new_value]},
            )


@rule("OLV203", "engine-execution-providers", "engine.execution_providers: EPs belong to systems.*.accelerators since Olive 0.6.0.", ERROR)
def engine_execution_providers(ctx: RuleContext):
    prop = ctx.view.engine_params.get("execution_providers")
    if prop is None:
        return
    eps = _python(prop.value)
    ep = eps[0] if isinstance(eps, list) and eps and isinstance(eps[0], str) else "CPUExecutionProvider"
    yield Finding.at(
        prop,
        "'execution_providers' left the engine in Olive 0.6.0 (PR #998): Olive 0.13.0 rejects the config with "
        "`engine.execution_providers  Extra inputs are not permitted`. Give the EP on the target system instead: "
        f'"accelerators": [{{"device": "...", "execution_providers": ["{ep}"]}}].',
        fix=MIGRATE,
    )


@rule("OLV204", "string-accelerators", 'Accelerators given as strings (["cpu"]): objects since Olive 0.6.0.', ERROR)
def string_accelerators(ctx: RuleContext):
    for system in iter_systems(ctx.view):
        for item in system.accelerator_items():
            if item.kind != "string":
                continue
            device = str(item.value).lower()
            ep = DEFAULT_EP.get(device, "...ExecutionProvider")
            yield Finding.at(
                item,
                f"Accelerators are objects since Olive 0.6.0 (PR #998): Olive 0.13.0 rejects \"{item.value}\" with `Input should be "
                f'a valid dictionary or instance of AcceleratorConfig`. Write {{"device": "{device}", "execution_providers": ["{ep}"]}}.',
                fix=MIGRATE,
            )


@rule("OLV205", "removed-engine-keys", "Top-level or engine keys older Olive releases had (azureml_client, pass_flows, ...).", ERROR)
def removed_engine_keys(ctx: RuleContext):
    version = ctx.model.version
    for key, (note, deletable) in REMOVED_ENGINE_KEYS.items():
        prop = ctx.view.engine_params.get(key)
        if prop is None or _key_exists(ctx, key):
            continue  # the Olive the config is checked as still has it
        yield Finding.at(
            prop,
            f"'{key}' was {note}. Olive {version} rejects the config with `engine.{key}  Extra inputs are not permitted`"
            + (" (unknown top-level keys go into the engine config)." if prop.parent is ctx.view.root else "."),
            fix={"title": f"Remove '{key}'", "delete_property": True} if deletable else MIGRATE,
        )


@rule("OLV206", "removed-system-type", "System types AzureML and IsolatedORT, removed in Olive 0.9.3.", ERROR)
def removed_system_type(ctx: RuleContext):
    allowed = sorted(ctx.model.system_types) or ["Docker", "LocalSystem", "PythonEnvironment"]
    for system in iter_systems(ctx.view):
        type_node = system.node.get("type")
        name = _str(type_node)
        if name is None or name.lower() not in REMOVED_SYSTEMS or name.lower() in {t.lower() for t in ctx.model.system_types}:
            continue  # not an old system type, or one the Olive the config is checked as still has
        label, replacement = REMOVED_SYSTEMS[name.lower()]
        instead = (
            f" {replacement} takes the same settings (python_environment_path, environment_variables, prepend_to_path)."
            if replacement
            else " Run the workflow locally (LocalSystem) or in Docker."
        )
        yield Finding.at(
            type_node,
            f"The {label} system was removed in Olive 0.9.3: Olive {ctx.model.version} rejects the config with `type  Input should be "
            f"{', '.join(repr(a) for a in allowed[:-1])} or {allowed[-1]!r}`.{instead}",
            fix={"title": f"Replace with '{replacement}'", "replace_value": [replacement]} if replacement else MIGRATE,
        )


def legacy_pass_note(type_name: str) -> tuple[str, str | None] | None:
    """(message, replacement) for a pass type that older Olive releases had, else None. Used by OLV301 too."""
    if not isinstance(type_name, str):
        return None
    key = type_name.rsplit(".", 1)[-1].lower()
    if key in RENAMED_PASSES:
        new, when = RENAMED_PASSES[key]
        return f"'{type_name}' is the old name of {new} ({when})", new
    if key in REMOVED_PASSES:
        return f"{REMOVED_PASSES[key]} was removed from Olive before 0.13.0 and has no direct successor", None
    return None


@rule("OLV207", "renamed-pass-type", "A pass type that was renamed or removed in an earlier Olive release.", ERROR)
def renamed_pass_type(ctx: RuleContext):
    for entry in ctx.view.passes:
        name = entry.type_name
        if name is None or entry.type_node is None or ctx.model.canonical_pass_name(name):
            continue
        note = legacy_pass_note(name)
        if note is None:
            continue
        message, new = note
        yield Finding.at(
            entry.type_node,
            f"{message}. Olive 0.13.0 accepts the config, then `olive run` stops with `ValueError: Package configuration for "
            f"pass of type '{name.lower()}' not found`." + (f" Use \"{new}\"; check its parameters, some changed with it." if new else ""),
            fix={"title": f"Replace with '{new}'", "replace_value": [new]} if new else MIGRATE,
        )


@rule("OLV208", "schema-key", '"$schema" in the config: Olive rejects it as engine.$schema.', ERROR)
def schema_key(ctx: RuleContext):
    prop = ctx.view.root.prop("$schema")
    if prop is None:
        return
    yield Finding.at(
        prop,
        "Olive's docs suggest a \"$schema\" key, but Olive 0.13.0 moves it into the engine config and rejects the config with "
        "`engine.$schema  Extra inputs are not permitted`. olive-ls already checks this file against the Olive schema; to "
        "get the schema in another editor, associate it in the editor's settings (e.g. VS Code `json.schemas`) instead.",
        fix={"title": 'Remove "$schema"', "delete_property": True},
    )


@rule("OLV209", "old-pass-keys", "disable_search / clean_run_cache / output_name on a pass: ignored by Olive 0.13.0.", WARNING)
def old_pass_keys(ctx: RuleContext):
    for entry in ctx.view.passes:
        canonical = ctx.model.canonical_pass_name(entry.type_name or "")
        if canonical is None:
            continue
        parameters = ctx.model.passes[canonical].parameters
        for key, instead in OLD_PASS_KEYS.items():
            prop = entry.params.get(key)
            if prop is None or key in parameters:
                continue
            yield Finding.at(
                prop,
                f"'{key}' was a pass setting of older Olive releases. Olive 0.13.0 treats it as a parameter of {canonical}, only "
                f"logs `Keys {{'{key}'}} are not part of {canonical}Config. Ignoring them.` and goes on; {instead}.",
                fix={"title": f"Remove '{key}'", "delete_property": True},
            )
