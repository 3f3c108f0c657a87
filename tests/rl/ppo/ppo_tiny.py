"""A tiny causal LM over a 16-word vocabulary, built from a config (no download), and the
python: reward models of the PPO tests."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

WORDS = ["the", "fox", "dog", "good", "!", "runs", "red", "sky", "cat", "sun", "big", "old"]
PROMPTS = ["the fox", "the dog", "red sky", "big cat", "old sun", "the sky", "fox runs", "dog"]


def build_policy(folder: Path, seed: int = 0) -> Path:
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    vocab = {w: i for i, w in enumerate(["<pad>", "<s>", "</s>", "<unk>", *WORDS])}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.decoder = decoders.WordPiece(prefix="##")  # joins words with spaces
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", 1)])
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<s>",
        eos_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
    )
    fast.save_pretrained(str(folder))
    config = LlamaConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=1,
        max_position_embeddings=64,
        pad_token_id=0,
        bos_token_id=1,
        eos_token_id=2,
        tie_word_embeddings=False,
    )
    torch.manual_seed(seed)
    LlamaForCausalLM(config).save_pretrained(str(folder))
    return folder


def write_prompts(path: Path, n: int = 16) -> Path:
    rows = [{"prompt": PROMPTS[i % len(PROMPTS)] + f" {WORDS[i % 4]}"} for i in range(n)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


MAX_TOKENS = 6  # the tests sample at most this many tokens


def _share(responses: Sequence[str], word: str) -> list[float]:
    # The decoder glues punctuation to the word before it ("fox!"): count whole words.
    pattern = re.compile(rf"(?<![a-z]){re.escape(word)}(?![a-z])")
    return [len(pattern.findall(r)) / MAX_TOKENS for r in responses]


def bang(prompts: Sequence[object], responses: Sequence[str]) -> list[float]:
    """The target-token task: the share of the response's slots that hold '!' (max 1)."""
    return _share(responses, "!")


def gold(prompts: Sequence[object], responses: Sequence[str]) -> list[float]:
    """Gold: the share of slots that hold 'good'."""
    return _share(responses, "good")


def proxy(prompts: Sequence[object], responses: Sequence[str]) -> list[float]:
    """Proxy = gold + a bonus per exclamation mark (the exploitable term)."""
    return [
        g + 2.0 * b for g, b in zip(gold(prompts, responses), bang(prompts, responses), strict=True)
    ]
