"""Rank correlation with human scores: Spearman's rho and Kendall's tau-b.

Both equal ``scipy.stats.spearmanr`` / ``scipy.stats.kendalltau`` (tau-b) including ties, and
return NaN where those are undefined (fewer than two points, a constant input, or NaN input).
The ``weighted_*`` variants take integer multiplicities per observation (a bootstrap resample
repeats every response of a drawn item), one row per resample, and give exactly the value of the
unweighted function on the expanded data.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from rewardkit.metrics._ranks import WeightedKendall, count_inversions, tie_pairs

__all__ = [
    "WeightedKendall",
    "kendall_tau_b",
    "spearman",
    "weighted_kendall_tau_b",
    "weighted_spearman",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _pair(x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    a = np.asarray(x, dtype=np.float64).ravel()
    b = np.asarray(y, dtype=np.float64).ravel()
    if a.size != b.size:
        raise ValueError(f"x and y differ in length: {a.size} != {b.size}")
    return a, b


def _average_ranks(x: FloatArray) -> FloatArray:
    """1-based ranks, ties getting the average of the ranks they span."""
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts).astype(np.float64)
    return np.asarray((ends - (counts - 1) / 2.0)[inverse.ravel()], dtype=np.float64)


def _pearson(a: FloatArray, b: FloatArray) -> float:
    a = a - a.mean()
    b = b - b.mean()
    den = math.sqrt(float(np.dot(a, a)) * float(np.dot(b, b)))
    if den == 0.0:
        return float("nan")
    return max(-1.0, min(1.0, float(np.dot(a, b)) / den))


def spearman(x: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """Spearman's rank correlation: Pearson correlation of average-tie ranks.

    Args:
        x: First variable (e.g. model scores).
        y: Second variable (e.g. human scores), same length.

    Returns:
        rho in [-1, 1]; NaN with fewer than 2 points, a constant input, or any NaN.

    Example:
        >>> spearman([1.0, 2.0, 3.0, 4.0], [10.0, 20.0, 20.0, 40.0])
        0.9486832980505138
    """
    a, b = _pair(x, y)
    if a.size < 2 or np.isnan(a).any() or np.isnan(b).any():
        return float("nan")
    return _pearson(_average_ranks(a), _average_ranks(b))


def kendall_tau_b(x: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """Kendall's tau-b, with the tie corrections of ``scipy.stats.kendalltau``, in O(n log^2 n).

    ``tau_b = (P - Q) / sqrt((n0 - Tx) (n0 - Ty))`` with ``n0 = n(n-1)/2``, ``Tx``/``Ty`` the
    pairs tied in x/y, and ``P - Q = n0 - Tx - Ty + Txy - 2 Q`` where ``Txy`` counts pairs tied
    in both and ``Q``, the discordant pairs, is the number of inversions of y after sorting by
    (x, y).

    Args:
        x: First variable.
        y: Second variable, same length.

    Returns:
        tau-b in [-1, 1]; NaN with fewer than 2 points, a constant input, or any NaN.

    Example:
        >>> kendall_tau_b([1, 2, 3, 4], [1, 3, 2, 4])
        0.6666666666666666
    """
    a, b = _pair(x, y)
    n = a.size
    if n < 2 or np.isnan(a).any() or np.isnan(b).any():
        return float("nan")
    _, ya = np.unique(b, return_inverse=True)
    yr = ya.astype(np.int64).ravel()
    order = np.lexsort((yr, a))
    xs, ys = a[order], yr[order]
    n0 = n * (n - 1) // 2
    x_ties = tie_pairs(xs)
    y_ties = tie_pairs(np.sort(yr))
    joint = np.stack((xs, ys.astype(np.float64)), axis=1)
    same = np.concatenate(([False], (joint[1:] == joint[:-1]).all(axis=1)))
    xy_ties = tie_pairs(np.cumsum(~same))  # runs of identical (x, y) rows
    dis = count_inversions(ys)
    den = (n0 - x_ties) * (n0 - y_ties)
    if den == 0:
        return float("nan")
    tau = (n0 - x_ties - y_ties + xy_ties - 2 * dis) / math.sqrt(den)
    return max(-1.0, min(1.0, tau))


def _as_weights(weights: npt.ArrayLike, n: int) -> FloatArray:
    w = np.atleast_2d(np.asarray(weights, dtype=np.float64))
    if w.shape[1] != n:
        raise ValueError(f"weights has {w.shape[1]} columns, expected {n}")
    return w


def weighted_spearman(x: npt.ArrayLike, y: npt.ArrayLike, weights: npt.ArrayLike) -> FloatArray:
    """Spearman's rho of each row's expanded data, vectorized over rows.

    Row ``b`` of ``weights`` gives each observation a multiplicity ``w[b, i] >= 0``; the result
    is ``spearman(repeat(x, w[b]), repeat(y, w[b]))``. Tied values share the average of the
    ranks they span: a value group with total weight ``W_g`` after ``C_g`` weight of smaller
    values has rank ``C_g + (W_g + 1) / 2``; rho is then the weighted Pearson correlation.

    Args:
        x: First variable, shape ``(n,)``.
        y: Second variable, shape ``(n,)``.
        weights: Multiplicities, shape ``(B, n)`` (or ``(n,)`` for one row).

    Returns:
        Shape ``(B,)``; NaN for rows where rho is undefined.

    Example:
        >>> weighted_spearman([1.0, 2.0, 3.0], [1.0, 3.0, 2.0], [[1, 1, 1], [2, 0, 1]])
        array([0.5, 1. ])
    """
    a, b = _pair(x, y)
    w = _as_weights(weights, a.size)
    if np.isnan(a).any() or np.isnan(b).any():
        return np.full(w.shape[0], np.nan)
    total = w.sum(axis=1)
    ra, distinct_a = _weighted_ranks(a, w)
    rb, distinct_b = _weighted_ranks(b, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        ma = (w * ra).sum(axis=1) / total
        mb = (w * rb).sum(axis=1) / total
        da = ra - ma[:, None]
        db = rb - mb[:, None]
        cov = (w * da * db).sum(axis=1)
        var = (w * da * da).sum(axis=1) * (w * db * db).sum(axis=1)
        rho = cov / np.sqrt(var)
    rho[(distinct_a < 2) | (distinct_b < 2) | ~(var > 0)] = np.nan
    return np.asarray(np.clip(rho, -1.0, 1.0), dtype=np.float64)


def _weighted_ranks(v: FloatArray, w: FloatArray) -> tuple[FloatArray, IntArray]:
    """Average-tie ranks of every observation in each weighted row, shape ``(B, n)``, and the
    number of distinct values with positive weight in each row (a row is constant when < 2)."""
    _, group = np.unique(v, return_inverse=True)
    group = group.ravel()
    n_groups = int(group.max()) + 1 if group.size else 0
    order = np.argsort(group, kind="stable")
    starts = np.searchsorted(group[order], np.arange(n_groups))
    group_w = np.add.reduceat(w[:, order], starts, axis=1) if n_groups else w[:, :0]
    before = np.cumsum(group_w, axis=1) - group_w
    rank = before + (group_w + 1.0) / 2.0
    distinct = (group_w > 0).sum(axis=1).astype(np.int64)
    return np.asarray(rank[:, group], dtype=np.float64), distinct


def weighted_kendall_tau_b(
    x: npt.ArrayLike, y: npt.ArrayLike, weights: npt.ArrayLike
) -> FloatArray:
    """Kendall's tau-b of each row's expanded data, vectorized over rows.

    Row ``b`` of ``weights`` gives each observation a multiplicity ``w[b, i] >= 0``; for
    integer weights the result is ``kendall_tau_b(repeat(x, w[b]), repeat(y, w[b]))``. Copies
    of one observation are tied in both x and y, so each tie term becomes ``sum W_g (W_g-1)/2``
    over the weight ``W_g`` of each tie group and the discordant count becomes
    ``sum w_i w_j`` over discordant pairs (a merge-sort plan, or running sums per level when
    one variable has few distinct values). To reuse the preparation across calls on the same
    data, use :class:`WeightedKendall` directly.

    Args:
        x: First variable, shape ``(n,)``.
        y: Second variable, shape ``(n,)``.
        weights: Non-negative multiplicities, shape ``(B, n)`` (or ``(n,)`` for one row).

    Returns:
        Shape ``(B,)``; NaN for rows where tau-b is undefined.

    Example:
        >>> weighted_kendall_tau_b([1, 2, 3, 4], [1, 3, 2, 4], [[1, 1, 1, 1], [1, 1, 0, 1]])
        array([0.66666667, 1.        ])
    """
    a, b = _pair(x, y)
    w = _as_weights(weights, a.size)
    if (w < 0).any():
        raise ValueError("weights must be non-negative")
    return WeightedKendall(a, b)(w)
