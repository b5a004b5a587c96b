"""The one registry of codes: every code olive-ls emits, with its name, severity, family and meaning.

Rules register their code with the `@rule` decorator (registry.py); codes that no rule emits (a file that cannot
be read, a file too large, what a run reported, the schema rule's kinds of finding) are registered below. A code
has one meaning, and a meaning one code: tests/rules/test_codes.py enforces both.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ERROR = "error"
WARNING = "warning"
INFORMATION = "information"
HINT = "hint"
SEVERITIES = (ERROR, WARNING, INFORMATION, HINT)


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    severity: str
    family: str
    summary: str
    # The longer why and fix, for `olive-ls explain` and docs/rules.md; the summary when there is none.
    explanation: str = ""


CODES: dict[str, Code] = {}


def register_code(code: str, name: str, severity: str, family: str, summary: str, explanation: str = "") -> Code:
    if code in CODES:
        raise ValueError(f"code {code} registered twice")
    if severity not in SEVERITIES:
        raise ValueError(f"code {code}: unknown severity {severity}")
    entry = Code(code, name, severity, family, summary, explanation.strip())
    CODES[code] = entry
    return entry


# Codes that are not a rule of their own.
UNREADABLE_FILE = register_code(
    "OLV006", "unreadable-file", ERROR, "check", "The file cannot be read as text (missing, binary, not UTF-8)."
)
TOO_LARGE = register_code(
    "OLV007",
    "too-large",
    INFORMATION,
    "check",
    "The file is larger than an Olive config could be; it is not analysed.",
    "Olive configs are a few kilobytes. Past the limit (the same in the editor and in `olive-ls check`) a file is not "
    "parsed, so that a generated or pasted file cannot stall the editor or a CI job.",
)
RUN_ERROR = register_code("OLV900", "run-error", ERROR, "run", "Olive's error from the last `olive.runWorkflow`, placed on the key it names.")
NO_MODEL = register_code("OLV901", "no-model", ERROR, "run", "Olive exited 0 but produced no model (a pass was pruned for the target).")
for _code, _name, _summary in (
    ("OLV101", "wrong-type", "A value of the wrong JSON type (a string where Olive wants a number...)."),
    ("OLV102", "value-not-allowed", "A value outside the allowed set (enum, model or system type), with did-you-mean."),
    ("OLV103", "missing-key", "A required key is missing (a quick fix adds it)."),
    ("OLV104", "schema-other", "Any other mismatch with Olive's config model."),
):
    register_code(_code, _name, ERROR, "schema", _summary)

FAMILY_TITLES = {
    "syntax": "Syntax (what json.load / yaml.safe_load refuse)",
    "schema": "Olive's config model",
    "legacy": "Old config formats",
    "passes": "Passes and their parameters",
    "targets": "Devices, execution providers, precisions",
    "references": "Names of systems, evaluators and data configs; value sets",
    "runtime_model_builder": "What ModelBuilder and onnxruntime-genai's builder do with the values at run time",
    "runtime_quantization": "What the ONNX quantization passes and onnxruntime's quantizers do at run time",
    "runtime_optimization": "What OrtTransformersOptimization and OrtSessionParamsTuning do at run time",
    "runtime_passes": "Other passes' run-time checks: pruned passes, graph surgeries, argument validators",
    "runtime_onnx_passes": "The other ONNX passes at run time: block quantizers, conversion, adapters, metadata, splitting",
    "runtime_training": "Fine-tuning and the PyTorch passes at run time: LoRA family, SDLoRA, GPTQ/AWQ, SparseGPT",
    "runtime_data": "Data configs and their components at run time",
    "runtime_evaluation": "Evaluators, metrics and goals at run time",
    "runtime_engine": "The engine, search and workflow at run time",
    "runtime_model": "The input model at run time: load_kwargs, io_config, task",
    "runtime_systems": "Systems and hosts at run time",
    "runtime_openvino": "The OpenVINO passes at run time: nncf and optimum-intel option values, ignored scopes, input types",
    "runtime_vendor_passes": "Vendor SDK passes at run time: QAIRT, QNN, AIMET, Vitis AI, Quark",
    "runtime_inc_modelopt": "Intel Neural Compressor and NVIDIA ModelOpt passes at run time",
    "runtime_search": "Search spaces at run time: searchable values, conditional parameters",
    "runtime_model_files": "What the input model's files (config.json, model_index.json) decide at run time",
    "environment": "The Python environment that runs Olive (off with --no-env)",
    "machine": "The machine: drivers, providers, memory, disk, the Hugging Face cache (off with --no-env)",
    "filesystem": "Paths on disk (off with --no-env)",
    "check": "Files",
    "run": "Run results",
}

RULES_DOC = Path(__file__).resolve().parents[3] / "docs" / "rules.md"


def all_codes() -> dict[str, Code]:
    """Every code, the rules' included (importing the rule modules registers them)."""
    from olive_ls.rules.registry import load_rules

    load_rules()
    return CODES


def anchor(code: str) -> str:
    """The heading anchor of a code's section in docs/rules.md (GitHub and VS Code's markdown preview agree)."""
    entry = CODES.get(code)
    return f"{code}-{entry.name}".lower() if entry else code.lower()


def code_url(code: str) -> str | None:
    """A link to the code's section of docs/rules.md, where that file is on disk (a checkout or an editable install)."""
    if code not in CODES or not RULES_DOC.is_file():
        return None
    return f"{RULES_DOC.as_uri()}#{anchor(code)}"
