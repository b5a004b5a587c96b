"""`olive-ls smoke MODEL_DIR`: load an onnxruntime-genai model folder in a subprocess and generate a few tokens.

Exit codes: 0 tokens were generated, 1 the model failed to load or generate, 2 bad input, 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys

from olive_ls.cli.run import EXIT_FAIL, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE


def register(subparsers: argparse._SubParsersAction) -> None:
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
