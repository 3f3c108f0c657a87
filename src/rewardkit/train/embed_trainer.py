"""The ``embed`` trainer: a frozen sentence encoder, cached embeddings, a linear or MLP head.

Embeddings of every (prompt, response) input are computed once (and cached in the score cache
under the encoder's fingerprint), so each epoch only runs the small head: seconds on a CPU.
The trained head is written as an ``embed:`` model folder (``embed_config.json`` +
``head.safetensors``); its GELU is the tanh approximation, as the numpy head computes it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch

from rewardkit.models.embed_head import EmbedModelConfig, HeadConfig, save_embed_model
from rewardkit.models.encoder import DEFAULT_ENCODER, PairEncoder, embed_counting_truncation
from rewardkit.models.options import LocalOptions
from rewardkit.scoring.progress import phase
from rewardkit.train.config import HeadOptions, TrainConfig
from rewardkit.train.examples import InputTable

_ACTIVATIONS: dict[str, Callable[[], torch.nn.Module]] = {
    "relu": torch.nn.ReLU,
    "tanh": torch.nn.Tanh,
    "gelu": lambda: torch.nn.GELU(approximate="tanh"),
}


def build_head(dim: int, options: HeadOptions) -> torch.nn.Sequential:
    """``Linear(dim, 1)`` or ``[Linear, activation, dropout] * len(hidden) + Linear(., 1)``.

    Example:
        >>> build_head(8, HeadOptions(kind="mlp", hidden=(4,)))[0].out_features
        4
    """
    widths = list(options.hidden) if options.kind == "mlp" else []
    layers: list[torch.nn.Module] = []
    previous = dim
    for width in widths:
        layers.append(torch.nn.Linear(previous, width))
        layers.append(_ACTIVATIONS[options.activation]())
        if options.dropout:
            layers.append(torch.nn.Dropout(options.dropout))
        previous = width
    layers.append(torch.nn.Linear(previous, 1))
    return torch.nn.Sequential(*layers)


def head_layers(head: torch.nn.Sequential) -> list[tuple[np.ndarray, np.ndarray]]:
    """The head's linear layers as numpy ``(weight (in, out), bias (out,))``."""
    return [
        (
            m.weight.detach().cpu().double().numpy().T.copy(),
            m.bias.detach().cpu().double().numpy().copy(),
        )
        for m in head
        if isinstance(m, torch.nn.Linear)
    ]


class EmbedHeadScorer:
    """Rewards of input rows: ``head(embedding[row])``."""

    def __init__(
        self,
        embeddings: np.ndarray,
        config: TrainConfig,
        encoder_name: str,
        n_truncated: int | None = None,
    ) -> None:
        torch.manual_seed(config.seed)
        self.n_truncated = n_truncated
        self.embeddings = torch.as_tensor(embeddings, dtype=torch.float32)
        self.module = build_head(self.embeddings.shape[1], config.head)
        self.model_config = EmbedModelConfig(
            encoder=encoder_name,
            max_length=config.max_length,
            head=HeadConfig(
                kind=config.head.kind,
                hidden=tuple(config.head.hidden) if config.head.kind == "mlp" else (),
                activation=config.head.activation,
            ),
        )

    def init_output_bias(self, value: float) -> None:
        """Start the output at ``value`` (regression: the mean target), so the first epochs
        learn the differences between responses rather than the targets' offset."""
        last = self.module[-1]
        assert isinstance(last, torch.nn.Linear)
        with torch.no_grad():
            last.bias.fill_(value)

    def score(self, rows: np.ndarray) -> torch.Tensor:
        out: torch.Tensor = self.module(self.embeddings[torch.as_tensor(rows)])
        return out[:, 0]

    def save(self, folder: Path) -> None:
        save_embed_model(folder, self.model_config, head_layers(self.module))


def embed_inputs(
    inputs: InputTable, config: TrainConfig, cache: Any = None, progress: bool = True
) -> tuple[np.ndarray, str, int]:
    """Embeddings of every input (cached), the encoder name to record in the model, and how
    many inputs were cut to ``max_length``."""
    encoder_name = config.base or DEFAULT_ENCODER
    encoder_path = None if encoder_name == DEFAULT_ENCODER else encoder_name
    device = "cpu" if config.device == "auto" else config.device
    with phase(f"loading the encoder {encoder_name}", enabled=progress):
        encoder = PairEncoder(encoder_path, LocalOptions(device=device), config.max_length)
    embedded = embed_counting_truncation(
        encoder, cache, list(inputs.prompts), list(inputs.responses), progress=progress
    )
    return np.asarray(embedded.vectors, dtype=np.float32), encoder_name, embedded.n_truncated


def build_scorer(
    inputs: InputTable, config: TrainConfig, cache: Any = None, progress: bool = True
) -> EmbedHeadScorer:
    embeddings, encoder_name, n_truncated = embed_inputs(inputs, config, cache, progress)
    return EmbedHeadScorer(embeddings, config, encoder_name, n_truncated)
