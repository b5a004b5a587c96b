"""OLV6xx and olive_ls.environment: installed packages against what a config needs.

The rules run against hand-built `Environment`s, so they are deterministic; a few tests read the real interpreter.
"""

from __future__ import annotations

import copy
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diagnostic_helpers import REPO, TINY, check, find, text_at  # noqa: E402

from olive_ls.environment import (  # noqa: E402
    Environment,
    clear_caches,
    current_environment,
    environment_for,
    normalise_name,
    parse_requirement,
    parse_version,
    unmet,
    version_matches,
)

WORKING = {
    "olive-ai": "0.13.0",
    "onnxruntime": "1.32.0",
    "onnxruntime-genai": "0.14.1",
    "pydantic": "2.13.5",
    "torch": "2.13.0",
    "transformers": "5.24.0",
}


def env(drop=(), **versions) -> Environment:
    dists = {k: v for k, v in WORKING.items() if k not in drop}
    dists.update({k.replace("_", "-"): v for k, v in versions.items()})
    return Environment(python="/opt/venv/bin/python", distributions=dists)


def run(config: dict, environment: Environment):
    text = json.dumps(config, indent=2)
    return text, check(text, environment=environment)


def with_ep(ep: str, device: str = "gpu") -> dict:
    config = copy.deepcopy(TINY)
    config["systems"]["local_system"]["accelerators"] = [{"device": device, "execution_providers": [ep]}]
    return config


def only(findings, code):
    found = find(findings, code)
    assert len(found) == 1, [(f.code, f.text) for f in findings]
    return found[0]


ENV_CODES = ("OLV600", "OLV601", "OLV602", "OLV603", "OLV604", "OLV605", "OLV606", "OLV607", "OLV608")


def env_findings(findings):
    return [f for f in findings if f.code in ENV_CODES]


# --- the Environment object and version helpers -------------------------------------------------------------------


def test_environment_normalises_names_and_finds_flavours():
    e = Environment(
        python="p",
        distributions={"ONNXRuntime_GPU": "1.22", "onnxruntime": "1.32.0", "onnxruntime_genai": "0.14.1", "onnxruntime-extensions": "0.1"},
    )
    assert e.has("onnxruntime-gpu") and e.version("onnxruntime.gpu") == "1.22"
    assert e.onnxruntime_flavours() == ["onnxruntime", "onnxruntime-gpu"]
    assert e.genai_packages() == ["onnxruntime-genai"]
    assert not e.has("torch") and e.version("torch") is None
    assert normalise_name("Foo__Bar.baz") == "foo-bar-baz"


@pytest.mark.parametrize(
    "version, spec, expected",
    [
        ("0.14.1", ">=0.9,<0.15", True),
        ("0.15.2", ">=0.9,<0.15", False),
        ("0.15.0rc1", "<0.15", False),
        ("0.8.3", ">=0.9,<0.15", False),
        ("2.14.0rc1", ">=2.14.0.dev0", True),
        ("2.13.5", ">=2.14.0.dev0", False),
        ("1.32.0+cu121", "==1.32.0", True),
        ("0.30", ">=0.30.0", True),
        ("1.4.5", "~=1.4.0", True),
        ("1.5.0", "~=1.4.0", False),
        ("2.4.6", "<2.0", False),
        ("1.2.9", "==1.2.*", True),
    ],
)
def test_version_matches(version, spec, expected):
    assert version_matches(version, spec) is expected


def test_parse_version_orders_pre_and_post_releases():
    assert parse_version("1.0.dev1") < parse_version("1.0a1") < parse_version("1.0rc1") < parse_version("1.0") < parse_version("1.0.post1")
    assert parse_version("1.2") == parse_version("1.2.0")


def test_parse_requirement_and_unmet():
    requirement = parse_requirement("optimum[openvino]>=2.1.0")
    assert (requirement.name, requirement.extras, requirement.specifier) == ("optimum", ("openvino",), ">=2.1.0")
    e = Environment(python="p", distributions={"optimum": "1.0", "flash_attn": "2.0"})
    assert unmet(requirement, e) == "1.0 installed"
    assert unmet(parse_requirement("flash_attn"), e) is None
    assert unmet(parse_requirement("peft"), e) == "not installed"


def test_current_environment_reads_this_interpreter():
    clear_caches()
    e = current_environment()
    assert e.python == sys.executable and e.error is None
    import importlib.metadata

    assert e.version("jsonschema") == importlib.metadata.version("jsonschema")
    assert current_environment() is e  # cached while sys.path folders are unchanged


def test_reading_the_environment_imports_nothing_heavy():
    code = (
        "import sys; from olive_ls.environment import current_environment, environment_for; "
        "e = current_environment(); assert e.distributions; environment_for(sys.executable); "
        "bad = [m for m in ('olive', 'torch', 'onnxruntime', 'transformers', 'onnxruntime_genai') if m in sys.modules]; "
        "print(bad)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_environment_for_another_python(tmp_path):
    clear_caches()
    e = environment_for(sys.executable)
    assert e.error is None
    assert e.has("jsonschema")
    assert environment_for(sys.executable) is e  # cached per path and mtime
    missing = environment_for(tmp_path / "nope" / "python")
    assert missing.error and missing.error.startswith(f"could not inspect python {tmp_path / 'nope' / 'python'}")
    broken = tmp_path / "python"
    broken.write_text("#!/bin/sh\necho oops >&2\nexit 3\n")
    broken.chmod(broken.stat().st_mode | stat.S_IEXEC)
    failed = environment_for(broken)
    assert failed.error and "oops" in failed.error and failed.distributions == {}


# --- OLV601 -------------------------------------------------------------------------------------------------------


def test_ep_package_missing_blames_genai_pulling_in_cpu_onnxruntime():
    text, findings = run(with_ep("QNNExecutionProvider", "npu"), env())
    finding = only(findings, "OLV601")
    assert text_at(text, finding) == '"QNNExecutionProvider"'
    assert "onnxruntime-qnn" in finding.text and "#1901" in finding.text
    assert finding.severity == "warning"
    assert not find(run(with_ep("QNNExecutionProvider", "npu"), env(drop=("onnxruntime",), onnxruntime_qnn="1.22"))[1], "OLV601")


def test_ep_package_missing_without_genai():
    text, findings = run(with_ep("CUDAExecutionProvider"), env(drop=("onnxruntime-genai",)))
    finding = only(findings, "OLV601")
    assert text_at(text, finding) == '"CUDAExecutionProvider"'
    assert "pip uninstall onnxruntime && pip install onnxruntime-gpu" in finding.text
    assert not find(run(with_ep("CUDAExecutionProvider"), env(drop=("onnxruntime",), onnxruntime_gpu="1.22"))[1], "OLV601")
    # the CPU EP comes with every flavour
    assert not find(run(with_ep("CPUExecutionProvider", "cpu"), env(drop=("onnxruntime",), onnxruntime_gpu="1.22"))[1], "OLV601")


def test_ep_of_a_python_environment_system_is_checked_in_that_environment(tmp_path):
    clear_caches()
    bin_dir = tmp_path / "qnn-env" / "bin"
    bin_dir.mkdir(parents=True)
    fake = bin_dir / "python"
    fake.write_text('#!/bin/sh\necho \'{"python": "x", "python_version": "3.11", "distributions": {"onnxruntime": "1.22.0"}}\'\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    config = copy.deepcopy(TINY)
    config["systems"]["qnn"] = {
        "type": "PythonEnvironment",
        "python_environment_path": str(bin_dir),
        "accelerators": [{"device": "npu", "execution_providers": ["QNNExecutionProvider"]}],
    }
    config["target"] = "qnn"
    text = json.dumps(config, indent=2)
    good_here = env(drop=("onnxruntime",), onnxruntime_qnn="1.22")  # this Python has it, the target's does not
    findings = check(text, environment=good_here, path=tmp_path / "c.json")
    finding = only(findings, "OLV601")
    assert f"the PythonEnvironment {bin_dir}" in finding.text
    fake.write_text('#!/bin/sh\necho \'{"python": "x", "distributions": {"onnxruntime-qnn": "1.22.0"}}\'\n')
    os.utime(fake, ns=(fake.stat().st_atime_ns, fake.stat().st_mtime_ns + 10_000_000))
    assert not find(check(text, environment=good_here, path=tmp_path / "c.json"), "OLV601")


# --- OLV602 / OLV603 ----------------------------------------------------------------------------------------------


def test_several_flavours_installed():
    text, findings = run(with_ep("CUDAExecutionProvider"), env(onnxruntime_gpu="1.22.0"))
    finding = only(findings, "OLV602")
    assert text_at(text, finding) == '"CUDAExecutionProvider"'
    assert "onnxruntime 1.32.0, onnxruntime-gpu 1.22.0" in finding.text
    assert "pip install onnxruntime-gpu" in finding.text
    assert not find(run(with_ep("CUDAExecutionProvider"), env(drop=("onnxruntime",), onnxruntime_gpu="1.22.0"))[1], "OLV602")


def test_no_onnxruntime_at_all():
    text, findings = run(copy.deepcopy(TINY), env(drop=("onnxruntime",)))
    finding = only(findings, "OLV603")
    assert text_at(text, finding) == '"systems"'
    assert "No module named 'onnxruntime'" in finding.text
    assert not find(run(copy.deepcopy(TINY), env())[1], "OLV603")


# --- OLV604 / OLV605 ----------------------------------------------------------------------------------------------


def test_model_builder_without_genai():
    text, findings = run(copy.deepcopy(TINY), env(drop=("onnxruntime-genai",)))
    finding = only(findings, "OLV604")
    assert text_at(text, finding) == '"ModelBuilder"'
    assert "onnxruntime-genai>=0.9,<0.15" in finding.text
    assert not find(run(copy.deepcopy(TINY), env(drop=("onnxruntime-genai",), onnxruntime_genai_cuda="0.14.1"))[1], "OLV604")


@pytest.mark.parametrize(
    "version, said",
    [
        ("0.18.0", "No module named 'onnxruntime_genai.models.quantized_model'"),
        ("0.16.1", "No module named 'onnxruntime_genai.models.quantized_model'"),
        ("0.15.2", "Hugging Face details not found in extra_options"),
        ("0.8.0", "never verified"),
    ],
)
def test_genai_version_outside_what_model_builder_works_with(version, said):
    text, findings = run(copy.deepcopy(TINY), env(onnxruntime_genai=version))
    finding = only(findings, "OLV605")
    assert text_at(text, finding) == '"ModelBuilder"'
    assert said in finding.text
    assert f"onnxruntime-genai {version}" in finding.text


def test_genai_in_range_is_clean_and_no_model_builder_no_finding():
    assert not find(run(copy.deepcopy(TINY), env())[1], "OLV605")
    config = copy.deepcopy(TINY)
    config["passes"] = {"conv": {"type": "OnnxConversion"}}
    assert not find(run(config, env(onnxruntime_genai="0.18.0"))[1], "OLV605")


# --- OLV606 -------------------------------------------------------------------------------------------------------


def evaluated() -> dict:
    config = copy.deepcopy(TINY)
    config["data_configs"] = [{"name": "d", "type": "TransformersTokenDummyDataContainer"}]
    config["evaluators"] = {"e": {"metrics": [{"name": "l", "type": "latency", "sub_types": [{"name": "avg"}], "data_config": "d"}]}}
    config["evaluator"] = "e"
    return config


def test_pydantic_214_with_an_evaluator():
    text, findings = run(evaluated(), env(pydantic="2.14.4"))
    finding = only(findings, "OLV606")
    assert text_at(text, finding) == '"e"'
    assert "'NoneType' object has no attribute 'lower'" in finding.text and 'pydantic<2.14' in finding.text
    assert not find(run(evaluated(), env())[1], "OLV606")
    assert not find(run(copy.deepcopy(TINY), env(pydantic="2.14.4"))[1], "OLV606")  # no evaluator: no crash


# --- OLV607 -------------------------------------------------------------------------------------------------------


def lora() -> dict:
    config = copy.deepcopy(TINY)
    config["data_configs"] = [{"name": "train", "type": "HuggingfaceContainer"}]
    config["passes"] = {"l": {"type": "LoRA", "train_data_config": "train"}}
    return config


def test_pass_extras_missing():
    text, findings = run(lora(), env(accelerate="0.20.0"))
    finding = only(findings, "OLV607")
    assert text_at(text, finding) == '"LoRA"'
    assert 'pip install "olive-ai[lora]==0.13.0"' in finding.text
    assert "peft" in finding.text and "scipy" in finding.text
    assert "accelerate (0.20.0 installed, needs >=0.30.0)" in finding.text
    assert not find(run(lora(), env(accelerate="1.2.0", peft="0.14", scipy="1.15"))[1], "OLV607")


def test_pass_extras_same_packages_said_once_in_full():
    config = copy.deepcopy(TINY)
    config["input_model"] = {"type": "HfModel", "model_path": "org/name"}
    config["passes"] = {"a": {"type": "OpenVINOOptimumConversion"}, "b": {"type": "OpenVINOIoUpdate"}}
    findings = find(run(config, env())[1], "OLV607")
    assert len(findings) == 2
    assert "pip install" in findings[0].text and "same missing packages as OpenVINOOptimumConversion" in findings[1].text


# --- OLV608 / OLV600 ----------------------------------------------------------------------------------------------


def test_olive_not_installed_or_other_version():
    findings = run(copy.deepcopy(TINY), env(drop=("olive-ai",)))[1]
    finding = only(findings, "OLV608")
    assert finding.severity == "information" and "`olive run` will not work here" in finding.text
    finding = only(run(copy.deepcopy(TINY), env(olive_ai="0.12.0"))[1], "OLV608")
    assert finding.severity == "warning" and "olive-ai 0.12.0 is installed" in finding.text
    assert not find(run(copy.deepcopy(TINY), env())[1], "OLV608")


def test_uninspectable_environment_says_so_and_checks_nothing():
    broken = Environment(python="/x/python", error="could not inspect python /x/python: timed out")
    findings = env_findings(run(copy.deepcopy(TINY), broken)[1])
    assert [f.code for f in findings] == ["OLV600"]
    assert "timed out" in findings[0].text


def test_a_working_environment_is_clean_and_rules_are_off_without_environment_checks():
    assert env_findings(run(copy.deepcopy(TINY), env())[1]) == []
    assert env_findings(check(json.dumps(TINY), environment=None)) == []
    assert env_findings(check(json.dumps(with_ep("CUDAExecutionProvider")), env_checks=False)) == []


def test_current_environment_against_a_real_config():
    """The interpreter running the tests has olive-ai 0.13.0, onnxruntime and genai 0.14.1 (the run extra)."""
    e = current_environment()
    if not (e.has("olive-ai") and e.onnxruntime_flavours()):
        pytest.skip("the run extra is not installed here")
    findings = env_findings(run(copy.deepcopy(TINY), e)[1])
    # whatever is installed, the rules run and say only true, specific things
    for finding in findings:
        assert finding.code in ENV_CODES and finding.text
    if e.version("olive-ai") == "0.13.0" and e.version("onnxruntime-genai") == "0.14.1":
        assert not find(findings, "OLV604") and not find(findings, "OLV605") and not find(findings, "OLV608")
