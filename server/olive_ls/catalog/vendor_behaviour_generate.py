"""Generate `schemas/olive-<version>/vendor-behaviour.json`: what Olive's vendor SDK passes accept at run time.

    python -m olive_ls.catalog.vendor_behaviour_generate [--out FILE]

AimetQuantization's techniques and their keyword arguments (SUPPORTED_TECHNIQUES, bound by validate_args), the
precisions its tensor_precision_overrides map to an aimet qtype and VitisAIAddMetaData's dtype map; QuarkQuantization's
ONNX value maps and the algorithm options Olive copies (configuration_preparation.py). The AIMET and Vitis AI modules
import their SDK lazily, so they are imported; configuration_preparation.py imports amd-quark at module level, so it
is read as source (ast), never imported. Read back only by olive_ls.model.vendor_behaviour. Deterministic: sorted
keys and lists, no paths, no timestamps.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
from pathlib import Path

from olive_ls.catalog import behaviour_files
from olive_ls.catalog.behaviour_files import installed_version, render  # noqa: F401 - render: the currency test's

FILE_NAME = "vendor-behaviour.json"


def _source_tree(module: str) -> ast.Module:
    """A module's source as a tree, without importing it (its imports need an SDK that is not installed)."""
    spec = importlib.util.find_spec(module.rsplit(".", 1)[0])
    folder = Path(next(iter(spec.submodule_search_locations)))
    return ast.parse((folder / (module.rsplit(".", 1)[1] + ".py")).read_text(encoding="utf-8"))


def _assigned(tree: ast.Module, name: str) -> ast.AST:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return node.value
    raise LookupError(name)


def _function(tree: ast.Module, name: str) -> ast.FunctionDef:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
    raise LookupError(name)


def _dict_keys(node: ast.AST) -> list[str]:
    return sorted(k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str))


# --------------------------------------------------------------------------------------------------- AIMET


def aimet() -> dict:
    from olive.passes.onnx import aimet_quantization

    techniques = {}
    for name, cls in aimet_quantization.SUPPORTED_TECHNIQUES.items():
        # validate_args binds (None, **kwargs): the first parameter is the sim, the others are the technique's.
        params = list(inspect.signature(cls.apply).parameters.values())[1:]
        techniques[name] = sorted(p.name for p in params if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD))

    # precision_to_qtype imports aimet_onnx, so its mapping is read from the source: the Precision members it maps.
    mapping = _assigned_in(_function(ast.parse(inspect.getsource(aimet_quantization)), "precision_to_qtype"), "precision_mapping")
    from olive.constants import Precision

    mapped = sorted(Precision[k.attr].value for k in mapping.keys if isinstance(k, ast.Attribute))
    return {"techniques": techniques, "override_precisions": mapped}


def _assigned_in(func: ast.FunctionDef, name: str) -> ast.Dict:
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return node.value
    raise LookupError(name)


# ----------------------------------------------------------------------------------------------- Vitis AI


def vitis_ai() -> dict:
    from olive.constants import Precision
    from olive.passes.onnx.vitis_ai.meta_data import dtype_from_precision

    return {"dtype_precisions": sorted(p.value for p in Precision if dtype_from_precision(p))}


# -------------------------------------------------------------------------------------------------- Quark


MODULE = "olive.passes.quark_quantizer.onnx.configuration_preparation"


def quark() -> dict:
    tree = _source_tree(MODULE)
    mapping = _assigned(tree, "algorithm_mapping")
    classes = {k.value: v.id for k, v in zip(mapping.keys, mapping.values) if isinstance(v, ast.Name)}
    options = _algorithm_options(_function(tree, "update_algo_config"))
    return {
        "scale_types": _dict_keys(_assigned(tree, "scale_type_mapping")),
        "calibration_methods": _dict_keys(_assigned(tree, "calibration_method_mapping")),
        "quant_granularities": _dict_keys(_assigned(tree, "quant_granularity_mapping")),
        "quant_types": _dict_keys(_assigned(tree, "quant_type_mapping")),
        "tensor_config_keys": sorted(_membership_tests(_function(tree, "convert_layer_config"), "layer_config_dict")),
        "algorithms": {name: sorted(options.get(cls, ())) for name, cls in sorted(classes.items())},
    }


def _membership_tests(node: ast.AST, container: str) -> set[str]:
    """The strings tested with `"x" in container` under node."""
    found = set()
    for n in ast.walk(node):
        if (
            isinstance(n, ast.Compare)
            and isinstance(n.left, ast.Constant)
            and isinstance(n.ops[0], ast.In)
            and isinstance(n.comparators[0], ast.Name)
            and n.comparators[0].id == container
        ):
            found.add(n.left.value)
    return found


def _algorithm_options(func: ast.FunctionDef) -> dict[str, set[str]]:
    """Per AlgoConfig class, the config keys update_algo_config copies (its isinstance branches); the classes of the
    final else branch (the TODO) get none."""
    options: dict[str, set[str]] = {}
    branch = next(n for n in func.body if isinstance(n, ast.If))
    while isinstance(branch, ast.If):
        test = branch.test
        if isinstance(test, ast.Call) and getattr(test.func, "id", "") == "isinstance":
            kinds = test.args[1]
            names = [e.id for e in kinds.elts] if isinstance(kinds, ast.Tuple) else [kinds.id]
            keys = set().union(*(_membership_tests(s, "config_dict") for s in branch.body))
            for name in names:
                options[name] = keys
        branch = branch.orelse[0] if len(branch.orelse) == 1 else None
    return options


def generate() -> dict:
    return {
        "generated_from": {"olive-ai": installed_version("olive-ai")},
        "aimet": aimet(),
        "quark": quark(),
        "vitis_ai": vitis_ai(),
    }


def default_path() -> Path:
    return behaviour_files.default_path(FILE_NAME)


def main(argv=None) -> int:
    return behaviour_files.main(generate, FILE_NAME, __doc__, argv)


if __name__ == "__main__":
    raise SystemExit(main())
