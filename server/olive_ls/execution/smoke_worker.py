"""The child side of `olive-ls smoke`: load an onnxruntime-genai model, generate greedily, print ONE JSON line.

    python -m olive_ls.execution.smoke_worker MODEL_DIR [--prompt TEXT] [--max-tokens N] [--no-chat-template]

This is the only olive-ls module that imports onnxruntime_genai, and it only ever runs in its own process
(the language server must never import it: a native crash or a multi-GB model load stays out of the editor).
It imports nothing from olive_ls either, so it also runs under another interpreter that only has genai.

Output: exactly one line of JSON on stdout, either the measurements or ``{"ok": false, "error": "..."}``.
Anything the native libraries print goes to stderr (fd 1 is redirected while they run).

Measurements:
- load_s: og.Model + og.Tokenizer construction.
- prompt_tokens / generated_tokens: token counts (the prompt after the chat template, if one was applied).
- time_to_first_token_s: from handing the prompt to the generator (prefill) until the first new token exists.
- tokens_per_second: new tokens after the first, divided by the time they took (decode speed); with a
  single new token, that token over the whole generation time.
- peak_memory_mb: this process's peak RSS (getrusage ru_maxrss), i.e. model load + generation.
- model_size_mb: the model folder's size on disk.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

DEFAULT_PROMPT = "Write one sentence about the sea."


def _emit(fd: int, payload: dict) -> None:
    data = (json.dumps(payload, ensure_ascii=False) + "\n").encode("utf-8")
    while data:
        n = os.write(fd, data)
        data = data[n:]


def _dir_size(path: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += (Path(dirpath) / f).stat().st_size
            except OSError:
                pass
    return total


def _peak_rss_mb() -> float | None:
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes
    return round(peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024, 1)


def _read_chat_template(model_dir: Path) -> str | None:
    cfg = model_dir / "tokenizer_config.json"
    if cfg.is_file():
        try:
            tpl = json.loads(cfg.read_text(encoding="utf-8")).get("chat_template")
        except (OSError, ValueError):
            tpl = None
        if isinstance(tpl, str) and tpl.strip():
            return tpl
        if isinstance(tpl, list) and tpl:  # named templates: [{"name": "default", "template": "..."}]
            for item in tpl:
                if isinstance(item, dict) and item.get("name") == "default" and item.get("template"):
                    return item["template"]
    jinja = model_dir / "chat_template.jinja"  # transformers >= 4.4x writes it separately
    if jinja.is_file():
        try:
            return jinja.read_text(encoding="utf-8")
        except OSError:
            return None
    return None


def _apply_chat_template(tokenizer, model_dir: Path, prompt: str) -> tuple[str, str]:
    """Returns (text to encode, how): how is 'genai', 'transformers', 'none' or 'failed: ...'."""
    template = _read_chat_template(model_dir)
    if template is None:
        return prompt, "none"
    messages = [{"role": "user", "content": prompt}]
    errors = []
    try:
        return tokenizer.apply_chat_template(json.dumps(messages), template_str=template, add_generation_prompt=True), "genai"
    except Exception as exc:  # genai's template engine supports a subset of Jinja
        errors.append(f"genai: {exc}")
    try:
        from transformers import AutoTokenizer

        hf_tok = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
        if not getattr(hf_tok, "chat_template", None):
            hf_tok.chat_template = template
        text = hf_tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        return text, "transformers"
    except Exception as exc:
        errors.append(f"transformers: {exc}")
    return prompt, "failed: " + "; ".join(errors)


def _context_length(model_dir: Path) -> int | None:
    try:
        cfg = json.loads((model_dir / "genai_config.json").read_text(encoding="utf-8"))
        return int(cfg["model"]["context_length"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def run(model_dir: Path, prompt: str, max_tokens: int, use_chat_template: bool = True) -> dict:
    if not model_dir.exists():
        return {"ok": False, "error": f"{model_dir}: no such folder", "kind": "input"}
    if not model_dir.is_dir():
        return {"ok": False, "error": f"{model_dir}: not a folder", "kind": "input"}
    if not (model_dir / "genai_config.json").is_file():
        return {
            "ok": False,
            "kind": "not_genai",
            "error": (
                f"{model_dir} is not an onnxruntime-genai model (no genai_config.json). Produce one with the "
                "ModelBuilder pass (a config with passes: {\"builder\": {\"type\": \"ModelBuilder\", "
                "\"precision\": \"int4\"}}, see `olive-ls new`), or `olive auto-opt ... --use_ort_genai`."
            ),
        }
    try:
        import onnxruntime_genai as og
    except ImportError as exc:
        return {
            "ok": False,
            "kind": "missing_package",
            "error": f"onnxruntime-genai is not installed for {sys.executable} ({exc}); pip install onnxruntime-genai",
        }

    size_bytes = _dir_size(model_dir)
    t0 = time.perf_counter()
    try:
        model = og.Model(str(model_dir))
        tokenizer = og.Tokenizer(model)
    except Exception as exc:
        return {"ok": False, "kind": "load", "error": f"onnxruntime-genai could not load {model_dir}: {exc}"}
    load_s = time.perf_counter() - t0

    how = "disabled"
    text_in = prompt
    if use_chat_template:
        text_in, how = _apply_chat_template(tokenizer, model_dir, prompt)
    try:
        input_ids = tokenizer.encode(text_in)
    except Exception as exc:
        return {"ok": False, "kind": "tokenize", "error": f"tokenizing the prompt failed: {exc}"}
    prompt_tokens = len(input_ids)
    max_length = prompt_tokens + max_tokens
    ctx = _context_length(model_dir)
    if ctx is not None and max_length > ctx:
        if prompt_tokens >= ctx:
            return {
                "ok": False,
                "kind": "input",
                "error": f"the prompt has {prompt_tokens} tokens; the model's context length is {ctx}",
            }
        max_length = ctx

    generated: list[int] = []
    try:
        params = og.GeneratorParams(model)
        params.set_search_options(max_length=max_length, do_sample=False)
        generator = og.Generator(model, params)
        t_start = time.perf_counter()
        generator.append_tokens(input_ids)
        t_first = None
        while not generator.is_done() and len(generated) < max_tokens:
            generator.generate_next_token()
            generated.append(int(generator.get_next_tokens()[0]))
            if t_first is None:
                t_first = time.perf_counter()
        t_end = time.perf_counter()
    except Exception as exc:
        return {"ok": False, "kind": "generate", "error": f"generation failed: {exc}"}

    if t_first is None:
        ttft = None
        tps = None
    else:
        ttft = t_first - t_start
        if len(generated) > 1 and t_end > t_first:
            tps = (len(generated) - 1) / (t_end - t_first)
        else:
            tps = len(generated) / (t_end - t_start) if t_end > t_start else None
    try:
        text = tokenizer.decode(generated) if generated else ""
    except Exception as exc:
        text = f"<could not decode: {exc}>"
    return {
        "ok": True,
        "model_dir": str(model_dir),
        "prompt": prompt,
        "chat_template": how,
        "text": text,
        "prompt_tokens": prompt_tokens,
        "generated_tokens": len(generated),
        "generated_token_ids": generated[:64],
        "time_to_first_token_s": round(ttft, 6) if ttft is not None else None,
        "tokens_per_second": round(tps, 2) if tps is not None else None,
        "generation_s": round(t_end - t_start, 6),
        "load_s": round(load_s, 4),
        "peak_memory_mb": _peak_rss_mb(),
        "model_size_mb": round(size_bytes / (1024 * 1024), 3),
        "onnxruntime_genai": getattr(og, "__version__", None),
    }


def main(argv: list[str] | None = None) -> int:
    # Keep fd 1 for our single JSON line; everything else (Python prints, native logs) goes to stderr.
    out_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    parser = argparse.ArgumentParser(prog="smoke_worker")
    parser.add_argument("model_dir")
    parser.add_argument("--prompt", default=DEFAULT_PROMPT)
    parser.add_argument("--max-tokens", type=int, default=32)
    parser.add_argument("--no-chat-template", action="store_true")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        _emit(out_fd, {"ok": False, "kind": "input", "error": "bad arguments to smoke_worker"})
        return int(exc.code or 2)
    try:
        result = run(Path(args.model_dir), args.prompt, max(1, args.max_tokens), not args.no_chat_template)
    except Exception as exc:  # never a traceback to the user
        result = {"ok": False, "kind": "crash", "error": f"{type(exc).__name__}: {exc}"}
    _emit(out_fd, result)
    return 0 if result.get("ok") else 1


if __name__ == "__main__":
    sys.exit(main())
