"""The overoptimization measure gamma (Kim et al. 2025) from two fitted curves.

``gamma = integral_0^k |f(d) - g(d)| dd / integral_0^k f(d) dd`` with ``f`` the oracle's fitted
curve, ``g`` the proxy's and ``k`` the largest ``d`` reached. Both integrals are analytic: the
integrand ``f - g = d * (da - db * d)`` changes sign at most at ``d = da / db``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from rewardkit.rl.bon.estimator import FloatArray
from rewardkit.rl.bon.fit import QuadraticFit

__all__ = ["gamma_from_fits", "integral"]


def _antiderivative(a: FloatArray, b: FloatArray, x: FloatArray | np.float64) -> FloatArray:
    return np.asarray(a * x**2 / 2.0 - b * x**3 / 3.0, dtype=np.float64)


def integral(a: npt.ArrayLike, b: npt.ArrayLike, k: float, *, absolute: bool = False) -> FloatArray:
    """``integral_0^k d * (a - b * d) dd``, or of its absolute value, vectorised over a and b.

    Example:
        >>> round(float(integral(1.0, 1.0, 2.0)), 6), float(integral(1.0, 1.0, 2.0, absolute=True))
        (-0.666667, 1.0)
    """
    aa = np.asarray(a, dtype=np.float64)
    bb = np.asarray(b, dtype=np.float64)
    kk = np.float64(k)
    total = _antiderivative(aa, bb, kk)
    if not absolute:
        return total
    with np.errstate(divide="ignore", invalid="ignore"):
        root = np.where(bb != 0, aa / np.where(bb != 0, bb, 1.0), -1.0)
    inside = (root > 0) & (root < kk)
    r = np.where(inside, root, 0.0)
    at_root = _antiderivative(aa, bb, r)
    split = np.abs(at_root) + np.abs(total - at_root)
    return np.asarray(np.where(inside, split, np.abs(total)), dtype=np.float64)


def gamma_from_fits(oracle: QuadraticFit, proxy: QuadraticFit, k: float) -> FloatArray:
    """gamma of each (oracle, proxy) fit pair over ``[0, k]``; NaN where the oracle's
    integral is not positive (e.g. gold constant within every prompt).

    Example:
        >>> f = QuadraticFit(np.float64(2.0), np.float64(0.5))
        >>> float(gamma_from_fits(f, f, 1.0))
        0.0
        >>> g = QuadraticFit(np.float64(0.0), np.float64(0.0))
        >>> float(gamma_from_fits(f, g, 1.0))
        1.0
    """
    num = integral(oracle.alpha - proxy.alpha, oracle.beta - proxy.beta, k, absolute=True)
    den = integral(oracle.alpha, oracle.beta, k)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return np.asarray(out, dtype=np.float64)
