"""Target rules (OLV4xx): devices, execution providers and what the passes can build for them.

Which accelerator Olive 0.13.0 builds for (olive/workflows/run/run.py, olive/systems/accelerator_creator.py):
- Only the engine's **target** decides it: `target` (top level or under `engine`) names an entry of `systems` or is
  an inline system; without one Olive uses a LocalSystem with no accelerators, i.e. cpu with CPUExecutionProvider.
  The engine `host` and a pass's own `host` only say where a pass runs; they never change the accelerator spec.
- The target's first (and only) accelerator gives the device and the execution provider (EP). A device without an
  EP gets CPU (cpu) or CUDA (gpu), any other device fails; an EP without a device gets its device inferred (QNN: npu).
- EPs are normalised only when the workflow needs one (`is_execution_provider_required`: an ONNX pass, or an ONNX
  input model that is evaluated). Shape errors of an accelerator (suffix, one EP, one accelerator, device or EP
  given) are pydantic errors raised when the config is read, for every system.
- A pass's `supported_accelerators` are device names and `supported_providers` EP names, both compared with that
  accelerator spec by the CLI only (auto-opt, quantize); `olive run` never checks them. Their metadata is not
  reliable enough for a blanket check (OnnxFloatToFloat16 lists only the CPU EP, VitisAIAddMetaData is run on
  VitisAI NPUs by Microsoft's own recipes), so OLV403 checks only the restrictions the pass code enforces or that
  decide what the pass is for.
"""

from __future__ import annotations

from dataclasses import dataclass

from olive_ls.document.nodes import Node, Property
from olive_ls.rules.registry import ERROR, WARNING, Finding, RuleContext, rule
from olive_ls.suggest import did_you_mean, one_of
from olive_ls.model.olive import OliveModel
from olive_ls.model.view import SYSTEM_DECLARED_KEYS, WorkflowView, merged_params

EP_SUFFIX = "ExecutionProvider"
CPU_EP = "CPUExecutionProvider"
CUDA_EP = "CUDAExecutionProvider"
QNN_EP = "QNNExecutionProvider"
NVIDIA_EPS = frozenset({CUDA_EP, "TensorrtExecutionProvider", "NvTensorRTRTXExecutionProvider"})

# Short names people write for EPs (onnxruntime-genai, the CLI's --provider, blog posts) -> Olive's EP names.
EP_ALIASES = {
    "cpu": "CPUExecutionProvider",
    "cuda": "CUDAExecutionProvider",
    "gpu": "CUDAExecutionProvider",
    "dml": "DmlExecutionProvider",
    "directml": "DmlExecutionProvider",
    "openvino": "OpenVINOExecutionProvider",
    "ov": "OpenVINOExecutionProvider",
    "tensorrt": "TensorrtExecutionProvider",
    "trt": "TensorrtExecutionProvider",
    "rocm": "ROCMExecutionProvider",
    "migraphx": "MIGraphXExecutionProvider",
    "nvtensorrtrtx": "NvTensorRTRTXExecutionProvider",
    "trtrtx": "NvTensorRTRTXExecutionProvider",
    "trt-rtx": "NvTensorRTRTXExecutionProvider",
    "nv_tensorrt_rtx": "NvTensorRTRTXExecutionProvider",
    "js": "JsExecutionProvider",
    "qnn": "QNNExecutionProvider",
    "htp": "QNNExecutionProvider",
    "vitisai": "VitisAIExecutionProvider",
    "vitis": "VitisAIExecutionProvider",
    "webgpu": "WebGpuExecutionProvider",
}

# ModelBuilder.validate_config (model_builder.py:181-205): precisions it builds at all.
MODEL_BUILDER_PRECISIONS = ("fp32", "fp16", "bf16", "int8", "int4")


# ---------------------------------------------------------------------------------------------------------------
# Systems and the target


@dataclass
class SystemInfo:
    """A system config wherever it is written: under `systems`, inline as engine host/target, or as a pass host."""

    label: str  # for messages: "system 'local_system'", "the inline target", ...
    node: Node
    params: dict[str, Property]
    is_target: bool = False

    @property
    def accelerators(self) -> Node | None:
        prop = self.params.get("accelerators")
        return prop.value if prop is not None else None

    def accelerator_items(self) -> list[Node]:
        accelerators = self.accelerators
        return list(accelerators.items) if accelerators is not None and accelerators.is_array else []


def _str(node: Node | None) -> str | None:
    return node.value if node is not None and node.kind == "string" else None


def target_name(view: WorkflowView) -> str | None:
    prop = view.engine_params.get("target")
    return _str(prop.value) if prop is not None else None


def iter_systems(view: WorkflowView) -> tuple[SystemInfo, ...]:
    """Every system config of the document, the target marked. Named systems first, then inline ones. Found once
    per view: a dozen rules ask, and finding the pass hosts walks every pass."""
    return view.derived("rules.targets.systems", _systems)


def _systems(view: WorkflowView) -> tuple[SystemInfo, ...]:
    systems: list[SystemInfo] = []
    target = view.engine_params.get("target")
    target_ref = _str(target.value) if target is not None else None
    for name, entry in view.systems.items():
        systems.append(SystemInfo(f"system '{name}'", entry.node, entry.params, is_target=(name == target_ref)))
    for key in ("target", "host"):
        prop = view.engine_params.get(key)
        if prop is not None and prop.value is not None and prop.value.is_object:
            systems.append(
                SystemInfo(f"the inline {key} system", prop.value, merged_params(prop.value, "config", SYSTEM_DECLARED_KEYS), key == "target")
            )
    for entry in view.passes:
        host = entry.node.get("host") if entry.node.is_object else None
        if host is not None and host.is_object:
            systems.append(SystemInfo(f"the host of pass '{entry.name}'", host, merged_params(host, "config", SYSTEM_DECLARED_KEYS)))
    return tuple(systems)


def target_system(view: WorkflowView) -> tuple[bool, SystemInfo | None]:
    """(resolved, system): (True, None) when no target is set (Olive's default); (False, None) when unresolvable."""
    prop = view.engine_params.get("target")
    if prop is None or prop.value is None or prop.value.kind == "null":
        return True, None
    for system in iter_systems(view):
        if system.is_target:
            return True, system
    return False, None


@dataclass
class TargetSpec:
    """The accelerator spec Olive would build for: device and EP, as normalised by AcceleratorNormalizer."""

    device: str | None
    ep: str | None
    description: str  # "the target system 'local_system' (gpu, CUDAExecutionProvider)"


def ep_names(accelerator: Node) -> list[tuple[str, Node]]:
    """(name, node) for each EP of an accelerator object; an entry [name, library_path] counts by its name."""
    eps = accelerator.get("execution_providers") if accelerator.is_object else None
    found: list[tuple[str, Node]] = []
    if eps is None or not eps.is_array:
        return found
    for item in eps.items:
        if item.kind == "string":
            found.append((item.value, item))
        elif item.is_array and item.items and item.items[0].kind == "string":
            found.append((item.items[0].value, item.items[0]))
    return found


def infer_device(ep: str, model: OliveModel) -> str | None:
    """AcceleratorLookup.infer_single_device_from_execution_providers for one EP; None when Olive cannot infer it."""
    if ep == CPU_EP:
        return "cpu"
    if ep == QNN_EP:
        return "npu"
    devices = model.devices_for(ep)
    return devices[0] if len(devices) == 1 else None


def target_spec(view: WorkflowView, model: OliveModel) -> TargetSpec | None:
    """What Olive builds for, or None when it cannot be told (unresolved target, malformed accelerator)."""
    resolved, system = target_system(view)
    if not resolved:
        return None
    if system is None:
        return TargetSpec("cpu", CPU_EP, "Olive's default target (no `target` is set: LocalSystem, cpu, CPUExecutionProvider)")
    items = system.accelerator_items()
    accelerators = system.accelerators
    if accelerators is not None and not accelerators.is_array and accelerators.kind != "null":
        return None
    if not items:
        return TargetSpec("cpu", CPU_EP, f"the target {system.label} (no accelerators: cpu, CPUExecutionProvider)")
    first = items[0]
    if not first.is_object:
        return None
    device_node = first.get("device")
    device = _str(device_node).lower() if _str(device_node) else None
    if device_node is not None and device_node.kind not in ("string", "null"):
        return None
    eps = ep_names(first)
    ep = eps[0][0] if eps else None
    if device and not ep:
        ep = {"cpu": CPU_EP, "gpu": CUDA_EP}.get(device)
    elif ep and not device:
        device = infer_device(ep, model)
    return TargetSpec(device, ep, f"the target {system.label} ({device or 'no device'}, {ep or 'no execution provider'})")


def target_of(ctx) -> TargetSpec | None:
    """target_spec for a rule: worked out once per analysis (it walks every system and pass host), and again after
    completion's probe changes a value (RuleContext.forget)."""
    return ctx.memo("rules.targets.target_spec", lambda _ctx: target_spec(_ctx.view, _ctx.model))


def ep_required(view: WorkflowView, model: OliveModel) -> bool:
    """olive/workflows/run/run.py is_execution_provider_required: an ONNX pass, or an evaluated ONNX input model."""
    for entry in view.passes:
        name = entry.type_name
        spec = model.pass_spec(name)
        if spec is not None and spec.is_onnx:
            return True
    input_type = view.input_model.type_name if view.input_model is not None else None
    evaluate_input = view.engine_value("evaluate_input_model")
    return (
        bool(view.engine_params.get("evaluator"))
        and evaluate_input is not False
        and isinstance(input_type, str)
        and input_type.lower() == "onnxmodel"
    )


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------------------------------------------------------
# Rules


@rule("OLV401", "ep-not-for-device", "The execution provider does not run on the accelerator's device.", ERROR)
def ep_not_for_device(ctx: RuleContext):
    view, model = ctx.view, ctx.model
    needs_ep = ep_required(view, model)
    for system in iter_systems(view):
        for accelerator in system.accelerator_items():
            if not accelerator.is_object:
                continue
            device_node = accelerator.get("device")
            device = _str(device_node)
            eps = ep_names(accelerator)
            if not device or not eps:
                continue
            dev = device.lower()
            if not model.has_provider_table(dev):
                if dev in (d.lower() for d in model.devices) and system.is_target and needs_ep:
                    yield Finding.at(
                        device_node,
                        f"Olive {model.version} knows execution providers only for the devices {one_of(sorted(model.devices_with_provider_table()))}, not for "
                        f"'{device}'. The config loads, then `olive run` crashes while setting up the target: "
                        "`TypeError: Value after * must be an iterable, not NoneType`.",
                        fix={"title": "Replace with", "replace_value": sorted(model.devices_with_provider_table())},
                    )
                continue
            allowed = set(model.providers_for(dev)) | {CPU_EP}
            for ep, node in eps:
                if ep not in model.providers or ep in allowed:
                    continue  # unknown names are OLV406's
                right = list(model.devices_for(ep))
                where = f" ({ep} runs on {one_of(right)})" if right else ""
                if system.is_target:
                    message = (
                        f"{ep} does not run on device '{device}'{where}; Olive {model.version} pairs '{dev}' with "
                        f"{one_of(sorted(allowed))}. Olive drops it: when the target is used (an evaluator, or a pass that runs "
                        f"on the target) it fails with `None of the execution providers ['{ep}'] cannot be found in the "
                        "target system but at least one is required to run the workflow.`; otherwise it logs `The following "
                        f"execution providers are not supported: '{ep}' by the device: '{device}' and will be ignored` and "
                        f"silently builds for {dev} with CPUExecutionProvider."
                    )
                    severity = ERROR if needs_ep else WARNING
                else:
                    message = (
                        f"{ep} does not run on device '{device}'{where}; Olive {model.version} pairs '{dev}' with {one_of(sorted(allowed))}. "
                        f"{_cap(system.label)} is not the workflow's target, so Olive does not check it "
                        "now, but it would drop this EP if the system became the target."
                    )
                    severity = WARNING
                yield Finding.at(node, message, severity=severity, fix={"title": "Replace with", "replace_value": sorted(allowed)})


@rule("OLV402", "precision-not-supported", "The pass's metadata does not list this precision; Olive does not check it.", WARNING)
def precision_not_supported(ctx: RuleContext):
    model = ctx.model
    for entry in ctx.view.passes:
        spec = model.pass_spec(entry.type_name)
        canonical = spec.name if spec else None
        if not spec or canonical == "ModelBuilder":  # ModelBuilder: OLV404 knows what it really builds
            continue
        if canonical in PRECISION_PRUNING or canonical == "NVModelOptQuantization":
            continue  # their validate_config decides: OLV412 (NVModelOptQuantization: OLV351)
        supported = list(spec.precisions)
        if not supported or "*" in supported:
            continue
        prop = entry.params.get("precision")
        value = _str(prop.value) if prop is not None else None
        if value is None or value not in model.precisions or value in supported:
            continue
        yield Finding.at(
            prop.value,
            f"{canonical} supports {one_of(supported)} precision (its metadata in olive_config.json); '{value}' is outside it. "
            "Olive 0.13.0 does not check this before running the pass, which then fails or produces a model in an "
            "unexpected precision.",
            fix={"title": "Replace with", "replace_value": supported},
        )


# Passes whose validate_config returns False for a precision outside a set, so that Olive prunes the pass (and
# exits 0 without a model when no other pass is left): pass -> (where Olive decides, the precisions it keeps).
# The ONNX quantization passes keep what onnxruntime has a QuantType for (quant_type_from_precision); that set is
# generated from the installed libraries into pass-behaviour.json.
PRECISION_PRUNING = {
    "OnnxQuantization": ("olive/passes/onnx/quantization.py:354", None),
    "OnnxStaticQuantization": ("olive/passes/onnx/quantization.py:354", None),
    "OnnxDynamicQuantization": ("olive/passes/onnx/quantization.py:354", None),
    "OnnxBnb4Quantization": ("olive/passes/onnx/bnb_quantization.py:61", ("fp4", "nf4")),
    "AimetQuantization": ("olive/passes/onnx/aimet_quantization.py:304", ("int4", "int8", "int16")),
}


@rule("OLV412", "precision-prunes-pass", "The pass's validate_config refuses this precision: Olive prunes the pass.", ERROR)
def precision_prunes_pass(ctx: RuleContext):
    """Unlike OLV402 (metadata only), these passes check the precision themselves before running and drop the pass
    when it is outside what they can build; with no other pass left, `olive run` exits 0 without a model."""
    from olive_ls.model.pass_behaviour import pass_behaviour

    model = ctx.model
    for entry in ctx.view.passes:
        canonical = model.canonical_pass_name(entry.type_name)
        if canonical not in PRECISION_PRUNING:
            continue
        where, kept = PRECISION_PRUNING[canonical]
        if kept is None:
            behaviour = pass_behaviour(model)
            if not behaviour.known:
                continue
            kept = behaviour.quant_precisions()
        prop = entry.params.get("precision")
        value = _str(prop.value) if prop is not None else None
        if value is None or value in kept or value not in model.precisions:
            continue  # unset: the pass's default; not a precision at all: OLV304's
        yield Finding.at(
            prop.value,
            f"Olive will skip {canonical} and may exit 0 without a model: it cannot build precision '{value}'. "
            f"Its validate_config ({where}, Olive {model.version}) keeps only {one_of(sorted(kept))} and prunes the pass "
            "otherwise.",
            fix={"title": "Replace with", "replace_value": sorted(kept)},
        )


# Pass -> (EPs the pass is made for, severity, what happens otherwise). Only restrictions the pass code enforces or
# that define what the pass produces; see the module docstring for why the metadata alone is not used.
_EP_REQUIREMENTS = {
    "EPContextBinaryGenerator": (
        frozenset({QNN_EP}),
        ERROR,
        "the pass fails when it runs: `AssertionError: Only QNNExecutionProvider is supported for now.` (context_binary.py)",
    ),
    "QNNPreprocess": (frozenset({QNN_EP}), WARNING, "it prepares the model for the QNN EP, which the target does not use"),
    "MixedPrecisionOverrides": (frozenset({QNN_EP}), WARNING, "its overrides are for QNN EP quantization, which the target does not use"),
    "QairtMHA2SHA": (frozenset({QNN_EP}), WARNING, "it rewrites attention for the QNN EP, which the target does not use"),
}


@rule("OLV403", "pass-not-for-target", "The pass is made for another execution provider than the target's.", WARNING)
def pass_not_for_target(ctx: RuleContext):
    spec = target_of(ctx)
    if spec is None or not spec.ep:
        return
    for entry in ctx.view.passes:
        canonical = ctx.model.canonical_pass_name(entry.type_name) if entry.type_name else None
        if canonical is None or entry.type_node is None:
            continue
        if canonical == "OnnxDynamicQuantization" and spec.ep == QNN_EP:
            continue  # OLV411: the pass fails there
        if canonical == "OrtMixedPrecision" and spec.ep == CPU_EP:
            yield Finding.at(
                entry.type_node,
                f"OrtMixedPrecision converts the model to fp16 for GPU and NPU EPs (its metadata: CUDA, DirectML), but "
                f"{spec.description} uses the CPU EP, which runs fp16 slowly or not at all. Olive builds for the engine's "
                "target only (a pass's own host does not change that).",
            )
            continue
        requirement = _EP_REQUIREMENTS.get(canonical)
        if requirement is None or requirement[1] == ERROR:
            continue  # the failing ones are OLV411's
        allowed, _, consequence = requirement
        if spec.ep in allowed:
            continue
        yield Finding.at(
            entry.type_node,
            f"{canonical} is made for {one_of(sorted(allowed))}, but {spec.description} uses {spec.ep}: {consequence}. "
            "Olive builds for the engine's target only (a pass's own host does not change that).",
        )


@rule("OLV411", "pass-fails-on-target", "The pass raises or asserts for the target's execution provider when it runs.", ERROR)
def pass_fails_on_target(ctx: RuleContext):
    """OLV403 says a pass is made for another provider (a warning: it runs, to little use); this says the pass
    itself refuses the target's provider, so the run fails there."""
    spec = target_of(ctx)
    if spec is None or not spec.ep:
        return
    for entry in ctx.view.passes:
        canonical = ctx.model.canonical_pass_name(entry.type_name) if entry.type_name else None
        if canonical is None or entry.type_node is None:
            continue
        if canonical == "OnnxDynamicQuantization" and spec.ep == QNN_EP:
            yield Finding.at(
                entry.type_node,
                f"OnnxDynamicQuantization does not support the QNN EP, and {spec.description} uses it. Olive 0.13.0 fails when "
                "it creates the pass: `QNNExecutionProvider is not supported for dynamic quantization.` Use "
                "OnnxStaticQuantization for QNN.",
                fix={"title": "Replace with", "replace_value": ["OnnxStaticQuantization"]},
            )
            continue
        requirement = _EP_REQUIREMENTS.get(canonical)
        if requirement is None or requirement[1] != ERROR or spec.ep in requirement[0]:
            continue
        allowed, _, consequence = requirement
        yield Finding.at(
            entry.type_node,
            f"{canonical} is made for {one_of(sorted(allowed))}, but {spec.description} uses {spec.ep}: {consequence}. "
            "Olive builds for the engine's target only (a pass's own host does not change that).",
        )


@rule("OLV404", "model-builder-precision-target", "ModelBuilder's precision cannot be built for the target: Olive prunes the pass.", ERROR, scope="entry")
def model_builder_precision_target(ctx: RuleContext):
    model = ctx.model
    spec = None
    for entry in ctx.view.passes:
        if ctx.model.canonical_pass_name(entry.type_name or "") != "ModelBuilder":
            continue
        prop = entry.params.get("precision")
        value = _str(prop.value) if prop is not None else None
        if value is None or value not in model.precisions:
            continue  # a missing or invalid precision is OLV303/OLV304's
        if spec is None:
            spec = target_of(ctx)
            if spec is None:
                return
        pruned = (
            "Olive 0.13.0 prunes this pass (`{why}`, `Invalid config, pruned.`), logs `No output model produced.` "
            "and exits 0 with no model."
        )
        if value == "fp16" and not (spec.device == "gpu" and spec.ep and spec.ep != CPU_EP):
            yield Finding.at(
                prop.value,
                f"ModelBuilder builds fp16 only for a gpu accelerator with a GPU execution provider, but it would build for "
                f"{spec.description}. " + pruned.format(why="FP16 is not supported on CPU."),
                fix={"title": "Replace with", "replace_value": ["int4", "fp32"]},
            )
        elif value == "bf16" and spec.ep != CUDA_EP:
            gpu = spec.device == "gpu" and spec.ep and spec.ep != CPU_EP
            yield Finding.at(
                prop.value,
                f"ModelBuilder builds bf16 only with CUDAExecutionProvider, but it would build for {spec.description}. "
                + pruned.format(why="BF16 is only supported on CUDA execution provider."),
                fix={"title": "Replace with", "replace_value": ["fp16", "int4"] if gpu else ["int4", "fp32"]},
            )
        elif value not in MODEL_BUILDER_PRECISIONS:
            yield Finding.at(
                prop.value,
                f"ModelBuilder builds {one_of(MODEL_BUILDER_PRECISIONS)} models only, not '{value}'. "
                "Olive 0.13.0 prunes this pass (`Invalid config, pruned.`), logs `No output model produced.` and exits 0 with no model.",
                fix={"title": "Replace with", "replace_value": ["int4", "int8", "fp32"]},
            )


@rule("OLV405", "unknown-device", "The accelerator's device is not one Olive knows.", ERROR)
def unknown_device(ctx: RuleContext):
    model = ctx.model
    known = {d.lower() for d in model.devices}
    for system in iter_systems(ctx.view):
        for accelerator in system.accelerator_items():
            device_node = accelerator.get("device") if accelerator.is_object else None
            device = _str(device_node)
            if device is None or device.lower() in known:
                continue
            hint, suggestions = did_you_mean(device, model.devices)
            if system.is_target:
                message = (
                    f"'{device}' is not a device Olive {model.version} knows ({one_of(model.devices)}). The config loads, then `olive run` "
                    f"fails with `ValueError: '{device.lower()}' is not a valid Device`.{hint}"
                )
                severity = ERROR
            else:
                message = (
                    f"'{device}' is not a device Olive {model.version} knows ({one_of(model.devices)}). {_cap(system.label)} "
                    f"is not the workflow's target, so Olive does not check it now; as a target it fails with "
                    f"`ValueError: '{device.lower()}' is not a valid Device`.{hint}"
                )
                severity = WARNING
            yield Finding.at(device_node, message, severity=severity, fix={"title": "Replace with", "replace_value": suggestions or ["cpu", "gpu", "npu"]})


def _ep_suggestions(name: str, model: OliveModel) -> list[str]:
    lowered = name.lower().strip()
    if model.canonical_provider(lowered):
        return [model.canonical_provider(lowered)]
    stem = lowered[: -len(EP_SUFFIX)] if lowered.endswith(EP_SUFFIX.lower()) else lowered
    stem = stem.strip(" _-")
    if stem in EP_ALIASES:
        return [EP_ALIASES[stem]]
    for ep in model.providers:
        if ep[: -len(EP_SUFFIX)].lower() == stem:
            return [ep]
    _, suggestions = did_you_mean(name if name.lower().endswith(EP_SUFFIX.lower()) else name + EP_SUFFIX, model.providers)
    return suggestions


@rule("OLV406", "bad-ep-name", "The execution provider name is not one Olive knows (or lacks the ExecutionProvider suffix).", ERROR)
def bad_ep_name(ctx: RuleContext):
    model = ctx.model
    needs_ep = ep_required(ctx.view, ctx.model)
    for system in iter_systems(ctx.view):
        for accelerator in system.accelerator_items():
            if not accelerator.is_object:
                continue
            for ep, node in ep_names(accelerator):
                if ep in model.providers:
                    continue
                suggestions = _ep_suggestions(ep, model)
                hint = f" Did you mean '{suggestions[0]}'?" if len(suggestions) == 1 else (
                    " Did you mean " + ", ".join(f"'{s}'" for s in suggestions) + "?" if suggestions else ""
                )
                fix = {"title": "Replace with", "replace_value": suggestions} if suggestions else None
                if not ep.endswith(EP_SUFFIX):
                    yield Finding.at(
                        node,
                        f"'{ep}' is not an execution provider name: Olive 0.13.0 rejects the config with "
                        f"`Execution provider {ep} should end with ExecutionProvider`.{hint}",
                        fix=fix,
                    )
                    continue
                if system.is_target and needs_ep:
                    message = (
                        f"Olive {model.version} knows no execution provider '{ep}' ({one_of(model.providers, limit=4)}). Olive drops it from the "
                        f"target: when the target is used it fails with `None of the execution providers ['{ep}'] cannot be found "
                        "in the target system`, otherwise it silently builds with CPUExecutionProvider." + hint
                    )
                    severity = ERROR
                else:
                    message = f"Olive {model.version} knows no execution provider '{ep}'; EP names are case-sensitive.{hint}"
                    severity = WARNING
                yield Finding.at(node, message, severity=severity, fix=fix)


@rule("OLV407", "one-accelerator-one-ep", "More than one accelerator in a system, or more than one EP in an accelerator.", ERROR)
def one_accelerator_one_ep(ctx: RuleContext):
    for system in iter_systems(ctx.view):
        items = system.accelerator_items()
        if len(items) > 1:
            yield Finding.at(
                items[1],
                f"{_cap(system.label)} lists {len(items)} accelerators; Olive 0.13.0 takes one and rejects the "
                "config with `Only one accelerator is supported currently.` Use one system per accelerator and run the "
                "workflow once per target.",
            )
        for accelerator in items:
            eps = accelerator.get("execution_providers") if accelerator.is_object else None
            if eps is not None and eps.is_array and len(eps.items) > 1:
                yield Finding.at(
                    eps.items[1],
                    f"This accelerator lists {len(eps.items)} execution providers; Olive 0.13.0 takes one and rejects the config "
                    "with `Only one execution provider is supported per accelerator`.",
                )


@rule("OLV408", "accelerator-needs-ep", "An accelerator without the execution provider (or device) Olive needs.", ERROR)
def accelerator_needs_ep(ctx: RuleContext):
    model = ctx.model
    needs_ep = ep_required(ctx.view, ctx.model)
    for system in iter_systems(ctx.view):
        for accelerator in system.accelerator_items():
            if not accelerator.is_object:
                continue
            device_node = accelerator.get("device")
            device = _str(device_node)
            eps_node = accelerator.get("execution_providers")
            has_eps = eps_node is not None and eps_node.is_array and len(eps_node.items) > 0
            if not device and not has_eps and (device_node is None or device_node.kind == "null"):
                yield Finding(
                    "This accelerator has neither a device nor execution providers: Olive 0.13.0 rejects the config with "
                    "`Either device or execution_providers must be provided`.",
                    accelerator.range if not accelerator.properties else accelerator.properties[0].key_node.range,
                    fix={"title": "Add 'device' and 'execution_providers'", "add_keys": ["device", "execution_providers"], "object_path": accelerator.path()},
                )
                continue
            known = device is not None and device.lower() in (d.lower() for d in model.devices)  # else OLV405's
            if known and not has_eps and device.lower() not in ("cpu", "gpu") and system.is_target and needs_ep:
                candidates = sorted(model.providers_for(device))
                extra = (
                    f" For {device.lower()} Olive accepts {one_of(candidates)}."
                    if candidates
                    else f" Olive {model.version} maps execution providers only for {one_of(sorted(model.devices_with_provider_table()))}."
                )
                yield Finding.at(
                    device_node,
                    f"The target's device '{device}' has no execution provider, and Olive 0.13.0 picks one by itself only for cpu "
                    f"(CPU) and gpu (CUDA): `olive run` fails with `Please specify the execution providers for the device: {device}.`{extra}",
                    fix={"title": "Add 'execution_providers'", "add_keys": ["execution_providers"], "object_path": accelerator.path()},
                )


# OrtTransformersOptimization.validate_config (transformer_optimization.py:140-175): settings it prunes.
@rule("OLV409", "transformers-optimization-pruned", "OrtTransformersOptimization settings Olive prunes for the target.", ERROR)
def transformers_optimization_pruned(ctx: RuleContext):
    spec = None
    for entry in ctx.view.passes:
        if ctx.model.canonical_pass_name(entry.type_name or "") != "OrtTransformersOptimization":
            continue
        float16 = entry.params.get("float16")
        use_gpu = entry.params.get("use_gpu")
        use_gqa = entry.params.get("use_gqa")
        float16_on = float16 is not None and float16.value is not None and float16.value.value is True
        tail = " Olive 0.13.0 prunes the pass (`Invalid config, pruned.`); if no other flow is left it logs `No output model produced.` and exits 0."
        if use_gqa is not None and use_gqa.value is not None and use_gqa.value.value is True and not float16_on:
            yield Finding.at(
                use_gqa.value,
                "OrtTransformersOptimization uses GQA only together with float16: true (`use_gqa is only supported when float16 is True.`)." + tail,
                fix={"title": "Replace with", "replace_value": [False]},
            )
        if not float16_on and not (use_gpu is not None and use_gpu.value is not None and use_gpu.value.value is True):
            continue
        if spec is None:
            spec = target_of(ctx)
            if spec is None:
                return
        if float16_on and spec.ep == CPU_EP:
            yield Finding.at(
                float16.value,
                f"OrtTransformersOptimization with float16 builds for GPU EPs, but {spec.description} uses the CPU EP "
                "(`CPUExecutionProvider does not support float16 very well, please avoid to use float16.`)." + tail,
                fix={"title": "Replace with", "replace_value": [False]},
            )
        elif float16_on and spec.ep == "TensorrtExecutionProvider":
            yield Finding.at(
                float16.value,
                "OrtTransformersOptimization with float16 is refused for the TensorRT EP (`TensorRT has its own float16 "
                "implementation, please avoid to use float16 in transformers optimization.`)." + tail,
                fix={"title": "Replace with", "replace_value": [False]},
            )
        if use_gpu is not None and use_gpu.value is not None and use_gpu.value.value is True and spec.ep == CPU_EP:
            yield Finding.at(
                use_gpu.value,
                f"use_gpu: true needs a GPU execution provider, but {spec.description} uses the CPU EP (`CPUExecutionProvider "
                "does not support GPU inference, please avoid to use use_gpu.`)." + tail,
                fix={"title": "Replace with", "replace_value": [False]},
            )


@rule("OLV410", "device-not-inferable", "The target's EP runs on several devices and no device is given.", ERROR)
def device_not_inferable(ctx: RuleContext):
    model = ctx.model
    resolved, system = target_system(ctx.view)
    if not resolved or system is None or not ep_required(ctx.view, ctx.model):
        return
    items = system.accelerator_items()
    if not items or not items[0].is_object:
        return
    accelerator = items[0]
    device_node = accelerator.get("device")
    if _str(device_node):
        return
    eps = ep_names(accelerator)
    if not eps:
        return
    ep, node = eps[0]
    devices = model.devices_for(ep)
    if ep in (CPU_EP, QNN_EP) or len(devices) <= 1:
        return
    yield Finding.at(
        node,
        f"The target's accelerator gives {ep} without a device, and {ep} runs on {one_of(devices)}. Olive 0.13.0 cannot "
        f"pick one: `Cannot infer the devices from the execution providers ['{ep}']. ... Please specify the device in the "
        "accelerator configs.`",
        fix={"title": "Add 'device'", "add_keys": ["device"], "object_path": accelerator.path()},
    )
