"""The machine a workflow runs on: GPUs and drivers, memory, disk, the Hugging Face cache, and whether a Python's
onnxruntime loads its GPU execution providers.

Shared by the machine rules (rules/machine.py, OLV610-OLV629) and `olive-ls doctor`. Pure Python: no pygls or
lsprotocol, and olive, torch and onnxruntime are never imported here (onnxruntime only in a subprocess of the
Python asked about, providers.py).

    machine = current_machine()        # this machine, or the one a test put in place:
    with use_machine(Machine(system="Linux", memory=MemoryInfo(16 * GB, 8 * GB))):
        ...
"""

from olive_ls.machine.description import (
    GB,
    DiskInfo,
    GpuInfo,
    HfCacheInfo,
    Machine,
    MemoryInfo,
    NvidiaInfo,
    ProviderProbe,
    gib,
)
from olive_ls.machine.probes import clear_caches, current_machine, hf_cache_info, probe_machine, use_machine

__all__ = [
    "GB",
    "DiskInfo",
    "GpuInfo",
    "HfCacheInfo",
    "Machine",
    "MemoryInfo",
    "NvidiaInfo",
    "ProviderProbe",
    "clear_caches",
    "current_machine",
    "gib",
    "hf_cache_info",
    "probe_machine",
    "use_machine",
]
