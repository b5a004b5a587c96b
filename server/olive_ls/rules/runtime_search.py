"""Search at run time (OLV480-OLV489): SEARCHABLE_VALUES on a parameter without search values, and a conditional
search parameter whose fixed parents leave it no valid choice, a Conditional search parameter written in a config. Rows
P002, P004 and P005 of docs/olive-runtime-checks.md.

What search resolves each parameter to (its search_defaults, its conditional default) is generated from Olive's pass
configs into pass-behaviour.json (catalog/pass_behaviour_generate.py: search); the resolution below follows
Pass.get_config_params (olive_pass.py:102-123, 370-447) and Conditional.condition (search/search_parameter.py).
"""

from __future__ import annotations

from typing import Any

from olive_ls.model.pass_behaviour import pass_behaviour
from olive_ls.rules.registry import ERROR, WARNING, Finding, RuleContext, rule
from olive_ls.rules.runtime_common import search_on
from olive_ls.rules.runtime_helpers import UNSET, entries, node_of, search_enabled, show, target

INVALID = "OLIVE_INVALID_PARAM_VALUE"
IGNORED = "OLIVE_IGNORED_PARAM_VALUE"
UNKNOWN = object()  # a value olive-ls cannot tell (a list Olive may turn into a Categorical, a half-typed value)


def _provider(ctx: RuleContext) -> str | None:
    spec = ctx.memo("runtime_search.target", target)
    return spec.ep if spec is not None else None


@rule("OLV480", "searchable-without-search-defaults", "SEARCHABLE_VALUES on a parameter that has no search values: Olive uses its default.", WARNING, scope="entry")
def searchable_without_search_defaults(ctx: RuleContext):
    """With search on, Pass._resolve_defaults replaces SEARCHABLE_VALUES by the parameter's search_defaults; a
    parameter without them gets its default value instead, with the warning `Parameter X does not have searchable
    values. Using default value instead.` (olive_pass.py:370-380). So nothing is searched for it. (With search off
    Olive rejects SEARCHABLE_VALUES altogether: OLV308.)"""
    if not search_enabled(ctx.view):
        return
    behaviour = pass_behaviour(ctx.model)
    for entry, canonical in entries(ctx):
        searchable = behaviour.searchable_parameters(canonical, _provider(ctx))
        spec = ctx.model.pass_spec(canonical)
        if searchable is None or spec is None:
            continue
        for key, prop in entry.params.items():
            param = spec.parameters.get(key)
            if prop.value is None or prop.value.kind != "string" or prop.value.value != "SEARCHABLE_VALUES":
                continue
            if param is None or param.required or key in searchable:
                continue
            default = param.default
            fix = {"title": "Replace with", "replace_value": [default]} if default is not None and not param.raw.get("default_note") else None
            yield Finding.at(
                prop.value,
                f"Olive will not search '{key}': {canonical} gives it no search values, so it uses the default ({show(default)}).",
                detail=(
                    f"olive_pass.py:370-380 logs `Parameter {key} does not have searchable values. Using default value instead.` "
                    "Give the values to search as a list, or a value."
                ),
                fix=fix,
            )


# --- P004: the resolution of conditional search parameters --------------------------------------------------


def _condition(cond: dict, fixed: dict[str, Any]) -> dict:
    """Conditional.condition (search_parameter.py): fix some parents, get the child search parameter (encoded)."""
    parents, support, default = list(cond["parents"]), [(tuple(k), v) for k, v in cond["support"]], cond["default"]
    fixed = dict(fixed)
    if len(parents) == 1:
        return next((v for k, v in support if k == (fixed[parents[0]],)), default)
    index = next(i for i, p in enumerate(parents) if p in fixed)
    value = fixed.pop(parents[index])
    narrowed = [(k[:index] + k[index + 1 :], v) for k, v in support if k[index] == value]
    if not narrowed:
        return default
    new = {"conditional": {"parents": parents[:index] + parents[index + 1 :], "support": [[list(k), v] for k, v in narrowed], "default": default}}
    return _condition(new["conditional"], fixed) if fixed else new


def _resolve(enc: dict, fixed: dict[str, Any]) -> Any:
    """The value _resolve_search_parameter gives (a plain value), or the search parameter left to search (a dict)."""
    if "conditional" in enc:
        cond = enc["conditional"]
        known = {p: fixed[p] for p in cond["parents"] if p in fixed}
        enc = _condition(cond, known) if known else enc
    choices = enc.get("categorical")
    return choices[0] if isinstance(choices, list) and len(choices) == 1 else enc


def _given(entry, key: str):
    prop = entry.params.get(key)
    if prop is None or prop.value is None:
        return None
    try:
        return prop.value.to_python()
    except Exception:  # noqa: BLE001 - a half-typed tree
        return UNKNOWN


def _catalog_default(param) -> Any:
    return UNKNOWN if param.raw.get("default_note") else param.default


def _start_values(entry, spec, table: dict) -> dict[str, Any]:
    """Each parameter as the config class gives it under search (create_config_class: search_defaults as the default)
    after _identify_search_values and _resolve_defaults: a plain value, an encoded search parameter, or UNKNOWN."""
    values = {}
    for key, param in spec.parameters.items():
        row = table.get(key) or {}
        default = row.get("default", _catalog_default(param))
        given = _given(entry, key)
        if given is None and entry.params.get(key) is None:
            values[key] = UNKNOWN if param.required else row.get("search", default)
        elif given == "DEFAULT_VALUE":
            values[key] = default
        elif given == "SEARCHABLE_VALUES":
            values[key] = row.get("search", default)
        elif isinstance(given, dict) and given.get("olive_parameter_type") == "SearchParameter":
            values[key] = UNKNOWN
        elif isinstance(given, list) and "search" in row:
            values[key] = UNKNOWN  # _identify_search_values may make it a Categorical
        elif isinstance(given, str) and param.enum and given not in param.enum:
            values[key] = UNKNOWN  # the config fails validation first (OLV304 says so)
        else:
            values[key] = given
    return values


def _parents(value) -> list[str]:
    return list(value["conditional"]["parents"]) if isinstance(value, dict) and "conditional" in value else []


def resolve_search_space(values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """(resolved values, the order they were resolved in), parents before children as order_search_parameters:
    a fixed value stays, a search parameter is conditioned on its fixed parents, UNKNOWN spreads to children."""
    resolved: dict[str, Any] = {}
    order: list[str] = []
    pending = dict(values)
    while pending:
        ready = [k for k, v in pending.items() if all(p in resolved for p in _parents(v) if p in values)]
        if not ready:
            break  # a cycle (Olive asserts `Search space is cyclic.`) or a parent that is no parameter
        for key in ready:
            value = pending.pop(key)
            parents = _parents(value)
            if any(p not in values or resolved[p] is UNKNOWN for p in parents):
                resolved[key] = UNKNOWN
            elif isinstance(value, dict) and ("conditional" in value or "categorical" in value):
                fixed = {p: resolved[p] for p in parents if not isinstance(resolved[p], dict)}
                resolved[key] = _resolve(value, fixed)
            else:
                resolved[key] = value
            order.append(key)
    return resolved, order


def _valid(result) -> bool:
    if isinstance(result, dict) and "conditional" in result:
        return True
    choices = result.get("categorical") if isinstance(result, dict) else [result]
    return any(c not in (INVALID, IGNORED) for c in choices or ())


def _alternatives(cond: dict, parent: str, fixed: dict[str, Any]) -> list:
    """The other values of this parent (in the Conditional's support) that leave the child a real choice."""
    index = cond["parents"].index(parent)
    seen = []
    for key, _ in cond["support"]:
        alt = key[index]
        if alt != fixed[parent] and alt not in seen and _valid(_condition(cond, {**fixed, parent: alt})):
            seen.append(alt)
    return seen


def _invalid_parameter(entry, spec, table):
    """(parameter, its search parameter, the fixed parents) of the first parameter that resolves to INVALID."""
    values = _start_values(entry, spec, table)
    resolved, order = resolve_search_space(values)
    for key in order:
        if resolved[key] == INVALID and values[key] != INVALID:
            cond = values[key].get("conditional") if isinstance(values[key], dict) else None
            fixed = {p: resolved[p] for p in (cond or {}).get("parents", ()) if not isinstance(resolved[p], dict)}
            return key, cond, fixed
    return None


@rule("OLV481", "search-parameter-invalid", "Under search, fixed parent values leave a conditional search parameter no valid choice.", ERROR, scope="entry")
def search_parameter_invalid(ctx: RuleContext):
    """With search on, a parameter left out takes its search_defaults; a Conditional one is conditioned on the
    parents the config fixes (Pass._init_fixed_and_search_params, olive_pass.py:400-430). When those parents select
    the INVALID choice (e.g. OnnxStaticQuantization quant_format QOperator with precision int8 for activation_type),
    Olive raises `Invalid value for parameter '...'. Either the parameter or its parents are not fixed.` while
    building the search space, before any pass runs (engine.py:345-352)."""
    if not search_on(ctx):
        return
    behaviour = pass_behaviour(ctx.model)
    provider = _provider(ctx)
    # The verdict is a function of the pass type, the EP and the values the pass gives: kept by how they are written,
    # so a config with a thousand passes resolves each search space once, and a keystroke resolves one again.
    verdicts = ctx.model.derived("rules.runtime_search.verdicts", lambda _model: {})
    for entry, canonical in entries(ctx):
        written = (canonical, provider, tuple((k, p.value.written() if p.value is not None else None) for k, p in entry.params.items()))
        found = verdicts.get(written, UNSET)
        if found is UNSET:
            table, spec = behaviour.search_table(canonical, provider), ctx.model.pass_spec(canonical)
            found = _invalid_parameter(entry, spec, table) if table and spec is not None else None
            if len(verdicts) > 4096:  # passes typed half-way pile up in a long session
                verdicts.clear()
            verdicts[written] = found
        if found is None:
            continue
        key, cond, fixed = found
        combo = ", ".join(f"{p} {show(v)}" for p, v in fixed.items()) or "these values"
        node, fix, others = node_of(entry), None, ""
        for parent in (cond or {}).get("parents", ()):
            prop = entry.params.get(parent)
            alternatives = _alternatives(cond, parent, fixed) if parent in fixed else []
            if prop is not None and prop.value is not None and alternatives:
                node, others = prop.value, f" Use {parent} {' or '.join(show(a) for a in alternatives)}, or give '{key}' a value."
                fix = {"title": "Replace with", "replace_value": alternatives}
                break
        headline = f"Olive raises ValueError under search: '{key}' has no valid value with {combo}."
        if len(headline) > 120:
            headline = f"Olive raises ValueError under search: {canonical}'s '{key}' has no valid value with these values."
        yield Finding.at(
            node,
            headline,
            detail=(
                f"'{key}' is not fixed, so search takes its search_defaults, a Conditional on {', '.join((cond or {}).get('parents', ()))}; "
                f"with {combo} it resolves to INVALID and olive_pass.py:412-419 raises `Invalid value for parameter '{key}'. Either "
                f"the parameter or its parents are not fixed.` while the search space is built, before any pass runs.{others}"
            ),
            fix=fix,
        )


# --- P005: a Conditional written in a config ----------------------------------------------------------------

CONDITIONAL_TYPES = ("Conditional", "ConditionalDefault")


def _written_conditionals(ctx: RuleContext):
    """(entry, canonical, parameter key, the search parameter's node) of each Conditional a pass config writes."""
    for entry, canonical in entries(ctx):
        spec = ctx.model.pass_spec(canonical)
        for key, prop in entry.params.items():
            node = prop.value
            if spec is None or key not in spec.parameters or node is None or not node.is_object:
                continue
            kind, marker = node.get("type"), node.get("olive_parameter_type")
            if marker is not None and marker.value == "SearchParameter" and kind is not None and kind.value in CONDITIONAL_TYPES:
                yield entry, canonical, key, node


@rule("OLV413", "search-conditional-written", "A Conditional search parameter written in a config: Olive cannot build it.", ERROR, scope="entry")
def search_conditional_written(ctx: RuleContext):
    """The pass config's validator turns a `{"olive_parameter_type": "SearchParameter", ...}` value into a search
    parameter (pass_config.py:110-115, json_to_search_parameter), with search on or off. A Conditional (or
    ConditionalDefault) gets its `parents` as a JSON/YAML list, and Conditional.__init__ asserts `parents must be a
    tuple` (search/search_parameter.py:124): the pass config fails validation and `olive run` stops. So only the
    built-in passes' own conditionals (tuples, in Python) reach the search space, and Olive's `Search space is cyclic.`
    (olive_pass.py:430) cannot be reached from a config."""
    for _entry, canonical, key, node in _written_conditionals(ctx):
        parents = node.prop("parents")
        where = parents.value if parents is not None and parents.value is not None else node.get("type")
        failure = "`parents must be a tuple`" if parents is not None else "a KeyError"
        yield Finding.at(
            where,
            f"Olive raises validating {canonical}: a Conditional written in a config fails ({failure}).",
            detail=(
                f"'{key}' is a {node.get('type').value} search parameter. json_to_search_parameter (search/search_parameter.py:"
                "292-310) builds it from the written value, and Conditional.__init__ asserts `parents must be a tuple` "
                "(search_parameter.py:124), which a JSON or YAML list never is; the assertion becomes a ValidationError of the "
                "pass config, before any pass runs. Write the values to search as a Categorical "
                '(`{"olive_parameter_type": "SearchParameter", "type": "Categorical", "support": [...]}`) or a list.'
            ),
        )
