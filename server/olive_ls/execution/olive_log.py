"""Reading `olive run` output: progress, the output model, and failures mapped back to config keys.

Olive 0.13.0 logs through `olive.logging` with the format
``[2026-11-25 11:10:14,457] [INFO] [engine.py:665:_run_pass] Running pass builder:modelbuilder``; the lines this
module reacts to were taken from real runs (olive/engine/engine.py):

- ``Running workflow <id>``                                   run.py:99
- ``Running pass <name>:<type>``                              engine.py:665
- ``Pass <name>:<type> finished in <s> seconds``              engine.py:733
- ``Loaded model from cache: <id>``                           engine.py:702
- ``Invalid config, pruned.``                                 engine.py:670, right after the pass's own reason,
  e.g. ``[model_builder.py:194:validate_config] FP16 is not supported on CPU.``
- ``Flow ['builder'] is pruned due to failed or invalid config for pass 'builder'``   engine.py:332
- ``Pass run failed.`` + traceback                            engine.py:728
- ``Saved output model to <dir>``                             engine.py:235
- ``No output model produced. Please check the log for details.``   engine.py:237 (and the process exits 0!)
- ``Keys {'int4_blocksize'} are not part of ModelBuilderConfig. Ignoring them.``   config_utils.py:383

Failures that stop Olive end the output with a Python traceback; configuration problems are pydantic
`ValidationError`s, either for `RunConfig` (config-time) or for `<PassType>Config` (when the pass config is
built, e.g. ``1 validation error for ModelBuilderConfig / precision / Input should be 'int4', ...``).
Nothing here imports Olive.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

from olive_ls.execution.config_file import (
    engine_key_path,
    find_string_refs,
    get_at,
    pass_entries,
    pass_param_path,
    pass_param_value,
    resolve_loc,
)

LOG_LINE_RE = re.compile(
    r"^\[(?P<time>\d{4}-\d\d-\d\d [\d:,]+)\] \[(?P<level>[A-Z]+)\] \[(?P<source>[^\]]*)\] (?P<message>.*)$"
)
_RUNNING_WORKFLOW_RE = re.compile(r"^Running workflow (?P<id>\S+)$")
_RUNNING_PASS_RE = re.compile(r"^Running pass (?P<name>.+):(?P<type>[^:]+)$")
_PASS_FINISHED_RE = re.compile(r"^Pass (?P<name>.+):(?P<type>[^:]+) finished in (?P<secs>[\d.]+) seconds$")
_FLOW_PRUNED_RE = re.compile(r"^Flow (?P<flow>\[.*\]) is pruned due to failed or invalid config for pass '(?P<name>.+)'$")
_SAVED_RE = re.compile(r"^Saved output model to (?P<path>.+)$")
_KEYS_IGNORED_RE = re.compile(r"^Keys (?P<keys>\{.*\}) are not part of (?P<cls>\w+)\. Ignoring them\.$")
_VALIDATION_HEADER_RE = re.compile(r"(?P<n>\d+) validation errors? for (?P<model>\S+)")
_PYDANTIC_MSG_RE = re.compile(
    r"^  (?P<msg>.*?)(?: \[type=(?P<type>[^,\]]+)(?:, input_value=(?P<value>.*), input_type=(?P<vtype>[\w.]+))?\])?$"
)
_NOT_FOUND_RE = re.compile(r"^(?P<name>.+?) not found in (?P<known>\{.*\})\s*$", re.S)
_UNKNOWN_PASS_RE = re.compile(r"Package configuration for pass of type '(?P<type>[^']+)' not found")
_NO_MODULE_LINE_RE = re.compile(r"^(?P<exe>\S.*): No module named (?P<mod>[\w.]+)$")
_CASCADE_RE = re.compile(r"^(Value error, )?Invalid (engine|systems|evaluators|data_configs|passes)$")
_HUB_EXC_NAMES = (
    "HFValidationError",
    "OfflineModeIsEnabled",
    "RepositoryNotFoundError",
    "GatedRepoError",
    "ConnectError",
    "ConnectionError",
    "LocalEntryNotFoundError",
)


@dataclass
class LogRecord:
    level: str
    source: str
    message: str


def parse_log_line(line: str) -> LogRecord | None:
    m = LOG_LINE_RE.match(line)
    if not m:
        return None
    return LogRecord(m.group("level"), m.group("source"), m.group("message"))


@dataclass
class RunError:
    """One problem found in a run. `config_path` uses the config's own keys (as written by the user: flat or
    nested `config`, top-level or `engine.` keys), e.g. ("passes", "builder", "precision"); None when the
    failure cannot be tied to a key."""

    message: str
    config_path: tuple[str | int, ...] | None = None
    kind: str = "error"  # validation | reference | unknown_pass | pruned | pass_failed | model_path | crash | ignored_key
    detail: str | None = None  # the raw exception or log text the message was made from

    def to_json(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "config_path": list(self.config_path) if self.config_path is not None else None,
            "kind": self.kind,
            "detail": self.detail,
        }


@dataclass
class _Traceback:
    frames: list[str] = field(default_factory=list)
    exc_type: str = ""
    message_lines: list[str] = field(default_factory=list)
    pass_name: str | None = None  # the pass running when it happened
    logged: bool = False  # printed by logger.exception (Olive carried on) rather than escaping
    superseded: bool = False  # the cause of a later traceback in the same chain

    @property
    def message(self) -> str:
        return "\n".join(self.message_lines).strip()

    @property
    def short_type(self) -> str:
        return self.exc_type.rsplit(".", 1)[-1]

    def key(self) -> tuple:
        return (self.exc_type, self.message)


class OliveOutputAnalyzer:
    """Feed it `olive run` output line by line; it reports progress and, at the end, what happened."""

    def __init__(self, total_passes: int = 0):
        self.total_passes = total_passes
        self.done_passes = 0
        self.current_pass: tuple[str, str] | None = None
        self.saved_paths: list[str] = []
        self.packaged = False
        self.no_output_logged = False
        self.pruned: list[tuple[str, str]] = []  # (pass name, reason)
        self.flow_pruned: list[str] = []
        self.failed_passes: list[str] = []
        self.ignored_keys: list[tuple[set[str], str, str | None]] = []  # (keys, config class, pass running)
        self.error_records: list[LogRecord] = []
        self.tracebacks: list[_Traceback] = []
        self._recent: list[LogRecord] = []  # records since "Running pass"
        self._tb: _Traceback | None = None
        self._tb_state = "idle"  # idle | frames | message
        self._prev_rec: LogRecord | None = None
        self.missing_module: tuple[str, str] | None = None
        self._chain_logged = False

    # ---------------------------------------------------------------------------------------------- progress
    def percent(self) -> int | None:
        if not self.total_passes:
            return None
        return min(95, int(5 + 90 * self.done_passes / self.total_passes))

    def feed(self, line: str) -> list[tuple[str, int | None]]:
        """Consume one output line; return progress events (message, percent or None)."""
        rec = parse_log_line(line)
        self._feed_traceback(line, rec)
        if rec is None:
            if m := _NO_MODULE_LINE_RE.match(line.strip()):  # `python -m olive` without olive installed
                self.missing_module = (m.group("exe"), m.group("mod"))
            return []
        msg = rec.message
        events: list[tuple[str, int | None]] = []
        if rec.level in ("ERROR", "CRITICAL"):
            self.error_records.append(rec)

        if m := _RUNNING_WORKFLOW_RE.match(msg):
            events.append((f"Starting workflow {m.group('id')}", 0 if self.total_passes else None))
        elif msg.startswith("Running Olive on accelerator: "):
            events.append((f"Running on {msg.split(': ', 1)[1]}", self.percent()))
        elif m := _RUNNING_PASS_RE.match(msg):
            self.current_pass = (m.group("name"), m.group("type"))
            self._recent = []
            step = f" [{self.done_passes + 1}/{self.total_passes}]" if self.total_passes else ""
            events.append((f"Running pass {m.group('name')} ({m.group('type')}){step}", self.percent()))
            return events
        elif m := _PASS_FINISHED_RE.match(msg):
            self.done_passes += 1
            events.append((f"Pass {m.group('name')} finished in {float(m.group('secs')):.2f} s", self.percent()))
        elif msg.startswith("Loaded model from cache"):
            self.done_passes += 1
            name = self.current_pass[0] if self.current_pass else "?"
            events.append((f"Pass {name}: output reused from the Olive cache", self.percent()))
        elif msg.startswith("Invalid config, pruned"):
            name = self.current_pass[0] if self.current_pass else "?"
            reason = next(
                (r.message for r in reversed(self._recent) if not r.source.startswith("engine.py")),
                "its configuration is not valid for this accelerator",
            )
            self.pruned.append((name, reason))
            events.append((f"Pass {name} pruned: {reason}", None))
        elif m := _FLOW_PRUNED_RE.match(msg):
            self.flow_pruned.append(msg)
            events.append((f"Flow {m.group('flow')} stopped at pass '{m.group('name')}'", None))
        elif msg.startswith("Pass run failed") or msg.startswith("Pass run_pass failed"):
            name = self.current_pass[0] if self.current_pass else "?"
            self.failed_passes.append(name)
            events.append((f"Pass {name} failed", None))
        elif m := _SAVED_RE.match(msg):
            self.saved_paths.append(m.group("path").strip())
            events.append((f"Saved output model to {m.group('path').strip()}", 100))
        elif msg.startswith("Package top ranked"):
            self.packaged = True
            events.append((msg, 100))
        elif msg.startswith("No output model produced"):
            self.no_output_logged = True
            events.append(("No output model produced", 100))
        elif m := _KEYS_IGNORED_RE.match(msg):
            keys = _literal(m.group("keys"))
            keys = set(keys) if isinstance(keys, (set, list, tuple)) else {m.group("keys")}
            name = self.current_pass[0] if self.current_pass else None
            self.ignored_keys.append((keys, m.group("cls"), name))
        elif msg.startswith("Run model evaluation") or msg.startswith("Input model evaluation results"):
            events.append((msg, self.percent()))
        self._recent.append(rec)
        return events

    # ---------------------------------------------------------------------------------------------- tracebacks
    def _feed_traceback(self, line: str, rec: LogRecord | None) -> None:
        stripped = line.rstrip()
        prev, self._prev_rec = self._prev_rec, rec
        if stripped == "Traceback (most recent call last):":
            # logger.exception prints the traceback right after its own log line; a chained traceback ("The above
            # exception was the direct cause...") inherits that from the one before it.
            logged = (prev is not None and prev.level in ("ERROR", "WARNING", "CRITICAL")) or self._chain_logged
            self._tb = _Traceback(pass_name=self.current_pass[0] if self.current_pass else None, logged=logged)
            self.tracebacks.append(self._tb)
            self._tb_state = "frames"
            self._chain_logged = False
            return
        if stripped.startswith("During handling of the above exception") or stripped.startswith(
            "The above exception was the direct cause"
        ):
            if self._tb is not None:
                self._tb.superseded = True
                self._chain_logged = self._tb.logged
            self._tb_state = "idle"
            return
        if self._tb is None or self._tb_state == "idle":
            return
        if rec is not None:
            self._tb_state = "idle"
            self._chain_logged = False
            return
        if self._tb_state == "frames":
            if line.startswith((" ", "\t")) or not stripped:
                self._tb.frames.append(stripped)
                return
            exc_type, _, msg = stripped.partition(": ")
            if " " in exc_type or not exc_type:  # not "Type: message"; keep the whole line as the message
                exc_type, msg = "", stripped
            self._tb.exc_type = exc_type
            self._tb.message_lines = [msg] if msg else []
            self._tb_state = "message"
            return
        # message continuation (pydantic prints one block per error); a blank line ends it
        if not stripped:
            self._tb_state = "idle"
            return
        self._tb.message_lines.append(line.rstrip("\n"))

    # ---------------------------------------------------------------------------------------------- results
    def model_saved(self) -> bool:
        return bool(self.saved_paths) or self.packaged

    def errors(self, config: dict[str, Any], returncode: int | None) -> list[RunError]:
        """Failures mapped to config keys; cascades and duplicates removed."""
        out: list[RunError] = []
        seen: set[tuple] = set()

        def add(err: RunError) -> None:
            k = (err.config_path, err.message)
            if k not in seen:
                seen.add(k)
                out.append(err)

        for name, reason in self.pruned:
            add(_pruned_error(config, name, reason))

        tbs: list[_Traceback] = []
        seen_tb: set[tuple] = set()
        for tb in self.tracebacks:
            if tb.superseded or (not tb.exc_type and not tb.message):
                continue
            if tb.key() in seen_tb:
                continue
            seen_tb.add(tb.key())
            tbs.append(tb)
        # When Olive died, the last traceback is the one that escaped; earlier ones in a chain are its causes.
        # Logged tracebacks (Olive carried on) each stand for a failed pass.
        if returncode not in (0, None) and tbs:
            final = tbs[-1]
            chosen = [tb for tb in tbs[:-1] if tb.logged] + [final]
        else:
            chosen = [tb for tb in tbs if tb.logged]
        for tb in chosen:
            for err in traceback_errors(tb, config):
                add(err)
        if returncode not in (0, None) and not chosen and self.missing_module:
            exe, mod = self.missing_module
            what = "olive-ai" if mod.split(".")[0] == "olive" else mod
            add(RunError(f"{what} is not installed for {exe} (No module named {mod}); pip install olive-ai, or pass the "
                         "Python that has it (--python)", None, "crash"))
        elif returncode not in (0, None) and not chosen:
            tail = [r.message for r in self.error_records[-3:]]
            add(RunError(f"olive run exited with code {returncode}" + (": " + tail[-1] if tail else ""), None, "crash"))
        return out

    def warnings(self, config: dict[str, Any]) -> list[RunError]:
        out = []
        for keys, cls, running in self.ignored_keys:
            for key in sorted(keys):
                path = _ignored_key_path(config, key, cls, running)
                out.append(
                    RunError(
                        f"'{key}' is not a parameter of {cls}; Olive ignored it and used the defaults",
                        path,
                        "ignored_key",
                    )
                )
        return out

    def no_model_reason(self, returncode: int | None) -> str | None:
        if self.model_saved():
            return None
        parts: list[str] = []
        for name, reason in self.pruned:
            parts.append(f"pass '{name}' was pruned: {reason}")
        for tb in self.tracebacks:
            if tb.logged and not tb.superseded and tb.pass_name and f"pass '{tb.pass_name}' failed" not in " ".join(parts):
                parts.append(f"pass '{tb.pass_name}' failed: {_one_line(tb)}")
        if returncode == 0:
            head = "Olive finished with exit code 0 but produced no model"
            if not parts and self.no_output_logged:
                parts.append("Olive logged 'No output model produced'")
        elif returncode is None:
            head = "the run did not finish"
        else:
            head = f"olive run failed (exit code {returncode})"
        return head + (": " + "; ".join(parts) if parts else "")


# ------------------------------------------------------------------------------------------------------ mapping
def _literal(text: str) -> Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None


def _one_line(tb: _Traceback) -> str:
    first = tb.message.splitlines()[0] if tb.message else ""
    return f"{tb.short_type}: {first}" if tb.short_type else first


def _pruned_error(config: dict[str, Any], name: str, reason: str) -> RunError:
    path: tuple = ("passes", name)
    entries = [(p, e) for p, e in pass_entries(config) if p[1] == name]
    if entries and re.search(r"\b(FP16|BF16|precision)\b", reason, re.I):
        entry_path, entry = entries[0]
        if pass_param_value(entry, "precision") is not None:
            path = pass_param_path(entry_path, entry, "precision")
    return RunError(f"pass '{name}' was pruned (no model is built): {reason}", path, "pruned", reason)


def _dict_repr_keys(text: str) -> list[str]:
    """Top-level keys of a dict repr such as "{'local_system': SystemConfig(type=...), 'b': ...}"."""
    keys, depth, i = [], 0, 0
    while i < len(text):
        ch = text[i]
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            depth -= 1
        elif ch in "'\"" and depth == 1:
            end = text.find(ch, i + 1)
            if end < 0:
                break
            if text[end + 1 : end + 2] == ":":
                keys.append(text[i + 1 : end])
            i = end
        i += 1
    return keys


def _pass_entries_for_class(config: dict[str, Any], cls_name: str):
    """Pass entries whose type's config class is `cls_name` (Olive names them `<PassClass>Config`)."""
    base = cls_name[: -len("Config")] if cls_name.endswith("Config") else cls_name
    return [(p, e) for p, e in pass_entries(config) if str(e.get("type", "")).lower() == base.lower()]


def _ignored_key_path(config: dict[str, Any], key: str, cls: str, running: str | None) -> tuple | None:
    for entry_path, entry in _pass_entries_for_class(config, cls):
        if running and entry_path[1] != running:
            continue
        if pass_param_value(entry, key, _MISSING) is not _MISSING:
            return pass_param_path(entry_path, entry, key)
    for entry_path, entry in _pass_entries_for_class(config, cls):
        if pass_param_value(entry, key, _MISSING) is not _MISSING:
            return pass_param_path(entry_path, entry, key)
    return None


_MISSING = object()


@dataclass
class _PydanticItem:
    loc: list[str]
    msg: str
    type: str | None
    value_text: str | None


def parse_validation_error(text: str) -> tuple[str | None, list[_PydanticItem]]:
    """Parse pydantic's `str(ValidationError)`: returns (model name, items)."""
    lines = text.splitlines()
    model = None
    start = 0
    for i, ln in enumerate(lines):
        m = _VALIDATION_HEADER_RE.search(ln)
        if m:
            model, start = m.group("model"), i + 1
            break
    items: list[_PydanticItem] = []
    i = start
    while i < len(lines):
        ln = lines[i]
        if ln and not ln.startswith(" ") and i + 1 < len(lines) and lines[i + 1].startswith("  ") and not lines[
            i + 1
        ].startswith("    "):
            loc = ln.strip().split(".")
            m = _PYDANTIC_MSG_RE.match(lines[i + 1].rstrip())
            if m:
                msg = m.group("msg")
                if msg.startswith("Value error, "):
                    msg = msg[len("Value error, ") :]
                items.append(_PydanticItem(loc, msg, m.group("type"), m.group("value")))
            i += 2
            continue
        i += 1
    return model, items


def traceback_errors(tb: _Traceback, config: dict[str, Any]) -> list[RunError]:
    text = tb.message
    short = tb.short_type
    detail = f"{tb.exc_type}: {text}" if tb.exc_type else text
    if short == "ValidationError" or _VALIDATION_HEADER_RE.search(text.splitlines()[0] if text else ""):
        return _validation_errors(text, config, detail)
    if m := _UNKNOWN_PASS_RE.search(text):
        ptype = m.group("type")
        for entry_path, entry in pass_entries(config):
            if str(entry.get("type", "")).lower() == ptype:
                return [
                    RunError(
                        f"unknown pass type '{entry.get('type')}': the installed Olive has no such pass",
                        (*entry_path, "type"),
                        "unknown_pass",
                        detail,
                    )
                ]
        return [RunError(f"unknown pass type '{ptype}'", None, "unknown_pass", detail)]
    if m := _NOT_FOUND_RE.match(text):
        return [_reference_error(m.group("name"), m.group("known"), None, config, detail)]
    frames = "\n".join(tb.frames)
    if short in _HUB_EXC_NAMES or "repo_info" in frames or "get_model_identifier" in frames:
        model = config.get("input_model") if isinstance(config.get("input_model"), dict) else {}
        value = model.get("model_path") or (model.get("config") or {}).get("model_path")
        path = ("input_model", "config", "model_path") if "model_path" not in model and isinstance(
            model.get("config"), dict
        ) else ("input_model", "model_path")
        first = text.splitlines()[0] if text else ""
        return [
            RunError(
                f"model_path {value!r} is not a local folder (relative paths are resolved against the config's "
                f"folder), and looking it up on the Hugging Face hub failed: {short}: {first}",
                path,
                "model_path",
                detail,
            )
        ]
    if short in ("ModuleNotFoundError", "ImportError"):
        m = re.search(r"No module named '([^']+)'", text)
        mod = m.group(1) if m else text
        hint = {
            "onnxruntime_genai": "ModelBuilder needs onnxruntime-genai (0.14.x for Olive 0.13.0): pip install onnxruntime-genai==0.14.1",
            "onnxruntime": "Olive needs onnxruntime: pip install onnxruntime (or the -gpu/-directml flavour for your EP)",
            "olive": "olive-ai is not installed for this Python: pip install olive-ai",
            "requests": "olive-ai 0.13.0 needs 'requests' (undeclared dependency): pip install requests",
        }.get(mod.split(".")[0], f"a Python package is missing: {mod}")
        return [RunError(hint, ("passes", tb.pass_name) if tb.pass_name else None, "crash", detail)]
    message = _one_line(tb)
    if tb.pass_name:
        return [RunError(f"pass '{tb.pass_name}' failed: {message}", ("passes", tb.pass_name), "pass_failed", detail)]
    return [RunError(message, None, "crash", detail)]


def _reference_error(name: str, known_text: str, loc: list[str] | None, config: dict[str, Any], detail: str):
    known = _dict_repr_keys(known_text)
    known_s = ", ".join(known) if known else "none are defined"

    def is_ref_key(k: str) -> bool:
        return k in ("host", "target", "evaluator") or k.endswith("data_config")

    refs = find_string_refs(config, name, is_ref_key)
    if loc and loc[0] == "passes":
        refs = [p for p in refs if p and p[0] == "passes"] or refs
    elif loc and loc[0] == "engine":
        refs = [p for p in refs if p and p[0] != "passes"] or refs
    path = refs[0] if refs else (tuple(loc) if loc else None)
    what = "name"
    if path:
        key = str(path[-1])
        what = {"host": "system", "target": "system", "evaluator": "evaluator"}.get(
            key, "data config" if key.endswith("data_config") else "name"
        )
    return RunError(f"{what} '{name}' is not defined (known: {known_s})", path, "reference", detail)


def _validation_errors(text: str, config: dict[str, Any], detail: str) -> list[RunError]:
    model, items = parse_validation_error(text)
    errors: list[RunError] = []
    seen_paths: set = set()
    for item in items:
        if _CASCADE_RE.match(item.msg):
            continue  # "Invalid engine" and friends only repeat the root cause
        if m := _NOT_FOUND_RE.match(item.msg):
            err = _reference_error(m.group("name"), m.group("known"), item.loc, config, detail)
        elif model == "RunConfig" or model is None:
            path = resolve_loc(config, item.loc)
            err = RunError(_item_message(item, path), path or None, "validation", detail)
        else:
            err = _pass_validation_error(model, item, config, detail)
        if err.config_path in seen_paths and err.config_path is not None:
            continue  # pydantic lists one error per union member for the same value; the first says it best
        seen_paths.add(err.config_path)
        errors.append(err)
    if not errors and items:
        errors.append(RunError(items[0].msg, None, "validation", detail))
    if not items:
        errors.append(RunError(text.splitlines()[0] if text else "validation failed", None, "validation", detail))
    return errors


def _item_message(item: _PydanticItem, path: tuple | None) -> str:
    msg = item.msg
    if item.type == "extra_forbidden":
        key = path[-1] if path else item.loc[-1]
        return f"'{key}' is not a known key here: {msg}"
    if item.type == "missing":
        return f"missing required key '{item.loc[-1]}'"
    if item.value_text is not None and item.type in ("enum", "literal_error", "int_parsing", "bool_parsing"):
        return f"{msg} (got {item.value_text})"
    return msg


def _pass_validation_error(model: str, item: _PydanticItem, config: dict[str, Any], detail: str) -> RunError:
    key = next((p for p in item.loc if not ("[" in p or p.startswith("`"))), item.loc[0] if item.loc else "")
    rest = [p for p in item.loc[1:] if not ("[" in p or p.startswith("`"))]
    entries = _pass_entries_for_class(config, model)
    value = _literal(item.value_text) if item.value_text is not None else _MISSING
    chosen = None
    for entry_path, entry in entries:
        v = pass_param_value(entry, key, _MISSING)
        if item.type == "missing" and v is _MISSING:
            chosen = (entry_path, entry)
            break
        if v is not _MISSING and (value is _MISSING or v == value or str(v) == str(value)):
            chosen = (entry_path, entry)
            break
    if chosen is None and entries:
        chosen = entries[0]
    if chosen is None:
        return RunError(f"{model}.{key}: {item.msg}", None, "validation", detail)
    entry_path, entry = chosen
    name = entry_path[1]
    if item.type == "missing":
        return RunError(f"pass '{name}' is missing the required parameter '{key}'", entry_path, "validation", detail)
    path = pass_param_path(entry_path, entry, key)
    for part in rest:
        try:
            node = get_at(config, path)
        except KeyError:
            break
        if isinstance(node, dict) and part in node:
            path = (*path, part)
        elif isinstance(node, list) and part.isdigit():
            path = (*path, int(part))
        else:
            break
    msg = item.msg
    if item.value_text is not None and item.type in ("enum", "literal_error", "int_parsing", "bool_parsing"):
        msg = f"{msg} (got {item.value_text})"
    return RunError(f"{key}: {msg}", path, "validation", detail)


__all__ = [
    "LogRecord",
    "OliveOutputAnalyzer",
    "RunError",
    "engine_key_path",
    "parse_log_line",
    "parse_validation_error",
]
