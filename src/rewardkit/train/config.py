"""``rewardkit train`` options (see ``configs/train.yaml``): one typed tree, YAML then CLI."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from rewardkit.errors import ConfigError

MAX_LEARNING_RATE = 1.0
"""Largest learning rate accepted: AdamW (both trainers) diverges far below it, and a rate
beyond float32's range (``1e300``) cannot even be applied."""


class HeadOptions(BaseModel):
    """The head of an ``embed`` RM: ``linear`` or an ``mlp`` with hidden layers."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    kind: Literal["linear", "mlp"] = "linear"
    hidden: tuple[Annotated[int, Field(ge=1)], ...] = Field(
        default=(256,), description="hidden widths of an mlp head (each at least 1)"
    )
    activation: Literal["relu", "gelu", "tanh"] = "gelu"
    dropout: float = Field(default=0.0, ge=0.0, lt=1.0)


class LoraOptions(BaseModel):
    """LoRA adapters (peft) for the ``hf`` trainer; ``r: 0`` means full fine-tuning."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    r: int = Field(default=0, ge=0, description="LoRA rank; 0 = full fine-tuning")
    alpha: int = Field(default=16, ge=1)
    dropout: float = Field(default=0.05, ge=0.0, lt=1.0)
    target_modules: list[str] | None = Field(
        default=None, description="module names to adapt; null = peft's default for the model"
    )


class TrainConfig(BaseModel):
    """Every hyperparameter of a training run. Defaults follow the blueprint's ranges
    (fine-tuning learning rate 1e-5 to 5e-5, batch 32 to 128); the ``embed`` head trains on
    frozen, cached embeddings and takes a larger learning rate."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    trainer: Literal["embed", "hf"] = "embed"
    objective: Literal["pairwise", "regression"] = "pairwise"
    base: str | None = Field(
        default=None,
        description="encoder (embed) or sequence-classifier / causal LM folder (hf); "
        "null = the packaged MiniLM encoder for embed",
    )
    head: HeadOptions = Field(default_factory=HeadOptions)
    lora: LoraOptions = Field(default_factory=LoraOptions)
    max_length: int = Field(default=256, ge=8)
    seed: int = Field(default=0, ge=0)
    epochs: int = Field(default=20, ge=1)
    batch_size: int = Field(default=64, ge=1)
    learning_rate: float | None = Field(
        default=None,
        gt=0.0,
        le=MAX_LEARNING_RATE,
        description="null = 1e-2 for embed heads, 2e-5 for hf; at most 1",
    )
    weight_decay: float = Field(default=0.01, ge=0.0)
    warmup_ratio: float = Field(default=0.0, ge=0.0, lt=1.0)
    grad_accumulation: int = Field(default=1, ge=1)
    max_grad_norm: float | None = Field(default=1.0, gt=0.0)
    use_margin: bool = Field(default=True, description="subtract the items' margin column")
    center_coef: float = Field(default=0.0, ge=0.0, description="TRL's center_rewards_coef")
    validation_share: float = Field(
        default=0.1, ge=0.0, lt=1.0, description="prompts held out when no --validation file"
    )
    monitor: Literal["loss", "accuracy"] = Field(
        default="loss", description="validation metric that picks the best epoch"
    )
    patience: int | None = Field(
        default=3, ge=1, description="epochs without a better validation metric; null = off"
    )
    min_delta: float = Field(default=0.0, ge=0.0)
    checkpoint_every: int = Field(default=1, ge=1, description="epochs between checkpoints")
    device: str = Field(default="auto", description="auto | cpu | cuda | cuda:N | mps")
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = "auto"
    layout: str | None = Field(default=None, description="force a data layout; null = detect")
    split: str | None = Field(default=None, description="split of a dataset folder")
    skip_invalid: bool = False
    tie_value: float = Field(
        default=0.5, ge=0.0, le=1.0, description="credit for a score tie in validation accuracy"
    )
    cache: str | None = Field(default=None, description="embedding cache (embed trainer)")

    @model_validator(mode="after")
    def _check(self) -> TrainConfig:
        if self.trainer == "hf" and not self.base:
            raise ValueError("the hf trainer needs base: a model folder")
        return self

    @property
    def lr(self) -> float:
        if self.learning_rate is not None:
            return self.learning_rate
        return 1e-2 if self.trainer == "embed" else 2e-5


def parse_sets(pairs: list[str]) -> dict[str, Any]:
    """``["lora.r=8", "head.hidden=[512, 128]"]`` -> a nested dict (values read as YAML).

    Example:
        >>> parse_sets(["lora.r=8", "epochs=3", "head.kind=mlp"])
        {'lora': {'r': 8}, 'epochs': 3, 'head': {'kind': 'mlp'}}
    """
    tree: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--set {pair!r}: expected KEY=VALUE (e.g. lora.r=8)")
        try:
            value = yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            raise ConfigError(f"--set {pair!r}: cannot read the value: {exc}") from exc
        node = tree
        parts = key.strip().split(".")
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise ConfigError(f"--set {pair!r}: {part} is not a section")
            node = child
        node[parts[-1]] = value
    return tree


def merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """Nested update: sections merge, values replace."""
    out = dict(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out
