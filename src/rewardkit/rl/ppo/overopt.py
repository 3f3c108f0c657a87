"""Overoptimization watched during PPO: Gao et al.'s RL functional form, the gold peak and the
early-stop rule.

Gao, Schulman and Hilton (2022) fit the gold and proxy reward gained since the initial policy
as ``R(d) = d (alpha - beta log d)`` with ``d = sqrt(KL(policy || reference))`` (nats). The
form is linear in ``(alpha, beta)`` (design columns ``d`` and ``-d log d``), so the fit is an
ordinary least-squares solve; its maximum is at ``d* = exp(alpha / beta - 1)`` when
``beta > 0``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["RLFit", "early_stop_index", "fit_rl_form", "gold_peak_index"]


@dataclass(frozen=True)
class RLFit:
    """A fitted ``R(d) = d (alpha - beta log d)``.

    Attributes:
        alpha: Linear coefficient.
        beta: Coefficient of ``-d log d`` (> 0: the curve turns over at ``peak_d``).
        peak_d: ``exp(alpha / beta - 1)``, or None when ``beta <= 0`` (no turning point).
        r2: Share of the (uncentred, since R(0) = 0) sum of squares explained.
    """

    alpha: float
    beta: float
    peak_d: float | None
    r2: float

    def predict(self, d: Sequence[float] | np.ndarray) -> np.ndarray:
        """Fitted values at ``d``."""
        x = np.asarray(d, dtype=np.float64)
        out: np.ndarray = _design(x) @ np.array([self.alpha, self.beta])
        return out


def _design(d: np.ndarray) -> np.ndarray:
    safe = np.where(d > 0, d, 1.0)
    return np.column_stack([d, np.where(d > 0, -d * np.log(safe), 0.0)])


def fit_rl_form(d: Sequence[float] | np.ndarray, gain: Sequence[float] | np.ndarray) -> RLFit:
    """Least squares of ``gain ~ d (alpha - beta log d)``; ``gain`` is the reward minus the
    initial policy's reward (so ``R(0) = 0``). Needs two points with distinct ``d > 0``.

    Example:
        >>> d = np.array([0.0, 0.5, 1.0, 2.0, 3.0])
        >>> fit = fit_rl_form(d, d * (1.0 - 0.5 * np.log(np.where(d > 0, d, 1.0))))
        >>> round(fit.alpha, 6), round(fit.beta, 6), round(fit.peak_d, 4)
        (1.0, 0.5, 2.7183)
    """
    x = np.asarray(d, dtype=np.float64)
    y = np.asarray(gain, dtype=np.float64)
    keep = np.isfinite(x) & np.isfinite(y) & (x >= 0)
    x, y = x[keep], y[keep]
    if np.unique(x[x > 0]).size < 2:
        raise ValueError("the RL form needs at least two evaluations with distinct KL > 0")
    design = _design(x)
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    alpha, beta = float(coef[0]), float(coef[1])
    total = float(np.sum(y**2))
    resid = float(np.sum((y - design @ coef) ** 2))
    peak = float(np.exp(alpha / beta - 1.0)) if beta > 0 else None
    return RLFit(alpha, beta, peak, 1.0 - resid / total if total > 0 else float("nan"))


def gold_peak_index(gold: Sequence[float]) -> int:
    """Index of the highest gold score (the first, on ties).

    Example:
        >>> gold_peak_index([0.1, 0.5, 0.4, 0.5])
        1
    """
    return int(np.argmax(np.asarray(gold, dtype=np.float64)))


def early_stop_index(gold: Sequence[float], proxy: Sequence[float], patience: int) -> int | None:
    """The first evaluation at which the run should stop: the last ``patience`` evaluations all
    come after the gold peak so far, each with gold below that peak and proxy above the proxy
    at the peak (the policy is gaming the proxy). None when that never happens.

    Example:
        >>> early_stop_index([0, 1, 2, 1.5, 1.2, 1.0], [0, 1, 2, 3, 4, 5], patience=2)
        4
        >>> early_stop_index([0, 1, 2, 1.5, 1.2], [0, 1, 2, 1.0, 0.5], patience=2) is None
        True
    """
    best = -np.inf
    peak = -1
    streak = 0
    for i, (g, p) in enumerate(zip(gold, proxy, strict=True)):
        if g > best:
            best, peak, streak = g, i, 0
            continue
        streak = streak + 1 if p > proxy[peak] else 0
        if streak >= patience:
            return i
    return None
