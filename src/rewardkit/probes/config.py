"""Options of ``rewardkit probe`` (every field is also a CLI option)."""

from __future__ import annotations

from pydantic import Field

from rewardkit.config import ScoringOptions

__all__ = ["DEFAULT_PROBES", "ProbeConfig"]

DEFAULT_PROBES = (
    "length",
    "formatting",
    "hedging",
    "sycophancy",
    "refusal",
    "position",
    "typos",
)


class ProbeConfig(ScoringOptions):
    """Probes, bootstrap and scoring options of a probe run.

    Example:
        >>> ProbeConfig().probes[:2]
        ('length', 'formatting')
    """

    seed: int = Field(default=0, ge=0)
    bootstrap: int = Field(default=1000, ge=10, description="bootstrap resamples of the pairs")
    confidence: float = Field(default=0.95, gt=0.0, lt=1.0)
    probes: tuple[str, ...] = DEFAULT_PROBES
    xstest: str | None = Field(
        default=None, description="XSTest folder (xstest_v2_completions_*_gpteval.csv)"
    )
