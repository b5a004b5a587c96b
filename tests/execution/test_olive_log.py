"""Fast tests for the execution side that need no Olive run: log parsing, error mapping, config reading,
`olive-ls new` rules. The log excerpts are real `olive run` output (olive-ai 0.13.0, pydantic 2.13.5), trimmed
to the lines that matter; the slow end-to-end tests in test_run_and_smoke_cli.py produce the same lines live."""

from __future__ import annotations

import json

import pytest

from olive_ls.execution.config_file import ConfigInputError, count_passes, format_path, load_config, resolve_loc
from olive_ls.execution.new_config import NewConfigError, make_config, resolve_target, write_config
from olive_ls.execution.olive_log import OliveOutputAnalyzer, parse_log_line, parse_validation_error


def base_config(**passes):
    return {
        "input_model": {"type": "HfModel", "model_path": "tiny-llama"},
        "systems": {
            "local_system": {
                "type": "LocalSystem",
                "accelerators": [{"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}],
            }
        },
        "passes": passes or {"builder": {"type": "ModelBuilder", "precision": "int4"}},
        "host": "local_system",
        "target": "local_system",
        "output_dir": "out",
    }


def analyze(text: str, config: dict, returncode: int):
    a = OliveOutputAnalyzer(count_passes(config))
    events = []
    for line in text.strip("\n").splitlines():
        events += a.feed(line)
    return a, events, a.errors(config, returncode)


TB_HEAD = """Traceback (most recent call last):
  File "<frozen runpy>", line 198, in _run_module_as_main
  File "/v/lib/python3.11/site-packages/olive/cli/launcher.py", line 79, in main
    service.run()
  File "/v/lib/python3.11/site-packages/pydantic/main.py", line 732, in model_validate
    return cls.__pydantic_validator__.validate_python(
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
"""

FP16_LOG = """
[2026-11-25 11:11:49,163] [INFO] [run.py:99:run_engine] Running workflow default_workflow
[2026-11-25 11:11:49,190] [INFO] [accelerator_creator.py:200:create_accelerator] Running workflow on accelerator spec: cpu-cpu
[2026-11-25 11:11:49,201] [INFO] [engine.py:207:run] Running Olive on accelerator: cpu-cpu
[2026-11-25 11:11:49,208] [INFO] [engine.py:665:_run_pass] Running pass builder:modelbuilder
[2026-11-25 11:11:49,208] [INFO] [model_builder.py:194:validate_config] FP16 is not supported on CPU.
[2026-11-25 11:11:49,208] [WARNING] [engine.py:670:_run_pass] Invalid config, pruned.
[2026-11-25 11:11:49,208] [WARNING] [engine.py:648:_run_passes] Skipping evaluation as model was pruned
[2026-11-25 11:11:49,208] [WARNING] [engine.py:332:_run_no_search] Flow ['builder'] is pruned due to failed or invalid config for pass 'builder'
[2026-11-25 11:11:49,208] [INFO] [engine.py:293:run_accelerator] Save footprint to /tmp/bad/out/footprint.json.
[2026-11-25 11:11:49,208] [INFO] [engine.py:216:run] Run history for cpu-cpu:
[2026-11-25 11:11:49,209] [WARNING] [engine.py:237:run] No output model produced. Please check the log for details.
"""

OK_LOG = """
[2026-11-25 11:12:47,357] [INFO] [run.py:99:run_engine] Running workflow default_workflow
[2026-11-25 11:12:47,387] [INFO] [engine.py:207:run] Running Olive on accelerator: cpu-cpu
[2026-11-25 11:12:47,393] [WARNING] [config_utils.py:383:validate_config] Keys {'int4_blocksize'} are not part of ModelBuilderConfig. Ignoring them.
[2026-11-25 11:12:47,397] [INFO] [engine.py:665:_run_pass] Running pass builder:modelbuilder
GroupQueryAttention (GQA) is used in this model.
Reading layer 0
[2026-11-25 11:12:48,423] [INFO] [engine.py:733:_run_pass] Pass builder:modelbuilder finished in 1.026112 seconds
[2026-11-25 11:12:48,423] [INFO] [engine.py:665:_run_pass] Running pass peep:onnxpeepholeoptimizer
[2026-11-25 11:12:48,454] [INFO] [engine.py:733:_run_pass] Pass peep:onnxpeepholeoptimizer finished in 0.030832 seconds
[2026-11-25 11:12:48,457] [INFO] [cache.py:199:load_model] Loading model dd13c2f4 from cache.
[2026-11-25 11:12:48,459] [INFO] [engine.py:235:run] Saved output model to /tmp/bad/out
"""


def test_parse_log_line():
    rec = parse_log_line("[2026-11-25 11:10:14,457] [INFO] [engine.py:665:_run_pass] Running pass builder:modelbuilder")
    assert rec.level == "INFO" and rec.source == "engine.py:665:_run_pass"
    assert rec.message == "Running pass builder:modelbuilder"
    assert parse_log_line("Reading layer 0") is None


def test_progress_and_success():
    config = base_config(
        builder={"type": "ModelBuilder", "precision": "int4", "int4_blocksize": 32},
        peep={"type": "OnnxPeepholeOptimizer"},
    )
    a, events, errors = analyze(OK_LOG, config, 0)
    messages = [m for m, _ in events]
    assert "Running pass builder (modelbuilder) [1/2]" in messages
    assert "Pass builder finished in 1.03 s" in messages
    assert "Running pass peep (onnxpeepholeoptimizer) [2/2]" in messages
    percents = [p for _, p in events if p is not None]
    assert percents == sorted(percents) and percents[-1] == 100
    assert a.saved_paths == ["/tmp/bad/out"] and a.model_saved()
    assert errors == [] and a.no_model_reason(0) is None
    (warning,) = a.warnings(config)
    assert warning.config_path == ("passes", "builder", "int4_blocksize")
    assert "not a parameter of ModelBuilderConfig" in warning.message


def test_fp16_on_cpu_is_pruned_with_exit_0():
    config = base_config(builder={"type": "ModelBuilder", "precision": "fp16"})
    a, events, errors = analyze(FP16_LOG, config, 0)
    assert not a.model_saved()
    reason = a.no_model_reason(0)
    assert "exit code 0 but produced no model" in reason and "FP16 is not supported on CPU." in reason
    (err,) = errors
    assert err.config_path == ("passes", "builder", "precision") and err.kind == "pruned"
    assert ("Pass builder pruned: FP16 is not supported on CPU.", None) in events


def test_pass_config_validation_error_nested_config():
    config = base_config(builder={"type": "ModelBuilder", "config": {"precision": "int4", "int4_block_size": 48}})
    text = TB_HEAD + """pydantic_core._pydantic_core.ValidationError: 4 validation errors for ModelBuilderConfig
int4_block_size.`int-enum[ModelBuilder.BlockSize]`
  Input should be 16, 32, 64, 128 or 256 [type=enum, input_value=48, input_type=int]
    For further information visit https://errors.pydantic.dev/2.13/v/enum
int4_block_size.is-instance[SearchParameter]
  Input should be an instance of SearchParameter [type=is_instance_of, input_value=48, input_type=int]
    For further information visit https://errors.pydantic.dev/2.13/v/is_instance_of
int4_block_size.str-enum[PassParamDefault]
  Input should be 'DEFAULT_VALUE' or 'SEARCHABLE_VALUES' [type=enum, input_value=48, input_type=int]
    For further information visit https://errors.pydantic.dev/2.13/v/enum
"""
    _, _, errors = analyze(text, config, 1)
    (err,) = errors
    assert err.config_path == ("passes", "builder", "config", "int4_block_size")
    assert err.message == "int4_block_size: Input should be 16, 32, 64, 128 or 256 (got 48)"


def test_pass_validation_error_picks_the_pass_with_the_bad_value():
    config = base_config(
        good={"type": "ModelBuilder", "precision": "int4"},
        bad={"type": "modelbuilder", "precision": "int3"},
    )
    text = TB_HEAD + """pydantic_core._pydantic_core.ValidationError: 1 validation error for ModelBuilderConfig
precision
  Input should be 'int4', 'int8', 'int16', 'int32', 'uint4', 'uint8', 'uint16', 'uint32', 'fp4', 'fp8', 'fp16', 'fp32', 'nf4' or 'bf16' [type=enum, input_value='int3', input_type=str]
    For further information visit https://errors.pydantic.dev/2.13/v/enum
"""
    _, _, errors = analyze(text, config, 1)
    assert [e.config_path for e in errors] == [("passes", "bad", "precision")]
    assert "(got 'int3')" in errors[0].message


def test_missing_required_pass_parameter():
    config = base_config(builder={"type": "ModelBuilder"})
    text = TB_HEAD + """pydantic_core._pydantic_core.ValidationError: 1 validation error for ModelBuilderConfig
precision
  Field required [type=missing, input_value={}, input_type=dict]
    For further information visit https://errors.pydantic.dev/2.13/v/missing
"""
    _, _, errors = analyze(text, config, 1)
    assert errors[0].config_path == ("passes", "builder")
    assert "missing the required parameter 'precision'" in errors[0].message


def test_engine_extra_key_and_cascade_dropped():
    config = base_config()
    config["engine"] = {"execution_providers": ["CPUExecutionProvider"]}
    text = TB_HEAD + """pydantic_core._pydantic_core.ValidationError: 2 validation errors for RunConfig
engine.execution_providers
  Extra inputs are not permitted [type=extra_forbidden, input_value=['CPUExecutionProvider'], input_type=list]
    For further information visit https://errors.pydantic.dev/2.13/v/extra_forbidden
passes
  Value error, Invalid engine [type=value_error, input_value={'builder': [{'type': 'Mo..., 'precision': 'int4'}]}, input_type=dict]
    For further information visit https://errors.pydantic.dev/2.13/v/value_error
"""
    _, _, errors = analyze(text, config, 1)
    assert [e.config_path for e in errors] == [("engine", "execution_providers")]


def test_top_level_engine_key_keeps_the_users_path():
    config = base_config()
    config["$schema"] = "https://microsoft.github.io/Olive/schema.json"
    text = TB_HEAD + """pydantic_core._pydantic_core.ValidationError: 2 validation errors for RunConfig
engine.$schema
  Extra inputs are not permitted [type=extra_forbidden, input_value='x', input_type=str]
    For further information visit https://errors.pydantic.dev/2.13/v/extra_forbidden
passes
  Value error, Invalid engine [type=value_error, input_value={'builder': [{'type': 'Mo..., 'precision': 'int4'}]}, input_type=dict]
"""
    _, _, errors = analyze(text, config, 1)
    assert [e.config_path for e in errors] == [("$schema",)]


def test_name_references():
    config = base_config()
    config["host"] = "nope"
    text = TB_HEAD + """pydantic_core._pydantic_core.ValidationError: 2 validation errors for RunConfig
engine
  Value error, nope not found in {'local_system': SystemConfig(type=<SystemType.Local: 'LocalSystem'>, config=LocalTargetUserConfig(accelerators=[AcceleratorConfig(device='cpu', execution_providers=['CPUExecutionProvider'], memory=None)], hf_token=None))} [type=value_error, input_value={'host': 'nope', 'target'...'log_severity_level': 1}, input_type=dict]
    For further information visit https://errors.pydantic.dev/2.13/v/value_error
passes
  Value error, Invalid engine [type=value_error, input_value={'builder': [{'type': 'Mo..., 'precision': 'int4'}]}, input_type=dict]
"""
    _, _, errors = analyze(text, config, 1)
    (err,) = errors
    assert err.config_path == ("host",)
    assert err.message == "system 'nope' is not defined (known: local_system)"

    config = base_config(q={"type": "OnnxStaticQuantization", "config": {"data_config": "calib"}})
    text = TB_HEAD + """pydantic_core._pydantic_core.ValidationError: 1 validation error for RunConfig
passes
  Value error, calib not found in {} [type=value_error, input_value={'builder': [{'type': 'mo...ne, 'evaluator': None}]}, input_type=dict]
    For further information visit https://errors.pydantic.dev/2.13/v/value_error
"""
    _, _, errors = analyze(text, config, 1)
    assert errors[0].config_path == ("passes", "q", "config", "data_config")
    assert errors[0].message == "data config 'calib' is not defined (known: none are defined)"


def test_flat_system_config_loc():
    config = base_config()
    config["systems"]["local_system"]["accelerators"] = ["cpu"]
    assert resolve_loc(config, "systems.local_system.config.accelerators.0".split(".")) == (
        "systems",
        "local_system",
        "accelerators",
        0,
    )
    assert resolve_loc(config, "passes.builder.0.config.precision".split(".")) == ("passes", "builder", "precision")
    assert format_path(("systems", "local_system", "accelerators", 0)) == "systems.local_system.accelerators[0]"


def test_unknown_pass_type_and_hub_failure():
    config = base_config(builder={"type": "GenAIModelExporter", "precision": "int4"})
    text = TB_HEAD + "ValueError: Package configuration for pass of type 'genaimodelexporter' not found\n"
    _, _, errors = analyze(text, config, 1)
    assert errors[0].config_path == ("passes", "builder", "type") and errors[0].kind == "unknown_pass"

    config = base_config()
    config["input_model"]["model_path"] = "does-not-exist"
    text = """[2026-11-25 11:12:00,635] [INFO] [engine.py:842:_create_system] Host system created in 0.000023 seconds
Traceback (most recent call last):
  File "/v/lib/python3.11/site-packages/httpcore2/_exceptions.py", line 10, in map_exceptions
    yield
httpcore2.ConnectError: [Errno -2] Name or service not known

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/v/lib/python3.11/site-packages/olive/model/config/model_config.py", line 78, in get_model_identifier
    repo_info(model_path)
  File "/v/lib/python3.11/site-packages/huggingface_hub/hf_api.py", line 3535, in repo_info
    return method(
httpx2.ConnectError: [Errno -2] Name or service not known
"""
    _, _, errors = analyze(text, config, 1)
    (err,) = errors
    assert err.config_path == ("input_model", "model_path") and err.kind == "model_path"
    assert "'does-not-exist' is not a local folder" in err.message


def test_failed_pass_logged_twice_reports_once():
    config = base_config(q={"type": "OnnxDynamicQuantization"})
    tb = """Traceback (most recent call last):
  File "/v/lib/python3.11/site-packages/onnx/__init__.py", line 168, in _load_bytes
    with open(f, "rb") as readable:
IsADirectoryError: [Errno 21] Is a directory: '/tmp/tm/tiny-llama'
"""
    text = (
        "[2026-11-25 11:12:41,855] [INFO] [engine.py:665:_run_pass] Running pass q:onnxdynamicquantization\n"
        "[2026-11-25 11:12:42,225] [ERROR] [engine.py:728:_run_pass] Pass run failed.\n"
        + tb
        + "[2026-11-25 11:12:42,226] [WARNING] [engine.py:288:run_accelerator] Failed to run Olive on cpu-cpu.\n"
        + tb
        + "[2026-11-25 11:12:42,228] [WARNING] [engine.py:237:run] No output model produced. Please check the log for details.\n"
    )
    a, _, errors = analyze(text, config, 0)
    (err,) = errors
    assert err.config_path == ("passes", "q") and err.kind == "pass_failed"
    assert "IsADirectoryError" in err.message
    assert "pass 'q' failed: IsADirectoryError" in a.no_model_reason(0)


def test_parse_validation_error_header():
    model, items = parse_validation_error(
        "1 validation error for RunConfig\ninput_model.type\n  Value error, Unknown model type HuggingFaceModel "
        "[type=value_error, input_value='HuggingFaceModel', input_type=str]\n"
    )
    assert model == "RunConfig"
    assert items[0].loc == ["input_model", "type"] and items[0].msg == "Unknown model type HuggingFaceModel"


# ------------------------------------------------------------------------------------------ reading configs
def test_load_config_bad_inputs(tmp_path):
    with pytest.raises(ConfigInputError, match="no such file"):
        load_config(tmp_path / "missing.json")
    with pytest.raises(ConfigInputError, match="is a folder"):
        load_config(tmp_path)
    (tmp_path / "a.jsonc").write_text("{}")
    with pytest.raises(ConfigInputError, match="unsupported file type .jsonc"):
        load_config(tmp_path / "a.jsonc")
    (tmp_path / "b.json").write_text('{"input_model": ')
    with pytest.raises(ConfigInputError, match=r"b.json:1:\d+: not valid JSON"):
        load_config(tmp_path / "b.json")
    (tmp_path / "c.json").write_text('{"passes": {}}')
    with pytest.raises(ConfigInputError, match="no input_model"):
        load_config(tmp_path / "c.json")
    (tmp_path / "d.json").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ConfigInputError, match="not a text file"):
        load_config(tmp_path / "d.json")
    (tmp_path / "e.yaml").write_text("input_model: {type: HfModel\n")
    with pytest.raises(ConfigInputError, match="not valid YAML"):
        load_config(tmp_path / "e.yaml")
    (tmp_path / "f.yml").write_text("input_model: {type: HfModel}\npasses: {a: {type: ModelBuilder}, b: [{type: X}]}\n")
    assert count_passes(load_config(tmp_path / "f.yml")) == 2


# ------------------------------------------------------------------------------------------ olive-ls new rules
def test_new_targets():
    assert resolve_target(None, None, "int4") == ("cpu", "CPUExecutionProvider", "int4")
    assert resolve_target(None, "cuda", "fp16") == ("gpu", "CUDAExecutionProvider", "fp16")
    assert resolve_target(None, "DirectML", "int4") == ("gpu", "DmlExecutionProvider", "int4")
    assert resolve_target("gpu", None, "bf16") == ("gpu", "CUDAExecutionProvider", "bf16")
    with pytest.raises(NewConfigError, match="FP16 is not supported on CPU"):
        resolve_target("cpu", None, "fp16")
    with pytest.raises(NewConfigError, match="FP16 is not supported on CPU"):
        resolve_target("npu", "dml", "fp16")
    with pytest.raises(NewConfigError, match="not an execution provider for device cpu"):
        resolve_target("cpu", "CUDAExecutionProvider", "int4")
    with pytest.raises(NewConfigError, match="ModelBuilder cannot build for QNNExecutionProvider"):
        resolve_target("npu", "qnn", "int4")
    with pytest.raises(NewConfigError, match="needs an execution provider"):
        resolve_target("npu", None, "int4")
    with pytest.raises(NewConfigError, match="bf16"):
        resolve_target("gpu", "dml", "bf16")
    with pytest.raises(NewConfigError, match="precision 'int3'"):
        resolve_target("cpu", None, "int3")
    with pytest.raises(NewConfigError, match="unknown execution provider"):
        resolve_target("cpu", "Cuda2", "int4")


def test_new_write_refuses_overwrite(tmp_path):
    model = tmp_path / "m"
    model.mkdir()
    (model / "config.json").write_text("{}")
    cfg = make_config(model=str(model), precision="int8", config_dir=tmp_path / "cfg")
    assert cfg["input_model"]["model_path"] == "../m"
    assert cfg["passes"]["model_builder"] == {"type": "ModelBuilder", "precision": "int8"}
    out = write_config(tmp_path / "cfg" / "c.json", cfg)
    assert json.loads(out.read_text()) == cfg
    before = out.read_bytes()
    with pytest.raises(NewConfigError, match="already exists"):
        write_config(out, make_config(model="org/other"))
    assert out.read_bytes() == before
    write_config(out, make_config(model="org/other"), force=True)
    assert json.loads(out.read_text())["input_model"]["model_path"] == "org/other"
    with pytest.raises(NewConfigError, match="no such local folder"):
        make_config(model="./nope", config_dir=tmp_path)


def test_python_without_olive():
    config = base_config()
    _, _, errors = analyze("/usr/bin/python3: No module named olive\n", config, 1)
    (err,) = errors
    assert err.config_path is None and "olive-ai is not installed for /usr/bin/python3" in err.message


def test_execution_api_is_light_to_import():
    import subprocess
    import sys

    code = (
        "import sys, olive_ls.execution, olive_ls.cli.run, olive_ls.execution.new_config\n"
        "heavy = [m for m in ('olive', 'torch', 'onnxruntime', 'onnxruntime_genai', 'transformers', 'yaml')"
        " if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
