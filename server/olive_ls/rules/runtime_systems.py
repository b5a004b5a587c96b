"""What Olive does with systems and accelerators at run time (OLV540, OLV545-OLV547).

Rows S005, S009, S013, S017 of docs/olive-runtime-checks.md (Part 2) (olive/hardware/accelerator.py,
olive/workflows/run/run.py, olive/systems/docker/docker_system.py in olive-ai 0.13.0).
"""

from __future__ import annotations

import re

from olive_ls.model.component_behaviour import component_behaviour
from olive_ls.rules.registry import ERROR, WARNING, Finding, RuleContext, rule
from olive_ls.rules.runtime_common import objects, string

TARGET_TYPES_FOR_DOCKER = ("LocalSystem", "PythonEnvironment")


def _memory_fix(value: str, units: tuple[str, ...]) -> list[str]:
    match = re.fullmatch(r"\s*(\d+)\s*([KMGT])(?:I?B)?\s*", value, re.IGNORECASE)
    if match and f"{match.group(2).upper()}B" in units:
        return [f"{match.group(1)}{match.group(2).upper()}B"]
    return []


@rule("OLV545", "memory-unit", "An accelerator memory Olive cannot read (unit other than KB/MB/GB/TB, or not an integer).", ERROR)
def memory_unit(ctx: RuleContext):
    """AcceleratorConfig.memory is parsed by str_to_int_memory (accelerator.py:57-66): digits alone are bytes,
    otherwise the last two characters must be KB, MB, GB or TB (any case) and the rest an integer; anything else
    raises ValueError: Memory unit X is not supported, or invalid literal for int()."""
    behaviour = component_behaviour(ctx.model)
    units = behaviour.memory_units if behaviour else ()
    if not units:
        return
    for entry in ctx.view.systems.values():
        prop = entry.params.get("accelerators")
        for accelerator in objects(prop.value if prop is not None else None):
            node = accelerator.get("memory")
            value = string(node)
            if value is None or value.isdigit():
                continue
            upper = value.upper()
            if upper[-2:] in units and upper[:-2].isdigit():
                continue
            reason = (
                f"Memory unit {upper[-2:]} is not supported" if upper[-2:] not in units else f"invalid literal for int(): '{value[:-2]}'"
            )
            fix = _memory_fix(value, units)
            yield Finding.at(
                node,
                f"Memory '{value}' is not a size Olive can read: it raises ValueError: {reason}",
                detail=f"accelerator.py:57-66 takes an integer number of bytes, or an integer followed by one of "
                f"{', '.join(units)} (e.g. '16GB'). Fractions and other units (G, GiB) are rejected.",
                fix={"title": "Replace with", "replace_value": fix} if fix else None,
            )


@rule("OLV546", "host-accelerator-not-target", "A system with accelerators used only as host: passes are built for the default CPU target.", WARNING)
def host_accelerator_not_target(ctx: RuleContext):
    """Olive builds passes for the target's accelerators (run.py:131, engine.py:70); with no `target` that is the
    default LocalSystem with cpu / CPUExecutionProvider, whatever accelerator the host system declares. The run
    logs "Running workflow on accelerator spec: cpu-cpu". Set target to the same system."""
    view = ctx.view
    if view.engine_params.get("target") is not None:
        return
    host = view.engine_params.get("host")
    name = string(host.value) if host is not None else None
    entry = view.systems.get(name) if name else None
    if entry is None:
        return
    prop = entry.params.get("accelerators")
    accelerators = list(objects(prop.value if prop is not None else None))
    if not accelerators:
        return
    first = accelerators[0]
    device = string(first.get("device"))
    eps = [string(e) for e in (first.get("execution_providers").items if first.get("execution_providers") is not None and first.get("execution_providers").is_array else [])]
    if (device in (None, "cpu")) and all(ep in (None, "CPUExecutionProvider") for ep in eps):
        return
    shown = device or ", ".join(e for e in eps if e)
    yield Finding.at(
        host.value,
        f"System '{name}' ({shown}) is only the host: Olive builds for the default cpu target; set target too",
        detail="Without `target`, Olive builds and evaluates for the default LocalSystem target with cpu and "
        "CPUExecutionProvider (run.py:131, accelerator_creator.py:30-39); the host's accelerators only say where "
        f"passes run. Add \"target\": \"{name}\" to build for its accelerator.",
        fix={"title": f'Add "target": "{name}"', "add_keys": ["target"], "values": {"target": name}, "object_path": []},
    )


@rule("OLV547", "docker-host-without-target", "A Docker host needs a LocalSystem or PythonEnvironment target.", ERROR)
def docker_host_without_target(ctx: RuleContext):
    """docker_system.py:145-154 reads the target's type to build the container's config: with no target it fails
    with AttributeError: 'NoneType' object has no attribute 'type', with another type ValueError: Docker system
    does not support target system other than LocalSystem and PythonEnvironment — after the image is built."""
    view = ctx.view
    host = view.engine_params.get("host")
    name = string(host.value) if host is not None else None
    entry = view.systems.get(name) if name else None
    if entry is None or (entry.type_name or "").lower() != "docker":
        return
    target = view.engine_params.get("target")
    if target is None or target.value is None or target.value.kind == "null":
        local = next((n for n, e in view.systems.items() if e.type_name in TARGET_TYPES_FOR_DOCKER), None)
        yield Finding.at(
            host.value,
            f"Docker host '{name}' needs a target (LocalSystem or PythonEnvironment): Olive fails after building the image",
            detail="docker_system.py:145 reads target.type and fails with AttributeError: 'NoneType' object has no "
            "attribute 'type' when there is no target. Add a LocalSystem system and \"target\": \"<its name>\".",
            fix={"title": f'Add "target": "{local}"', "add_keys": ["target"], "values": {"target": local}, "object_path": []} if local else None,
        )
        return
    tname = string(target.value)
    tentry = view.systems.get(tname) if tname else None
    if tentry is not None and tentry.type_name not in TARGET_TYPES_FOR_DOCKER and tentry.type_name is not None:
        yield Finding.at(
            target.value,
            f"A Docker host cannot run for a {tentry.type_name} target: Olive supports LocalSystem and PythonEnvironment",
            detail="docker_system.py:154 raises ValueError: Docker system does not support target system other than "
            "LocalSystem and PythonEnvironment.",
        )


# GPU execution providers a flavour of onnxruntime other than onnxruntime-gpu may bring (S009's alternatives).
OTHER_GPU_EPS = ("DmlExecutionProvider", "ROCMExecutionProvider", "MIGraphXExecutionProvider", "OpenVINOExecutionProvider")


def _gpu_without_eps(ctx: RuleContext):
    """(system entry, device node, accelerator node) of the target system's first accelerator when it is a gpu one
    without execution_providers."""
    prop = ctx.view.engine_params.get("target")
    name = string(prop.value) if prop is not None else None
    entry = ctx.view.systems.get(name) if name else None
    if entry is None or entry.type_name not in TARGET_TYPES_FOR_DOCKER:
        return None
    accelerators = entry.params.get("accelerators")
    first = next(iter(objects(accelerators.value if accelerators is not None else None)), None)
    device = first.get("device") if first is not None else None
    eps = first.get("execution_providers") if first is not None else None
    if device is None or (string(device) or "").lower() != "gpu" or (eps is not None and eps.is_array and eps.items):
        return None
    return entry, device, first


@rule("OLV540", "gpu-defaults-to-cuda", "A gpu target without execution_providers gets CUDA, which the installed onnxruntime lacks.", WARNING, needs_environment=True)
def gpu_defaults_to_cuda(ctx: RuleContext):
    """For device gpu without execution_providers Olive fills in CUDAExecutionProvider, whatever the installed
    onnxruntime has, and logs `The following execution providers are filtered: ...` (accelerator_creator.py:86-103).
    When the target's onnxruntime is not onnxruntime-gpu, CUDA is not there: Olive still builds the passes for CUDA
    when the target only builds (skip_supported_eps_check keeps the written EP), and raises `None of the execution
    providers ... cannot be found` when the target runs the model (accelerator_creator.py:120-165)."""
    from olive_ls.rules.environment import _environment_of_system, _packages_for

    found = _gpu_without_eps(ctx)
    if found is None:
        return
    entry, device, accelerator = found
    env, where = _environment_of_system(ctx, entry.type_name, entry.params)
    flavours = env.onnxruntime_flavours() if env is not None else []
    if not flavours or any(p in flavours for p in _packages_for("CUDAExecutionProvider", ctx)):
        return
    others = [ep for ep in OTHER_GPU_EPS if ctx.model.provider_package(ep) in flavours]
    installed = ", ".join(env.describe(f) for f in flavours)
    yield Finding.at(
        device,
        f"Olive will use CUDAExecutionProvider for this gpu, which {installed} lacks.",
        detail=(f"Set execution_providers: [\"{others[0]}\"] for the installed one. " if others else "") +"With device gpu and no execution_providers, accelerator_creator.py:86-103 picks CUDAExecutionProvider "
        f"(and logs `The following execution providers are filtered`); {where} has {installed}: Olive builds the passes "
        "for CUDA all the same, or raises `None of the execution providers ... cannot be found in the target system` "
        "when the target runs the model (an evaluator, accelerator_creator.py:120-165).",
        fix={"title": f"Add execution_providers [{others[0]}]", "add_keys": ["execution_providers"],
             "values": {"execution_providers": [others[0]]}, "object_path": accelerator.path()} if others else None,
    )
