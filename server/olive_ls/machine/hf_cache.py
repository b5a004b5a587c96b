"""The local Hugging Face cache, read as huggingface_hub lays it out (never through huggingface_hub).

    <hub dir>/models--<org>--<name>/refs/main            the commit the snapshot of `main` is
    <hub dir>/models--<org>--<name>/snapshots/<commit>/  the files, symlinks into blobs/
    <hub dir>/models--<org>--<name>/blobs/               the downloaded contents

A snapshot is complete for Olive when it has config.json, the weights (every shard an index lists) and tokenizer
files; a symlink whose blob is missing (an interrupted download) does not count.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from olive_ls.machine.weights import Weights, hf_weights

TOKENIZER_FILES = (
    "tokenizer.json",
    "tokenizer.model",
    "tokenizer_config.json",
    "vocab.json",
    "vocab.txt",
    "spiece.model",
    "sentencepiece.bpe.model",
    "tiktoken.model",
)
# Walking the whole cache for its size stops after this long (a doctor line must not take seconds).
SIZE_WALK_BUDGET_S = 0.5


def repo_folder(hub_dir: str | Path, repo_id: str) -> Path:
    return Path(hub_dir) / ("models--" + repo_id.replace("/", "--"))


@dataclass(frozen=True)
class Snapshot:
    repo_id: str
    folder: str  # snapshots/<commit>
    revision: str
    has_config: bool
    weights: Weights | None
    missing_shards: tuple[str, ...] = ()
    tokenizer_files: tuple[str, ...] = ()
    broken_links: tuple[str, ...] = ()  # files whose blob is missing

    @property
    def missing(self) -> list[str]:
        """What Olive would miss offline: 'config.json', 'weights', 'tokenizer files', shard names."""
        out = []
        if not self.has_config:
            out.append("config.json")
        if self.weights is None:
            out.append("weights (*.safetensors or *.bin)")
        elif self.missing_shards:
            out.append(f"{len(self.missing_shards)} of the weight shards ({', '.join(self.missing_shards[:3])}{', ...' if len(self.missing_shards) > 3 else ''})")
        if not self.tokenizer_files:
            out.append("tokenizer files (tokenizer.json, tokenizer.model, tokenizer_config.json, vocab.json...)")
        return out

    @property
    def complete(self) -> bool:
        return not self.missing


def _exists(path: Path) -> bool:
    try:
        return path.exists()  # follows the symlink: False when the blob is gone
    except OSError:
        return False


def find_snapshot(hub_dir: str | Path, repo_id: str) -> Snapshot | None:
    """The snapshot of `main` (else the newest one) of a hub id in the cache; None when the cache has none."""
    repo = repo_folder(hub_dir, repo_id)
    snapshots = repo / "snapshots"
    try:
        candidates = [p for p in snapshots.iterdir() if p.is_dir()]
    except OSError:
        return None
    if not candidates:
        return None
    chosen = None
    try:
        commit = (repo / "refs" / "main").read_text().strip()
        chosen = next((p for p in candidates if p.name == commit), None)
    except OSError:
        pass
    if chosen is None:
        chosen = max(candidates, key=lambda p: p.stat().st_mtime)
    return read_snapshot(chosen, repo_id)


def read_snapshot(folder: Path, repo_id: str) -> Snapshot:
    try:
        entries = list(folder.iterdir())
    except OSError:
        entries = []
    names = {p.name for p in entries if _exists(p)}
    broken = tuple(sorted(p.name for p in entries if p.is_symlink() and not _exists(p)))
    weights = hf_weights(folder)
    missing_shards: list[str] = []
    for index_name in ("model.safetensors.index.json", "pytorch_model.bin.index.json"):
        if index_name in names:
            try:
                index = json.loads((folder / index_name).read_text())
                shards = sorted(set((index.get("weight_map") or {}).values()))
            except (OSError, ValueError, AttributeError):
                shards = []
            missing_shards = [s for s in shards if s not in names]
            break
    return Snapshot(
        repo_id=repo_id,
        folder=str(folder),
        revision=folder.name,
        has_config="config.json" in names,
        weights=weights,
        missing_shards=tuple(missing_shards),
        tokenizer_files=tuple(n for n in TOKENIZER_FILES if n in names) + tuple(sorted(n for n in names if n.endswith(".tiktoken"))),
        broken_links=broken,
    )


@dataclass
class CacheSize:
    bytes: int = 0
    models: int = 0
    complete: bool = True  # False when the walk ran out of time
    repos: list[str] = field(default_factory=list)


def cache_size(hub_dir: str | Path, budget_s: float = SIZE_WALK_BUDGET_S) -> CacheSize | None:
    """The bytes in every repo's blobs/ (snapshots are links into them); None when there is no cache folder."""
    root = Path(hub_dir)
    if not root.is_dir():
        return None
    result = CacheSize()
    deadline = time.monotonic() + budget_s
    try:
        repos = sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith(("models--", "datasets--", "spaces--")))
    except OSError:
        return result
    for repo in repos:
        if repo.name.startswith("models--"):
            result.models += 1
            result.repos.append(repo.name[len("models--") :].replace("--", "/", 1))
        for dirpath, _dirs, files in os.walk(repo / "blobs"):
            for name in files:
                try:
                    result.bytes += os.lstat(os.path.join(dirpath, name)).st_size
                except OSError:
                    pass
            if time.monotonic() > deadline:
                result.complete = False
                return result
    return result
