"""Tiny Hugging Face models built from a config (no download), for tests and benchmarks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CORPUS = [
    "The quick brown fox jumps over the lazy dog.",
    "Reward models score responses; higher is better.",
    "Human: How do I bake bread?\n\nAssistant: Mix flour, water, salt and yeast.",
    "Safety first: never mix bleach and ammonia at home.",
    "Paris is the capital of France and Berlin is the capital of Germany.",
] * 4

CHAT_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}{{ eos_token }}"
    "{% endfor %}"
)


def build_tokenizer(folder: Path, *, chat_template: bool = True, pad: bool = True) -> Any:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=300,
        special_tokens=["<pad>", "<s>", "</s>", "<unk>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(CORPUS, trainer=trainer)
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A", pair="<s> $A $B", special_tokens=[("<s>", 1)]
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<s>",
        eos_token="</s>",
        pad_token="<pad>" if pad else None,
        unk_token="<unk>",
    )
    if chat_template:
        fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(str(folder))
    return fast


def build_llama(
    folder: Path,
    kind: str = "classifier",
    *,
    seed: int = 0,
    chat_template: bool = True,
    pad: bool = True,
) -> Path:
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM, LlamaForSequenceClassification

    folder.mkdir(parents=True, exist_ok=True)
    tok = build_tokenizer(folder, chat_template=chat_template, pad=pad)
    config = LlamaConfig(
        vocab_size=len(tok),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=1024,
        num_labels=1,
        pad_token_id=0 if pad else None,
        bos_token_id=1,
        eos_token_id=2,
    )
    torch.manual_seed(seed)
    cls = LlamaForSequenceClassification if kind == "classifier" else LlamaForCausalLM
    model = cls(config)
    model.save_pretrained(str(folder))
    return folder
