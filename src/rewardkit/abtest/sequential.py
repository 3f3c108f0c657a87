"""mSPRT: always-valid p-values and confidence sequences (Johari, Koomen, Pekelis and Walsh,
"Peeking at A/B tests", KDD 2017; normal mixture).

At a look the difference of means ``d = m_t - m_c`` is treated as ``N(theta, V)`` with
``V = v_c/n_c + v_t/n_t`` (plug-in variances). Mixing the likelihood ratio over
``theta ~ N(theta0, tau^2)`` gives::

    Lambda = sqrt(V / (V + tau^2)) * exp(tau^2 (d - theta0)^2 / (2 V (V + tau^2)))

(with ``V = sigma^2 / n`` this is Johari et al.'s eq. for paired observations). The
always-valid p-value is the running minimum of ``min(1, 1 / Lambda)`` over the looks, and
``{theta : Lambda(theta) < 1/alpha}``, intersected over the looks, is a (1 - alpha) confidence
sequence: rejecting when ``p <= alpha`` at *any* look, however often one looks, keeps the type I
error at or below alpha (asymptotically, with plug-in variances). ``tau`` defaults to the
metric's MDE (guardrails: their margin), the effect size the test is tuned to detect.

Binary metrics use the pooled rate for the variance of the p-value (the null is "no
difference") and Laplace-smoothed rates ``(x + 1) / (n + 2)`` per arm for the confidence
sequence, so a look with 0 events has a positive variance.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["always_valid_p", "binary_msprt_p", "confidence_sequence", "log_mixture_lr"]

FloatArray = npt.NDArray[np.float64]


def log_mixture_lr(
    difference: npt.ArrayLike, variance: npt.ArrayLike, tau: float, theta0: float = 0.0
) -> FloatArray:
    """``log Lambda`` of the normal-mixture SPRT at each look (``-inf`` where V is not > 0).

    Example:
        >>> round(float(log_mixture_lr(0.1, 0.001, 0.05)), 4)
        2.945
    """
    d = np.asarray(difference, dtype=np.float64)
    v = np.asarray(variance, dtype=np.float64)
    t2 = tau * tau
    ok = v > 0
    vs = np.where(ok, v, 1.0)
    out = 0.5 * np.log(vs / (vs + t2)) + t2 * (d - theta0) ** 2 / (2.0 * vs * (vs + t2))
    return np.where(ok, out, -np.inf)


def always_valid_p(
    difference: npt.ArrayLike,
    variance: npt.ArrayLike,
    tau: float,
    theta0: float = 0.0,
    axis: int = -1,
) -> FloatArray:
    """Always-valid p-values along the looks (``axis``): running min of ``min(1, 1/Lambda)``.

    Example:
        >>> always_valid_p([0.0, 0.1, 0.0], [0.001, 0.001, 0.001], 0.05).round(4).tolist()
        [1.0, 0.0526, 0.0526]
    """
    llr = log_mixture_lr(difference, variance, tau, theta0)
    p = np.minimum(1.0, np.exp(-llr))
    return np.minimum.accumulate(p, axis=axis)


def confidence_sequence(
    difference: npt.ArrayLike, variance: npt.ArrayLike, tau: float, alpha: float
) -> tuple[float, float]:
    """The (1 - alpha) confidence sequence after the last look (intersection over the looks
    given, 1-D in look order).

    Example:
        >>> lo, hi = confidence_sequence([0.1], [0.001], 0.05, 0.05)
        >>> round(lo, 4), round(hi, 4)
        (-0.0007, 0.2007)
    """
    d = np.asarray(difference, dtype=np.float64).ravel()
    v = np.asarray(variance, dtype=np.float64).ravel()
    ok = v > 0
    if not ok.any():
        return float("-inf"), float("inf")
    d, v = d[ok], v[ok]
    t2 = tau * tau
    half = np.sqrt(2.0 * v * (v + t2) / t2 * (np.log(1.0 / alpha) + 0.5 * np.log((v + t2) / v)))
    return float(np.max(d - half)), float(np.min(d + half))


def binary_msprt_p(
    x_control: npt.ArrayLike,
    n_control: npt.ArrayLike,
    x_treatment: npt.ArrayLike,
    n_treatment: npt.ArrayLike,
    tau: float,
    axis: int = -1,
) -> FloatArray:
    """Always-valid p-values of a difference of two rates, from cumulative counts at each look
    (looks along ``axis``); the variance uses the pooled rate, and a look with fewer than 2
    units in an arm counts as no evidence.

    Example:
        >>> binary_msprt_p([5, 40], [50, 400], [10, 80], [50, 400], 0.1).round(4).tolist()
        [0.8989, 0.0026]
    """
    xc, nc = np.asarray(x_control, np.float64), np.asarray(n_control, np.float64)
    xt, nt = np.asarray(x_treatment, np.float64), np.asarray(n_treatment, np.float64)
    valid = (nc >= 2) & (nt >= 2)
    nc1, nt1 = np.maximum(nc, 1.0), np.maximum(nt, 1.0)
    pooled = (xc + xt) / (nc1 + nt1)
    var = np.where(valid, pooled * (1.0 - pooled) * (1.0 / nc1 + 1.0 / nt1), 0.0)
    return always_valid_p(xt / nt1 - xc / nc1, var, tau, axis=axis)
