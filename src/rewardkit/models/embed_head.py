"""``embed:DIR``: a sentence encoder plus a small trained head (linear or MLP).

``DIR`` holds ``embed_config.json`` (encoder, max length, head shape) and ``head.safetensors``
(``weight_0``, ``bias_0``, ``weight_1``, ...). The head runs in numpy. Embeddings are cached in
the score cache under the encoder's fingerprint, so a retrained head reuses them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from rewardkit.data.records import Prompt
from rewardkit.data.safe_json import load_json_file
from rewardkit.errors import ConfigError, DataError, MissingExtraError
from rewardkit.models.encoder import (
    DEFAULT_ENCODER,
    DEFAULT_MAX_LENGTH,
    PairEncoder,
    cached_embed,
)
from rewardkit.models.options import LocalOptions
from rewardkit.models.spec import ModelSpec
from rewardkit.models.tokenized import LengthInfo

CONFIG_NAME = "embed_config.json"
HEAD_NAME = "head.safetensors"


@dataclass(frozen=True)
class HeadConfig:
    """Shape of the head: ``linear`` (one layer) or ``mlp`` (hidden layers, then one output)."""

    kind: Literal["linear", "mlp"] = "linear"
    hidden: tuple[int, ...] = ()
    activation: Literal["relu", "gelu", "tanh"] = "gelu"


@dataclass(frozen=True)
class EmbedModelConfig:
    encoder: str = DEFAULT_ENCODER  # a folder, or the packaged default's name
    max_length: int = DEFAULT_MAX_LENGTH
    head: HeadConfig = field(default_factory=HeadConfig)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": "rewardkit-embed",
            "version": 1,
            "encoder": self.encoder,
            "max_length": self.max_length,
            "head": {
                "kind": self.head.kind,
                "hidden": list(self.head.hidden),
                "activation": self.head.activation,
            },
        }


def _activation(name: str, x: np.ndarray) -> np.ndarray:
    if name == "relu":
        out = np.maximum(x, 0.0)
    elif name == "tanh":
        out = np.tanh(x)
    else:  # gelu, tanh approximation
        out = 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x**3)))
    return np.asarray(out, dtype=np.float64)


def head_forward(
    layers: list[tuple[np.ndarray, np.ndarray]], activation: str, x: np.ndarray
) -> np.ndarray:
    """Apply ``(weight, bias)`` layers with ``activation`` between them; returns (n,) scores.

    Example:
        >>> w = np.array([[1.0], [2.0]]); b = np.array([0.5])
        >>> head_forward([(w, b)], "relu", np.array([[1.0, 1.0]])).tolist()
        [3.5]
    """
    h = x.astype(np.float64)
    for i, (w, b) in enumerate(layers):
        h = h @ w + b
        if i < len(layers) - 1:
            h = _activation(activation, h)
    return np.asarray(h[:, 0], dtype=np.float64)


def save_embed_model(
    folder: Path, config: EmbedModelConfig, layers: list[tuple[np.ndarray, np.ndarray]]
) -> Path:
    """Write an ``embed:`` model folder (config JSON + safetensors head)."""
    try:
        from safetensors.numpy import save_file
    except ImportError as exc:
        raise MissingExtraError("safetensors", "embed") from exc
    folder.mkdir(parents=True, exist_ok=True)
    tensors = {}
    for i, (w, b) in enumerate(layers):
        tensors[f"weight_{i}"] = np.ascontiguousarray(w, dtype=np.float32)
        tensors[f"bias_{i}"] = np.ascontiguousarray(b, dtype=np.float32)
    save_file(tensors, str(folder / HEAD_NAME))
    (folder / CONFIG_NAME).write_text(json.dumps(config.to_json(), indent=2) + "\n")
    return folder


def load_embed_config(folder: Path) -> tuple[EmbedModelConfig, list[tuple[np.ndarray, np.ndarray]]]:
    from safetensors.numpy import load_file

    cfg_path = folder / CONFIG_NAME
    if not cfg_path.exists() or not (folder / HEAD_NAME).exists():
        raise ConfigError(f"{folder}: an embed: model folder needs {CONFIG_NAME} and {HEAD_NAME}")
    try:
        raw = load_json_file(cfg_path, what=CONFIG_NAME)
        head = raw.get("head", {})
        config = EmbedModelConfig(
            encoder=str(raw.get("encoder", DEFAULT_ENCODER)),
            max_length=int(raw.get("max_length", DEFAULT_MAX_LENGTH)),
            head=HeadConfig(
                kind=head.get("kind", "linear"),
                hidden=tuple(head.get("hidden", ())),
                activation=head.get("activation", "gelu"),
            ),
        )
    except (DataError, AttributeError, TypeError, ValueError) as exc:
        raise ConfigError(f"{cfg_path}: invalid embed model config: {exc}") from exc
    from safetensors import SafetensorError

    head_path = folder / HEAD_NAME
    try:
        tensors = load_file(str(head_path))
    except (SafetensorError, OSError, ValueError) as exc:
        detail = " ".join(str(exc).split())[:200]
        raise ConfigError(
            f"{head_path}: not a readable safetensors file ({detail}); is it truncated?"
        ) from None
    layers = []
    i = 0
    while f"weight_{i}" in tensors:
        if f"bias_{i}" not in tensors:
            raise ConfigError(f"{head_path}: weight_{i} has no bias_{i}")
        layers.append(
            (tensors[f"weight_{i}"].astype(np.float64), tensors[f"bias_{i}"].astype(np.float64))
        )
        i += 1
    if not layers:
        raise ConfigError(f"{head_path}: no weight_0/bias_0 tensors")
    _check_layers(layers, head_path)
    return config, layers


def _check_layers(layers: list[tuple[np.ndarray, np.ndarray]], path: Path) -> None:
    """Shapes that chain (``weight_i`` is in x out, ``bias_i`` has out entries) and finite
    values: a damaged head fails here, not in the middle of scoring."""
    for i, (w, b) in enumerate(layers):
        if w.ndim != 2 or b.ndim != 1 or w.shape[1] != b.shape[0]:
            raise ConfigError(f"{path}: weight_{i} {w.shape} and bias_{i} {b.shape} do not match")
        if i and layers[i - 1][0].shape[1] != w.shape[0]:
            raise ConfigError(
                f"{path}: weight_{i} takes {w.shape[0]} inputs, layer {i - 1} gives "
                f"{layers[i - 1][0].shape[1]}"
            )
        if not (np.isfinite(w).all() and np.isfinite(b).all()):
            raise ConfigError(f"{path}: layer {i} holds non-finite weights (NaN or inf)")
    if layers[-1][0].shape[1] < 1:
        raise ConfigError(f"{path}: the last layer gives no output")


class EmbedHeadModel:
    """Encoder embeddings (cached) fed to a small head."""

    def __init__(self, path: str, options: LocalOptions) -> None:
        self.folder = Path(path)
        self.config, self.layers = load_embed_config(self.folder)
        encoder_path = None if self.config.encoder == DEFAULT_ENCODER else self.config.encoder
        if encoder_path is not None and not Path(encoder_path).is_absolute():
            encoder_path = str(self.folder / encoder_path)
        self.encoder = PairEncoder(encoder_path, options, self.config.max_length)
        head_hash = hashlib.sha256((self.folder / HEAD_NAME).read_bytes()).hexdigest()[:16]
        self._fingerprint = f"embed/v1:{self.encoder.fingerprint}/head={head_hash}/" + json.dumps(
            self.config.to_json()["head"], sort_keys=True
        )
        self.cache: Any = None

    def attach_cache(self, cache: Any) -> None:
        """Called by the scoring engine: embeddings are cached beside scores."""
        self.cache = cache

    def token_lengths(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> LengthInfo:
        return self.encoder.token_lengths(prompts, responses)

    def embed(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> np.ndarray:
        return cached_embed(self.encoder, self.cache, prompts, responses)

    def score(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> np.ndarray:
        return head_forward(
            self.layers, self.config.head.activation, self.embed(prompts, responses)
        )

    def count_parameters(self) -> int:
        return self.encoder.count_parameters()

    def fingerprint(self) -> str:
        return self._fingerprint


def from_spec(spec: ModelSpec) -> EmbedHeadModel:
    """The encoder and head in the folder ``embed:DIR`` names."""
    return EmbedHeadModel(spec.location, spec.options_as(LocalOptions))
