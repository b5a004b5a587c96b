"""The `olive-ls` command line: one subcommand per module, wired here and nowhere else."""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="olive-ls", description="Editor tooling for Microsoft Olive workflow configs")
    sub = parser.add_subparsers(dest="command", required=True)
    catalog = sub.add_parser("catalog", help="generate or inspect the Olive catalog")
    catalog_sub = catalog.add_subparsers(dest="catalog_command", required=True)
    gen = catalog_sub.add_parser("generate", help="write schemas/olive-<version>/ from the installed olive-ai")
    gen.add_argument("--out", default=None, help="schemas folder (default: the repository's schemas/)")
    gen.set_defaults(handler=_catalog_generate)
    return parser


def _catalog_generate(args: argparse.Namespace) -> int:
    from olive_ls.catalog.generate import main as generate_main

    return generate_main(args.out)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
