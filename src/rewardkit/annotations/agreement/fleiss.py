"""Fleiss' kappa for many raters, generalised to a varying number of raters per unit.

With ``n_ij`` the number of raters who put unit ``i`` in category ``j`` and ``n_i = sum_j n_ij``,
only units with ``n_i >= 2`` enter (a single rating has no agreement to measure):

    P_i   = sum_j n_ij (n_ij - 1) / (n_i (n_i - 1))       agreement within unit i
    P_bar = mean of P_i over those units
    p_j   = sum_i n_ij / sum_i n_i                        share of category j among their ratings
    P_e   = sum_j p_j^2
    kappa = (P_bar - P_e) / (1 - P_e)

With the same ``n`` for every unit this is exactly Fleiss (1971) (and
``statsmodels.stats.inter_rater.fleiss_kappa``). Kappa is NaN when undefined (no unit with two
ratings, or ``P_e = 1``: every rating in one category).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from rewardkit.annotations.agreement._resample import compress_rows, unit_bootstrap
from rewardkit.annotations.agreement._values import FloatArray, IntArray, count_matrix
from rewardkit.metrics import Estimate

__all__ = ["counts_from_matrix", "fleiss_ci", "fleiss_kappa"]


def counts_from_matrix(data: npt.ArrayLike, values: npt.ArrayLike) -> IntArray:
    """Per-unit category counts of a reliability matrix, NaN never counted as a category.

    (``statsmodels.stats.inter_rater.aggregate_raters`` treats NaN as one more category.)

    Args:
        data: Ratings of shape ``(n_units, n_raters)``, NaN for missing.
        values: Declared categories; columns follow their sorted order.

    Returns:
        Integer array of shape ``(n_units, len(values))``.

    Raises:
        ValueError: Listing the ratings that are not in ``values``.

    Example:
        >>> counts_from_matrix([[1, 2, float("nan")], [3, 3, 3]], values=[1, 2, 3])
        array([[1, 1, 0],
               [0, 0, 3]])
    """
    counts, _ = count_matrix(data, values)
    return counts


def _as_counts(counts: npt.ArrayLike) -> IntArray:
    c = np.asarray(counts, dtype=np.float64)
    if c.ndim != 2:
        raise ValueError(f"counts must be 2-D (n_units, n_categories), got shape {c.shape}")
    if not (np.isfinite(c).all() and (c >= 0).all() and (c == np.rint(c)).all()):
        raise ValueError("counts must be non-negative integers (no NaN)")
    return c.astype(np.int64)


def _kappa_from_weights(
    weights: FloatArray, agreement: FloatArray, cat_counts: FloatArray
) -> FloatArray:
    """Kappa per row of ``weights`` (B, K) over K distinct count patterns."""
    units = weights.sum(axis=1)
    cats = weights @ cat_counts
    total = cats.sum(axis=1)
    out = np.full(weights.shape[0], np.nan)
    ok = (units > 0) & (total > 0)
    p_bar = (weights[ok] @ agreement) / units[ok]
    p_e = ((cats[ok] / total[ok, None]) ** 2).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = (p_bar - p_e) / (1.0 - p_e)
    kappa[~(p_e < 1.0)] = np.nan
    out[ok] = kappa
    return out


def _patterns(counts: npt.ArrayLike) -> tuple[FloatArray, FloatArray, IntArray]:
    """Distinct count rows of the units with >= 2 ratings: (agreement, counts, unit pattern)."""
    c = _as_counts(counts)
    c = c[c.sum(axis=1) >= 2]
    patterns, unit_pattern = compress_rows(c)
    p = np.asarray(patterns, dtype=np.float64)
    n_i = p.sum(axis=1)
    agreement = (p * (p - 1.0)).sum(axis=1) / (n_i * (n_i - 1.0))
    return agreement, p, unit_pattern


def fleiss_kappa(counts: npt.ArrayLike) -> float:
    """Fleiss' kappa of per-unit category counts (raters per unit may vary).

    Args:
        counts: ``(n_units, n_categories)`` non-negative integer counts (see
            :func:`counts_from_matrix`).

    Returns:
        Kappa (formula in the module docstring); NaN when undefined.

    Example:
        >>> round(fleiss_kappa([[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6],
        ...                     [0, 3, 9, 2, 0], [2, 2, 8, 1, 1], [7, 7, 0, 0, 0],
        ...                     [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0],
        ...                     [0, 2, 2, 3, 7]]), 3)
        0.21
    """
    agreement, patterns, unit_pattern = _patterns(counts)
    weights = np.bincount(unit_pattern, minlength=len(patterns)).astype(np.float64)
    return float(_kappa_from_weights(weights[None], agreement, patterns)[0])


def fleiss_ci(
    counts: npt.ArrayLike,
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    rng: np.random.Generator,
) -> Estimate:
    """Fleiss' kappa with a percentile bootstrap interval over units.

    Args:
        counts: ``(n_units, n_categories)`` category counts per unit.
        n_resamples: Number of bootstrap resamples.
        confidence: Coverage of the interval, in (0, 1).
        rng: Source of randomness (see :func:`rewardkit.metrics.rng_for`).

    Returns:
        ``Estimate(kappa, ci_low, ci_high, n)`` with ``n`` the units with two or more ratings.

    Example:
        >>> from rewardkit.metrics import rng_for
        >>> counts = [[3, 0], [0, 3], [2, 1], [3, 0], [0, 3], [1, 2], [2, 1], [0, 3]]
        >>> est = fleiss_ci(counts, rng=rng_for(0, "doc"))
        >>> round(est.value, 3), est.n, bool(est.ci_low <= est.value <= est.ci_high)
        (0.497, 8, True)
    """
    agreement, patterns, unit_pattern = _patterns(counts)
    weights = np.bincount(unit_pattern, minlength=len(patterns)).astype(np.float64)
    value = float(_kappa_from_weights(weights[None], agreement, patterns)[0])
    lo, hi = unit_bootstrap(
        unit_pattern,
        lambda w: _kappa_from_weights(w, agreement, patterns),
        n_resamples=n_resamples,
        confidence=confidence,
        rng=rng,
        label="fleiss kappa",
    )
    return Estimate(value, lo, hi, int(unit_pattern.size))
