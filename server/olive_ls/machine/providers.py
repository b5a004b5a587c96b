"""Does a Python's onnxruntime really load an execution provider? Asked in a subprocess of that Python.

`onnxruntime.get_available_providers()` lists what the wheel was built with, not what loads: onnxruntime-gpu lists
CUDAExecutionProvider on a machine without CUDA or cuDNN, then logs "Failed to load library
libonnxruntime_providers_cuda.so ..." when a session asks for it and silently runs on the CPU. So the probe creates
a one-node session with each provider and checks `get_providers()`; when that fails and the onnxruntime has
`preload_dlls()` (1.21+: CUDA and cuDNN from the nvidia-* wheels, as an `import torch` first would load them), it
tries again after it.

onnxruntime is never imported in the olive-ls process: only the subprocess imports it. Answers are cached per
interpreter (its path and mtime) and set of providers.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time

from olive_ls.machine.description import ProviderProbe

PROBE_TIMEOUT_S = 60.0
MARK = "@@olive-ls-providers "
EP_MARK = "@@olive-ls-ep "

# Run by the other Python (3.8+, nothing beyond onnxruntime and the standard library). The model is a serialized
# ONNX ModelProto with one Identity node on a float tensor of shape [1], written by hand so that `onnx` is not needed.
_SCRIPT = r"""
import contextlib, io, json, sys
MARK, EP_MARK = %(mark)r, %(ep_mark)r
eps = json.loads(sys.argv[1])

def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)

def field(number, value):
    if isinstance(value, int):
        return varint(number << 3) + varint(value)
    if isinstance(value, str):
        value = value.encode()
    return varint(number << 3 | 2) + varint(len(value)) + value

def value_info(name):
    shape = field(2, field(1, field(1, 1)))          # TensorShapeProto{dim{dim_value: 1}}
    tensor = field(1, 1) + shape                      # elem_type FLOAT, shape
    return field(1, name) + field(2, field(1, tensor))

node = field(1, "x") + field(2, "y") + field(3, "n") + field(4, "Identity")
graph = field(1, node) + field(2, "g") + field(11, value_info("x")) + field(12, value_info("y"))
MODEL = field(1, 8) + field(7, graph) + field(8, field(1, "") + field(2, 13))

result = {"error": None, "loads": {}, "after_preload": {}, "errors": {}}
try:
    import onnxruntime as ort
except Exception as exc:
    result["error"] = "import onnxruntime failed: %%s: %%s" %% (type(exc).__name__, exc)
    print(MARK + json.dumps(result))
    sys.exit(0)
result["version"] = getattr(ort, "__version__", None)
try:
    available = list(ort.get_available_providers())
except Exception as exc:
    available = []
    result["error"] = "onnxruntime.get_available_providers() failed: %%s" %% exc
result["available"] = available
try:
    ort.set_default_logger_severity(3)
except Exception:
    pass

def attempt(ep):
    sys.stderr.write(EP_MARK + ep + "\n")
    sys.stderr.flush()
    said = io.StringIO()
    try:
        with contextlib.redirect_stdout(said):
            session = ort.InferenceSession(MODEL, providers=[ep])
        if ep not in session.get_providers():
            return False, said.getvalue().strip()
        import numpy
        session.run(None, {"x": numpy.zeros([1], dtype=numpy.float32)})
        return True, ""
    except Exception as exc:
        return False, ("%%s: %%s" %% (type(exc).__name__, exc)).strip()

for ep in eps:
    if ep not in available:
        result["loads"][ep] = False
        result["errors"][ep] = "not in onnxruntime.get_available_providers()"
        continue
    ok, why = attempt(ep)
    if not ok and hasattr(ort, "preload_dlls"):
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                ort.preload_dlls()
            ok2, _ = attempt(ep)
        except Exception:
            ok2 = False
        result["after_preload"][ep] = ok2
        ok = ok or ok2
    result["loads"][ep] = ok
    if why:
        result["errors"][ep] = why
print(MARK + json.dumps(result))
""" % {"mark": MARK, "ep_mark": EP_MARK}

# A probe that could not answer (a CUDA init that hung past the timeout) is asked again only after this long, so
# that diagnostics do not wait for it on every keystroke.
RETRY_AFTER_S = 300.0

# What a probe asked in the background says until it answers: no finding depends on it meanwhile.
PENDING = "is being asked in the background"

_lock = threading.Lock()
_cache: dict[tuple, tuple[float, ProviderProbe]] = {}
_in_flight: set[tuple] = set()
# Set by the language server (answer_in_background): a probe not cached yet runs in a thread of its own and the
# callback is told when it has answered, instead of the analysis waiting for it (a CUDA initialisation takes seconds,
# up to the timeout). The command line keeps waiting: `check` and `doctor` report what the probe says.
_on_answer: list = []


def answer_in_background(on_answer) -> None:
    """From now on, ask uncached probes in the background and call `on_answer()` (from that thread) when one answers;
    None: wait for them again."""
    with _lock:
        _on_answer[:] = [on_answer] if on_answer is not None else []


def probe_providers(python: str, eps: tuple[str, ...] | list[str], timeout: float = PROBE_TIMEOUT_S) -> ProviderProbe:
    """What `python`'s onnxruntime says about `eps` (never raises; `error` says why there is no answer, PENDING while
    a background probe has not answered)."""
    eps = tuple(dict.fromkeys(eps))
    try:
        stamp = os.stat(python).st_mtime_ns
        key = (os.path.realpath(python), stamp, eps)
    except OSError as exc:
        return ProviderProbe(python=python, error=f"could not run python {python}: {exc.strerror or exc}")
    now = time.monotonic()
    with _lock:
        cached = _cache.get(key)
        fresh = cached is not None and (cached[1].error is None or now - cached[0] < RETRY_AFTER_S)
        background = bool(_on_answer) and not fresh
        if background and key not in _in_flight:
            _in_flight.add(key)
            threading.Thread(target=_ask_in_background, args=(key, python, eps, timeout), name="olive-ls-provider-probe", daemon=True).start()
    if fresh:
        return cached[1]
    if background:
        return ProviderProbe(python=python, error=f"the onnxruntime probe of {python} {PENDING}")
    probe = _ask(python, eps, timeout)
    with _lock:
        _cache[key] = (now, probe)
    return probe


def _ask_in_background(key: tuple, python: str, eps: tuple[str, ...], timeout: float) -> None:
    probe = _ask(python, eps, timeout)
    with _lock:
        _cache[key] = (time.monotonic(), probe)
        _in_flight.discard(key)
        listeners = list(_on_answer)
    for on_answer in listeners:
        on_answer()


def clear_cache() -> None:
    with _lock:
        _cache.clear()
        _in_flight.clear()


def _ask(python: str, eps: tuple[str, ...], timeout: float) -> ProviderProbe:
    try:
        completed = subprocess.run(
            [python, "-c", _SCRIPT, json.dumps(list(eps))],
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
    except subprocess.TimeoutExpired:
        return ProviderProbe(python=python, error=f"python {python} did not answer within {timeout:g} s")
    except OSError as exc:
        return ProviderProbe(python=python, error=f"could not run python {python}: {exc.strerror or exc}")
    line = next((l for l in reversed(completed.stdout.splitlines()) if l.startswith(MARK)), None)
    if line is None:
        last = (completed.stderr or "").strip().splitlines()[-1:] or [f"exit code {completed.returncode}"]
        return ProviderProbe(python=python, error=f"the onnxruntime probe in {python} failed: {last[0]}")
    try:
        data = json.loads(line[len(MARK) :])
    except ValueError:
        return ProviderProbe(python=python, error=f"the onnxruntime probe in {python} printed no answer")
    logged = _logged_per_ep(completed.stderr or "")
    errors = dict(data.get("errors") or {})
    for ep, text in logged.items():
        if text and not data.get("loads", {}).get(ep):
            errors[ep] = (text + (" | " + errors[ep] if errors.get(ep) else "")).strip()
    return ProviderProbe(
        python=python,
        onnxruntime=data.get("version"),
        available=tuple(data.get("available") or ()),
        loads={str(k): bool(v) for k, v in (data.get("loads") or {}).items()},
        after_preload={str(k): bool(v) for k, v in (data.get("after_preload") or {}).items()},
        errors={str(k): _short(str(v)) for k, v in errors.items()},
        error=data.get("error"),
    )


def _logged_per_ep(stderr: str) -> dict[str, str]:
    """onnxruntime's own error lines (its C++ logger writes to stderr), by the EP being tried when they came."""
    found: dict[str, list[str]] = {}
    current = None
    for line in stderr.splitlines():
        if line.startswith(EP_MARK):
            current = line[len(EP_MARK) :].strip()
            found.setdefault(current, [])
            continue
        if current and line.strip() and ("error" in line.lower() or "fail" in line.lower()):
            found[current].append(line.strip())
    return {ep: " ".join(lines[:2]) for ep, lines in found.items() if lines}


def _short(text: str, limit: int = 400) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
