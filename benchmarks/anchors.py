"""olive-ls beside its anchors, side by side in one run: every figure of README "Speed" that has an anchor.

The anchors: the `python -c "import pygls.lsp.server"` floor, a bare pygls server, VS Code's JSON language server
(npm `vscode-langservers-extracted`) and Red Hat's yaml-language-server (npm `yaml-language-server`), both given
olive-ls's own JSON Schema (schemas/olive-0.13.0/run-config.schema.json): the JSON server through `json.schemas`
(fileMatch *.json), the YAML server through `yaml.schemas` (mapped to *.yaml, *.yml; its schema store and
Kubernetes CRD store off: no network). olive-ls is measured on the same JSON files beside the JSON server and on
the same YAML files (each config converted with yaml.safe_dump) beside the YAML server.

Each server's own delay between a content change (an open counts as one for the npm servers) and its
validation, read from the code, is stated and never subtracted silently: every diagnostics figure is printed
as measured and, labelled, minus that delay:
- olive-ls: DEBOUNCE_SECONDS (150 ms) in server/olive_ls/lsp/server.py after a didChange; an opened file is
  analysed at once (no delay);
- the JSON server: `validationDelayMs` (500 ms) in json-language-server/utils/validation.js, on open and change;
- the YAML server: `validationDelayMs` (200 ms) in yaml-language-server/out/server/src/yamlSettings.js, on open
  and change.

Measured:
- Start: wall time of the import floor, a bare pygls LanguageServer's process start to its `initialize` reply
  (what pygls itself adds: building its cattrs converter, structuring the client's capabilities), olive-ls's,
  the JSON server's and the YAML server's, interleaved, N times each. olive_ls is compiled first (`make install`
  does the same; these machines set PYTHONDONTWRITEBYTECODE, so a stale .pyc would be compiled again at every
  start).
- First diagnostics of a file opened at start: process start -> initialize -> didOpen(typical config) -> the
  first publishDiagnostics for it; the JSON server and olive-ls on tests/data/typical.json, the YAML server
  and olive-ls on it as YAML.
- Completion on the 10,000-line config (`lsp_latency.big_config`, and the same config as YAML) at three
  positions: a pass type value, a precision value and a new key (an empty line inside the first pass), p50/p95.
- Diagnostics after an edit on that config (`lsp_latency.EDITS`): a space typed at the end and deleted again, and
  a value edit (an `int4_block_size` 32 -> 64 -> 32 in a pass in the middle, each an incremental change of
  the digits); wall time from the didChange to the publishDiagnostics.
- Both through pygls' client (each reply and notification structured into lsprotocol classes in this process:
  ~2,000 diagnostics for olive-ls on the big config) and through a raw JSON-RPC client (`RawClient`: the time to
  the message's bytes and json.loads, as a JavaScript client sees it).
- Resident memory with 20 configs (the corpus's first 20, else the samples) open and checked.
- olive-ls with environment checks on (what a user's server does) everywhere; off too for start.

The npm servers are installed with npm into ~/.cache/olive-ls-bench (OLIVE_LS_BENCH_CACHE), never into the repo;
npm missing or its install failing: those anchors are "not available", nothing else changes.

Usage: python benchmarks/anchors.py [--samples N] [--edit-samples N] [--starts N] [--no-npm-servers] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from lsprotocol import types
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lsp_latency import EDITS, TYPICAL, EditCycle, big_config, percentile

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "schemas" / "olive-0.13.0" / "run-config.schema.json"
CACHE = Path(os.environ.get("OLIVE_LS_BENCH_CACHE", Path.home() / ".cache" / "olive-ls-bench"))
CORPUS = REPO.parent / "shared" / "corpus" / "olive-recipes"

OLIVE = "olive-ls"
JSON_SERVER = "JSON server"
YAML_SERVER = "YAML server"


class NpmServer:
    """An npm language server: its package, binary, and where its validation delay is written."""

    def __init__(self, name: str, package: str, spec: str, binary: str, delay_file: str, delay_pattern: str, delay_default_ms: int):
        self.name, self.package, self.spec = name, package, spec
        self.binary = CACHE / "node_modules" / ".bin" / binary
        self.delay_file = CACHE / "node_modules" / package / delay_file
        self.delay_pattern, self.delay_default_ms = delay_pattern, delay_default_ms

    def available(self) -> bool:
        return self.binary.exists()

    def version(self) -> str:
        try:
            return json.loads((CACHE / "node_modules" / self.package / "package.json").read_text())["version"]
        except (OSError, ValueError, KeyError):
            return "?"

    def delay(self) -> tuple[float, str]:
        """Its validation delay in seconds, read from its installed code, and where it was read."""
        try:
            found = re.search(self.delay_pattern, self.delay_file.read_text())
        except OSError:
            found = None
        ms = int(found.group(1)) if found else self.delay_default_ms
        where = f"{self.package}/{self.delay_file.relative_to(CACHE / 'node_modules' / self.package)}" if found else "not found in its code; the known default"
        return ms / 1000, where


NPM = {
    JSON_SERVER: NpmServer(
        JSON_SERVER, "vscode-langservers-extracted", "vscode-langservers-extracted@4", "vscode-json-language-server",
        "lib/json-language-server/utils/validation.js", r"validationDelayMs\s*=\s*(\d+)", 500,
    ),
    YAML_SERVER: NpmServer(
        YAML_SERVER, "yaml-language-server", "yaml-language-server@1", "yaml-language-server",
        "out/server/src/yamlSettings.js", r"validationDelayMs\s*=\s*(\d+)", 200,
    ),
}


def ensure_npm_servers(wanted: bool = True) -> dict[str, NpmServer | None]:
    """Each npm server, installed (by package name, from npm's registry) if missing; None where it is not
    available (npm missing, the install failing). Never raises."""
    if not wanted:
        return {name: None for name in NPM}
    missing = [server for server in NPM.values() if not server.available()]
    if missing and shutil.which("npm") is not None:
        try:
            CACHE.mkdir(parents=True, exist_ok=True)
            print(f"installing {', '.join(s.spec for s in missing)} into {CACHE} ...", file=sys.stderr)
            subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(CACHE), *[s.spec for s in missing]], check=False, timeout=600)
        except (OSError, subprocess.SubprocessError) as exc:
            print(f"npm install failed: {exc}", file=sys.stderr)
    return {name: server if server.available() else None for name, server in NPM.items()}


def olive_debounce() -> float:
    from olive_ls.lsp.server import DEBOUNCE_SECONDS

    return DEBOUNCE_SECONDS


def fmt(values: list[float]) -> str:
    return f"p50 {statistics.median(values) * 1000:7.1f} ms  p95 {percentile(values, 0.95) * 1000:7.1f} ms  (n={len(values)})"


# --- the documents and the positions ------------------------------------------------------------------------


def as_yaml(text: str) -> str:
    return yaml.safe_dump(json.loads(text), sort_keys=False)


def with_new_key_line(text: str, language: str = "json") -> tuple[str, dict[str, types.Position]]:
    """The big config with an empty line inside its first pass, and the three completion positions: just inside
    the first pass's type value, on the empty line, just inside the first precision value."""
    lines = text.splitlines()
    type_key, precision_key = ('"type": "', '"precision": "') if language == "json" else ("type: ", "precision: ")
    passes = next(j for j, line in enumerate(lines) if line.strip() in ('"passes": {', "passes:"))
    type_line = next(i for i, line in enumerate(lines) if i > passes and line.lstrip().startswith(type_key))
    indent = lines[type_line][: len(lines[type_line]) - len(lines[type_line].lstrip())]
    lines.insert(type_line + 1, indent)
    positions = {
        "pass type": types.Position(line=type_line, character=lines[type_line].index(type_key) + len(type_key)),
        "new key": types.Position(line=type_line + 1, character=len(indent)),
    }
    precision = next(i for i, line in enumerate(lines) if line.lstrip().startswith(precision_key))
    positions["precision"] = types.Position(line=precision, character=lines[precision].index(precision_key) + len(precision_key))
    return "\n".join(lines) + "\n", positions


class Documents:
    """The typical config and the big one, as JSON and as YAML, with the completion positions in each."""

    def __init__(self) -> None:
        typical = TYPICAL.read_text()
        big = big_config()
        self.typical = {"json": typical, "yaml": as_yaml(typical)}
        self.big, self.positions = {}, {}
        for language, text in (("json", big), ("yaml", as_yaml(big))):
            self.big[language], self.positions[language] = with_new_key_line(text, language)

    def configs(self, count: int, language: str) -> list[str]:
        """`count` real configs (the corpus, else the samples), as `language`."""
        paths = sorted(CORPUS.rglob("*.json"))[:count] or sorted((REPO / "samples").rglob("*.json"))[:count]
        texts = [path.read_text(errors="replace") for path in paths]
        if language == "yaml":
            texts = [as_yaml(text) for text in texts if _loads(text)]
        return texts


def _loads(text: str) -> bool:
    try:
        json.loads(text)
        return True
    except ValueError:
        return False


# --- the servers ----------------------------------------------------------------------------------------------


class Server:
    """One server over stdio through pygls' client: started, initialized, its diagnostics awaited per URI."""

    def __init__(self, name: str, argv: list[str], settings: dict, delay: float):
        self.name, self.argv, self.settings, self.delay = name, argv, settings, delay
        self.client = LanguageClient("olive-ls-bench", "1")
        self.published: dict[str, asyncio.Event] = {}
        self.counts: dict[str, int] = {}

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams):
            self.counts[params.uri] = len(params.diagnostics)
            event = self.published.get(params.uri)
            if event is not None:
                event.set()

        @self.client.feature(types.WORKSPACE_CONFIGURATION)
        def on_configuration(params: types.ConfigurationParams):
            return [self.settings.get(item.section, {}) if item.section else self.settings for item in params.items]

        @self.client.feature(types.WINDOW_SHOW_MESSAGE)
        def on_message(params):
            pass

    async def start(self) -> float:
        t0 = time.perf_counter()
        await self.client.start_io(*self.argv)
        await self.client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(
                    workspace=types.WorkspaceClientCapabilities(configuration=True),
                    text_document=types.TextDocumentClientCapabilities(
                        completion=types.CompletionClientCapabilities(
                            completion_item=types.ClientCompletionItemOptions(
                                snippet_support=True, resolve_support=types.ClientCompletionItemResolveOptions(properties=list(VSCODE_RESOLVES))
                            )
                        )
                    ),
                ),
                initialization_options=INITIALIZATION_OPTIONS,
            )
        )
        started = time.perf_counter() - t0
        self.client.initialized(types.InitializedParams())
        self.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=self.settings))
        return started

    def open(self, uri: str, text: str) -> asyncio.Event:
        self.published[uri] = asyncio.Event()
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id=language_of(uri), version=1, text=text)))
        return self.published[uri]

    def pid(self) -> int:
        return self.client._server.pid

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(self.client.shutdown_async(None), 10)
            self.client.exit(None)
        except Exception:
            pass
        await self.client.stop()


INITIALIZATION_OPTIONS = {"provideFormatter": False, "handledSchemaProtocols": ["file"]}  # the JSON server's
# What VS Code's client says it resolves lazily (completionItem/resolve), sent by both clients to every server as
# VS Code would: olive-ls then sends each item's docs on resolve, not in the list.
VSCODE_RESOLVES = ("documentation", "detail", "additionalTextEdits")


def language_of(uri: str) -> str:
    return "yaml" if uri.endswith((".yaml", ".yml")) else "json"


BARE_PYGLS = "from pygls.lsp.server import LanguageServer; LanguageServer('bare', '1').start_io()"


class Setup:
    """How to start each server (argv, settings, own delay); the npm ones only where installed."""

    def __init__(self, npm: dict[str, NpmServer | None]):
        self.npm = npm
        self.delays = {OLIVE: olive_debounce()}
        self.delay_sources = {OLIVE: "DEBOUNCE_SECONDS in server/olive_ls/lsp/server.py (after a didChange; an opened file is analysed at once)"}
        for name, server in npm.items():
            if server is not None:
                self.delays[name], self.delay_sources[name] = server.delay()

    def available(self, name: str) -> bool:
        return name == OLIVE or self.npm.get(name) is not None

    def argv(self, name: str) -> list[str]:
        if name == OLIVE:
            return [sys.executable, "-m", "olive_ls", "serve"]
        return [str(self.npm[name].binary), "--stdio"]

    def settings(self, name: str, environment_checks: bool = True) -> dict:
        if name == OLIVE:
            return {"olive": {"environmentChecks": environment_checks}}
        if name == JSON_SERVER:
            return {"json": {"schemas": [{"fileMatch": ["*.json"], "url": SCHEMA.as_uri()}], "validate": {"enable": True}}}
        return {
            "yaml": {
                "schemas": {SCHEMA.as_uri(): ["*.yaml", "*.yml"]},
                "validate": True,
                "completion": True,
                "hover": True,
                "schemaStore": {"enable": False},
                "kubernetesCRDStore": {"enable": False},
            }
        }

    def open_delay(self, name: str) -> float:
        """The server's own delay between an open and its validation."""
        return 0.0 if name == OLIVE else self.delays[name]

    def make(self, name: str, environment_checks: bool = True) -> Server:
        return Server(name, self.argv(name), self.settings(name, environment_checks), self.delays[name])


# --- measurements ---------------------------------------------------------------------------------------------


def import_floor() -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import pygls.lsp.server"], check=True)
    return time.perf_counter() - t0


async def start_only(server: Server) -> float:
    started = await server.start()
    await server.stop()
    return started


async def start_and_first_diagnostics(server: Server, uri: str, text: str) -> tuple[float, float]:
    t0 = time.perf_counter()
    started = await server.start()
    await asyncio.wait_for(server.open(uri, text).wait(), 60)
    first = time.perf_counter() - t0
    await server.stop()
    return started, first


# A server that takes seconds per answer (yaml-language-server's completion on the big config) would take most
# of a run at 20 samples: each series stops at its sample count or, with at least MIN_SAMPLES taken, once it has
# run for SERIES_BUDGET_S seconds. The count taken is kept with the figures (the table says "n=" where it is short).
SERIES_BUDGET_S = 15.0
MIN_SAMPLES = 4


def enough(times: list[float], samples: int, began: float) -> bool:
    return len(times) >= samples or (len(times) >= MIN_SAMPLES and time.perf_counter() - began > SERIES_BUDGET_S)


async def timed_edits(cycle: EditCycle, samples: int, send, published: asyncio.Event, first_version: int) -> tuple[list[float], int]:
    """Each step of `cycle` sent with `send(version, change)`, timed to the next publishDiagnostics; stopped only
    after an even step (the text is the original again)."""
    times, version, began = [], first_version, time.perf_counter()
    for step in cycle.steps(samples):
        if step % 2 == 1 and enough(times, samples, began):
            break
        version += 1
        published.clear()
        t0 = time.perf_counter()
        send(version, cycle.change(step))
        await asyncio.wait_for(published.wait(), 120)
        times.append(time.perf_counter() - t0)
    return times, version


async def big_file(server: Server, uri: str, text: str, positions: dict[str, types.Position], samples: int, edit_samples: int) -> dict:
    """Through pygls' client: completion at each position, then each kind of edit. {"completion:LABEL": [...],
    "items:LABEL": "N items, K KB", "edit:KIND": [...] (as measured), "diagnostics": N}."""
    await asyncio.wait_for(server.open(uri, text).wait(), 120)
    results: dict = {}
    for label, position in positions.items():
        params = types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position)
        await server.client.text_document_completion_async(params)  # warm
        times, began = [], time.perf_counter()
        while not enough(times, samples, began):
            t0 = time.perf_counter()
            result = await server.client.text_document_completion_async(params)
            times.append(time.perf_counter() - t0)
        items = result.items if isinstance(result, types.CompletionList) else (result or [])
        size = len(json.dumps(server.client.protocol._converter.unstructure(result))) // 1024
        results[f"completion:{label}"] = times
        results[f"items:{label}"] = f"{len(items)} items, {size} KB"

    def send(version: int, change) -> None:
        server.client.text_document_did_change(
            types.DidChangeTextDocumentParams(text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=[change])
        )

    version = 1
    for kind in EDITS:
        results[f"edit:{kind}"], version = await timed_edits(EditCycle(text, kind), edit_samples, send, server.published[uri], version)
    results["diagnostics"] = server.counts.get(uri, 0)
    return results


class RawClient:
    """JSON-RPC over the server's stdio with nothing but json.loads on what arrives: the time to a reply's or a
    notification's bytes, as a JavaScript client (VS Code) sees it, without the Python client's structuring of
    every item into LSP classes."""

    def __init__(self, argv: list[str], settings: dict):
        self.argv, self.settings = argv, settings
        self.waiting: dict[int, asyncio.Future] = {}
        self.next_id = 0
        self.published: dict[str, asyncio.Event] = {}
        self.counts: dict[str, int] = {}

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(*self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.reader = asyncio.ensure_future(self._read())
        await self.request("initialize", {"processId": None, "rootUri": None, "capabilities": {"workspace": {"configuration": True}, "textDocument": {"completion": {"completionItem": {"snippetSupport": True, "resolveSupport": {"properties": list(VSCODE_RESOLVES)}}}}}, "initializationOptions": INITIALIZATION_OPTIONS})
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": self.settings})

    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method: str, params) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    async def request(self, method: str, params):
        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.waiting[self.next_id] = future
        self._send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return await asyncio.wait_for(future, 60)

    async def _read(self) -> None:
        stdout = self.process.stdout
        while True:
            length = 0
            while True:
                line = await stdout.readline()
                if not line:
                    return
                if line.strip() == b"":
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            message = json.loads(await stdout.readexactly(length))
            if "method" in message and "id" in message:  # a request from the server
                items = message.get("params", {}).get("items", []) if message["method"] == "workspace/configuration" else None
                result = [self.settings.get(i.get("section"), {}) for i in items] if items is not None else None
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": result})
            elif message.get("method") == "textDocument/publishDiagnostics":
                uri = message["params"]["uri"]
                self.counts[uri] = len(message["params"]["diagnostics"])
                event = self.published.get(uri)
                if event is not None:
                    event.set()
            elif "id" in message and message["id"] in self.waiting:
                self.waiting.pop(message["id"]).set_result(message.get("result"))

    async def stop(self) -> None:
        try:
            await self.request("shutdown", None)
            self.notify("exit", None)
            await asyncio.wait_for(self.process.wait(), 10)
        except Exception:
            self.process.kill()
        self.reader.cancel()


async def raw_big_file(argv: list[str], settings: dict, uri: str, text: str, positions: dict[str, types.Position], samples: int, edit_samples: int) -> dict:
    """Through the raw client, after the first analysis: completion at each position, then each kind of edit to the
    publishDiagnostics notification's bytes. {"completion:LABEL": [...], "edit:KIND": [...] (as measured)}."""
    client = RawClient(argv, settings)
    await client.start()
    client.published[uri] = asyncio.Event()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": language_of(uri), "version": 1, "text": text}})
    await asyncio.wait_for(client.published[uri].wait(), 120)  # the first analysis is over: completion alone is timed
    results: dict = {}
    for label, position in positions.items():
        params = {"textDocument": {"uri": uri}, "position": {"line": position.line, "character": position.character}}
        await client.request("textDocument/completion", params)
        times, began = [], time.perf_counter()
        while not enough(times, samples, began):
            t0 = time.perf_counter()
            await client.request("textDocument/completion", params)
            times.append(time.perf_counter() - t0)
        results[f"completion:{label}"] = times

    def send(version: int, change: types.TextDocumentContentChangePartial) -> None:
        start, end = change.range.start, change.range.end
        client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": {"line": start.line, "character": start.character}, "end": {"line": end.line, "character": end.character}}, "text": change.text}],
            },
        )

    version = 1
    for kind in EDITS:
        results[f"edit:{kind}"], version = await timed_edits(EditCycle(text, kind), edit_samples, send, client.published[uri], version)
    results["diagnostics"] = client.counts.get(uri, 0)
    await client.stop()
    return results


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def memory_with_open_configs(server: Server, folder: Path, texts: list[str], suffix: str) -> tuple[float, int]:
    """Resident memory once `texts` are open and checked."""
    await server.start()
    for index, text in enumerate(texts):
        await asyncio.wait_for(server.open((folder / f"open_{index}.{suffix}").as_uri(), text).wait(), 60)
    rss = resident_mb(server.pid())
    await server.stop()
    return rss, len(texts)


# --- one run --------------------------------------------------------------------------------------------------

# (server, language) pairs: olive-ls beside each anchor on the anchor's own files.
PAIRS = [(OLIVE, "json"), (JSON_SERVER, "json"), (OLIVE, "yaml"), (YAML_SERVER, "yaml")]


def key(name: str, language: str) -> str:
    return f"{name}|{language}"


async def measure(samples: int = 20, starts: int = 5, npm: bool = True, log=print, edit_samples: int | None = None) -> dict:
    """Every figure of one run, as plain data (seconds): see `report` for what each is. `samples` completions at
    each position, `edit_samples` (default `samples`) edits of each kind, per server and client."""
    edit_samples = samples if edit_samples is None else edit_samples
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "server" / "olive_ls")], check=False)
    setup = Setup(ensure_npm_servers(npm))
    docs = Documents()
    pairs = [(name, language) for name, language in PAIRS if setup.available(name)]
    results: dict = {
        "samples": samples,
        "edit_samples": edit_samples,
        "starts": starts,
        "servers": {name: (f"{server.package} {server.version()}" if server else "not available") for name, server in setup.npm.items()},
        "delays": setup.delays,
        "delay_sources": setup.delay_sources,
        "lines": {language: len(text.splitlines()) for language, text in docs.big.items()},
        "positions": {language: {label: [p.line, p.character] for label, p in positions.items()} for language, positions in docs.positions.items()},
        "start": {},
        "first": {},
        "big": {},
        "raw": {},
        "memory": {},
    }
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        log(f"starts ({starts} of each, interleaved) ...")
        start, first = results["start"], results["first"]
        for _ in range(starts):
            start.setdefault("floor", []).append(import_floor())
            start.setdefault("bare pygls", []).append(await start_only(Server("bare pygls", [sys.executable, "-c", BARE_PYGLS], {}, 0.0)))
            for server_name, language, checks in [(OLIVE, "json", True), (OLIVE, "json", False), *[(n, l, True) for n, l in pairs if n != OLIVE], (OLIVE, "yaml", True)]:
                label = key(server_name, language) + ("" if checks else "|env off")
                started, seen = await start_and_first_diagnostics(setup.make(server_name, checks), (folder / f"first.{language}").as_uri(), docs.typical[language])
                first.setdefault(label, []).append(seen)
                if language == "json" or server_name != OLIVE:
                    start.setdefault(server_name + ("" if checks else "|env off"), []).append(started)
        for server_name, language in pairs:
            log(f"{server_name} on the big config as {language}: {samples} completions at each position, {edit_samples} edits of each kind, pygls and raw client ...")
            uri = (folder / f"big.{language}").as_uri()
            server = setup.make(server_name)
            await server.start()
            results["big"][key(server_name, language)] = await big_file(server, uri, docs.big[language], docs.positions[language], samples, edit_samples)
            await server.stop()
            uri = (folder / f"raw.{language}").as_uri()
            results["raw"][key(server_name, language)] = await raw_big_file(
                setup.argv(server_name), setup.settings(server_name), uri, docs.big[language], docs.positions[language], samples, edit_samples
            )
        log("memory with 20 configs open ...")
        for server_name, language in pairs:
            texts = docs.configs(20, language)
            results["memory"][key(server_name, language)] = await memory_with_open_configs(setup.make(server_name), folder, texts, language)
    return results


def report(results: dict) -> None:
    delays = results["delays"]
    print(f"servers: {results['servers']}")
    for name, delay in delays.items():
        print(f"own delay: {name:<12} {delay * 1000:4.0f} ms  ({results['delay_sources'][name]})")
    print(f"big config: {results['lines']['json']} lines as JSON, {results['lines']['yaml']} as YAML")

    start = results["start"]
    print(f"\n--- start -> initialize reply, {results['starts']} times each, interleaved ---")
    labels = {"floor": 'python -c "import pygls.lsp.server"', "bare pygls": "bare pygls server", OLIVE: "olive-ls (env checks on)", f"{OLIVE}|env off": "olive-ls (env checks off)"}
    for name, values in start.items():
        print(f"{labels.get(name, name):<52} {fmt(values)}")
    ours = statistics.median(start[OLIVE])
    print(f"olive-ls above the import floor: {(ours - statistics.median(start['floor'])) * 1000:+.0f} ms, above a bare pygls server: {(ours - statistics.median(start['bare pygls'])) * 1000:+.0f} ms (p50)")

    print("\n--- start -> first diagnostics of the typical config opened at start (as measured; minus the server's own delay on open) ---")
    for label, values in results["first"].items():
        name = label.split("|")[0]
        delay = 0.0 if name == OLIVE else delays[name]
        print(f"{label:<36} as measured {fmt(values)} | minus its {delay * 1000:.0f} ms {fmt([v - delay for v in values])}")

    for client, figures in (("pygls client", results["big"]), ("raw JSON-RPC client", results["raw"])):
        print(f"\n--- the big config, through the {client}, {results['samples']} completions, {results['edit_samples']} edits of each kind ---")
        for label, values in figures.items():
            name = label.split("|")[0]
            for what, times in values.items():
                if what.startswith("completion:"):
                    items = results["big"].get(label, {}).get("items:" + what.split(":", 1)[1], "")
                    print(f"{label:<22} {'completion at ' + what.split(':', 1)[1]:<32} {fmt(times)}  {items}")
                elif what.startswith("edit:"):
                    delay = delays[name]
                    print(f"{label:<22} {what.split(':')[1] + ' edit -> diagnostics':<32} as measured {fmt(times)} | minus its {delay * 1000:.0f} ms {fmt([max(0.0, t - delay) for t in times])}")
            print(f"{label:<22} diagnostics on the big config: {values.get('diagnostics')}")

    print("\n--- resident memory with 20 configs open and checked ---")
    for label, (rss, count) in results["memory"].items():
        print(f"{label:<22} {rss:6.0f} MB ({count} configs)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--edit-samples", type=int, default=None, help="edits of each kind (default: --samples; rounded up to even)")
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--no-npm-servers", action="store_true", help="olive-ls alone: the JSON and YAML servers not installed or run")
    parser.add_argument("--json", metavar="FILE", help="also write every figure to FILE")
    args = parser.parse_args()
    results = asyncio.run(measure(args.samples, args.starts, not args.no_npm_servers, log=lambda m: print(m, file=sys.stderr), edit_samples=args.edit_samples))
    report(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
