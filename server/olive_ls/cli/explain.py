"""`olive-ls explain CODE`: one code's meaning, why it matters and how to fix it (its section of docs/rules.md)."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    explain = subparsers.add_parser("explain", help="explain a diagnostic code (e.g. olive-ls explain OLV404)")
    explain.add_argument("code", metavar="CODE")
    explain.set_defaults(handler=run_explain)


def run_explain(args: argparse.Namespace) -> int:
    from olive_ls.cli.rules import section
    from olive_ls.rules.codes import all_codes
    from olive_ls.suggest import did_you_mean

    codes = all_codes()
    wanted = args.code.strip().upper()
    if wanted.isdigit():
        wanted = f"OLV{int(wanted):03d}"
    entry = codes.get(wanted)
    if entry is None:
        hint, _ = did_you_mean(wanted, list(codes))
        print(f"olive-ls explain: no code {args.code}.{hint} (`olive-ls rules` lists them)", file=sys.stderr)
        return 2
    print(section(entry).replace("### ", "", 1))
    return 0
