"""olive-ls beside its anchors, side by side in one run: every figure of README "Speed" that has an anchor.

- Start: wall time of `python -c "import pygls.lsp.server"` (the floor: no pygls server can start faster), a bare
  pygls LanguageServer's process start to its `initialize` reply (what pygls itself adds: building its cattrs
  converter, structuring the client's capabilities), olive-ls's, and VS Code's JSON language server's
  (vscode-langservers-extracted), interleaved, N times each. olive_ls is compiled first (`make install` does the
  same; these machines set PYTHONDONTWRITEBYTECODE, so a stale .pyc would be compiled again at every start).
- First diagnostics of a file opened at start: process start -> initialize -> didOpen(typical config) -> the
  first publishDiagnostics for it. The JSON server is given olive-ls's own JSON Schema
  (schemas/olive-0.13.0/run-config.schema.json) through `json.schemas`; it waits 500 ms after any content change
  before validating (its `validationDelayMs`), olive-ls validates an opened file at once.
- Completion on the 10,000-line config (`lsp_latency.big_config`) at three positions: a pass type value, a
  precision value and a new key (an empty line inside the first pass), p50/p95, both servers: through pygls'
  client (each reply structured into LSP classes, in this process) and through a raw JSON-RPC client (the time
  to the reply's bytes and json.loads, as a JavaScript client sees it).
- Diagnostics after an edit on that config, wall time from the didChange to the publishDiagnostics, raw
  (olive-ls's 150 ms debounce and the JSON server's 500 ms delay included) and minus each server's own delay.
- olive-ls with environment checks on (what a user's server does) and off.

The JSON server is installed with npm into ~/.cache/olive-ls-bench (OLIVE_LS_BENCH_CACHE), never into the repo.

Usage: python benchmarks/anchors.py [--samples N] [--starts N] [--no-json-server]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lsp_latency import TYPICAL, big_config, percentile

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "schemas" / "olive-0.13.0" / "run-config.schema.json"
CACHE = Path(os.environ.get("OLIVE_LS_BENCH_CACHE", Path.home() / ".cache" / "olive-ls-bench"))
JSON_SERVER = CACHE / "node_modules" / ".bin" / "vscode-json-language-server"
OLIVE_DEBOUNCE = 0.15
CORPUS = REPO.parent / "shared" / "corpus" / "olive-recipes"
JSON_SERVER_DELAY = 0.5  # validationDelayMs in vscode-json-languageserver's utils/validation.js


def ensure_json_server() -> Path | None:
    if JSON_SERVER.exists():
        return JSON_SERVER
    if shutil.which("npm") is None:
        return None
    CACHE.mkdir(parents=True, exist_ok=True)
    print(f"installing vscode-langservers-extracted into {CACHE} ...", file=sys.stderr)
    subprocess.run(["npm", "install", "--silent", "--prefix", str(CACHE), "vscode-langservers-extracted@4"], check=False)
    return JSON_SERVER if JSON_SERVER.exists() else None


def fmt(values: list[float]) -> str:
    return f"p50 {statistics.median(values) * 1000:7.1f} ms  p95 {percentile(values, 0.95) * 1000:7.1f} ms"


# --- the documents and the positions ------------------------------------------------------------------------


def with_new_key_line(text: str) -> tuple[str, dict[str, types.Position]]:
    """The big config with an empty line inside its first pass, and the three completion positions."""
    lines = text.splitlines()
    positions: dict[str, types.Position] = {}
    type_line = next(i for i, line in enumerate(lines) if line.lstrip().startswith('"type": "') and i > next(j for j, l in enumerate(lines) if '"passes"' in l))
    indent = lines[type_line][: len(lines[type_line]) - len(lines[type_line].lstrip())]
    lines.insert(type_line + 1, indent)
    positions["pass type"] = types.Position(line=type_line, character=lines[type_line].index('"type": "') + len('"type": "'))
    positions["new key"] = types.Position(line=type_line + 1, character=len(indent))
    precision = next(i for i, line in enumerate(lines) if '"precision": "' in line)
    positions["precision"] = types.Position(line=precision, character=lines[precision].index('"precision": "') + len('"precision": "'))
    return "\n".join(lines) + "\n", positions


# --- the two servers ------------------------------------------------------------------------------------------


class Server:
    """One server over stdio: started, initialized, its diagnostics awaited per URI."""

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
                        completion=types.CompletionClientCapabilities(completion_item=types.ClientCompletionItemOptions(snippet_support=True))
                    ),
                ),
                initialization_options={"provideFormatter": False, "handledSchemaProtocols": ["file"]},
            )
        )
        started = time.perf_counter() - t0
        self.client.initialized(types.InitializedParams())
        self.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=self.settings))
        return started

    def open(self, uri: str, text: str) -> asyncio.Event:
        self.published[uri] = asyncio.Event()
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="json", version=1, text=text)))
        return self.published[uri]

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(self.client.shutdown_async(None), 10)
            self.client.exit(None)
        except Exception:
            pass
        await self.client.stop()


BARE_PYGLS = "from pygls.lsp.server import LanguageServer; LanguageServer('bare', '1').start_io()"


def bare_pygls_server() -> Server:
    return Server("bare pygls", [sys.executable, "-c", BARE_PYGLS], {}, 0.0)


def olive_server(environment_checks: bool = True) -> Server:
    return Server("olive-ls", [sys.executable, "-m", "olive_ls", "serve"], {"olive": {"environmentChecks": environment_checks}}, OLIVE_DEBOUNCE)


def json_server(binary: Path) -> Server:
    settings = {"json": {"schemas": [{"fileMatch": ["*.json"], "url": SCHEMA.as_uri()}], "validate": {"enable": True}}}
    return Server("JSON server", [str(binary), "--stdio"], settings, JSON_SERVER_DELAY)


# --- measurements ---------------------------------------------------------------------------------------------


def import_floor() -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import pygls.lsp.server"], check=True)
    return time.perf_counter() - t0


async def start_only(make) -> float:
    server = make()
    started = await server.start()
    await server.stop()
    return started


async def start_and_first_diagnostics(make, folder: Path, text: str) -> tuple[float, float]:
    server = make()
    t0 = time.perf_counter()
    started = await server.start()
    uri = (folder / "first.json").as_uri()
    await asyncio.wait_for(server.open(uri, text).wait(), 60)
    first = time.perf_counter() - t0
    await server.stop()
    return started, first


async def big_file(server: Server, folder: Path, text: str, positions: dict[str, types.Position], samples: int) -> dict[str, list[float]]:
    uri = (folder / "big.json").as_uri()
    await asyncio.wait_for(server.open(uri, text).wait(), 120)
    results: dict[str, list[float]] = {}
    for label, position in positions.items():
        params = types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position)
        await server.client.text_document_completion_async(params)  # warm
        times = []
        for _ in range(samples):
            t0 = time.perf_counter()
            result = await server.client.text_document_completion_async(params)
            times.append(time.perf_counter() - t0)
        items = result.items if isinstance(result, types.CompletionList) else (result or [])
        size = len(json.dumps(server.client.protocol._converter.unstructure(result))) // 1024
        results[f"completion at {label} ({len(items)} items, {size} KB)"] = times
    end = types.Position(line=len(text.splitlines()), character=0)
    edits = []
    for version in range(2, samples + 2):
        server.published[uri].clear()
        t0 = time.perf_counter()
        server.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangePartial(range=types.Range(start=end, end=end), text=" " if version % 2 else "")],
            )
        )
        await asyncio.wait_for(server.published[uri].wait(), 120)
        edits.append(time.perf_counter() - t0)
    results["didChange -> diagnostics, raw"] = edits
    results[f"didChange -> diagnostics, minus own delay ({server.delay * 1000:.0f} ms)"] = [max(0.0, e - server.delay) for e in edits]
    return results


async def run(args) -> None:
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "server" / "olive_ls")], check=False)
    binary = None if args.no_json_server else ensure_json_server()
    typical = TYPICAL.read_text()
    big, positions = with_new_key_line(big_config())
    print(f"typical config: {len(typical.splitlines())} lines; big config: {len(big.splitlines())} lines, {len(big) / 1024:.0f} KB")
    print(f"JSON server: {binary or 'not available (npm missing): anchors skipped'}")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        floor, bare, ours, ours_off, theirs = [], [], [], [], []
        for _ in range(args.starts):
            floor.append(import_floor())
            bare.append(await start_only(bare_pygls_server))
            ours.append(await start_and_first_diagnostics(lambda: olive_server(True), folder, typical))
            ours_off.append(await start_and_first_diagnostics(lambda: olive_server(False), folder, typical))
            if binary:
                theirs.append(await start_and_first_diagnostics(lambda: json_server(binary), folder, typical))
        print(f"\n--- start, {args.starts} times each, interleaved ---")
        floor_label = 'python -c "import pygls.lsp.server"'
        print(f"{floor_label:<52} {fmt(floor)}")
        print(f"{'bare pygls server start -> initialize reply':<52} {fmt(bare)}")
        print(f"{'olive-ls start -> initialize reply (env checks on)':<52} {fmt([s for s, _ in ours])}")
        print(f"{'olive-ls start -> initialize reply (env checks off)':<52} {fmt([s for s, _ in ours_off])}")
        if theirs:
            print(f"{'JSON server start -> initialize reply':<52} {fmt([s for s, _ in theirs])}")
        ours_p50 = statistics.median([s for s, _ in ours])
        print(f"olive-ls above the import floor: {(ours_p50 - statistics.median(floor)) * 1000:+.0f} ms, above a bare pygls server: {(ours_p50 - statistics.median(bare)) * 1000:+.0f} ms (p50)")
        print("\n--- start -> first diagnostics of the typical config opened at start ---")
        print(f"{'olive-ls (env checks on)':<52} {fmt([f for _, f in ours])}")
        print(f"{'olive-ls (env checks off)':<52} {fmt([f for _, f in ours_off])}")
        if theirs:
            print(f"{'JSON server (its 500 ms validation delay included)':<52} {fmt([f for _, f in theirs])}")
            print(f"{'JSON server minus its 500 ms delay':<52} {fmt([f - JSON_SERVER_DELAY for _, f in theirs])}")

        makers = [("olive-ls (env checks on)", lambda: olive_server(True)), ("olive-ls (env checks off)", lambda: olive_server(False))]
        if binary:
            makers.append(("JSON server + olive-ls schema", lambda: json_server(binary)))
        print(f"\n--- the {len(big.splitlines())}-line config, {args.samples} samples each ---")
        for label, make in makers:
            server = make()
            await server.start()
            results = await big_file(server, folder, big, positions, args.samples)
            await server.stop()
            for what, values in results.items():
                print(f"{label:<30} {what:<52} {fmt(values)}")

        print(f"\n--- completion on the {len(big.splitlines())}-line config, time to the reply's bytes (json.loads only), {args.samples} samples ---")
        raw = [("olive-ls (env checks on)", [sys.executable, "-m", "olive_ls", "serve"], {"olive": {"environmentChecks": True}})]
        if binary:
            raw.append(("JSON server + olive-ls schema", [str(binary), "--stdio"], json_server(binary).settings))
        for label, argv, settings in raw:
            for what, values in (await raw_completion(argv, settings, folder, big, positions, args.samples)).items():
                print(f"{label:<30} {what:<52} {fmt(values)}")

        print("\n--- resident memory with 20 configs open and checked ---")
        for label, make in makers[:1] + makers[2:]:
            rss, count = await memory_with_open_configs(make, folder, 20)
            print(f"{label:<30} {rss:6.0f} MB ({count} configs)")


class RawClient:
    """JSON-RPC over the server's stdio with nothing but json.loads on replies: the time to a reply's bytes, as a
    JavaScript client (VS Code) sees it, without the Python client's structuring of every item into LSP classes."""

    def __init__(self, argv: list[str], settings: dict):
        self.argv, self.settings = argv, settings
        self.waiting: dict[int, asyncio.Future] = {}
        self.next_id = 0
        self.published: dict[str, asyncio.Event] = {}

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(*self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.reader = asyncio.ensure_future(self._read())
        await self.request("initialize", {"processId": None, "rootUri": None, "capabilities": {"workspace": {"configuration": True}}, "initializationOptions": {"provideFormatter": False, "handledSchemaProtocols": ["file"]}})
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
                event = self.published.get(message["params"]["uri"])
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


async def raw_completion(argv: list[str], settings: dict, folder: Path, text: str, positions: dict[str, types.Position], samples: int) -> dict[str, list[float]]:
    client = RawClient(argv, settings)
    await client.start()
    uri = (folder / "raw.json").as_uri()
    client.published[uri] = asyncio.Event()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": text}})
    await asyncio.wait_for(client.published[uri].wait(), 120)  # the first analysis is over: completion alone is timed
    results = {}
    for label, position in positions.items():
        params = {"textDocument": {"uri": uri}, "position": {"line": position.line, "character": position.character}}
        await client.request("textDocument/completion", params)
        times = []
        for _ in range(samples):
            t0 = time.perf_counter()
            await client.request("textDocument/completion", params)
            times.append(time.perf_counter() - t0)
        results[f"completion at {label}, raw JSON-RPC client"] = times
    await client.stop()
    return results


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def memory_with_open_configs(make, folder: Path, count: int) -> tuple[float, int]:
    """Resident memory once `count` real configs (the corpus, else the samples) are open and checked."""
    configs = sorted(CORPUS.rglob("*.json"))[:count] or sorted((REPO / "samples").rglob("*.json"))[:count]
    server = make()
    await server.start()
    for index, path in enumerate(configs):
        uri = (folder / f"open_{index}.json").as_uri()
        await asyncio.wait_for(server.open(uri, path.read_text(errors="replace")).wait(), 60)
    rss = resident_mb(server.client._server.pid)
    await server.stop()
    return rss, len(configs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--no-json-server", action="store_true")
    args = parser.parse_args()
    asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
