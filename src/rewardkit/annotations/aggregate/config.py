"""Options of the aggregation stage (see ``configs/aggregate.yaml``)."""

from __future__ import annotations

import math
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from rewardkit.annotations.aggregate.methods import PREFERENCE_METHODS, unknown_method_message
from rewardkit.errors import ConfigError

__all__ = ["DEFAULT_WEIGHTS", "AggregationConfig", "check_criteria"]

DEFAULT_WEIGHTS: dict[str, float] = {
    "usefulness": 0.3,
    "factuality": 0.3,
    "safety": 0.25,
    "alignment": 0.15,
}
"""Criterion weights of the blueprint; they sum to 1."""

WEIGHT_SUM_TOLERANCE = 1e-9


class AggregationConfig(BaseModel):
    """How ratings and comparisons become one reward per response.

    Built directly, an invalid value raises pydantic's ``ValidationError``; loaded with
    :func:`rewardkit.config.load_config` (YAML file plus CLI overrides) it raises
    :class:`~rewardkit.errors.ConfigError` with every problem on one line.

    Attributes:
        scale_min: Lowest point of the Likert scale (maps to 0).
        scale_max: Highest point of the Likert scale (maps to 1).
        weights: Criterion weights, non-negative, summing to 1. Criteria in the ratings that
            are not named here get weight 0 (their scores are still reported).
        alpha: Blend ``final = alpha * criterion_score + (1 - alpha) * preference_score``.
        preference_method: A name in
            :data:`~rewardkit.annotations.aggregate.methods.PREFERENCE_METHODS`: ``borda``
            (normalised win rate) or ``bradley_terry`` (MM fit).
        tie_tolerance: Finals closer than this are ties, settled by the tie-break rules.
        seed: Seeds the last tie-break rule (a SHA-256 hash of seed and item id).
        min_annotations: Quorum: distinct annotators an item needs to be aggregated.
        pair_min_margin: Smallest final difference for a (chosen, rejected) training pair.

    Example:
        >>> cfg = AggregationConfig(alpha=0.5)
        >>> cfg.alpha, cfg.weights["safety"], cfg.top_criterion
        (0.5, 0.25, 'usefulness')
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    scale_min: int = 1
    scale_max: int = 5
    weights: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    alpha: float = Field(default=0.6, ge=0.0, le=1.0, description="criterion share of final")
    preference_method: str = "borda"
    tie_tolerance: float = Field(default=1e-6, ge=0.0)
    seed: int = Field(default=0, ge=0)
    min_annotations: int = Field(default=3, ge=1, description="quorum: distinct annotators")
    pair_min_margin: float = Field(default=0.05, ge=0.0)

    @field_validator("weights")
    @classmethod
    def _check_weights(cls, weights: dict[str, float]) -> dict[str, float]:
        if not weights:
            raise ValueError("weights: name at least one criterion")
        blank = [name for name in weights if not name.strip()]
        if blank:
            raise ValueError("weights: criterion names must not be empty")
        bad = {k: v for k, v in weights.items() if not math.isfinite(v) or v < 0.0}
        if bad:
            shown = ", ".join(f"{k}={v}" for k, v in bad.items())
            raise ValueError(f"weights must be finite and non-negative, got {shown}")
        total = math.fsum(weights.values())
        if abs(total - 1.0) > WEIGHT_SUM_TOLERANCE:
            raise ValueError(f"weights must sum to 1 (within 1e-9), they sum to {total:.12g}")
        return weights

    @field_validator("preference_method", mode="before")
    @classmethod
    def _check_preference_method(cls, method: object) -> object:
        names = PREFERENCE_METHODS.names()
        if method not in names:
            raise PydanticCustomError("literal_error", unknown_method_message(names))
        return method

    @model_validator(mode="after")
    def _check_scale(self) -> AggregationConfig:
        if not self.scale_min < self.scale_max:
            raise ValueError(
                f"scale_min ({self.scale_min}) must be below scale_max ({self.scale_max})"
            )
        return self

    @property
    def top_criterion(self) -> str:
        """The most-weighted criterion; equal weights go to the one listed first."""
        best = max(self.weights.values())
        return next(name for name, w in self.weights.items() if w == best)

    @property
    def weighted_criteria(self) -> tuple[str, ...]:
        """Criteria with a positive weight, in the order of ``weights``."""
        return tuple(name for name, w in self.weights.items() if w > 0.0)


def check_criteria(config: AggregationConfig, present: Iterable[str]) -> None:
    """Fail when ``weights`` names a criterion that the ratings do not contain.

    Args:
        config: The aggregation options.
        present: The criteria found in the ratings.

    Raises:
        ConfigError: Listing the unknown criteria and the known ones.

    Example:
        >>> cfg = AggregationConfig(weights={"usefulness": 0.5, "safety": 0.5})
        >>> try:
        ...     check_criteria(cfg, ["safety", "factuality"])
        ... except ConfigError as exc:
        ...     print(exc)
        weights name criteria absent from the ratings: usefulness
        (criteria in the ratings: factuality, safety)
    """
    known = set(present)
    unknown = [name for name in config.weights if name not in known]
    if unknown:
        raise ConfigError(
            f"weights name criteria absent from the ratings: {', '.join(unknown)} "
            f"(criteria in the ratings: {', '.join(sorted(known)) or 'none'})"
        )
