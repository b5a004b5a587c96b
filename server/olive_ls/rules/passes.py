"""Pass rules (OLV3xx): pass types, their parameters and values, and the order of model formats through the passes.

Olive 0.13.0 checks almost none of this when it reads a config: a pass type is looked up when the pass is created,
unknown parameters are dropped with a log line, values are validated by pydantic (lax mode: "true" is a boolean,
"4" an integer, 50.0 an int) only when the pass runs. The catalog has each pass's parameters with their JSON types;
values are checked against those with the same lax coercions pydantic applies, so a config Olive accepts is never
flagged.
"""

from __future__ import annotations


from dataclasses import dataclass, field, replace
from typing import Any

from olive_ls.document.nodes import Node, Property, node_at_path
from olive_ls.model.legacy import OLD_PASS_KEYS
from olive_ls.model.versions import parameter_availability, pass_availability
from olive_ls.rules.legacy import legacy_pass_note
from olive_ls.rules.registry import ERROR, WARNING, Finding, RuleContext, rule
from olive_ls.rules.schema_errors import SchemaError, best_match
from olive_ls.suggest import did_you_mean, one_of
from olive_ls.model.olive import ParamSpec, PassSpec
from olive_ls.model.view import PASS_DECLARED_KEYS, PassEntry

# Pass types that exist only in Olive releases newer than 0.13.0 (seen in microsoft/olive-recipes).
NEWER_PASSES = {
    "ryzengeneratemodelllm": "RyzenGenerateModelLLM",
    "quarkquantizationvitisai": "QuarkQuantizationVitisAI",
}
NEWER_PASSES_NOTE = (
    "it comes with a newer Olive release (microsoft/Olive PR #2481, the RyzenAI recipes of olive-recipes), not 0.13.0: "
    "upgrade olive-ai, or use a recipe written for 0.13.0 (the VitisAI ones use QuarkQuantization + VitisGenerateModelLLM)"
)

# Passes under olive.passes.onnx whose input is not an ONNX model (their _run_for_config takes an HfModelHandler,
# PyTorchModelHandler or DiffusersModelHandler): they produce the ONNX model the other ONNX passes need.
CONVERTERS = frozenset({"OnnxConversion", "OptimumConversion", "MobiusBuilder", "ModelBuilder", "VitisGenerateModelLLM"})
MODEL_KINDS = {
    "hfmodel": "hf",
    "distributedhfmodel": "hf",
    "pytorchmodel": "pytorch",
    "diffusersmodel": "diffusers",
    "onnxmodel": "onnx",
    "distributedonnxmodel": "onnx",
}
SPECIAL_VALUES = ("DEFAULT_VALUE", "SEARCHABLE_VALUES")  # PassParamDefault


# ---------------------------------------------------------------------------------------------------------------
# Lax validation: jsonschema with pydantic's lax coercions (pydantic v2 conversion table, Python mode)

_BOOL_STRINGS = frozenset({"0", "off", "f", "false", "n", "no", "1", "on", "t", "true", "y", "yes"})


def _is_bool(_checker, value) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, (int, float)):
        return value in (0, 1)
    return isinstance(value, str) and value.strip().lower() in _BOOL_STRINGS


def _as_number(value) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().replace("_", ""))
        except ValueError:
            return None
    return None


def _is_integer(_checker, value) -> bool:
    number = _as_number(value)
    return number is not None and number == number and number not in (float("inf"), float("-inf")) and float(number).is_integer()


def _is_number(_checker, value) -> bool:
    return _as_number(value) is not None


def _lax_validator_class(precisions: frozenset):
    """jsonschema's Draft 2020-12 with pydantic's lax coercion: imported only when a value is not valid as
    written (jsonschema costs ~70 ms of import; a config whose values are all valid never needs it)."""
    from jsonschema import Draft202012Validator, validators
    from jsonschema.exceptions import ValidationError

    def lax_enum(validator, enums, instance, schema):
        if _enum_match(instance, enums, [precisions]):
            return
        yield ValidationError(f"{instance!r} is not one of {enums!r}")

    lax_types = Draft202012Validator.TYPE_CHECKER.redefine_many({"boolean": _is_bool, "integer": _is_integer, "number": _is_number})
    return validators.extend(Draft202012Validator, validators={"enum": lax_enum}, type_checker=lax_types)


def _enum_match(instance, enums, case_sensitive_sets) -> bool:
    for allowed in enums:
        if isinstance(allowed, str):
            if isinstance(instance, str):
                if instance == allowed:
                    return True
                # Olive's CaseInsensitiveEnum accepts any case; Precision (StrEnumBase) does not.
                if instance.lower() == allowed.lower() and frozenset(e for e in enums if isinstance(e, str)) not in case_sensitive_sets:
                    return True
        elif isinstance(allowed, (int, float)) and not isinstance(allowed, bool):
            number = _as_number(instance)
            if number is not None and number == allowed:
                return True
        elif instance == allowed and type(instance) is type(allowed):
            return True
    return False



# What the lax validator's keywords decide, without jsonschema, for the schemas pass parameters have (types, enums,
# anyOf, items, additionalProperties): a value jsonschema-rs refuses only for pydantic's coercions ("true" for a
# boolean) is told valid without the ~45 ms import. None for a schema with any other keyword: the validator decides.
_LAX_TYPES = {
    "boolean": lambda value: _is_bool(None, value),
    "integer": lambda value: _is_integer(None, value),
    "number": lambda value: _is_number(None, value),
    "string": lambda value: isinstance(value, str),
    "null": lambda value: value is None,
    "array": lambda value: isinstance(value, list),
    "object": lambda value: isinstance(value, dict),
}
_ANNOTATIONS = frozenset({"title", "description", "default", "examples"})
_PLAIN_KEYWORDS = frozenset({"type", "enum", "anyOf", "items", "additionalProperties"}) | _ANNOTATIONS


def lax_verdict(schema, value, precisions: frozenset) -> bool | None:
    """Whether the lax validator (jsonschema's keywords with `_lax_validator_class`'s types and enum) accepts the
    value, for a schema made of the keywords above only; None where it has another."""
    if isinstance(schema, bool):
        return schema
    if not isinstance(schema, dict) or not _PLAIN_KEYWORDS.issuperset(schema):
        return None
    verdicts = []
    if "type" in schema:
        names = [schema["type"]] if isinstance(schema["type"], str) else schema["type"]
        if any(name not in _LAX_TYPES for name in names):
            return None
        verdicts.append(any(_LAX_TYPES[name](value) for name in names))
    if "enum" in schema:
        verdicts.append(_enum_match(value, schema["enum"], [precisions]))
    if "anyOf" in schema:
        branches = [lax_verdict(branch, value, precisions) for branch in schema["anyOf"]]
        verdicts.append(True if True in branches else None if None in branches else False)
    if "items" in schema and isinstance(value, list):
        verdicts.extend(lax_verdict(schema["items"], item, precisions) for item in value)
    if "additionalProperties" in schema and isinstance(value, dict):  # no properties/patternProperties: every key
        verdicts.extend(lax_verdict(schema["additionalProperties"], item, precisions) for item in value.values())
    if False in verdicts:
        return False
    return None if None in verdicts else True

# ---------------------------------------------------------------------------------------------------------------
# Compiled once per model of Olive (kept on the model: OliveModel.derived)


@dataclass
class PassLookups:
    names: list[str]
    precisions: frozenset[str]
    _validator_class: Any = None
    _validators: dict[tuple[str, str], Any] = field(default_factory=dict)
    # jsonschema-rs, strict: what it accepts the lax validator accepts too (lax only widens types and enums), so a
    # value it accepts is valid without the pure-Python walk (tests/rules/test_pass_value_fast_path.py).
    _strict: dict[tuple[str, str], Any] = field(default_factory=dict)
    _suggestions: dict[tuple[str, str], tuple[str, list[str]]] = field(default_factory=dict)
    # (pass, parameter, node kind, text as written) of values OLV304 found nothing wrong with (bad_pass_value).
    fine: set[tuple] = field(default_factory=set)

    def param_suggestion(self, model, pass_name: str, key: str) -> tuple[str, list[str]]:
        """did_you_mean over the pass's parameters, cached: difflib is the slow part of OLV302."""
        cache_key = (pass_name, key)
        if cache_key not in self._suggestions:
            spec = model.pass_spec(pass_name)
            self._suggestions[cache_key] = did_you_mean(key, list(spec.parameters) if spec else [])
            if len(self._suggestions) > 4096:
                self._suggestions.pop(next(iter(self._suggestions)))
        hint, suggestions = self._suggestions[cache_key]
        return hint, list(suggestions)

    def validator(self, model, pass_name: str, param: str):
        """The lax (pydantic-like) validator of a parameter's schema; None when it has none."""
        key = (pass_name, param)
        if key not in self._validators:
            schema = _param_schema(model, pass_name, param)
            if isinstance(schema, (dict, bool)) and self._validator_class is None:
                self._validator_class = _lax_validator_class(self.precisions)
            self._validators[key] = self._validator_class(schema) if isinstance(schema, (dict, bool)) else None
        return self._validators[key]

    def strict(self, model, pass_name: str, param: str):
        """jsonschema-rs' validator of the same schema, or None (no schema, jsonschema-rs missing, a schema it refuses)."""
        key = (pass_name, param)
        if key not in self._strict:
            self._strict[key] = _compiled(_param_schema(model, pass_name, param))
        return self._strict[key]

    def best_error(self, model, pass_name: str, param: str, value) -> SchemaError | None:
        """What is most wrong with a parameter's value under the lax validator; None when it is valid or the
        parameter has no schema."""
        strict = self.strict(model, pass_name, param)
        if strict is not None and strict.is_valid(value):
            return None
        schema = _param_schema(model, pass_name, param)
        verdict = lax_verdict(schema, value, self.precisions)
        if verdict is True:
            return None
        if verdict is False and strict is not None:
            # jsonschema-rs' strict errors less those pydantic's coercions excuse: the lax validator's own, without
            # importing it (tests/rules/test_pass_value_fast_path.py holds the two side by side).
            errors = (self._lax_only(SchemaError.of(error, schema)) for error in strict.iter_errors(value))
            return best_match([error for error in errors if error is not None], _is_lax_type)
        validator = self.validator(model, pass_name, param)
        if validator is None:
            return None
        from jsonschema.exceptions import best_match as python_best_match

        error = python_best_match(validator.iter_errors(value))
        if error is None:
            return None
        return SchemaError(error.validator, tuple(error.absolute_path), error.schema if isinstance(error.schema, dict) else {}, error.instance, {}, error.message)

    def _lax_only(self, error: SchemaError) -> SchemaError | None:
        """The error, or None where the lax validator's keyword accepts the value (a "true" for a boolean)."""
        if error.keyword in error.schema and lax_verdict({error.keyword: error.schema[error.keyword]}, error.instance, self.precisions) is True:
            return None
        if not error.branches:
            return error
        branches = tuple(tuple(kept for kept in map(self._lax_only, branch) if kept is not None) for branch in error.branches)
        return replace(error, branches=branches)


def _is_lax_type(value, name: str) -> bool:
    return name in _LAX_TYPES and _LAX_TYPES[name](value)


def _param_schema(model, pass_name: str, param: str):
    spec = model.pass_spec(pass_name)
    param_spec = spec.parameters.get(param) if spec else None
    return param_spec.raw.get("type") if param_spec else None


def _compiled(schema):
    if not isinstance(schema, (dict, bool)):
        return None
    try:
        import jsonschema_rs
    except ImportError:
        return None
    try:
        return jsonschema_rs.Draft202012Validator(schema)
    except Exception:  # noqa: BLE001 - a schema it cannot compile: the pure-Python validator decides alone
        return None


def _build_lookups(model) -> PassLookups:
    return PassLookups(names=list(model.pass_names), precisions=model.precisions)


def lookups(model) -> PassLookups:
    return model.derived("rules.passes", _build_lookups)


# ---------------------------------------------------------------------------------------------------------------
# Helpers


def _str(node: Node | None) -> str | None:
    return node.value if node is not None and node.kind == "string" else None


def _given_params(entry: PassEntry) -> list[Property]:
    """Every parameter property as written: flat ones next to `type`, then those under `config`."""
    props = [p for p in entry.node.properties if p.key not in PASS_DECLARED_KEYS] if entry.node.is_object else []
    nested = entry.node.get("config") if entry.node.is_object else None
    if nested is not None and nested.is_object:
        props += nested.properties
    return props


def _param_owner_path(entry: PassEntry) -> list:
    nested = entry.node.get("config")
    return entry.node.path() + (["config"] if nested is not None and nested.is_object else [])


def describe(schema, limit: int = 12) -> str:
    """A JSON type schema in words: 'one of 16, 32, 64', 'an integer', 'a list of strings', ..."""
    if not isinstance(schema, dict):
        return "a valid value"
    if "enum" in schema:
        return "one of " + one_of(schema["enum"], limit)
    if "anyOf" in schema:
        parts = [describe(s, limit) for s in schema["anyOf"] if not (isinstance(s, dict) and s.get("type") == "null")]
        parts = list(dict.fromkeys(parts))
        return " or ".join(parts) if parts else "null"
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items")
        inner = describe(items, limit) if isinstance(items, dict) and items else ""
        if inner.startswith(("a ", "an ")):
            inner = inner.split(" ", 1)[1] + "s"
        return f"a list of {inner}" if inner else "a list"
    return {
        "string": "a string",
        "integer": "an integer",
        "number": "a number",
        "boolean": "true or false",
        "object": "an object",
        "null": "null",
    }.get(kind, "a valid value")


def search_enabled(view) -> bool:
    """Whether RunConfig's validation sees search on (workflows/run/config.py:325 tests the parsed
    SearchStrategyConfig, which is truthy even when empty). The engine itself tests the dict: runtime_common.search_on."""
    prop = view.engine_params.get("search_strategy")
    if prop is None or prop.value is None:
        return False
    value = prop.value
    return not (value.kind == "null" or (value.kind == "boolean" and value.value is False))


# ---------------------------------------------------------------------------------------------------------------
# Rules


@rule("OLV301", "unknown-pass-type", "A pass type the Olive the config is checked as does not have.", ERROR)
def unknown_pass_type(ctx: RuleContext):
    lk = lookups(ctx.model)
    for entry in ctx.view.passes:
        name = entry.type_name
        if name is None or entry.type_node is None or ctx.model.canonical_pass_name(name):
            continue
        if legacy_pass_note(name) is not None:
            continue  # renamed or removed in an older release: OLV207 says so
        short = name.rsplit(".", 1)[-1]
        newer = f"; {NEWER_PASSES_NOTE}" if short.lower() in NEWER_PASSES else ""
        hint, suggestions = did_you_mean(short, lk.names)
        available = pass_availability(ctx.model, short, ctx.version_reason)
        if available:
            # Another shipped Olive has it: say which, and which Olive this config is checked as.
            yield Finding.at(
                entry.type_node,
                f"{available}{newer}. Olive {ctx.model.version} loads the config, then `olive run` stops with `ValueError: "
                f"Package configuration for pass of type '{name.lower()}' not found`.{hint}",
                fix={"title": "Replace with", "replace_value": suggestions} if suggestions else None,
            )
            continue
        yield Finding.at(
            entry.type_node,
            f"Olive {ctx.model.version} has no pass '{name}'{newer}. The config loads, then `olive run` stops with `ValueError: Package "
            f"configuration for pass of type '{name.lower()}' not found`.{hint}",
            fix={"title": "Replace with", "replace_value": suggestions} if suggestions else None,
        )


@rule("OLV302", "unknown-pass-parameter", "A parameter the pass does not have: Olive ignores it and runs with the default.", ERROR, scope="entry")
def unknown_pass_parameter(ctx: RuleContext):
    lk = lookups(ctx.model)
    for entry in ctx.view.passes:
        canonical = ctx.model.canonical_pass_name(entry.type_name or "")
        if canonical is None:
            continue
        parameters = ctx.model.passes[canonical].parameters
        for prop in _given_params(entry):
            if prop.key in parameters or prop.key in OLD_PASS_KEYS:
                continue  # old pass keys: OLV209
            available = parameter_availability(ctx.model, canonical, prop.key, ctx.version_reason)
            if available:
                yield Finding.at(
                    prop,
                    f"{available}. Olive {ctx.model.version} only logs `Keys {{'{prop.key}'}} are not part of {canonical}Config. "
                    "Ignoring them.` and runs the pass without it.",
                )
                continue
            hint, suggestions = lk.param_suggestion(ctx.model, canonical, prop.key)
            yield Finding.at(
                prop,
                f"'{prop.key}' is not a parameter of {canonical}. Olive {ctx.model.version} only logs `Keys {{'{prop.key}'}} are not part of "
                f"{canonical}Config. Ignoring them.` and runs the pass without it.{hint}",
                fix={"title": "Replace with", "replace_key": suggestions} if suggestions else None,
            )


@rule("OLV303", "missing-pass-parameter", "A required pass parameter is missing: the pass fails when it runs.", ERROR, scope="entry")
def missing_pass_parameter(ctx: RuleContext):
    for entry in ctx.view.passes:
        canonical = ctx.model.canonical_pass_name(entry.type_name or "")
        if canonical is None:
            continue
        spec = ctx.model.passes[canonical]
        given = {p.key for p in _given_params(entry)}
        for name, param in spec.parameters.items():
            if not param.required or name in given:
                continue
            if param.is_data_config:
                continue  # a missing data config is the references rules' (data a pass needs)
            about = param.description
            allowed = ""
            if name == "precision" and spec.precisions and "*" not in spec.precisions:
                allowed = f" ({canonical} builds {one_of(spec.precisions)})"
            elif param.enum:
                allowed = f" (one of {one_of(param.enum)})"
            # Where the schema rule reports a missing key (its owner key), so this finding replaces that one.
            nested = entry.node.get("config")
            if nested is not None and nested.is_object:
                target = entry.node.prop("config").key_node
            elif entry.alternative is None and entry.name_node is not None:
                target = entry.name_node
            else:
                target = entry.node
            yield Finding(
                f"{canonical} needs '{name}'{allowed}{': ' + about.rstrip('.') if about else ''}. Olive 0.13.0 accepts the config, "
                f"then fails when the pass runs: `1 validation error for {canonical}Config / {name} / Field required`.",
                target.range,
                fix={"title": f"Add '{name}'", "add_keys": [name], "object_path": _param_owner_path(entry)},
            )


@rule("OLV304", "bad-pass-value", "A pass parameter value of the wrong type or outside the allowed values.", ERROR, scope="entry")
def bad_pass_value(ctx: RuleContext):
    lk = lookups(ctx.model)
    for entry in ctx.view.passes:
        canonical = ctx.model.canonical_pass_name(entry.type_name or "")
        if canonical is None:
            continue
        spec = ctx.model.passes[canonical]
        for prop in _given_params(entry):
            param = spec.parameters.get(prop.key)
            if param is None or prop.value is None or param.is_data_config:
                continue  # data config names are the references rules'
            # A value written the same way for the same parameter has the same verdict: after a keystroke on a big
            # config nearly every value is one already found fine, told from its text without building it.
            kind, text = prop.value.written()
            seen = (canonical, prop.key, kind, text)
            if seen in lk.fine:
                continue
            finding = _check_value(ctx, lk, spec, prop, param)
            if finding is not None:
                yield finding
            elif len(text) <= 4096:
                if len(lk.fine) > 65536:  # values typed half-way pile up in a long session
                    lk.fine.clear()
                lk.fine.add(seen)


def _check_value(ctx, lk: PassLookups, spec: PassSpec, prop: Property, param: ParamSpec) -> Finding | None:
    canonical = spec.name
    node = prop.value
    try:
        value = node.to_python()
    except Exception:  # noqa: BLE001 - half-typed trees
        return None
    if isinstance(value, str) and value in SPECIAL_VALUES:
        if param.required:
            return Finding.at(
                node,
                f"'{prop.key}' is required by {canonical} and cannot be {value}: Olive 0.13.0 fails when the pass runs with "
                f"`{prop.key} is required and cannot be set to {value}`.",
            )
        return None
    if isinstance(value, dict) and value.get("olive_parameter_type") == "SearchParameter":
        return None
    error = lk.best_error(ctx.model, canonical, prop.key, value)
    if error is None:
        return None
    path = list(error.path)
    where = node_at_path(node, path) if path else node
    where = where or node
    schema = param.raw.get("type")
    if path:
        inner = prop.key + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
        if error.keyword == "required":
            message = f"Bad value in '{inner}' of {canonical}: {error.message}."
        else:
            message = f"'{inner}' of {canonical} should be {describe(error.schema)}, not {_show(error.instance)}."
    else:
        message = f"{_show(value)} is not valid for '{prop.key}' of {canonical}: it should be {describe(schema)}."
    suggestions: list = []
    if prop.key == "precision" and isinstance(value, str):
        supported = [p for p in spec.precisions if p != "*"] or sorted(lk.precisions)
        _, suggestions = did_you_mean(value, supported)
        suggestions = suggestions or supported
    elif isinstance(value, str) and isinstance(error.schema, dict) and "enum" in error.schema:
        _, suggestions = did_you_mean(value, [str(v) for v in error.schema["enum"]])
    message += " Olive 0.13.0 accepts the config, then fails when the pass runs (`1 validation error for " f"{canonical}Config`)."
    return Finding.at(where, message, fix={"title": "Replace with", "replace_value": suggestions} if suggestions else None)


def _show(value) -> str:
    text = repr(value) if not isinstance(value, bool) else str(value).lower()
    return text if len(text) <= 60 else text[:57] + "..."


def _model_flow(ctx: RuleContext):
    """Walk the passes in order, tracking the model format; yield (entry, canonical, kind_before)."""
    return model_flow(ctx, input_kind(ctx), core_kind_after)


def input_kind(ctx: RuleContext, kinds: dict[str, str] = MODEL_KINDS) -> str | None:
    """The kind of the input model by its type (a family that follows more model types gives its own table)."""
    model = ctx.view.input_model
    name = model.type_name.lower() if model is not None and isinstance(model.type_name, str) else ""
    return kinds.get(name)


def model_flow(ctx: RuleContext, kind: str | None, kind_after):
    """(entry, canonical, kind of the model it gets) in pass order while the kind is known. Alternatives of one pass
    (a list under one name) share the kind before them, and the kind after them only when they agree.
    kind_after(ctx, entry, canonical, kind) is the kind a pass returns (None: not followed); a family that follows
    more passes (OpenVINO, the vendor SDKs) gives its own and falls back to core_kind_after. The flow is followed
    once per view, input kind and kind_after; a restricted view (rules/incremental.py) gets the entries it lists,
    with the kinds the whole flow gives them."""
    view = ctx.view
    flow = view.whole.derived(("model_flow", kind, kind_after), lambda whole: list(_follow(ctx, whole.passes, kind, kind_after)))
    if view.whole is view:
        return iter(flow)
    asked = {id(entry) for entry in view.passes}
    return (step for step in flow if id(step[0]) in asked)


def _follow(ctx: RuleContext, passes: list[PassEntry], kind: str | None, kind_after):
    groups: list[list[PassEntry]] = []
    for entry in passes:
        if groups and groups[-1][0].name_node is entry.name_node and entry.alternative is not None:
            groups[-1].append(entry)
        else:
            groups.append([entry])
    for group in groups:
        if kind is None:
            return
        kinds_after = set()
        for entry in group:
            canonical = ctx.model.canonical_pass_name(entry.type_name or "")
            yield entry, canonical, kind
            kinds_after.add(kind_after(ctx, entry, canonical, kind))
        kind = kinds_after.pop() if len(kinds_after) == 1 else None


def core_kind_after(ctx: RuleContext, entry, canonical: str | None, kind: str) -> str | None:
    """What a conversion, ONNX or PyTorch pass returns; OpenVINO, QNN, QAIRT, Quark, diffusers: not followed."""
    spec = ctx.model.passes.get(canonical) if canonical else None
    if spec is None:
        return None
    if canonical == "ModelBuilder" or canonical in CONVERTERS:
        return "onnx"
    if spec.is_onnx:
        return "onnx" if kind == "onnx" else None
    if spec.is_pytorch and kind in ("hf", "pytorch"):
        return kind
    return None


@rule("OLV305", "onnx-pass-before-conversion", "An ONNX pass gets a model that no earlier pass has converted to ONNX.", ERROR, scope="entry")
def onnx_pass_before_conversion(ctx: RuleContext):
    model = ctx.view.input_model
    for entry, canonical, kind in _model_flow(ctx):
        spec = ctx.model.passes[canonical] if canonical else None
        if spec is None or not spec.is_onnx or canonical in CONVERTERS or kind not in ("hf", "pytorch", "diffusers"):
            continue
        if entry.type_node is None:
            continue
        yield Finding.at(
            entry.type_node,
            f"{canonical} works on ONNX models, but the model reaching it is the input {model.type_name}: no pass before it "
            "converts it to ONNX (ModelBuilder, OnnxConversion, OptimumConversion or MobiusBuilder). Olive 0.13.0 accepts "
            "the config, then the pass fails on the model (for a model folder: `IsADirectoryError: [Errno 21] Is a "
            "directory`) and Olive logs `No output model produced.` Add a conversion pass before it.",
        )
        return  # Olive stops at the first failing pass


@rule("OLV306", "model-builder-input", "ModelBuilder gets a model other than an HfModel (or an ONNXModel with metadata_only).", ERROR, scope="entry")
def model_builder_input(ctx: RuleContext):
    for entry, canonical, kind in _model_flow(ctx):
        if canonical != "ModelBuilder" or entry.type_node is None or kind is None:
            continue
        metadata = entry.params.get("metadata_only")
        metadata_only = metadata is not None and metadata.value is not None and metadata.value.to_python() is True
        if metadata_only and kind != "onnx":
            yield Finding.at(
                metadata.value,
                "metadata_only: true makes ModelBuilder write only genai_config.json for an existing ONNX model, but the model "
                "reaching it is not ONNX. Olive 0.13.0 fails when the pass runs: `metadata_only option is available only "
                "with ONNXModel as input.`",
                fix={"title": "Replace with", "replace_value": [False]},
            )
        elif not metadata_only and kind != "hf":
            what = {"onnx": "an ONNX model", "pytorch": "a PyTorchModel", "diffusers": "a DiffusersModel"}.get(kind, "another kind of model")
            yield Finding.at(
                entry.type_node,
                f"ModelBuilder builds from a Hugging Face model, but the model reaching it is {what}. Olive 0.13.0 fails when "
                "the pass runs: `model building is available only with HfModel as input.` Use an HfModel input, or set "
                "metadata_only: true to only add genai_config.json to an ONNX model.",
            )


@rule("OLV307", "param-flat-and-nested", "A pass parameter given both next to type and under config: Olive drops the flat one.", WARNING, scope="entry")
def param_flat_and_nested(ctx: RuleContext):
    for entry in ctx.view.passes:
        nested = entry.node.get("config") if entry.node.is_object else None
        if nested is None or not nested.is_object:
            continue
        nested_keys = {p.key: p for p in nested.properties}
        for prop in entry.node.properties:
            if prop.key in PASS_DECLARED_KEYS or prop.key not in nested_keys:
                continue
            inner = nested_keys[prop.key]
            same = prop.value is not None and inner.value is not None and prop.value.to_python() == inner.value.to_python()
            yield Finding.at(
                prop,
                f"'{prop.key}' is given both here and under 'config'{' (same value)' if same else ' with a different value'}. Olive "
                f"0.13.0 keeps the one under 'config' and drops this one: `field '{prop.key}' is already defined in 'config'. "
                "Ignoring.`",
                fix={"title": f"Remove this '{prop.key}'", "delete_property": True},
            )


@rule("OLV308", "searchable-without-search", "SEARCHABLE_VALUES in a pass while search is off: Olive rejects the config.", ERROR)
def searchable_without_search(ctx: RuleContext):
    if search_enabled(ctx.view):
        return
    for entry in ctx.view.passes:
        props = [p for p in _given_params(entry) if p.value is not None and _str(p.value) == "SEARCHABLE_VALUES"]
        if not props:
            continue
        names = "{" + ", ".join(repr(p.key) for p in props) + "}"
        for prop in props:
            yield Finding.at(
                prop.value,
                f"SEARCHABLE_VALUES asks the search for values of '{prop.key}', but search is off (no search_strategy). Olive "
                f"0.13.0 rejects the config: `You cannot disable search for {(entry.type_name or '').lower()} and set {names} to "
                "SEARCHABLE_VALUES at the same time.` Give a value, or add a search_strategy with a sampler and an evaluator.",
            )


@rule("OLV309", "passes-not-object", "passes is a list: Olive expects an object of named passes.", ERROR)
def passes_not_object(ctx: RuleContext):
    prop = ctx.view.root.prop("passes")
    if prop is None or prop.value is None or not prop.value.is_array:
        return
    items = prop.value.items
    olive_like = bool(items) and all(item.is_object and item.get("type") is not None for item in items)
    extra = (
        ' Name each pass: "passes": {"name": {"type": ...}, ...}.'
        if olive_like
        else " (If this file is not an Olive workflow config, olive-ls only checks it as one because it has a 'passes' key.)"
    )
    yield Finding.at(
        prop.value,
        "Olive 0.13.0 expects 'passes' to be an object mapping pass names to pass configs; with a list it crashes while "
        f"reading the config: `'list' object has no attribute 'items'`.{extra}",
    )
