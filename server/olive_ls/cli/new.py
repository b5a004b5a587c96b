"""`olive-ls new`: write the workflow config `olive auto-opt --use_model_builder` would build, as an editable file.

Exit codes: 0 written, 2 bad input or an existing file (never overwritten without --force).
"""

from __future__ import annotations

import argparse
import sys

from olive_ls.cli.run import EXIT_OK, EXIT_USAGE


def register(subparsers: argparse._SubParsersAction) -> None:
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
