"""One model of Olive, built once per catalog: the typed questions every rule and feature asks.

The catalog (catalog/) is the raw JSON generated from olive-ai; this module is the only reader of its data above
the loader. Rules, completion, hover, actions and migration ask it "which providers does this device have",
"which precisions can this pass build for that target", "what are this pass's parameters", so that they cannot
disagree about Olive. `olive_model(catalog)` builds it on first use and keeps it on the catalog itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from olive_ls.catalog import Catalog

# Olive's `is_onnx` flag marks passes under olive.passes.onnx (package_config.py: is_onnx_module).
DATASET_REQUIRED = "dataset_required"
DATASET_OPTIONAL = "dataset_optional"
DATASET_NOT_REQUIRED = "dataset_not_required"
ANY = "*"
_UNSEEN = object()


@dataclass(frozen=True)
class ParamSpec:
    """A pass parameter as Olive's pass config class declares it."""

    name: str
    json_type: Any = None  # "string", ["integer", "null"], ... (None: anything)
    schema: dict = field(default_factory=dict)  # the JSON Schema fragment of its type
    default: Any = None
    has_default: bool = False
    required: bool = False
    enum: tuple = ()
    description: str = ""
    is_data_config: bool = False
    nullable: bool = False
    raw: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class PassSpec:
    """A registered pass: what Olive's package config and the pass class say about it."""

    name: str
    module_path: str
    summary: str
    doc: str
    parameters: dict[str, ParamSpec]
    providers: tuple[str, ...]  # ("*",) for any
    accelerators: tuple[str, ...]
    precisions: tuple[str, ...]
    algorithms: tuple[str, ...]
    encodings: tuple[str, ...]
    dataset: str
    is_onnx: bool
    run_on_target: bool
    extras: tuple[str, ...]
    module_dependencies: tuple[str, ...]
    pip_requirements: tuple[str, ...] | None

    @property
    def needs_data(self) -> bool:
        return self.dataset == DATASET_REQUIRED

    @property
    def is_pytorch(self) -> bool:
        return self.module_path.startswith("olive.passes.pytorch.")

    def builds_precision(self, precision: str) -> bool:
        return ANY in self.precisions or not self.precisions or precision in self.precisions

    @property
    def required_parameters(self) -> list[str]:
        return [name for name, spec in self.parameters.items() if spec.required]


@dataclass(frozen=True)
class TypeSpec:
    """A model handler, system type, sampler or metric type: its name and the keys of its config."""

    name: str
    keys: dict[str, dict]
    info: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def handler(self) -> str:
        return str(self.info.get("handler") or self.name)


def _strings(values) -> tuple[str, ...]:
    return tuple(str(v) for v in values or () if isinstance(v, str))


def _param(name: str, entry: dict) -> ParamSpec:
    return ParamSpec(
        name=name,
        json_type=entry.get("json_type"),
        schema=entry.get("type") if isinstance(entry.get("type"), dict) else {},
        default=entry.get("default"),
        has_default="default" in entry,
        required=bool(entry.get("required")),
        enum=tuple(entry.get("enum") or ()),
        description=str(entry.get("description") or ""),
        is_data_config=bool(entry.get("data_config")),
        nullable=bool(entry.get("nullable")),
        raw=entry,
    )


def _pass(name: str, info: dict) -> PassSpec:
    pip = info.get("pip_requirements")
    return PassSpec(
        name=name,
        module_path=str(info.get("module_path") or ""),
        summary=str(info.get("summary") or ""),
        doc=str(info.get("doc") or ""),
        parameters={key: _param(key, entry) for key, entry in (info.get("parameters") or {}).items() if isinstance(entry, dict)},
        providers=_strings(info.get("supported_providers")),
        accelerators=_strings(info.get("supported_accelerators")),
        precisions=_strings(info.get("supported_precisions")),
        algorithms=_strings(info.get("supported_algorithms")),
        encodings=_strings(info.get("supported_quantization_encodings")),
        dataset=str(info.get("dataset") or DATASET_NOT_REQUIRED),
        is_onnx=bool(info.get("is_onnx")),
        run_on_target=bool(info.get("run_on_target")),
        extras=_strings(info.get("extra_dependencies")),
        module_dependencies=_strings(info.get("module_dependencies")),
        pip_requirements=_strings(pip) if isinstance(pip, list) else None,
    )


class OliveModel:
    """Olive as one catalog describes it. Built once per catalog (`olive_model`); every lookup is precomputed."""

    def __init__(self, catalog: "Catalog"):
        data = catalog.data
        self.version: str = catalog.version
        self.catalog = catalog
        self.passes: dict[str, PassSpec] = {name: _pass(name, info) for name, info in (data.get("passes") or {}).items() if isinstance(info, dict)}
        self._pass_by_lower = {name.lower(): name for name in self.passes}
        # Names as written -> canonical name: every rule asks for every pass, so the answer is kept.
        self._canonical: dict[str, str | None] = {}
        self.devices: tuple[str, ...] = _strings(data.get("devices"))
        self.providers: tuple[str, ...] = _strings(data.get("execution_providers"))
        self._provider_by_lower = {ep.lower(): ep for ep in self.providers}
        self._device_providers: dict[str, tuple[str, ...]] = {
            str(device).lower(): _strings(eps) for device, eps in (data.get("device_providers") or {}).items() if isinstance(eps, list)
        }
        provider_devices: dict[str, list[str]] = {}
        for device, eps in self._device_providers.items():
            for ep in eps:
                provider_devices.setdefault(ep, []).append(device)
        self._provider_devices = {ep: tuple(devs) for ep, devs in provider_devices.items()}
        self.provider_packages: dict[str, str] = {str(k): str(v) for k, v in (data.get("provider_packages") or {}).items() if isinstance(v, str)}
        self.precisions: frozenset[str] = frozenset(_strings(data.get("precisions")))
        self.precision_order: tuple[str, ...] = _strings(data.get("precisions"))
        self.model_types = self._types(data.get("model_types"))
        self.system_types = self._types(data.get("system_types"))
        self.samplers = self._types(data.get("samplers"))
        self.metric_types = self._types(data.get("metric_types"))
        self.evaluator_types: tuple[str, ...] = _strings(data.get("evaluator_types"))
        self.extra_dependencies: dict[str, tuple[str, ...]] = {
            str(k): _strings(v) for k, v in (data.get("extra_dependencies") or {}).items() if isinstance(v, list)
        }
        # Keys of each config section (run config, engine, search strategy, accelerator, data config, ...).
        self.section_keys: dict[str, dict[str, dict]] = {
            section: dict(data.get(f"{section}_keys") or {})
            for section in ("run_config", "engine", "search_strategy", "accelerator", "data_config", "evaluator", "metric", "pass_config")
        }
        self.flattening: dict = dict(data.get("flattening") or {})
        self._value_sets = {
            key: _strings(value) for key, value in data.items() if isinstance(value, list) and all(isinstance(v, str) for v in value)
        }
        self.data_components: dict[str, dict] = dict(data.get("data_components") or {})
        self._derived: dict[str, Any] = {}

    def derived(self, name: str, build):
        """What a rule or feature compiles from this model once (validators, indexes), kept as long as the model."""
        if name not in self._derived:
            self._derived[name] = build(self)
        return self._derived[name]

    @staticmethod
    def _types(table) -> dict[str, TypeSpec]:
        return {
            str(name): TypeSpec(str(name), dict(info.get("config_keys") or {}), info)
            for name, info in (table or {}).items()
            if isinstance(info, dict)
        }

    # --- passes -------------------------------------------------------------------------------------------

    @property
    def pass_names(self) -> list[str]:
        return sorted(self.passes)

    def canonical_pass_name(self, name) -> str | None:
        """Olive matches pass types without regard to case (package_config.py lowercases them), and a dotted
        module path names the class at its end, as get_pass_module_config allows."""
        if not isinstance(name, str):
            return None
        known = self._canonical.get(name, _UNSEEN)
        if known is _UNSEEN:
            if len(self._canonical) > 4096:  # names typed half-way pile up in a long session
                self._canonical.clear()
            known = self._canonical[name] = self._pass_by_lower.get(name.rsplit(".", 1)[-1].lower())
        return known

    def pass_spec(self, name) -> PassSpec | None:
        canonical = self.canonical_pass_name(name)
        return self.passes[canonical] if canonical else None

    def passes_building(self, precision: str) -> list[str]:
        """Passes whose metadata names this precision (not those that accept any)."""
        return [name for name, spec in self.passes.items() if precision in spec.precisions]

    # --- devices, providers, precisions -------------------------------------------------------------------

    def providers_for(self, device: str | None) -> tuple[str, ...]:
        """The execution providers Olive pairs with a device (DEVICE_TO_EXECUTION_PROVIDERS); () for a device
        Olive has no table for (it then cannot pick a default provider)."""
        return self._device_providers.get(str(device).lower(), ()) if device else ()

    def devices_for(self, provider: str | None) -> tuple[str, ...]:
        """The devices whose provider table lists this provider (Olive spells providers exactly)."""
        return self._provider_devices.get(provider, ()) if isinstance(provider, str) else ()

    def has_provider_table(self, device: str | None) -> bool:
        return isinstance(device, str) and device.lower() in self._device_providers

    def devices_with_provider_table(self) -> tuple[str, ...]:
        return tuple(self._device_providers)

    def devices_with_providers(self) -> tuple[str, ...]:
        """Devices Olive can build for, in its order: those with a provider table (not cpu_spr, vpu, ... which
        Olive lists but cannot pick a provider for)."""
        return tuple(d for d in self.devices if d.lower() in self._device_providers)

    def canonical_provider(self, name) -> str | None:
        return self._provider_by_lower.get(name.lower()) if isinstance(name, str) else None

    def provider_package(self, provider: str) -> str | None:
        return self.provider_packages.get(provider)

    def precisions_for(self, pass_name, values=None) -> list[str]:
        """The precisions `pass_name` can build, in `values`' order (default: the pass's own precision enum,
        else Olive's precision list). The target's part (ModelBuilder on CPU) is asked of `model.targets`."""
        spec = self.pass_spec(pass_name)
        if values is None:
            param = spec.parameters.get("precision") if spec else None
            values = param.enum if param and param.enum else self.precision_order
        if spec is None:
            return list(values)
        return [value for value in values if spec.builds_precision(value)]

    # --- value sets and types -----------------------------------------------------------------------------

    def value_set(self, name: str) -> tuple[str, ...]:
        """A list of names from the catalog: data_containers, metric_backends, execution_orders, ..."""
        return self._value_sets.get(name, ())

    def pass_requirements(self, spec: PassSpec) -> list[str]:
        """pip requirements of a pass: its own list when Olive gives one, else its extras and module dependencies."""
        if spec.pip_requirements is not None:
            return list(spec.pip_requirements)
        requirements: list[str] = []
        for extra in spec.extras:
            requirements.extend(self.extra_dependencies.get(extra, (extra,)))
        requirements.extend(spec.module_dependencies)
        return sorted(set(requirements))

    @property
    def run_config_schema(self) -> dict:
        """The run-config JSON Schema generated with this catalog (for the schema rule's validator)."""
        return self.catalog.schema


def olive_model(catalog: "Catalog") -> OliveModel:
    """The model of this catalog, built on first use and kept on the catalog (no cache keyed by catalog elsewhere)."""
    model = getattr(catalog, "_olive_model", None)
    if model is None:
        model = OliveModel(catalog)
        object.__setattr__(catalog, "_olive_model", model)
    return model


# --- metric types with their sub types (asked by rules/references.py, OLV510) ------------------------------------
# The catalog gives each metric type's sub types as a plain list, which `OliveModel.metric_types` (built from
# tables of dicts) leaves out.


def metric_sub_types(model: OliveModel) -> dict[str, tuple[str, ...]]:
    """Each metric type Olive has, with the sub types its torch_metrics backend accepts ("custom": none)."""
    table = model.__dict__.get("_metric_sub_types")
    if table is None:
        raw = model.catalog.data.get("metric_types") or {}
        table = {str(name): _strings(subs) for name, subs in raw.items()} if isinstance(raw, dict) else {}
        model.__dict__["_metric_sub_types"] = table
    return table
