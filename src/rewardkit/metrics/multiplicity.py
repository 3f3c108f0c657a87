"""Multiplicity control for a family of p-values: Holm (family-wise error) and
Benjamini-Hochberg (false discovery rate)."""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np
import numpy.typing as npt

__all__ = ["ADJUST_METHODS", "AdjustMethod", "adjust_pvalues", "describe_adjustment"]

FloatArray = npt.NDArray[np.float64]
AdjustMethod = Literal["holm", "bh", "none"]
ADJUST_METHODS: tuple[str, ...] = get_args(AdjustMethod)


def adjust_pvalues(p_values: npt.ArrayLike, method: AdjustMethod = "holm") -> FloatArray:
    """Adjusted p-values of a family of tests, in the input order.

    ``holm``: step-down Holm; with ``p_(1) <= ... <= p_(m)``, ``adj_(i) = max_{j <= i}
    min(1, (m - j + 1) p_(j))``; rejecting ``adj < alpha`` controls the family-wise error rate.
    ``bh``: step-up Benjamini-Hochberg; ``adj_(i) = min_{j >= i} min(1, m p_(j) / j)``;
    rejecting ``adj < alpha`` controls the false discovery rate (independent or positively
    dependent tests). ``none``: the p-values unchanged.

    Args:
        p_values: The raw p-values (1-D, each in [0, 1], no NaN).
        method: ``holm``, ``bh`` or ``none``.

    Returns:
        The adjusted p-values, same shape and order as the input.

    Raises:
        ValueError: A p-value is NaN or outside [0, 1], or the method is unknown.

    Example:
        >>> adjust_pvalues([0.01, 0.04, 0.03], "holm").round(4).tolist()
        [0.03, 0.06, 0.06]
        >>> adjust_pvalues([0.01, 0.04, 0.03], "bh").round(4).tolist()
        [0.03, 0.04, 0.04]
    """
    p = np.asarray(p_values, dtype=np.float64).ravel()
    if method not in ADJUST_METHODS:
        raise ValueError(f"unknown adjustment {method!r}; available: {', '.join(ADJUST_METHODS)}")
    if np.isnan(p).any() or (p.size and (p.min() < 0.0 or p.max() > 1.0)):
        raise ValueError("p-values must lie in [0, 1]")
    m = p.size
    if m == 0 or method == "none":
        return p.copy()
    order = np.argsort(p, kind="stable")
    ranked = p[order]
    rank = np.arange(1, m + 1, dtype=np.float64)
    if method == "holm":
        adjusted = np.maximum.accumulate(np.minimum(1.0, (m - rank + 1) * ranked))
    else:
        adjusted = np.minimum.accumulate(np.minimum(1.0, m * ranked / rank)[::-1])[::-1]
    out = np.empty(m, dtype=np.float64)
    out[order] = adjusted
    return out


def describe_adjustment(method: AdjustMethod, n_tests: int, alpha: float) -> str:
    """One sentence naming the adjustment, the family size and the error rate it controls.

    Example:
        >>> describe_adjustment("holm", 4, 0.05)
        'Holm-adjusted over 4 comparisons (family-wise error rate 5%)'
    """
    if method == "holm":
        return f"Holm-adjusted over {n_tests} comparisons (family-wise error rate {alpha:.0%})"
    if method == "bh":
        return (
            f"Benjamini-Hochberg-adjusted over {n_tests} comparisons "
            f"(false discovery rate {alpha:.0%})"
        )
    return f"not adjusted for the {n_tests} comparisons (each at {alpha:.0%})"
