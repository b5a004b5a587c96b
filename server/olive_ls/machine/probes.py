"""Probes of this machine: operating system, NVIDIA driver and GPUs, memory, free disk, the Hugging Face cache.

Standard library only, each probe fast and never raising: `nvidia-smi` is run (with a timeout) only when it is on
PATH, memory is one read of /proc/meminfo, disk one statvfs. Nothing here imports olive, torch or onnxruntime;
whether onnxruntime loads a provider is asked of the configured Python in a subprocess (providers.py).

`current_machine()` is what rules and `olive-ls doctor` read: this machine, re-probed after a few seconds, or the
machine a test put in place with `use_machine(...)`.
"""

from __future__ import annotations

import contextlib
import os
import platform
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Iterator, Mapping

from olive_ls.machine.description import DiskInfo, GpuInfo, HfCacheInfo, Machine, MemoryInfo, NvidiaInfo

PROC_DRIVER_NVIDIA = "/proc/driver/nvidia"
PROC_MEMINFO = "/proc/meminfo"
NVIDIA_SMI_TIMEOUT_S = 10.0
# Values of HF_HUB_OFFLINE that huggingface_hub reads as true (constants._is_true).
_TRUE = {"1", "ON", "YES", "TRUE"}


# ---------------------------------------------------------------------------------------------------------------
# NVIDIA


def probe_nvidia(path_env: str | None = None, proc_driver: str = PROC_DRIVER_NVIDIA) -> NvidiaInfo:
    """The driver as `nvidia-smi` and /proc/driver/nvidia show it; the GPUs when nvidia-smi answers."""
    smi = shutil.which("nvidia-smi", path=path_env)
    has_proc = os.path.isdir(proc_driver)
    version = _proc_driver_version(proc_driver) if has_proc else None
    if smi is None:
        return NvidiaInfo(smi=None, proc_driver=has_proc, driver_version=version)
    try:
        completed = subprocess.run(
            [smi, "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader,nounits"],
            capture_output=True,
            text=True,
            timeout=NVIDIA_SMI_TIMEOUT_S,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return NvidiaInfo(smi=smi, proc_driver=has_proc, driver_version=version, error=f"nvidia-smi did not answer within {NVIDIA_SMI_TIMEOUT_S:g} s")
    except OSError as exc:
        return NvidiaInfo(smi=smi, proc_driver=has_proc, driver_version=version, error=f"nvidia-smi could not run: {exc.strerror or exc}")
    if completed.returncode != 0:
        said = (completed.stdout.strip() or completed.stderr.strip() or f"exit code {completed.returncode}").splitlines()[0]
        return NvidiaInfo(smi=smi, proc_driver=has_proc, driver_version=version, error=f"nvidia-smi failed: {said}")
    gpus = []
    for line in completed.stdout.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) < 3 or not parts[0]:
            continue
        memory = int(float(parts[1])) if re.fullmatch(r"\d+(\.\d+)?", parts[1]) else None
        gpus.append(GpuInfo(name=parts[0], memory_mb=memory, driver_version=parts[2] or None))
        version = version or parts[2] or None
    return NvidiaInfo(smi=smi, proc_driver=has_proc, driver_version=version, gpus=tuple(gpus))


def _proc_driver_version(proc_driver: str) -> str | None:
    try:
        text = Path(proc_driver, "version").read_text(errors="replace")
    except OSError:
        return None
    match = re.search(r"Kernel Module\s+(?:for\s+\S+\s+)?([\d.]+)", text)
    return match.group(1) if match else None


# ---------------------------------------------------------------------------------------------------------------
# Memory


def probe_memory(meminfo: str = PROC_MEMINFO) -> MemoryInfo:
    """Total and available memory: /proc/meminfo on Linux, GlobalMemoryStatusEx on Windows, sysctl on macOS."""
    try:
        text = Path(meminfo).read_text()
    except OSError:
        text = None
    if text is not None:
        values = {}
        for line in text.splitlines():
            match = re.match(r"(\w+):\s+(\d+)\s*kB", line)
            if match:
                values[match.group(1)] = int(match.group(2)) * 1024
        if "MemAvailable" in values:
            return MemoryInfo(values.get("MemTotal"), values["MemAvailable"], f"{meminfo} MemAvailable")
        if "MemFree" in values:  # kernels before 3.14
            free = values["MemFree"] + values.get("Cached", 0) + values.get("Buffers", 0)
            return MemoryInfo(values.get("MemTotal"), free, f"{meminfo} MemFree+Cached+Buffers")
    if platform.system() == "Windows":
        return _windows_memory()
    total = None
    with contextlib.suppress(ValueError, OSError, AttributeError):
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return MemoryInfo(total, None, "sysconf (available memory unknown)" if total else "unknown")


def _windows_memory() -> MemoryInfo:  # pragma: no cover - Windows only
    try:
        import ctypes

        class MemoryStatus(ctypes.Structure):
            _fields_ = [
                ("dwLength", ctypes.c_ulong),
                ("dwMemoryLoad", ctypes.c_ulong),
                ("ullTotalPhys", ctypes.c_ulonglong),
                ("ullAvailPhys", ctypes.c_ulonglong),
                ("ullTotalPageFile", ctypes.c_ulonglong),
                ("ullAvailPageFile", ctypes.c_ulonglong),
                ("ullTotalVirtual", ctypes.c_ulonglong),
                ("ullAvailVirtual", ctypes.c_ulonglong),
                ("sullAvailExtendedVirtual", ctypes.c_ulonglong),
            ]

        status = MemoryStatus()
        status.dwLength = ctypes.sizeof(MemoryStatus)
        if ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):
            return MemoryInfo(int(status.ullTotalPhys), int(status.ullAvailPhys), "GlobalMemoryStatusEx")
    except Exception:
        pass
    return MemoryInfo(None, None, "unknown")


# ---------------------------------------------------------------------------------------------------------------
# Disk


def existing_folder(path: str | Path) -> Path | None:
    """The path if it is a folder, else its nearest existing parent folder (an output_dir not made yet)."""
    try:
        current = Path(os.path.expanduser(str(path))).absolute()
    except (OSError, ValueError, RuntimeError):
        return None
    for candidate in (current, *current.parents):
        try:
            if candidate.is_dir():
                return candidate
        except OSError:
            continue
    return None


def probe_disk(path: str | Path) -> DiskInfo | None:
    """Free and total space of the filesystem that holds `path` (or would, once it is created)."""
    folder = existing_folder(path)
    if folder is None:
        return None
    try:
        usage = shutil.disk_usage(folder)
        device = os.stat(folder).st_dev
    except OSError:
        return None
    return DiskInfo(path=str(folder), total=usage.total, free=usage.free, device=device)


# ---------------------------------------------------------------------------------------------------------------
# The Hugging Face cache


def hf_cache_info(environ: Mapping[str, str] | None = None) -> HfCacheInfo:
    """huggingface_hub.constants' HF_HOME and HF_HUB_CACHE, and HF_HUB_OFFLINE, for an environment (default: ours)."""
    env = os.environ if environ is None else environ

    def expand(value: str) -> str:
        return os.path.expandvars(os.path.expanduser(value))

    xdg = env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    home = expand(env["HF_HOME"]) if env.get("HF_HOME") else expand(os.path.join(xdg, "huggingface"))
    if env.get("HF_HUB_CACHE"):
        hub, source = expand(env["HF_HUB_CACHE"]), "HF_HUB_CACHE"
    elif env.get("HUGGINGFACE_HUB_CACHE"):
        hub, source = expand(env["HUGGINGFACE_HUB_CACHE"]), "HUGGINGFACE_HUB_CACHE"
    else:
        hub = os.path.join(home, "hub")
        source = "HF_HOME" if env.get("HF_HOME") else "default"
    offline_variable = None
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        value = env.get(name)
        if value:  # huggingface_hub: HF_HUB_OFFLINE or TRANSFORMERS_OFFLINE, the first one set decides
            if value.upper() in _TRUE:
                offline_variable = f"{name}={value}"
            break
    return HfCacheInfo(hub_dir=hub, home=home, source=source, offline=offline_variable is not None, offline_variable=offline_variable)


# ---------------------------------------------------------------------------------------------------------------
# The whole machine


def probe_machine() -> Machine:
    from olive_ls.machine.providers import probe_providers

    return Machine(
        system=platform.system() or "unknown",
        nvidia=_cached_nvidia(),
        memory=probe_memory(),
        hf=hf_cache_info(),
        disk_query=probe_disk,
        provider_query=probe_providers,
    )


# nvidia-smi costs a process start; GPUs and drivers do not come and go while an editor is open.
NVIDIA_TTL_S = 300.0
# Memory and the environment variables change: the rest is re-read after this long.
MACHINE_TTL_S = 5.0

_lock = threading.Lock()
_nvidia: tuple[float, NvidiaInfo] | None = None
_machine: tuple[float, Machine] | None = None
_override: list[Machine] = []


def _cached_nvidia() -> NvidiaInfo:
    global _nvidia
    now = time.monotonic()
    with _lock:
        if _nvidia is not None and now - _nvidia[0] < NVIDIA_TTL_S:
            return _nvidia[1]
    info = probe_nvidia()
    with _lock:
        _nvidia = (now, info)
    return info


def current_machine() -> Machine:
    """The machine the rules judge against: the one `use_machine` put in place, else this one (cached briefly)."""
    global _machine
    with _lock:
        if _override:
            return _override[-1]
        now = time.monotonic()
        if _machine is not None and now - _machine[0] < MACHINE_TTL_S:
            return _machine[1]
    machine = probe_machine()
    with _lock:
        _machine = (time.monotonic(), machine)
    return machine


@contextlib.contextmanager
def use_machine(machine: Machine) -> Iterator[Machine]:
    """Within the block, `current_machine()` is `machine` (tests describe a machine, as they build an Environment)."""
    with _lock:
        _override.append(machine)
    try:
        yield machine
    finally:
        with _lock:
            _override.remove(machine)


def clear_caches() -> None:
    """Forget what was probed (the next call probes again); provider answers included."""
    global _nvidia, _machine
    from olive_ls.machine import providers

    with _lock:
        _nvidia = None
        _machine = None
    providers.clear_cache()
