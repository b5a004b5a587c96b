"""Machine rules (OLV610-OLV629): can this machine run the workflow? GPUs and drivers, memory, disk, the Hugging
Face cache, and whether the configured Python's onnxruntime loads the target's GPU execution provider.

They read `olive_ls.machine.current_machine()` (tests put a described machine in place with `use_machine`) and
run with the other environment checks (off with `--no-env`). What they report can change before the run, or the
run can happen elsewhere, so nothing here is an error: warnings where the run is bound to fail on this machine,
information where it is only a limit (a model built here for CUDA that cannot be evaluated here).

Only systems that run on this machine are judged: no target (Olive's LocalSystem), LocalSystem and
PythonEnvironment. Docker and AzureML systems bring their own machine.

Whether the target is used decides how much a GPU provider matters (olive/workflows/run/run.py): with an
evaluator, or a pass that runs on the target (`run_on_target`), Olive creates sessions on the target's EP and
fails without it; otherwise it only builds for the EP, which works on any machine.
"""

from __future__ import annotations

from pathlib import Path

from olive_ls import config_paths
from olive_ls.document.nodes import Node, string_value
from olive_ls.environment import Environment, environment_for, python_in
from olive_ls.machine import Machine, current_machine, gib
from olive_ls.machine.estimates import Step, disk_estimate, memory_estimate
from olive_ls.machine.hf_cache import Snapshot, find_snapshot
from olive_ls.machine.weights import Weights, hf_weights, onnx_weights
from olive_ls.rules.filesystem import HF_MODEL_TYPES, anchor_range, hf_repo_id_problem, locate, looks_local
from olive_ls.rules.registry import INFORMATION, WARNING, Finding, RuleContext, rule
from olive_ls.rules.targets import CUDA_EP, NVIDIA_EPS, ep_names, target_of, target_system

DML_EP = "DmlExecutionProvider"
TENSORRT_EPS = ("TensorrtExecutionProvider", "NvTensorRTRTXExecutionProvider")
# Systems that run on this machine.
_HERE = (None, "LocalSystem", "PythonEnvironment")
# Where `olive-ls run` puts the Hugging Face cache when HF_HOME is not set (execution/workflow_run.py build_env).
OLIVE_LS_HF_HOME = Path(".olive-ls") / "hf-home"


# ---------------------------------------------------------------------------------------------------------------
# The target and where it runs


class _Target:
    """The engine's target as far as the machine rules care: its EP, device, type, and the node to report on."""

    def __init__(self, ctx: RuleContext):
        self.ep = self.device = self.type = None
        self.node: Node | None = None
        self.description = ""
        self.params: dict = {}
        view = ctx.view
        spec = target_of(ctx) if view is not None else None
        if spec is None:
            return
        self.ep, self.device, self.description = spec.ep, spec.device, spec.description
        _resolved, system = target_system(view)
        if system is None:
            return
        self.params = system.params
        type_node = system.node.get("type") if system.node.is_object else None
        self.type = type_node.value if type_node is not None and isinstance(type_node.value, str) else None
        items = system.accelerator_items()
        if items and items[0].is_object:
            eps = ep_names(items[0])
            self.node = eps[0][1] if eps else items[0].get("device") or items[0]
        else:
            self.node = system.node

    @property
    def runs_here(self) -> bool:
        return self.type in _HERE


def target_used(ctx: RuleContext) -> bool:
    """Olive's `target_not_used`, negated: an evaluator (engine or pass), or a pass that runs on the target."""
    view = ctx.view
    if view is None:
        return False
    prop = view.engine_params.get("evaluator")
    if prop is not None and prop.value is not None and prop.value.kind != "null":
        return True
    for entry in view.passes:
        evaluator = entry.node.get("evaluator") if entry.node.is_object else None
        if evaluator is not None and evaluator.kind != "null":
            return True
        spec = ctx.model.pass_spec(entry.type_name)
        if spec is not None and spec.run_on_target:
            return True
    return False


def _target_python(ctx: RuleContext, target: _Target) -> tuple[str | None, Environment | None]:
    """The Python that runs the target's sessions, and what it has installed (None: unknown)."""
    if target.type == "PythonEnvironment":
        prop = target.params.get("python_environment_path")
        raw = prop.value.value if prop is not None and prop.value is not None and isinstance(prop.value.value, str) else None
        folder = locate(raw, ctx) if raw else None
        python = python_in(str(folder)) if folder is not None and folder.is_dir() else None
        if python is None:
            return None, None
        env = environment_for(python)
        return python, (None if env.error else env)
    env = ctx.environment
    if env is None:
        return None, None
    return env.python, (None if env.error else env)


def _gpu_packages(ep: str, ctx: RuleContext) -> tuple[str, ...]:
    package = ctx.model.provider_package(ep)
    packages = (package,) if isinstance(package, str) else ()
    if ep in (CUDA_EP, "TensorrtExecutionProvider") and "onnxruntime-gpu" not in packages:
        packages += ("onnxruntime-gpu",)
    return packages


def _machine_target(ctx: RuleContext) -> tuple[Machine, _Target] | None:
    target = _Target(ctx)
    if not target.ep or not target.runs_here:
        return None
    return current_machine(), target


# ---------------------------------------------------------------------------------------------------------------
# GPUs and drivers


@rule(
    "OLV610",
    "no-nvidia-driver",
    "The target uses CUDA or TensorRT, but this machine has no NVIDIA driver (no nvidia-smi, no /proc/driver/nvidia).",
    WARNING,
    needs_environment=True,
)
def no_nvidia_driver(ctx: RuleContext):
    """Looked for as `nvidia-smi` on PATH and `/proc/driver/nvidia` (Linux). Without either, no CUDA or TensorRT
    session can start here. When the target is used (an evaluator, or a pass that runs on the target) Olive creates
    such sessions and the run fails or falls back to the CPU: a warning. Otherwise Olive only builds for the EP,
    which works on any machine, but the model cannot be evaluated or smoke-tested here: information."""
    found = _machine_target(ctx)
    if found is None:
        return
    machine, target = found
    if target.ep not in NVIDIA_EPS or (target.device not in (None, "gpu")) or machine.nvidia.driver_present:
        return
    where = "macOS has no CUDA" if machine.system == "Darwin" else "no nvidia-smi, no /proc/driver/nvidia"
    looked = (
        "macOS has no NVIDIA driver or CUDA."
        if machine.system == "Darwin"
        else "Looked for nvidia-smi on PATH and for /proc/driver/nvidia; neither is there."
    )
    fix = (
        "Run it on a machine with an NVIDIA GPU and its driver (`nvidia-smi` lists the GPU there), or target cpu with "
        "CPUExecutionProvider here."
    )
    if target_used(ctx):
        yield Finding(
            f"{target.ep} needs an NVIDIA GPU and driver; this machine has none ({where})",
            (target.node or ctx.doc.root).range,
            detail=(
                f"{looked} This workflow uses its target ({target.description}): an evaluator or a pass that runs on it makes "
                f"Olive create {target.ep} sessions, which cannot start without the driver (onnxruntime logs a CUDA "
                "failure and falls back to the CPU, or the evaluation fails). " + fix
            ),
        )
    else:
        yield Finding(
            f"The model is built for {target.ep}, which cannot run here: this machine has no NVIDIA driver",
            (target.node or ctx.doc.root).range,
            severity=INFORMATION,
            detail=(
                f"{looked} Nothing in this workflow runs on the target (no evaluator, no pass that runs on it), so Olive builds for "
                f"{target.ep} here without the GPU, but the model it makes cannot be evaluated or smoke-tested on this "
                "machine. " + fix
            ),
        )


def _provider_fix(ep: str, packages: tuple[str, ...]) -> str:
    if ep == CUDA_EP:
        return (
            "onnxruntime-gpu needs the CUDA and cuDNN libraries of its build (1.19 and newer: CUDA 12 and cuDNN 9). "
            'Install them as wheels with pip install "onnxruntime-gpu[cuda,cudnn]" (or install the CUDA toolkit and cuDNN '
            "and put their lib folders on LD_LIBRARY_PATH, PATH on Windows), and make sure the driver supports that CUDA "
            "version (nvidia-smi shows the highest it supports)."
        )
    if ep in TENSORRT_EPS:
        return (
            f"{ep} needs the TensorRT libraries (libnvinfer) besides CUDA and cuDNN: pip install tensorrt, or install "
            f"TensorRT and put its lib folder on LD_LIBRARY_PATH (PATH on Windows); the package is {packages[0] if packages else 'onnxruntime-gpu'}."
        )
    return f"Reinstall {packages[0] if packages else 'the onnxruntime flavour for it'}."


def _provider_probe(ctx: RuleContext):
    """(machine, target, python, probe) when the target's NVIDIA EP should load here and its package is installed."""
    found = _machine_target(ctx)
    if found is None:
        return None
    machine, target = found
    if target.ep not in NVIDIA_EPS or not machine.nvidia.driver_present or not target_used(ctx):
        return None  # no driver: OLV610; target not used: no session is created
    python, env = _target_python(ctx, target)
    packages = _gpu_packages(target.ep, ctx)
    if python is None or env is None or not any(env.has(p) for p in packages):
        return None  # the package is missing: OLV601
    probe = machine.providers(python, (target.ep,))
    if probe.error or target.ep not in probe.loads:
        return None
    return machine, target, python, packages, probe


@rule(
    "OLV611",
    "gpu-provider-not-loadable",
    "The onnxruntime of the Python that runs Olive cannot load the target's CUDA or TensorRT provider on this machine.",
    WARNING,
    needs_environment=True,
)
def gpu_provider_not_loadable(ctx: RuleContext):
    """Asked in a subprocess of that Python (never in olive-ls): `onnxruntime.get_available_providers()`, then a
    one-node session created with the provider, which must really use it. onnxruntime-gpu lists
    CUDAExecutionProvider even where its libraries are missing; a session then logs "Failed to load library
    libonnxruntime_providers_cuda.so" and runs on the CPU. Checked only when the target is used and the provider's
    package is installed (else OLV601 says so)."""
    found = _provider_probe(ctx)
    if found is None:
        return
    _machine, target, python, packages, probe = found
    ep = target.ep
    if probe.loads.get(ep) or probe.after_preload.get(ep):
        return
    said = probe.errors.get(ep) or "the session did not use it"
    version = f"onnxruntime {probe.onnxruntime}" if probe.onnxruntime else "onnxruntime"
    if ep not in probe.available:
        detail = (
            f"{ep} is not in onnxruntime.get_available_providers() ({', '.join(probe.available) or 'none'}) in {python}, "
            f"although {', '.join(p for p in packages)} is installed: the `onnxruntime` module that imports is another "
            "flavour's (several onnxruntime packages overwrite each other, see OLV602). Olive then fails with \"None of "
            f"the execution providers ['{ep}'] cannot be found in the target system\". Fix: pip uninstall every onnxruntime "
            f"package, then pip install {packages[0]}."
        )
    else:
        detail = (
            f"A session created with {ep} in {python} did not use it: {said}. Olive's sessions on the target then fail "
            f"or run on the CPU (\"{ep} is not in the session providers ['CPUExecutionProvider']\", microsoft/Olive#656). "
            + _provider_fix(ep, packages)
        )
    yield Finding(f"{version} cannot load {ep} on this machine", (target.node or ctx.doc.root).range, detail=detail)


@rule(
    "OLV612",
    "gpu-provider-needs-preload",
    "The target's CUDA or TensorRT provider loads only once CUDA/cuDNN libraries from the nvidia-* wheels are preloaded.",
    INFORMATION,
    needs_environment=True,
)
def gpu_provider_needs_preload(ctx: RuleContext):
    """onnxruntime 1.21+ finds CUDA and cuDNN in the nvidia-* wheels (the ones torch's CUDA build installs) only when
    they are loaded first: by `import torch` before onnxruntime, or `onnxruntime.preload_dlls()`. Olive imports
    torch early, so an Olive run most likely works; a plain onnxruntime or onnxruntime-genai program (a smoke test,
    your app) does not, unless it preloads them too."""
    found = _provider_probe(ctx)
    if found is None:
        return
    _machine, target, python, packages, probe = found
    ep = target.ep
    if probe.loads.get(ep) and probe.after_preload.get(ep):
        yield Finding(
            f"{ep} loads only after onnxruntime.preload_dlls() (CUDA/cuDNN from the nvidia-* wheels)",
            (target.node or ctx.doc.root).range,
            detail=(
                f"In {python}, a session on {ep} failed ({probe.errors.get(ep) or 'the provider did not load'}) and worked "
                "after onnxruntime.preload_dlls(). Olive imports torch first, which loads the same libraries, so `olive run` "
                "most likely works; programs that use the model with plain onnxruntime or onnxruntime-genai must call "
                "onnxruntime.preload_dlls() (or import torch) first, or have CUDA and cuDNN on the library path. "
                + _provider_fix(ep, packages)
            ),
        )


@rule(
    "OLV613",
    "directml-not-windows",
    "The target uses DmlExecutionProvider (DirectML), which exists only on Windows, and this machine is not Windows.",
    WARNING,
    needs_environment=True,
)
def directml_not_windows(ctx: RuleContext):
    """onnxruntime-directml is published for Windows only. When the target is used, Olive looks for the EP in this
    machine's onnxruntime and fails: "None of the execution providers ['DmlExecutionProvider'] cannot be found in the
    target system" (a warning). Otherwise it builds for DirectML here, and the model can only be tried on Windows
    (information)."""
    found = _machine_target(ctx)
    if found is None:
        return
    machine, target = found
    if target.ep != DML_EP or machine.system == "Windows":
        return
    system = {"Darwin": "macOS"}.get(machine.system, machine.system)
    if target_used(ctx):
        yield Finding(
            f"DmlExecutionProvider (DirectML) needs Windows; this machine runs {system}",
            (target.node or ctx.doc.root).range,
            detail=(
                f"This workflow uses its target ({target.description}), so Olive looks for DmlExecutionProvider in this "
                "machine's onnxruntime, and onnxruntime-directml exists only for Windows: the run fails with \"None of the "
                "execution providers ['DmlExecutionProvider'] cannot be found in the target system but at least one is "
                "required to run the workflow.\" Run it on Windows 10/11 with a DirectX 12 GPU, or drop the evaluator "
                "to only build the model here, or target CUDAExecutionProvider or CPUExecutionProvider on this machine."
            ),
        )
    else:
        yield Finding(
            f"The model is built for DirectML, which runs only on Windows (this machine runs {system})",
            (target.node or ctx.doc.root).range,
            severity=INFORMATION,
            detail=(
                "Nothing in this workflow runs on the target, so Olive builds the DirectML model here; it can be evaluated "
                "and smoke-tested only on Windows with onnxruntime-directml (or onnxruntime-genai-directml)."
            ),
        )


# ---------------------------------------------------------------------------------------------------------------
# The model's size: memory and disk



def hub_id(ctx: RuleContext) -> tuple[str, Node] | None:
    """The input model's model_path when it is a Hugging Face hub id (no such local path), with its node."""
    view = ctx.view
    if view is None or view.input_model is None:
        return None
    type_name = (view.input_model.type_name or "").lower()
    prop = view.input_model.params.get("model_path")
    raw = string_value(prop.value) if prop is not None else None
    if type_name not in HF_MODEL_TYPES or not raw or not raw.strip():
        return None
    raw = raw.strip()
    if locate(raw, ctx) is not None or looks_local(raw) or hf_repo_id_problem(raw) is not None:
        return None
    return raw, prop.value


def _hub_dirs(ctx: RuleContext, machine: Machine) -> list[Path]:
    """Hub caches a run could read: the environment's; without HF_HOME also the one `olive-ls run` sets up."""
    dirs = [Path(machine.hf.hub_dir)]
    folder = config_paths.config_folder(ctx.file_path)
    if not machine.hf.explicit and folder is not None:
        dirs.append(folder / OLIVE_LS_HF_HOME / "hub")
    return dirs


def cached_snapshot(ctx: RuleContext, machine: Machine, repo_id: str) -> Snapshot | None:
    """The repo's snapshot in the first cache that has one (a complete one preferred)."""
    found = [s for s in (find_snapshot(d, repo_id) for d in _hub_dirs(ctx, machine)) if s is not None]
    return next((s for s in found if s.complete), found[0] if found else None)


def _model_weights(ctx: RuleContext, machine: Machine) -> tuple[str, Weights, str] | None:
    """(kind 'hf' | 'onnx', weights, where they were read) of the input model, when its files are on this machine."""
    view = ctx.view
    if view is None or view.input_model is None:
        return None
    type_name = (view.input_model.type_name or "").lower()
    prop = view.input_model.params.get("model_path")
    raw = string_value(prop.value) if prop is not None else None
    if not raw:
        return None
    if type_name in ("hfmodel", "pytorchmodel"):
        path = locate(raw, ctx)
        if path is not None and path.is_dir():
            weights = hf_weights(path)
            return ("hf", weights, str(path)) if weights else None
        repo = hub_id(ctx)
        if repo is None:
            return None
        snapshot = cached_snapshot(ctx, machine, repo[0])
        if snapshot is None or snapshot.weights is None:
            return None
        return "hf", snapshot.weights, f"the Hugging Face cache ({snapshot.folder})"
    if type_name == "onnxmodel":
        path = locate(raw, ctx)
        weights = onnx_weights(path) if path is not None else None
        return ("onnx", weights, str(path)) if weights else None
    return None


def workflow_steps(ctx: RuleContext) -> list[tuple[Step, Node | None]]:
    steps = []
    for entry in ctx.view.passes if ctx.view is not None else []:
        spec = ctx.model.pass_spec(entry.type_name)
        if spec is None:
            continue
        precision = entry.param_value("precision")
        torch_dtype = entry.param_value("torch_dtype")
        step = Step(
            entry.name,
            spec.name,
            spec.is_onnx,
            precision if isinstance(precision, str) else None,
            torch_dtype if isinstance(torch_dtype, str) else None,
        )
        steps.append((step, entry.type_node))
    return steps


def _host_is_remote(ctx: RuleContext) -> bool:
    """The passes run on an AzureML host: not this machine's memory or disk."""
    view = ctx.view
    prop = view.engine_params.get("host") if view is not None else None
    if prop is None or prop.value is None:
        return False
    if prop.value.kind == "string":
        system = view.systems.get(prop.value.value)
        return system is not None and system.type_name == "AzureML"
    type_node = prop.value.get("type") if prop.value.is_object else None
    return type_node is not None and type_node.value == "AzureML"


@rule(
    "OLV614",
    "not-enough-memory",
    "The passes need more memory for this model than this machine has available (an estimate, with its basis).",
    WARNING,
    needs_environment=True,
)
def not_enough_memory(ctx: RuleContext):
    """The model's size comes from its weight files (a local folder, or the Hugging Face cache's snapshot of a hub
    id): the number of weights from the safetensors headers, else the files' size and config.json's dtype. The
    conversions to ONNX (ModelBuilder, OnnxConversion, OptimumConversion) load the model in fp32 (weights x 4 bytes)
    and hold about as much again while they write the ONNX model; a pass on an ONNX model holds it and its output.
    Compared with the memory available now (/proc/meminfo MemAvailable). Out of memory, the run is killed (exit code
    137, "Killed") or swaps for hours."""
    if _host_is_remote(ctx):
        return
    machine = current_machine()
    available = machine.memory.available
    if available is None:
        return
    model = _model_weights(ctx, machine)
    if model is None:
        return
    kind, weights, where = model
    steps = workflow_steps(ctx)
    estimate = memory_estimate(kind, weights, [s for s, _ in steps])
    if estimate is None or estimate.bytes <= available:
        return
    node = next((n for s, n in steps if s.name == estimate.step and n is not None), None)
    pass_type = next((s.pass_type for s, _ in steps if s.name == estimate.step), "The workflow")
    total = f" of {gib(machine.memory.total)}" if machine.memory.total else ""
    yield Finding(
        f"{pass_type} needs about {gib(estimate.bytes)} of memory for this model; {gib(available)} is available",
        node.range if node is not None else anchor_range(ctx),
        detail=(
            f"Estimate: {estimate.basis} (model from {where}). Available now: {gib(available)}{total} "
            f"({machine.memory.source}). Out of memory, the run is killed (exit code 137, \"Killed\", no Python traceback) "
            "or swaps for hours. Close other programs, run on a machine with more memory, or start from a smaller model."
        ),
    )


def _run_folder(ctx: RuleContext) -> Path:
    """Where relative output and cache paths resolve: the config's folder (`olive-ls run` runs there), else cwd."""
    return config_paths.config_folder(ctx.file_path) or Path.cwd()


def _folder_value(ctx: RuleContext, key: str) -> tuple[str | None, Node | None]:
    view = ctx.view
    prop = view.engine_params.get(key)
    if prop is None or prop.value is None:
        return None, None
    node = prop.value
    if node.kind == "string":
        return node.value, node
    if node.is_array and node.items and node.items[0].kind == "string":  # cache_dir: [local, shared]
        return node.items[0].value, node.items[0]
    return None, node


def _cache_dir(ctx: RuleContext) -> tuple[str, Node | None]:
    raw, node = _folder_value(ctx, "cache_dir")
    if raw is None:
        config = ctx.view.engine_params.get("cache_config")
        inner = config.value.get("cache_dir") if config is not None and config.value is not None and config.value.is_object else None
        if inner is not None and inner.kind == "string":
            raw, node = inner.value, inner
    return raw or ".olive-cache", node


@rule(
    "OLV615",
    "not-enough-disk",
    "The cache and output the passes write for this model need more disk than is free there (an estimate, with its basis).",
    WARNING,
    needs_environment=True,
)
def not_enough_disk(ctx: RuleContext):
    """Olive keeps every pass's output model in its cache (cache_dir, default .olive-cache) and copies the final one
    to output_dir. Each output's size is estimated from the model's weights and the pass's precision (int4 about
    0.75 bytes per weight, int8 1.1, fp16/bf16 2, fp32 4), and compared with the free space of the filesystems that
    hold them (relative paths from the config's folder, where `olive-ls run` starts Olive). Out of space, the run
    stops partway with OSError: [Errno 28] No space left on device."""
    if _host_is_remote(ctx):
        return
    machine = current_machine()
    model = _model_weights(ctx, machine)
    if model is None:
        return
    kind, weights, where = model
    steps = workflow_steps(ctx)
    estimate = disk_estimate(kind, weights, [s for s, _ in steps])
    if estimate is None:
        return
    cache_bytes, output_bytes, basis = estimate
    folder = _run_folder(ctx)
    cache_raw, cache_node = _cache_dir(ctx)
    output_raw, output_node = _folder_value(ctx, "output_dir")
    cache_path = folder / Path(cache_raw).expanduser()
    output_path = folder / Path(output_raw).expanduser() if output_raw else folder
    cache_disk, output_disk = machine.disk(cache_path), machine.disk(output_path)
    if cache_disk is None or output_disk is None:
        return
    same = cache_disk.device == output_disk.device if cache_disk.device is not None else cache_disk.path == output_disk.path
    checks = [(cache_bytes + output_bytes, output_disk, output_node or cache_node, "the cache and output")] if same else [
        (cache_bytes, cache_disk, cache_node, "the cache"),
        (output_bytes, output_disk, output_node, "the output"),
    ]
    for need, disk, node, what in checks:
        if need <= disk.free:
            continue
        yield Finding(
            _headline(
                f"This run needs about {gib(need)} of disk for {what}; {gib(disk.free)} is free on {disk.path}",
                f"This run needs about {gib(need)} of disk for {what}; {gib(disk.free)} is free there",
            ),
            node.range if node is not None else anchor_range(ctx),
            detail=(
                f"Estimate: {basis} (model from {where}; cache {cache_path}, output {output_path}). Out of space, the run "
                "stops partway with OSError: [Errno 28] No space left on device. Free some space, or point cache_dir and "
                "output_dir at a disk with room (a cache from earlier runs can be deleted)."
            ),
        )


HEADLINE_LIMIT = 120


def _headline(*candidates: str) -> str:
    """The first candidate that fits a headline (a hub id can be long); the last one, cut, when none does."""
    for text in candidates:
        if len(text) <= HEADLINE_LIMIT:
            return text
    return candidates[-1][: HEADLINE_LIMIT - 1] + "…"


# ---------------------------------------------------------------------------------------------------------------
# The Hugging Face cache, offline


def _offline_hub_model(ctx: RuleContext):
    if ctx.view is None:
        return None
    machine = current_machine()
    if not machine.hf.offline:
        return None
    repo = hub_id(ctx)
    if repo is None:
        return None
    adapter = ctx.view.input_model.params.get("adapter_path")
    has_adapter = adapter is not None and adapter.value is not None and adapter.value.kind != "null"
    return machine, repo[0], repo[1], cached_snapshot(ctx, machine, repo[0]), has_adapter


_REPO_INFO = (
    "Olive 0.13.0 also looks a hub id up with huggingface_hub.repo_info to make the model's cache key, which raises "
    "OfflineModeIsEnabled offline (no adapter_path skips it). "
)


@rule(
    "OLV616",
    "hf-model-not-cached",
    "HF_HUB_OFFLINE is set and the hub id in model_path is not in the local Hugging Face cache.",
    WARNING,
    needs_environment=True,
)
def hf_model_not_cached(ctx: RuleContext):
    """HF_HUB_OFFLINE (or TRANSFORMERS_OFFLINE) in the environment of olive-ls, which runs Olive with it, forbids
    downloads. The cache is where huggingface_hub looks: HF_HUB_CACHE, else HF_HOME/hub, else
    ~/.cache/huggingface/hub (and, without HF_HOME, the workspace cache `olive-ls run` sets up)."""
    found = _offline_hub_model(ctx)
    if found is None:
        return
    machine, repo, node, snapshot, has_adapter = found
    if snapshot is not None:
        return
    yield Finding.at(
        node,
        _headline(
            f"{machine.hf.offline_variable} is set and '{repo}' is not in the local Hugging Face cache",
            f"{machine.hf.offline_variable} is set and this hub id is not in the local Hugging Face cache",
        ),
        detail=(
            f"Looked in {', '.join(str(d) for d in _hub_dirs(ctx, machine))}. Offline, transformers cannot download it and "
            "the first pass that loads the model fails. " + ("" if has_adapter else _REPO_INFO)
            + f"Download it where there is network (huggingface-cli download {repo} --local-dir <folder>) and set "
            "model_path to that folder, or unset the variable to let Olive download it."
        ),
    )


@rule(
    "OLV617",
    "hf-snapshot-incomplete",
    "HF_HUB_OFFLINE is set and the cached snapshot of the hub id lacks weights, config.json or tokenizer files.",
    WARNING,
    needs_environment=True,
)
def hf_snapshot_incomplete(ctx: RuleContext):
    """A snapshot from a partial download (`huggingface-cli download ... config.json`, an interrupted one whose
    symlinks point at missing blobs, a sharded model with shards missing from its index) cannot load offline:
    transformers needs config.json and every weight shard, ModelBuilder the tokenizer files too."""
    found = _offline_hub_model(ctx)
    if found is None:
        return
    machine, repo, node, snapshot, _has_adapter = found
    if snapshot is None or snapshot.complete:
        return
    missing = snapshot.missing
    headline = f"The cached snapshot of '{repo}' has no {missing[0].split(' (')[0]}" + (" (and more)" if len(missing) > 1 else "")
    yield Finding.at(
        node,
        _headline(headline + f"; {machine.hf.offline_variable} forbids fetching it", headline, "The cached snapshot of this hub id is incomplete: it cannot load offline"),
        detail=(
            f"Snapshot {snapshot.folder} lacks {'; '.join(missing)}"
            + (f" (links to missing blobs: {', '.join(snapshot.broken_links[:3])})" if snapshot.broken_links else "")
            + ". Offline, nothing missing can be downloaded, so loading the model fails. Download the whole repo where "
            f"there is network (huggingface-cli download {repo}), or unset the variable."
        ),
    )


@rule(
    "OLV618",
    "hf-offline-hub-id",
    "HF_HUB_OFFLINE is set and model_path is a hub id: Olive 0.13.0 looks it up with repo_info, which fails offline.",
    WARNING,
    needs_environment=True,
)
def hf_offline_hub_id(ctx: RuleContext):
    """Olive 0.13.0 computes an HfModel's cache key with `huggingface_hub.repo_info(model_path).sha`
    (olive/model/config/model_config.py get_model_identifier) unless adapter_path is set, and repo_info raises
    OfflineModeIsEnabled when HF_HUB_OFFLINE is set, even for a model in the cache. Reported when the cache has a
    complete snapshot, whose folder then works as model_path (OLV616 and OLV617 cover the other cases)."""
    found = _offline_hub_model(ctx)
    if found is None:
        return
    machine, repo, node, snapshot, has_adapter = found
    if has_adapter or snapshot is None or not snapshot.complete:
        return
    yield Finding.at(
        node,
        _headline(
            f"{machine.hf.offline_variable} is set: Olive 0.13.0 cannot look up hub id '{repo}', although it is cached",
            f"{machine.hf.offline_variable} is set: Olive 0.13.0 cannot look up this hub id, although it is cached",
        ),
        detail=(
            "`olive run` fails before the first pass: huggingface_hub.repo_info raises OfflineModeIsEnabled (Cannot reach "
            f"https://huggingface.co/api/models/{repo}: offline mode is enabled). The model is complete in the cache: set "
            f"model_path to its snapshot folder {snapshot.folder}, which loads offline, or unset the variable."
        ),
    )
