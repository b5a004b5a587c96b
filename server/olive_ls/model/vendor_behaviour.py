"""What Olive's vendor SDK passes accept at run time (AIMET techniques, Vitis AI dtypes, Quark's value maps).

`vendor_behaviour(ctx.model)` reads `vendor-behaviour.json` next to the catalog (written by
catalog/vendor_behaviour_generate.py from the installed olive-ai) once per model. A catalog without that file (another
Olive version) gets an empty behaviour: every question answers None, and the rules that need it stay silent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from olive_ls.model.behaviour_file import read_beside_catalog

if TYPE_CHECKING:
    from olive_ls.model.olive import OliveModel

FILE_NAME = "vendor-behaviour.json"


@dataclass
class VendorBehaviour:
    data: dict = field(default_factory=dict)

    def _section(self, name: str) -> dict:
        value = self.data.get(name)
        return value if isinstance(value, dict) else {}

    def _set(self, section: str, key: str) -> frozenset[str] | None:
        values = self._section(section).get(key)
        return frozenset(str(v) for v in values) if isinstance(values, list) else None

    def aimet_techniques(self) -> dict[str, frozenset[str]] | None:
        """Technique name (lowercase) -> the keyword arguments its apply takes; None when unknown."""
        table = self._section("aimet").get("techniques")
        if not isinstance(table, dict):
            return None
        return {str(k): frozenset(v or ()) for k, v in table.items()}

    def aimet_override_precisions(self) -> frozenset[str] | None:
        return self._set("aimet", "override_precisions")

    def vitis_dtype_precisions(self) -> frozenset[str] | None:
        return self._set("vitis_ai", "dtype_precisions")

    def quark_values(self, key: str) -> frozenset[str] | None:
        """scale_types, calibration_methods, quant_granularities, quant_types or tensor_config_keys."""
        return self._set("quark", key)

    def quark_algorithms(self) -> dict[str, frozenset[str]] | None:
        """Algorithm name -> the options Olive copies onto its AlgoConfig; None when unknown."""
        table = self._section("quark").get("algorithms")
        if not isinstance(table, dict):
            return None
        return {str(k): frozenset(v or ()) for k, v in table.items()}


def _load(model: OliveModel) -> VendorBehaviour:
    return VendorBehaviour(read_beside_catalog(model, FILE_NAME) or {})


def vendor_behaviour(model: OliveModel) -> VendorBehaviour:
    """The vendor passes' behaviour for this model's Olive version, read once and kept on the model."""
    return model.derived("vendor_behaviour", _load)
