"""The olive-ls demo (`make demo`): check, run and smoke-test an Olive workflow, offline, in about half a minute.

1. Build a tiny random-weight Llama into samples/tiny-llama/model (skipped when it is already there).
2. `olive-ls check samples/`, if this checkout has the check command.
3. `olive-ls run samples/tiny-llama/config.json`: Olive's ModelBuilder pass turns it into an int4
   onnxruntime-genai model.
4. `olive-ls smoke <output folder>`: load it with onnxruntime-genai and generate a few tokens.
5. A short summary: model folder, size, tokens/s, time to first token, generated text (gibberish: the weights
   are random).

Nothing is downloaded. Exit code 0 when the run produced a model and the smoke test generated tokens.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "samples" / "tiny-llama"
MODEL_DIR = SAMPLE_DIR / "model"
CONFIG = SAMPLE_DIR / "config.json"
OLIVE_LS = [sys.executable, "-m", "olive_ls"]


def step(title: str) -> None:
    print(f"\n=== {title}", flush=True)


def show(cmd: list[str]) -> None:
    shown = ["olive-ls", *cmd[len(OLIVE_LS):]] if cmd[: len(OLIVE_LS)] == OLIVE_LS else cmd
    print("$ " + shlex.join(_rel(c) for c in shown), flush=True)


def _rel(arg: str) -> str:
    try:
        return str(Path(arg).relative_to(ROOT)) if Path(arg).is_absolute() else arg
    except ValueError:
        return arg


def has_check_command() -> bool:
    try:
        from olive_ls.cli.main import build_parser
    except Exception:
        return False
    try:
        parser = build_parser()
    except Exception:
        return False
    for action in parser._actions:  # argparse keeps the subcommands here
        choices = getattr(action, "choices", None)
        if isinstance(choices, dict) and "check" in choices:
            return True
    return False


def build_model() -> None:
    step("1. Tiny model")
    if (MODEL_DIR / "model.safetensors").is_file() and (MODEL_DIR / "tokenizer.json").is_file():
        print(f"{_rel(str(MODEL_DIR))}: already built, skipping")
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from build_tiny_model import build_tiny_model

    t0 = time.perf_counter()
    build_tiny_model(MODEL_DIR, "llama")
    print(f"built a random 2-layer Llama (vocab 300, hidden 64) in {time.perf_counter() - t0:.1f} s: {_rel(str(MODEL_DIR))}")


def check_samples() -> None:
    step("2. Check the sample configs")
    if not has_check_command():
        print("note: this checkout has no `olive-ls check` command yet; skipping the static check")
        return
    cmd = [*OLIVE_LS, "check", str(ROOT / "samples")]
    show(cmd)
    proc = subprocess.run(cmd, cwd=ROOT)
    if proc.returncode != 0:
        print(f"note: olive-ls check exited with code {proc.returncode}; the demo goes on with the run")


def run_config() -> dict | None:
    step("3. Run the tiny workflow with Olive")
    cmd = [*OLIVE_LS, "run", str(CONFIG), "--json", "--quiet"]
    show(cmd)
    # progress goes to stderr (shown live), the JSON result to stdout
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        result = json.loads(proc.stdout)
    except ValueError:
        print(f"olive-ls run gave no result (exit code {proc.returncode})")
        return None
    if not result.get("produced_model"):
        print(f"no model: {result.get('no_model_reason')}")
        for err in result.get("errors", []):
            path = ".".join(str(p) for p in err.get("config_path") or []) or "(config)"
            print(f"  {path}: {err['message']}")
        return None
    return result


def smoke(model_dir: str) -> dict | None:
    step("4. Smoke-test the output with onnxruntime-genai")
    cmd = [*OLIVE_LS, "smoke", model_dir, "--prompt", "Tell me about Olive.", "--max-tokens", "24", "--json"]
    show(cmd)
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        result = json.loads(proc.stdout)
    except ValueError:
        print(f"olive-ls smoke gave no result (exit code {proc.returncode})")
        return None
    if not result.get("ok"):
        print(f"smoke test failed: {result.get('error')}")
        return None
    return result


def main() -> int:
    t0 = time.perf_counter()
    build_model()
    check_samples()
    run = run_config()
    if run is None:
        return 1
    out_dir = run["output_dirs"][0]
    sm = smoke(out_dir)
    if sm is None:
        return 1
    fp = run["footprints"][0]
    step("Summary")
    ttft = sm.get("time_to_first_token_s")
    print(f"output model:    {_rel(out_dir)}")
    print(f"size on disk:    {fp['summary']}")
    print(f"olive run:       {run['duration_s']:.1f} s")
    print(f"load:            {sm['load_s']:.3f} s, peak memory {sm['peak_memory_mb']} MB")
    print(f"generation:      {sm['generated_tokens']} tokens at {sm['tokens_per_second']} tokens/s, "
          f"first token after {ttft * 1000:.2f} ms" if ttft is not None else "first token: ?")
    print(f"generated text:  {sm['text']!r}  (random weights: gibberish is expected)")
    print(f"token ids:       {sm.get('generated_token_ids')}")
    print(f"\ndemo finished in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
