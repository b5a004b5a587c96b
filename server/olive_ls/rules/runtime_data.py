"""What Olive's data configs and data components do with config values at run time (OLV560-OLV569, OLV593-OLV594).

Rows D006-D030, L007 and L008 of docs/olive-runtime-checks.md (Part 2) (olive/data/config.py, olive/data/component/**, the data
autofill in olive/workflows/run/config.py:215-260, olive-ai 0.13.0). A data config is only built when something
uses it: what fails only when its data is loaded is an error for a data config that is referred to by name, a
warning for one that nothing uses.

huggingface_dataset hands its extra keys to `datasets.load_dataset`; `datasets` is not installed beside Olive
here, so what load_dataset and its packaged builders accept is the table below, read from datasets 5.2.0.
"""

from __future__ import annotations

from dataclasses import dataclass

from olive_ls.document.nodes import Node, Property
from olive_ls.model.component_behaviour import (
    DEFAULT_HF_TASK,
    DUMMY_CONTAINERS,
    FAILS_WHEN_NONE,
    HF_CONTAINER,
    TEXT_GENERATION_PRE_PROCESS,
    ComponentBehaviour,
    component_behaviour,
)
from olive_ls.model.view import merged_params
from olive_ls.rules.registry import ERROR, WARNING, Finding, RuleContext, rule
from olive_ls.rules.runtime_common import boolean, data_config_items, string, truthy
from olive_ls.suggest import did_you_mean, one_of

COMPONENT_KEYS = {
    "load_dataset_config": "load_dataset",
    "pre_process_data_config": "pre_process_data",
    "post_process_data_config": "post_process_data",
    "dataloader_config": "dataloader",
}
RANDOM_STRATEGIES = ("line-by-line-random", "join-random")

# datasets 5.2.0, datasets/load.py load_dataset: its keyword parameters (the rest, config_kwargs, go to the builder).
DATASETS_VERSION = "5.2.0"
LOAD_DATASET_PARAMS = frozenset({
    "path", "name", "data_dir", "data_files", "split", "cache_dir", "features", "download_config", "download_mode",
    "verification_mode", "keep_in_memory", "save_infos", "revision", "token", "streaming", "num_proc", "storage_options",
    # popped by load_dataset with a warning since datasets 4 (load.py:1640-1646)
    "trust_remote_code",
})
# Olive passes these itself (load_dataset.py:40): in **kwargs they are given twice.
LOAD_DATASET_GIVEN = ("path", "name")
# datasets 5.2.0: datasets/builder.py BuilderConfig's fields, and each packaged builder's own config fields
# (datasets/packaged_modules/<module>/<module>.py). A hub dataset gets the builder its files call for.
BUILDER_CONFIG_FIELDS = frozenset({"data_dir", "data_files", "description", "name", "version"})
PACKAGED_BUILDER_FIELDS: dict[str, tuple[str, ...]] = {
    "arrow": ("features",),
    "audiofolder": ("decode_num_threads", "drop_labels", "drop_metadata", "features", "filters", "metadata_filenames"),
    "conll": ("column_names", "comment_prefix", "delimiter", "encoding", "encoding_errors", "features", "skip_docstart"),
    "csv": ("chunksize", "column_names", "comment", "converters", "date_format", "decimal", "delimiter", "dialect", "doublequote",
            "encoding", "encoding_errors", "engine", "error_bad_lines", "escapechar", "false_values", "features", "float_precision",
            "header", "index_col", "keep_default_na", "lineterminator", "mangle_dupe_cols", "memory_map", "na_filter", "na_values",
            "names", "nrows", "on_bad_lines", "prefix", "quotechar", "quoting", "sep", "skip_blank_lines", "skipfooter",
            "skipinitialspace", "skiprows", "thousands", "true_values", "usecols", "verbose", "warn_bad_lines"),
    "fasta": ("batch_size", "columns", "features", "max_batch_bytes"),
    "fastq": ("batch_size", "columns", "features", "max_batch_bytes"),
    "genbank": ("batch_size", "columns", "features", "max_batch_bytes"),
    "harbor": ("features", "include_files", "strip_canary"),
    "hdf5": ("batch_size", "features"),
    "iceberg": ("batch_size", "catalog", "columns", "features", "filters", "snapshot_id", "table"),
    "imagefolder": ("decode_num_threads", "drop_labels", "drop_metadata", "features", "filters", "metadata_filenames"),
    "json": ("block_size", "chunksize", "encoding", "encoding_errors", "features", "field", "newlines_in_values", "on_mixed_types",
             "parse_agent_traces", "use_threads"),
    "lance": ("batch_size", "columns", "features", "token"),
    "meshfolder": ("decode_num_threads", "drop_labels", "drop_metadata", "features", "filters", "metadata_filenames"),
    "mmcif": ("decode_num_threads", "drop_labels", "drop_metadata", "features", "filters", "metadata_filenames"),
    "niftifolder": ("decode_num_threads", "drop_labels", "drop_metadata", "features", "filters", "metadata_filenames"),
    "pandas": ("features",),
    "parquet": ("batch_size", "columns", "features", "filters", "fragment_scan_options", "on_bad_files"),
    "pdb": ("decode_num_threads", "drop_labels", "drop_metadata", "features", "filters", "metadata_filenames"),
    "pdffolder": ("decode_num_threads", "drop_labels", "drop_metadata", "features", "filters", "metadata_filenames"),
    "text": ("chunksize", "encoding", "encoding_errors", "features", "keep_linebreaks", "sample_by"),
    "tsfile": ("columns", "end_time", "features", "input_batch_size", "on_bad_files", "output_batch_size", "start_time", "table_name",
               "timestamp_tz", "timestamp_unit"),
    "videofolder": ("decode_num_threads", "drop_labels", "drop_metadata", "features", "filters", "metadata_filenames"),
    "vortex": ("batch_size", "columns", "features", "filters", "on_bad_files"),
    "xml": ("encoding", "encoding_errors", "features"),
}


@dataclass
class Part:
    key: str  # load_dataset_config...
    category: str  # load_dataset...
    node: Node | None  # the component config object, None when not written
    type: str | None  # the component Olive will use
    explicit_type: bool
    params: dict[str, Property]


@dataclass
class DataEntry:
    node: Node
    name: str | None
    type_node: Node | None
    container: str  # class name
    exact: bool  # written exactly as the class name (Olive's autofill compares so)
    task: str | None
    parts: dict[str, Part]
    used: bool
    has_user_script: bool

    def part(self, category: str) -> Part:
        return self.parts[category]


def _used_names(ctx: RuleContext) -> set[str]:
    """The data config names the config refers to: the string value of every `*data_config` key outside the
    top-level `data_configs` list (where the configs are defined, not used)."""
    root = ctx.doc.root
    if root is None:
        return set()
    defined = root.get("data_configs") if root.is_object else None
    names: set[str] = set()
    for key, props in root.properties_by_key().items():
        if not key.endswith("data_config"):
            continue
        for prop in props:
            if defined is not None and defined.start <= prop.start < defined.end:
                continue
            if string(prop.value):
                names.add(prop.value.value)
    return names


def _model_task(ctx: RuleContext) -> str | None:
    model = ctx.view.input_model
    if model is None:
        return None
    if (model.type_name or "").lower() == "onnxmodel":
        attrs = model.param_value("model_attributes")
        return attrs.get("hf_task", DEFAULT_HF_TASK) if isinstance(attrs, dict) else DEFAULT_HF_TASK
    task = model.param_value("task")
    return task if isinstance(task, str) else DEFAULT_HF_TASK


def entries(ctx: RuleContext, behaviour: ComponentBehaviour) -> list[DataEntry]:
    """The data configs with their components, built once per analysis (every OLV56x rule asks)."""
    return ctx.memo("runtime_data.entries", lambda _ctx: _entries(ctx, behaviour))


def _entries(ctx: RuleContext, behaviour: ComponentBehaviour) -> list[DataEntry]:
    used = _used_names(ctx)
    found = []
    for item in data_config_items(ctx):
        type_node = item.get("type")
        written = string(type_node) or "DataContainer"
        container = behaviour.container(written)
        if container is None:
            continue  # unknown: OLV512
        exact = written == container
        raw_parts = {}
        for key, category in COMPONENT_KEYS.items():
            node = item.get(key)
            node = node if node is not None and node.is_object else None
            params = merged_params(node, "params", ("type", "params")) if node is not None else {}
            raw_parts[category] = (key, node, params)
        task = None
        for category in ("load_dataset", "pre_process_data", "post_process_data", "dataloader"):
            prop = raw_parts[category][2].get("task")
            if prop is not None and string(prop.value):
                task = prop.value.value
        if task is None and exact and container == HF_CONTAINER:
            task = _model_task(ctx)
        parts = {}
        for category, (key, node, params) in raw_parts.items():
            explicit = string(node.get("type")) if node is not None else None
            chosen = explicit.lower() if explicit else behaviour.default_component(container, category, task)
            parts[category] = Part(key, category, node, chosen, explicit is not None, params)
        name = string(item.get("name"))
        found.append(DataEntry(item, name, type_node, container, exact, task, parts, name in used, bool(string(item.get("user_script")))))
    return found


def _severity(entry: DataEntry) -> str:
    return ERROR if entry.used else WARNING


def _unused_note(entry: DataEntry) -> str:
    return "" if entry.used else " (Nothing refers to this data config yet, so nothing fails until something does.)"


@rule("OLV560", "container-type-case", "A transformers/HF container type not spelt exactly: Olive skips the model_name/task autofill.", ERROR)
def container_type_case(ctx: RuleContext):
    """DataConfig accepts a container type in any case, but the autofill of model_name, task and trust_remote_code
    from input_model compares the exact class name (workflows/run/config.py:241, 248). Spelt otherwise, the
    components get model_name=None and fail when the tokenizer or the dummy model config loads (an error when
    nothing sets model_name and the data config is used)."""
    behaviour = component_behaviour(ctx.model)
    if behaviour is None:
        return
    for entry in entries(ctx, behaviour):
        if entry.exact or entry.container not in DUMMY_CONTAINERS + (HF_CONTAINER,):
            continue
        where = ("load_dataset",) if entry.container in DUMMY_CONTAINERS else ("pre_process_data",)
        missing = [c for c in where if "model_name" not in entry.part(c).params]
        severity = ERROR if missing and entry.used else WARNING
        yield Finding.at(
            entry.type_node,
            f"Olive fills in model_name and task only for the exact type '{entry.container}', not '{entry.type_node.value}'",
            severity=severity,
            detail="DataConfig matches the type without case, but the autofill from input_model (config.py:241-260) "
            f"compares '{entry.container}' exactly; spelt otherwise, "
            + ("the data has model_name=None and fails when it loads." if missing else "only what you set yourself is used.")
            + _unused_note(entry),
            fix={"title": "Replace with", "replace_value": [entry.container]},
        )


@rule("OLV561", "onnx-model-name-autofill", "HuggingfaceContainer for an ONNXModel without model_attributes: model_name becomes the .onnx path.", ERROR)
def onnx_model_name_autofill(ctx: RuleContext):
    """For an ONNXModel input without model_attributes, the autofill takes model_name from model_path
    (config.py:227-233), so the pre-process calls get_tokenizer(<the .onnx path>) and fails. Set model_name (the
    Hugging Face id or folder of the tokenizer) on pre_process_data_config."""
    behaviour = component_behaviour(ctx.model)
    model = ctx.view.input_model
    if behaviour is None or model is None or (model.type_name or "").lower() != "onnxmodel" or model.params.get("model_attributes") is not None:
        return
    path = model.param_value("model_path")
    for entry in entries(ctx, behaviour):
        if not (entry.exact and entry.container == HF_CONTAINER) or entry.has_user_script:
            continue
        part = entry.part("pre_process_data")
        component = behaviour.component("pre_process_data", part.type)
        if component is None or "model_name" not in component.params or "model_name" in part.params:
            continue
        target = entry.node.prop(part.key) if part.node is not None else entry.type_node
        yield Finding.at(
            target,
            "For an ONNXModel without model_attributes, Olive fills model_name with the .onnx path: set model_name",
            severity=_severity(entry),
            detail=f"config.py:227 autofills model_name from model_path ('{path}'), so {part.type} loads a tokenizer from "
            "the ONNX file and fails. Add \"model_name\": \"<tokenizer id or folder>\" to pre_process_data_config." + _unused_note(entry),
            fix={"title": 'Add "model_name"', "add_keys": ["model_name"], "values": {"model_name": ""},
                 "object_path": part.node.path() if part.node is not None else entry.node.path() + [part.key]},
        )


@rule("OLV562", "kv-cache-names-not-copied", "io_config.kv_cache names are never copied into dummy data configs.", WARNING)
def kv_cache_names_not_copied(ctx: RuleContext):
    """config.py:234 reads input_model_config["io_config"] where the io_config lives under ["config"], so
    kv_cache's ort_past_key_name / ort_past_value_name / batch_size never reach a Transformers*DummyDataContainer:
    it uses its defaults (past_key_values.<id>.key...). Set them on the data config's load_dataset_config."""
    behaviour = component_behaviour(ctx.model)
    model = ctx.view.input_model
    if behaviour is None or model is None:
        return
    io = model.params.get("io_config")
    kv = io.value.get("kv_cache") if io is not None and io.value is not None and io.value.is_object else None
    if kv is None or not kv.is_object:
        return
    keys = [k for k in ("ort_past_key_name", "ort_past_value_name") if kv.get(k) is not None]
    if not keys:
        return
    for entry in entries(ctx, behaviour):
        if entry.container not in DUMMY_CONTAINERS:
            continue
        params = entry.part("load_dataset").params
        missing = [k for k in keys if k not in params]
        if not missing:
            continue
        yield Finding.at(
            kv.parent,
            f"Olive does not copy io_config.kv_cache {', '.join(missing)} into data config '{entry.name}': it uses its defaults",
            detail="The autofill reads the wrong key (config.py:234: input_model['io_config'] instead of "
            "input_model['config']['io_config']), so the dummy data keeps past_key_values.<id>.key/value. Set "
            f"{', '.join(missing)} on {entry.name}'s load_dataset_config.",
        )
        break


@rule("OLV563", "unknown-data-task", "A data config task that selects no task-specific components: Olive falls back to the generic ones.", WARNING)
def unknown_data_task(ctx: RuleContext):
    """DataConfig picks task-specific components from HuggingfaceContainer.task_type_components_map with the task
    stripped of -with-past (config.py:220); any other task silently falls back to huggingface_pre_process /
    post_process, which need input_cols."""
    behaviour = component_behaviour(ctx.model)
    if behaviour is None:
        return
    for entry in entries(ctx, behaviour):
        if entry.container != HF_CONTAINER:
            continue
        tasks = behaviour.container_tasks(HF_CONTAINER)
        for category in ("pre_process_data", "post_process_data"):
            part = entry.part(category)
            prop = part.params.get("task")
            task = string(prop.value) if prop is not None else None
            if task is None or task.replace("-with-past", "") in tasks or part.explicit_type:
                continue
            hint, suggestions = did_you_mean(task, tasks)
            yield Finding.at(
                prop.value,
                f"Task '{task}' selects no task-specific data components: Olive falls back to {part.type}.{hint}",
                detail=f"config.py:220 looks the task up (without -with-past) in {one_of(tasks)}; for anything else it "
                f"keeps the container's defaults ({part.type}) without a log line.",
                fix={"title": "Replace with", "replace_value": suggestions} if suggestions else None,
            )


@rule("OLV564", "missing-component-param", "A data component parameter Olive needs is missing: it passes None and fails when loading data.", ERROR)
def missing_component_param(ctx: RuleContext):
    """DataConfig fills a required component parameter that is not given with None (config.py:157, a debug line
    only); the component then fails when the data is loaded: huggingface_dataset asserts "Please specify the data
    name", raw_dataset and dummy_dataset fail on None input_names / input_shapes / data_dir, the huggingface
    pre-processes on None input_cols."""
    behaviour = component_behaviour(ctx.model)
    if behaviour is None:
        return
    for entry in entries(ctx, behaviour):
        if entry.has_user_script:
            continue
        for part in entry.parts.values():
            for (component, param), why in FAILS_WHEN_NONE.items():
                if part.type != component or param in part.params:
                    continue
                target = entry.node.prop(part.key) if part.node is not None else (entry.type_node or entry.node)
                yield Finding.at(
                    target,
                    f"{component} needs '{param}': Olive passes None and fails when it loads the data",
                    severity=_severity(entry),
                    detail=f"Not given, Olive sets {param}=None (config.py:157) and the component fails: {why}. Add "
                    f"\"{param}\" to {part.key}." + _unused_note(entry),
                    fix={"title": f'Add "{param}"', "add_keys": [param],
                         "object_path": part.node.path() if part.node is not None else entry.node.path() + [part.key]},
                )


@rule("OLV565", "unknown-component-param", "A data component parameter the component does not have.", ERROR)
def unknown_component_param(ctx: RuleContext):
    """Olive calls each component with its params as keyword arguments (olive/data/container/data_container.py).
    A component without **kwargs (raw_dataset, the transformers dummy datasets, image_folder_dataset) raises
    TypeError: got an unexpected keyword argument (an error when the data config is used); one with **kwargs drops
    a key it does not read without a word (a warning, reported when the key looks like a misspelt parameter). The
    text-generation pre-process is OLV566's, huggingface_dataset's extra keys go to datasets.load_dataset."""
    behaviour = component_behaviour(ctx.model)
    if behaviour is None:
        return
    for entry in entries(ctx, behaviour):
        if entry.has_user_script:
            continue
        for category, part in entry.parts.items():
            if part.node is None or part.type == TEXT_GENERATION_PRE_PROCESS or part.type == "huggingface_dataset":
                continue
            component = behaviour.component(category, part.type)
            if component is None:
                continue
            known = sorted(set(component.params) | set(component.kwargs_read))
            for key, prop in part.params.items():
                if component.accepts(key):
                    continue
                hint, suggestions = did_you_mean(key, known)
                if component.var_keyword:
                    if not suggestions:
                        continue
                    severity = WARNING
                    headline = f"{part.type} has no parameter '{key}': Olive ignores it.{hint}"
                    why = f"{part.type} takes **kwargs and never reads '{key}', so the value is dropped silently."
                else:
                    severity = _severity(entry)
                    headline = f"{part.type} has no parameter '{key}': Olive fails with an unexpected keyword argument.{hint}"
                    why = f"{part.type}() raises TypeError: got an unexpected keyword argument '{key}' when the data is loaded." + _unused_note(entry)
                yield Finding.at(
                    prop,
                    headline,
                    severity=severity,
                    detail=f"{why} Its parameters: {one_of(sorted(component.params))}.",
                    fix={"title": "Rename to", "replace_key": suggestions} if suggestions else {"title": f"Remove {key}", "delete_property": True},
                )


def _value(params: dict[str, Property], key: str, default):
    prop = params.get(key)
    if prop is None or prop.value is None:
        return default
    return prop.value.to_python()


@rule("OLV566", "text-generation-params", "A text-generation pre-process option Olive ignores or rejects.", ERROR)
def text_generation_params(ctx: RuleContext):
    """The text-generation pre-process validates its options as TextGenParams (text_generation.py:32-175) when the
    data is loaded: an unknown key is dropped with a warning ("Keys {...} are not part of TextGenParams. Ignoring
    them."); padding_side other than left/right, pad_to_max_len with drop_short_sequences, join-sliding-window
    without stride, a random strategy without max_samples or with random_seed null, use_attention_mask false with
    padding on a line-by-line strategy, and no text columns/template/function raise ValueError (TypeError for the
    missing stride, which pydantic never validates when left out)."""
    behaviour = component_behaviour(ctx.model)
    if behaviour is None or not behaviour.text_generation_params:
        return
    fields = behaviour.text_generation_params
    for entry in entries(ctx, behaviour):
        part = entry.part("pre_process_data")
        if part.type != TEXT_GENERATION_PRE_PROCESS or part.node is None or entry.has_user_script:
            continue
        params = part.params
        severity = _severity(entry)
        note = _unused_note(entry)
        for key, prop in params.items():
            if key in fields or key in ("model_name", "trust_remote_code", "task"):
                continue
            hint, suggestions = did_you_mean(key, sorted(fields))
            yield Finding.at(
                prop,
                f"'{key}' is not a text-generation pre-process option: Olive ignores it.{hint}",
                severity=WARNING,
                detail=f"text_generation.py:189 warns 'Keys {{'{key}'}} are not part of TextGenParams. Ignoring them.' "
                f"Options: {one_of(sorted(fields), 30)}.",
                fix={"title": "Rename to", "replace_key": suggestions} if suggestions else {"title": f"Remove {key}", "delete_property": True},
            )

        def bad(key: str, headline: str, why: str, fix=None, params=params, part=part, severity=severity, note=note):
            prop = params.get(key)
            return Finding.at(prop.value if prop is not None and prop.value is not None else part.node, headline, severity=severity, detail=why + note, fix=fix)

        padding = params.get("padding_side")
        if padding is not None and _value(params, "padding_side", "right") not in ("left", "right"):
            yield bad("padding_side", "padding_side must be left or right: Olive raises ValueError",
                      "text_generation.py:83 raises ValueError: padding_side must be either left or right.",
                      {"title": "Replace with", "replace_value": ["right", "left"]})
        pad = _value(params, "pad_to_max_len", fields.get("pad_to_max_len", True))
        if "drop_short_sequences" in params and _value(params, "drop_short_sequences", False) and pad:
            yield bad("drop_short_sequences", "pad_to_max_len and drop_short_sequences cannot both be true: Olive raises ValueError",
                      "text_generation.py:92 raises ValueError: pad_to_max_len and drop_short_sequences cannot both be True "
                      "(pad_to_max_len is true by default). Set \"pad_to_max_len\": false to drop short sequences.")
        if "text_cols" in params and not truthy(params["text_cols"].value) and not _value(params, "chat_template", None) \
                and not _value(params, "text_template", None) and not _value(params, "text_formatting_func", None):
            yield bad("text_cols", "No text_cols, text_template or text_formatting_func: Olive raises ValueError",
                      "text_generation.py:126 raises ValueError: One of text_cols, text_formatting_func, text_template must be specified.")
        strategy = _value(params, "strategy", None) if "strategy" in params else None
        if not isinstance(strategy, str):
            continue
        if strategy == "join-sliding-window" and _value(params, "stride", None) is None:
            yield bad("strategy", "join-sliding-window needs stride: Olive fails when it splits the text",
                      "Left out, stride stays None (pydantic does not validate defaults) and the split fails with TypeError "
                      "in range(..., None) (text_generation.py:223); written null, text_generation.py:136 raises ValueError: "
                      "stride must be specified when strategy is JOIN_SLIDING_WINDOW. Add \"stride\".",
                      {"title": 'Add "stride"', "add_keys": ["stride"], "values": {"stride": 512}, "object_path": part.node.path()})
        if "random" in strategy and _value(params, "max_samples", None) is None:
            yield bad("strategy", f"Strategy {strategy} needs max_samples: Olive raises ValueError",
                      "text_generation.py:145 raises ValueError: max_samples must be specified when strategy is random.",
                      {"title": 'Add "max_samples"', "add_keys": ["max_samples"], "values": {"max_samples": 256}, "object_path": part.node.path()})
        if "random" in strategy and "random_seed" in params and _value(params, "random_seed", None) is None:
            yield bad("random_seed", f"Strategy {strategy} needs a random_seed, not null: Olive raises ValueError",
                      "text_generation.py:172 raises ValueError: random_seed must be specified when strategy is random.",
                      {"title": "Replace with", "replace_value": [42]})
        if "join" not in strategy and _value(params, "use_attention_mask", True) is False and pad:
            yield bad("use_attention_mask", "Padding needs the attention mask: Olive raises ValueError with use_attention_mask false",
                      "text_generation.py:161 raises ValueError: pad_to_max_len is True but use_attention_mask is False. "
                      "Attention mask is required for padding! Set use_attention_mask true or pad_to_max_len false.")


@rule("OLV567", "dummy-input-lengths", "input_names, input_shapes, input_types (input_dirs) of a dummy/raw dataset differ in length.", ERROR)
def dummy_input_lengths(ctx: RuleContext):
    """DummyDataset zips input_names, input_shapes and input_types (component/dataset.py:84), silently dropping the
    extra entries (a warning); RawDataset asserts "Number of input shapes should be equal to number of input names."
    (and types, dirs; dataset.py:145-151)."""
    behaviour = component_behaviour(ctx.model)
    if behaviour is None:
        return
    for entry in entries(ctx, behaviour):
        part = entry.part("load_dataset")
        if part.type not in ("dummy_dataset", "raw_dataset") or part.node is None:
            continue
        lists = {}
        for key in ("input_names", "input_shapes", "input_types", "input_dirs"):
            prop = part.params.get(key)
            if prop is not None and prop.value is not None and prop.value.is_array and prop.value.items:
                lists[key] = prop
        base_key = "input_names" if "input_names" in lists else "input_shapes"
        base = lists.get(base_key)
        if base is None:
            continue
        for key, prop in lists.items():
            if key == base_key or len(prop.value.items) == len(base.value.items):
                continue
            if part.type == "raw_dataset":
                headline = f"{key} has {len(prop.value.items)} entries for {len(base.value.items)} {base_key}: Olive asserts they match"
                severity = _severity(entry)
                why = "RawDataset asserts one entry per input name (dataset.py:145-151)." + _unused_note(entry)
            else:
                headline = f"{key} has {len(prop.value.items)} entries for {len(base.value.items)} {base_key}: Olive drops the extra ones"
                severity = WARNING
                why = "DummyDataset zips the lists (dataset.py:84), so the longer ones are cut to the shortest without a word."
            yield Finding.at(prop, headline, severity=severity, detail=why + " Give one entry per input, in the same order.")


@rule("OLV568", "shared-kv-without-fp16", "Transformers dummy data with shared_kv needs use_fp16 (ONNX model).", ERROR)
def shared_kv_without_fp16(ctx: RuleContext):
    """TransformersDummyDataset raises ValueError: shared_kv is only supported for ONNX model with FP16
    (component/dataset.py:219) when shared_kv is true and use_fp16 is not (or the model is not ONNX)."""
    behaviour = component_behaviour(ctx.model)
    if behaviour is None:
        return
    for entry in entries(ctx, behaviour):
        part = entry.part("load_dataset")
        if not (part.type or "").startswith("transformers_") or part.node is None:
            continue
        shared = part.params.get("shared_kv")
        if shared is None or boolean(shared.value) is not True or boolean(_node(part.params.get("use_fp16"))) is True:
            continue
        yield Finding.at(
            shared.value,
            "shared_kv needs use_fp16 true on an ONNX model: Olive raises ValueError when it builds the dummy data",
            severity=_severity(entry),
            detail="component/dataset.py:219 raises ValueError: shared_kv is only supported for ONNX model with FP16. Set "
            "\"use_fp16\": true (and evaluate an ONNX model), or drop shared_kv." + _unused_note(entry),
            fix={"title": 'Add "use_fp16": true', "add_keys": ["use_fp16"], "values": {"use_fp16": True}, "object_path": part.node.path()},
        )


def _node(prop: Property | None) -> Node | None:
    return prop.value if prop is not None else None


def _load_dataset_accepts(data_name) -> tuple[frozenset[str], str]:
    """The keys load_dataset takes for this data_name, and which builder that assumes."""
    builder = PACKAGED_BUILDER_FIELDS.get(data_name) if isinstance(data_name, str) else None
    if builder is not None:
        return LOAD_DATASET_PARAMS | BUILDER_CONFIG_FIELDS | set(builder), f"the '{data_name}' builder"
    every = {field for fields in PACKAGED_BUILDER_FIELDS.values() for field in fields}
    return LOAD_DATASET_PARAMS | BUILDER_CONFIG_FIELDS | every, "any of its packaged builders"


@rule("OLV593", "load-dataset-unknown-kwarg", "A huggingface_dataset key that datasets.load_dataset and its builder do not take.", WARNING)
def load_dataset_unknown_kwarg(ctx: RuleContext):
    """huggingface_dataset passes every key it does not declare to `datasets.load_dataset(path=data_name, name=subset,
    ..., **kwargs)` (load_dataset.py:40), which hands the ones it does not take to the builder's config: an unknown one
    raises TypeError `...Config.__init__() got an unexpected keyword argument` (or ValueError `BuilderConfig ...
    doesn't have a '<key>' key.`, datasets/builder.py:570), and 'path' or 'name' are given twice. A warning: the
    datasets that runs Olive may differ from the 5.2.0 these lists come from."""
    behaviour = component_behaviour(ctx.model)
    if behaviour is None:
        return
    for entry in entries(ctx, behaviour):
        part = entry.part("load_dataset")
        component = behaviour.component("load_dataset", part.type)
        if entry.has_user_script or part.node is None or part.type != "huggingface_dataset" or component is None:
            continue
        data_name = _value(part.params, "data_name", None)
        accepted, builder = _load_dataset_accepts(data_name)
        for key, prop in part.params.items():
            if key in component.params or component.accepts(key) and key not in LOAD_DATASET_GIVEN:
                continue
            if key in LOAD_DATASET_GIVEN:
                yield Finding.at(
                    prop,
                    f"Olive will fail loading this dataset: load_dataset gets '{key}' twice.",
                    detail=f"load_dataset.py:40 already passes {key}= (from {'data_name' if key == 'path' else 'subset'}); TypeError: got multiple values for keyword argument '{key}'."
                    + _unused_note(entry),
                    fix={"title": "Rename to", "replace_key": ["data_name" if key == "path" else "subset"]},
                )
                continue
            if key in accepted:
                continue
            hint, suggestions = did_you_mean(key, sorted(set(component.params) | accepted))
            yield Finding.at(
                prop,
                f"datasets.load_dataset will reject '{key}': neither it nor {builder} takes it.{hint}",
                detail=(
                    f"huggingface_dataset passes '{key}' on to datasets.load_dataset (load_dataset.py:40), whose builder config "
                    f"raises TypeError: got an unexpected keyword argument '{key}' (datasets {DATASETS_VERSION})." + _unused_note(entry)
                ),
                fix={"title": "Rename to", "replace_key": suggestions} if suggestions else {"title": f"Remove '{key}'", "delete_property": True},
            )


@rule(
    "OLV594",
    "datasets-not-installed",
    "A data config loads a Hugging Face dataset, and the 'datasets' package is not installed.",
    WARNING,
    needs_environment=True,
)
def datasets_not_installed(ctx: RuleContext):
    """huggingface_dataset (HuggingfaceContainer's default load_dataset) imports `datasets` when the data is loaded
    (load_dataset.py:33-37): without it Olive fails with ModuleNotFoundError: No module named 'datasets'. olive-ai
    does not depend on it. Only data configs that something uses are reported."""
    env = ctx.environment
    behaviour = component_behaviour(ctx.model)
    if env is None or getattr(env, "error", None) or env.has("datasets") or behaviour is None:
        return
    for entry in entries(ctx, behaviour):
        part = entry.part("load_dataset")
        if not entry.used or entry.has_user_script or part.type != "huggingface_dataset":
            continue
        node = part.node.get("type") if part.node is not None and part.node.get("type") is not None else entry.type_node or entry.node
        yield Finding.at(
            node,
            "Olive will fail loading this data: the 'datasets' package is not installed (pip install datasets).",
            detail=f"{part.type} imports datasets (load_dataset.py:33-37): ModuleNotFoundError: No module named 'datasets' in {env.python}.",
        )
