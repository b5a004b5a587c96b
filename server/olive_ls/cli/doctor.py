"""`olive-ls doctor [CONFIG] [--python PATH] [--json]`: is this Python and this machine ready to run Olive?

One line per item, each fine (✓), a warning (!) or a problem (✗) with its fix: the Python, olive-ai and the
catalog olive-ls checks configs against, the onnxruntime flavours, onnxruntime-genai, pydantic, torch,
transformers, NVIDIA GPUs and driver (and whether a GPU onnxruntime loads its provider), memory, disk, the Hugging
Face cache. With a CONFIG, also what its passes need (packages, the target's execution provider package) and what
the environment and machine rules say about it (OLV6xx, OLV7xx).

Exit code 0 without problems, 1 with problems, 2 when CONFIG cannot be read. Olive, torch and onnxruntime are
never imported here: another interpreter is asked in a subprocess (olive_ls.environment.environment_for), and so is
onnxruntime about its GPU providers (olive_ls.machine.providers). The LSP command olive.checkEnvironment returns
the same report (`build_report`).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

MARKS = {"ok": "✓", "info": "i", "warning": "!", "problem": "✗"}
ASCII_MARKS = {"ok": "[ok]", "info": "[info]", "warning": "[warn]", "problem": "[problem]"}
_SEVERITY_STATUS = {"error": "problem", "warning": "warning", "information": "info", "hint": "info"}
# Codes whose finding the "needs" lines already say (the package a pass or the target's EP needs).
_SAID_BY_NEEDS = ("OLV601", "OLV604", "OLV607")


def register(subparsers: argparse._SubParsersAction) -> None:
    doctor = subparsers.add_parser("doctor", help="check the Python environment and this machine for Olive (and what a config needs)")
    doctor.add_argument("config", nargs="?", metavar="CONFIG", help="an Olive config: also check what its passes need here")
    doctor.add_argument("--python", default=None, metavar="PATH", help="inspect another interpreter (default: this one)")
    doctor.add_argument("--json", action="store_true", help="print the report as JSON")
    doctor.set_defaults(handler=run_doctor)


class ConfigReadError(Exception):
    pass


def build_report(python: str | None = None, config: Path | str | None = None) -> dict:
    """The whole report as JSON-ready data. Raises ConfigReadError when `config` cannot be read."""
    from olive_ls.catalog import shipped_versions
    from olive_ls.environment import current_environment, environment_for
    from olive_ls.machine import current_machine
    from olive_ls.machine.report import catalog_for, environment_checks, machine_checks
    from olive_ls.rules.environment import COMPATIBILITY

    started = time.perf_counter()
    config_path = Path(config).expanduser().absolute() if config else None
    text = None
    if config_path is not None:
        try:
            text = config_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigReadError(f"{config_path}: {getattr(exc, 'strerror', None) or exc}") from None

    environment = environment_for(python) if python else current_environment()
    machine = current_machine()
    shipped = shipped_versions()
    checks = environment_checks(environment, shipped, COMPATIBILITY)
    work_folder = config_path.parent if config_path is not None else Path.cwd()
    checks += machine_checks(None if environment.error else environment, machine, work_folder)

    report: dict = {
        "python": {"path": environment.python, "version": environment.python_version or None, "error": environment.error},
        "olive_ai": environment.version("olive-ai"),
        "catalog": catalog_for(environment.version("olive-ai"), shipped)[0],
        "checks": [c.to_json() for c in checks],
        "machine": machine.to_json(),
        "config": None,
    }
    if config_path is not None:
        report["config"] = _config_report(config_path, text, environment, report["catalog"])
    statuses = [c["status"] for c in report["checks"]]
    if report["config"]:
        statuses += [c["status"] for c in report["config"]["needs"]] + [f["status"] for f in report["config"]["findings"]]
    report["counts"] = {status: statuses.count(status) for status in ("ok", "info", "warning", "problem")}
    report["ok"] = report["counts"]["problem"] == 0
    report["elapsed_s"] = round(time.perf_counter() - started, 3)
    return report


def _config_report(path: Path, text: str, environment, catalog_version: str | None) -> dict:
    from olive_ls.catalog import CatalogError, load_catalog
    from olive_ls.document.parse import language_for, parse_document
    from olive_ls.environment import parse_requirement, unmet
    from olive_ls.rules.engine import DiagnosticSettings, analyse
    from olive_ls.model.olive import olive_model
    from olive_ls.model.view import build_view
    from olive_ls.rules.machine import target_used
    from olive_ls.rules.registry import RuleContext, load_rules
    from olive_ls.rules.targets import target_spec

    try:
        catalog = load_catalog(catalog_version)
    except CatalogError as exc:
        return {"path": str(path), "needs": [{"label": "catalog", "status": "problem", "value": str(exc)}], "findings": [], "other_findings": 0}
    doc = parse_document(text, language_for(path.as_uri(), None))
    env = None if environment.error else environment
    findings = analyse(doc, catalog, file_path=path, settings=DiagnosticSettings(environment_checks=True), environment=environment, force_olive=True)
    rules = load_rules()
    machine_side = {code for code, rule in rules.items() if rule.needs_environment}

    needs: list[dict] = []
    view = build_view(doc.root) if doc.root is not None and doc.root.is_object else None
    if view is not None:
        model = olive_model(catalog)
        seen: set[str] = set()
        for entry in view.passes:
            spec = model.pass_spec(entry.type_name)
            if spec is None or spec.name in seen:
                continue
            seen.add(spec.name)
            requirements = model.pass_requirements(spec)
            if spec.name == "ModelBuilder":
                requirements = ["onnxruntime-genai"] + requirements
            needs.append(_needs_line(f"pass {entry.name} ({spec.name})", requirements, env, parse_requirement, unmet))
        target = target_spec(view, model)
        if target is not None and target.ep:
            package = model.provider_package(target.ep)
            if package:
                alternatives = [package] + (["onnxruntime-gpu"] if target.ep == "TensorrtExecutionProvider" and package != "onnxruntime-gpu" else [])
                line = _needs_line(f"target {target.ep}", [" | ".join(alternatives)], env, parse_requirement, unmet)
                context = RuleContext(doc=doc, view=view, catalog=catalog, file_path=path, environment=env)
                if line["status"] == "problem" and not target_used(context):
                    # Olive builds for an EP it does not have when nothing runs on the target (accelerator_creator.py).
                    line["status"] = "info"
                    line["value"] += "; not needed to build, only to evaluate or run the model"
                needs.append(line)

    listed = [f for f in findings if f.code in machine_side and f.code not in _SAID_BY_NEEDS]
    return {
        "path": str(path),
        "catalog": catalog.version,
        "needs": needs,
        "findings": [
            {
                "code": f.code,
                "status": _SEVERITY_STATUS.get(f.severity or "", "info"),
                "severity": f.severity,
                "line": f.range.start.line + 1,
                "character": f.range.start.character + 1,
                "message": f.message,
                "detail": f.detail,
            }
            for f in listed
        ],
        # Findings about the config itself (syntax, keys, passes...): `olive-ls check` lists them.
        "other_findings": sum(1 for f in findings if f.code not in machine_side),
        "other_errors": sum(1 for f in findings if f.code not in machine_side and f.severity == "error"),
    }


def _needs_line(label: str, requirements: list[str], env, parse_requirement, unmet) -> dict:
    """One 'needs' line: every requirement with what is installed; ` | ` separates alternatives."""
    if not requirements:
        return {"label": label, "status": "ok", "value": "no extra packages"}
    if env is None:
        return {"label": label, "status": "info", "value": "needs " + ", ".join(requirements) + " (the environment could not be inspected)"}
    parts, missing = [], []
    for text in requirements:
        options = [o.strip() for o in text.split("|")]
        found = None
        for option in options:
            requirement = parse_requirement(option)
            if requirement is not None and unmet(requirement, env) is None:
                found = f"{requirement.name} {env.version(requirement.name)}"
                break
        if found:
            parts.append(found)
        else:
            requirement = parse_requirement(options[0])
            why = unmet(requirement, env) if requirement is not None else "not installed"
            parts.append(f"{options[0]} ({why})")
            missing.append(options[0])
    line = {"label": label, "status": "problem" if missing else "ok", "value": "needs " + ", ".join(parts)}
    if missing:
        line["fix"] = "pip install " + " ".join(f'"{m}"' if any(c in m for c in "<>=[") else m for m in missing)
    return line


# ---------------------------------------------------------------------------------------------------------------
# Text


def _marks() -> dict[str, str]:
    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        "".join(MARKS.values()).encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return ASCII_MARKS
    return MARKS


def as_text(report: dict, marks: dict[str, str] | None = None) -> str:
    marks = marks or _marks()
    width = max(len(m) for m in marks.values())
    lines = [f"olive-ls doctor: {report['python']['path']}"]
    rows = [(c["status"], c["label"], c["value"], c.get("fix"), c.get("detail") if c["status"] != "ok" else None) for c in report["checks"]]
    config = report.get("config")
    if config:
        rows_config = [(n["status"], n["label"], n["value"], n.get("fix"), None) for n in config["needs"]]
        rows_config += [
            (f["status"], f"{f['code']} {f['line']}:{f['character']}", f["message"], None, f.get("detail")) for f in config["findings"]
        ]
    else:
        rows_config = []
    label_width = max([len(r[1]) for r in rows + rows_config] + [10])

    def render(row) -> list[str]:
        status, label, value, fix, detail = row
        out = [f"  {marks[status]:<{width}} {label:<{label_width}}  {value}"]
        indent = " " * (3 + width + label_width + 2)
        if fix:
            out.append(f"{indent}fix: {fix}")
        if detail and (status in ("warning", "problem") or (status == "info" and len(detail) <= 160)):
            out.append(f"{indent}{detail}")
        return out

    for row in rows:
        lines += render(row)
    if config:
        lines.append(f"Config {config['path']} (Olive {config.get('catalog', '?')} catalog):")
        for row in rows_config:
            lines += render(row)
        if config.get("other_findings"):
            lines.append(
                f"  {config['other_findings']} other finding(s) about the config itself"
                + (f", {config['other_errors']} error(s)" if config.get("other_errors") else "")
                + f": olive-ls check {config['path']}"
            )
    counts = report["counts"]
    lines.append(
        f"{counts['ok']} ok, {counts['warning']} warning(s), {counts['problem']} problem(s)"
        + (f", {counts['info']} note(s)" if counts["info"] else "")
        + f" in {report['elapsed_s']:.2f} s"
    )
    return "\n".join(lines)


def run_doctor(args: argparse.Namespace) -> int:
    try:
        report = build_report(args.python, args.config)
    except ConfigReadError as exc:
        print(f"olive-ls: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(as_text(report))
    return 0 if report["ok"] else 1
