"""`olive-ls catalog ...` subcommands."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    catalog = subparsers.add_parser("catalog", help="generate or inspect the Olive catalog")
    catalog_sub = catalog.add_subparsers(dest="catalog_command", required=True)
    gen = catalog_sub.add_parser("generate", help="write schemas/olive-<version>/ from the installed olive-ai")
    gen.add_argument("--out", default=None, help="schemas folder (default: the repository's schemas/)")
    gen.add_argument("--label", default=None, help="version name for a build that is not a release, e.g. main")
    gen.add_argument("--commit", default=None, help="the commit of that build (recorded in the catalog)")
    gen.set_defaults(handler=_generate)


def _generate(args: argparse.Namespace) -> int:
    from olive_ls.catalog.generate import main as generate_main

    return generate_main(args.out, label=args.label, commit=args.commit)
