"""What is installed in a Python environment, read from package metadata: never by importing the packages.

`current_environment()` describes the interpreter olive-ls runs in; `environment_for(python)` asks another
interpreter (a virtual environment, a PythonEnvironment system) in a subprocess. Both are cached. Nothing here
imports olive, torch, onnxruntime or transformers: distribution names and versions come from the `*.dist-info`
folders (catalog/dist_info.py here; importlib.metadata in another interpreter's subprocess).

The environment rules (rules/environment.py) compare these against what a config needs. Tests build an
`Environment` by hand with the distributions they want, which keeps those rules deterministic.

Version handling is deliberately small (no `packaging`, which the base install does not have): `parse_version`,
`version_matches` for specifiers like `>=0.9,<0.15`, and `parse_requirement` for pip requirement strings.
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from typing import Mapping

from olive_ls.catalog.dist_info import normalized as normalise_name  # PEP 503, one definition

# Distributions that provide the `onnxruntime` module, each with its own execution providers. Installing two of them
# makes them overwrite each other's files: the last one installed wins (microsoft/Olive#323, #1901).
_NOT_FLAVOURS = ("onnxruntime-genai", "onnxruntime-extensions", "onnxruntime-tools")
GENAI_PREFIX = "onnxruntime-genai"

# Timeout for asking another interpreter what it has installed.
INSPECT_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class Environment:
    """One Python environment: its interpreter and its installed distributions (normalised name -> version)."""

    python: str
    distributions: Mapping[str, str] = field(default_factory=dict, hash=False)
    python_version: str = ""
    # Set when the environment could not be inspected; `distributions` is then empty and means nothing.
    error: str | None = None

    def __post_init__(self) -> None:
        normalised = {normalise_name(name): str(version) for name, version in dict(self.distributions).items()}
        object.__setattr__(self, "distributions", normalised)

    def has(self, name: str) -> bool:
        return normalise_name(name) in self.distributions

    def version(self, name: str) -> str | None:
        return self.distributions.get(normalise_name(name))

    def onnxruntime_flavours(self) -> list[str]:
        """Installed distributions that provide the `onnxruntime` module (onnxruntime, onnxruntime-gpu, ...)."""
        return sorted(
            name
            for name in self.distributions
            if (name == "onnxruntime" or name.startswith("onnxruntime-")) and not name.startswith(_NOT_FLAVOURS)
        )

    def genai_packages(self) -> list[str]:
        """Installed onnxruntime-genai distributions (onnxruntime-genai, -cuda, -directml...)."""
        return sorted(name for name in self.distributions if name.startswith(GENAI_PREFIX))

    def describe(self, name: str) -> str:
        """'name version' when installed, else just the name."""
        version = self.version(name)
        return f"{normalise_name(name)} {version}" if version else normalise_name(name)


# ---------------------------------------------------------------------------------------------------------------
# Versions, specifiers, requirements

_PRE_RANK = {"dev": -1, "a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2, "preview": 2}
_VERSION_RE = re.compile(r"^\s*v?(?:\d+!)?(?P<release>\d+(?:\.\d+)*)(?P<rest>[^+]*)(?:\+.*)?\s*$", re.IGNORECASE)


def parse_version(text: str) -> tuple:
    """A comparable key for a version string: release numbers padded to 4, then pre/dev/post ordering.

    '1.2' == '1.2.0'; '2.14.0rc1' < '2.14.0' < '2.14.0.post1'; local labels ('+cu121') are ignored.
    Unparseable text sorts lowest.
    """
    match = _VERSION_RE.match(str(text))
    if not match:
        return ((-1,), (-2, 0))
    release = tuple(int(part) for part in match.group("release").split("."))
    release = release + (0,) * max(0, 4 - len(release))
    while len(release) > 4 and release[-1] == 0:
        release = release[:-1]
    rest = match.group("rest").lower().lstrip(".-_")
    tag = (3, 0)  # a final release
    found = re.match(r"(dev|alpha|beta|preview|pre|rc|a|b|c|post|rev|r)[.\-_]?(\d*)", rest)
    if found:
        label, number = found.group(1), int(found.group(2) or 0)
        if label in ("post", "rev", "r"):
            tag = (4, number)
        else:
            tag = (_PRE_RANK[label], number)
    return (release, tag)


_SPEC_RE = re.compile(r"^\s*(~=|===|==|!=|<=|>=|<|>)?\s*([^\s,;]+)\s*$")


def version_matches(version: str, specifier: str) -> bool:
    """Whether `version` satisfies a comma-separated specifier such as '>=0.9,<0.15' (empty: always)."""
    key = parse_version(version)
    for clause in str(specifier).split(","):
        if not clause.strip():
            continue
        match = _SPEC_RE.match(clause)
        if not match:
            continue
        op, target = match.group(1) or "==", match.group(2)
        if op in ("==", "===", "!=") and target.endswith(".*"):
            prefix = target[:-2].split(".")
            same = str(version).split("+")[0].split(".")[: len(prefix)] == prefix
            if same != (op != "!="):
                return False
            continue
        other = parse_version(target)
        if op == "~=":
            # ~=X.Y.Z: >=X.Y.Z and the same X.Y
            prefix = other[0][: max(1, len(target.split(".")) - 1)]
            ok = key >= other and key[0][: len(prefix)] == prefix
        else:
            if op == "<" and other[1] == (3, 0) and key[0] == other[0] and key[1] < (3, 0):
                return False  # PEP 440: '<0.15' excludes 0.15's own pre-releases
            ok = {
                "==": key == other,
                "===": key == other,
                "!=": key != other,
                "<=": key <= other,
                ">=": key >= other,
                "<": key < other,
                ">": key > other,
            }[op]
        if not ok:
            return False
    return True


@dataclass(frozen=True)
class Requirement:
    name: str  # normalised
    specifier: str = ""
    extras: tuple[str, ...] = ()
    text: str = ""  # as written


_REQ_RE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?\s*(.*?)\s*(?:;.*)?$")


def parse_requirement(text: str) -> Requirement | None:
    """'accelerate>=0.30.0' -> Requirement('accelerate', '>=0.30.0'); 'nvidia-modelopt[onnx]' keeps its extras."""
    match = _REQ_RE.match(str(text))
    if not match:
        return None
    extras = tuple(e.strip() for e in (match.group(2) or "").split(",") if e.strip())
    specifier = match.group(3).strip().strip("()")
    return Requirement(normalise_name(match.group(1)), specifier, extras, str(text).strip())


def unmet(requirement: Requirement, environment: Environment) -> str | None:
    """Why the environment does not satisfy a requirement ('not installed', 'x 1.0 installed'), or None."""
    installed = environment.version(requirement.name)
    if installed is None:
        return "not installed"
    if requirement.specifier and not version_matches(installed, requirement.specifier):
        return f"{installed} installed"
    return None


# ---------------------------------------------------------------------------------------------------------------
# Reading an environment

def _distributions_here() -> dict[str, str]:
    """This process's distributions, read from their metadata folders on sys.path (the first one wins)."""
    from olive_ls.catalog.dist_info import installed_distributions

    return installed_distributions(sys.path)


def _path_fingerprint() -> tuple:
    """Changes when a package is installed or removed (the site-packages folders' mtimes change)."""
    stamps = []
    for entry in sys.path:
        try:
            stamps.append((entry, os.stat(entry or ".").st_mtime_ns))
        except OSError:
            continue
    return tuple(stamps)


_current_lock = threading.Lock()
_current: tuple[tuple, Environment] | None = None


def current_environment() -> Environment:
    """This interpreter's environment; re-read only when a sys.path folder changed."""
    global _current
    fingerprint = _path_fingerprint()
    with _current_lock:
        if _current is not None and _current[0] == fingerprint:
            return _current[1]
        environment = Environment(
            python=sys.executable or "python",
            distributions=_distributions_here(),
            python_version=platform.python_version(),
        )
        _current = (fingerprint, environment)
        return environment


# Run in the other interpreter: the same metadata walk, printed as JSON. Must work on Python 3.8+ and import nothing
# beyond the standard library.
_INSPECT_SCRIPT = r"""
import json, platform, sys
try:
    import importlib.metadata as md
except ImportError:
    md = None
found = {}
if md is not None:
    for dist in md.distributions():
        try:
            name = dist.metadata["Name"]
            version = dist.version
        except Exception:
            continue
        if name and version is not None and name.lower() not in found:
            found[name.lower()] = version
print(json.dumps({"python": sys.executable, "python_version": platform.python_version(),
                  "distributions": found, "has_metadata": md is not None}))
"""

_other_lock = threading.Lock()
_other: dict[tuple[str, int], Environment] = {}


def environment_for(python: str | os.PathLike, timeout: float = INSPECT_TIMEOUT_S) -> Environment:
    """The environment of another interpreter, asked in a subprocess; cached per path and mtime of the executable.

    Never raises: on failure the result has `error` set ("could not inspect python X: ...").
    """
    path = str(python)
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError as exc:
        return Environment(python=path, error=f"could not inspect python {path}: {exc.strerror or exc}")
    key = (os.path.realpath(path), stamp)
    with _other_lock:
        cached = _other.get(key)
    if cached is not None:
        return cached
    environment = _inspect(path, timeout)
    with _other_lock:
        _other[key] = environment
    return environment


def _inspect(path: str, timeout: float) -> Environment:
    def failed(why: str) -> Environment:
        return Environment(python=path, error=f"could not inspect python {path}: {why}")

    try:
        completed = subprocess.run(
            [path, "-c", _INSPECT_SCRIPT],
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return failed(f"it did not answer within {timeout:g} s")
    except OSError as exc:
        return failed(exc.strerror or str(exc))
    if completed.returncode != 0:
        last = (completed.stderr or "").strip().splitlines()[-1:] or [f"exit code {completed.returncode}"]
        return failed(last[0])
    try:
        data = json.loads((completed.stdout or "").strip().splitlines()[-1])
    except (ValueError, IndexError):
        return failed("it printed no package list")
    if not isinstance(data, dict) or not isinstance(data.get("distributions"), dict):
        return failed("it printed no package list")
    if not data.get("has_metadata", True):
        return failed("its Python has no importlib.metadata (Python 3.8 or newer is needed)")
    return Environment(
        python=str(data.get("python") or path),
        distributions={str(k): str(v) for k, v in data["distributions"].items()},
        python_version=str(data.get("python_version") or ""),
    )


def clear_caches() -> None:
    """Forget every inspected environment (for tests, or after the user changed an environment)."""
    global _current
    with _current_lock:
        _current = None
    with _other_lock:
        _other.clear()


def python_in(folder: str) -> str | None:
    """The python executable inside a folder given as a PythonEnvironment path (a bin/ or Scripts/ folder)."""
    import shutil

    return shutil.which("python", path=folder)
