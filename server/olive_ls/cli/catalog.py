"""`olive-ls catalog ...` subcommands."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    catalog = subparsers.add_parser("catalog", help="generate or inspect the Olive catalog")
    catalog_sub = catalog.add_subparsers(dest="catalog_command", required=True)
    gen = catalog_sub.add_parser("generate", help="write schemas/olive-<version>/ from the installed olive-ai")
    gen.add_argument("--out", default=None, help="schemas folder (default: the repository's schemas/)")
    gen.set_defaults(handler=_generate)


def _generate(args: argparse.Namespace) -> int:
    from olive_ls.catalog.generate import main as generate_main

    return generate_main(args.out)
