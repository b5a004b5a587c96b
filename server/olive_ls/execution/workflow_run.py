"""Running an Olive workflow config in a subprocess, with progress, cancellation and mapped errors.

    result = await run_workflow(Path("samples/tiny-llama/config.json"), on_progress=print)

The command is an argv list, never a shell string::

    [python, "-m", "olive", "run", "--config", <absolute config path>, "--disable_telemetry"]

(plus ``--log_level 1`` when the config asks for less than INFO logging, because progress and error mapping read
Olive's INFO lines; it changes nothing but verbosity). It runs with:

- cwd = the config's folder. Olive resolves relative `model_path`, `output_dir`, `cache_dir`, data paths and
  scripts against the current directory (engine.py:197 `Path(output_dir).resolve()`, HfModel's
  `model_path`), so a config behaves the same whether started from the editor or from a terminal in its folder.
- env: the caller's environment plus `env`, and
  - ``OLIVE_DISABLE_TELEMETRY=1`` and ``PYTHONUNBUFFERED=1`` (line-by-line progress);
  - ``HF_HOME=<config dir>/.olive-ls/hf-home`` unless HF_HOME is already set: ModelBuilder uses the HF hub cache
    as scratch space (model_builder.py:285-300) and hub downloads stay inside the workspace. HF_TOKEN_PATH keeps
    pointing at the default token file so that a `huggingface-cli login` still applies;
  - ``SYSTEM_TEAMFOUNDATIONCOLLECTIONURI=1`` unless a CI marker is already set (`suppress_heartbeat`). Olive
    0.13.0's `Telemetry()` logs a heartbeat event *before* it honours OLIVE_DISABLE_TELEMETRY / --disable_telemetry
    (olive/telemetry/telemetry.py:476-482), and `Telemetry.shutdown()` then spends ~8 s trying to export it.
    Olive skips the heartbeat when it detects CI (`_is_ci_environment`, the same variable list ORT uses to gate
    its own telemetry); this variable is one of that list that nothing else in the run reads (transformers and
    torch read `CI`, so that one is avoided). Measured on the tiny model: 14.2 s -> 6.3 s wall.
- a new session (process group), so that cancelling kills Olive *and everything it started*: SIGTERM to the
  group, SIGKILL after `grace_period_s`, then wait until no process of the group is left.

A second run of the same config (same resolved path) while one is in progress raises RunInProgressError.
Bad input (missing file, a folder, unreadable, not a config) raises ConfigInputError before anything starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from olive_ls.execution.config_file import (
    ConfigInputError,
    count_passes,
    engine_value,
    load_config,
    local_model_dir,
)
from olive_ls.execution.model_dir import ModelFootprint, find_model_dirs, footprint
from olive_ls.execution.olive_log import OliveOutputAnalyzer, RunError

__all__ = [
    "ConfigInputError",
    "RunError",
    "RunInProgressError",
    "RunResult",
    "RunStartError",
    "build_argv",
    "build_env",
    "is_running",
    "run_workflow",
    "running_configs",
]

LogCallback = Callable[[str], None]
ProgressCallback = Callable[[str, "int | None"], None]

# Olive's CI detection list (olive/telemetry/telemetry.py _CI_ENV_VARS); the first is set when none is.
_CI_MARKERS = (
    "CI",
    "TF_BUILD",
    "GITHUB_ACTIONS",
    "JENKINS_URL",
    "CODEBUILD_BUILD_ID",
    "BUILDKITE",
    "SYSTEM_TEAMFOUNDATIONCOLLECTIONURI",
)
_HEARTBEAT_OFF_VAR = "SYSTEM_TEAMFOUNDATIONCOLLECTIONURI"

# resolved config path -> monotonic start time
_RUNNING: dict[str, float] = {}


class RunInProgressError(RuntimeError):
    """A run of this config is already in progress (in this process)."""


class RunStartError(RuntimeError):
    """The Python interpreter could not be started."""


@dataclass
class RunResult:
    config_path: str
    returncode: int | None
    cancelled: bool
    duration_s: float
    produced_model: bool
    output_dirs: list[str] = field(default_factory=list)
    footprints: list[ModelFootprint] = field(default_factory=list)
    no_model_reason: str | None = None
    errors: list[RunError] = field(default_factory=list)
    warnings: list[RunError] = field(default_factory=list)
    log_path: str | None = None
    argv: list[str] = field(default_factory=list)
    pid: int | None = None  # Olive's process id, also its process group id on POSIX

    @property
    def footprint_summary(self) -> str:
        return "; ".join(f"{f.path}: {f.summary()}" for f in self.footprints)

    def to_json(self) -> dict[str, Any]:
        return {
            "config_path": self.config_path,
            "returncode": self.returncode,
            "cancelled": self.cancelled,
            "duration_s": round(self.duration_s, 3),
            "produced_model": self.produced_model,
            "output_dirs": self.output_dirs,
            "footprints": [f.to_json() for f in self.footprints],
            "no_model_reason": self.no_model_reason,
            "errors": [e.to_json() for e in self.errors],
            "warnings": [w.to_json() for w in self.warnings],
            "log_path": self.log_path,
            "argv": self.argv,
            "pid": self.pid,
        }


def is_running(config_path: Path | str) -> bool:
    return _key(config_path) in _RUNNING


def running_configs() -> list[str]:
    return sorted(_RUNNING)


def _key(config_path: Path | str) -> str:
    return str(Path(config_path).expanduser().resolve())


def build_argv(config_path: Path, config: dict[str, Any], python: str = sys.executable) -> list[str]:
    argv = [python, "-m", "olive", "run", "--config", str(Path(config_path).resolve()), "--disable_telemetry"]
    level = engine_value(config, "log_severity_level", 1)
    if isinstance(level, int) and level > 1:
        argv += ["--log_level", "1"]
    return argv


def workspace_state_dir(config_dir: Path) -> Path | None:
    """`<config dir>/.olive-ls`, created with a `.gitignore` of `*` so it never gets committed."""
    d = config_dir / ".olive-ls"
    try:
        d.mkdir(exist_ok=True)
        gi = d / ".gitignore"
        if not gi.exists():
            gi.write_text("# written by olive-ls: run state, logs, HF scratch space\n*\n", encoding="utf-8")
    except OSError:
        return None
    return d


def build_env(config_dir: Path, env: dict[str, str] | None = None, suppress_heartbeat: bool = True) -> dict[str, str]:
    out = dict(os.environ)
    if env:
        out.update(env)
    out["OLIVE_DISABLE_TELEMETRY"] = "1"
    out["PYTHONUNBUFFERED"] = "1"
    if "HF_HOME" not in out:
        state = workspace_state_dir(config_dir)
        if state is not None:
            if "HF_TOKEN_PATH" not in out:
                # the token file `huggingface-cli login` writes, which moves with HF_HOME otherwise
                out["HF_TOKEN_PATH"] = str(Path.home() / ".cache" / "huggingface" / "token")
            out["HF_HOME"] = str(state / "hf-home")
    if suppress_heartbeat and not any(out.get(v) for v in _CI_MARKERS):
        out[_HEARTBEAT_OFF_VAR] = "1"
    return out


async def run_workflow(
    config_path: Path,
    *,
    python: str = sys.executable,
    on_log: LogCallback | None = None,
    on_progress: ProgressCallback | None = None,
    cancel_event: asyncio.Event | None = None,
    env: dict[str, str] | None = None,
    grace_period_s: float = 5.0,
    suppress_heartbeat: bool = True,
    write_log: bool = True,
) -> RunResult:
    """Run `olive run` on `config_path` and report what happened.

    Raises ConfigInputError (unusable file), RunInProgressError (same config already running here) or
    RunStartError (`python` cannot be started). Everything else, including Olive failures, comes back in the
    RunResult. Cancelling the awaiting task, or setting `cancel_event`, kills the whole process tree.
    """
    config_path = Path(config_path).expanduser()
    key = _key(config_path)
    if key in _RUNNING:
        raise RunInProgressError(f"a run of {config_path} is already in progress")
    config = load_config(config_path)  # raises ConfigInputError
    _RUNNING[key] = time.monotonic()
    try:
        return await _run(
            Path(key),
            config,
            python=python,
            on_log=on_log,
            on_progress=on_progress,
            cancel_event=cancel_event,
            env=env,
            grace_period_s=grace_period_s,
            suppress_heartbeat=suppress_heartbeat,
            write_log=write_log,
        )
    finally:
        _RUNNING.pop(key, None)


async def _run(
    config_path: Path,
    config: dict[str, Any],
    *,
    python: str,
    on_log: LogCallback | None,
    on_progress: ProgressCallback | None,
    cancel_event: asyncio.Event | None,
    env: dict[str, str] | None,
    grace_period_s: float,
    suppress_heartbeat: bool,
    write_log: bool,
) -> RunResult:
    config_dir = config_path.parent
    argv = build_argv(config_path, config, python)
    run_env = build_env(config_dir, env, suppress_heartbeat)
    analyzer = OliveOutputAnalyzer(count_passes(config))

    log_file = None
    log_path: Path | None = None
    if write_log:
        state = workspace_state_dir(config_dir)
        if state is not None:
            with contextlib.suppress(OSError):
                (state / "logs").mkdir(exist_ok=True)
                log_path = state / "logs" / f"{config_path.name}.log"
                log_file = log_path.open("w", encoding="utf-8")

    def handle_line(raw: bytes) -> None:
        text = raw.decode("utf-8", "replace").rstrip("\r")
        if "\r" in text:  # progress bars redraw with \r: keep the final state
            segments = [s for s in text.split("\r") if s.strip()]
            text = segments[-1] if segments else ""
        if log_file is not None:
            log_file.write(text + "\n")
        if on_log is not None:
            on_log(text)
        for message, percent in analyzer.feed(text):
            if on_progress is not None:
                on_progress(message, percent)

    start = time.monotonic()
    if on_progress is not None:
        on_progress(f"Starting olive run for {config_path.name}", 0 if analyzer.total_passes else None)
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            cwd=str(config_dir),
            env=run_env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=(os.name == "posix"),
        )
    except OSError as exc:
        if log_file is not None:
            log_file.close()
        raise RunStartError(f"cannot start {python}: {exc.strerror or exc}") from None

    cancelled = False
    reader = asyncio.create_task(_pump(proc.stdout, handle_line))
    waiter = asyncio.create_task(proc.wait())
    canceller = asyncio.create_task(cancel_event.wait()) if cancel_event is not None else None
    try:
        pending = {waiter, reader} | ({canceller} if canceller else set())
        while not waiter.done() and pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            if canceller is not None and canceller in done and not waiter.done():
                cancelled = True
                if on_progress is not None:
                    on_progress("Cancelling: stopping Olive and its child processes", None)
                await _terminate_tree(proc, grace_period_s)
            if reader in done and reader.exception() is not None:
                # a callback raised: nobody reads the pipe any more, so stop Olive before it blocks on it
                await _terminate_tree(proc, 0.5)
                reader.result()
        await waiter
        # children that inherited stdout keep the pipe open after Olive exits: they are ours to end
        try:
            await asyncio.wait_for(asyncio.shield(reader), timeout=3.0)
        except asyncio.TimeoutError:
            await _terminate_tree(proc, 0.5)
            await reader
    except asyncio.CancelledError:
        # the caller cancelled the task (e.g. Ctrl-C under asyncio.run): end the tree, then let it propagate
        await asyncio.shield(_terminate_tree(proc, grace_period_s))
        reader.cancel()
        raise
    finally:
        if canceller is not None:
            canceller.cancel()
        if proc.returncode is None:
            await asyncio.shield(_terminate_tree(proc, 0.5))
        else:
            _signal_group(proc, signal.SIGKILL if os.name == "posix" else None)  # stragglers of a normal exit
        if log_file is not None:
            log_file.close()

    duration = time.monotonic() - start
    rc = proc.returncode
    if cancelled:
        return RunResult(
            config_path=str(config_path),
            returncode=rc,
            cancelled=True,
            duration_s=duration,
            produced_model=False,
            no_model_reason="the run was cancelled",
            log_path=str(log_path) if log_path else None,
            argv=argv,
            pid=proc.pid,
        )

    output_dirs: list[str] = []
    if analyzer.model_saved():
        roots = [Path(p) if Path(p).is_absolute() else config_dir / p for p in analyzer.saved_paths]
        if not roots:  # packaged output: look in output_dir
            out = engine_value(config, "output_dir")
            roots = [config_dir / out if out else config_dir]
        for root in roots:
            root = root.parent if root.suffix and not root.is_dir() else root
            dirs = find_model_dirs(root) or ([root] if root.is_dir() else [])
            for d in dirs:
                if str(d) not in output_dirs:
                    output_dirs.append(str(d))
    produced = rc == 0 and analyzer.model_saved() and bool(output_dirs)
    input_dir = local_model_dir(config, config_dir)
    footprints = [footprint(Path(d), input_dir) for d in output_dirs]
    errors = analyzer.errors(config, rc)
    return RunResult(
        config_path=str(config_path),
        returncode=rc,
        cancelled=False,
        duration_s=duration,
        produced_model=produced,
        output_dirs=output_dirs,
        footprints=footprints,
        no_model_reason=None if produced else analyzer.no_model_reason(rc),
        errors=errors,
        warnings=analyzer.warnings(config),
        log_path=str(log_path) if log_path else None,
        argv=argv,
        pid=proc.pid,
    )


async def _pump(stream: asyncio.StreamReader | None, handle_line: Callable[[bytes], None]) -> None:
    """Split the byte stream into lines ourselves: StreamReader.readline fails on lines over 64 KiB."""
    if stream is None:
        return
    buf = b""
    while True:
        chunk = await stream.read(65536)
        if not chunk:
            break
        buf += chunk
        while True:
            i = buf.find(b"\n")
            if i < 0:
                break
            line, buf = buf[:i], buf[i + 1 :]
            handle_line(line)
        if len(buf) > (1 << 20):  # a megabyte without a newline: flush it
            handle_line(buf)
            buf = b""
    if buf:
        handle_line(buf)


def _signal_group(proc: asyncio.subprocess.Process, sig: int | None) -> bool:
    """Send `sig` to the process group led by `proc`; False when the group no longer exists."""
    if os.name != "posix":
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
        return proc.returncode is None
    try:
        os.killpg(proc.pid, sig if sig is not None else 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return False


def group_alive(pgid: int) -> bool:
    if os.name != "posix":
        return False
    try:
        os.killpg(pgid, 0)
        return True
    except (ProcessLookupError, PermissionError):
        return False


async def _terminate_tree(proc: asyncio.subprocess.Process, grace_s: float) -> None:
    """SIGTERM the group, SIGKILL after `grace_s`, then wait until no member is left (up to 10 s)."""
    if os.name != "posix":
        if proc.returncode is None:
            await _windows_kill_tree(proc)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(proc.wait(), 10)
        return
    _signal_group(proc, signal.SIGTERM)
    try:
        await asyncio.wait_for(proc.wait(), timeout=max(grace_s, 0.01))
    except asyncio.TimeoutError:
        pass
    _signal_group(proc, signal.SIGKILL)
    with contextlib.suppress(Exception):
        await asyncio.wait_for(proc.wait(), 10)
    deadline = time.monotonic() + 10
    while group_alive(proc.pid) and time.monotonic() < deadline:
        _signal_group(proc, signal.SIGKILL)
        await asyncio.sleep(0.05)


async def _windows_kill_tree(proc: asyncio.subprocess.Process) -> None:  # pragma: no cover - not POSIX
    try:
        killer = await asyncio.create_subprocess_exec(
            "taskkill", "/F", "/T", "/PID", str(proc.pid),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )
        await killer.wait()
    except OSError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
