"""The `olive-ls` command line.

Each subcommand is a module of this package exposing `register(subparsers)`; this file only lists them. Registering must stay cheap: a handler imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# One line per subcommand module, in the order `olive-ls --help` shows them.
COMMAND_MODULES = (
    "olive_ls.cli.check",
    "olive_ls.cli.rules",
    "olive_ls.cli.explain",
    "olive_ls.cli.migrate",
    "olive_ls.cli.serve",
    "olive_ls.cli.catalog",
    "olive_ls.cli.run",
    "olive_ls.cli.smoke",
    "olive_ls.cli.new",
    "olive_ls.cli.doctor",
)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Every subcommand; only `command`'s when it names one (a check run does not import the other nine)."""
    parser = argparse.ArgumentParser(prog="olive-ls", description="Editor tooling for Microsoft Olive workflow configs")
    subparsers = parser.add_subparsers(dest="command", required=True)
    wanted = f"olive_ls.cli.{command}"
    for module_name in COMMAND_MODULES if wanted not in COMMAND_MODULES else (wanted,):
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    parser = build_parser(arguments[0] if arguments else None)
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        print("olive-ls: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `olive-ls rules | head`: the reader left, nothing more to say
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
