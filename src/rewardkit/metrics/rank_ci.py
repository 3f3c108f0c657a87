"""Spearman's rho between two per-unit variables with a bootstrap CI over units."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from rewardkit.metrics.bootstrap import bootstrap_weighted, rng_for
from rewardkit.metrics.correlation import spearman, weighted_spearman
from rewardkit.metrics.estimate import Estimate


def spearman_ci(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    label: str = "spearman",
) -> Estimate:
    """rho(x, y) with a percentile bootstrap CI resampling units (pairs of x and y).

    Example:
        >>> est = spearman_ci([1, 2, 3, 4, 5, 6], [1, 3, 2, 4, 6, 5], n_resamples=200)
        >>> round(est.value, 4), est.n
        (0.8857, 6)
    """
    a = np.asarray(x, dtype=np.float64)
    b = np.asarray(y, dtype=np.float64)
    low, high = bootstrap_weighted(
        lambda w: weighted_spearman(a, b, w),
        a.size,
        n_resamples=n_resamples,
        confidence=confidence,
        rng=rng_for(seed, label),
        label=label,
    )
    return Estimate(value=spearman(a, b), ci_low=low, ci_high=high, n=int(a.size))
