"""`olive-ls run CONFIG`: run an Olive workflow with progress, its errors mapped back onto the config's keys.

Exit codes: 0 a model was produced, 1 Olive failed or produced no model, 2 bad input (missing file, a folder,
not a config, bad option), 130 interrupted (Ctrl-C; the Olive process tree is killed first), 143 terminated
(SIGTERM; likewise).
"""

from __future__ import annotations

import argparse
import json
import sys

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143


def register(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser(
        "run",
        help="run an Olive workflow config (olive run) with progress, errors mapped to config keys",
        description="Run `python -m olive run --config CONFIG` in the config's folder and report the output "
        "model folder(s) and their size, or the errors as config key paths. Exit 0 only when a model was produced.",
    )
    run.add_argument("config", help="workflow config (.json, .yaml, .yml)")
    run.add_argument("--python", default=None, help="Python interpreter with olive-ai installed (default: this one)")
    run.add_argument("--json", action="store_true", help="print one JSON result object on stdout; logs go to stderr")
    run.add_argument("--quiet", "-q", action="store_true", help="do not echo Olive's log, only progress and result")
    run.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    import asyncio
    import os
    import signal
    from pathlib import Path

    from olive_ls.execution.config_file import ConfigInputError, format_path
    from olive_ls.execution.model_dir import format_size
    from olive_ls.execution.workflow_run import RunInProgressError, RunStartError, run_workflow

    out = sys.stdout
    info = sys.stderr if args.json else sys.stdout
    state = {"terminated": False}

    def on_log(line: str) -> None:
        if not args.quiet:
            print(f"  | {line}" if not args.json else line, file=sys.stderr, flush=True)

    def on_progress(message: str, percent: int | None) -> None:
        pct = f"{percent:3d}%" if percent is not None else "    "
        print(f"[olive-ls] {pct} {message}", file=info, flush=True)

    async def main():
        cancel = asyncio.Event()
        loop = asyncio.get_running_loop()
        if os.name == "posix":

            def on_term():
                state["terminated"] = True
                cancel.set()

            loop.add_signal_handler(signal.SIGTERM, on_term)
        return await run_workflow(
            Path(args.config),
            python=args.python or sys.executable,
            on_log=on_log,
            on_progress=on_progress,
            cancel_event=cancel,
        )

    try:
        result = asyncio.run(main())
    except (ConfigInputError, RunStartError) as exc:
        print(f"olive-ls run: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except RunInProgressError as exc:
        print(f"olive-ls run: {exc}", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        print("olive-ls run: interrupted; Olive and its child processes were stopped", file=sys.stderr)
        return EXIT_INTERRUPTED

    if args.json:
        print(json.dumps(result.to_json(), indent=2), file=out)
    else:
        print(file=out)
        if result.cancelled:
            print(f"Run cancelled after {result.duration_s:.1f} s; Olive and its child processes were stopped.", file=out)
        elif result.produced_model:
            print(f"Model produced in {result.duration_s:.1f} s:", file=out)
            for fp in result.footprints:
                print(f"  {fp.path}", file=out)
                print(f"    {fp.summary()}", file=out)
                kind = f"onnxruntime-genai model ({fp.model_type})" if fp.genai else "ONNX model (no genai_config.json)"
                print(f"    {kind}; largest files: " + ", ".join(f"{n} {format_size(b)}" for n, b in fp.files[:3]), file=out)
        else:
            print(f"No model produced ({result.duration_s:.1f} s): {result.no_model_reason}", file=out)
        locate = _locator(Path(args.config))
        for severity, items in (("error", result.errors), ("warning", result.warnings)):
            for item in items:
                where = f"{locate(item.config_path)} {format_path(item.config_path)}:" if item.config_path else ""
                print(f"{args.config}:{where} {severity}: {item.message}", file=out)
        if result.log_path:
            print(f"Full log: {result.log_path}", file=out)
    if result.cancelled:
        return EXIT_TERMINATED if state["terminated"] else EXIT_INTERRUPTED
    return EXIT_OK if result.produced_model else EXIT_FAIL


def _locator(config_file):
    """`path -> "line:col:"` of the deepest key of `path` present in the file (1-based), or "" when unknown.

    Uses the language server's own JSON/YAML tree (olive_ls.document); any failure just drops the position."""
    try:
        from olive_ls.document.nodes import node_at_path, property_at_path
        from olive_ls.document.parse import language_for, parse_document

        doc = parse_document(config_file.read_text(encoding="utf-8"), language_for(str(config_file)))
    except Exception:
        return lambda path: ""

    def locate(path) -> str:
        try:
            parts = list(path or ())
            while parts:
                spanned = property_at_path(doc.root, parts) or node_at_path(doc.root, parts)
                if spanned is not None:
                    start = spanned.range.start
                    return f"{start.line + 1}:{start.character + 1}:"
                parts.pop()
        except Exception:
            pass
        return ""

    return locate
