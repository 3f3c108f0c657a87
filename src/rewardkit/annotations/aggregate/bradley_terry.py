"""Bradley-Terry strengths by the MM algorithm (Hunter 2004, "MM algorithms for generalized
Bradley-Terry models", Ann. Statist. 32(1)), ties counted as half wins.

Model: ``P(i beats j) = p_i / (p_i + p_j)``. To keep every strength finite (an item that won or
lost all its comparisons has no finite maximum-likelihood strength), each item also plays one
virtual tie against a fixed opponent of strength 1: ``prior`` (0.5) pseudo-wins for each side.
That prior also fixes the scale, so the fit is unique. The update

    p_i <- (W_i + prior) / (sum_j n_ij / (p_i + p_j) + 2 * prior / (p_i + 1))

(``W_i`` points of item ``i``, ``n_ij`` comparisons between ``i`` and ``j``) increases the
penalised likelihood at every step. Preference scores are the log-strengths min-max normalised
within the prompt: log-strength is the scale on which the model is additive (like Elo).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from rewardkit.annotations.aggregate.preference import preference_scores

__all__ = ["bradley_terry_log_likelihood", "bradley_terry_mm", "bradley_terry_scores"]

PRIOR = 0.5
TOLERANCE = 1e-12
MAX_ITER = 100_000


def bradley_terry_mm(
    points: NDArray[np.float64],
    *,
    prior: float = PRIOR,
    tol: float = TOLERANCE,
    max_iter: int = MAX_ITER,
) -> NDArray[np.float64]:
    """Fit log-strengths to a points matrix by MM iterations.

    Args:
        points: ``W[i, j]``, the points (win 1, tie 0.5) item ``i`` took from item ``j``; or a
            stack ``(..., n, n)`` of such matrices, fitted independently in one vectorized loop.
        prior: Pseudo-wins of each item and of the virtual opponent in their virtual tie.
        tol: Stop when no log-strength moves more than this.
        max_iter: Iteration cap.

    Returns:
        ``log p_i`` for every item (shape ``(..., n)``), on the scale where the virtual
        opponent has 0.

    Example:
        >>> w = np.array([[0.0, 2.0], [1.0, 0.0]])
        >>> theta = bradley_terry_mm(w)
        >>> bool(theta[0] > 0 > theta[1])
        True
    """
    w = np.asarray(points, dtype=np.float64)
    if prior <= 0.0:
        raise ValueError("prior must be positive so that every strength is finite")
    n = w + np.swapaxes(w, -1, -2)
    wins = w.sum(axis=-1) + prior
    p = np.ones(w.shape[:-1], dtype=np.float64)
    for _ in range(max_iter):
        denom = (n / (p[..., :, None] + p[..., None, :])).sum(axis=-1) + 2.0 * prior / (p + 1.0)
        updated = wins / denom
        step = float(np.max(np.abs(np.log(updated) - np.log(p)))) if p.size else 0.0
        p = updated
        if step < tol:
            break
    theta: NDArray[np.float64] = np.log(p)
    return theta


def bradley_terry_log_likelihood(
    theta: NDArray[np.float64], points: NDArray[np.float64], *, prior: float = PRIOR
) -> float:
    """The penalised log-likelihood that :func:`bradley_terry_mm` maximises.

    Example:
        >>> round(bradley_terry_log_likelihood(np.zeros(2), np.array([[0.0, 1.0], [0.0, 0.0]])), 4)
        -2.0794
    """
    w = np.asarray(points, dtype=np.float64)
    diff = theta[:, None] - theta[None, :]
    pair = float(np.sum(w * -np.logaddexp(0.0, -diff)))
    virtual = prior * (-np.logaddexp(0.0, -theta) - np.logaddexp(0.0, theta))
    return pair + float(np.sum(virtual))


def bradley_terry_scores(comparisons: pd.DataFrame) -> pd.Series:
    """Bradley-Terry preference scores: MM log-strengths min-max normalised within each prompt.

    Example:
        >>> c = pd.DataFrame({"prompt_id": ["p"] * 3, "item_a": ["x", "x", "y"],
        ...                   "item_b": ["y", "z", "z"], "preference": ["a", "a", "a"]})
        >>> [round(v, 3) for v in bradley_terry_scores(c).tolist()]
        [1.0, 0.5, 0.0]
    """
    return preference_scores(comparisons, bradley_terry_mm)
