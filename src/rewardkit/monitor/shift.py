"""Location shifts of a current sample against a reference, with bootstrap CIs and tests.

The CIs are percentile bootstrap intervals of ``statistic(current) - statistic(reference)``,
each sample resampled independently (they are different units), through
:func:`rewardkit.metrics.resample_means` and :func:`rewardkit.metrics.percentile_ci`.

The tests work on summary statistics, so the same code serves one window and a whole
simulated batch of streams (any array shape broadcasts):

* :func:`welch_p`: two-sided Welch t-test of a mean difference (as ``scipy.stats.ttest_ind(
  equal_var=False)``);
* :func:`drop_p`: one-sided z-test that the current mean (e.g. accuracy) is *below* the
  reference's, with unpooled variances.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy import stats

from rewardkit.metrics import Estimate, percentile_ci, resample_means

__all__ = ["drop_p", "mean_shift", "quantile_shift", "resample_quantiles", "welch_p"]

FloatArray = npt.NDArray[np.float64]


def welch_p(
    mean_ref: npt.ArrayLike,
    var_ref: npt.ArrayLike,
    n_ref: npt.ArrayLike,
    mean_cur: npt.ArrayLike,
    var_cur: npt.ArrayLike,
    n_cur: npt.ArrayLike,
) -> FloatArray:
    """Two-sided Welch t-test p-value from means, sample variances (``ddof=1``) and sizes.

    NaN where a sample has fewer than 2 units or both variances are 0.

    Example:
        >>> float(welch_p(0.0, 1.0, 50, 0.0, 1.0, 50))
        1.0
    """
    m1, v1, n1 = (np.asarray(a, dtype=np.float64) for a in (mean_ref, var_ref, n_ref))
    m2, v2, n2 = (np.asarray(a, dtype=np.float64) for a in (mean_cur, var_cur, n_cur))
    with np.errstate(divide="ignore", invalid="ignore"):
        a, b = v1 / n1, v2 / n2
        se2 = a + b
        t = (m2 - m1) / np.sqrt(se2)
        df = se2**2 / (a**2 / (n1 - 1) + b**2 / (n2 - 1))
        p = 2.0 * stats.t.sf(np.abs(t), df)
    bad = (n1 < 2) | (n2 < 2) | ~(se2 > 0)
    return np.asarray(np.where(bad, np.nan, p), dtype=np.float64)


def drop_p(
    mean_ref: npt.ArrayLike,
    var_ref: npt.ArrayLike,
    n_ref: npt.ArrayLike,
    mean_cur: npt.ArrayLike,
    var_cur: npt.ArrayLike,
    n_cur: npt.ArrayLike,
) -> FloatArray:
    """One-sided p-value of ``H1: mean_cur < mean_ref`` (z-test, unpooled variances).

    Example:
        >>> round(float(drop_p(0.8, 0.16, 100, 0.7, 0.21, 100)), 4)
        0.0501
    """
    m1, v1, n1 = (np.asarray(a, dtype=np.float64) for a in (mean_ref, var_ref, n_ref))
    m2, v2, n2 = (np.asarray(a, dtype=np.float64) for a in (mean_cur, var_cur, n_cur))
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(v1 / n1 + v2 / n2)
        z = (m1 - m2) / se
        p = stats.norm.sf(z)
    bad = (n1 < 2) | (n2 < 2) | ~(se > 0)
    return np.asarray(np.where(bad, np.nan, p), dtype=np.float64)


def mean_shift(
    reference: npt.ArrayLike,
    current: npt.ArrayLike,
    *,
    rng: np.random.Generator,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    reference_means: FloatArray | None = None,
) -> Estimate:
    """``mean(current) - mean(reference)`` with a percentile bootstrap CI.

    Args:
        reference: Reference sample.
        current: Current sample.
        rng: Source of randomness (see :func:`rewardkit.metrics.rng_for`).
        n_resamples: Bootstrap resamples.
        confidence: Coverage of the interval.
        reference_means: Precomputed resample means of ``reference`` (reused across windows).

    Returns:
        An :class:`~rewardkit.metrics.Estimate` whose ``n`` is the current sample size.

    Example:
        >>> from rewardkit.metrics import rng_for
        >>> e = mean_shift([0.0, 1.0, 2.0], [1.0, 2.0, 3.0], rng=rng_for(0, "doc"))
        >>> e.value, e.ci_low <= 1.0 <= e.ci_high
        (1.0, True)
    """
    ref = np.asarray(reference, dtype=np.float64).ravel()
    cur = np.asarray(current, dtype=np.float64).ravel()
    if ref.size == 0 or cur.size == 0:
        return Estimate(float("nan"), float("nan"), float("nan"), int(cur.size))
    ref_means = (
        resample_means(ref, n_resamples, rng) if reference_means is None else reference_means
    )
    cur_means = resample_means(cur, n_resamples, rng)
    lo, hi = percentile_ci(cur_means - ref_means, confidence)
    return Estimate(float(cur.mean() - ref.mean()), lo, hi, int(cur.size))


def resample_quantiles(
    values: npt.ArrayLike, qs: Sequence[float], n_resamples: int, rng: np.random.Generator
) -> FloatArray:
    """Quantiles ``qs`` of ``n_resamples`` bootstrap resamples: shape ``(n_resamples, len(qs))``.

    Example:
        >>> from rewardkit.metrics import rng_for
        >>> resample_quantiles([2.0, 2.0], [0.5], 3, rng_for(0, "doc")).tolist()
        [[2.0], [2.0], [2.0]]
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    out = np.empty((n_resamples, len(qs)), dtype=np.float64)
    rows = max(1, (1 << 22) // max(x.size, 1))
    for start in range(0, n_resamples, rows):
        stop = min(start + rows, n_resamples)
        idx = rng.integers(0, x.size, size=(stop - start, x.size))
        out[start:stop] = np.quantile(x[idx], qs, axis=1).T
    return out


def quantile_shift(
    reference: npt.ArrayLike,
    current: npt.ArrayLike,
    qs: Sequence[float],
    *,
    rng: np.random.Generator,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    reference_quantiles: FloatArray | None = None,
) -> list[Estimate]:
    """``quantile_q(current) - quantile_q(reference)`` for each ``q`` with bootstrap CIs.

    Example:
        >>> from rewardkit.metrics import rng_for
        >>> [e.value for e in quantile_shift([0.0, 1.0], [1.0, 2.0], [0.5], rng=rng_for(0, "d"))]
        [1.0]
    """
    ref = np.asarray(reference, dtype=np.float64).ravel()
    cur = np.asarray(current, dtype=np.float64).ravel()
    if ref.size == 0 or cur.size == 0:
        return [Estimate(float("nan"), float("nan"), float("nan"), int(cur.size)) for _ in qs]
    ref_q = (
        resample_quantiles(ref, qs, n_resamples, rng)
        if reference_quantiles is None
        else reference_quantiles
    )
    cur_q = resample_quantiles(cur, qs, n_resamples, rng)
    point = np.quantile(cur, qs) - np.quantile(ref, qs)
    out = []
    for j in range(len(qs)):
        lo, hi = percentile_ci(cur_q[:, j] - ref_q[:, j], confidence)
        out.append(Estimate(float(point[j]), lo, hi, int(cur.size)))
    return out
