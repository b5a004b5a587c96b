"""What Olive's model handlers and the libraries behind them do with input_model values (OLV550-OLV559, OLV585).

Rows M005-M015, M017, L001, L002, L012 of docs/olive-runtime-checks.md (Part 2) (olive/model/config/hf_config.py,
io_config.py, olive/common/hf/utils.py, transformers' check_task and from_pretrained, torch.onnx).
"""

from __future__ import annotations

from olive_ls.model.component_behaviour import component_behaviour
from olive_ls.rules.passes import _model_flow
from olive_ls.rules.registry import ERROR, WARNING, Finding, RuleContext, rule
from olive_ls.rules.runtime_common import string
from olive_ls.suggest import did_you_mean, one_of

QUANTIZATION_METHODS = ("bitsandbytes", "gptq")  # hf_config.py:176 method_to_class_name
# Tasks transformers 4.x pipelines had and 5.x dropped: valid with an older transformers, so never an error.
TRANSFORMERS_4_TASKS = ("question-answering", "summarization", "text2text-generation", "translation", "image-to-text", "visual-question-answering", "vqa", "image-to-image")


def _load_kwargs(ctx: RuleContext):
    model = ctx.view.input_model
    if model is None:
        return None
    prop = model.params.get("load_kwargs")
    return prop.value if prop is not None and prop.value is not None and prop.value.is_object else None


def _io_config(ctx: RuleContext):
    model = ctx.view.input_model
    if model is None:
        return None
    prop = model.params.get("io_config")
    return prop.value if prop is not None and prop.value is not None and prop.value.is_object else None


@rule("OLV550", "unknown-load-kwarg", "A load_kwargs key that looks like a misspelt from_pretrained argument.", WARNING)
def unknown_load_kwarg(ctx: RuleContext):
    """load_kwargs keys other than HfLoadKwargs' fields go to extra_args and on to `from_pretrained(**kwargs)`
    (hf_config.py:25, common/hf/utils.py:216); transformers hands what it does not know to the model config (where a
    config attribute silently overrides it) or the model's __init__ (TypeError). Reported when the key is close to
    a from_pretrained argument, i.e. most likely a typo."""
    behaviour = component_behaviour(ctx.model)
    load_kwargs = _load_kwargs(ctx)
    if behaviour is None or load_kwargs is None:
        return
    known = sorted(behaviour.from_pretrained_keys | set(behaviour.raw.get("libraries", {}).get("hf_load_kwargs_fields", [])))
    props = list(load_kwargs.properties)
    extra = load_kwargs.get("extra_args")
    if extra is not None and extra.is_object:
        props.extend(extra.properties)
    for prop in props:
        if prop.key in known:
            continue
        hint, suggestions = did_you_mean(prop.key, known)
        if not suggestions:
            continue
        yield Finding.at(
            prop,
            f"'{prop.key}' is not a from_pretrained argument: transformers passes it to the model config or model.{hint}",
            detail="Keys Olive's HfLoadKwargs does not declare go to from_pretrained as extra kwargs; transformers uses "
            "them to override model config attributes or passes them to the model's __init__ (TypeError: unexpected "
            "keyword argument). A misspelt argument is therefore not applied.",
            fix={"title": "Rename to", "replace_key": suggestions},
        )


@rule("OLV551", "quantization-method-config", "load_kwargs quantization_method and quantization_config go together; method bitsandbytes or gptq.", ERROR)
def quantization_method_config(ctx: RuleContext):
    """HfLoadKwargs (hf_config.py:110) raises ValueError: quantization_config and quantization_method must be
    provided together, and (:183) Unsupported quantization method X for anything but bitsandbytes and gptq, when the
    model handler is created (ModelConfig.config is a free dict at config validation)."""
    load_kwargs = _load_kwargs(ctx)
    if load_kwargs is None:
        return
    method = load_kwargs.prop("quantization_method")
    config = load_kwargs.prop("quantization_config")
    method_set = method is not None and method.value is not None and method.value.kind != "null" and bool(method.value.to_python())
    config_set = config is not None and config.value is not None and config.value.kind != "null" and bool(config.value.to_python())
    if method_set and not config_set:
        yield Finding.at(
            method,
            "quantization_method needs quantization_config: Olive raises must be provided together",
            detail="hf_config.py:110 raises ValueError: quantization_config and quantization_method must be provided "
            "together, when the model is loaded. Add quantization_config (e.g. {\"load_in_4bit\": true} for bitsandbytes).",
            fix={"title": "Add quantization_config", "add_keys": ["quantization_config"], "values": {"quantization_config": {"load_in_4bit": True}},
                 "object_path": load_kwargs.path()},
        )
    elif config_set and not method_set:
        yield Finding.at(
            config,
            "quantization_config needs quantization_method (bitsandbytes or gptq): Olive raises must be provided together",
            detail="hf_config.py:110 raises ValueError: quantization_config and quantization_method must be provided together.",
            fix={"title": 'Add "quantization_method": "bitsandbytes"', "add_keys": ["quantization_method"],
                 "values": {"quantization_method": "bitsandbytes"}, "object_path": load_kwargs.path()},
        )
    name = string(method.value) if method is not None else None
    if name is not None and name not in QUANTIZATION_METHODS:
        hint, suggestions = did_you_mean(name, QUANTIZATION_METHODS)
        yield Finding.at(
            method.value,
            f"Unsupported quantization method {name}: Olive supports {one_of(QUANTIZATION_METHODS)}.{hint}",
            detail=f"hf_config.py:183 raises ValueError: Unsupported quantization method {name}. Supported methods are "
            "['bitsandbytes', 'gptq'].",
            fix={"title": "Replace with", "replace_value": suggestions} if suggestions else None,
        )


@rule("OLV552", "unknown-quantization-config-key", "A quantization_config key the transformers config class lacks: Olive ignores it.", WARNING)
def unknown_quantization_config_key(ctx: RuleContext):
    """hf_config.py:207: keys of quantization_config that BitsAndBytesConfig / GPTQConfig do not have are dropped
    with a warning: Unused kwargs in quantization_config: {...}. Ignoring them."""
    behaviour = component_behaviour(ctx.model)
    load_kwargs = _load_kwargs(ctx)
    if behaviour is None or load_kwargs is None:
        return
    method = string(load_kwargs.get("quantization_method"))
    config = load_kwargs.get("quantization_config")
    known = behaviour.quantization_config_keys.get(method or "")
    if not known or config is None or not config.is_object:
        return
    cls = {"bitsandbytes": "BitsAndBytesConfig", "gptq": "GPTQConfig"}[method]
    for prop in config.properties:
        if prop.key in known:
            continue
        hint, suggestions = did_you_mean(prop.key, sorted(known))
        yield Finding.at(
            prop,
            f"'{prop.key}' is not a {cls} option: Olive ignores it.{hint}",
            detail=f"hf_config.py:207 warns 'Unused kwargs in quantization_config: {{'{prop.key}'}}. Ignoring them' "
            f"(transformers {behaviour.raw.get('transformers_version')}).",
            fix={"title": "Rename to", "replace_key": suggestions} if suggestions else {"title": f"Remove {prop.key}", "delete_property": True},
        )


@rule("OLV553", "unknown-torch-dtype", "load_kwargs.torch_dtype is not a torch dtype name nor auto.", ERROR)
def unknown_torch_dtype(ctx: RuleContext):
    """get_torch_dtype (hf_config.py:159) resolves any value but "auto" with getattr(torch, name) after removing a
    "torch." prefix (common/utils.py:307): anything else raises AttributeError: Invalid dtype 'X' when the model is loaded."""
    behaviour = component_behaviour(ctx.model)
    load_kwargs = _load_kwargs(ctx)
    if behaviour is None or load_kwargs is None or not behaviour.torch_dtypes:
        return
    node = load_kwargs.get("torch_dtype")
    value = string(node)
    if value is None or value == "auto" or value.replace("torch.", "") in behaviour.torch_dtypes:
        return
    hint, suggestions = did_you_mean(value.replace("torch.", ""), sorted(behaviour.torch_dtypes) + ["auto"])
    yield Finding.at(
        node,
        f"torch_dtype '{value}' is not a torch dtype: Olive raises Invalid dtype when it loads the model.{hint}",
        detail=f"Olive resolves it with getattr(torch, '{value.replace('torch.', '')}') (common/utils.py:307) and raises "
        "AttributeError: Invalid dtype. Use a torch dtype name (float16, bfloat16, float32...) or auto.",
        fix={"title": "Replace with", "replace_value": suggestions} if suggestions else None,
    )


@rule("OLV554", "io-config-lengths", "io_config: names and their shapes/types of different lengths, or names missing.", ERROR)
def io_config_lengths(ctx: RuleContext):
    """IoConfig (io_config.py:37-80) requires input_names and output_names, and input_shapes / input_types
    (output_shapes / output_types) with one entry per name: ValueError: input_names and input_shapes must have the
    same length, raised when a pass resolves the io_config (not at config validation)."""
    io = _io_config(ctx)
    if io is None:
        return
    for side in ("input", "output"):
        names_node = io.get(f"{side}_names")
        if names_node is None:
            yield Finding.at(
                ctx.view.input_model.params["io_config"],
                f"io_config has no {side}_names: Olive raises Field required when a pass reads it",
                detail=f"IoConfig declares {side}_names as required (io_config.py:37-40); the ValidationError comes when the "
                "io_config is resolved in a pass. List the model's input and output names.",
            )
            continue
        if not names_node.is_array:
            continue
        count = len(names_node.items)
        for what in ("shapes", "types"):
            prop = io.prop(f"{side}_{what}")
            node = prop.value if prop is not None else None
            if node is None or not node.is_array or not node.items or len(node.items) == count:
                continue
            yield Finding.at(
                prop,
                f"{side}_{what} has {len(node.items)} entries for {count} {side}_names: Olive raises must have the same length",
                detail=f"io_config.py raises ValueError: {side}_names and {side}_shapes must have the same length (the "
                f"message names shapes for types too). Give one entry per name, in {side}_names' order.",
            )


def _int_like(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def _swapped(inner):
    """{"batch": 0} -> {"0": "batch"}: the quick fix when every wrong entry is the other way round."""
    out = {}
    for prop in inner.properties:
        value = prop.value.to_python() if prop.value is not None else None
        if _int_like(prop.key):
            out[prop.key] = value
        elif isinstance(value, (int, str)) and not isinstance(value, bool) and _int_like(str(value)):
            out[str(value)] = prop.key
        else:
            return None
    return {"title": "Swap keys and values", "replace_value": [out]}


@rule("OLV555", "dynamic-axes-not-integer", "io_config.dynamic_axes maps axis indices to names: a key that is not an integer.", ERROR)
def dynamic_axes_not_integer(ctx: RuleContext):
    """IoConfig declares dynamic_axes as dict[str, dict[int, str]] (io_config.py:42, converted at :91): {"batch": 0}
    raises ValidationError: Input should be a valid integer, unable to parse string as an integer. Likewise string_to_int_dim_params entries must be castable to int (:122)."""
    io = _io_config(ctx)
    if io is None:
        return
    axes = io.get("dynamic_axes")
    if axes is not None and axes.is_object:
        for prop in axes.properties:
            inner = prop.value
            if inner is None or not inner.is_object:
                continue
            for axis in inner.properties:
                if _int_like(axis.key):
                    continue
                fix = _swapped(inner)
                yield Finding.at(
                    axis,
                    f"dynamic_axes.{prop.key} key '{axis.key}' is not an axis index: Olive raises Input should be a valid integer",
                    detail="dynamic_axes maps each input/output name to {axis index: axis name}, e.g. {\"0\": \"batch_size\"}; "
                    f"IoConfig (io_config.py:42) reads the keys as integers and raises a ValidationError for '{axis.key}' when a pass resolves the io_config.",
                    fix=fix,
                )
                break
    params = io.get("string_to_int_dim_params")
    if params is not None and params.is_array:
        for item in params.items:
            text = item.to_python()
            if isinstance(text, (str, int)) and not isinstance(text, bool) and _int_like(str(text)):
                continue
            yield Finding.at(
                item,
                f"string_to_int_dim_params entry {text!r} is not castable to int: Olive raises Invalid string_to_int_dim_params",
                detail="io_config.py:122 raises ValueError: Invalid string_to_int_dim_params: X. Must be castable to int.",
            )


@rule("OLV556", "dynamic-axes-unknown-name", "io_config.dynamic_axes names neither an input nor an output: the axis stays static.", WARNING)
def dynamic_axes_unknown_name(ctx: RuleContext):
    """torch.onnx's TorchScript exporter (utils.py:1906-1909, called by OnnxConversion) only warns "Provided key X
    for dynamic axes is not a valid input/output name" and exports that axis static."""
    io = _io_config(ctx)
    if io is None:
        return
    axes = io.get("dynamic_axes")
    names = []
    for side in ("input_names", "output_names"):
        node = io.get(side)
        if node is None or not node.is_array:
            return
        names.extend(v for v in (string(i) for i in node.items) if v)
    if axes is None or not axes.is_object:
        return
    for prop in axes.properties:
        if prop.key in names:
            continue
        hint, suggestions = did_you_mean(prop.key, names)
        yield Finding.at(
            prop,
            f"dynamic_axes names '{prop.key}', which is neither an input nor an output: the axis stays static.{hint}",
            detail="torch.onnx warns 'Provided key ... for dynamic axes is not a valid input/output name' and exports "
            f"that dimension as fixed. Names: {one_of(names)}.",
            fix={"title": "Rename to", "replace_key": suggestions} if suggestions else None,
        )


@rule("OLV557", "unknown-transformers-task", "input_model.task is not a transformers pipeline task: loading the model fails.", WARNING)
def unknown_transformers_task(ctx: RuleContext):
    """Olive loads an HfModel through transformers.pipelines.check_task(task without -with-past)
    (common/hf/utils.py:137), which raises KeyError: Unknown task X, available tasks are [...]. Passes that read the
    model files themselves (ModelBuilder) never load it, hence a warning; the tasks are those of the transformers
    Olive was inspected with (a 4.x-only task such as text2text-generation is not reported)."""
    behaviour = component_behaviour(ctx.model)
    model = ctx.view.input_model
    if behaviour is None or model is None or (model.type_name or "").lower() != "hfmodel" or not behaviour.transformers_tasks:
        return
    prop = model.params.get("task")
    task = string(prop.value) if prop is not None else None
    if task is None or behaviour.is_transformers_task(task) or task.replace("-with-past", "") in TRANSFORMERS_4_TASKS:
        return
    hint, suggestions = did_you_mean(task, behaviour.task_names + ["text-generation-with-past"])
    yield Finding.at(
        prop.value,
        f"Task '{task}' is not a transformers task: loading the model raises KeyError: Unknown task.{hint}",
        detail=f"Olive strips -with-past and calls transformers' check_task (transformers {behaviour.raw.get('transformers_version')}), "
        f"which knows {one_of(behaviour.task_names)}.",
        fix={"title": "Replace with", "replace_value": suggestions} if suggestions else None,
    )


# olive/assets/io_configs/tasks.yaml: the tasks Olive builds dummy inputs for (is_task_supported, io_resolver.py:161),
# and olive/common/hf/io_config/tasks.py _TASK_SYNONYMS; model_io.py:121-132 strips -with-past from these three.
# The test checks both against the installed Olive.
DUMMY_INPUT_TASKS = (
    "text-generation", "text-classification", "feature-extraction", "fill-mask", "token-classification",
    "question-answering", "multiple-choice", "text2text-generation", "image-classification", "object-detection",
    "semantic-segmentation", "audio-classification", "automatic-speech-recognition", "zero-shot-image-classification",
)
TASK_SYNONYMS = {
    "default": "feature-extraction", "masked-lm": "fill-mask", "causal-lm": "text-generation",
    "causal-lm-with-past": "text-generation-with-past", "seq2seq-lm": "text2text-generation",
    "seq2seq-lm-with-past": "text2text-generation-with-past", "sequence-classification": "text-classification",
    "speech2seq-lm": "automatic-speech-recognition",
}
WITH_PAST_TASKS = ("text-generation", "text2text-generation", "feature-extraction")


def dummy_input_task(task: str) -> str:
    """The task get_model_dummy_input looks up in tasks.yaml (model_io.py:114-135)."""
    task = TASK_SYNONYMS.get(task, task)
    return next((base for base in WITH_PAST_TASKS if task.startswith(base)), task)


def _has_input_shapes(model) -> bool:
    io_config = model.param_value("io_config")
    return isinstance(io_config, dict) and bool(io_config.get("input_shapes"))


@rule("OLV585", "no-dummy-inputs-for-task", "OnnxConversion of an HfModel whose task Olive has no dummy inputs for, without io_config input_shapes.", ERROR)
def no_dummy_inputs_for_task(ctx: RuleContext):
    """OnnxConversion exports with dummy inputs (conversion.py:717): from io_config.input_shapes when given
    (dummy_inputs.py:18-35), else from Olive's task templates (model_io.py:114-137), which cover the tasks of
    assets/io_configs/tasks.yaml only; otherwise hf.py:137-141 raises ValueError `Unable to get dummy inputs for the
    model ... Please provide io_config manually.`"""
    model = ctx.view.input_model
    if model is None or (model.type_name or "").lower() != "hfmodel" or _has_input_shapes(model):
        return
    prop = model.params.get("task")
    task = string(prop.value) if prop is not None else None
    if task is None or dummy_input_task(task) in DUMMY_INPUT_TASKS:
        return
    if not any(canonical == "OnnxConversion" and kind == "hf" for _entry, canonical, kind in _model_flow(ctx)):
        return
    yield Finding.at(
        prop.value,
        f"OnnxConversion will fail: Olive has no dummy inputs for task '{task}'; give io_config with input_shapes.",
        detail=f"Olive builds dummy inputs from io_config.input_shapes or from its task templates (assets/io_configs/tasks.yaml: "
        f"{', '.join(DUMMY_INPUT_TASKS)}); for '{task}' get_model_dummy_input returns None (model_io.py:135-137) and "
        "hf.py:137-141 raises `Unable to get dummy inputs for the model ... Please provide io_config manually.`",
    )
