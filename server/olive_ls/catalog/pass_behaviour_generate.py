"""Generate `schemas/olive-<version>/pass-behaviour.json`: what the passes do at run time with config values.

    python -m olive_ls.catalog.pass_behaviour_generate [--out FILE]

The catalog (generate.py) says what a pass *declares*; this file says what its code and the libraries under it
*do* with the values (docs/olive-runtime-checks.md): which precisions onnxruntime-genai's builder can build, which
of its extra_options it reads as booleans, which int4_algo_config names it knows; onnxruntime.quantization's
enums that Olive indexes by name (case-sensitive); onnxruntime.transformers' model types and fusion options; the
GraphSurgeries surgeons with their parameters. Everything is read from the installed olive-ai, onnxruntime and
onnxruntime-genai (their objects, or the source of the function that decides), not typed in here.

It imports those libraries (seconds); the result is committed and read back only by olive_ls.model.pass_behaviour.
Deterministic: sorted keys and lists, no paths, no timestamps.
"""

from __future__ import annotations

import argparse
import ast
import importlib.metadata
import inspect
import json
import re
import textwrap
from pathlib import Path

FILE_NAME = "pass-behaviour.json"
SCHEMAS = Path(__file__).resolve().parents[3] / "schemas"


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


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


def generate() -> dict:
    return {
        "generated_from": {
            "olive-ai": _version("olive-ai"),
            "onnxruntime": _version("onnxruntime"),
            "onnxruntime-genai": _version("onnxruntime-genai"),
        },
        "graph_surgeries": graph_surgeries(),
        "model_builder": model_builder(),
        "quantization": quantization(),
        "transformers_optimization": transformers_optimization(),
    }


def render(data: dict) -> str:
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def default_path() -> Path:
    return SCHEMAS / f"olive-{_version('olive-ai')}" / FILE_NAME


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    import logging

    logging.disable(logging.WARNING)
    out = args.out or default_path()
    out.write_text(render(generate()), encoding="utf-8")
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
