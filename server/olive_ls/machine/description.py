"""What olive-ls knows of the machine a workflow runs on: plain data, so that tests can describe any machine.

`Machine` is the whole description: the operating system, the NVIDIA driver and GPUs, memory, the Hugging Face
cache's location and offline switch. Two things depend on a path or an interpreter and are asked on demand:
`Machine.disk(path)` (the filesystem holding a folder) and `Machine.providers(python, eps)` (whether that Python's
onnxruntime loads an execution provider, asked in a subprocess). A real machine answers them with the probes
(probes.py, providers.py); a described one (tests) with the `disks` and `provider_probes` it was given.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Mapping

GB = 1024**3


def gib(size: float | int | None) -> str:
    """'12.3 GB' (binary gigabytes, as free and top show them), '512 MB' below one, '?' when unknown."""
    if size is None:
        return "?"
    if size >= GB:
        return f"{size / GB:.1f} GB"
    return f"{size / 1024**2:.0f} MB"


@dataclass(frozen=True)
class GpuInfo:
    name: str
    memory_mb: int | None = None
    driver_version: str | None = None


@dataclass(frozen=True)
class NvidiaInfo:
    """The NVIDIA driver as the machine shows it: `nvidia-smi` on PATH, `/proc/driver/nvidia` (Linux)."""

    smi: str | None = None  # the path of nvidia-smi, when on PATH
    proc_driver: bool = False  # /proc/driver/nvidia exists
    driver_version: str | None = None
    gpus: tuple[GpuInfo, ...] = ()
    # nvidia-smi is there but did not answer (driver/library mismatch, no device...).
    error: str | None = None

    @property
    def driver_present(self) -> bool:
        return bool(self.smi or self.proc_driver)


@dataclass(frozen=True)
class MemoryInfo:
    total: int | None = None  # bytes
    available: int | None = None  # bytes; what a new process can use without swapping
    source: str = ""  # "/proc/meminfo MemAvailable", ...


@dataclass(frozen=True)
class DiskInfo:
    path: str  # the folder measured: the nearest existing one of the path asked about
    total: int
    free: int
    device: int | None = None  # st_dev: two folders with the same one share their free space


@dataclass(frozen=True)
class HfCacheInfo:
    """Where huggingface_hub keeps downloads (as huggingface_hub.constants computes it) and whether it is offline."""

    hub_dir: str
    home: str
    source: str = "default"  # the variable that decided hub_dir: HF_HUB_CACHE, HUGGINGFACE_HUB_CACHE, HF_HOME...
    offline: bool = False
    offline_variable: str | None = None  # "HF_HUB_OFFLINE=1" when offline

    @property
    def explicit(self) -> bool:
        """HF_HOME or a hub-cache variable is set: `olive-ls run` then keeps it (else it uses a workspace folder)."""
        return self.source != "default"


@dataclass(frozen=True)
class ProviderProbe:
    """What one Python's onnxruntime said about execution providers, asked in a subprocess of that Python."""

    python: str
    onnxruntime: str | None = None  # the version of the module that imported
    available: tuple[str, ...] = ()  # onnxruntime.get_available_providers()
    # EP -> a tiny session created with it really uses it (get_providers() lists it).
    loads: Mapping[str, bool] = field(default_factory=dict)
    # EP -> it loaded only after onnxruntime.preload_dlls() (CUDA/cuDNN from the nvidia-* wheels, as torch brings them).
    after_preload: Mapping[str, bool] = field(default_factory=dict)
    # EP -> what onnxruntime said when it did not load.
    errors: Mapping[str, str] = field(default_factory=dict)
    # Set when the probe could not run at all (no onnxruntime, timeout...).
    error: str | None = None


DiskQuery = Callable[[str], "DiskInfo | None"]
ProviderQuery = Callable[[str, tuple], ProviderProbe]


@dataclass
class Machine:
    """One machine. Build it by hand in tests; `probe_machine()` (probes.py) describes this one."""

    system: str  # platform.system(): Linux, Windows, Darwin
    nvidia: NvidiaInfo = field(default_factory=NvidiaInfo)
    memory: MemoryInfo = field(default_factory=MemoryInfo)
    hf: HfCacheInfo = field(default_factory=lambda: HfCacheInfo(hub_dir=str(Path.home() / ".cache" / "huggingface" / "hub"), home=str(Path.home() / ".cache" / "huggingface")))
    # A described machine: folder prefix -> its filesystem ("" matches any path); None: measure for real.
    disks: Mapping[str, DiskInfo] | None = None
    # A described machine: python path -> its onnxruntime's answers ("" matches any python); None: ask for real.
    provider_probes: Mapping[str, ProviderProbe] | None = None
    # The real answers (set by probe_machine); not part of the description.
    disk_query: DiskQuery | None = field(default=None, repr=False, compare=False)
    provider_query: ProviderQuery | None = field(default=None, repr=False, compare=False)

    def disk(self, path: str | Path) -> DiskInfo | None:
        text = str(path)
        if self.disks is not None:
            best = None
            for prefix, info in self.disks.items():
                if text.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
                    best = (prefix, info)
            return best[1] if best else None
        return self.disk_query(text) if self.disk_query else None

    def providers(self, python: str, eps: tuple[str, ...] | list[str]) -> ProviderProbe:
        eps = tuple(eps)
        if self.provider_probes is not None:
            probe = self.provider_probes.get(python) or self.provider_probes.get("")
            return probe or ProviderProbe(python=python, error="not described")
        if self.provider_query is None:
            return ProviderProbe(python=python, error="not probed")
        return self.provider_query(python, eps)

    def to_json(self) -> dict:
        return {
            "system": self.system,
            "nvidia": {**asdict(self.nvidia), "driver_present": self.nvidia.driver_present},
            "memory": asdict(self.memory),
            "hf_cache": {**asdict(self.hf), "explicit": self.hf.explicit},
        }
