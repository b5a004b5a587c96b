"""Build a tiny random-weight causal LM (Llama or Qwen2) with its own byte-level BPE tokenizer, offline.

    python scripts/build_tiny_model.py [OUT_DIR] [--arch llama|qwen2] [--force]

The model has 2 layers, hidden size 64 and a 300-token vocabulary (about 112k parameters), so Olive's
ModelBuilder turns it into an onnxruntime-genai model in a second or two. Nothing is downloaded: the tokenizer
is trained here on a few sentences. The weights are random (seeded), so generated text is gibberish; the point
is to exercise the real pipeline end to end. The tokenizer gets a small ChatML-style chat template so that
the smoke test's chat-template path runs too.

Importable: `build_tiny_model(out_dir, arch="llama")`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ARCHES = ("llama", "qwen2")
SEED = 1234
VOCAB_SIZE = 300
SPECIAL_TOKENS = ["<unk>", "<s>", "</s>", "<pad>"]  # ids 0..3

# Minimal ChatML-like template. Kept plain Jinja (no loops over tools etc.) so that both transformers and
# onnxruntime-genai's own template engine can render it.
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<s>' + message['role'] + '\n' + message['content'] + '</s>\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<s>assistant\n' }}{% endif %}"
)

_CORPUS = [
    "Olive optimizes models for ONNX Runtime on CPU, GPU and NPU.",
    "The quick brown fox jumps over the lazy dog.",
    "A tiny language model is enough to test the whole pipeline end to end.",
    "Hello world! How are you today? I am fine, thank you.",
    "ModelBuilder writes model.onnx and genai_config.json for onnxruntime-genai.",
    "Quantize to int4, int8, fp16 or fp32 and compare the size on disk.",
    "user assistant system: tell me a story about a small robot.",
    "0123456789 + - * / = ( ) [ ] { } < > , . ; : ! ? ' \"",
]


def _train_tokenizer(out_dir: Path):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(_CORPUS * 4, trainer=trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        unk_token="<unk>",
        bos_token="<s>",
        eos_token="</s>",
        pad_token="<pad>",
    )
    fast.chat_template = CHAT_TEMPLATE
    fast.model_max_length = 256
    fast.save_pretrained(str(out_dir))
    # transformers 5 writes the template to chat_template.jinja and names its own backend class. Tools that read
    # tokenizer_config.json directly (onnxruntime-genai, older transformers) want the template inline and the
    # classic class name, so put both there as well.
    cfg_path = out_dir / "tokenizer_config.json"
    cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
    cfg["tokenizer_class"] = "PreTrainedTokenizerFast"
    cfg["chat_template"] = CHAT_TEMPLATE
    cfg_path.write_text(json.dumps(cfg, indent=2) + "\n", encoding="utf-8")
    return fast


def build_tiny_model(out_dir: str | Path, arch: str = "llama") -> Path:
    """Write a tiny random `arch` model plus tokenizer into `out_dir` and return the folder."""
    if arch not in ARCHES:
        raise ValueError(f"unknown arch {arch!r}; choose one of {', '.join(ARCHES)}")
    import torch
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # no "Writing model shards" bar for a 450 KB file
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer = _train_tokenizer(out)
    vocab = max(VOCAB_SIZE, len(tokenizer))

    common = dict(
        vocab_size=vocab,
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=256,
        bos_token_id=1,
        eos_token_id=2,
        pad_token_id=3,
        tie_word_embeddings=False,
    )
    torch.manual_seed(SEED)
    if arch == "llama":
        from transformers import LlamaConfig, LlamaForCausalLM

        model = LlamaForCausalLM(LlamaConfig(**common))
    else:
        from transformers import Qwen2Config, Qwen2ForCausalLM

        model = Qwen2ForCausalLM(Qwen2Config(**common))
    model.eval()
    model.save_pretrained(str(out))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", default="tiny-llama", help="output folder (default: tiny-llama)")
    parser.add_argument("--arch", choices=ARCHES, default="llama")
    parser.add_argument("--force", action="store_true", help="rebuild even if the folder already has a model")
    args = parser.parse_args(argv)
    out = Path(args.out_dir)
    if (out / "model.safetensors").is_file() and not args.force:
        print(f"{out}: already built (use --force to rebuild)")
        return 0
    build_tiny_model(out, args.arch)
    print(f"built tiny {args.arch} model in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
