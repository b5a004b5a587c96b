"""Markdown docs of keys and values, shared by completion items and hover."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from olive_ls.document.nodes import Node
from olive_ls.features.completion.key_specs import MISSING, KeySpec
from olive_ls.features.completion.places import DATA_COMPONENT_KEYS, str_of

if TYPE_CHECKING:
    from olive_ls.features.completion.tables import Tables


def _code(value: Any) -> str:
    return f"`{json.dumps(value) if not isinstance(value, str) else json.dumps(value)}`"


def type_label(spec: KeySpec) -> str:
    return " | ".join(spec.types) if spec.types else "any"


def key_detail(spec: KeySpec) -> str:
    parts = [type_label(spec)]
    if spec.required:
        parts.append("required")
    if spec.default not in (MISSING, None) and spec.default != [] and spec.default != {}:
        parts.append(f"default {json.dumps(spec.default)}")
    return " · ".join(parts)


def key_doc(spec: KeySpec) -> str:
    head = f"**{spec.name}** · `{type_label(spec)}`"
    if spec.required:
        head += " · required"
    if spec.default is not MISSING and spec.default is not None:
        head += f" · default {_code(spec.default)}"
    lines = [head]
    if spec.description:
        lines += ["", spec.description]
    if spec.enum:
        lines += ["", "Allowed: " + ", ".join(_code(v) for v in spec.enum)]
    if spec.item_enum:
        lines += ["", "Items: " + ", ".join(_code(v) for v in spec.item_enum)]
    if spec.origin:
        lines += ["", f"*{spec.origin}*"]
    return "\n".join(lines)


def _any(values: list[str]) -> str:
    return "any" if not values or "*" in values else ", ".join(values)


GENAI_NOTE = "an onnxruntime-genai package (`onnxruntime-genai`, `-cuda` or `-directml`); Olive does not list it"


def pass_type_doc(spec) -> str:
    """The docs of a pass type, from the model's PassSpec."""
    name = spec.name
    summary = spec.summary.strip()
    body = spec.doc.strip()
    if body.startswith(summary):
        body = body[len(summary) :].strip()
    lines = [f"**{name}** — {summary}" if summary else f"**{name}**"]
    if body:
        lines += ["", body]
    rows = [
        ("Providers", _any(list(spec.providers))),
        ("Accelerators", _any(list(spec.accelerators))),
        ("Precisions", _any(list(spec.precisions))),
    ]
    if spec.algorithms:
        rows.append(("Algorithms", ", ".join(spec.algorithms)))
    if spec.dataset:
        rows.append(("Dataset", {"dataset_required": "required", "dataset_optional": "optional", "dataset_not_required": "not required"}.get(spec.dataset, spec.dataset)))
    if spec.extras:
        rows.append(("Extras", f"`pip install olive-ai[{','.join(spec.extras)}]`"))
    if spec.module_dependencies:
        rows.append(("Packages", ", ".join(f"`{p}`" for p in spec.module_dependencies)))
    if name == "ModelBuilder":
        rows.append(("Needs", GENAI_NOTE))
    lines += ["", "| | |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows]
    required = spec.required_parameters
    if required:
        lines += ["", "Required: " + ", ".join(f"`{p}`" for p in required)]
    return "\n".join(lines)


def model_type_doc(name: str, info) -> str:
    """`info`: the model's TypeSpec of the handler."""
    return _config_keys_doc(f"**{name}** — model handler `{info.handler}`", info)


def system_type_doc(name: str, info) -> str:
    return _config_keys_doc(f"**{name}** — system type", info)


def _config_keys_doc(title: str, info) -> str:
    keys = info.keys
    required = [k for k, v in keys.items() if v.get("required")]
    lines = [title]
    if keys:
        lines += ["", "Config keys: " + ", ".join(f"`{k}`" for k in keys)]
    if required:
        lines += ["", "Required: " + ", ".join(f"`{k}`" for k in required)]
    return "\n".join(lines)


def metric_type_doc(name: str, subs: list[str]) -> str:
    if not subs:
        return f"**{name}** metric — sub types are defined by the user script"
    return f"**{name}** metric — sub types: " + ", ".join(f"`{s}`" for s in subs)


def sampler_doc(name: str, info) -> str:
    keys = info.keys
    return f"**{name}** sampler" + ("\n\nOptions: " + ", ".join(f"`{k}`" for k in keys) if keys else "")


def ep_doc(tables: Tables, name: str) -> str:
    devices = tables.model.devices_for(name)
    lines = [f"**{name}** — execution provider", "", f"Devices: {', '.join(devices) if devices else 'any'}", "", f"pip package: `{provider_package(tables.model, name)}`"]
    return "\n".join(lines)


def device_doc(tables: Tables, name: str) -> str:
    providers = tables.model.providers_for(name)
    lines = [f"**{name}** — device"]
    if providers:
        lines += ["", "Execution providers: " + ", ".join(providers)]
    else:
        lines += ["", "No execution provider is inferred for this device; name one in execution_providers."]
    return "\n".join(lines)


def precision_doc(tables: Tables, name: str) -> str:
    supporting = tables.model.passes_building(name)
    lines = [f"**{name}** — precision"]
    if supporting:
        shown = ", ".join(supporting[:12]) + (f" and {len(supporting) - 12} more" if len(supporting) > 12 else "")
        lines += ["", f"Passes that list it: {shown}"]
    return "\n".join(lines)


def system_ref_doc(entry) -> str:
    lines = [f"**{entry.name}** — system `{entry.type_name or '?'}`"]
    accelerators = entry.param_value("accelerators")
    if isinstance(accelerators, list):
        for accelerator in accelerators[:4]:
            if isinstance(accelerator, dict):
                eps = accelerator.get("execution_providers") or []
                lines.append(f"- device `{accelerator.get('device', '?')}`" + (f", {', '.join(str(e) for e in eps)}" if eps else ""))
    return "\n".join(lines)


def evaluator_ref_doc(node: Node | None, name: str) -> str:
    lines = [f"**{name}** — evaluator"]
    metrics = node.get("metrics") if node is not None and node.is_object else None
    if metrics is not None and metrics.is_array:
        for metric in metrics.items[:6]:
            if metric.is_object:
                subs = metric.get("sub_types")
                sub_names = [(str_of(s, "name") or "?") for s in subs.items] if subs is not None and subs.is_array else []
                lines.append(f"- `{str_of(metric, 'name') or '?'}`: {str_of(metric, 'type') or '?'}" + (f" ({', '.join(sub_names)})" if sub_names else ""))
    return "\n".join(lines)


def data_config_ref_doc(node: Node | None, name: str) -> str:
    lines = [f"**{name}** — data config `{str_of(node, 'type') or 'DataContainer'}`"]
    if node is not None and node.is_object:
        for key in DATA_COMPONENT_KEYS:
            component = node.get(key)
            if component is not None and component.is_object:
                # Parameters may be flat next to `type` or under `params`; Olive merges both.
                params = component.get("params")
                given = [p for p in component.properties if p.key not in ("type", "params")]
                if params is not None and params.is_object:
                    given += params.properties
                shown = ", ".join(f"{p.key}={json.dumps(p.value.to_python()) if p.value is not None else ''}" for p in given[:4])
                kind = str_of(component, "type")
                lines.append(f"- {key}: " + (f"`{kind}`" if kind else "the container's default") + (f" ({shown})" if shown else ""))
    return "\n".join(lines)


def provider_package(model, provider: str) -> str:
    return model.provider_package(provider) or "onnxruntime"


def plain_text(markdown: str) -> str:
    """The docs for a client that shows only plain text: the markdown markup dropped, the words kept."""
    return markdown.replace("**", "").replace("`", "").replace("\n---\n", "\n")
