"""Position bias of a pairwise judge, from verdicts asked in both orders.

Each pair has a pattern (:func:`rewardkit.models.judge_verdicts.pattern`): ``consistent`` (both
verdicts name the same response, or both say tie), ``AA`` (the first position won both times:
the verdict followed the position, not the response), ``BB`` (the second position did),
``mixed`` (a tie in one order only) or ``invalid`` (an unreadable verdict, left out here).

- ``position_bias`` = share of pairs whose verdict follows the position (``AA`` + ``BB``);
- ``prefers_first`` / ``prefers_second`` split it by position;
- ``consistency`` = share of ``consistent`` pairs; ``mixed`` the rest.

Each comes with a bootstrap CI that resamples units (items: the pairs of one item move
together).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rewardkit.judges._bootstrap import mean_estimate, unit_index
from rewardkit.metrics import Estimate, rng_for
from rewardkit.models.judge_verdicts import Pattern

__all__ = ["PositionBias", "position_bias"]


@dataclass(frozen=True)
class PositionBias:
    """Shares of readable pairs by pattern, each with its CI (``n`` = units)."""

    n_pairs: int
    n_invalid: int
    consistency: Estimate
    position_bias: Estimate
    prefers_first: Estimate
    prefers_second: Estimate
    mixed: Estimate

    def to_json(self) -> dict[str, Any]:
        return {
            "n_pairs": self.n_pairs,
            "n_invalid": self.n_invalid,
            "consistency": self.consistency.to_json(),
            "position_bias": self.position_bias.to_json(),
            "prefers_first": self.prefers_first.to_json(),
            "prefers_second": self.prefers_second.to_json(),
            "mixed": self.mixed.to_json(),
        }


def position_bias(
    patterns: Sequence[Pattern],
    units: Sequence[str] | None = None,
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> PositionBias:
    """Position-bias shares of a judge's both-orders verdicts.

    Args:
        patterns: One pattern per pair.
        units: The unit (item) of each pair, for the bootstrap; each pair its own by default.
        n_resamples: Bootstrap resamples.
        confidence: Coverage of the intervals.
        seed: Seed of the bootstrap streams.

    Example:
        >>> pb = position_bias(["consistent", "AA", "consistent", "BB"], n_resamples=200)
        >>> pb.position_bias.value, pb.prefers_first.value, pb.consistency.value
        (0.5, 0.25, 0.5)
    """
    if units is not None and len(units) != len(patterns):
        raise ValueError(f"{len(units)} units for {len(patterns)} pairs")
    keep = [i for i, p in enumerate(patterns) if p != "invalid"]
    kept = np.asarray([patterns[i] for i in keep], dtype=object)
    idx = unit_index(None if units is None else [units[i] for i in keep], len(keep))

    def share(name: str, hit: np.ndarray) -> Estimate:
        return mean_estimate(
            hit.astype(np.float64),
            idx,
            n_resamples=n_resamples,
            confidence=confidence,
            rng=rng_for(seed, "judge-position", name),
        )

    aa, bb = kept == "AA", kept == "BB"
    return PositionBias(
        n_pairs=len(keep),
        n_invalid=len(patterns) - len(keep),
        consistency=share("consistency", kept == "consistent"),
        position_bias=share("position_bias", aa | bb),
        prefers_first=share("prefers_first", aa),
        prefers_second=share("prefers_second", bb),
        mixed=share("mixed", kept == "mixed"),
    )
