"""Every benchmark in one run, olive-ls beside its anchors, printed as ONE markdown table with the issue's goals.

    make bench                                  # = .venv/bin/python benchmarks/bench.py
    .venv/bin/python benchmarks/bench.py [--samples N] [--edit-samples N] [--starts N] [--repeat N] [--quick]
                                         [--corpus DIR] [--json FILE] [--readme] [--no-npm-servers]

What runs (each script also runs alone; this reuses their functions):
- benchmarks/check_corpus.py: `olive-ls check` over the corpus beside Olive's own validation (RunConfig + each
  pass's config class), both as fresh subprocesses, `--repeat` times interleaved;
- benchmarks/catalog_load.py: in a fresh interpreter (its import is what is timed);
- benchmarks/lsp_latency.py: the typical config over stdio (both kinds of edit), and the service's own
  diagnostics and completion inside the process (typical and 10,000 lines);
- benchmarks/anchors.py: start, first diagnostics, completion and edits on the 10,000-line config (as JSON and as
  YAML), memory: olive-ls beside VS Code's JSON language server and yaml-language-server (npm, installed into
  ~/.cache/olive-ls-bench; npm missing or failing: "not available").

Columns: olive-ls, JSON server, YAML server, Olive's validation, then the ratio (olive-ls's time over the
anchor's: below 1x is faster; for the check, Olive's time over olive-ls's), the issue's goal and whether it is
met. Diagnostics figures are p50 / p95 ms as measured (each server's own delay included) and, in brackets, minus
that delay (stated in the first row, read from each server's code). Goals are judged as labelled in their cell.
olive-ls runs with environment checks on (a user's server) except in `check --no-env`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import anchors
import check_corpus
import lsp_latency
from anchors import JSON_SERVER, OLIVE, YAML_SERVER
from lsp_latency import percentile

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
NA = "not available"
README = REPO / "README.md"
README_START, README_END = "<!-- make bench: start -->", "<!-- make bench: end -->"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- running ---------------------------------------------------------------------------------------------------


def catalog_load(repeat: int) -> dict | None:
    out = subprocess.run([sys.executable, str(HERE / "catalog_load.py"), "--repeat", str(repeat), "--json"], capture_output=True, text=True, check=False)
    try:
        return json.loads(out.stdout)
    except ValueError:
        return None


def run_all(args) -> dict:
    results: dict = {}
    corpus = Path(args.corpus)
    if corpus.is_dir():
        log(f"check_corpus: {corpus}, {args.repeat} run(s) of each side ...")
        results["check"] = check_corpus.measure(corpus, args.repeat)
    else:
        results["check"] = None
    log("catalog_load ...")
    results["catalog"] = catalog_load(5)
    log(f"lsp_latency: typical config over stdio, {args.edit_samples} edits of each kind ...")
    typical = {"typical": lsp_latency.TYPICAL.read_text()}
    results["stdio"] = asyncio.run(lsp_latency.over_stdio(typical, args.edit_samples, True))
    log(f"lsp_latency: inside the process, {args.samples} samples ...")
    results["in_process"] = lsp_latency.in_process(lsp_latency.texts(), args.samples, True)
    log(f"anchors: {args.starts} starts, {args.samples} completion samples, {args.edit_samples} edits of each kind ...")
    results["anchors"] = asyncio.run(anchors.measure(args.samples, args.starts, not args.no_npm_servers, log=log, edit_samples=args.edit_samples))
    return results


# --- the table -------------------------------------------------------------------------------------------------


def ms(value: float) -> str:
    return f"{value * 1000:.0f}" if value >= 0.0995 else f"{value * 1000:.1f}"


def p50(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    return percentile(values, 0.95)


def pair(values: list[float] | None, delay: float | None = None, want: int | None = None) -> str:
    """'p50 / p95 ms', '(p50 / p95 minus the delay)' where a delay is given, 'n=N' where fewer than `want` samples
    were taken (anchors.SERIES_BUDGET_S)."""
    if not values:
        return NA
    text = f"{ms(p50(values))} / {ms(p95(values))} ms"
    if delay is not None:
        less = [max(0.0, v - delay) for v in values]
        text += f" ({ms(p50(less))} / {ms(p95(less))})"
    if want is not None and len(values) < want:
        text += f", n={len(values)}"
    return text


def ratio(ours: float, theirs: float | None) -> str:
    if not theirs:
        return NA
    value = ours / theirs
    return f"{value:.2f}x" if value >= 0.1 else f"{value:.2g}x"


def yes(condition: bool) -> str:
    return "yes" if condition else "**no**"


LEGEND = (
    "Times are p50 / p95 ms; for diagnostics as measured and, in brackets, minus the server's own delay (first row). "
    "Ratios: olive-ls's time over the anchor's (below 1x: olive-ls is faster); the check: Olive's time over olive-ls's. "
    "\"n=\": fewer samples than asked, a series cut at its time budget."
)


POSITIONS = {"pass type": "a pass type value", "new key": "a new key (an empty line in a pass)", "precision": "a precision value"}


class Table:
    HEADER = ["What", "olive-ls", "JSON server", "YAML server", "Olive validation", "Ratio / goal", "Met?"]

    def __init__(self) -> None:
        self.rows: list[list[str]] = []

    def add(self, what: str, ours: str = "—", json_server: str = "—", yaml_server: str = "—", olive: str = "—", goal: str = "—", met: str = "—") -> None:
        self.rows.append([what, ours, json_server, yaml_server, olive, goal, met])

    def markdown(self) -> str:
        lines = ["| " + " | ".join(self.HEADER) + " |", "|" + " --- |" * len(self.HEADER)]
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in self.rows]
        return "\n".join(lines)


def build_table(results: dict) -> Table:
    table = Table()
    a = results["anchors"]
    delays, big, raw = a["delays"], a["big"], a["raw"]
    have = {name: a["servers"].get(name, NA) != NA for name in (JSON_SERVER, YAML_SERVER)}
    have[OLIVE] = True

    def cell(name: str, text: str) -> str:
        return text if have[name] else NA

    debounce = delays[OLIVE]
    table.add(
        "Own delay before validating (read from each server's code; subtracted only in brackets)",
        f"{ms(debounce)} ms after a change (`DEBOUNCE_SECONDS`), none on open",
        cell(JSON_SERVER, f"{ms(delays.get(JSON_SERVER, 0))} ms on open and change (`validationDelayMs`)"),
        cell(YAML_SERVER, f"{ms(delays.get(YAML_SERVER, 0))} ms on open and change (`validationDelayMs`)"),
    )

    # check over the corpus
    check = results["check"]
    if check:
        ours = p50(check["ours"])
        if check["theirs"]:
            theirs = p50(check["theirs"])
            speedup = theirs / ours
            table.add(
                f"`olive-ls check --no-env` over the corpus ({check['files']} configs), wall incl. interpreter start, median of {len(check['ours'])}",
                f"{ours:.2f} s",
                olive=f"{theirs:.2f} s ({check['olive_summary']})",
                goal=f"{speedup:.1f}x faster; goal ≥ 20x",
                met=yes(speedup >= 20),
            )
        else:
            table.add(f"`olive-ls check --no-env` over the corpus ({check['files']} configs)", f"{ours:.2f} s", olive=NA + " (olive-ai not installed)", goal="goal ≥ 20x", met=NA)
    else:
        table.add("`olive-ls check --no-env` over the corpus", NA + " (no ../shared/corpus)", goal="goal ≥ 20x", met=NA)

    catalog = results["catalog"]
    if catalog:
        times = catalog["ms"]
        table.add(
            "Catalog load, fresh interpreter: `load_catalog()` (its schema, on first use)",
            f"{times['load_catalog()']:.0f} ms (+{times['catalog.schema']:.0f} ms); import of `olive_ls.catalog` {times['import olive_ls.catalog']:.0f} ms",
            goal="no Olive, torch or onnxruntime imported",
            met=yes(not catalog["heavy"]),
        )

    # start
    start = a["start"]
    ours, floor, bare = p50(start[OLIVE]), p50(start["floor"]), p50(start["bare pygls"])
    table.add(
        f"Server start → `initialize` reply, p50 of {len(start[OLIVE])} (olive-ls env checks off: {ms(p50(start[OLIVE + '|env off']))} ms)",
        f"{ms(ours)} ms",
        cell(JSON_SERVER, f"{ms(p50(start.get(JSON_SERVER, [0])))} ms"),
        cell(YAML_SERVER, f"{ms(p50(start.get(YAML_SERVER, [0])))} ms"),
        goal=f"{(ours - floor) * 1000:+.0f} ms over the `import pygls.lsp.server` floor ({ms(floor)} ms; a bare pygls server {ms(bare)} ms); goal ≤ +50 ms",
        met=yes(ours - floor <= 0.050),
    )

    # first diagnostics
    first = a["first"]
    for language, anchor in (("json", JSON_SERVER), ("yaml", YAML_SERVER)):
        ours = first[f"{OLIVE}|{language}"]
        theirs = first.get(f"{anchor}|{language}")
        delay = delays.get(anchor, 0.0)
        what = f"Start → first diagnostics of the typical config ({language.upper()}) opened at start"
        cells = {JSON_SERVER: "—", YAML_SERVER: "—"}
        cells[anchor] = pair(theirs, delay) if theirs else NA
        if language == "json":
            versus = f"{ratio(p50(ours), p50(theirs))} the JSON server's, as measured p50 (minus delays: {ratio(p50(ours), p50(theirs) - delay)}); " if theirs else ""
            goal = versus + "goal: no later than the JSON server, as measured"
            met = yes(p50(ours) <= p50(theirs)) if theirs else NA
        else:
            versus = f"{ratio(p50(ours), p50(theirs))} the YAML server's, as measured p50 (minus delays: {ratio(p50(ours), p50(theirs) - delay)}); " if theirs else ""
            goal = versus + "no goal set"
            met = "—"
        table.add(what, pair(ours) + " (no delay on open)", cells[JSON_SERVER], cells[YAML_SERVER], goal=goal, met=met)

    # completion on the big config
    lines = a["lines"]
    for language, anchor in (("json", JSON_SERVER), ("yaml", YAML_SERVER)):
        for client, figures in (("pygls client", big), ("raw JSON-RPC client", raw)):
            ours_all = figures.get(f"{OLIVE}|{language}", {})
            theirs_all = figures.get(f"{anchor}|{language}", {})
            for label in a["positions"][language]:
                ours = ours_all.get(f"completion:{label}")
                theirs = theirs_all.get(f"completion:{label}")
                items = big.get(f"{OLIVE}|{language}", {}).get(f"items:{label}", "")
                anchor_items = big.get(f"{anchor}|{language}", {}).get(f"items:{label}", "")
                what = f"Completion, {lines[language]:,}-line {language.upper()}, at {POSITIONS.get(label, label)}, {client}"
                cells = {JSON_SERVER: "—", YAML_SERVER: "—"}
                cells[anchor] = f"{pair(theirs, want=a['samples'])} ({anchor_items})" if theirs else NA
                if theirs:
                    goal = f"p50 {ratio(p50(ours), p50(theirs))}, p95 {ratio(p95(ours), p95(theirs))} the {anchor}'s"
                    if language == "json":
                        goal += "; goal ≤ 1x both"
                        met = yes(p50(ours) <= p50(theirs) and p95(ours) <= p95(theirs))
                    else:
                        goal += "; no goal set"
                        met = "—"
                else:
                    goal, met = (f"{anchor} not available; goal ≤ 1x both", NA) if language == "json" else (f"{anchor} not available", "—")
                table.add(what, f"{pair(ours, want=a['samples'])} ({items})", cells[JSON_SERVER], cells[YAML_SERVER], goal=goal, met=met)

    # edits on the big config
    kinds = {"space": "a space at the end (typed, deleted)", "value": "a value mid-file (`int4_block_size` 32 → 64 → 32)"}
    for language, anchor in (("json", JSON_SERVER), ("yaml", YAML_SERVER)):
        for kind, description in kinds.items():
            for client, figures, reach in (("pygls client", big, "structured in Python"), ("raw JSON-RPC client", raw, "to the notification's bytes")):
                ours = figures[f"{OLIVE}|{language}"][f"edit:{kind}"]
                theirs = figures.get(f"{anchor}|{language}", {}).get(f"edit:{kind}")
                delay = delays.get(anchor, 0.0)
                what = f"Edit → diagnostics, {lines[language]:,}-line {language.upper()}, {description}, {client} ({reach})"
                cells = {JSON_SERVER: "—", YAML_SERVER: "—"}
                want = a["edit_samples"] + a["edit_samples"] % 2
                cells[anchor] = pair(theirs, delay, want) if theirs else NA
                if theirs and client == "pygls client":
                    cells[anchor] += f"; {figures[f'{anchor}|{language}']['diagnostics']:,} diagnostics"
                after = p95([max(0.0, v - debounce) for v in ours])
                versus = f"; {ratio(p50(ours), p50(theirs))} the {anchor}'s as measured p50" if theirs else ""
                if language == "json":
                    goal = f"p95 after the debounce {ms(after)} ms, goal ≤ 150 ms{versus}"
                    met = yes(after <= 0.150)
                else:
                    goal = f"p95 after the debounce {ms(after)} ms (the JSON goal: ≤ 150 ms){versus}"
                    met = "—"
                mine = pair(ours, debounce, want)
                if client == "pygls client":
                    mine += f"; {figures[f'{OLIVE}|{language}']['diagnostics']:,} diagnostics"
                table.add(what, mine, cells[JSON_SERVER], cells[YAML_SERVER], goal=goal, met=met)

    # the typical config over stdio and inside the server (no anchors)
    stdio = results["stdio"]["typical"]
    for kind, description in kinds.items():
        table.add(
            f"Edit → diagnostics, typical config ({len(lsp_latency.TYPICAL.read_text().splitlines())} lines of JSON), {description.replace(' mid-file', '')}, pygls client",
            pair(stdio[f"edit:{kind}"], debounce),
        )
    inside = results["in_process"]
    for name, label in (("typical", "typical config"), ("10k", "10,000-line config")):
        figures = inside[name]
        table.add(
            f"Inside the server (no transport), {label}: parse + diagnostics after the space edit; after the value edit; completion at a precision value",
            f"{pair(figures['edit:space'])}; {pair(figures['edit:value'])}; {pair(figures['completion'])}",
        )

    # memory
    memory = a["memory"]
    for language, anchor in (("json", JSON_SERVER), ("yaml", YAML_SERVER)):
        rss, count = memory[f"{OLIVE}|{language}"]
        theirs = memory.get(f"{anchor}|{language}")
        cells = {JSON_SERVER: "—", YAML_SERVER: "—"}
        cells[anchor] = f"{theirs[0]:.0f} MB" if theirs else NA
        table.add(
            f"Resident memory, {count} corpus configs open and checked, as {language.upper()}",
            f"{rss:.0f} MB",
            cells[JSON_SERVER],
            cells[YAML_SERVER],
            goal="goal < 100 MB (olive-ls)",
            met=yes(rss < 100),
        )
    return table


def git(*argv: str) -> str:
    try:
        return subprocess.run(["git", "-C", str(REPO), *argv], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def run_facts(args, wall: float, started: datetime.datetime, loads: tuple) -> dict:
    """What the line under the table says about the run, kept with its figures (--json)."""
    shown, skip = [], False
    for arg in sys.argv[1:]:  # --json FILE and --readme change no figure
        if skip or arg in ("--make", "--readme", "--json") or arg.startswith("--json="):
            skip = arg == "--json"
            continue
        shown.append(arg)
    command = " ".join(["make bench", *([f"BENCH_ARGS='{' '.join(shown)}'"] if shown else [])] if args.make else ["benchmarks/bench.py", *shown])
    return {
        "command": command,
        "started": f"{started:%Y-%m-%d %H:%M} UTC",
        "wall_s": wall,
        "commit": git("rev-parse", "--short", "HEAD"),
        "server_dirty": bool(git("status", "--porcelain", "--untracked-files=no", "server")),
        "cores": os.cpu_count(),
        "cpu": platform.processor() or platform.machine(),
        "loads": list(loads),
        "samples": args.samples,
        "edit_samples": args.edit_samples,
        "starts": args.starts,
        "repeat": args.repeat,
    }


def describe(results: dict) -> str:
    run = results["run"]
    servers = ", ".join(f"{name}: {version}" for name, version in results["anchors"]["servers"].items())
    return (
        f"`{run['command']}`, started {run['started']}, wall {run['wall_s'] / 60:.1f} min; "
        f"commit {run['commit']}{' (server/ with uncommitted changes)' if run['server_dirty'] else ''}; "
        f"{run['cores']} cores ({run['cpu']}), load average {run['loads'][0]:.1f} at the start, {run['loads'][1]:.1f} at the end; "
        f"{run['samples']} completion samples, {run['edit_samples']} edits of each kind, {run['starts']} starts, {run['repeat']} check runs; {servers}."
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=20, help="completion and in-process samples (default 20)")
    # 20: a p95 of 10 samples is their maximum, one stray scheduling delay on a 2-core machine.
    parser.add_argument("--edit-samples", type=int, default=20, help="didChange samples of each kind of edit, per server and client (default 20; rounded up to even)")
    parser.add_argument("--starts", type=int, default=5, help="process starts of each server (default 5)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side of the corpus check (default 3)")
    parser.add_argument("--quick", action="store_true", help="5 samples, 4 edits, 2 starts, 1 check run: a smoke run, not figures")
    parser.add_argument("--corpus", default=str(check_corpus.DEFAULT_CORPUS))
    parser.add_argument("--no-npm-servers", action="store_true", help="olive-ls alone: the JSON and YAML servers not installed or run")
    parser.add_argument("--json", metavar="FILE", help="also write every measured figure to FILE")
    parser.add_argument("--readme", action="store_true", help=f"also write the table into {README.name} (between {README_START} and {README_END})")
    parser.add_argument("--from-json", metavar="FILE", help="measure nothing: print (and --readme) the table of a run saved with --json")
    parser.add_argument("--make", action="store_true", help=argparse.SUPPRESS)  # how `make bench` names itself in the output
    args = parser.parse_args()
    if args.quick:
        args.samples, args.edit_samples, args.starts, args.repeat = 5, 4, 2, 1

    if args.from_json:
        results = json.loads(Path(args.from_json).read_text())
    else:
        started = datetime.datetime.now(datetime.timezone.utc)
        load_before = os.getloadavg()[0]
        t0 = time.perf_counter()
        results = run_all(args)
        results["run"] = run_facts(args, time.perf_counter() - t0, started, (load_before, os.getloadavg()[0]))
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=1))
    block = "\n\n".join([describe(results), LEGEND, build_table(results).markdown()])
    print()
    print(block)
    if args.readme:
        write_readme(block)
    return 0


def write_readme(block: str) -> None:
    text = README.read_text()
    if README_START not in text or README_END not in text:
        print(f"{README.name}: no {README_START} ... {README_END} block; not written", file=sys.stderr)
        return
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    README.write_text(f"{head}{README_START}\n{block}\n{README_END}{tail}")
    print(f"written into {README}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
