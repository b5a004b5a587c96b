"""Language server latency, measured two ways in one run:

- over stdio, from a real client (pygls LanguageClient): server start to the `initialize` reply; a didChange
  to its publishDiagnostics, as measured (the server's 150 ms debounce included) and minus that debounce;
  completion requests, p50/p95; with environment checks on (what a user's server does: the configured Python's
  packages are asked once and kept) and off;
- inside the server process, without transport: the service's diagnostics and completion calls.

Every series is timed warm: after the file's first analysis and one untimed completion.

Two kinds of edit, each timed (`EDITS`):
- "space": a space typed at the end of the file, then deleted (no value changes);
- "value": a digit of a number inside a pass in the middle of the file changed back and forth: an
  `int4_block_size` 32 -> 64 -> 32, each one incremental content change replacing the two digits.

benchmarks/anchors.py puts these beside VS Code's JSON language server and the import-pygls floor.

Configs: tests/data/typical.json (a typical config) and a 10,000-line config generated from it.

Usage: python benchmarks/lsp_latency.py [--samples N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
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


def end_position(text: str) -> types.Position:
    """The position just past the last character (an LSP position, UTF-16 = str index for this ASCII text)."""
    lines = text.split("\n")
    return types.Position(line=len(lines) - 1, character=len(lines[-1]))


EDITS = ("space", "value")
VALUE_FROM, VALUE_TO = "32", "64"


def value_digits(text: str) -> types.Range:
    """The digits of the `int4_block_size` 32 nearest the middle of the file (JSON or YAML)."""
    lines = text.split("\n")
    found = [
        (abs(number - len(lines) // 2), number, line.index(VALUE_FROM, line.index("int4_block_size")))
        for number, line in enumerate(lines)
        if re.search(r'int4_block_size"?:\s*' + VALUE_FROM + r"\b", line)
    ]
    if not found:
        raise ValueError("no int4_block_size 32 in config")
    _, line, character = min(found)
    return types.Range(start=types.Position(line=line, character=character), end=types.Position(line=line, character=character + len(VALUE_FROM)))


class EditCycle:
    """The edits of one kind, alternating: after every even step the text is the original again."""

    def __init__(self, text: str, kind: str):
        self.kind, self.original = kind, text
        if kind == "space":
            self.at = end_position(text)
        elif kind == "value":
            self.digits = value_digits(text)
        else:
            raise ValueError(kind)

    @staticmethod
    def steps(samples: int) -> range:
        """An even number of steps (at least `samples`), so that the text is the original again after them."""
        return range(1, samples + samples % 2 + 1)

    def change(self, step: int) -> types.TextDocumentContentChangePartial:
        """The incremental change that takes the text from step - 1 to `step` (odd steps edit, even ones undo)."""
        edited = step % 2 == 1
        if self.kind == "space":
            start = self.at
            end = self.at if edited else types.Position(line=self.at.line, character=self.at.character + 1)
            return types.TextDocumentContentChangePartial(range=types.Range(start=start, end=end), text=" " if edited else "")
        return types.TextDocumentContentChangePartial(range=self.digits, text=VALUE_TO if edited else VALUE_FROM)

    def text(self, step: int) -> str:
        if step % 2 == 0:
            return self.original
        if self.kind == "space":
            return self.original + " "
        lines = self.original.split("\n")
        line, start = self.digits.start.line, self.digits.start.character
        lines[line] = lines[line][:start] + VALUE_TO + lines[line][start + len(VALUE_FROM) :]
        return "\n".join(lines)


def completion_position(text: str) -> types.Position:
    """Inside the value of the first `"precision": "int4"`, after the opening quote."""
    for number, line in enumerate(text.splitlines()):
        if '"precision": "' in line:
            return types.Position(line=number, character=line.index('"precision": "') + len('"precision": "'))
    raise ValueError("no precision in config")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def over_stdio(texts: dict[str, str], samples: int, environment_checks: bool) -> dict:
    """Start, then per text: didChange -> publishDiagnostics for each kind of edit, and completion. Returns
    {"start": seconds, name: {"edit:KIND": [seconds, ...] (as measured), "completion": [...]}} (the debounce is
    `DEBOUNCE_SECONDS`, not subtracted here)."""
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
    results: dict = {"start": time.perf_counter() - start}
    client.initialized(types.InitializedParams())

    with tempfile.TemporaryDirectory() as folder:
        for name, text in texts.items():
            uri = (Path(folder) / f"{name}.json").as_uri()
            received[uri] = asyncio.Event()
            client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="json", version=1, text=text)))
            await asyncio.wait_for(received[uri].wait(), 60)
            figures = results[name] = {}
            version = 1
            for kind in EDITS:
                cycle, latencies = EditCycle(text, kind), []
                for step in cycle.steps(samples):
                    version += 1
                    received[uri].clear()
                    t0 = time.perf_counter()
                    client.text_document_did_change(_did_change(uri, version, cycle.change(step)))
                    await asyncio.wait_for(received[uri].wait(), 60)
                    latencies.append(time.perf_counter() - t0)
                figures[f"edit:{kind}"] = latencies
            position = completion_position(text)
            completions = []
            await client.text_document_completion_async(types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position))  # warm
            for _ in range(samples):
                t0 = time.perf_counter()
                await client.text_document_completion_async(types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position))
                completions.append(time.perf_counter() - t0)
            figures["completion"] = completions
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return results


def _did_change(uri: str, version: int, change: types.TextDocumentContentChangePartial) -> types.DidChangeTextDocumentParams:
    return types.DidChangeTextDocumentParams(text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=[change])


def print_stdio(results: dict, environment_checks: bool) -> None:
    from olive_ls.lsp.server import DEBOUNCE_SECONDS

    checks = "env checks on" if environment_checks else "env checks off"
    print(f"[stdio, {checks}] server start to initialize reply: {results['start'] * 1000:.0f} ms")
    for name, figures in results.items():
        if name == "start":
            continue
        for kind in EDITS:
            latencies = figures[f"edit:{kind}"]
            # As measured, and minus the server's debounce: what is left is parse + rules + transport.
            work = [max(0.0, l - DEBOUNCE_SECONDS) for l in latencies]
            print(
                f"[stdio, {checks}] {name:<8} {kind + ' edit':<10} didChange->diagnostics as measured p50 {statistics.median(latencies) * 1000:7.1f} ms  p95 {percentile(latencies, 0.95) * 1000:7.1f} ms; "
                f"minus the {DEBOUNCE_SECONDS * 1000:.0f} ms debounce p50 {statistics.median(work) * 1000:7.1f} ms  p95 {percentile(work, 0.95) * 1000:7.1f} ms"
            )
        completions = figures["completion"]
        print(f"[stdio, {checks}] {name:<8} completion p50 {statistics.median(completions) * 1000:6.1f} ms  p95 {percentile(completions, 0.95) * 1000:6.1f} ms")


def in_process(texts: dict[str, str], samples: int, environment_checks: bool) -> dict:
    """The service's parse + diagnostics per edit kind and its completion, without transport:
    {name: {"edit:KIND": [...], "completion": [...]}}."""
    from olive_ls.document.parse import gc_paused
    from olive_ls.service import OliveLanguageService
    from olive_ls.settings import ServerSettings

    service = OliveLanguageService(settings=ServerSettings(environment_checks=environment_checks))
    results: dict = {}
    release = getattr(service, "release_superseded", lambda: None)
    for name, text in texts.items():
        uri = f"file:///bench/{name}.json"
        figures = results[name] = {}
        version = 1
        with gc_paused():  # warm: the first analysis of a service loads the catalog and asks the environment
            service.diagnostics(uri, service.parse(uri, text, version), incremental=True)
        for kind in EDITS:
            cycle, diagnostics = EditCycle(text, kind), []
            for step in cycle.steps(samples):
                version += 1
                edited = cycle.text(step)
                t0 = time.perf_counter()
                with gc_paused():  # as the server's analysis thread runs it, keeping entry-scoped findings
                    doc = service.parse(uri, edited, version, consume_previous=True)
                    service.diagnostics(uri, doc, incremental=True)
                diagnostics.append(time.perf_counter() - t0)
                release()  # as the server does after publishing: the replaced version's tree is freed, untimed
            figures[f"edit:{kind}"] = diagnostics
        position = completion_position(text)
        doc = service.parse(uri, text, version + 1)
        service.completion(uri, doc, position)  # warm
        completions = []
        for _ in range(samples):
            t0 = time.perf_counter()
            service.completion(uri, doc, position)
            completions.append(time.perf_counter() - t0)
        figures["completion"] = completions
    return results


def print_in_process(results: dict, environment_checks: bool) -> None:
    checks = "env checks on" if environment_checks else "env checks off"
    for name, figures in results.items():
        edits = "; ".join(
            f"{kind} edit p50 {statistics.median(figures[f'edit:{kind}']) * 1000:7.1f} ms  p95 {percentile(figures[f'edit:{kind}'], 0.95) * 1000:7.1f} ms" for kind in EDITS
        )
        completions = figures["completion"]
        print(
            f"[in-server, {checks}] {name:<8} parse+diagnostics: {edits} | "
            f"completion p50 {statistics.median(completions) * 1000:6.2f} ms  p95 {percentile(completions, 0.95) * 1000:6.2f} ms"
        )


def texts() -> dict[str, str]:
    return {"typical": TYPICAL.read_text(), "10k": big_config()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=30)
    args = parser.parse_args()
    configs = texts()
    for name, text in configs.items():
        print(f"{name}: {len(text.splitlines())} lines, {len(text) / 1024:.0f} KB")
    for environment_checks in (True, False):
        print_stdio(asyncio.run(over_stdio(configs, args.samples, environment_checks)), environment_checks)
    for environment_checks in (True, False):
        print_in_process(in_process(configs, args.samples, environment_checks), environment_checks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
