"""Rough estimates of the memory and disk a workflow's passes need for a model, each with the basis it rests on.

They are estimates (messages say so and say their basis) and exist to catch the run that is bound to fail: a
7B model converted on a 16 GB laptop, a 30 GB output on a disk with 5 GB free.

Memory. The passes that turn a PyTorch/Hugging Face model into ONNX (ModelBuilder, OnnxConversion,
OptimumConversion) load it in fp32, i.e. weights x 4 bytes whatever the checkpoint's dtype, and hold about as much
again while they write the ONNX model: about 2 x weights x 4 bytes. A pass on an ONNX model loads it and writes a
new one: about twice its size.

Disk. Olive keeps every pass's output model in its cache (cache_dir) and copies the final one to output_dir. A
conversion writes weights x the bytes per weight of its precision (int4 about 0.75 with its scales and the
unquantized embeddings, int8 about 1.1, fp16/bf16 2, fp32 4); a quantization pass shrinks the model to its
precision; any other ONNX pass writes a model as large as its input.
"""

from __future__ import annotations

from dataclasses import dataclass

from olive_ls.machine.description import gib
from olive_ls.machine.weights import Weights

CONVERTERS = ("ModelBuilder", "OnnxConversion", "OptimumConversion")
FP32_BYTES = 4
PRECISION_BYTES = {"int4": 0.75, "uint4": 0.75, "nf4": 0.75, "fp4": 0.75, "int8": 1.1, "uint8": 1.1, "fp16": 2.0, "bf16": 2.0, "fp32": 4.0}
INT4_PASSES = ("OnnxBlockWiseRtnQuantization", "OnnxHqqQuantization", "OnnxKQuantQuantization", "OnnxBnb4Quantization")
INT8_PASSES = ("OnnxDynamicQuantization", "OnnxStaticQuantization", "OnnxQuantization", "IncDynamicQuantization", "IncQuantization", "IncStaticQuantization")
FP16_PASSES = ("OnnxFloatToFloat16", "OrtMixedPrecision")


@dataclass(frozen=True)
class Step:
    """One pass of the workflow, as the estimates need it."""

    name: str  # its key under `passes`
    pass_type: str  # canonical type
    is_onnx: bool  # runs on ONNX models (olive.passes.onnx)
    precision: str | None = None
    torch_dtype: str | None = None  # OnnxConversion's torch_dtype


@dataclass(frozen=True)
class Estimate:
    bytes: int
    basis: str  # how it was computed, for the message
    step: str | None = None  # the pass the peak is in


def _weights_phrase(weights: Weights) -> str:
    count = weights.parameter_count
    if count is None:
        return f"{gib(weights.size)} of weights"
    return f"{_count(count)} weights"


def _count(n: int) -> str:
    for unit, size in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if n >= size:
            return f"{n / size:.1f}{unit}"
    return str(n)


def fp32_size(weights: Weights) -> tuple[int, str]:
    """The model's size loaded in fp32, and how it was found."""
    count = weights.parameter_count
    if count is not None:
        source = weights.dtype_source or "their size"
        return count * FP32_BYTES, f"{_count(count)} weights (from {source}) x 4 bytes"
    return weights.size, f"{gib(weights.size)} of weight files, assumed fp32"


def memory_estimate(model_kind: str, weights: Weights, steps: list[Step]) -> Estimate | None:
    """Peak RAM of the workflow's heaviest pass; None when no pass is known to hold the whole model."""
    if model_kind == "hf":
        converter = next((s for s in steps if s.pass_type in CONVERTERS), None)
        if converter is None:
            return None
        size, how = fp32_size(weights)
        return Estimate(
            2 * size,
            f"{converter.pass_type} loads the model in fp32 ({how} = {gib(size)}) and holds about as much again while it "
            f"writes the ONNX model: about {gib(2 * size)}",
            converter.name,
        )
    if model_kind == "onnx":
        first = next((s for s in steps if s.is_onnx), None)
        if first is None:
            return None
        return Estimate(
            2 * weights.size,
            f"{first.pass_type} loads the ONNX model ({gib(weights.size)}) and writes a new one: about {gib(2 * weights.size)}",
            first.name,
        )
    return None


def disk_estimate(model_kind: str, weights: Weights, steps: list[Step]) -> tuple[int, int, str] | None:
    """(bytes in the cache, bytes in output_dir, basis); None when the output size cannot be told."""
    count = weights.parameter_count
    outputs: list[tuple[str, float]] = []
    if model_kind == "hf":
        per = None  # bytes per weight of the current model; None until converted
        for step in steps:
            if per is None:
                if step.pass_type == "ModelBuilder":
                    per = PRECISION_BYTES.get(step.precision or "", None)
                elif step.pass_type in ("OnnxConversion", "OptimumConversion"):
                    per = 2.0 if (step.torch_dtype or "").replace("torch.", "") in ("float16", "bfloat16", "fp16", "bf16") else 4.0
                if per is None:
                    continue
            else:
                per = _after(step, per)
            outputs.append((step.pass_type, per))
        if not outputs or count is None:
            return None
        sizes = [(name, int(count * per)) for name, per in outputs]
    elif model_kind == "onnx":
        current = float(weights.size)
        per = weights.bytes_per_parameter or 4.0
        sizes = []
        for step in steps:
            if not step.is_onnx:
                continue
            new_per = _after(step, per)
            current = current * new_per / per
            per = new_per
            sizes.append((step.pass_type, int(current)))
        if not sizes:
            return None
    else:
        return None
    cache = sum(size for _, size in sizes)
    final = sizes[-1][1]
    parts = ", ".join(f"{name} {gib(size)}" for name, size in sizes)
    basis = (
        f"Olive keeps each pass's output in its cache ({parts}; from {_weights_phrase(weights)}) and copies the final model "
        f"to output_dir ({gib(final)})"
    )
    return cache, final, basis


def _after(step: Step, per: float) -> float:
    """Bytes per weight after a pass on an ONNX model."""
    if step.pass_type in INT4_PASSES:
        return min(per, PRECISION_BYTES["int4"])
    if step.pass_type in INT8_PASSES:
        return min(per, PRECISION_BYTES["int8"])
    if step.pass_type in FP16_PASSES:
        return min(per, PRECISION_BYTES["fp16"])
    if step.pass_type == "ModelBuilder" and step.precision in PRECISION_BYTES:
        return PRECISION_BYTES[step.precision]
    return per
