"""`olive-ls run`, `olive-ls smoke` and `olive-ls new`.

Exit codes: 0 success (for `run`: a model was produced), 1 failure (for `run`: Olive failed or produced no
model), 2 bad input (missing file, a folder, not a config, bad option), 130 interrupted (Ctrl-C; the Olive
process tree is killed first), 143 terminated (SIGTERM; likewise).
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

    smoke = subparsers.add_parser(
        "smoke",
        help="load an onnxruntime-genai model folder and generate a few tokens (speed, memory, size)",
        description="Load MODEL_DIR with onnxruntime-genai in a separate process, generate greedily and report "
        "time to first token, tokens/s, peak memory and size on disk.",
    )
    smoke.add_argument("model_dir", help="folder with genai_config.json (e.g. the output of a ModelBuilder run)")
    smoke.add_argument("--prompt", default=None, help="prompt text (default: a short greeting)")
    smoke.add_argument("--max-tokens", type=int, default=32, help="new tokens to generate (default: 32)")
    smoke.add_argument("--python", default=None, help="Python interpreter with onnxruntime-genai (default: this one)")
    smoke.add_argument("--no-chat-template", action="store_true", help="feed the prompt as is")
    smoke.add_argument("--json", action="store_true", help="print one JSON result object")
    smoke.set_defaults(handler=_smoke)

    new = subparsers.add_parser(
        "new",
        help="write a new workflow config: ModelBuilder export + quantization for a device/EP",
        description="Write a workflow config equivalent to `olive auto-opt --use_model_builder` for the given "
        "model, device, execution provider and precision.",
    )
    new.add_argument("--model", "-m", required=True, help="Hugging Face hub id or local model folder")
    new.add_argument("--device", choices=("cpu", "gpu", "npu"), default=None, help="target device (default: from the provider, else cpu)")
    new.add_argument("--provider", default=None, help="execution provider, e.g. CPUExecutionProvider, cuda, dml (default: the device's usual one)")
    new.add_argument("--precision", default="int4", help="int4 (default), int8, fp16, fp32 or bf16")
    new.add_argument("--output", "-o", required=True, help="config file to write (.json, .yaml or .yml)")
    new.add_argument("--output-dir", default=None, help="output_dir in the config (default: models/<model name>-<device>-<precision>)")
    new.add_argument("--trust-remote-code", action="store_true", help="set input_model.load_kwargs.trust_remote_code")
    new.add_argument("--force", action="store_true", help="overwrite an existing file")
    new.set_defaults(handler=_new)


# ------------------------------------------------------------------------------------------------------ run
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


# ------------------------------------------------------------------------------------------------------ smoke
def _smoke(args: argparse.Namespace) -> int:
    import asyncio
    from pathlib import Path

    from olive_ls.execution.smoke_test import DEFAULT_PROMPT, SmokeInputError, smoke_test

    if args.max_tokens < 1:
        print("olive-ls smoke: --max-tokens must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    try:
        result = asyncio.run(
            smoke_test(
                Path(args.model_dir),
                prompt=args.prompt if args.prompt is not None else DEFAULT_PROMPT,
                max_tokens=args.max_tokens,
                python=args.python or sys.executable,
                chat_template=not args.no_chat_template,
            )
        )
    except SmokeInputError as exc:
        print(f"olive-ls smoke: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("olive-ls smoke: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
    elif result.ok:
        print(result.summary())
    else:
        print(f"olive-ls smoke: {result.error}", file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_FAIL


# ------------------------------------------------------------------------------------------------------ new
def _new(args: argparse.Namespace) -> int:
    from pathlib import Path

    from olive_ls.execution.new_config import NewConfigError, make_config, write_config

    try:
        config = make_config(
            model=args.model,
            device=args.device,
            provider=args.provider,
            precision=args.precision,
            output_dir=args.output_dir,
            trust_remote_code=args.trust_remote_code,
            config_dir=Path(args.output).expanduser().parent,
        )
        path = write_config(Path(args.output), config, force=args.force)
    except NewConfigError as exc:
        print(f"olive-ls new: {exc}", file=sys.stderr)
        return EXIT_USAGE
    acc = config["systems"]["local_system"]["accelerators"][0]
    print(
        f"wrote {path}: {config['passes']['model_builder']['precision']} ModelBuilder export of {args.model} "
        f"for {acc['device']} / {acc['execution_providers'][0]}"
    )
    print(f"run it with: olive-ls run {path}")
    return EXIT_OK
