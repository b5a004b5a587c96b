"""Places: where an object sits in a workflow config, and so which keys it takes.

A place is worked out from the path alone (`passes.<name>` is a pass, `systems.<name>.accelerators[i]` an
accelerator), following Olive's flattening: engine keys may sit at the top level, and pass, model and system
parameters flat next to `type` or under `config`.
"""

from __future__ import annotations

from dataclasses import dataclass

from olive_ls.document import nodes as n
from olive_ls.document.nodes import Node, PathPart, node_at_path

ROOT = "root"
ENGINE = "engine"
SEARCH = "search_strategy"
SAMPLER_CONFIG = "sampler_config"
SYSTEMS = "systems"
SYSTEM = "system"
SYSTEM_CONFIG = "system_config"
ACCELERATORS = "accelerators"
ACCELERATOR = "accelerator"
EP_LIST = "execution_providers"
INPUT_MODEL = "input_model"
MODEL_CONFIG = "model_config"
MODEL_COMPONENTS = "model_components"
LOAD_KWARGS = "load_kwargs"
EVALUATORS = "evaluators"
EVALUATOR = "evaluator"
METRICS = "metrics"
METRIC = "metric"
SUB_TYPES = "sub_types"
SUB_TYPE = "sub_type"
GOAL = "goal"
DATA_CONFIGS = "data_configs"
DATA_CONFIG = "data_config"
DATA_COMPONENT = "data_component"
COMPONENT_PARAMS_PLACE = "component_params"
PASSES = "passes"
PASS = "pass"
PASS_CONFIG = "pass_config"
PACKAGING = "packaging_config"
CACHE_CONFIG = "cache_config"

# Places whose keys are names the user chooses.
NAMED_PLACES = (SYSTEMS, EVALUATORS, PASSES)
# Arrays and the place of their items.
ARRAY_ITEMS = {
    ACCELERATORS: ACCELERATOR,
    METRICS: METRIC,
    SUB_TYPES: SUB_TYPE,
    DATA_CONFIGS: DATA_CONFIG,
    MODEL_COMPONENTS: INPUT_MODEL,
    PASS: PASS,
    PACKAGING: PACKAGING,
}
DATA_COMPONENT_KEYS = {
    "load_dataset_config": "load_dataset",
    "pre_process_data_config": "pre_process_data",
    "post_process_data_config": "post_process_data",
    "dataloader_config": "dataloader",
}


def _step(place: str | None, part: PathPart) -> str | None:
    """The place of the object under `part` of an object (or array) at `place`."""
    if place is None:
        return None
    if isinstance(part, int):
        if place in ARRAY_ITEMS:
            return ARRAY_ITEMS[place]
        return None
    if place == ROOT:
        top = {"input_model": INPUT_MODEL, "systems": SYSTEMS, "evaluators": EVALUATORS, "data_configs": DATA_CONFIGS, "passes": PASSES, "engine": ENGINE}
        if part in top:
            return top[part]
        return _step(ENGINE, part)
    if place == ENGINE:
        return {
            "search_strategy": SEARCH,
            "host": SYSTEM,
            "target": SYSTEM,
            "evaluator": EVALUATOR,
            "packaging_config": PACKAGING,
            "cache_config": CACHE_CONFIG,
        }.get(part)
    if place == SEARCH:
        return SAMPLER_CONFIG if part == "sampler_config" else None
    if place == SYSTEMS:
        return SYSTEM
    if place in (SYSTEM, SYSTEM_CONFIG):
        if part == "config" and place == SYSTEM:
            return SYSTEM_CONFIG
        return ACCELERATORS if part == "accelerators" else None
    if place == ACCELERATOR:
        return EP_LIST if part == "execution_providers" else None
    if place in (INPUT_MODEL, MODEL_CONFIG):
        if part == "config" and place == INPUT_MODEL:
            return MODEL_CONFIG
        return {"load_kwargs": LOAD_KWARGS, "model_components": MODEL_COMPONENTS}.get(part)
    if place == EVALUATORS:
        return EVALUATOR
    if place == EVALUATOR:
        return METRICS if part == "metrics" else None
    if place == METRIC:
        return SUB_TYPES if part == "sub_types" else None
    if place == SUB_TYPE:
        return GOAL if part == "goal" else None
    if place == DATA_CONFIG:
        return DATA_COMPONENT if part in DATA_COMPONENT_KEYS else None
    if place == DATA_COMPONENT:
        return COMPONENT_PARAMS_PLACE if part == "params" else None
    if place == PASSES:
        return PASS
    if place == PASS:
        return {"config": PASS_CONFIG, "host": SYSTEM, "evaluator": EVALUATOR}.get(part)
    return None


def place_of(path: list[PathPart]) -> str | None:
    place: str | None = ROOT
    for part in path:
        place = _step(place, part)
        if place is None:
            return None
    return place


@dataclass
class Place:
    """An object (or array) of a config: its place, path, node (None while not typed yet) and tree root."""

    kind: str | None
    path: list[PathPart]
    root: Node | None

    @property
    def node(self) -> Node | None:
        return node_at_path(self.root, self.path)

    def up(self, levels: int = 1) -> Node | None:
        return node_at_path(self.root, self.path[: len(self.path) - levels]) if len(self.path) >= levels else None


def place_at(path: list[PathPart], root: Node | None) -> Place:
    return Place(place_of(path), list(path), root)


def str_of(node: Node | None, key: str) -> str | None:
    if node is None or not node.is_object:
        return None
    value = node.get(key)
    return value.value if value is not None and value.kind == n.STRING else None


def keys_of(node: Node | None) -> list[str]:
    return node.keys() if node is not None and node.is_object else []
