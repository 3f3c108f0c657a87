"""Private bootstrap over units that are summarised by a few distinct patterns.

Agreement coefficients depend on a unit only through a small vector (its value counts, or its
contribution to the coincidence matrix), and Likert data has few distinct such vectors. A
resample of ``n`` units drawn uniformly with replacement is then described, without loss, by how
many of its draws fell on each of the ``K`` distinct patterns, and that vector is exactly
``Multinomial(n, freq / n)`` (the argument of ``bootstrap_mean``'s fast path). Drawing it costs
``O(K)`` per resample instead of ``O(n)``. When patterns are nearly all distinct, units are
resampled directly with :func:`rewardkit.metrics.bootstrap_weighted` and their counts are summed
per pattern; either way the statistic sees a ``(B, K)`` matrix of resampled pattern counts.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from rewardkit.metrics import BootstrapWarning, bootstrap_weighted, percentile_ci

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Statistic = Callable[[FloatArray], FloatArray]
#: Entries of a resampled pattern-count matrix held at once.
_CHUNK_ELEMENTS = 1 << 20
#: The multinomial draw of one category costs about as much as drawing this many units.
_MULTINOMIAL_COST = 8


def compress_rows(rows: npt.NDArray[np.generic]) -> tuple[npt.NDArray[np.generic], IntArray]:
    """Distinct rows of a 2-D array and, per row, the index of its pattern."""
    if rows.shape[0] == 0:
        return rows, np.zeros(0, dtype=np.int64)
    if rows.dtype.kind in "iu" and rows.shape[1] > 0 and int(rows.min()) >= 0:
        base = int(rows.max()) + 1
        if rows.shape[1] * np.log2(base) < 62:  # one int64 key per row
            weights = base ** np.arange(rows.shape[1], dtype=np.int64)
            keys = rows.astype(np.int64) @ weights
            _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
            return rows[first], inverse.astype(np.int64).ravel()
    patterns, inverse = np.unique(rows, axis=0, return_inverse=True)
    return patterns, inverse.astype(np.int64).ravel()


def unit_bootstrap(
    pattern_of_unit: IntArray,
    statistic: Statistic,
    *,
    n_resamples: int,
    confidence: float,
    rng: np.random.Generator,
    label: str,
) -> tuple[float, float]:
    """Percentile interval of ``statistic`` over resamples of the units.

    Args:
        pattern_of_unit: Pattern index (``0..K-1``) of each unit.
        statistic: Maps a ``(B, K)`` float matrix of resampled pattern counts (rows sum to the
            number of units) to the ``(B,)`` statistic; NaN where undefined.
        n_resamples: Number of resamples.
        confidence: Coverage of the interval.
        rng: Source of randomness.
        label: Name used in the warning about undefined resamples.

    Returns:
        ``(ci_low, ci_high)``; NaN when there are no units or every resample is undefined.
    """
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be >= 1, got {n_resamples}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    n = pattern_of_unit.size
    if n == 0:
        return float("nan"), float("nan")
    freq = np.bincount(pattern_of_unit)
    k = freq.size
    if k * _MULTINOMIAL_COST > n:
        order = np.argsort(pattern_of_unit, kind="stable")
        starts = np.concatenate(([0], np.cumsum(freq)[:-1]))

        def per_pattern(counts: FloatArray) -> FloatArray:
            return statistic(np.add.reduceat(counts[:, order], starts, axis=1))

        return bootstrap_weighted(
            per_pattern,
            n,
            n_resamples=n_resamples,
            confidence=confidence,
            rng=rng,
            label=label,
        )
    probs = freq / n
    rows = max(1, min(n_resamples, _CHUNK_ELEMENTS // k))
    stats = np.empty(n_resamples, dtype=np.float64)
    for start in range(0, n_resamples, rows):
        stop = min(start + rows, n_resamples)
        draws = rng.multinomial(n, probs, size=stop - start).astype(np.float64)
        stats[start:stop] = statistic(draws)
    valid = stats[~np.isnan(stats)]
    if valid.size < n_resamples:
        warnings.warn(
            f"bootstrap of {label}: dropped {n_resamples - valid.size} of {n_resamples} "
            "resamples with an undefined (NaN) value",
            BootstrapWarning,
            stacklevel=3,
        )
    return percentile_ci(valid, confidence)
