"""Options of ``rewardkit judge rate|agree`` (see ``configs/judge.yaml``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from rewardkit.models.judge_options import JudgeOptions

__all__ = ["DEFAULT_CRITERIA", "JudgeConfig"]

DEFAULT_CRITERIA = ("usefulness", "factuality", "safety", "alignment")


class JudgeConfig(BaseModel):
    """What ``rewardkit judge`` does with a judge; ``judge`` holds the endpoint options
    (a model spec file's ``judge:`` mapping and the CLI options override them).

    Example:
        >>> JudgeConfig().criteria, JudgeConfig().judge.mode
        (['usefulness', 'factuality', 'safety', 'alignment'], 'pairwise')
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int = Field(default=0, ge=0)
    bootstrap: int = Field(default=1000, ge=10, description="bootstrap resamples")
    confidence: float = Field(default=0.95, gt=0.0, lt=1.0)
    criteria: list[str] = Field(
        default_factory=lambda: list(DEFAULT_CRITERIA),
        min_length=1,
        description="criteria an absolute judge rates (each needs a rubric in the template)",
    )
    tie_value: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="credit of a tie outcome in pairwise accuracy (JudgeBench: 0)",
    )
    annotator: str | None = Field(
        default=None, description="the judge's annotator_id [default: judge:<model name>]"
    )
    cache: str | None = Field(default=None, description="score cache file (default per user)")
    no_cache: bool = False
    layout: str | None = None
    split: str | None = None
    skip_invalid: bool = False
    judge: JudgeOptions = Field(default_factory=JudgeOptions)
