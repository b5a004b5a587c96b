"""`olive-ls check [--format text|json|sarif] [--no-env] PATH...`: the checker for terminals and CI.

Exit codes: 0 no errors, 1 errors found, 2 a usage or read problem (a path that does not exist, a file that
cannot be read, no catalog).
"""

from __future__ import annotations

import argparse
import sys

READ_PROBLEM_CODE = "OLV006"


def register(subparsers: argparse._SubParsersAction) -> None:
    check = subparsers.add_parser("check", help="check Olive configs (files or folders) and report problems")
    check.add_argument("paths", nargs="+", metavar="PATH", help="config files, or folders to search for *.json, *.yaml, *.yml")
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    check.add_argument("--no-env", action="store_true", help="skip checks of the installed packages and the file system")
    check.add_argument("--olive-version", default=None, help="check against this Olive version's catalog")
    check.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace) -> int:
    from lsprotocol.types import Position, Range

    from olive_ls.catalog import CatalogError, load_catalog
    from olive_ls.check import report
    from olive_ls.check.files import discover, read
    from olive_ls.document.parse import language_for, parse_document
    from olive_ls.features.diagnostics import DiagnosticSettings, analyse
    from olive_ls.rules.registry import ERROR, Finding
    from olive_ls.workflow import is_olive_config

    try:
        catalog = load_catalog(args.olive_version)
    except CatalogError as exc:
        print(f"olive-ls: {exc}", file=sys.stderr)
        return 2
    if catalog.fallback_note:
        print(f"olive-ls: {catalog.fallback_note}", file=sys.stderr)

    sources, missing = discover(args.paths)
    for path in missing:
        print(f"olive-ls: {path}: no such file or folder", file=sys.stderr)

    environment = None
    if not args.no_env:
        from olive_ls.environment import current_environment

        environment = current_environment()
    settings = DiagnosticSettings(environment_checks=not args.no_env)

    reports: list[report.FileReport] = []
    configs = 0
    read_problems = bool(missing)
    for source in sources:
        read(source)
        if source.problem is not None:
            read_problems = True
            origin = Range(start=Position(line=0, character=0), end=Position(line=0, character=0))
            reports.append(report.FileReport(str(source.path), [Finding(source.problem, origin, ERROR, code=READ_PROBLEM_CODE)]))
            continue
        doc = parse_document(source.text, language_for(str(source.path)))
        configs += is_olive_config(doc.root)
        findings = analyse(doc, catalog, file_path=source.path, settings=settings, environment=environment, force_olive=False)
        if findings or source.explicit:
            reports.append(report.FileReport(str(source.path), findings))

    formatter = {"text": report.as_text, "json": report.as_json, "sarif": report.as_sarif}[args.format]
    output = formatter(reports)
    if output:
        print(output)
    errors = sum(1 for r in reports for f in r.findings if f.severity == ERROR)
    warnings = sum(1 for r in reports for f in r.findings if f.severity == "warning")
    if args.format == "text":
        skipped = len(sources) - configs
        others = f" ({skipped} other JSON/YAML file(s) skipped)" if skipped else ""
        print(f"{configs} config(s) checked{others}: {errors} error(s), {warnings} warning(s)", file=sys.stderr)
    if read_problems:
        return 2
    return 1 if errors else 0
