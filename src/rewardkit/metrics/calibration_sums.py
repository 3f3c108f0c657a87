"""Calibration metrics for a bootstrap over items, from per-item sufficient statistics.

:func:`calibration_sums` reduces the pairs once to per-item sums (per ECE bin: the weighted sum
of ``label - prob``; per item: total weight, squared error, negative log-likelihood), both
orientations of every pair included. Every metric of a resample is then a ratio of linear
functions of the resample counts ``C`` (shape ``(B, n_items)``): e.g.
``ECE = sum_bins |C @ gap| / (C @ weight)``, one sparse/dense product per chunk of resamples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from rewardkit.metrics.calibration import (
    ProbFn,
    bin_index,
    check_weights,
    pair_neg_log_lik,
    preference_probs,
)

__all__ = [
    "CalibrationSums",
    "brier_from_counts",
    "calibration_sums",
    "ece_from_counts",
    "log_loss_from_counts",
]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class CalibrationSums:
    """Per-unit sufficient statistics of the calibration metrics (both orientations).

    Attributes:
        bin_gap: Sparse ``(n_units, n_bins)``: per unit and bin, ``sum w * (label - prob)``.
        weight: ``(n_units,)`` total sample weight per unit (2 x pair weight).
        sq_err: ``(n_units,)`` weighted sum of squared errors.
        neg_log_lik: ``(n_units,)`` weighted sum of ``-log p(label)``.
    """

    bin_gap: Any  # scipy.sparse.csr_matrix (scipy ships no type stubs)
    weight: FloatArray
    sq_err: FloatArray
    neg_log_lik: FloatArray


def calibration_sums(
    diffs: npt.ArrayLike,
    unit_index: npt.ArrayLike,
    n_units: int,
    n_bins: int = 15,
    weights: npt.ArrayLike | None = None,
    prob: ProbFn | None = None,
) -> CalibrationSums:
    """Reduce pairs to per-unit sums so a bootstrap over units needs only matrix products.

    Args:
        diffs: ``s_chosen - s_rejected`` per pair.
        unit_index: Unit (item) of each pair, integers in ``[0, n_units)``.
        n_units: Number of units.
        n_bins: ECE bins.
        weights: Optional non-negative per-pair weights.
        prob: Calibrated ``p(first preferred | d)``; default ``sigmoid``.

    Returns:
        The :class:`CalibrationSums` of the units.

    Example:
        >>> sums = calibration_sums([0.0, 2.0], [0, 1], n_units=2)
        >>> ece_from_counts(sums, np.ones((1, 2))).round(6)
        array([0.059601])
    """
    d = np.asarray(diffs, dtype=np.float64).ravel()
    unit = np.asarray(unit_index, dtype=np.int64).ravel()
    if unit.size != d.size:
        raise ValueError(f"unit_index has length {unit.size}, expected {d.size}")
    w = check_weights(weights, d.size)
    probs, labels = preference_probs(d, prob)
    w2 = np.concatenate((w, w))
    u2 = np.concatenate((unit, unit))
    b = bin_index(probs, n_bins)
    gap = sparse.csr_matrix((w2 * (labels - probs), (u2, b)), shape=(n_units, n_bins))
    gap.sum_duplicates()
    nll = pair_neg_log_lik(d, prob)

    def per_unit(index: npt.NDArray[np.int64], values: FloatArray) -> FloatArray:
        return np.bincount(index, weights=values, minlength=n_units).astype(np.float64)

    return CalibrationSums(
        bin_gap=gap,
        weight=per_unit(u2, w2),
        sq_err=per_unit(u2, w2 * (probs - labels) ** 2),
        neg_log_lik=per_unit(unit, 2.0 * w * nll),
    )


def _ratio(num: FloatArray, den: FloatArray) -> FloatArray:
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return np.asarray(out, dtype=np.float64)


def ece_from_counts(sums: CalibrationSums, counts: npt.ArrayLike) -> FloatArray:
    """ECE of each resample given a ``(B, n_units)`` count matrix: ``sum_b |C G|_b / (C w)``.

    Args:
        sums: Per-unit sums from :func:`calibration_sums`.
        counts: How many times each unit is drawn in each resample, shape ``(B, n_units)``.

    Returns:
        Shape ``(B,)``; NaN for a resample with zero total weight.

    Example:
        >>> sums = calibration_sums([1.0, -1.0], [0, 1], n_units=2)
        >>> ece_from_counts(sums, np.array([[1.0, 1.0], [2.0, 0.0]])).round(6)
        array([0.231059, 0.268941])
    """
    c = np.asarray(counts, dtype=np.float64)
    gaps = np.asarray((sums.bin_gap.T @ c.T).T)  # (B, n_bins)
    return _ratio(np.abs(gaps).sum(axis=1), c @ sums.weight)


def brier_from_counts(sums: CalibrationSums, counts: npt.ArrayLike) -> FloatArray:
    """Brier score of each resample given a ``(B, n_units)`` count matrix.

    Args:
        sums: Per-unit sums from :func:`calibration_sums`.
        counts: How many times each unit is drawn in each resample, shape ``(B, n_units)``.

    Returns:
        Shape ``(B,)``; NaN for a resample with zero total weight.

    Example:
        >>> sums = calibration_sums([0.0], [0], n_units=1)
        >>> brier_from_counts(sums, np.ones((1, 1)))
        array([0.25])
    """
    c = np.asarray(counts, dtype=np.float64)
    return _ratio(c @ sums.sq_err, c @ sums.weight)


def log_loss_from_counts(sums: CalibrationSums, counts: npt.ArrayLike) -> FloatArray:
    """Log-loss of each resample given a ``(B, n_units)`` count matrix.

    Args:
        sums: Per-unit sums from :func:`calibration_sums`.
        counts: How many times each unit is drawn in each resample, shape ``(B, n_units)``.

    Returns:
        Shape ``(B,)``; NaN for a resample with zero total weight.

    Example:
        >>> sums = calibration_sums([0.0], [0], n_units=1)
        >>> log_loss_from_counts(sums, np.ones((1, 1))).round(6)
        array([0.693147])
    """
    c = np.asarray(counts, dtype=np.float64)
    return _ratio(c @ sums.neg_log_lik, c @ sums.weight)
