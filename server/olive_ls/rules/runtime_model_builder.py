"""ModelBuilder at run time (OLV320-OLV329, OLV590-OLV591): what onnxruntime-genai's builder does with the values
Olive hands it, what genai does with the search section it writes, and MobiusBuilder's EP.

Olive's ModelBuilder (olive/passes/onnx/model_builder.py) calls genai's `create_model` directly: every non-null
pass parameter except precision/metadata_only/search/extra_options becomes an extra option, then `extra_options`
overrides them, and none of it goes through genai's `parse_extra_options`/`check_extra_options` (the CLI's string
parsing and consistency checks). The genai facts (precisions, boolean keys, int4 algorithms, the keys it reads)
come from pass-behaviour.json, generated from the installed onnxruntime-genai; genai's search keys and mobius's EP
map from component-behaviour.json. Rows P012-P027, P035 and P119 of docs/olive-runtime-checks.md.
"""

from __future__ import annotations

from olive_ls.document.nodes import Property
from olive_ls.model.component_behaviour import component_behaviour
from olive_ls.model.pass_behaviour import pass_behaviour
from olive_ls.rules.registry import ERROR, WARNING, Finding, RuleContext, rule
from olive_ls.rules.runtime_helpers import entries, param, show, target
from olive_ls.suggest import did_you_mean, one_of

NOT_EXTRA = ("precision", "metadata_only", "search", "extra_options")
FALSY_STRINGS = frozenset({"false", "False", "FALSE", "0", "no", "No", "off", "Off", "n", "f", ""})


def _genai(ctx) -> str:
    version = pass_behaviour(ctx.model).genai_version()
    return f"onnxruntime-genai {version}" if version else "onnxruntime-genai"


def _extra_props(entry) -> dict[str, Property]:
    prop = entry.params.get("extra_options")
    if prop is None or prop.value is None or not prop.value.is_object:
        return {}
    return {p.key: p for p in prop.value.properties}


def _effective_options(entry) -> dict[str, tuple[object, Property, str]]:
    """key -> (value, property, "parameter" | "extra_options"): what genai's builder receives, as Olive merges it."""
    merged: dict[str, tuple[object, Property, str]] = {}
    for key, prop in entry.params.items():
        if key in NOT_EXTRA or prop.value is None:
            continue
        value = prop.value.to_python()
        if value is not None:
            merged[key] = (value, prop, "parameter")
    for key, prop in _extra_props(entry).items():
        if prop.value is not None:
            merged[key] = (prop.value.to_python(), prop, "extra_options")
    return merged


def _builders(ctx):
    for entry, canonical in entries(ctx, "ModelBuilder"):
        metadata = param(ctx, entry, canonical, "metadata_only").value
        yield entry, canonical, metadata is True


@rule("OLV320", "model-builder-genai-precision", "ModelBuilder precision that onnxruntime-genai's builder cannot build.", ERROR, scope="entry")
def model_builder_genai_precision(ctx: RuleContext):
    """Olive 0.13.0's ModelBuilder.validate_config accepts fp32, fp16, bf16, int8 and int4, but onnxruntime-genai
    0.14.1's `set_onnx_dtype` has no entry for int8: `create_model` raises `KeyError: 'int8'` and `olive run` fails
    (rc 1; under a search the point is dropped). The precisions genai builds are read from the installed builder."""
    behaviour = pass_behaviour(ctx.model)
    built = behaviour.genai_precisions()
    if not built:
        return
    for entry, canonical, metadata_only in _builders(ctx):
        value = param(ctx, entry, canonical, "precision")
        if metadata_only or not value.given or not isinstance(value.value, str):
            continue
        if value.value != "int8" or value.value in built:
            continue  # other precisions: OLV404 (pruned) or OLV304 (not a precision)
        yield Finding.at(
            value.node,
            f"Olive will fail in ModelBuilder: {_genai(ctx)} cannot build int8 (`KeyError: 'int8'`).",
            detail=(
                "Olive's ModelBuilder accepts int8, but onnxruntime-genai's builder maps only "
                f"{one_of(sorted(built))} to an ONNX type, so create_model raises `KeyError: 'int8'` and `olive run` fails. "
                "Use int4 (MatMulNBits, with int4_algo_config: 'rtn_last' or 'k_quant_mixed' for 8-bit lm_head), or fp32 "
                "and an OnnxStaticQuantization/OnnxDynamicQuantization pass after it for int8."
            ),
            fix={"title": "Replace with", "replace_value": ["int4", "fp32"]},
        )


@rule("OLV321", "model-builder-cpu-fallback", "ModelBuilder has no build for the target's EP: it builds a CPU model.", WARNING)
def model_builder_cpu_fallback(ctx: RuleContext):
    """ModelBuilder maps the target's execution provider to a genai EP with EP_MAP (CPU, CUDA, Dml, WebGpu, Js,
    NvTensorRTRTX); any other EP (QNN, OpenVINO, VitisAI, TensorRT, ROCm, MIGraphX) silently becomes "cpu":
    the model and its genai_config.json are built for the CPU provider."""
    behaviour = pass_behaviour(ctx.model)
    mapped = behaviour.genai_mapped_providers()
    if not mapped:
        return
    spec = None
    for entry, _canonical, metadata_only in _builders(ctx):
        if metadata_only or entry.type_node is None:
            continue
        spec = spec or target(ctx)
        if spec is None or not spec.ep or spec.ep in mapped:
            return
        later = [e for e in ctx.view.passes[ctx.view.passes.index(entry) + 1 :] if e.name_node is not entry.name_node]
        yield Finding.at(
            entry.type_node,
            severity="information" if later else None,
            message=f"ModelBuilder has no {spec.ep} build: Olive will silently build a CPU model (genai EP 'cpu').",
            detail=(
                f"The workflow builds for {spec.description}. ModelBuilder maps only {one_of(mapped)} to an "
                f"onnxruntime-genai execution provider (EP_MAP); for {spec.ep} it falls back to 'cpu' with no log line, so "
                "model.onnx and genai_config.json are made for the CPU provider. Target one of those providers, or add "
                "the EP-specific passes (e.g. QNN's static quantization and context binary) after a CPU/ONNX build."
                + (" Later passes may adapt the model for the EP." if later else "")
            ),
        )


@rule("OLV322", "model-builder-option-overridden", "A ModelBuilder parameter that extra_options overrides.", WARNING, scope="entry")
def model_builder_option_overridden(ctx: RuleContext):
    """Olive passes the pass parameters to genai as extra options, then updates them with `extra_options`
    (model_builder.py:260-270): a key given in both keeps the extra_options value, with no log line."""
    for entry, _canonical, _metadata_only in _builders(ctx):
        extra = _extra_props(entry)
        for key, prop in entry.params.items():
            if key in NOT_EXTRA or key not in extra or prop.value is None or extra[key].value is None:
                continue
            mine, theirs = prop.value.to_python(), extra[key].value.to_python()
            if mine is None or mine == theirs:
                continue
            yield Finding.at(
                prop,
                f"Olive will ignore {key}: {show(mine)}; extra_options.{key} ({show(theirs)}) overrides it.",
                detail=(
                    "ModelBuilder merges its parameters into the builder's extra options and then applies extra_options "
                    "on top, silently. Keep the key in one place."
                ),
                fix={"title": f"Remove this '{key}'", "delete_property": True},
            )


@rule("OLV323", "model-builder-option-unparsed", "An extra option genai reads as-is: a string where it wants a boolean or a list.", WARNING, scope="entry")
def model_builder_option_unparsed(ctx: RuleContext):
    """Olive never calls genai's `check_extra_options`, which turns the CLI's strings into values: through Olive a
    string "false" for a boolean option is a non-empty string, i.e. true; "MatMul/Gather" or "a,b" for
    int4_op_types_to_quantize / int4_nodes_to_exclude are used as raw strings (a set of characters, a substring
    test)."""
    behaviour = pass_behaviour(ctx.model)
    bools, splits = behaviour.genai_bool_options(), behaviour.genai_split_options()
    if not bools:
        return
    for entry, _canonical, _metadata_only in _builders(ctx):
        for key, prop in _extra_props(entry).items():
            node = prop.value
            if node is None:
                continue
            value = node.to_python()
            if key in bools and isinstance(value, str):
                falsy = value.strip() in FALSY_STRINGS or value.strip().lower() in {"false", "no", "off"}
                if falsy:
                    yield Finding.at(
                        node,
                        f"onnxruntime-genai will treat extra_options.{key}: {show(value)} as true: a non-empty string is truthy.",
                        detail=(
                            "Olive hands extra_options to genai's create_model unparsed (genai's CLI converts 'false' to False, "
                            "Olive does not), so the builder's `if extra_options.get(...)` sees a true value. Use a JSON boolean."
                        ),
                        fix={"title": "Replace with", "replace_value": [False]},
                    )
                elif value.strip() in {"true", "True", "TRUE", "1", "yes", "on"}:
                    yield Finding.at(
                        node,
                        f"extra_options.{key} is the string {show(value)}: it works only because any non-empty string is true.",
                        severity="information",
                        detail="Olive does not parse extra_options; a JSON boolean says what is meant, and 'false' would not work.",
                        fix={"title": "Replace with", "replace_value": [True]},
                    )
            elif key in splits and isinstance(value, str):
                sep = "/" if key == "int4_op_types_to_quantize" else ","
                parts = [p.strip() for p in value.split(sep) if p.strip()]
                yield Finding.at(
                    node,
                    f"onnxruntime-genai will use extra_options.{key} as the raw string {show(value)}, not as a list.",
                    detail=(
                        f"genai's CLI splits this option on '{sep}'; Olive passes it unparsed, so the quantizer tests names "
                        "against the characters or substrings of the string. Give a JSON list."
                    ),
                    fix={"title": "Replace with", "replace_value": [parts]},
                )


@rule("OLV329", "model-builder-hf-token-type", "extra_options.hf_token that is not a string: ModelBuilder crashes.", ERROR, scope="entry")
def model_builder_hf_token_type(ctx: RuleContext):
    """genai's create_model calls `parse_hf_token(extra_options.get("hf_token", "true"))`, which calls `.lower()`:
    a JSON boolean or number raises AttributeError (genai's CLI always passes strings)."""
    for entry, _canonical, _metadata_only in _builders(ctx):
        prop = _extra_props(entry).get("hf_token")
        if prop is None or prop.value is None or prop.value.kind in ("string", "null"):
            continue
        value = prop.value.to_python()
        yield Finding.at(
            prop.value,
            f"Olive will fail in ModelBuilder: extra_options.hf_token must be a string (`'{type(value).__name__}' object "
            "has no attribute 'lower'`).",
            detail="genai's parse_hf_token calls .lower() on the value. Use \"true\" (the token from the environment), \"false\", or the token.",
            fix={"title": "Replace with", "replace_value": [str(value).lower() if isinstance(value, bool) else str(value)]},
        )


@rule("OLV324", "model-builder-options-conflict", "ModelBuilder options that cancel each other or do nothing for the target.", WARNING, scope="entry")
def model_builder_options_conflict(ctx: RuleContext):
    """genai's CLI rejects exclude_lm_head together with include_hidden_states and disables enable_webgpu_graph off
    WebGPU; through Olive neither check runs: with exclude_lm_head the builder deletes the logits, so
    include_hidden_states and prune_lm_head have no effect, and enable_webgpu_graph changes the graph for another EP."""
    behaviour = pass_behaviour(ctx.model)
    spec = None
    for entry, _canonical, _metadata_only in _builders(ctx):
        options = _effective_options(entry)
        exclude = options.get("exclude_lm_head")
        if exclude is not None and exclude[0] is True:
            for other in ("include_hidden_states", "prune_lm_head"):
                found = options.get(other)
                if found is not None and found[0] is True:
                    yield Finding.at(
                        found[1],
                        f"Olive will build without logits: exclude_lm_head removes the lm_head, so {other} has no effect.",
                        detail=(
                            "genai's CLI refuses exclude_lm_head with include_hidden_states ('cannot be used together'); Olive "
                            "calls the builder directly, which keeps hidden_states and deletes logits. Drop one of them: "
                            "include_hidden_states alone outputs both logits and hidden_states."
                        ),
                        fix={"title": f"Remove '{other}'", "delete_property": True},
                    )
        webgpu = options.get("enable_webgpu_graph")
        if webgpu is not None and webgpu[0] is True:
            spec = spec or target(ctx)
            ep = behaviour.genai_ep(spec.ep) if spec is not None else None
            if ep is not None and ep != "webgpu":
                yield Finding.at(
                    webgpu[1],
                    f"enable_webgpu_graph is for the WebGPU EP; Olive will still apply it to this {ep} build.",
                    detail=(
                        f"The workflow builds for {spec.description}. genai's CLI disables enable_webgpu_graph off WebGPU; through "
                        "Olive the flag reaches the builder and changes the attention-mask/position-ids graph."
                    ),
                    fix={"title": "Remove 'enable_webgpu_graph'", "delete_property": True},
                )


@rule("OLV325", "model-builder-int4-algo", "An int4_algo_config onnxruntime-genai does not know: it quantizes with the default RTN.", WARNING, scope="entry")
def model_builder_int4_algo(ctx: RuleContext):
    """genai's make_int4_algo_config knows a fixed list of algorithm names; any other name gives no algorithm config
    and the default RTN quantizer, silently."""
    known = pass_behaviour(ctx.model).genai_int4_algo_configs()
    if not known:
        return
    for entry, _canonical, _metadata_only in _builders(ctx):
        found = _effective_options(entry).get("int4_algo_config")
        if found is None or not isinstance(found[0], str) or found[0] in known:
            continue
        hint, suggestions = did_you_mean(found[0], known)
        yield Finding.at(
            found[1].value,
            f"onnxruntime-genai knows no int4_algo_config {show(found[0])}: it will quantize with the default RTN.",
            detail=(hint.strip() + " ") * bool(hint) + f"{_genai(ctx)} knows {one_of(known)}; any other name is ignored without a message.",
            fix={"title": "Replace with", "replace_value": suggestions or [k for k in known if k != "default"]},
        )


@rule("OLV326", "model-builder-int4-option-unused", "An int4_* option while ModelBuilder's precision is not int4: ignored.", WARNING, scope="entry")
def model_builder_int4_option_unused(ctx: RuleContext):
    """genai reads the int4_* options (block size, accuracy level, symmetry, algorithm, op types, nodes to exclude)
    only when it quantizes the weights to int4."""
    for entry, canonical, metadata_only in _builders(ctx):
        precision = param(ctx, entry, canonical, "precision").value
        if metadata_only or not isinstance(precision, str) or precision == "int4":
            continue
        for key, (value, prop, _source) in _effective_options(entry).items():
            if not key.startswith("int4_") or value is None:
                continue
            yield Finding.at(
                prop,
                f"Olive will ignore {key}: onnxruntime-genai reads the int4_* options only for precision int4, not {precision}.",
                detail="Remove it, or build with precision int4.",
                fix={"title": f"Remove '{key}'", "delete_property": True},
            )


@rule("OLV327", "model-builder-unknown-extra-option", "An extra option onnxruntime-genai's builder never reads.", WARNING, scope="entry")
def model_builder_unknown_extra_option(ctx: RuleContext):
    """Every key of `extra_options` is handed to genai's builder; a key it never reads (a typo, a CLI-only flag, an
    option of another genai version) is ignored without a message. The keys genai reads are collected from the
    installed builder's source."""
    read = pass_behaviour(ctx.model).genai_extra_options()
    if not read:
        return
    for entry, _canonical, _metadata_only in _builders(ctx):
        for key, prop in _extra_props(entry).items():
            if key in read:
                continue
            hint, suggestions = did_you_mean(key, sorted(read))
            yield Finding.at(
                prop,
                f"onnxruntime-genai's builder reads no extra option '{key}': Olive will pass it and it is ignored.",
                detail=(hint.strip() + " ") * bool(hint) + f"{_genai(ctx)} reads {one_of(sorted(read), limit=30)}.",
                fix={"title": "Replace with", "replace_key": suggestions} if suggestions else None,
            )


@rule("OLV328", "model-builder-test-model-path", "input_model.test_model_config without test_model_path: ModelBuilder fails.", ERROR)
def model_builder_test_model_path(ctx: RuleContext):
    """ModelBuilder builds from the test model when the HfModel has test_model_config, and raises ValueError
    `ModelBuilder requires test_model_path to be set when test_model_config is provided.` without test_model_path."""
    model = ctx.view.input_model
    if model is None:
        return
    config = model.params.get("test_model_config")
    if config is None or config.value is None or config.value.kind == "null" or model.params.get("test_model_path") is not None:
        return
    if not any(not metadata_only for _e, _c, metadata_only in _builders(ctx)):
        return
    path = model.node.path() + (["config"] if model.node.get("config") is not None and model.node.get("config").is_object else [])
    yield Finding.at(
        config,
        "Olive will fail in ModelBuilder: test_model_config needs test_model_path (`ModelBuilder requires test_model_path`).",
        detail="ModelBuilder builds the test model from test_model_config and saves it at test_model_path, which must be given.",
        fix={"title": "Add 'test_model_path'", "add_keys": ["test_model_path"], "object_path": path, "values": {"test_model_path": "test_model"}},
    )


@rule("OLV590", "model-builder-search-key", "A ModelBuilder search key onnxruntime-genai's genai_config.json parser rejects.", WARNING, scope="entry")
def model_builder_search_key(ctx: RuleContext):
    """ModelBuilder merges `search` into genai_config.json's search section unchecked (model_builder.py:319): the
    model builds, and onnxruntime-genai then refuses to load it, `RuntimeError: ... JSON Error: search: Unknown value
    "<key>"`. The accepted keys were probed with the installed onnxruntime-genai's own parser."""
    behaviour = component_behaviour(ctx.model)
    known = behaviour.genai_search_keys if behaviour is not None else ()
    if not known:
        return
    for entry, canonical in entries(ctx, "ModelBuilder"):
        prop = entry.params.get("search")
        if prop is None or prop.value is None or not prop.value.is_object:
            continue
        for key_prop in prop.value.properties:
            if key_prop.key in known:
                continue
            hint, suggestions = did_you_mean(key_prop.key, known)
            yield Finding.at(
                key_prop,
                f"onnxruntime-genai will not load the built model: its genai_config.json has no search key '{key_prop.key}'.{hint}",
                detail=(
                    f"model_builder.py:319 writes '{key_prop.key}' into genai_config.json's search section as it is, and "
                    f"onnxruntime-genai {behaviour.genai_version} raises RuntimeError `JSON Error: search: Unknown value "
                    f"\"{key_prop.key}\"` when it loads the model. Its search keys: {one_of(list(known), limit=30)}."
                ),
                fix={"title": "Rename to", "replace_key": suggestions} if suggestions else {"title": f"Remove '{key_prop.key}'", "delete_property": True},
            )


@rule("OLV591", "mobius-builder-default-ep", "MobiusBuilder for an EP mobius has no build for: it builds for mobius's default EP.", WARNING, scope="entry")
def mobius_builder_default_ep(ctx: RuleContext):
    """MobiusBuilder maps the target EP with EXECUTION_PROVIDER_TO_MOBIUS_EP (olive/hardware/constants.py:40-51); an
    EP outside it, or one mapped to 'default' (OpenVINO), builds for mobius's default EP with the warning `execution
    provider ... is not explicitly supported; falling back to mobius default EP.` (mobius_model_builder.py:112-120)."""
    behaviour = component_behaviour(ctx.model)
    mapping = behaviour.mobius_ep_map if behaviour is not None else {}
    spec = target(ctx) if mapping else None
    if spec is None or not spec.ep or mapping.get(spec.ep, "default") != "default":
        return
    for entry, _canonical in entries(ctx, "MobiusBuilder"):
        if entry.type_node is None:
            continue
        mapped = sorted(ep for ep, name in mapping.items() if name != "default")
        yield Finding.at(
            entry.type_node,
            f"Olive will build MobiusBuilder's model for mobius's default EP: {spec.ep} has no mobius EP.",
            detail=(
                "mobius_model_builder.py:112-120 logs `MobiusBuilder: execution provider ... is not explicitly supported; "
                f"falling back to mobius default EP.` The EPs mobius builds for: {', '.join(mapped)}."
            ),
        )


def _genai_confirmed(ctx: RuleContext) -> bool:
    """Whether the Python that runs Olive has the onnxruntime-genai whose builder the facts were read from."""
    env, version = ctx.environment, pass_behaviour(ctx.model).genai_version()
    if env is None or getattr(env, "error", None) or not version:
        return False
    return any(env.version(name) == version for name in env.genai_packages())


@rule("OLV414", "model-builder-use-qdq-forced", "use_qdq false for NvTensorRTRTX: onnxruntime-genai's builder forces use_qdq true.", WARNING, scope="entry")
def model_builder_use_qdq_forced(ctx: RuleContext):
    """ModelBuilder maps NvTensorRTRTXExecutionProvider to genai's "NvTensorRtRtx" (model_builder.py:60), and genai's
    create_model then sets `extra_options["use_qdq"] = True` whatever it was (onnxruntime_genai builder.py:184-186):
    a use_qdq false (the parameter or extra_options) is overridden, with no message. Left unset it is genai's design,
    no finding."""
    spec = None
    for entry, _canonical, metadata_only in _builders(ctx):
        found = _effective_options(entry).get("use_qdq")
        if metadata_only or found is None or found[0] is not False:
            continue
        spec = spec or target(ctx)
        if spec is None or spec.ep != "NvTensorRTRTXExecutionProvider":
            return
        yield Finding.at(
            found[1].value,
            "Olive will build with use_qdq true: onnxruntime-genai forces QDQ for NvTensorRTRTX, so this false is ignored.",
            detail=(
                f"The workflow builds for {spec.description}. {_genai(ctx)}'s create_model (builder.py:184-186) sets "
                "use_qdq True for the NvTensorRtRtx EP before it builds: the int4 weights are QDQ (DequantizeLinear) "
                "rather than MatMulNBits. Remove the key, or build for another EP."
            ),
            fix={"title": "Remove 'use_qdq'", "delete_property": True},
        )


# genai's builders/base.py:344-355: the EPs with block-wise QMoE quantization.
QMOE_BLOCKWISE_EPS = ("cpu", "webgpu", "trt-rtx")


@rule("OLV415", "model-builder-qmoe-block-size-ep", "extra_options.qmoe_block_size on an EP without block-wise QMoE: genai raises.", ERROR, scope="entry")
def model_builder_qmoe_block_size_ep(ctx: RuleContext):
    """genai's Model.__init__ (builders/base.py:344-355) raises ValueError `The 'qmoe_block_size' option is not
    supported for {ep} execution provider with QMoE.` when extra_options has qmoe_block_size, the EP is not cpu,
    webgpu or trt-rtx, and the MoE op would be QMoE, i.e. the weights are int4 and symmetric (base.py:308). The check
    runs for every model, MoE or not. ModelBuilder maps CUDA to "cuda", DirectML to "dml", JS to "web". An error when
    the Python that runs Olive has the onnxruntime-genai it was read from, a warning otherwise."""
    behaviour = pass_behaviour(ctx.model)
    spec = None
    for entry, canonical, metadata_only in _builders(ctx):
        block = _extra_props(entry).get("qmoe_block_size")
        precision = param(ctx, entry, canonical, "precision").value
        symmetric = _effective_options(entry).get("int4_is_symmetric")
        if metadata_only or block is None or precision != "int4" or (symmetric is not None and not symmetric[0]):
            continue
        spec = spec or target(ctx)
        ep = behaviour.genai_ep(spec.ep) if spec is not None else None
        ep = "trt-rtx" if ep == "NvTensorRtRtx" else ep  # create_model renames it (builder.py:184-185)
        if ep is None or ep in QMOE_BLOCKWISE_EPS:
            return
        certain = _genai_confirmed(ctx)
        yield Finding.at(
            block,
            f"Olive will fail in ModelBuilder: genai raises ValueError, qmoe_block_size is not supported for its '{ep}' EP.",
            severity=None if certain else WARNING,
            detail=(
                f"The workflow builds for {spec.description}, genai EP '{ep}'. {_genai(ctx)}'s builders/base.py:344-355 raises "
                f"`The 'qmoe_block_size' option is not supported for {ep} execution provider with QMoE. Block-wise quantization "
                "is only supported for: cpu, webgpu, trt-rtx.` for any int4 (symmetric) build that has the key, MoE model or "
                "not. Remove it (the EP then quantizes the experts per tensor)."
                + ("" if certain else " (Read from that genai version's builder; the version that runs Olive was not confirmed.)")
            ),
            fix={"title": "Remove 'qmoe_block_size'", "delete_property": True},
        )


def _linear_rope_factor(config: dict):
    """The factor of a linear RoPE scaling that genai's make_rope_init reaches (builders/base.py:428-487: after the
    short_factor, low_freq_factor and beta_fast branches), from config.json's rope_scaling or, as transformers 5
    writes it, rope_parameters. None when there is none."""
    for key in ("rope_scaling", "rope_parameters"):
        rope = config.get(key)
        if not isinstance(rope, dict) or any(k in rope for k in ("short_factor", "low_freq_factor", "beta_fast")):
            continue
        if rope.get("rope_type", rope.get("type")) == "linear" and isinstance(rope.get("factor"), (int, float)):
            return key, rope["factor"]
    return None


@rule("OLV422", "genai-rope-factor", "ModelBuilder on a model whose config.json has a linear RoPE factor <= 0: genai raises.", ERROR, needs_environment=True)
def genai_rope_factor(ctx: RuleContext):
    """Every genai builder reads the model's RoPE scaling (builders/base.py:258-259) and raises ValueError
    `rope_scaling.factor must be positive for linear RoPE scaling, got ...` for a linear one whose factor is not
    positive (base.py:485-487); transformers loads such a config.json unchanged. Read from the input model's
    config.json (a local folder or a cached hub snapshot); multimodal configs (text_config) are not read. An error when
    the Python that runs Olive has the onnxruntime-genai it was read from, a warning otherwise."""
    from olive_ls.rules.runtime_model_files import _model_builders, input_model_files

    files = input_model_files(ctx)
    found = _linear_rope_factor(files.config) if files is not None and "text_config" not in files.config else None
    if found is None or isinstance(found[1], bool) or found[1] > 0 or not any(True for _ in _model_builders(ctx)):
        return
    key, factor = found
    certain = _genai_confirmed(ctx)
    yield Finding.at(
        files.node,
        f"Olive will fail in ModelBuilder: the model's linear RoPE factor is {factor} (`rope_scaling.factor must be positive`).",
        severity=None if certain else WARNING,
        detail=(
            f"{files.where}/config.json has {key} with rope_type linear and factor {factor}; {_genai(ctx)}'s builders/base.py:485-487 "
            "raises ValueError `rope_scaling.factor must be positive for linear RoPE scaling` when it builds any model from it."
            + ("" if certain else " (Read from that genai version's builder; the version that runs Olive was not confirmed.)")
        ),
    )
