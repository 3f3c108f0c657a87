"""Options of ``rewardkit bon`` (every field is also a CLI option)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from rewardkit.config import ScoringOptions

__all__ = ["BonConfig"]


class BonConfig(ScoringOptions):
    """Bootstrap, scoring and loading options of a best-of-n run.

    Example:
        >>> BonConfig(seed=3).bootstrap
        1000
    """

    seed: int = Field(default=0, ge=0)
    bootstrap: int = Field(default=1000, ge=10, description="bootstrap resamples of the prompts")
    confidence: float = Field(default=0.95, gt=0.0, lt=1.0)
    n_max: int | None = Field(
        default=None, ge=3, description="largest n of the curves (default: the largest N)"
    )
    group_by: tuple[Literal["domain", "subset"], ...] = ("domain", "subset")
