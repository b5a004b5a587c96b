"""`olive-ls migrate CONFIG`: the editor's "migrate to Olive <version>" action for the terminal.

The migrated config goes to stdout unless `--output` names a new file or `--in-place` is asked for, which keeps
the original next to it as CONFIG.bak: a user's file is never overwritten without being asked. Notes on what
changed or was dropped go to stderr. Exit codes: 0 migrated (or already current), 1 the config cannot be
migrated (syntax errors, not an Olive config), 2 a usage or read problem.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from olive_ls.cli import workspace_settings

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def register(subparsers: argparse._SubParsersAction) -> None:
    migrate = subparsers.add_parser("migrate", help="rewrite an old-format Olive config for the current Olive")
    migrate.add_argument("config", metavar="CONFIG", help="the JSON or YAML config to migrate")
    where = migrate.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", metavar="FILE", help="write the migrated config to this new file (never overwrites one)")
    where.add_argument("--in-place", action="store_true", help="rewrite CONFIG, keeping the original as CONFIG.bak")
    migrate.add_argument(
        "--to",
        metavar="VERSION",
        default=None,
        help="move the config to this Olive release (or main) from the one it is checked as (--olive-version, else chosen as check does)",
    )
    workspace_settings.add_arguments(migrate)
    migrate.set_defaults(handler=run_migrate)


def run_migrate(args: argparse.Namespace) -> int:
    from olive_ls.catalog import CatalogError, load_catalog
    from olive_ls.cli.files import SourceFile, read
    from olive_ls.document.syntax import SYNTAX_ERROR
    from olive_ls.service import OliveLanguageService, path_to_uri

    settings = workspace_settings.settings_for(args, environment_checks=False)
    if settings is None:
        return EXIT_USAGE
    source = read(SourceFile(Path(args.config), explicit=True))
    if source.text is None or source.too_large:
        print(f"olive-ls migrate: {args.config}: {source.problem or 'too large to be an Olive config'}", file=sys.stderr)
        return EXIT_USAGE
    uri = path_to_uri(Path(args.config))
    if args.to is not None:
        # Between releases: from the Olive the config is checked as, to --to.
        from olive_ls.catalog import shipped_versions
        from olive_ls.catalog.selection import UnknownVersion, unknown_version_message

        to = "main" if args.to.strip().lower() == "main" else args.to.strip()
        if to not in shipped_versions():
            print(f"olive-ls migrate: {unknown_version_message(to)}", file=sys.stderr)
            return EXIT_USAGE
        service = OliveLanguageService(settings=settings, olive_version=args.olive_version, workspace_root=Path.cwd())
        try:
            source_choice = service.version_for(uri)
            catalog = service.catalog_for(uri)
        except (UnknownVersion, CatalogError) as exc:
            print(f"olive-ls migrate: {exc}", file=sys.stderr)
            return EXIT_USAGE
        print(f"olive-ls migrate: moving {args.config} from Olive {source_choice.label} to Olive {to}", file=sys.stderr)
    else:
        try:
            catalog = load_catalog(args.olive_version)
        except CatalogError as exc:
            print(f"olive-ls migrate: {exc}", file=sys.stderr)
            return EXIT_USAGE
        service = OliveLanguageService(catalog, settings)
    if service.is_excluded(uri):
        print(f"olive-ls migrate: {args.config} is excluded by olive.excludeFiles; nothing done", file=sys.stderr)
        return EXIT_FAIL
    doc = service.parse(uri, source.text)
    if not service.is_olive_config(uri, doc):
        print(f"olive-ls migrate: {args.config}: not an Olive config (no input_model, passes, engine, systems, ...)", file=sys.stderr)
        return EXIT_FAIL
    if any(problem.kind == SYNTAX_ERROR for problem in doc.problems):
        print(f"olive-ls migrate: {args.config} has syntax errors; fix them first (`olive-ls check {args.config}` shows where)", file=sys.stderr)
        return EXIT_FAIL
    result = service.migration(doc, uri, to_version=to) if args.to is not None else service.migration(doc)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    if not result.changed and args.to is not None:
        unmoved = sum(1 for note in result.notes if note.startswith("Could not move:"))
        what = f"{unmoved} thing(s) could not be moved (above)" if unmoved else "it is in Olive " + to + "'s form"
        print(f"{args.config}: nothing changed; {what}", file=sys.stderr)
    elif not result.changed:
        print(f"{args.config}: already in Olive {catalog.version}'s form; nothing to migrate", file=sys.stderr)
    if args.output:
        return _write_new(Path(args.output), result.text)
    if args.in_place:
        return _write_in_place(Path(args.config), source.text, result.text) if result.changed else EXIT_OK
    sys.stdout.write(result.text)
    return EXIT_OK


def _write_new(path: Path, text: str) -> int:
    try:
        with path.open("x", encoding="utf-8") as f:
            f.write(text)
    except FileExistsError:
        print(f"olive-ls migrate: {path} already exists; choose another --output (it is never overwritten)", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"olive-ls migrate: {path}: cannot write: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {path}", file=sys.stderr)
    return EXIT_OK


def _write_in_place(path: Path, original: str, text: str) -> int:
    backup = path.with_name(path.name + ".bak")
    if backup.exists():
        print(f"olive-ls migrate: {backup} already exists; move it away first (it is never overwritten)", file=sys.stderr)
        return EXIT_USAGE
    try:
        with backup.open("x", encoding="utf-8") as f:
            f.write(original)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"olive-ls migrate: {path}: cannot write: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"migrated {path}; the original is in {backup}", file=sys.stderr)
    return EXIT_OK
