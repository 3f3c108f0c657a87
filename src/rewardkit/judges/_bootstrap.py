"""Private: means and kappas with bootstrap intervals over units (items), via the metrics floor.

A unit is what is resampled: a row, or a cluster of rows that share an item (the two orders of
one pair, the pairs of one prompt, the same prompt answered by several models). Resampling
``n`` units is described by their draw counts, so every statistic here is a function of the
``(B, n_units)`` count matrix that :func:`rewardkit.metrics.bootstrap_weighted` draws.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from rewardkit.annotations.agreement import kappa_of_tables
from rewardkit.metrics import BootstrapWarning, Estimate, bootstrap_mean, bootstrap_weighted

FloatArray = npt.NDArray[np.float64]


def unit_index(units: Sequence[str] | None, n: int) -> npt.NDArray[np.int64]:
    """The unit of each row (``0..U-1`` in order of first appearance); each row its own unit
    when ``units`` is None."""
    if units is None:
        return np.arange(n, dtype=np.int64)
    if len(units) != n:
        raise ValueError(f"{len(units)} units for {n} rows")
    codes: dict[str, int] = {}
    return np.asarray([codes.setdefault(u, len(codes)) for u in units], dtype=np.int64)


def mean_estimate(
    values: npt.ArrayLike,
    units: npt.NDArray[np.int64],
    *,
    n_resamples: int,
    confidence: float,
    rng: np.random.Generator,
) -> Estimate:
    """The mean of per-row ``values`` with a CI that resamples units; ``n`` counts units.

    Example:
        >>> from rewardkit.metrics import rng_for
        >>> est = mean_estimate([1, 0, 1, 1], np.array([0, 0, 1, 2]), n_resamples=200,
        ...                     confidence=0.95, rng=rng_for(0, "doc"))
        >>> est.value, est.n
        (0.75, 3)
    """
    x = np.asarray(values, dtype=np.float64)
    if x.size == 0:
        return Estimate(float("nan"), float("nan"), float("nan"), 0)
    n_units = int(units.max()) + 1
    if n_units == x.size and np.array_equal(units, np.arange(x.size)):
        return bootstrap_mean(x, n_resamples=n_resamples, confidence=confidence, rng=rng)
    sums = np.bincount(units, weights=x, minlength=n_units)
    sizes = np.bincount(units, minlength=n_units).astype(np.float64)

    def ratio(counts: FloatArray) -> FloatArray:
        return np.asarray((counts @ sums) / (counts @ sizes), dtype=np.float64)

    lo, hi = bootstrap_weighted(
        ratio, n_units, n_resamples=n_resamples, confidence=confidence, rng=rng, label="mean"
    )
    return Estimate(float(x.mean()), lo, hi, n_units)


def kappa_estimate(
    row_labels: npt.NDArray[np.int64],
    col_labels: npt.NDArray[np.int64],
    k: int,
    units: npt.NDArray[np.int64],
    *,
    n_resamples: int,
    confidence: float,
    rng: np.random.Generator,
) -> Estimate:
    """Unweighted Cohen's kappa of two label codes (``0..k-1``) with a CI that resamples units;
    kappa itself comes from :func:`rewardkit.annotations.agreement.kappa_of_tables`."""
    if row_labels.size == 0:
        return Estimate(float("nan"), float("nan"), float("nan"), 0)
    cells = row_labels * k + col_labels
    table = np.bincount(cells, minlength=k * k).astype(np.float64).reshape(1, k, k)
    value = float(kappa_of_tables(table)[0])
    n_units = int(units.max()) + 1
    per_unit = np.zeros((n_units, k * k), dtype=np.float64)
    np.add.at(per_unit, (units, cells), 1.0)

    def kappas(counts: FloatArray) -> FloatArray:
        tables = (counts @ per_unit).reshape(-1, k, k)
        return np.asarray(kappa_of_tables(tables), dtype=np.float64)

    with warnings.catch_warnings():
        # Resamples without chance disagreement (one label only) have no kappa; the interval
        # is taken over the others, as bootstrap_weighted documents (small groups have many).
        warnings.simplefilter("ignore", BootstrapWarning)
        lo, hi = bootstrap_weighted(
            kappas, n_units, n_resamples=n_resamples, confidence=confidence, rng=rng, label="kappa"
        )
    return Estimate(value, lo, hi, n_units)
