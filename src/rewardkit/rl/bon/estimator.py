"""The unbiased best-of-n estimator: order statistics over one ranking of N candidates.

For a prompt with ``N`` candidates sorted by the selector's score in ascending order, the
candidate at (1-based) rank ``i`` is the selector's pick among a uniformly random ``n``-subset
(drawn without replacement) with probability ``C(i - 1, n - 1) / C(N, n)``: the subset must
hold it and ``n - 1`` of the ``i - 1`` candidates below it. The expected gold score of best-of-n
is therefore ``sum_i P_i * gold_i``, exactly, with no resampling.

Ties in the selector's score are broken uniformly at random (the expectation over that
choice): each candidate's gold is replaced by the mean gold of its tie group before the sum.
This is exact, not an approximation; it is what brute-force enumeration gives when every
tied maximum of a subset is picked with equal probability.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt

__all__ = ["bon_weights", "d_bon", "expected_best_of_n", "kl_bon", "tie_averaged"]

FloatArray = npt.NDArray[np.float64]

#: Up to this many candidates the weights are exact ratios of Python integers; beyond, log-gamma.
_EXACT_MAX_N = 512


def kl_bon(n: int | npt.ArrayLike) -> FloatArray:
    """KL divergence of best-of-n from the base policy: ``log n - (n - 1) / n``.

    Example:
        >>> kl_bon([1, 2]).round(6).tolist()
        [0.0, 0.193147]
    """
    x = np.asarray(n, dtype=np.float64)
    if np.any(x < 1):
        raise ValueError("n must be >= 1")
    return np.asarray(np.log(x) - (x - 1.0) / x, dtype=np.float64)


def d_bon(n: int | npt.ArrayLike) -> FloatArray:
    """The distance ``d = sqrt(KL_bon(n))`` on which the gold-score curves are drawn and fitted.

    Example:
        >>> float(d_bon(1)), round(float(d_bon(4)), 4)
        (0.0, 0.7977)
    """
    return np.asarray(np.sqrt(np.maximum(kl_bon(n), 0.0)), dtype=np.float64)


@lru_cache(maxsize=64)
def _weights(n_candidates: int) -> FloatArray:
    big_n = n_candidates
    out = np.zeros((big_n, big_n), dtype=np.float64)
    if big_n <= _EXACT_MAX_N:
        for n in range(1, big_n + 1):
            total = math.comb(big_n, n)
            for i in range(n, big_n + 1):
                out[n - 1, i - 1] = math.comb(i - 1, n - 1) / total
    else:
        ranks = np.arange(1, big_n + 1, dtype=np.float64)
        lg = math.lgamma
        for n in range(1, big_n + 1):
            log_total = lg(big_n + 1) - lg(n + 1) - lg(big_n - n + 1)
            valid = ranks >= n
            iv = ranks[valid]
            logc = np.array([lg(x) for x in iv]) - lg(n) - np.array([lg(x - n + 1) for x in iv])
            out[n - 1, valid] = np.exp(logc - log_total)
    out.setflags(write=False)
    return out


def bon_weights(n_candidates: int) -> FloatArray:
    """Matrix ``W`` with ``W[n - 1, i - 1] = C(i - 1, n - 1) / C(N, n)`` (rows sum to 1).

    Row ``n - 1`` holds the probability that the candidate at ascending rank ``i`` is the best
    of a uniformly random ``n``-subset of the ``N = n_candidates`` candidates.

    Example:
        >>> bon_weights(3).round(4).tolist()
        [[0.3333, 0.3333, 0.3333], [0.0, 0.3333, 0.6667], [0.0, 0.0, 1.0]]
    """
    if n_candidates < 1:
        raise ValueError("n_candidates must be >= 1")
    return _weights(int(n_candidates))


def tie_averaged(selector: FloatArray, gold: FloatArray) -> FloatArray:
    """Gold sorted by ascending selector score, each tie group replaced by its mean gold.

    Example:
        >>> tie_averaged(np.array([1.0, 0.0, 1.0]), np.array([3.0, 5.0, 1.0])).tolist()
        [5.0, 2.0, 2.0]
    """
    order = np.argsort(selector, kind="stable")
    s = selector[order]
    g = gold[order].astype(np.float64)
    if s.size > 1 and np.any(s[1:] == s[:-1]):
        starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
        sums = np.add.reduceat(g, starts)
        sizes = np.diff(np.r_[starts, s.size])
        g = np.repeat(sums / sizes, sizes)
    return g


def expected_best_of_n(
    selector: Sequence[float] | FloatArray, gold: Sequence[float] | FloatArray
) -> FloatArray:
    """Expected gold score of the selector's best of ``n`` for ``n = 1 .. N``, exactly.

    Args:
        selector: Scores that pick the best response (the proxy RM, or gold for the oracle).
        gold: Gold score of each response, same order.

    Returns:
        Array of length ``N``: entry ``n - 1`` is the expectation over all ``n``-subsets.

    Example:
        >>> expected_best_of_n([0.1, 0.9, 0.5], [1.0, 0.0, 2.0]).round(4).tolist()
        [1.0, 0.6667, 0.0]
    """
    s = np.asarray(selector, dtype=np.float64)
    g = np.asarray(gold, dtype=np.float64)
    if s.shape != g.shape or s.ndim != 1:
        raise ValueError(f"selector {s.shape} and gold {g.shape} must be 1-D of the same length")
    return np.asarray(bon_weights(s.size) @ tie_averaged(s, g), dtype=np.float64)
