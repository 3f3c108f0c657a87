"""Deterministic salted hash assignment of units to arms, and the sample-ratio-mismatch check.

A unit's position is ``u = int(sha256(f"{salt}:{unit_id}")[:16 hex], 16) / 2**64``, uniform on
[0, 1); it goes to the first arm whose cumulative share exceeds ``u``. The same unit, salt and
split always give the same arm; a new salt re-randomises every unit (a new experiment).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["SRMCheck", "assign_arms", "hash_position", "srm_check"]


def hash_position(unit_id: str, salt: str) -> float:
    """The unit's uniform position in [0, 1) under ``salt``.

    Example:
        >>> 0.0 <= hash_position("user-1", "exp1") < 1.0
        True
        >>> hash_position("user-1", "exp1") == hash_position("user-1", "exp1")
        True
    """
    digest = hashlib.sha256(f"{salt}:{unit_id}".encode()).hexdigest()
    return int(digest[:16], 16) / 2.0**64


def assign_arms(
    unit_ids: Sequence[str], salt: str, arms: Sequence[str], split: Sequence[float]
) -> list[str]:
    """The arm of each unit.

    Example:
        >>> assign_arms(["a", "b", "a"], "s", ["control", "treatment"], [0.5, 0.5])[0] == (
        ...     assign_arms(["a"], "s", ["control", "treatment"], [0.5, 0.5])[0]
        ... )
        True
    """
    edges = np.cumsum(np.asarray(split, dtype=np.float64))
    edges[-1] = 1.0
    pos = np.fromiter((hash_position(str(u), salt) for u in unit_ids), np.float64, len(unit_ids))
    index = np.searchsorted(edges, pos, side="right")
    return [arms[i] for i in index]


@dataclass(frozen=True)
class SRMCheck:
    """Pearson chi-square goodness of fit of the arm counts to the planned split."""

    counts: tuple[int, ...]
    expected: tuple[float, ...]
    statistic: float
    p_value: float
    alpha: float

    @property
    def mismatch(self) -> bool:
        """True when the counts are incompatible with the split (p < alpha)."""
        return self.p_value < self.alpha

    def to_json(self) -> dict[str, object]:
        return {
            "counts": list(self.counts),
            "expected": list(self.expected),
            "chi2": self.statistic,
            "p_value": self.p_value,
            "alpha": self.alpha,
            "mismatch": self.mismatch,
        }


def srm_check(counts: Sequence[int], split: Sequence[float], alpha: float = 0.001) -> SRMCheck:
    """Sample-ratio-mismatch check (``scipy.stats.chisquare``).

    Example:
        >>> r = srm_check([5200, 4800], [0.5, 0.5])
        >>> round(r.statistic, 1), r.mismatch
        (16.0, True)
    """
    obs = np.asarray(counts, dtype=np.float64)
    share = np.asarray(split, dtype=np.float64)
    expected = obs.sum() * share / share.sum()
    res = stats.chisquare(obs, expected)
    return SRMCheck(
        tuple(int(c) for c in counts),
        tuple(float(e) for e in expected),
        float(res.statistic),
        float(res.pvalue),
        alpha,
    )
