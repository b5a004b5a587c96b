"""Proofs for OLV482-OLV489: real Olive 0.13.0 (and the transformers, numpy and torch it runs on) do what the
findings claim. Each is shown on the function the pass calls, with a tiny model built from a config (no hub, no
weights downloaded) or the tiny random Llama (scripts/build_tiny_model.py). modelopt is not needed: OLV482's failure
is Olive's own code before modelopt is imported.
"""

from __future__ import annotations

import logging

import pytest

pytest.importorskip("olive")
torch = pytest.importorskip("torch")

pytestmark = [pytest.mark.slow, pytest.mark.olive]

SMALL = {
    "hidden_size": 64, "num_attention_heads": 4, "num_hidden_layers": 1, "intermediate_size": 128, "vocab_size": 128,
    "n_embd": 64, "n_head": 4, "n_layer": 1, "ffn_dim": 128, "d_model": 64, "num_layers": 1, "n_positions": 64,
    "max_position_embeddings": 64,
}


def _spec():
    from olive.hardware.accelerator import AcceleratorSpec

    return AcceleratorSpec("cpu", "CPUExecutionProvider")


def _pass(cls, config):
    from olive.passes.olive_pass import create_pass_from_dict

    return create_pass_from_dict(cls, config, disable_search=True, accelerator_spec=_spec())


def _tiny(model_type: str, **sizes):
    from transformers import AutoConfig, AutoModelForCausalLM

    return AutoModelForCausalLM.from_config(AutoConfig.for_model(model_type, **(sizes or SMALL)))


def test_olv482_nvmo_rtx_profile_reads_the_empty_tokenizer_dir(monkeypatch):
    from olive.passes.onnx.nvmo_quantization import NVModelOptQuantization

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    p = _pass(NVModelOptQuantization, {"use_random_calibration_data": True, "calibration_providers": ["NvTensorRtRtx", "cpu"]})
    assert NVModelOptQuantization.validate_config(p.config, _spec()) is True  # only the tokenizer_dir warning
    with pytest.raises(Exception):  # noqa: B017 - transformers' OSError/ValueError for ""
        p.initialize_quant_config(p.config)
    p = _pass(NVModelOptQuantization, {"use_random_calibration_data": True, "calibration_providers": ["cpu"]})
    assert p.initialize_quant_config(p.config)["calibration_data_reader"] is None


def test_olv483_autoclip_and_kquant_raise_for_in_features_not_divisible():
    from olive.common.quant.utils import WeightQuantizer
    from olive.passes.pytorch.autoclip import AutoClip
    from olive.passes.pytorch.kquant import kquant_find_qparams
    from olive.passes.pytorch.quant_utils import QuantInfo

    with pytest.raises(ValueError, match="must be divisible by group_size"):
        kquant_find_qparams(torch.randn(8, 576), group_size=128, maxq=15, minq=0)
    kquant_find_qparams(torch.randn(8, 576), group_size=64, maxq=15, minq=0)
    linear = torch.nn.Linear(576, 8)
    linear.quant_info = QuantInfo(quantizer=WeightQuantizer(bits=4, symmetric=False, group_size=128))
    with pytest.raises(ValueError, match="Weight in_features must be divisible by group_size"):
        AutoClip._auto_clip_layer(linear, torch.randn(4, 576), 20, 0.5, 64)


@pytest.mark.parametrize("model_type", ["gpt2", "stablelm", "starcoder2"])
def test_olv484_rotate_raises_on_layernorm(model_type):
    from olive.common.hf.wrapper import ModelWrapper
    from olive.passes.pytorch.rotate import RotateBase

    from olive_ls.rules.runtime_training import ROTATE_LAYERNORM_MODEL_TYPES

    assert model_type in ROTATE_LAYERNORM_MODEL_TYPES
    with pytest.raises(ValueError, match="Model uses LayerNorm"):
        RotateBase.fuse_layer_norms(ModelWrapper.from_model(_tiny(model_type)))


@pytest.mark.parametrize("model_type", ["bloom", "codegen", "cohere", "falcon", "gpt_bigcode", "gpt_neox", "gptj", "mpt", "olmo", "opt", "phi"])
def test_olv484_rotate_fails_on_the_other_layernorm_models(model_type):
    from olive.common.hf.wrapper import ModelWrapper
    from olive.passes.pytorch.rotate import RotateBase

    from olive_ls.rules.runtime_training import ROTATE_UNFOUND_MODEL_TYPES

    assert model_type in ROTATE_UNFOUND_MODEL_TYPES
    with pytest.raises(AttributeError):
        RotateBase.fuse_layer_norms(ModelWrapper.from_model(_tiny(model_type)))


def test_olv484_rotate_fuses_rmsnorm_models():
    from olive.common.hf.wrapper import ModelWrapper
    from olive.passes.pytorch.rotate import RotateBase

    for model_type in ("llama", "qwen2", "mistral"):
        RotateBase.fuse_layer_norms(ModelWrapper.from_model(_tiny(model_type)))


def test_olv485_hadamard_sizes_match_get_hadk():
    from olive.passes.pytorch.hadamard_utils import get_hadK

    from olive_ls.rules.runtime_training import hadamard_size_ok

    def olive_ok(n):
        try:
            get_hadK(n)
        except AssertionError:
            return False
        return True

    assert [n for n in range(1, 1300) if olive_ok(n) != hadamard_size_ok(n)] == []


def test_olv486_capture_split_on_a_pytorch_model_needs_block_to_split():
    from olive.model import PyTorchModelHandler
    from olive.passes.pytorch.capture_split_info import CaptureSplitInfo

    handler = PyTorchModelHandler(model_loader=lambda _path: torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.Linear(4, 4)))
    p = _pass(CaptureSplitInfo, {"num_splits": 2})
    with pytest.raises(ValueError, match="block_to_split is not set and could not be inferred"):
        p._run_for_config(handler, p.config, "out")
    p = _pass(CaptureSplitInfo, {"num_splits": 2, "block_to_split": ""})
    assert p._run_for_config(handler, p.config, "out").model_attributes["split_assignments"] == {"0": 0, "1": 1}


def test_olv487_capture_split_num_splits_zero_and_negative():
    from olive.model import PyTorchModelHandler
    from olive.passes.pytorch.capture_split_info import CaptureSplitInfo

    p = _pass(CaptureSplitInfo, {"num_splits": 0})
    assert CaptureSplitInfo.validate_config(p.config, _spec()) is True
    with pytest.raises(ValueError, match="One of num_splits or cost_model is required"):
        p._run_for_config(None, p.config, "out")
    handler = PyTorchModelHandler(model_loader=lambda _path: torch.nn.Sequential(torch.nn.Linear(4, 4)))
    p = _pass(CaptureSplitInfo, {"num_splits": -1, "block_to_split": ""})
    assert CaptureSplitInfo.validate_config(p.config, _spec()) is True
    with pytest.raises(ValueError, match="number sections must be larger than 0"):
        p._run_for_config(handler, p.config, "out")


def test_olv488_the_table_is_transformers_and_olive_turns_checkpointing_off(caplog):
    import transformers
    from olive.passes.pytorch.train_utils import BaseHFTrainingArguments, prepare_model_for_finetuning
    from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES

    from olive_ls.rules.runtime_training import NO_GRADIENT_CHECKPOINTING, TRANSFORMERS_VERSION

    assert transformers.__version__ == TRANSFORMERS_VERSION
    unsupported = []
    for model_type, name in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES.items():
        cls = getattr(transformers, name[0] if isinstance(name, tuple) else name, None)
        if cls is not None and not cls.supports_gradient_checkpointing:
            unsupported.append(model_type)
    assert tuple(sorted(unsupported)) == tuple(sorted(NO_GRADIENT_CHECKPOINTING))
    args = BaseHFTrainingArguments(gradient_checkpointing=True)
    with caplog.at_level(logging.WARNING):
        prepare_model_for_finetuning(_tiny("xlnet", d_model=64, n_head=4, n_layer=1, d_inner=128, vocab_size=128), args)
    assert args.gradient_checkpointing is False and "does not support gradient checkpointing" in caplog.text


def test_olv489_pytorch_model_calibration_needs_data_config():
    from olive.model import PyTorchModelHandler
    from olive.passes.pytorch.train_utils import get_calibration_dataset

    handler = PyTorchModelHandler(model_loader=lambda _path: torch.nn.Linear(4, 4))
    with pytest.raises(ValueError, match="Data config is required for PyTorch model"):
        get_calibration_dataset(handler, None)
