"""End to end: real Olive, real onnxruntime-genai, a tiny random model built on the spot; no mocks, no network.

One Olive run takes ~6 s here (3-4 s when it fails at validation), so each scenario runs once.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytest.importorskip("olive")
pytest.importorskip("onnxruntime_genai")

ROOT = Path(__file__).resolve().parents[2]
OLIVE_LS = [sys.executable, "-m", "olive_ls"]
TINY_SAMPLE = ROOT / "samples" / "tiny-llama" / "config.json"

pytestmark = [pytest.mark.slow, pytest.mark.olive]


# ---------------------------------------------------------------------------------------------- fixtures/helpers
def make_workspace(folder: Path, tiny_model: Path, **pass_overrides) -> Path:
    """A folder with the tiny sample config and a copy of the model at ./model; returns the config path."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(tiny_model, folder / "model")
    config = json.loads(TINY_SAMPLE.read_text(encoding="utf-8"))
    config["passes"]["builder"].update(pass_overrides)
    path = folder / "config.json"
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return path


def olive_ls(*args: str, cwd: Path | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([*OLIVE_LS, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def processes_mentioning(needle: str) -> list[str]:
    """Command lines (from /proc) of live processes that contain `needle`, this process excluded."""
    found = []
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            state = next((ln for ln in (entry / "status").read_text().splitlines() if ln.startswith("State:")), "")
        except OSError:
            continue
        if needle in cmdline and "Z (zombie)" not in state:
            found.append(cmdline)
    return found


def wait_gone(needle: str, timeout: float = 5.0) -> list[str]:
    deadline = time.monotonic() + timeout
    while (left := processes_mentioning(needle)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def write_forking_python(folder: Path) -> Path:
    """A stand-in for `python` that first starts a long-lived child (a grandchild of olive-ls, which only a
    process-group kill reaches), then becomes the real interpreter running Olive."""
    wrapper = folder / "forking-python"
    wrapper.write_text(
        f"#!{sys.executable}\n"
        "import os, subprocess, sys\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)', os.environ['OLIVE_LS_TEST_MARKER']])\n"
        "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])\n",
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    return wrapper


@pytest.fixture(scope="module")
def good_run(tiny_model, tmp_path_factory):
    config = make_workspace(tmp_path_factory.mktemp("run") / "ws", tiny_model)
    proc = olive_ls("run", str(config), "--json", "--quiet")
    return config, proc


# ---------------------------------------------------------------------------------------------- run
def test_run_produces_genai_model(good_run):
    config, proc = good_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(proc.stdout)
    assert result["produced_model"] is True and result["errors"] == []
    (out,) = result["output_dirs"]
    assert Path(out) == config.parent / "out" / "int4"
    assert (Path(out) / "genai_config.json").is_file() and (Path(out) / "model.onnx").is_file()
    fp = result["footprints"][0]
    assert fp["genai"] is True and fp["model_type"] == "llama"
    assert 0 < fp["total_bytes"] < fp["input_bytes"]  # int4 is smaller than the fp32 input
    assert "Running pass builder (modelbuilder) [1/1]" in proc.stderr  # progress
    # the HF scratch space and the log stayed inside the workspace
    assert (config.parent / ".olive-ls" / "hf-home").is_dir()
    assert "Saved output model to" in Path(result["log_path"]).read_text()


def test_smoke_json(good_run):
    config, _ = good_run
    proc = olive_ls("smoke", str(config.parent / "out" / "int4"), "--json", "--max-tokens", "12", "--prompt", "Hi")
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout)
    assert r["ok"] is True and r["generated_tokens"] > 0 and r["prompt_tokens"] > 1
    assert r["chat_template"] == "genai"  # the tiny tokenizer has a chat template
    for key in ("time_to_first_token_s", "tokens_per_second", "peak_memory_mb", "model_size_mb", "load_s"):
        assert isinstance(r[key], (int, float)) and r[key] > 0, key
    assert isinstance(r["text"], str)


def test_hostile_path_runs_and_runs_nothing_else(tiny_model, tmp_path):
    folder = tmp_path / "a b'c;touch PWNED" / 'q"$(touch PWNED2)'
    config = make_workspace(folder, tiny_model)
    proc = olive_ls("run", str(config), "--quiet", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (folder / "out" / "int4" / "genai_config.json").is_file()
    assert "Model produced" in proc.stdout and str(folder / "out" / "int4") in proc.stdout
    for root in (tmp_path, ROOT, Path.cwd()):
        assert not list(root.glob("PWNED*")), root
    assert not list(tmp_path.rglob("PWNED")) and not list(tmp_path.rglob("PWNED2"))


def test_bad_block_size_maps_to_config_key(tiny_model, tmp_path):
    config = make_workspace(tmp_path / "ws", tiny_model, int4_block_size=48)
    proc = olive_ls("run", str(config), "--json", "--quiet")
    assert proc.returncode == 1
    result = json.loads(proc.stdout)
    assert result["produced_model"] is False
    err = result["errors"][0]
    assert err["config_path"] == ["passes", "builder", "int4_block_size"]
    assert "Input should be 16, 32, 64, 128 or 256 (got 48)" in err["message"]
    assert "Traceback" not in proc.stdout


def test_fp16_on_cpu_exits_1_with_no_model_statement(tiny_model, tmp_path):
    config = make_workspace(tmp_path / "ws", tiny_model, precision="fp16")
    proc = olive_ls("run", str(config), "--quiet")
    assert proc.returncode == 1
    assert "Olive finished with exit code 0 but produced no model" in proc.stdout
    assert "FP16 is not supported on CPU." in proc.stdout
    assert "passes.builder.precision: error:" in proc.stdout


# ---------------------------------------------------------------------------------------------- cancellation
def test_cancel_kills_olive_and_children_and_refuses_second_run(tiny_model, tmp_path):
    from olive_ls.execution.workflow_run import RunInProgressError, group_alive, run_workflow

    config = make_workspace(tmp_path / "ws", tiny_model)
    before = config.read_bytes()
    marker = f"olive-ls-cancel-{uuid.uuid4().hex}"
    python = write_forking_python(tmp_path)
    progress: list[str] = []

    async def scenario():
        started = asyncio.Event()
        cancel = asyncio.Event()

        def on_progress(message, percent):
            progress.append(message)
            if message.startswith("Starting workflow"):  # Olive's own first log line: it is running
                started.set()

        task = asyncio.create_task(
            run_workflow(config, python=str(python), on_progress=on_progress, cancel_event=cancel,
                         env={"OLIVE_LS_TEST_MARKER": marker}, grace_period_s=2.0)
        )
        await asyncio.wait_for(started.wait(), 60)
        assert processes_mentioning(marker), "the forked child should be alive while Olive runs"
        with pytest.raises(RunInProgressError, match="already in progress"):
            await run_workflow(config)
        cancel.set()
        return await asyncio.wait_for(task, 60)

    result = asyncio.run(scenario())
    assert result.cancelled and not result.produced_model
    assert wait_gone(marker) == [] and wait_gone(str(config)) == []
    assert not group_alive(result.pid)
    assert config.read_bytes() == before
    assert any(m.startswith("Cancelling") for m in progress)


def test_ctrl_c_returns_130_and_kills_the_tree(tiny_model, tmp_path):
    config = make_workspace(tmp_path / "ws", tiny_model)
    marker = f"olive-ls-sigint-{uuid.uuid4().hex}"
    python = write_forking_python(tmp_path)
    env = dict(os.environ, OLIVE_LS_TEST_MARKER=marker)
    proc = subprocess.Popen(
        [*OLIVE_LS, "run", str(config), "--python", str(python)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        # A foreground terminal's Ctrl-C: a shell starting background jobs (CI runners do) leaves SIGINT
        # ignored, and an ignored SIGINT is inherited, so give the child the default disposition back.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        seen = []
        for line in proc.stdout:
            seen.append(line)
            if "Starting workflow" in line:
                break
        else:
            pytest.fail("olive run never started:\n" + "".join(seen))
        proc.send_signal(signal.SIGINT)  # what Ctrl-C delivers to the foreground olive-ls
        rest, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, "".join(seen) + rest
    assert "interrupted" in rest and "Traceback" not in rest
    assert wait_gone(marker) == [] and wait_gone(str(config)) == []


# ---------------------------------------------------------------------------------------------- smoke, new, input
def test_smoke_on_non_genai_folder(tiny_model):
    proc = olive_ls("smoke", str(tiny_model))
    assert proc.returncode == 1
    assert "is not an onnxruntime-genai model (no genai_config.json)" in proc.stderr
    assert "ModelBuilder" in proc.stderr and "Traceback" not in proc.stderr


def test_smoke_worker_errors_come_back_clean(tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "genai_config.json").write_text("{not json")
    proc = olive_ls("smoke", str(broken), "--json")
    assert proc.returncode == 1
    r = json.loads(proc.stdout)
    assert r["ok"] is False and r["kind"] == "load" and "could not load" in r["error"]
    assert "Traceback" not in proc.stdout + proc.stderr


def test_new_writes_and_refuses_to_overwrite(tiny_model, tmp_path):
    out = tmp_path / "cfg" / "new.json"
    proc = olive_ls("new", "--model", str(tiny_model), "--precision", "int4", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    written = out.read_bytes()
    config = json.loads(written)
    assert config["passes"]["model_builder"]["precision"] == "int4"
    assert (out.parent / config["input_model"]["model_path"]).resolve() == tiny_model.resolve()
    again = olive_ls("new", "--model", "org/x", "-o", str(out))
    assert again.returncode == 2 and "already exists" in again.stderr
    assert out.read_bytes() == written
    refused = olive_ls("new", "--model", "org/x", "--device", "cpu", "--precision", "fp16", "-o", str(tmp_path / "f.json"))
    assert refused.returncode == 2 and "FP16 is not supported on CPU" in refused.stderr
    assert not (tmp_path / "f.json").exists()


@pytest.mark.parametrize("make", ["missing", "folder", "not_config", "bad_json", "binary"])
def test_run_bad_input_exits_2(tmp_path, make):
    target = {
        "missing": lambda: tmp_path / "nope.json",
        "folder": lambda: tmp_path,
        "not_config": lambda: _write(tmp_path / "x.json", '{"hello": 1}'),
        "bad_json": lambda: _write(tmp_path / "x.json", '{"input_model": '),
        "binary": lambda: _write(tmp_path / "x.json", b"\x00\xff\xfe"),
    }[make]()
    proc = olive_ls("run", str(target))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("olive-ls run: ")
    assert "Traceback" not in proc.stderr


def _write(path: Path, content) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path
