"""The lines of `olive-ls doctor` about a Python environment and the machine: each fine, a warning or a problem,
with its fix.

Pure data in, `Check`s out: the environment is an `olive_ls.environment.Environment` (package metadata, or another
interpreter asked in a subprocess), the machine a `Machine`; what Olive version needs what (the compatibility table
of rules/environment.py) is passed in. Nothing here imports olive, torch or onnxruntime.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from olive_ls.environment import Environment, version_matches
from olive_ls.machine.description import Machine, gib
from olive_ls.machine.hf_cache import cache_size

OK = "ok"
INFO = "info"
WARNING = "warning"
PROBLEM = "problem"
STATUSES = (OK, INFO, WARNING, PROBLEM)

# GPU flavours of onnxruntime and onnxruntime-genai that need an NVIDIA driver.
NVIDIA_PACKAGES = ("onnxruntime-gpu", "onnxruntime-trt-rtx", "onnxruntime-genai-cuda", "onnxruntime-genai-trt-rtx")
DIRECTML_PACKAGES = ("onnxruntime-directml", "onnxruntime-genai-directml")
# EPs to ask a GPU onnxruntime about.
PROBED_EPS = {"onnxruntime-gpu": ("CUDAExecutionProvider",), "onnxruntime-trt-rtx": ("NvTensorRTRTXExecutionProvider",)}
# Below this much free disk where the cache and output go, a model conversion is likely to run out.
LOW_DISK_BYTES = 5 * 1024**3
LOW_MEMORY_BYTES = 4 * 1024**3


@dataclass
class Check:
    id: str  # stable key: "python", "olive-ai", "onnxruntime", ...
    label: str  # what the line is about, as printed
    status: str  # ok | info | warning | problem
    value: str  # what was found
    fix: str | None = None  # what to do, for a warning or a problem
    detail: str | None = None

    def to_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


def catalog_for(olive_version: str | None, shipped: list[str]) -> tuple[str | None, str | None]:
    """The catalog olive-ls checks configs against for this olive-ai (as load_catalog picks it), and a note when
    it is not that version's own."""
    releases = [v for v in shipped if v != "main"] or shipped
    if olive_version in shipped:
        return olive_version, None
    if not releases:
        return None, "no catalog is shipped"
    newest = releases[-1]
    if olive_version:
        return newest, f"no catalog for olive-ai {olive_version} is shipped; configs are checked against Olive {newest}"
    return newest, f"olive-ai is not installed; configs are checked against Olive {newest}"


def environment_checks(env: Environment, shipped: list[str], compatibility: dict) -> list[Check]:
    """Python, olive-ai and its catalog, onnxruntime flavours, onnxruntime-genai, pydantic, torch, transformers."""
    checks: list[Check] = []
    if env.error:
        checks.append(Check("python", "Python", PROBLEM, env.python, fix="point --python (or olive.python) at a working Python 3.10+ interpreter", detail=env.error))
        return checks
    python_ok = not env.python_version or version_matches(env.python_version, ">=3.10")
    checks.append(
        Check(
            "python",
            "Python",
            OK if python_ok else PROBLEM,
            f"{env.python_version or '?'} {env.python}",
            fix=None if python_ok else "olive-ai 0.13 needs Python 3.10 or newer: create the environment with a newer Python",
        )
    )

    olive = env.version("olive-ai")
    catalog, note = catalog_for(olive, shipped)
    if olive is None:
        checks.append(Check("olive-ai", "olive-ai", PROBLEM, "not installed", fix=f"pip install olive-ai=={catalog}" if catalog else "pip install olive-ai"))
    else:
        checks.append(Check("olive-ai", "olive-ai", OK, olive))
    checks.append(
        Check(
            "catalog",
            "olive-ls catalog",
            OK if note is None else (WARNING if olive else INFO),
            f"Olive {catalog}" if catalog else "none",
            fix=(f"generate one for this version: olive-ls catalog generate (with olive-ai {olive} installed)" if note and olive else None),
            detail=note,
        )
    )
    compat = compatibility.get(catalog or "", {})

    flavours = env.onnxruntime_flavours()
    installed = ", ".join(env.describe(f) for f in flavours)
    if not flavours:
        checks.append(Check("onnxruntime", "onnxruntime", PROBLEM, "not installed", fix="pip install onnxruntime (or onnxruntime-gpu, onnxruntime-directml, onnxruntime-qnn for your device); olive-ai does not install one"))
    elif len(flavours) > 1:
        keep = next((f for f in flavours if f != "onnxruntime"), flavours[0])
        checks.append(
            Check(
                "onnxruntime",
                "onnxruntime",
                PROBLEM,
                f"several flavours: {installed}",
                fix=f"keep one: pip uninstall -y {' '.join(flavours)} && pip install {keep}",
                detail="They all install the same `onnxruntime` module; whichever was installed last wins and the other execution providers disappear (microsoft/Olive#323, #1901).",
            )
        )
    else:
        checks.append(Check("onnxruntime", "onnxruntime", OK, installed))

    genai = env.genai_packages()
    works = compat.get("genai_works")
    if not genai:
        pin = f'"onnxruntime-genai{works}"' if works else "onnxruntime-genai"
        checks.append(Check("onnxruntime-genai", "onnxruntime-genai", WARNING if olive else INFO, "not installed", fix=f"ModelBuilder needs it and no olive-ai extra installs it: pip install {pin}"))
    else:
        broken = [(p, env.version(p)) for p in genai if works and env.version(p) and not version_matches(env.version(p), works)]
        value = ", ".join(env.describe(p) for p in genai)
        if broken:
            package, version = broken[0]
            said = next((m for spec, m in compat.get("genai_breaks", []) if version_matches(version, spec)), "never verified to work")
            checks.append(
                Check(
                    "onnxruntime-genai",
                    "onnxruntime-genai",
                    PROBLEM,
                    value,
                    fix=f'pip install "{package}{works}" ({compat.get("genai_verified", "?")} verified with Olive {catalog})',
                    detail=f"Olive {catalog}'s ModelBuilder works with onnxruntime-genai{works}; with {version}: {said}.",
                )
            )
        else:
            checks.append(Check("onnxruntime-genai", "onnxruntime-genai", OK, value))

    pydantic = env.version("pydantic")
    crash = compat.get("pydantic_evaluator_crash")
    if pydantic is None:
        checks.append(Check("pydantic", "pydantic", PROBLEM if olive else INFO, "not installed", fix="pip install \"pydantic<2.14\"" if olive else None))
    elif crash and version_matches(pydantic, crash):
        checks.append(
            Check(
                "pydantic",
                "pydantic",
                WARNING,
                pydantic,
                fix='pip install "pydantic<2.14"',
                detail=f"With any evaluator, Olive {catalog}'s `olive run` crashes in engine.initialize: {compat.get('pydantic_evaluator_message', '')}",
            )
        )
    else:
        checks.append(Check("pydantic", "pydantic", OK, pydantic))

    for name, why in (("torch", "olive-ai needs it for PyTorch and Hugging Face models"), ("transformers", "olive-ai needs it for Hugging Face models")):
        version = env.version(name)
        if version:
            checks.append(Check(name, name, OK, version))
        else:
            checks.append(Check(name, name, PROBLEM if olive else INFO, "not installed", fix=f"pip install {name} ({why})" if olive else None))
    return checks


def machine_checks(env: Environment | None, machine: Machine, work_folder: Path, *, probe_gpu: bool = True) -> list[Check]:
    """GPUs and driver, the GPU onnxruntime's provider, DirectML, memory, disk, the Hugging Face cache."""
    checks: list[Check] = []
    nvidia = machine.nvidia
    gpu_packages = [p for p in NVIDIA_PACKAGES if env is not None and env.has(p)]
    if nvidia.driver_present:
        gpus = "; ".join(f"{g.name}" + (f" ({g.memory_mb / 1024:.0f} GB)" if g.memory_mb else "") for g in nvidia.gpus) or "no GPU listed"
        driver = f"driver {nvidia.driver_version}" if nvidia.driver_version else "driver present"
        if nvidia.error:
            checks.append(Check("gpu", "NVIDIA GPU", WARNING, f"{driver}; {nvidia.error}", fix="check the driver install: nvidia-smi must list the GPU (a driver/library version mismatch needs a reboot or a reinstall)"))
        else:
            checks.append(Check("gpu", "NVIDIA GPU", OK if nvidia.gpus else WARNING, f"{driver}, {gpus}", fix=None if nvidia.gpus else "nvidia-smi lists no GPU: check the driver and that the GPU is visible (CUDA_VISIBLE_DEVICES, container --gpus)"))
    else:
        where = "no nvidia-smi on PATH, no /proc/driver/nvidia"
        if gpu_packages:
            checks.append(
                Check(
                    "gpu",
                    "NVIDIA GPU",
                    WARNING,
                    f"none ({where})",
                    fix=f"{', '.join(gpu_packages)} is installed but cannot use a GPU here: install the NVIDIA driver, or use the CPU packages (onnxruntime, onnxruntime-genai)",
                )
            )
        else:
            checks.append(Check("gpu", "NVIDIA GPU", OK, f"none ({where}): CPU and non-NVIDIA targets only"))

    if env is not None and not env.error and probe_gpu and nvidia.driver_present:
        for package, eps in PROBED_EPS.items():
            if not env.has(package):
                continue
            probe = machine.providers(env.python, eps)
            for ep in eps:
                if probe.error:
                    checks.append(Check(f"provider:{ep}", ep, WARNING, f"could not be asked: {probe.error}"))
                elif probe.loads.get(ep) and probe.after_preload.get(ep):
                    checks.append(Check(f"provider:{ep}", ep, INFO, f"loads only after onnxruntime.preload_dlls() (onnxruntime {probe.onnxruntime})", detail=probe.errors.get(ep)))
                elif probe.loads.get(ep):
                    checks.append(Check(f"provider:{ep}", ep, OK, f"loads (onnxruntime {probe.onnxruntime})"))
                else:
                    checks.append(
                        Check(
                            f"provider:{ep}",
                            ep,
                            PROBLEM,
                            f"does not load: {probe.errors.get(ep) or 'the session ran on the CPU'}",
                            fix='pip install "onnxruntime-gpu[cuda,cudnn]" (CUDA 12 and cuDNN 9 as wheels), or install CUDA and cuDNN and put them on LD_LIBRARY_PATH',
                        )
                    )

    directml = [p for p in DIRECTML_PACKAGES if env is not None and env.has(p)]
    if directml and machine.system != "Windows":
        checks.append(Check("directml", "DirectML", PROBLEM, f"{', '.join(directml)} installed on {machine.system}", fix=f"DirectML exists only on Windows: pip uninstall {' '.join(directml)} and install the CPU or CUDA packages"))

    memory = machine.memory
    if memory.available is None:
        checks.append(Check("memory", "Memory", INFO, f"unknown ({memory.source or 'no probe for this system'})"))
    else:
        value = f"{gib(memory.available)} available of {gib(memory.total)}"
        low = memory.available < LOW_MEMORY_BYTES
        checks.append(
            Check(
                "memory",
                "Memory",
                WARNING if low else OK,
                value,
                fix="converting even a 1B model to ONNX takes about 8 GB: close programs or use a bigger machine" if low else None,
                detail=memory.source,
            )
        )

    disk = machine.disk(work_folder)
    if disk is None:
        checks.append(Check("disk", "Disk", INFO, f"unknown for {work_folder}"))
    else:
        low = disk.free < LOW_DISK_BYTES
        checks.append(
            Check(
                "disk",
                "Disk",
                WARNING if low else OK,
                f"{gib(disk.free)} free of {gib(disk.total)} on {disk.path}",
                fix="a converted LLM and Olive's cache take several GB: free space or point cache_dir/output_dir at a bigger disk" if low else None,
                detail="where relative output_dir and cache_dir go (the config's folder, where olive-ls run starts Olive)",
            )
        )

    hf = machine.hf
    size = cache_size(hf.hub_dir)
    if size is None:
        found = "empty (no folder yet)"
    else:
        found = f"{size.models} model(s), {gib(size.bytes)}" + ("" if size.complete else "+ (counting stopped)")
    where = f"{hf.hub_dir} ({'from ' + hf.source if hf.explicit else 'default'})"
    offline = f"offline ({hf.offline_variable}): hub ids must be in this cache" if hf.offline else "online (HF_HUB_OFFLINE not set)"
    checks.append(Check("hf-cache", "Hugging Face cache", OK, f"{where}: {found}; {offline}"))
    return checks
