"""Reward-model losses: Bradley-Terry (with margin and centering) and regression.

Bradley-Terry, as TRL's ``RewardTrainer``::

    loss = mean(-log sigmoid(r_chosen - r_rejected - margin))
           + center_coef * mean((r_chosen + r_rejected) ** 2)

(the centering term is TRL's ``center_rewards_coefficient``; it pins the reward's offset, which
the pairwise term leaves free). Regression is the mean squared error to scalar targets.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.special import expit, log_expit


def bradley_terry_loss(
    r_chosen: npt.ArrayLike,
    r_rejected: npt.ArrayLike,
    margin: npt.ArrayLike | None = None,
    center_coef: float = 0.0,
) -> tuple[float, np.ndarray, np.ndarray]:
    """The loss and its gradients with respect to ``r_chosen`` and ``r_rejected``.

    Example:
        >>> loss, g_c, g_r = bradley_terry_loss([1.0], [0.0])
        >>> round(loss, 6), round(float(g_c[0]), 6), round(float(g_r[0]), 6)
        (0.313262, -0.268941, 0.268941)
    """
    c = np.asarray(r_chosen, dtype=np.float64)
    r = np.asarray(r_rejected, dtype=np.float64)
    m = np.zeros_like(c) if margin is None else np.asarray(margin, dtype=np.float64)
    z = c - r - m
    n = c.size
    loss = -float(np.mean(log_expit(z)))
    g = -expit(-z) / n  # d loss / d z
    g_c, g_r = g.copy(), -g
    if center_coef:
        s = c + r
        loss += center_coef * float(np.mean(s**2))
        g_center = center_coef * 2.0 * s / n
        g_c += g_center
        g_r += g_center
    return loss, g_c, g_r


def regression_loss(predicted: npt.ArrayLike, target: npt.ArrayLike) -> tuple[float, np.ndarray]:
    """Mean squared error and its gradient with respect to ``predicted``.

    Example:
        >>> loss, grad = regression_loss([0.5, 1.0], [0.0, 1.0])
        >>> loss, grad.tolist()
        (0.125, [0.5, 0.0])
    """
    p = np.asarray(predicted, dtype=np.float64)
    t = np.asarray(target, dtype=np.float64)
    diff = p - t
    return float(np.mean(diff**2)), 2.0 * diff / p.size
