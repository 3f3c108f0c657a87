"""Private rank helpers of :mod:`rewardkit.metrics.correlation`: tie runs and inversions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def run_starts(sorted_values: npt.NDArray[np.generic]) -> IntArray:
    """Start positions of the runs of equal values of a sorted 1-D array."""
    if sorted_values.size == 0:
        return np.zeros(0, dtype=np.int64)
    change = np.flatnonzero(sorted_values[1:] != sorted_values[:-1]) + 1
    return np.concatenate(([0], change)).astype(np.int64)


def tie_pairs(sorted_values: npt.NDArray[np.generic]) -> int:
    """Number of tied pairs ``sum t(t-1)/2`` over runs of equal values of a sorted array."""
    starts = run_starts(sorted_values)
    runs = np.diff(np.append(starts, sorted_values.size))
    return int((runs * (runs - 1) // 2).sum())


def weighted_tie_pairs(w_sorted: FloatArray, starts: IntArray) -> FloatArray:
    """Per row, ``sum_g W_g (W_g - 1) / 2`` with ``W_g`` the weight of each run of ties."""
    if starts.size == 0:
        return np.zeros(w_sorted.shape[0])
    g = np.add.reduceat(w_sorted, starts, axis=1)
    return np.asarray((g * (g - 1.0)).sum(axis=1) / 2.0, dtype=np.float64)


@dataclass(frozen=True)
class _Level:
    left: IntArray  # original index of each left-half element, in merged-key order
    right: IntArray  # original index of each right-half element
    lo: IntArray  # per right element: first left element (global left order) above it
    hi: IntArray  # per right element: end of its block's left half


def inversion_plan(r: IntArray) -> list[_Level]:
    """The levels of a bottom-up merge sort of ``r``, vectorized per level.

    At width ``w`` the array is sorted within blocks of ``w``; in every ``2w``-block the right
    half looks up, with ``searchsorted`` on block-offset keys, which left elements are greater,
    and a stable sort (merging the two sorted runs) moves to width ``2w``. Each inverted pair
    ``i < j, r[i] > r[j]`` is found at exactly one level. The plan depends only on ``r``, so
    any number of weight vectors can reuse it.
    """
    n = r.size
    levels: list[_Level] = []
    if n < 2:
        return levels
    m = np.int64(r.max() + 1)
    cur = r.astype(np.int64)
    perm = np.arange(n, dtype=np.int64)
    pos = np.arange(n, dtype=np.int64)
    w = 1
    while w < n:
        block = pos // (2 * w)
        right = (pos // w) % 2 == 1
        key = block * m + cur
        left_keys = key[~right]  # globally sorted: blocks ascend, each left half is sorted
        lo = np.searchsorted(left_keys, key[right], side="right").astype(np.int64)
        hi = np.searchsorted(left_keys, (block[right] + 1) * m, side="left").astype(np.int64)
        levels.append(_Level(perm[~right], perm[right], lo, hi))
        order = np.argsort(key, kind="stable")
        perm = perm[order]
        cur = key[order] - block * m
        w *= 2
    return levels


def count_inversions(r: IntArray) -> int:
    """Pairs ``i < j`` with ``r[i] > r[j]``."""
    return sum(int((lv.hi - lv.lo).sum()) for lv in inversion_plan(r))


def weighted_inversions(plan: list[_Level], w: FloatArray) -> FloatArray:
    """Per row of ``w`` (B, n): ``sum_{i<j, r[i] > r[j]} w[i] w[j]``."""
    total = np.zeros(w.shape[0])
    for lv in plan:
        cum = np.zeros((w.shape[0], lv.left.size + 1))
        np.cumsum(w[:, lv.left], axis=1, out=cum[:, 1:])
        total += (w[:, lv.right] * (cum[:, lv.hi] - cum[:, lv.lo])).sum(axis=1)
    return total


def level_discordance(levels: IntArray, n_levels: int, w: FloatArray) -> FloatArray:
    """Same result as :func:`weighted_inversions` for ``levels`` in ``[0, n_levels)``, in
    ``O(n_levels * n)`` per row: for each level ``v``, every later element below ``v`` pairs
    with the weight of the earlier elements at ``v`` (a running sum). Cheaper than the merge
    plan when there are few distinct values (e.g. Likert-scale human scores)."""
    total = np.zeros(w.shape[0])
    for v in range(1, n_levels):
        below = levels < v
        running = np.cumsum(np.where(levels == v, w, 0.0), axis=1)
        total += (w[:, below] * running[:, below]).sum(axis=1)
    return total


class WeightedKendall:
    """Kendall's tau-b of count-weighted copies of fixed ``(x, y)``, many weight rows at once.

    The sort by ``(x, y)``, the tie runs and the discordance plan are computed once here; each
    call then costs ``O(n log n)`` (merge plan) or ``O(levels * n)`` per row. Tau-b is symmetric,
    so the variable with fewer distinct values plays ``y`` (the one whose inversions are
    counted). Copies of one observation are tied in x and y, so each tie term is
    ``sum W_g (W_g - 1) / 2`` over the weight ``W_g`` of each tie group, and the discordant count
    is ``sum w_i w_j`` over discordant pairs. Any NaN in the data makes every result NaN.

    Example:
        >>> tau = WeightedKendall(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 3.0, 2.0, 4.0]))
        >>> tau(np.array([[1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 0.0, 1.0]]))
        array([0.66666667, 1.        ])
    """

    def __init__(self, x: FloatArray, y: FloatArray) -> None:
        self.has_nan = bool(np.isnan(x).any() or np.isnan(y).any())
        self.n = x.size
        if np.unique(x).size < np.unique(y).size:
            x, y = y, x
        _, inv = np.unique(y, return_inverse=True)
        yr = inv.astype(np.int64).ravel()
        self.order = np.lexsort((yr, x))
        xs, self.ys = x[self.order], yr[self.order]
        self.n_levels = int(yr.max()) + 1 if yr.size else 0
        self.x_starts = run_starts(xs)
        self.y_order = np.argsort(self.ys, kind="stable")
        self.y_starts = run_starts(self.ys[self.y_order])
        same = np.concatenate(([True], (xs[1:] != xs[:-1]) | (self.ys[1:] != self.ys[:-1])))
        self.xy_starts = run_starts(np.cumsum(same))
        merge_levels = int(np.ceil(np.log2(max(self.n, 2))))
        self.plan = inversion_plan(self.ys) if self.n_levels - 1 > merge_levels else None

    def __call__(self, w: FloatArray) -> FloatArray:
        """Tau-b of each row of weights ``w`` (shape ``(B, n)``); NaN where undefined."""
        if self.has_nan:
            return np.full(w.shape[0], np.nan)
        ws = w[:, self.order]
        x_ties = weighted_tie_pairs(ws, self.x_starts)
        y_ties = weighted_tie_pairs(ws[:, self.y_order], self.y_starts)
        xy_ties = weighted_tie_pairs(ws, self.xy_starts)
        if self.plan is None:
            dis = level_discordance(self.ys, self.n_levels, ws)
        else:
            dis = weighted_inversions(self.plan, ws)
        total = ws.sum(axis=1)
        n0 = total * (total - 1.0) / 2.0
        den = (n0 - x_ties) * (n0 - y_ties)
        with np.errstate(invalid="ignore", divide="ignore"):
            tau = (n0 - x_ties - y_ties + xy_ties - 2.0 * dis) / np.sqrt(den)
        tau[~(den > 0)] = np.nan
        return np.asarray(np.clip(tau, -1.0, 1.0), dtype=np.float64)
