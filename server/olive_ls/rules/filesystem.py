"""File-system rules (OLV7xx): model folders, scripts and Python environments the config names, and its file name.

These read the disk, so they run only when environment checks are on (`olive-ls check --no-env` skips them).
They never import or run anything they find.

Relative paths are looked up as `olive_ls.config_paths` says (the config's folder, its parents, the current
folder), and each message says where it looked. A path found in none of them is reported.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Iterator

from olive_ls.document.ranges import Range, origin_range

from olive_ls import config_paths
from olive_ls.document.nodes import Node, Property
from olive_ls.rules.registry import ERROR, INFORMATION, WARNING, Finding, RuleContext, rule
from olive_ls.model.view import MODEL_DECLARED_KEYS, merged_params

# config.json files bigger than this are not model configs worth reading.
MAX_MODEL_CONFIG_BYTES = 4 * 1024 * 1024
CONFIG_SUFFIXES = (".json", ".yaml", ".yml")

# Model types whose model_path may be a Hugging Face hub id (Olive: create_resource_path -> string name).
HF_MODEL_TYPES = {"hfmodel", "diffusersmodel"}
# Model types whose model_path must be a local file or folder.
LOCAL_MODEL_TYPES = {
    "onnxmodel",
    "openvinomodel",
    "qnnmodel",
    "qairtmodel",
    "qairtpreparedmodel",
    "tensorflowmodel",
    "distributedonnxmodel",
    "distributedhfmodel",
}


# ---------------------------------------------------------------------------------------------------------------
# Helpers shared with the environment rules


def anchor_range(ctx: RuleContext) -> Range:
    """Where a finding about the whole file goes: the `systems` or `passes` key, else just past the document.

    Never the root or the input_model key: a schema finding there (a missing required key) would be hidden by any
    other finding at the same position.
    """
    root = ctx.doc.root
    if root is not None and root.is_object:
        for key in ("systems", "passes", "engine"):
            prop = root.prop(key)
            if prop is not None:
                return prop.key_node.range
    if root is not None and ctx.doc.index is not None:
        return ctx.doc.index.range_of(root.end, root.end)
    if ctx.doc.index is not None:
        end = len(ctx.doc.index.data)
        return ctx.doc.index.range_of(end, end)
    return Range(start=root.range.end, end=root.range.end) if root is not None else origin_range()


def config_folder(ctx: RuleContext) -> Path | None:
    return config_paths.config_folder(ctx.file_path)


def locate(raw: str, ctx: RuleContext) -> Path | None:
    """The existing file or folder a path in the config names, or None. Never raises."""
    return config_paths.locate(raw, ctx.file_path)


def can_judge(raw: str, ctx: RuleContext) -> bool:
    """Whether 'not found' means something: absolute paths always, relative ones only for a saved config file."""
    try:
        return Path(os.path.expanduser(raw.strip())).is_absolute() or ctx.file_path is not None
    except (OSError, ValueError, RuntimeError):
        return False


def where_looked(raw: str, ctx: RuleContext) -> str:
    """' (looked relative to ...)' for a relative path, '' for an absolute one."""
    try:
        if Path(os.path.expanduser(raw.strip())).is_absolute():
            return ""
    except (OSError, ValueError, RuntimeError):
        return ""
    folder = config_folder(ctx)
    if folder is None:
        return " (looked in the current folder)"
    return (
        f" (looked relative to the config's folder {folder}, its parent folders and the current folder; "
        "Olive resolves it against the folder `olive run` starts in)"
    )


# Hugging Face hub id validation, as huggingface_hub.utils.validate_repo_id (1.x) does it, with its messages.
_REPO_ID_RE = re.compile(r"(\b[\w\-.]{1,96}\b/)?\b[\w\-.]{1,96}\b", re.ASCII)


def hf_repo_id_problem(repo_id: str) -> str | None:
    """The HFValidationError message huggingface_hub gives for this repo id, or None for a valid one."""
    if repo_id.count("/") > 1:
        return f"Repo id must be in the form 'repo_name' or 'namespace/repo_name': '{repo_id}'. Use `repo_type` argument if needed."
    if not _REPO_ID_RE.fullmatch(repo_id):
        return (
            "Repo id must use alphanumeric chars, '-', '_' or '.'. The name cannot start or end with '-' or '.' "
            f"and the maximum length is 96: '{repo_id}'."
        )
    if "--" in repo_id or ".." in repo_id:
        return f"Cannot have -- or .. in repo_id: '{repo_id}'."
    if repo_id.endswith(".git"):
        return f"Repo_id cannot end by '.git': '{repo_id}'."
    return None


def looks_local(raw: str) -> bool:
    """A path written as a path: ./x, ../x, /x, ~/x, C:\\x, x\\y, or more than one '/' (never a hub id)."""
    text = raw.strip()
    return (
        text.startswith(("./", "../", "/", "~", ".\\", "..\\"))
        or text in (".", "..")
        or "\\" in text
        or bool(re.match(r"^[A-Za-z]:", text))
        or text.count("/") > 1
    )


# ---------------------------------------------------------------------------------------------------------------
# OLV701 / OLV702: the input model's files


def _str_node(prop: Property | None) -> Node | None:
    if prop is None or prop.value is None or prop.value.kind != "string" or not isinstance(prop.value.value, str):
        return None
    return prop.value


def _models(ctx: RuleContext) -> Iterator[tuple[Node, str, dict[str, Property]]]:
    """The input model and, for a CompositeModel, its components: (node, lowercased type, flattened params)."""
    view = ctx.view
    if view is None or view.input_model is None:
        return
    pending = [view.input_model.node]
    seen = 0
    while pending and seen < 64:
        node = pending.pop(0)
        seen += 1
        if node is None or not node.is_object:
            continue
        type_node = node.get("type")
        type_name = type_node.value.lower() if type_node is not None and isinstance(type_node.value, str) else ""
        params = merged_params(node, "config", MODEL_DECLARED_KEYS)
        yield node, type_name, params
        components = params.get("model_components")
        if components is not None and components.value is not None and components.value.is_array:
            pending.extend(item for item in components.value.items if item.is_object)


@rule(
    "OLV701",
    "model-path-not-found",
    "input_model.model_path names no local file or folder (an error where Olive would then reject it as a hub id).",
    ERROR,
    needs_environment=True,
)
def model_path_not_found(ctx: RuleContext):
    for _node, type_name, params in _models(ctx):
        prop = params.get("model_path")
        value = _str_node(prop)
        if value is None:
            yield from _resource_path_dict(ctx, prop)
            continue
        raw = value.value.strip()
        if not raw or locate(raw, ctx) is not None:
            continue
        if type_name in HF_MODEL_TYPES:
            problem = hf_repo_id_problem(raw)
            if problem is None and not looks_local(raw):
                yield Finding.at(value, _hub_id_note(raw), severity=INFORMATION)
            elif can_judge(raw, ctx):
                yield Finding.at(
                    value,
                    f"model_path '{raw}' is not a local folder{where_looked(raw, ctx)}, and it is not a Hugging Face "
                    f"hub id either: Olive tries it as one and fails with HFValidationError: "
                    f"{problem or hf_repo_id_problem('./' + raw)}",
                )
        elif type_name in LOCAL_MODEL_TYPES or (type_name == "pytorchmodel" and looks_local(raw)):
            if can_judge(raw, ctx):
                yield Finding.at(
                    value,
                    f"model_path '{raw}' does not exist{where_looked(raw, ctx)}. If an earlier step creates it, run "
                    "that first; otherwise the first pass fails to load the model.",
                    severity=WARNING,
                )


def _resource_path_dict(ctx: RuleContext, prop: Property | None):
    """model_path given as {"type": "file"|"folder", "config": {"path": ...}}."""
    if prop is None or prop.value is None or not prop.value.is_object:
        return
    kind = prop.value.get("type")
    config = prop.value.get("config")
    if kind is None or not isinstance(kind.value, str) or kind.value.lower() not in ("file", "folder"):
        return
    path_node = config.get("path") if config is not None and config.is_object else None
    if path_node is None or not isinstance(path_node.value, str) or not path_node.value.strip():
        return
    raw = path_node.value.strip()
    if locate(raw, ctx) is None and can_judge(raw, ctx):
        yield Finding.at(path_node, f"{kind.value} '{raw}' does not exist{where_looked(raw, ctx)}.", severity=WARNING)


def _hub_id_note(repo_id: str) -> str:
    note = (
        f"'{repo_id}' is not a local folder, so Olive loads it from the Hugging Face hub: `olive run` needs network "
        "access to huggingface.co. Olive 0.13.0 calls huggingface_hub.repo_info on a hub id to compute its cache key, "
        "which fails offline (OfflineModeIsEnabled) even when the model is in the Hugging Face cache and HF_HUB_OFFLINE=1 "
        f"is set. To run offline, download it once (huggingface-cli download {repo_id} --local-dir <folder>) and set "
        "model_path to that folder."
    )
    if repo_id.split("/")[0].lower() == "meta-llama":
        note += " meta-llama models are gated: log in with a token that has access (huggingface-cli login, or hf_token on the system)."
    return note


def _transformers_knows(model_type: str) -> bool | None:
    """Whether the installed transformers has model_type built in (then auto_map is not needed); None: unknown."""
    try:
        import importlib.metadata

        folder = Path(str(importlib.metadata.distribution("transformers").locate_file("transformers/models")))
    except Exception:
        return None
    if not folder.is_dir():
        return None
    return (folder / model_type.replace("-", "_")).is_dir()


def _model_path_object(params: dict[str, Property], model_path: Property) -> list:
    parent = model_path.parent
    return parent.path() if isinstance(parent, Node) else []


@rule(
    "OLV702",
    "trust-remote-code-needed",
    "A local model folder whose config.json has auto_map (custom code) while load_kwargs.trust_remote_code is not true.",
    WARNING,
    needs_environment=True,
)
def trust_remote_code_needed(ctx: RuleContext):
    for _node, type_name, params in _models(ctx):
        if type_name not in HF_MODEL_TYPES:
            continue
        prop = params.get("model_path")
        value = _str_node(prop)
        if value is None:
            continue
        folder = locate(value.value, ctx)
        if folder is None or not folder.is_dir():
            continue
        config = _read_json(folder / "config.json")
        if not isinstance(config, dict) or not config.get("auto_map"):
            continue
        load_kwargs = params.get("load_kwargs")
        kwargs = load_kwargs.value.to_python() if load_kwargs is not None and load_kwargs.value is not None else None
        trust = kwargs.get("trust_remote_code") if isinstance(kwargs, dict) else None
        if trust is True:
            continue
        model_type = config.get("model_type")
        if isinstance(model_type, str) and _transformers_knows(model_type):
            continue  # transformers has this architecture built in and ignores auto_map
        if load_kwargs is not None and load_kwargs.value is not None and load_kwargs.value.is_object:
            target = load_kwargs.value.path() + ["trust_remote_code"]
        else:
            target = _model_path_object(params, prop) + ["load_kwargs", "trust_remote_code"]
        said = "is false" if trust is False else "is not set"
        yield Finding.at(
            value,
            f"The model in '{value.value}' ships its own code (config.json has auto_map) and "
            f"input_model load_kwargs.trust_remote_code {said}. Olive never enables it for you (since PR #2413), so "
            f"transformers refuses to load it: \"The repository {value.value} contains custom code which must be "
            "executed to correctly load the model. ... Please pass the argument `trust_remote_code=True` to allow custom "
            "code to be run.\" Add \"load_kwargs\": {\"trust_remote_code\": true} to input_model if you trust that code.",
            fix={"title": "Set load_kwargs.trust_remote_code to true", "set_value": {"path": target, "value": True}},
        )


def _read_json(path: Path):
    try:
        if not path.is_file() or path.stat().st_size > MAX_MODEL_CONFIG_BYTES:
            return None
        return json.loads(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------------------------
# OLV703: PythonEnvironment systems


def _engine_host_is_docker(ctx: RuleContext) -> bool:
    view = ctx.view
    prop = view.engine_params.get("host") if view is not None else None
    if prop is None or prop.value is None:
        return False
    host = prop.value
    if host.kind == "string" and isinstance(host.value, str):
        system = view.systems.get(host.value)
        return system is not None and system.type_name == "Docker"
    if host.is_object:
        type_node = host.get("type")
        return type_node is not None and type_node.value == "Docker"
    return False


def python_environment_systems(ctx: RuleContext):
    """(system entry, python_environment_path property or None) for each PythonEnvironment system."""
    view = ctx.view
    if view is None:
        return
    for system in view.systems.values():
        if system.type_name == "PythonEnvironment":
            yield system, system.params.get("python_environment_path")


@rule(
    "OLV703",
    "python-environment-missing",
    "A PythonEnvironment system whose python_environment_path is missing, does not exist or has no python in it.",
    ERROR,
    needs_environment=True,
)
def python_environment_missing(ctx: RuleContext):
    if _engine_host_is_docker(ctx):
        return  # Olive skips this check when the engine's host is a Docker system
    for system, prop in python_environment_systems(ctx):
        if prop is None or prop.value is None or prop.value.kind == "null":
            where = prop.key_node if prop is not None else (system.name_node or system.node)
            yield Finding(
                f"System '{system.name}' is a PythonEnvironment without python_environment_path. Olive rejects the "
                "config: python_environment_path is required for PythonEnvironmentSystem native mode. Set it to the "
                "folder holding that environment's python (e.g. /path/to/venv/bin, or ...\\Scripts on Windows).",
                where.range,
            )
            continue
        value = _str_node(prop)
        if value is None:
            continue
        raw = value.value
        found = locate(raw, ctx)
        if found is None:
            if can_judge(raw, ctx):
                yield Finding.at(
                    value,
                    f"Python path {raw} does not exist: Olive rejects the config with exactly this message"
                    f"{where_looked(raw, ctx)}. Point python_environment_path at the bin (or Scripts) folder "
                    "of an existing Python environment.",
                )
            continue
        try:
            python = shutil.which("python", path=str(found)) if found.is_dir() else None
        except OSError:
            python = None
        if python is None:
            yield Finding.at(
                value,
                f"Python executable not found in the path {raw}: Olive rejects the config with this message. "
                "python_environment_path must be the folder that contains `python` (bin/ on Linux and macOS, "
                "Scripts\\ on Windows), not the environment's top folder or the executable itself.",
            )


# ---------------------------------------------------------------------------------------------------------------
# OLV704: scripts

SCRIPT_KEYS = ("user_script", "script_dir", "model_script")


def _imported_while_validating(prop: Property) -> bool:
    """user_script/script_dir of a data config or an evaluator: Olive imports them while it validates the config."""
    path = prop.path()
    return len(path) == 3 and path[0] in ("data_configs", "evaluators")


@rule(
    "OLV704",
    "script-not-found",
    "user_script, script_dir or model_script names a file or folder that does not exist (never imported or run here).",
    ERROR,
    needs_environment=True,
)
def script_not_found(ctx: RuleContext):
    root = ctx.doc.root
    if root is None:
        return
    by_key = root.properties_by_key()
    for key in SCRIPT_KEYS:
        for prop in by_key.get(key, ()):
            value = _str_node(prop)
            if value is None or not value.value.strip():
                continue
            raw = value.value.strip()
            if locate(raw, ctx) is not None or not can_judge(raw, ctx):
                continue
            if _imported_while_validating(prop):
                when = (
                    "Olive imports it while it validates the config and rejects the config: "
                    f"ValueError: <path>/{Path(raw).name} doesn't exist"
                )
                severity = ERROR
            else:
                when = f"Olive fails when it first needs it: ValueError: <path>/{Path(raw).name} doesn't exist"
                severity = WARNING
            yield Finding.at(value, f"{prop.key} '{raw}' does not exist{where_looked(raw, ctx)}. {when}.", severity=severity)


# ---------------------------------------------------------------------------------------------------------------
# OLV705: the file's own name


@rule(
    "OLV705",
    "unsupported-file-type",
    "The config file's suffix is not .json, .yaml or .yml (Olive: Unsupported file type).",
    ERROR,
)
def unsupported_file_type(ctx: RuleContext):
    if ctx.file_path is None:
        return
    suffix = Path(ctx.file_path).suffix
    if suffix in CONFIG_SUFFIXES:
        return
    hint = ""
    if suffix.lower() in CONFIG_SUFFIXES:
        hint = f" Olive compares the suffix with case: rename it to {Path(ctx.file_path).stem}{suffix.lower()}."
    elif suffix.lower() in (".jsonc", ".json5"):
        hint = " Olive reads JSON with json.load (no comments): rename it to .json and remove any comments."
    else:
        hint = " Rename it to .json or .yaml."
    yield Finding(
        f"`olive run --config {Path(ctx.file_path).name}` fails: ValueError: Unsupported file type: {suffix}.{hint}",
        anchor_range(ctx),
    )
