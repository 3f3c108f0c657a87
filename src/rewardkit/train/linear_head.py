"""A linear Bradley-Terry head on frozen embeddings, fitted with L-BFGS (numpy + scipy).

Minimises ``mean(-log sigmoid(w·(x_chosen - x_rejected))) + l2/2 * |w|^2``. The bias cancels
in every pairwise comparison, so it is zero. This is the small, fast trainer the demo uses; the
full training issue adds MLP heads, margins, centering, validation and checkpoints.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from rewardkit.train.losses import bradley_terry_loss


def fit_linear_bt(
    x_chosen: np.ndarray, x_rejected: np.ndarray, *, l2: float = 1e-3
) -> tuple[np.ndarray, np.ndarray]:
    """Fit ``w`` so that ``w·x_chosen > w·x_rejected``; returns (weight (d, 1), bias (1,)).

    Example:
        >>> rng = np.random.default_rng(0)
        >>> a, b = rng.normal(size=(200, 3)), rng.normal(size=(200, 3))
        >>> truth = np.array([1.0, -2.0, 0.5])
        >>> chosen = np.where(((a - b) @ truth > 0)[:, None], a, b)
        >>> rejected = np.where(((a - b) @ truth > 0)[:, None], b, a)
        >>> w, _ = fit_linear_bt(chosen, rejected)
        >>> bool(np.mean((chosen - rejected) @ w[:, 0] > 0) > 0.95)
        True
    """
    diff = np.asarray(x_chosen, dtype=np.float64) - np.asarray(x_rejected, dtype=np.float64)
    n, d = diff.shape

    zeros = np.zeros(n)

    def objective(w: np.ndarray) -> tuple[float, np.ndarray]:
        loss, grad_chosen, _ = bradley_terry_loss(diff @ w, zeros)
        return loss + 0.5 * l2 * float(w @ w), diff.T @ grad_chosen + l2 * w

    result = minimize(objective, np.zeros(d), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return result.x.reshape(d, 1), np.zeros(1)
