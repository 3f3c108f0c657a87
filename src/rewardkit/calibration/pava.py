"""Isotonic (non-decreasing) least-squares regression by pool-adjacent-violators, in numpy.

This is the core that :class:`~rewardkit.calibration.IsotonicCalibrator` symmetrises; it
matches ``sklearn.isotonic.IsotonicRegression(out_of_bounds="clip")`` on the same data.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["isotonic_fit", "pava"]

FloatArray = npt.NDArray[np.float64]


def pava(y: npt.ArrayLike, weights: npt.ArrayLike | None = None) -> FloatArray:
    """Weighted least-squares non-decreasing fit to ``y`` taken in the given order.

    Args:
        y: Values in order of the predictor.
        weights: Positive weights (ones when ``None``).

    Returns:
        The fitted non-decreasing values, one per input.

    Example:
        >>> pava([1.0, 3.0, 2.0, 4.0])
        array([1. , 2.5, 2.5, 4. ])
    """
    yv = np.asarray(y, dtype=np.float64).ravel()
    wv = np.ones_like(yv) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    if wv.size != yv.size:
        raise ValueError(f"y and weights differ in length: {yv.size} != {wv.size}")
    if (wv <= 0).any():
        raise ValueError("weights must be positive")
    vals: list[float] = []
    wts: list[float] = []
    counts: list[int] = []
    for v, w in zip(yv.tolist(), wv.tolist(), strict=True):
        vals.append(v)
        wts.append(w)
        counts.append(1)
        while len(vals) > 1 and vals[-2] > vals[-1]:
            v2, w2, c2 = vals.pop(), wts.pop(), counts.pop()
            w1 = wts[-1]
            total = w1 + w2
            vals[-1] = (w1 * vals[-1] + w2 * v2) / total
            wts[-1] = total
            counts[-1] += c2
    return np.repeat(np.asarray(vals, dtype=np.float64), counts)


def isotonic_fit(
    x: npt.ArrayLike, y: npt.ArrayLike, weights: npt.ArrayLike | None = None
) -> tuple[FloatArray, FloatArray]:
    """Isotonic regression of ``y`` on ``x``: sorted unique ``x`` and the fitted value at each.

    Tied ``x`` are pooled first (weighted mean of ``y``, summed weight), zero-weight points are
    dropped, as scikit-learn does. Predict with ``np.interp(t, xs, ys)`` (clipped at the ends).

    Args:
        x: Predictor values.
        y: Targets.
        weights: Non-negative weights (ones when ``None``).

    Returns:
        ``(xs, ys)``: strictly increasing knots and their non-decreasing fitted values.

    Example:
        >>> isotonic_fit([3.0, 1.0, 2.0], [0.0, 0.0, 1.0])
        (array([1., 2., 3.]), array([0. , 0.5, 0.5]))
    """
    xv = np.asarray(x, dtype=np.float64).ravel()
    yv = np.asarray(y, dtype=np.float64).ravel()
    wv = np.ones_like(xv) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    if not xv.size == yv.size == wv.size:
        raise ValueError("x, y and weights must have the same length")
    if (wv < 0).any() or np.isnan(wv).any():
        raise ValueError("weights must be non-negative")
    keep = wv > 0
    xv, yv, wv = xv[keep], yv[keep], wv[keep]
    if xv.size == 0:
        raise ValueError("isotonic regression needs at least one point with positive weight")
    xs, inverse = np.unique(xv, return_inverse=True)
    w_sum = np.bincount(inverse, weights=wv, minlength=xs.size)
    y_mean = np.bincount(inverse, weights=wv * yv, minlength=xs.size) / w_sum
    return xs, pava(y_mean, w_sum)
