"""Generate `schemas/olive-<version>/pass-behaviour.json`: what the passes do at run time with config values.

    python -m olive_ls.catalog.pass_behaviour_generate [--out FILE]

The catalog (generate.py) says what a pass *declares*; this file says what its code and the libraries under it
*do* with the values (docs/olive-runtime-checks.md): which precisions onnxruntime-genai's builder can build, which
of its extra_options it reads as booleans, which int4_algo_config names it knows; onnxruntime.quantization's
enums that Olive indexes by name (case-sensitive); onnxruntime.transformers' model types and fusion options; the
GraphSurgeries surgeons with their parameters; each pass parameter's search_defaults and conditional default (what a
search, or SEARCHABLE_VALUES, resolves it to). Everything is read from the installed olive-ai, onnxruntime and
onnxruntime-genai (their objects, or the source of the function that decides), not typed in here.

It imports those libraries (seconds); the result is committed and read back only by olive_ls.model.pass_behaviour.
Deterministic: sorted keys and lists, no paths, no timestamps.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from pathlib import Path

from olive_ls.catalog import behaviour_files
from olive_ls.catalog.behaviour_files import installed_version, render  # noqa: F401 - render: the currency test's

FILE_NAME = "pass-behaviour.json"


def _function_ast(func) -> ast.AST:
    return ast.parse(textwrap.dedent(inspect.getsource(func)))


def _string_constants(tree: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


# --------------------------------------------------------------------------------------------------- genai


def model_builder() -> dict:
    from olive.passes.onnx.model_builder import ModelBuilder
    from onnxruntime_genai.models import builder as genai_builder

    # The EPs Olive maps to a genai EP name; any other target EP is built as "cpu" (model_builder.py:237).
    ep_map = {str(getattr(ep, "value", ep)): value for ep, value in ModelBuilder.EP_MAP.items()}

    # The precisions genai's set_onnx_dtype accepts (the others raise KeyError from create_model).
    from olive.constants import Precision

    built = sorted(p.value for p in Precision if _builds(genai_builder, p.value))

    # check_extra_options: the keys the CLI converts from strings to booleans (Olive never calls it).
    tree = _function_ast(genai_builder.check_extra_options)
    bools: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "bools" for t in node.targets):
            bools = [e.value for e in node.value.elts if isinstance(e, ast.Constant)]
    split_keys = sorted(
        key for key in ("int4_op_types_to_quantize", "int4_nodes_to_exclude") if key in _string_constants(tree)
    )

    # make_int4_algo_config: the algorithm names it knows ("default" and any other name: no algo config).
    from onnxruntime_genai.models.builders import base

    algo_names = set()
    for node in ast.walk(_function_ast(base.Model.make_int4_algo_config)):
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Name) and node.left.id == "quant_method":
            for comparator in node.comparators:
                algo_names |= _string_constants(comparator)
    algo_default = "default"

    # Every extra option the builders read: extra_options.get("k"...), extra_options["k"], "k" in extra_options.
    read = set()
    folder = Path(genai_builder.__file__).parent
    pattern = re.compile(r"""extra_options(?:\.get\(\s*|\[\s*)["']([A-Za-z0-9_]+)["']|["']([A-Za-z0-9_]+)["']\s+in\s+(?:self\.)?extra_options""")
    for path in sorted([folder / "builder.py", *sorted((folder / "builders").glob("*.py"))]):
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            read.add(match.group(1) or match.group(2))
    # What Olive itself puts in extra_options (model_builder.py: extra_args) besides the pass parameters.
    read |= {"filename", "config_only", "adapter_path"}
    return {
        "ep_map": dict(sorted(ep_map.items())),
        "genai_precisions": built,
        "bool_extra_options": sorted(bools),
        "split_extra_options": split_keys,
        "int4_algo_configs": sorted({*algo_names, algo_default}),
        "extra_options_read": sorted(read),
    }


def _builds(genai_builder, precision: str) -> bool:
    try:
        genai_builder.set_onnx_dtype(precision, {})
    except KeyError:
        return False
    return True


# --------------------------------------------------------------------------------------------------- ORT quantization


def quantization() -> dict:
    from olive.constants import Precision
    from olive.passes.onnx import quantization as q
    from onnxruntime.quantization import QuantFormat, QuantType
    from onnxruntime.quantization.calibrate import CalibrationMethod

    mapping = {p.value: q.quant_type_from_precision(p).name for p in Precision if q.quant_type_from_precision(p) is not None}
    return {
        # Olive indexes these enums by name: CalibrationMethod[...] and QuantFormat[...] (quantization.py:450-451).
        "calibration_methods": sorted(m.name for m in CalibrationMethod),
        "quant_formats": sorted(f.name for f in QuantFormat),
        "quant_types": sorted(t.name for t in QuantType),
        # quant_type_from_precision: the precisions OnnxQuantization accepts (weight and activation).
        "precision_quant_types": dict(sorted(mapping.items())),
        # Parameters dropped in dynamic mode (quantization.py:460-462) and the data config.
        "static_only_parameters": sorted([*q._static_optional_config, *q._dataloader_config]),
        # Their conditional defaults, in the order Olive resolves them: with a quant_mode other than exactly
        # "static"/"dynamic" the first one not given raises `Invalid value for parameter '...'`.
        "static_conditional_defaults": [[k, _jsonable(v.default_value)] for k, v in q._static_optional_config.items()],
        # extra_options keys that a pass parameter overwrites: key -> [parameter, used in dynamic mode].
        "extra_options_parameters": {k: [v[0], bool(v[1])] for k, v in sorted(q._param_extra_options_mapping.items())},
    }


def _jsonable(value):
    value = getattr(value, "value", value)
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


# --------------------------------------------------------------------------------------------------- ORT transformers


def transformers_optimization() -> dict:
    from olive.passes.onnx.transformer_optimization import OrtTransformersOptimization
    from onnxruntime.transformers import optimizer
    from onnxruntime.transformers.fusion_options import FusionOptions

    fusion = sorted({key for model_type in optimizer.MODEL_TYPES for key in vars(FusionOptions(model_type))})
    tree = _function_ast(OrtTransformersOptimization._set_fusion_options)
    attention = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Name) and node.left.id == "attn_op_type":
            attention |= {c.value for c in node.comparators if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    return {
        "model_types": sorted(optimizer.MODEL_TYPES),
        "fusion_options": fusion,
        "attention_op_types": sorted(attention),
    }


# --------------------------------------------------------------------------------------------------- GraphSurgeries


def graph_surgeries() -> dict:
    from olive.passes.onnx.graph_surgeries import GraphSurgeries, Surgeon

    surgeons = {}
    for key, cls in Surgeon.registry.items():
        required, optional = GraphSurgeries.get_surgeon_parameters(cls)
        surgeons[key] = {"name": cls.__name__, "required": sorted(required), "optional": sorted(optional)}
    return {"surgeons": dict(sorted(surgeons.items()))}


# --------------------------------------------------------------------------------------------------- search


def _search_value(value):
    """A parameter value as the JSON the rules compare with a config's: enums by value (Precision.INT8 -> "int8",
    SpecialParamValue.INVALID -> "OLIVE_INVALID_PARAM_VALUE")."""
    value = getattr(value, "value", value)
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


def _search_parameter(param):
    """Categorical -> {"categorical": [...]}; Conditional and ConditionalDefault -> {"conditional": {parents,
    support: [[parent values, child]], default}} (a ConditionalDefault's values are one-choice Categoricals, as in
    olive/search/search_parameter.py)."""
    from olive.search.search_parameter import Categorical, Conditional

    if isinstance(param, Conditional):
        support = [[[_search_value(k) for k in key], _search_parameter(child)] for key, child in param.support.items()]
        return {"conditional": {"parents": list(param.parents), "support": support, "default": _search_parameter(param.default)}}
    if isinstance(param, Categorical):
        return {"categorical": [_search_value(v) for v in param.get_support()]}
    raise TypeError(f"unknown search parameter {param!r}")


def _search_table(cls, spec) -> dict | None:
    """{parameter: {"search": its search_defaults, "default": its ConditionalDefault}} for the parameters that have
    either; None when default_config raises for this accelerator (OnnxDynamicQuantization on QNN)."""
    from olive.search.search_parameter import ConditionalDefault

    try:
        default_config = cls.default_config(spec)
    except Exception:  # noqa: BLE001 - a spec this pass refuses: other rules say so
        return None
    table = {}
    for name, param in default_config.items():
        entry = {}
        if param.search_defaults is not None:
            entry["search"] = _search_parameter(param.search_defaults)
        if isinstance(param.default_value, ConditionalDefault):
            entry["default"] = _search_parameter(param.default_value)
        if entry:
            table[name] = entry
    return table


def search() -> dict:
    """Per pass, what search resolves each parameter to (Pass._resolve_defaults, _init_fixed_and_search_params,
    olive_pass.py:370-430): for cpu-CPUExecutionProvider, and per execution provider where the pass's
    _default_config gives other search_defaults (OnnxStaticQuantization on QNN)."""
    from olive.hardware.accelerator import AcceleratorSpec, Device
    from olive.hardware.constants import DEVICE_TO_EXECUTION_PROVIDERS
    from olive.package_config import OlivePackageConfig
    from olive.passes.olive_pass import Pass

    package_config = OlivePackageConfig.load_default_config()
    classes = {}
    for name in sorted(package_config.passes):
        try:
            cls = package_config.import_pass_module(name)
        except Exception:  # noqa: BLE001, S112 - a pass whose module does not import here has no table
            continue
        if isinstance(cls, type) and issubclass(cls, Pass):
            classes[cls.__name__] = cls
    cpu = AcceleratorSpec(accelerator_type=Device.CPU, execution_provider="CPUExecutionProvider")
    baseline = {name: _search_table(cls, cpu) or {} for name, cls in sorted(classes.items())}
    by_ep: dict[str, dict] = {}
    for device, providers in DEVICE_TO_EXECUTION_PROVIDERS.items():
        for ep in sorted(providers):
            spec = AcceleratorSpec(accelerator_type=Device(device), execution_provider=ep)
            for name, cls in sorted(classes.items()):
                table = _search_table(cls, spec)
                if table is not None and table != baseline[name]:
                    by_ep.setdefault(ep, {})[name] = table
    return {
        "passes": {name: table for name, table in baseline.items() if table},
        "by_execution_provider": dict(sorted(by_ep.items())),
    }


def inc_quantization() -> dict:
    """The accuracy goal types IncQuantization maps to an INC AccuracyCriterion (_set_accuracy_criterion: any other
    raises AssertionError, inc_quantization.py:362-380)."""
    from olive.passes.onnx.inc_quantization import IncQuantization

    goal_types = set()
    for node in ast.walk(_function_ast(IncQuantization._set_accuracy_criterion)):
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Name) and node.left.id == "goal_type":
            goal_types |= _string_constants(ast.Tuple(elts=node.comparators))
    return {"accuracy_goal_types": sorted(goal_types)}


def generate() -> dict:
    return {
        "generated_from": {
            "olive-ai": installed_version("olive-ai"),
            "onnxruntime": installed_version("onnxruntime"),
            "onnxruntime-genai": installed_version("onnxruntime-genai"),
        },
        "graph_surgeries": graph_surgeries(),
        "inc_quantization": inc_quantization(),
        "model_builder": model_builder(),
        "quantization": quantization(),
        "search": search(),
        "transformers_optimization": transformers_optimization(),
    }


def default_path() -> Path:
    return behaviour_files.default_path(FILE_NAME)


def main(argv=None) -> int:
    import logging

    return behaviour_files.main(generate, FILE_NAME, __doc__, argv, quiet=lambda: logging.disable(logging.WARNING))


if __name__ == "__main__":
    raise SystemExit(main())
