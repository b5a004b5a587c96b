"""Environment rules (OLV6xx): does the Python that will run `olive run` have what this config needs?

They compare the config with `ctx.environment` (installed distributions, read from package metadata; see
olive_ls/environment.py) and run only when environment checks are on. A PythonEnvironment system with an existing
python is inspected in a subprocess for its own execution providers.

Every finding is a warning unless said: a package set can change between the check and the run.
"""

from __future__ import annotations

from typing import Iterator

from olive_ls.document.nodes import Node
from olive_ls.environment import (
    Environment,
    environment_for,
    parse_requirement,
    python_in,
    unmet,
    version_matches,
)
from olive_ls.rules.filesystem import anchor_range, locate
from olive_ls.rules.registry import INFORMATION, WARNING, Finding, RuleContext, rule
from olive_ls.model.view import SYSTEM_DECLARED_KEYS, merged_params

# ---------------------------------------------------------------------------------------------------------------
# Compatibility table, keyed by Olive version. Each entry was reproduced with that olive-ai release
# (facts §5 #17, #18 and §6: olive-ai 0.13.0, Python 3.11, torch 2.13 cpu, transformers 5.24, onnxruntime 1.32).

COMPATIBILITY: dict[str, dict] = {
    "0.13.0": {
        # onnxruntime-genai versions Olive's ModelBuilder pass works with.
        "genai_works": ">=0.9,<0.15",
        "genai_verified": "0.14.1",
        # (versions, what `olive run` then says), first match wins.
        "genai_breaks": [
            (
                ">=0.16.0.dev0",
                "ModuleNotFoundError: No module named 'onnxruntime_genai.models.quantized_model' (model_builder.py:434)",
            ),
            (
                ">=0.15.0.dev0,<0.16.0.dev0",
                "Exception: Hugging Face details not found in extra_options. Please call parse_extra_options before "
                "create_model.",
            ),
        ],
        "genai_fixed_in": "Olive commit 4d457c5 (PR #2601), which is in no release tag yet",
        # pydantic versions with which any evaluator crashes `olive run` in engine.initialize.
        "pydantic_evaluator_crash": ">=2.14.0.dev0",
        "pydantic_evaluator_message": (
            "AttributeError: 'NoneType' object has no attribute 'lower' (olive/common/config_utils.py:269, "
            "in engine.initialize -> cache.prepare_resources_for_local)"
        ),
    },
}

# Execution providers that every onnxruntime flavour has.
_EVERYWHERE = {"CPUExecutionProvider"}
# Other distributions that also provide an EP, beside the catalog's provider_packages (ROCm and MIGraphX have had
# their own wheel names).
_ALSO_PROVIDED_BY = {
    "ROCMExecutionProvider": ("onnxruntime-rocm",),
    "MIGraphXExecutionProvider": ("onnxruntime-rocm",),
    "TensorrtExecutionProvider": ("onnxruntime-gpu",),
    "CUDAExecutionProvider": ("onnxruntime-gpu",),
}


def _compat(ctx: RuleContext) -> dict:
    return COMPATIBILITY.get(str(ctx.catalog.version), {})


def _env(ctx: RuleContext) -> Environment | None:
    env = ctx.environment
    if env is None or getattr(env, "error", None):
        return None
    return env


# ---------------------------------------------------------------------------------------------------------------
# Where the execution providers are


def _accelerator_eps(params: dict) -> Iterator[tuple[str, Node]]:
    prop = params.get("accelerators")
    if prop is None or prop.value is None or not prop.value.is_array:
        return
    for accelerator in prop.value.items:
        if not accelerator.is_object:
            continue
        eps = accelerator.get("execution_providers")
        if eps is None or not eps.is_array:
            continue
        for item in eps.items:
            # [name, path to an EP library]: the library brings the EP, no package needed.
            if item.kind == "string" and isinstance(item.value, str):
                yield item.value, item


def execution_providers(ctx: RuleContext) -> Iterator[tuple[str, Node, str | None, dict]]:
    """(EP name, its node, system type, system params) for every system and inline host/target."""
    view = ctx.view
    if view is None:
        return
    for system in view.systems.values():
        for name, node in _accelerator_eps(system.params):
            yield name, node, system.type_name, system.params
    for key in ("host", "target"):
        prop = view.engine_params.get(key)
        if prop is not None and prop.value is not None and prop.value.is_object:
            params = merged_params(prop.value, "config", SYSTEM_DECLARED_KEYS)
            type_node = prop.value.get("type")
            type_name = type_node.value if type_node is not None and isinstance(type_node.value, str) else None
            for name, node in _accelerator_eps(params):
                yield name, node, type_name, params


def _packages_for(ep: str, ctx: RuleContext) -> tuple[str, ...]:
    package = ctx.model.provider_package(ep)
    if not isinstance(package, str):
        return ()
    extra = tuple(p for p in _ALSO_PROVIDED_BY.get(ep, ()) if p != package)
    return (package,) + extra


def _environment_of_system(ctx: RuleContext, system_type: str | None, params: dict) -> tuple[Environment | None, str]:
    """The environment a system's EPs must be in, and how to name it; None: not checkable here."""
    if system_type in (None, "LocalSystem"):
        return _env(ctx), "this Python"
    if system_type == "PythonEnvironment":
        prop = params.get("python_environment_path")
        raw = prop.value.value if prop is not None and prop.value is not None and isinstance(prop.value.value, str) else None
        folder = locate(raw, ctx) if raw else None
        if folder is None or not folder.is_dir():
            return None, ""  # OLV703 says why
        python = python_in(str(folder))
        if python is None:
            return None, ""
        other = environment_for(python)
        return (None if other.error else other), f"the PythonEnvironment {raw}"
    return None, ""  # Docker: its image decides


# ---------------------------------------------------------------------------------------------------------------


@rule(
    "OLV600",
    "environment-not-inspected",
    "A Python environment the config depends on could not be inspected; its checks were skipped.",
    INFORMATION,
    needs_environment=True,
)
def environment_not_inspected(ctx: RuleContext):
    env = ctx.environment
    if env is not None and getattr(env, "error", None):
        yield Finding(f"{env.error}; the checks of installed packages were skipped.", anchor_range(ctx))
    view = ctx.view
    if view is None:
        return
    for system in view.systems.values():
        if system.type_name != "PythonEnvironment":
            continue
        if not any(True for _ in _accelerator_eps(system.params)):
            continue
        prop = system.params.get("python_environment_path")
        raw = prop.value.value if prop is not None and prop.value is not None and isinstance(prop.value.value, str) else None
        folder = locate(raw, ctx) if raw else None
        python = python_in(str(folder)) if folder is not None and folder.is_dir() else None
        if python is None:
            continue
        other = environment_for(python)
        if other.error:
            yield Finding.at(prop.value, f"{other.error}; its execution providers were not checked.")


@rule(
    "OLV601",
    "ep-package-missing",
    "The onnxruntime package an execution provider needs is not installed (e.g. CUDAExecutionProvider: onnxruntime-gpu).",
    WARNING,
    needs_environment=True,
)
def ep_package_missing(ctx: RuleContext):
    for ep, node, system_type, params in execution_providers(ctx):
        if ep in _EVERYWHERE:
            continue
        packages = _packages_for(ep, ctx)
        if not packages:
            continue
        env, where = _environment_of_system(ctx, system_type, params)
        if env is None:
            continue
        flavours = env.onnxruntime_flavours()
        if any(env.has(p) for p in packages):
            continue
        if not flavours:
            continue  # OLV603 says there is no onnxruntime at all
        installed = ", ".join(env.describe(f) for f in flavours)
        message = (
            f"{ep} comes with the {packages[0]} package, which is not installed in {where} (installed: {installed}). "
            f"Olive then cannot find the EP: \"None of the execution providers ['{ep}'] cannot be found in the target "
            "system but at least one is required to run the workflow.\""
        )
        if "onnxruntime" in flavours and env.has("onnxruntime-genai"):
            message += (
                " The CPU onnxruntime package is most likely a dependency of onnxruntime-genai, which always pulls it "
                f"in (microsoft/Olive#1901): uninstall onnxruntime, then install {packages[0]}"
                + (" (and the matching onnxruntime-genai flavour, e.g. onnxruntime-genai-cuda)" if ep == "CUDAExecutionProvider" else "")
                + "."
            )
        else:
            message += f" Install it: pip uninstall {' '.join(flavours)} && pip install {packages[0]}."
        yield Finding.at(node, message)


@rule(
    "OLV602",
    "several-onnxruntime-flavours",
    "Several onnxruntime flavours are installed at once (onnxruntime + onnxruntime-gpu ...): they overwrite each other.",
    WARNING,
    needs_environment=True,
)
def several_onnxruntime_flavours(ctx: RuleContext):
    env = _env(ctx)
    if env is None:
        return
    flavours = env.onnxruntime_flavours()
    if len(flavours) < 2:
        return
    # Put it on the EP that needs one of them (the likely victim), else on systems / passes.
    target = None
    keep = None
    for ep, node, system_type, _params in execution_providers(ctx):
        if system_type not in (None, "LocalSystem"):
            continue
        packages = [p for p in _packages_for(ep, ctx) if p in flavours]
        if ep not in _EVERYWHERE and packages:
            target, keep = node, packages[0]
            break
        if target is None:
            target = node
    installed = ", ".join(env.describe(f) for f in flavours)
    keep = keep or next((f for f in flavours if f != "onnxruntime"), flavours[0])
    message = (
        f"Several onnxruntime packages are installed at once ({installed}). They all install the same `onnxruntime` "
        "module, so whichever was installed last wins and the other execution providers silently disappear "
        "(microsoft/Olive#323: 'No valid accelerator specified for target system'; #1901). Keep one: "
        f"pip uninstall {' '.join(flavours)} && pip install {keep}."
    )
    if "onnxruntime" in flavours and env.has("onnxruntime-genai"):
        message += " onnxruntime-genai depends on the CPU onnxruntime package and brings it back when it is installed or upgraded."
    if target is not None:
        yield Finding.at(target, message)
    else:
        yield Finding(message, anchor_range(ctx))


@rule(
    "OLV603",
    "onnxruntime-missing",
    "No onnxruntime package is installed; olive-ai does not depend on one.",
    WARNING,
    needs_environment=True,
)
def onnxruntime_missing(ctx: RuleContext):
    env = _env(ctx)
    if env is None or env.onnxruntime_flavours():
        return
    wanted = []
    for ep, _node, system_type, _params in execution_providers(ctx):
        if system_type in (None, "LocalSystem"):
            for package in _packages_for(ep, ctx)[:1]:
                if package not in wanted:
                    wanted.append(package)
    package = next((p for p in wanted if p != "onnxruntime"), "onnxruntime")
    yield Finding(
        "No onnxruntime package is installed in this Python, and olive-ai does not install one: `olive run` fails "
        f"with ModuleNotFoundError: No module named 'onnxruntime' (microsoft/Olive#2284). Install the flavour for your "
        f"execution provider: pip install {package}.",
        anchor_range(ctx),
    )


def _pass_types(ctx: RuleContext) -> Iterator[tuple[object, str, Node]]:
    """(pass entry, canonical pass name, its type node) for each pass of a known type."""
    view = ctx.view
    if view is None:
        return
    for entry in view.passes:
        type_node = entry.type_node
        if type_node is None or not isinstance(type_node.value, str):
            continue
        canonical = ctx.model.canonical_pass_name(type_node.value)
        if canonical:
            yield entry, canonical, type_node


@rule(
    "OLV604",
    "genai-missing",
    "ModelBuilder is used but no onnxruntime-genai package is installed (Olive's extras do not bring it).",
    WARNING,
    needs_environment=True,
)
def genai_missing(ctx: RuleContext):
    env = _env(ctx)
    if env is None or env.genai_packages():
        return
    works = _compat(ctx).get("genai_works")
    pin = f'"onnxruntime-genai{works}"' if works else "onnxruntime-genai"
    for _entry, canonical, type_node in _pass_types(ctx):
        if canonical != "ModelBuilder":
            continue
        yield Finding.at(
            type_node,
            "ModelBuilder needs onnxruntime-genai, which is not installed; no olive-ai extra installs it (PR #1620) and "
            "`olive run --list_required_packages` does not list it. The pass fails with ModuleNotFoundError: No module "
            f"named 'onnxruntime_genai'. Install the flavour for your device: pip install {pin} "
            "(or onnxruntime-genai-cuda, onnxruntime-genai-directml).",
        )


@rule(
    "OLV605",
    "genai-version-incompatible",
    "The installed onnxruntime-genai version is outside what this Olive version's ModelBuilder works with.",
    WARNING,
    needs_environment=True,
)
def genai_version_incompatible(ctx: RuleContext):
    env = _env(ctx)
    compat = _compat(ctx)
    works = compat.get("genai_works")
    if env is None or not works:
        return
    broken = []
    for package in env.genai_packages():
        version = env.version(package)
        if version and not version_matches(version, works):
            broken.append((package, version))
    if not broken:
        return
    package, version = broken[0]
    said = next((message for spec, message in compat.get("genai_breaks", []) if version_matches(version, spec)), None)
    olive = ctx.catalog.version
    if said:
        what = f"the pass fails with {said}"
    else:
        what = "this combination was never verified to work"
    fixed = compat.get("genai_fixed_in")
    for _entry, canonical, type_node in _pass_types(ctx):
        if canonical != "ModelBuilder":
            continue
        yield Finding.at(
            type_node,
            f"{package} {version} is installed, but Olive {olive}'s ModelBuilder works with onnxruntime-genai{works} "
            f"({compat.get('genai_verified', '?')} verified): {what}."
            + (f" Olive fixed this after {olive} in {fixed}." if fixed and said else "")
            + f' Install a working version: pip install "{package}{works}". A model built that way still runs with newer onnxruntime-genai.',
        )


def _used_evaluators(ctx: RuleContext) -> Iterator[Node]:
    """The engine's evaluator and every pass evaluator, as written (a name or an inline object)."""
    view = ctx.view
    if view is None:
        return
    prop = view.engine_params.get("evaluator")
    if prop is not None and prop.value is not None and prop.value.kind in ("string", "object"):
        yield prop.value
    for entry in view.passes:
        node = entry.node.get("evaluator")
        if node is not None and node.kind in ("string", "object"):
            yield node


@rule(
    "OLV606",
    "pydantic-evaluator-crash",
    "pydantic >= 2.14 with an evaluator: Olive 0.13.0 crashes in engine.initialize.",
    WARNING,
    needs_environment=True,
)
def pydantic_evaluator_crash(ctx: RuleContext):
    env = _env(ctx)
    compat = _compat(ctx)
    spec = compat.get("pydantic_evaluator_crash")
    version = env.version("pydantic") if env is not None else None
    if not spec or not version or not version_matches(version, spec):
        return
    for node in _used_evaluators(ctx):
        yield Finding.at(
            node,
            f"pydantic {version} is installed: with any evaluator, Olive {ctx.catalog.version}'s `olive run` crashes "
            f"before the first pass with {compat.get('pydantic_evaluator_message')}. Since pydantic 2.14 enum "
            "validation of None calls ResourceType._missing_(None). Install an older pydantic: pip install \"pydantic<2.14\".",
        )
        return  # one is enough: the crash happens once


@rule(
    "OLV607",
    "pass-extras-missing",
    "A pass needs packages (its olive-ai extra or module dependencies) that are not installed.",
    WARNING,
    needs_environment=True,
)
def pass_extras_missing(ctx: RuleContext):
    env = _env(ctx)
    if env is None:
        return
    model = ctx.model
    reported: set[str] = set()
    said_for: dict[tuple, str] = {}
    for _entry, canonical, type_node in _pass_types(ctx):
        spec = model.passes[canonical]
        problems = []
        for text in model.pass_requirements(spec):
            requirement = parse_requirement(text)
            if requirement is None:
                continue
            why = unmet(requirement, env)
            if why == "not installed":
                problems.append((text, requirement.name))
            elif why:
                problems.append((text, f"{requirement.name} ({why}, needs {requirement.specifier})"))
        if not problems:
            continue
        if canonical in reported:
            continue
        reported.add(canonical)
        signature = tuple(label for _, label in problems)
        if signature in said_for:
            yield Finding.at(
                type_node,
                f"{canonical} needs the same missing packages as {said_for[signature]}: "
                f"{', '.join(signature)} (see there for how to install them).",
            )
            continue
        said_for[signature] = canonical
        extras = [e for e in spec.extras if e in model.extra_dependencies]
        install = f'pip install "olive-ai[{",".join(extras)}]=={ctx.catalog.version}"' if extras else None
        direct = "pip install " + " ".join(f'"{text}"' if any(c in text for c in "<>=[") else text for text, _ in problems)
        how = f"{install}, or just the packages: {direct}" if install else direct
        yield Finding.at(
            type_node,
            f"{canonical} needs packages that are missing (or at a version it does not support) in this Python: "
            f"{', '.join(label for _, label in problems)}. "
            f"The pass fails with ImportError/ModuleNotFoundError when it runs (this is what `olive run "
            f"--list_required_packages` lists). Install them: {how}.",
        )


@rule(
    "OLV608",
    "olive-version-mismatch",
    "olive-ai is not installed in this Python, or its version differs from the catalog the config is checked against.",
    WARNING,
    needs_environment=True,
)
def olive_version_mismatch(ctx: RuleContext):
    env = _env(ctx)
    if env is None:
        return
    installed = env.version("olive-ai")
    expected = str(ctx.catalog.version)
    if installed is None:
        yield Finding(
            f"olive-ai is not installed in this Python ({env.python}), so `olive run` will not work here; the config is "
            f"checked against the catalog of Olive {expected}. Install it: pip install olive-ai=={expected}.",
            anchor_range(ctx),
            severity=INFORMATION,
        )
    elif installed != expected:
        yield Finding(
            f"olive-ai {installed} is installed, but this config is checked against the catalog of Olive {expected}: "
            f"what olive-ls reports may differ from what `olive run` does. Check with --olive-version {installed} if a "
            f"catalog for it exists (olive-ls catalog generate makes one), or install olive-ai=={expected}.",
            anchor_range(ctx),
        )
