"""Train an ``embed:`` reward model: frozen encoder, cached embeddings, linear BT head."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rewardkit.data.records import PreferenceItem
from rewardkit.models.embed_head import EmbedModelConfig, save_embed_model
from rewardkit.models.encoder import DEFAULT_ENCODER, PairEncoder, cached_embed
from rewardkit.models.options import ModelOptions
from rewardkit.train.linear_head import fit_linear_bt


def train_embed_linear(
    items: Sequence[PreferenceItem],
    out: Path,
    *,
    config: EmbedModelConfig | None = None,
    options: ModelOptions | None = None,
    cache: Any = None,
    l2: float = 1e-3,
) -> Path:
    """Fit a linear Bradley-Terry head on every chosen x rejected pair of ``items``; write the
    model folder (loadable as ``embed:OUT``) and return it."""
    config = config or EmbedModelConfig()
    encoder_path = None if config.encoder == DEFAULT_ENCODER else config.encoder
    encoder = PairEncoder(encoder_path, options or ModelOptions(), config.max_length)
    prompts, chosen, rejected = [], [], []
    for item in items:
        for c in item.chosen:
            for r in item.rejected:
                prompts.append(item.prompt)
                chosen.append(c)
                rejected.append(r)
    x_chosen = cached_embed(encoder, cache, prompts, chosen)
    x_rejected = cached_embed(encoder, cache, prompts, rejected)
    weight, bias = fit_linear_bt(x_chosen, x_rejected, l2=l2)
    return save_embed_model(out, config, [(weight, bias)])
