"""Per-prompt best-of-n contributions, stacked into a prompts x n matrix for fast bootstraps.

Gold scores are normalised per prompt: each prompt's value at ``n = 1`` (its mean gold score,
the expected gold score of one uniformly drawn response) is subtracted, so every curve starts
at exactly 0 and measures the gain of best-of-n selection over no selection.

Prompts may have different numbers of candidates ``N``. Point ``n`` of a curve is the mean over
the prompts with ``N >= n``; ``mask[p, n - 1]`` says whether prompt ``p`` reaches ``n``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rewardkit.rl.bon.estimator import FloatArray, bon_weights, tie_averaged

__all__ = ["Contributions", "contribution_matrix"]


@dataclass(frozen=True)
class Contributions:
    """Normalised expected gold of best-of-n, per prompt (rows) and n (columns).

    Attributes:
        values: ``(P, n_max)``; entry ``[p, n - 1]`` is prompt ``p``'s expected gold of the
            selector's best of ``n``, minus its ``n = 1`` value; 0 where ``n > N_p``.
        mask: ``(P, n_max)`` float 0/1: 1 where prompt ``p`` has at least ``n`` candidates.
    """

    values: FloatArray
    mask: FloatArray

    @property
    def n_max(self) -> int:
        return int(self.values.shape[1])

    def curve(self, weights: FloatArray | None = None) -> FloatArray:
        """Mean over the prompts that reach each n (optionally weighted, e.g. bootstrap counts).

        Example:
            >>> c = contribution_matrix([np.array([0.0, 1.0])], [np.array([0.0, 2.0])])
            >>> c.curve().tolist()
            [0.0, 1.0]
        """
        w = np.ones(self.values.shape[0]) if weights is None else weights
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray((w @ self.values) / (w @ self.mask), dtype=np.float64)


def _sorted_gold(selector: FloatArray, gold: FloatArray) -> FloatArray:
    """Rows of ``gold`` sorted by ascending ``selector`` (stable), tie groups averaged."""
    order = np.argsort(selector, axis=1, kind="stable")
    s = np.take_along_axis(selector, order, axis=1)
    g = np.take_along_axis(gold, order, axis=1)
    tied = np.flatnonzero(np.any(s[:, 1:] == s[:, :-1], axis=1))
    for row in tied.tolist():
        g[row] = tie_averaged(selector[row], gold[row])
    return g


def contribution_matrix(
    selector: Sequence[FloatArray], gold: Sequence[FloatArray], n_max: int | None = None
) -> Contributions:
    """Stack every prompt's normalised best-of-n curve, vectorised over prompts of equal N.

    Args:
        selector: Per prompt, the scores that pick the best response (proxy, or gold itself
            for the oracle curve).
        gold: Per prompt, the gold score of each response (same lengths as ``selector``).
        n_max: Largest n to keep (default, and at most: the largest N).

    Returns:
        The :class:`Contributions` matrix and mask.

    Example:
        >>> c = contribution_matrix([np.array([2.0, 1.0, 0.0])], [np.array([0.0, 3.0, 6.0])])
        >>> c.values.tolist()  # the proxy ranks the worst response first
        [[0.0, -2.0, -3.0]]
    """
    if len(selector) != len(gold):
        raise ValueError(f"{len(selector)} selector rows but {len(gold)} gold rows")
    sizes = np.array([len(s) for s in selector], dtype=np.int64)
    largest = int(sizes.max(initial=0))
    # Never beyond the largest N: the curves (and gamma's upper limit k) stop at the data.
    top = largest if n_max is None else min(int(n_max), largest)
    values = np.zeros((len(selector), top), dtype=np.float64)
    mask = np.zeros((len(selector), top), dtype=np.float64)
    for size in np.unique(sizes).tolist():
        rows = np.flatnonzero(sizes == size)
        s = np.stack([np.asarray(selector[r], dtype=np.float64) for r in rows.tolist()])
        g = np.stack([np.asarray(gold[r], dtype=np.float64) for r in rows.tolist()])
        if s.shape != g.shape:
            raise ValueError("selector and gold rows must have the same lengths")
        expected = _sorted_gold(s, g) @ bon_weights(size).T  # (rows, size)
        expected = expected - expected[:, :1]  # the n = 1 value: exactly 0 afterwards
        keep = min(size, top)
        values[rows, :keep] = expected[:, :keep]
        mask[rows, :keep] = 1.0
    return Contributions(values, mask)
