"""Language server latency, measured two ways in one run:

- over stdio, from a real client (pygls LanguageClient): server start to the `initialize` reply; a didChange
  to its publishDiagnostics, as measured (the server's 150 ms debounce included) and minus that debounce;
  completion requests, p50/p95; with environment checks on (what a user's server does: the configured Python's
  packages are asked once and kept) and off;
- inside the server process, without transport: the service's diagnostics and completion calls.

benchmarks/anchors.py puts these beside VS Code's JSON language server and the import-pygls floor.

Configs: tests/data/typical.json (a typical config) and a 10,000-line config generated from it.

Usage: python benchmarks/lsp_latency.py [--samples N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

TYPICAL = Path(__file__).resolve().parents[1] / "tests" / "data" / "typical.json"


def big_config(lines_wanted: int = 10_000) -> str:
    config = json.loads(TYPICAL.read_text())
    template = config["passes"]["builder"]
    index = 0
    while True:
        text = json.dumps(config, indent=4)
        if len(text.splitlines()) >= lines_wanted:
            return text
        for _ in range(50):
            config["passes"][f"builder_{index}"] = dict(template, int4_block_size=[16, 32, 64, 128][index % 4])
            index += 1


def completion_position(text: str) -> types.Position:
    """Inside the value of the first `"precision": "int4"`, after the opening quote."""
    for number, line in enumerate(text.splitlines()):
        if '"precision": "' in line:
            return types.Position(line=number, character=line.index('"precision": "') + len('"precision": "'))
    raise ValueError("no precision in config")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def over_stdio(texts: dict[str, str], samples: int, environment_checks: bool) -> None:
    client = LanguageClient("olive-ls-bench", "1")
    received: dict[str, asyncio.Event] = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams):
        event = received.get(params.uri)
        if event is not None:
            event.set()

    @client.feature(types.WORKSPACE_CONFIGURATION)
    def on_configuration(params):
        return [{"environmentChecks": environment_checks}]

    start = time.perf_counter()
    await client.start_io(sys.executable, "-m", "olive_ls", "serve")
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities(workspace=types.WorkspaceClientCapabilities(configuration=True))))
    started = time.perf_counter() - start
    client.initialized(types.InitializedParams())
    checks = "env checks on" if environment_checks else "env checks off"
    print(f"[stdio, {checks}] server start to initialize reply: {started * 1000:.0f} ms")

    with tempfile.TemporaryDirectory() as folder:
        for name, text in texts.items():
            uri = (Path(folder) / f"{name}.json").as_uri()
            received[uri] = asyncio.Event()
            client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="json", version=1, text=text)))
            await asyncio.wait_for(received[uri].wait(), 60)
            latencies = []
            end_line = len(text.splitlines())
            for version in range(2, samples + 2):
                received[uri].clear()
                at = types.Position(line=end_line, character=0)
                t0 = time.perf_counter()
                client.text_document_did_change(
                    types.DidChangeTextDocumentParams(
                        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                        content_changes=[types.TextDocumentContentChangePartial(range=types.Range(start=at, end=at), text=" " if version % 2 else "")],
                    )
                )
                await asyncio.wait_for(received[uri].wait(), 60)
                latencies.append(time.perf_counter() - t0)
            # As measured, and minus the server's debounce: what is left is parse + rules + transport.
            from olive_ls.lsp.server import DEBOUNCE_SECONDS

            work = [max(0.0, l - DEBOUNCE_SECONDS) for l in latencies]
            position = completion_position(text)
            completions = []
            for _ in range(samples):
                t0 = time.perf_counter()
                await client.text_document_completion_async(types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position))
                completions.append(time.perf_counter() - t0)
            print(
                f"[stdio, {checks}] {name:<8} didChange->diagnostics p50 {statistics.median(latencies) * 1000:7.1f} ms  p95 {percentile(latencies, 0.95) * 1000:7.1f} ms; "
                f"minus the {DEBOUNCE_SECONDS * 1000:.0f} ms debounce p50 {statistics.median(work) * 1000:7.1f} ms  p95 {percentile(work, 0.95) * 1000:7.1f} ms | "
                f"completion p50 {statistics.median(completions) * 1000:6.1f} ms  p95 {percentile(completions, 0.95) * 1000:6.1f} ms"
            )
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


def in_process(texts: dict[str, str], samples: int, environment_checks: bool) -> None:
    from olive_ls.document.parse import gc_paused
    from olive_ls.service import OliveLanguageService
    from olive_ls.settings import ServerSettings

    service = OliveLanguageService(settings=ServerSettings(environment_checks=environment_checks))
    checks = "env checks on" if environment_checks else "env checks off"
    for name, text in texts.items():
        uri = f"file:///bench/{name}.json"
        diagnostics, completions = [], []
        for version in range(samples):
            edited = text + (" " if version % 2 else "")
            t0 = time.perf_counter()
            with gc_paused():  # as the server's analysis thread runs it
                doc = service.parse(uri, edited, version)
                service.diagnostics(uri, doc)
            diagnostics.append(time.perf_counter() - t0)
        position = completion_position(text)
        doc = service.parse(uri, text, samples + 1)
        for _ in range(samples):
            t0 = time.perf_counter()
            service.completion(uri, doc, position)
            completions.append(time.perf_counter() - t0)
        print(
            f"[in-server, {checks}] {name:<8} parse+diagnostics p50 {statistics.median(diagnostics) * 1000:7.1f} ms  p95 {percentile(diagnostics, 0.95) * 1000:7.1f} ms | "
            f"completion p50 {statistics.median(completions) * 1000:6.2f} ms  p95 {percentile(completions, 0.95) * 1000:6.2f} ms"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=30)
    args = parser.parse_args()
    texts = {"typical": TYPICAL.read_text(), "10k": big_config()}
    for name, text in texts.items():
        print(f"{name}: {len(text.splitlines())} lines, {len(text) / 1024:.0f} KB")
    for environment_checks in (True, False):
        asyncio.run(over_stdio(texts, args.samples, environment_checks))
    for environment_checks in (True, False):
        in_process(texts, args.samples, environment_checks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
