"""Least-squares fits of ``R(d) = d * (alpha - beta * d)`` (Gao et al. 2022, best-of-n form).

The model is linear in ``(alpha, beta)`` with design columns ``[d, -d**2]``, so the fit is the
2 x 2 normal-equation solve, vectorised over any number of curves (bootstrap resamples). Points
can be weighted (by how many prompts reach them); ``d = 0`` adds nothing to the fit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rewardkit.rl.bon.estimator import FloatArray

__all__ = ["QuadraticFit", "fit_curves", "peak_d", "predict"]


@dataclass(frozen=True)
class QuadraticFit:
    """Fitted ``alpha`` and ``beta`` of one or many curves (arrays of the same shape)."""

    alpha: FloatArray
    beta: FloatArray


def fit_curves(
    d: npt.ArrayLike, values: npt.ArrayLike, weights: npt.ArrayLike | None = None
) -> QuadraticFit:
    """Weighted least squares of ``values ~ alpha * d - beta * d**2``, one fit per row.

    Args:
        d: ``(K,)`` distances of the curve points.
        values: ``(K,)`` or ``(B, K)`` curve values (NaN points are left out of their fit).
        weights: ``(K,)`` or ``(B, K)`` non-negative point weights (default 1).

    Returns:
        ``alpha`` and ``beta`` with shape ``()`` or ``(B,)``; NaN where the fit is undefined
        (fewer than two distinct non-zero ``d`` with weight).

    Example:
        >>> d = np.array([0.0, 0.5, 1.0, 1.5])
        >>> fit = fit_curves(d, d * (2.0 - 0.5 * d))
        >>> round(float(fit.alpha), 6), round(float(fit.beta), 6)
        (2.0, 0.5)
    """
    x = np.asarray(d, dtype=np.float64)
    y = np.asarray(values, dtype=np.float64)
    w = (
        np.ones_like(y)
        if weights is None
        else np.broadcast_to(np.asarray(weights, dtype=np.float64), y.shape)
    )
    w = np.where(np.isnan(y), 0.0, w)
    y = np.where(np.isnan(y), 0.0, y)
    x1, x2 = x, -(x**2)
    s11 = (w * x1 * x1).sum(axis=-1)
    s12 = (w * x1 * x2).sum(axis=-1)
    s22 = (w * x2 * x2).sum(axis=-1)
    t1 = (w * x1 * y).sum(axis=-1)
    t2 = (w * x2 * y).sum(axis=-1)
    det = s11 * s22 - s12 * s12
    scale = np.maximum(s11 * s22, np.finfo(np.float64).tiny)
    ok = det > 1e-12 * scale
    safe = np.where(ok, det, 1.0)
    alpha = np.where(ok, (s22 * t1 - s12 * t2) / safe, np.nan)
    beta = np.where(ok, (s11 * t2 - s12 * t1) / safe, np.nan)
    return QuadraticFit(np.asarray(alpha, dtype=np.float64), np.asarray(beta, dtype=np.float64))


def predict(fit: QuadraticFit, d: npt.ArrayLike) -> FloatArray:
    """``R(d) = d * (alpha - beta * d)`` of a single fit.

    Example:
        >>> predict(QuadraticFit(np.float64(2.0), np.float64(1.0)), [0.0, 1.0]).tolist()
        [0.0, 1.0]
    """
    x = np.asarray(d, dtype=np.float64)
    return np.asarray(x * (fit.alpha - fit.beta * x), dtype=np.float64)


def peak_d(fit: QuadraticFit) -> FloatArray:
    """Where the fitted curve peaks on ``d >= 0``: ``d* = alpha / (2 * beta)`` when
    ``beta > 0``, clamped at 0 when ``alpha <= 0`` (selection never helps); ``+inf`` when
    ``beta <= 0`` (the curve never turns over).

    Example:
        >>> peak_d(QuadraticFit(np.array([2.0, 1.0, -1.0]), np.array([0.5, -1.0, 1.0]))).tolist()
        [2.0, inf, 0.0]
    """
    a, b = np.asarray(fit.alpha), np.asarray(fit.beta)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(b > 0, np.maximum(a, 0.0) / (2.0 * np.where(b > 0, b, 1.0)), np.inf)
    return np.asarray(np.where(np.isnan(a) | np.isnan(b), np.nan, out), dtype=np.float64)
