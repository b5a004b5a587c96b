"""`olive-ls check [--format text|json|sarif] [--no-env] [--verbose] PATH...`: the checker for terminals and CI.

It asks the same service as the editor, with the editor's settings (cli/workspace_settings.py). Exit codes:
0 no errors, 1 errors found, 2 a usage or read problem (a path that does not exist, a file that cannot be read,
no catalog).
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from pathlib import Path

from olive_ls.cli import workspace_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    check = subparsers.add_parser("check", help="check Olive configs (files or folders) and report problems")
    check.add_argument("paths", nargs="+", metavar="PATH", help="config files, or folders to search for *.json, *.yaml, *.yml")
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    check.add_argument("--no-env", action="store_true", help="skip checks of the installed packages and the file system")
    check.add_argument("-v", "--verbose", action="store_true", help="print each finding's detail (the why and the fix) under it")
    workspace_settings.add_arguments(check)
    check.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace) -> int:
    from olive_ls.catalog import CatalogError
    from olive_ls.catalog.selection import UnknownVersion, describe_choices
    from olive_ls.cli import check_report as report
    from olive_ls.cli.files import discover, read
    from olive_ls.rules.codes import ERROR, UNREADABLE_FILE, WARNING
    from olive_ls.service import OliveLanguageService, origin_range, path_to_uri

    settings = workspace_settings.settings_for(args, environment_checks=not args.no_env)
    if settings is None:
        return 2
    # Each config is checked as the Olive chosen for it (catalog/selection.py): the flag, the setting, the
    # installed olive-ai, a pin beside it, else the newest release.
    service = OliveLanguageService(settings=settings, olive_version=args.olive_version, workspace_root=Path.cwd())
    try:
        service.version_for(None)  # a flag or setting naming a version with no catalog: one line, before any file
    except UnknownVersion as exc:
        print(f"olive-ls: {exc}", file=sys.stderr)
        return 2
    except CatalogError as exc:
        print(f"olive-ls: {exc}", file=sys.stderr)
        return 2

    sources, missing = discover(args.paths)
    for path in missing:
        print(f"olive-ls: {path}: no such file or folder", file=sys.stderr)

    from olive_ls.rules.registry import Finding

    reports: list[report.FileReport] = []
    versions: dict = {}  # path -> VersionChoice, for the configs checked
    configs = 0
    read_problems = bool(missing)
    frozen = False
    for source in sources:
        uri = path_to_uri(source.path)
        if service.is_excluded(uri):
            continue
        read(source)
        if source.problem is not None:
            read_problems = True
            finding = Finding(source.problem, origin_range(), ERROR, code=UNREADABLE_FILE.code)
            reports.append(report.FileReport(str(source.path), [finding]))
            continue
        if source.too_large or service.too_large(source.text):
            findings = service.size_findings(uri, source.text, source.size)
        else:
            doc = service.parse(uri, source.text)
            is_config = service.is_olive_config(uri, doc)
            configs += is_config
            try:
                findings = service.diagnostics(uri, doc)
            except CatalogError as exc:
                print(f"olive-ls: {exc}", file=sys.stderr)
                return 2
            if is_config:
                versions[str(source.path)] = service.version_for(uri)
            service.forget(uri)
            service.release_superseded()  # freed now by reference counting, not by a collection later
            if not frozen:
                # What the first file loaded (the catalog, the model, the rules' tables) lives to the end: moved
                # out of the collector's way, so that the collections the trees' garbage triggers do not walk it.
                gc.freeze()
                frozen = True
        if findings or source.explicit:
            reports.append(report.FileReport(str(source.path), findings))
    for note in service.take_notes():
        print(f"olive-ls: {note}", file=sys.stderr)

    if args.format == "text":
        output = report.as_text(reports, verbose=args.verbose)
    elif args.format == "json":
        output = _with_versions(report.json_report(reports), versions, service.version_for(None))
    else:
        output = report.as_sarif(reports)
    if output:
        print(output)
    if args.format == "text" and versions:
        # Once per run: which Olive the configs were checked as, and why.
        print(f"olive-ls: checked as {describe_choices(versions.values())}", file=sys.stderr)
    errors = sum(1 for r in reports for f in r.findings if f.severity == ERROR)
    warnings = sum(1 for r in reports for f in r.findings if f.severity == WARNING)
    if args.format == "text":
        skipped = len(sources) - configs
        others = f" ({skipped} other JSON/YAML file(s) skipped)" if skipped else ""
        print(f"{configs} config(s) checked{others}: {errors} error(s), {warnings} warning(s)", file=sys.stderr)
    if read_problems:
        return 2
    return 1 if errors else 0


def _with_versions(data: dict, versions: dict, default) -> str:
    """JSON output with the Olive each config was checked as: top-level "olive_version" {"version", "reason"}
    (the one of most configs; the default choice when none was checked), and per file where they differ."""
    counts: dict = {}
    for choice in versions.values():
        counts[choice] = counts.get(choice, 0) + 1
    main = max(counts, key=counts.get) if counts else default
    result = {"olive_version": {"version": main.version, "reason": main.reason}, **data}
    if len(counts) > 1:
        for entry in result["files"]:
            choice = versions.get(entry["path"])
            if choice is not None:
                entry["olive_version"] = {"version": choice.version, "reason": choice.reason}
    return json.dumps(result, indent=2)
