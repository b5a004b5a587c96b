"""Regenerate the shipped Olive catalogs: every olive-ai release from 0.9.0 to 0.13.0, and Olive main.

    python scripts/make_catalogs.py [VERSION ...] [--venvs DIR] [--keep-staging DIR] [--repack]

`make catalogs` runs it with no arguments: all of them. Each version is generated in its own virtual environment
under $OLIVE_LS_CATALOG_VENVS (default /tmp/olive-venvs/<version>/), created on demand with torch==2.13.0 (CPU)
installed first and the pins that release needs; an environment whose pins have not changed is reused. The
generator runs from this checkout (PYTHONPATH=server), so olive-ls itself is not installed there.

The full catalogs are generated into a staging folder, then packed into schemas/ (see olive_ls.catalog.generate:
pack_catalogs): the newest release is stored whole, every other version as a delta, and each delta is checked to
load back to exactly what the generator wrote. Versions named on the command line are regenerated; the others
are read back from schemas/ and repacked unchanged. `--repack` regenerates nothing (no environment needed): after
a change to json_schema.py it refreshes the shipped schema and the schema hashes the deltas record.

Olive main comes from ../shared/olive-src/olive-main-<commit>.tar.gz ($OLIVE_LS_OLIVE_MAIN), a `git archive` whose
pax header carries the commit; it is unpacked under the venvs folder, never inside the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SERVER = REPO / "server"
SCHEMAS = REPO / "schemas"
sys.path.insert(0, str(SERVER))

from olive_ls.catalog import generate  # noqa: E402  (pure part; importing it does not import Olive)
from olive_ls.model.versions import write_history_index  # noqa: E402

RELEASES = ["0.9.0", "0.9.1", "0.9.2", "0.9.3", "0.10.0", "0.10.1", "0.11.0", "0.12.0", "0.12.1", "0.13.0"]
MAIN = "main"
DEFAULT_VENVS = Path(os.environ.get("OLIVE_LS_CATALOG_VENVS", "/tmp/olive-venvs"))
DEFAULT_MAIN_TARBALL = REPO.parent / "shared" / "olive-src" / "olive-main-ee6f40f.tar.gz"

# torch is installed first, alone: torch==2.13.0 is a CPU wheel on local disk, while any looser requirement
# would pull a multi-GB CUDA build. It is also in every constraint file so nothing later replaces it.
TORCH = "torch==2.13.0"

# Pinned so that regenerating reproduces the committed catalogs: pass defaults and types come from these
# (TrainingArguments fields from transformers, calibration enums from onnxruntime, the latest opset from onnx,
# sampler options from optuna). They are the versions the 0.13.0 stack (the `run` extra) resolved to.
COMMON_PINS = [
    TORCH,
    "pydantic==2.13.5",  # README "Pins": pydantic<2.14
    "onnx==1.23.2",
    "onnx-ir==1.1.0",
    "onnxscript==0.7.2",
    "onnxruntime==1.32.0",
    "optuna==5.0.0",
    "numpy==2.4.6",
    "requests==2.34.2",  # olive-ai imports it without declaring it
]
# 0.9.x and 0.10.x import only with transformers below 5 (olive/cli/extract_adapters.py imports
# TRANSFORMERS_CACHE); 0.9.0 and 0.9.1 import pkg_resources (packaging_generator.py), gone from setuptools 81.
OLD_TRANSFORMERS = "transformers==4.57.6"
NEW_TRANSFORMERS = "transformers==5.24.0"
GENAI = "onnxruntime-genai==0.14.1"  # README "Pins": 0.15 and newer break 0.13.0's ModelBuilder


def requirements(version: str) -> list[str]:
    """What a version's environment installs besides olive-ai itself (torch first, separately)."""
    pins = list(COMMON_PINS)
    if version in RELEASES and RELEASES.index(version) < RELEASES.index("0.11.0"):
        pins.append(OLD_TRANSFORMERS)
    else:
        pins.append(NEW_TRANSFORMERS)
    if version in ("0.9.0", "0.9.1"):
        pins.append("setuptools<81")
    if version in ("0.9.0", "0.9.1", "0.9.2"):
        # QuantizationAwareTraining's parameters need pytorch_lightning imported (its module_dependencies).
        pins.append("pytorch-lightning==2.6.6")
    if version in ("0.13.0", MAIN):
        pins.append(GENAI)
    return pins


def olive_requirement(version: str, main_source: Path | None) -> str:
    return str(main_source) if version == MAIN else f"olive-ai=={version}"


def log(message: str) -> None:
    print(f"[make_catalogs] {message}", flush=True)


def run(command: list[str], **kwargs) -> None:
    log("$ " + " ".join(command))
    subprocess.run(command, check=True, **kwargs)


# ---------------------------------------------------------------------------------------------------------------
# Environments


def main_commit(tarball: Path) -> str:
    """The commit a `git archive` tarball was made from (git writes it as the pax header `comment`)."""
    with tarfile.open(tarball) as archive:
        commit = archive.pax_headers.get("comment", "")
    if len(commit) != 40:
        raise SystemExit(f"{tarball}: no commit id in its pax header; is it a `git archive` tarball?")
    return commit


def unpack_main(tarball: Path, venvs: Path) -> Path:
    """Unpack Olive main next to the environments (never in the repository); reused when already there."""
    with tarfile.open(tarball) as archive:
        top = archive.getnames()[0].split("/", 1)[0]
        target = venvs / "src" / top
        if not (target / "setup.py").is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(target, ignore_errors=True)
            archive.extractall(target.parent, filter="data")
    return target


def ensure_venv(version: str, venvs: Path, main_source: Path | None) -> Path:
    """The environment of `version`, created or refreshed when its pins changed; returns its python."""
    folder = venvs / version
    python = folder / "bin" / "python"
    olive = olive_requirement(version, main_source)
    pins = requirements(version)
    spec = json.dumps({"olive": olive, "pins": pins, "python": sys.version.split()[0]}, sort_keys=True)
    stamp = folder / ".olive-ls-catalog-env"
    if python.is_file() and stamp.is_file() and stamp.read_text() == spec:
        return python
    pip = [str(python), "-m", "pip", "install", "-qq", "--disable-pip-version-check"]
    if python.is_file() and _python_version(python) == sys.version.split()[0]:
        # Only the pins changed: pip brings the environment in line, much faster than starting over.
        log(f"updating {folder}")
    else:
        log(f"creating {folder}")
        shutil.rmtree(folder, ignore_errors=True)
        # The base interpreter, not this script's venv: `python -m venv` from inside a venv does that already.
        run([sys.executable, "-m", "venv", str(folder)])
        run([*pip, TORCH])
    constraints = folder / "constraints.txt"
    constraints.write_text("\n".join(pins) + "\n")
    run([*pip, "-c", str(constraints), olive, *pins])
    stamp.write_text(spec)
    return python


def _python_version(python: Path) -> str:
    result = subprocess.run([str(python), "-c", "import sys; print(sys.version.split()[0])"], capture_output=True, text=True)
    return result.stdout.strip()


# ---------------------------------------------------------------------------------------------------------------
# Generating and packing


def generate_one(version: str, python: Path, staging: Path, commit: str | None) -> None:
    command = [str(python), "-m", "olive_ls.catalog.generate", "--out", str(staging)]
    if version == MAIN:
        command += ["--label", MAIN, "--commit", commit]
    else:
        command += ["--expect-version", version]
    env = {**os.environ, "PYTHONPATH": str(SERVER)}
    env.pop("OLIVE_LS_SCHEMAS", None)
    # A scratch working folder: nothing Olive might write at import lands in the repository.
    with tempfile.TemporaryDirectory(prefix="olive-ls-gen-") as cwd:
        run(command, env=env, cwd=cwd)


def refresh_schemas(staging: Path) -> list[str]:
    """Rebuild each staged run-config schema from its catalog with json_schema.py as it is now.

    The generator builds the schema from the catalog with that same function, so this changes nothing unless
    json_schema.py changed while the versions were being generated (a shared working tree): then every version
    ships the schema of the current code, not some the old one.
    """
    from olive_ls.catalog.json_schema import build_run_config_schema

    changed = []
    for catalog_file in sorted(staging.glob("olive-*/" + generate.CATALOG_FILE)):
        schema_file = catalog_file.parent / generate.SCHEMA_FILE
        fresh = generate.dump_json(build_run_config_schema(json.loads(catalog_file.read_text(encoding="utf-8"))))
        if not schema_file.is_file() or schema_file.read_text(encoding="utf-8") != fresh:
            schema_file.write_text(fresh, encoding="utf-8")
            changed.append(catalog_file.parent.name)
    if changed:
        return [f"json_schema.py changed during the run: schema rebuilt for {', '.join(changed)}"]
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("versions", nargs="*", help=f"versions to regenerate (default: all, {', '.join(RELEASES)}, main)")
    parser.add_argument("--venvs", type=Path, default=DEFAULT_VENVS, help="folder of the per-version environments")
    parser.add_argument("--main-tarball", type=Path, default=Path(os.environ.get("OLIVE_LS_OLIVE_MAIN", DEFAULT_MAIN_TARBALL)))
    parser.add_argument("--schemas", type=Path, default=SCHEMAS, help="where the packed catalogs go")
    parser.add_argument("--keep-staging", type=Path, default=None, help="also leave the full catalogs in this folder")
    parser.add_argument("--venvs-only", action="store_true", help="create the environments, generate nothing")
    parser.add_argument(
        "--repack",
        action="store_true",
        help="regenerate nothing: repack what schemas/ holds, with schemas rebuilt by the current json_schema.py",
    )
    args = parser.parse_args(argv)

    everything = [*RELEASES, MAIN]
    if args.repack and args.versions:
        parser.error("--repack regenerates nothing; give no versions with it")
    wanted = [] if args.repack else (args.versions or everything)
    unknown = [v for v in wanted if v not in everything]
    if unknown:
        parser.error(f"unknown version(s): {', '.join(unknown)}; known: {', '.join(everything)}")

    started = time.perf_counter()
    if wanted:
        args.venvs.mkdir(parents=True, exist_ok=True)
    main_source = commit = None
    if MAIN in wanted:
        commit = main_commit(args.main_tarball)
        main_source = unpack_main(args.main_tarball, args.venvs)

    staging = Path(tempfile.mkdtemp(prefix="olive-ls-catalogs-"))
    timings = {}
    try:
        # Versions not regenerated keep what schemas/ holds: unpack them to full catalogs first.
        for version in everything:
            if version not in wanted:
                if not generate.unpack_catalog(args.schemas, version, staging):
                    log(f"{version}: not in {args.schemas} and not asked for; it will not be shipped")
        for version in wanted:
            t0 = time.perf_counter()
            python = ensure_venv(version, args.venvs, main_source)
            t1 = time.perf_counter()
            if not args.venvs_only:
                generate_one(version, python, staging, commit)
            timings[version] = (t1 - t0, time.perf_counter() - t1)
        if args.venvs_only:
            return 0
        for line in refresh_schemas(staging):
            log(line)
        if args.keep_staging:
            shutil.copytree(staging, args.keep_staging, dirs_exist_ok=True)
        report = generate.pack_catalogs(staging, args.schemas)
        report.append(f"wrote {write_history_index(args.schemas)}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    for version, (env_s, gen_s) in timings.items():
        log(f"{version:8s} environment {env_s:7.1f} s   generate {gen_s:6.1f} s")
    for line in report:
        log(line)
    log(f"total {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
