"""Parent side of the smoke test: run smoke_worker in a subprocess and read its one JSON line.

    result = await smoke_test(Path("models/out"), prompt="Hello", max_tokens=32)

onnxruntime_genai is never imported here. The worker is started as
``python -m olive_ls.execution.smoke_worker MODEL_DIR --prompt ... --max-tokens N``; when `python` is another
interpreter (which may not have olive_ls), as ``python -I <path to smoke_worker.py> ...``: the worker imports
nothing from olive_ls, so any interpreter with onnxruntime-genai will do.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_PROMPT = "Write one sentence about the sea."

_WORKER_FILE = str(Path(__file__).resolve().with_name("smoke_worker.py"))


def _same_interpreter(python: str) -> bool:
    if python == sys.executable:
        return True
    try:
        return Path(python).resolve() == Path(sys.executable).resolve() and Path(python).absolute().parent == Path(
            sys.executable
        ).absolute().parent
    except OSError:
        return False


class SmokeInputError(Exception):
    """The model folder cannot be used (missing, not a folder); one-line message."""


@dataclass
class SmokeResult:
    ok: bool
    model_dir: str
    error: str | None = None
    kind: str | None = None  # on failure: input | not_genai | missing_package | load | tokenize | generate | crash | timeout
    text: str | None = None
    prompt_tokens: int | None = None
    generated_tokens: int | None = None
    generated_token_ids: list[int] | None = None  # the first 64
    time_to_first_token_s: float | None = None
    tokens_per_second: float | None = None
    peak_memory_mb: float | None = None
    model_size_mb: float | None = None
    load_s: float | None = None
    generation_s: float | None = None
    chat_template: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k != "raw"}
        return data

    def summary(self) -> str:
        if not self.ok:
            return f"smoke test failed: {self.error}"
        ttft = f"{self.time_to_first_token_s * 1000:.1f} ms" if self.time_to_first_token_s is not None else "?"
        tps = f"{self.tokens_per_second:.1f}" if self.tokens_per_second is not None else "?"
        lines = [
            f"model:        {self.model_dir} ({self.model_size_mb:.2f} MB on disk)",
            f"load:         {self.load_s:.2f} s; peak memory {self.peak_memory_mb} MB",
            f"prompt:       {self.prompt_tokens} tokens (chat template: {self.chat_template})",
            f"generated:    {self.generated_tokens} tokens; first token after {ttft}; {tps} tokens/s",
            f"text:         {self.text!r}",
        ]
        return "\n".join(lines)


async def smoke_test(
    model_dir: Path,
    *,
    prompt: str = DEFAULT_PROMPT,
    max_tokens: int = 32,
    python: str = sys.executable,
    chat_template: bool = True,
    timeout_s: float = 600.0,
    env: dict[str, str] | None = None,
) -> SmokeResult:
    """Load `model_dir` with onnxruntime-genai in a subprocess, generate up to `max_tokens` greedily.

    Raises SmokeInputError only for a missing path / a file instead of a folder. Every other problem (not a
    genai model, genai missing, load or generation failure, worker crash, timeout) is a SmokeResult with
    ok=False and a one-line `error`.
    """
    model_dir = Path(model_dir).expanduser()
    if not model_dir.exists():
        raise SmokeInputError(f"{model_dir}: no such folder")
    if not model_dir.is_dir():
        raise SmokeInputError(f"{model_dir}: not a folder (give the model folder that holds genai_config.json)")
    model_dir = model_dir.resolve()
    if not (model_dir / "genai_config.json").is_file():
        # same wording as the worker; no need to start a process for it
        return SmokeResult(
            ok=False,
            model_dir=str(model_dir),
            kind="not_genai",
            error=(
                f"{model_dir} is not an onnxruntime-genai model (no genai_config.json). Produce one with the "
                "ModelBuilder pass (a config with passes: {\"builder\": {\"type\": \"ModelBuilder\", "
                "\"precision\": \"int4\"}}, see `olive-ls new`), or `olive auto-opt ... --use_ort_genai`."
            ),
        )

    run_env = dict(os.environ)
    if env:
        run_env.update(env)
    run_env["PYTHONUNBUFFERED"] = "1"
    if _same_interpreter(python):
        launcher = [python, "-m", "olive_ls.execution.smoke_worker"]
    else:
        # Another interpreter (e.g. a venv with onnxruntime-genai-cuda) may not have olive_ls: run the worker file
        # itself, isolated (-I) so neither its folder nor our site-packages leak onto that interpreter's path.
        launcher = [python, "-I", _WORKER_FILE]
    argv = [*launcher, str(model_dir), "--prompt", prompt, "--max-tokens", str(int(max_tokens))]
    if not chat_template:
        argv.append("--no-chat-template")
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=run_env,
            start_new_session=(os.name == "posix"),
        )
    except OSError as exc:
        return SmokeResult(ok=False, model_dir=str(model_dir), kind="crash", error=f"cannot start {python}: {exc.strerror or exc}")
    try:
        stdout, stderr = await asyncio.wait_for(proc.communicate(), timeout=timeout_s)
    except asyncio.TimeoutError:
        _kill(proc)
        await proc.wait()
        return SmokeResult(ok=False, model_dir=str(model_dir), kind="timeout", error=f"the smoke test took longer than {timeout_s:.0f} s")
    except asyncio.CancelledError:
        _kill(proc)
        with contextlib.suppress(Exception):
            await asyncio.shield(proc.wait())
        raise
    payload = _last_json_line(stdout)
    if payload is None:
        tail = [ln for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
        last = tail[-1] if tail else "no output"
        return SmokeResult(
            ok=False,
            model_dir=str(model_dir),
            kind="crash",
            error=f"the smoke worker exited with code {proc.returncode} without a result: {last}",
        )
    return _result_from(payload, model_dir)


def _kill(proc: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if os.name == "posix":
            os.killpg(proc.pid, 9)
        else:
            proc.kill()


def _last_json_line(data: bytes) -> dict[str, Any] | None:
    for line in reversed(data.decode("utf-8", "replace").splitlines()):
        line = line.strip()
        if line.startswith("{"):
            with contextlib.suppress(ValueError):
                obj = json.loads(line)
                if isinstance(obj, dict) and "ok" in obj:
                    return obj
    return None


def _result_from(payload: dict[str, Any], model_dir: Path) -> SmokeResult:
    fields = {k: payload.get(k) for k in SmokeResult.__dataclass_fields__ if k not in ("ok", "model_dir", "raw")}
    return SmokeResult(ok=bool(payload.get("ok")), model_dir=str(payload.get("model_dir") or model_dir), raw=payload, **fields)
