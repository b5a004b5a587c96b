"""What the passes do at run time with config values, beside what they declare (docs/olive-runtime-checks.md).

`pass_behaviour(ctx.model)` reads `pass-behaviour.json` next to the catalog (written by
catalog/pass_behaviour_generate.py from the installed olive-ai, onnxruntime and onnxruntime-genai) once per model.
A catalog without that file (another Olive version) gets an empty behaviour: every question answers "unknown"
(None or an empty set), and the rules that need it stay silent rather than guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from olive_ls.model.behaviour_file import read_beside_catalog

if TYPE_CHECKING:
    from olive_ls.model.olive import OliveModel, ParamSpec, PassSpec

FILE_NAME = "pass-behaviour.json"


@dataclass(frozen=True)
class Surgeon:
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]


@dataclass
class PassBehaviour:
    data: dict = field(default_factory=dict)

    @property
    def known(self) -> bool:
        return bool(self.data)

    def _section(self, name: str) -> dict:
        value = self.data.get(name)
        return value if isinstance(value, dict) else {}

    def _set(self, section: str, key: str) -> frozenset[str]:
        return frozenset(str(v) for v in self._section(section).get(key) or ())

    def library_versions(self) -> dict[str, str]:
        return {k: str(v) for k, v in self._section("generated_from").items() if v}

    def genai_version(self) -> str:
        return self.library_versions().get("onnxruntime-genai", "")

    # --- ModelBuilder and onnxruntime-genai's builder ----------------------------------------------------

    def genai_ep(self, provider: str | None) -> str | None:
        """The genai EP ModelBuilder builds for with this Olive EP; "cpu" for any EP it does not map; None if unknown."""
        ep_map = self._section("model_builder").get("ep_map")
        if not isinstance(ep_map, dict) or not provider:
            return None
        return ep_map.get(provider, "cpu")

    def genai_mapped_providers(self) -> tuple[str, ...]:
        return tuple(sorted(self._section("model_builder").get("ep_map") or {}))

    def genai_precisions(self) -> frozenset[str]:
        return self._set("model_builder", "genai_precisions")

    def genai_bool_options(self) -> frozenset[str]:
        return self._set("model_builder", "bool_extra_options")

    def genai_split_options(self) -> frozenset[str]:
        return self._set("model_builder", "split_extra_options")

    def genai_int4_algo_configs(self) -> tuple[str, ...]:
        return tuple(sorted(self._set("model_builder", "int4_algo_configs")))

    def genai_extra_options(self) -> frozenset[str]:
        return self._set("model_builder", "extra_options_read")

    # --- onnxruntime.quantization as OnnxQuantization calls it ---------------------------------------------

    def calibration_methods(self) -> tuple[str, ...]:
        return tuple(sorted(self._set("quantization", "calibration_methods")))

    def quant_formats(self) -> tuple[str, ...]:
        return tuple(sorted(self._set("quantization", "quant_formats")))

    def quant_type(self, precision) -> str | None:
        """onnxruntime's QuantType for an Olive precision (quant_type_from_precision); None: Olive prunes it."""
        return (self._section("quantization").get("precision_quant_types") or {}).get(precision) if isinstance(precision, str) else None

    def quant_precisions(self) -> tuple[str, ...]:
        return tuple(sorted(self._section("quantization").get("precision_quant_types") or {}))

    def static_only_parameters(self) -> frozenset[str]:
        return self._set("quantization", "static_only_parameters")

    def static_defaults(self) -> list[tuple[str, Any]]:
        """The static-only parameters with their static-mode defaults, in the order Olive resolves them."""
        rows = self._section("quantization").get("static_conditional_defaults") or []
        return [(str(r[0]), r[1]) for r in rows if isinstance(r, list) and len(r) == 2]

    def quant_extra_option_parameters(self) -> dict[str, tuple[str, bool]]:
        """extra_options key -> (the pass parameter that overwrites it, whether it is used in dynamic mode)."""
        table = self._section("quantization").get("extra_options_parameters") or {}
        return {k: (str(v[0]), bool(v[1])) for k, v in table.items() if isinstance(v, list) and len(v) == 2}

    # --- onnxruntime.transformers ----------------------------------------------------------------------

    def transformers_model_types(self) -> tuple[str, ...]:
        return tuple(sorted(self._set("transformers_optimization", "model_types")))

    def fusion_options(self) -> tuple[str, ...]:
        return tuple(sorted(self._set("transformers_optimization", "fusion_options")))

    def attention_op_types(self) -> tuple[str, ...]:
        return tuple(sorted(self._set("transformers_optimization", "attention_op_types")))

    # --- GraphSurgeries ---------------------------------------------------------------------------------

    def surgeons(self) -> dict[str, Surgeon]:
        """Lower-cased registry key -> surgeon (Olive matches surgeon names without regard to case)."""
        table = self._section("graph_surgeries").get("surgeons") or {}
        return {
            key: Surgeon(str(v.get("name") or key), tuple(v.get("required") or ()), tuple(v.get("optional") or ()))
            for key, v in table.items()
            if isinstance(v, dict)
        }

    # --- search: Pass._resolve_defaults and _init_fixed_and_search_params (olive_pass.py:370-430) --------------

    def search_known(self, pass_name: str | None) -> bool:
        """Whether the file has the search section (then a pass missing from it has no search_defaults)."""
        return bool(pass_name) and isinstance(self.data.get("search"), dict)

    def search_table(self, pass_name: str | None, provider: str | None) -> dict[str, dict] | None:
        """{parameter: {"search": search_defaults, "default": conditional default}} (either may be absent), each a
        {"categorical": [...]} or {"conditional": {parents, support: [[values, child]], default}}, for this pass on
        this execution provider. None when unknown: no search section, or the EP is not known and the pass's
        search_defaults depend on it."""
        if not self.search_known(pass_name):
            return None
        section = self._section("search")
        by_ep = section.get("by_execution_provider") or {}
        variants = [tables[pass_name] for tables in by_ep.values() if isinstance(tables, dict) and pass_name in tables]
        if provider is None and variants:
            return None
        table = (by_ep.get(provider) or {}).get(pass_name) if provider else None
        if table is None:
            table = (section.get("passes") or {}).get(pass_name) or {}
        return table if isinstance(table, dict) else None

    def searchable_parameters(self, pass_name: str | None, provider: str | None) -> frozenset[str] | None:
        """The parameters that have search_defaults (what SEARCHABLE_VALUES can resolve to). With the EP unknown:
        those that have them on some EP. None when unknown."""
        if not self.search_known(pass_name):
            return None
        section = self._section("search")
        tables = [(section.get("passes") or {}).get(pass_name) or {}]
        by_ep = section.get("by_execution_provider") or {}
        if provider is not None:
            tables = [(by_ep.get(provider) or {}).get(pass_name) or tables[0]]
        else:
            tables += [t[pass_name] for t in by_ep.values() if isinstance(t, dict) and pass_name in t]
        names = [frozenset(k for k, v in t.items() if isinstance(v, dict) and "search" in v) for t in tables]
        return frozenset().union(*names)

    # --- IncQuantization ------------------------------------------------------------------------------------

    def inc_accuracy_goal_types(self) -> frozenset[str]:
        return self._set("inc_quantization", "accuracy_goal_types")


def param_category(param: ParamSpec | None) -> str | None:
    """Olive's ParamCategory of a pass parameter ("object": a function or class name, "path", "data", "none")."""
    return str(param.raw.get("category")) if param is not None and param.raw.get("category") else None


def param_default(spec: PassSpec | None, name: str) -> Any:
    param = spec.parameters.get(name) if spec is not None else None
    return param.default if param is not None else None


def _load(model: OliveModel) -> PassBehaviour:
    return PassBehaviour(read_beside_catalog(model, FILE_NAME) or {})


def pass_behaviour(model: OliveModel) -> PassBehaviour:
    """The run-time behaviour for this model's Olive version, read once and kept on the model."""
    return model.derived("pass_behaviour", _load)
