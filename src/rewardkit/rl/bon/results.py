"""The JSON form of best-of-n analyses (``results.json`` of ``rewardkit bon``).

Numbers are plain floats; undefined or unbounded ones (NaN, an infinite peak) are ``null``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from rewardkit.metrics.estimate import Estimate
from rewardkit.rl.bon.analysis import BonAnalysis, Curve, FitEstimate
from rewardkit.rl.bon.estimator import FloatArray, kl_bon

__all__ = ["CONVENTIONS", "SCHEMA_VERSION", "analysis_json", "estimate_json", "n_at_d"]

SCHEMA_VERSION = 1

CONVENTIONS = {
    "estimator": "unbiased: E[gold of the selector's best of an n-subset drawn without "
    "replacement] = sum_i C(i-1, n-1) / C(N, n) * gold_(i), ranks i ascending by the selector",
    "ties": "tied selector scores are broken uniformly at random: each tie group's gold is "
    "replaced by its mean (exact expectation)",
    "normalisation": "per prompt, the n = 1 value (mean gold of its candidates) is subtracted, "
    "so every curve is exactly 0 at n = 1; no rescaling",
    "aggregation": "point n is the mean over the prompts with at least n candidates",
    "kl": "KL_bon(n) = log n - (n - 1) / n, d = sqrt(KL_bon)",
    "fit": "R(d) = d (alpha - beta d), least squares weighted by the prompts at each point",
    "peak": "d* = alpha / (2 beta) (0 when alpha <= 0); null (unbounded) when beta <= 0: the "
    "fit never turns over; a d* beyond k is an extrapolation; "
    "peak_n is the n with sqrt(KL_bon(n)) = d*",
    "gamma": "integral_0^k |f - g| / integral_0^k f, f the oracle's fit, g the proxy's, "
    "k the largest d reached",
    "bootstrap": "percentile interval over resampled prompts; every proxy shares the resamples",
}


def _num(x: float) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def _nums(xs: FloatArray) -> list[float | None]:
    return [_num(x) for x in np.asarray(xs, dtype=np.float64).tolist()]


def estimate_json(est: Estimate) -> dict[str, Any]:
    """``{"value", "ci", "n"}`` with non-finite numbers as ``None``.

    Example:
        >>> estimate_json(Estimate(1.5, 1.0, float("inf"), 9))
        {'value': 1.5, 'ci': [1.0, None], 'n': 9}
    """
    return {"value": _num(est.value), "ci": [_num(est.ci_low), _num(est.ci_high)], "n": est.n}


def n_at_d(d: float) -> float:
    """The (real) n whose ``sqrt(KL_bon(n))`` equals ``d``, by bisection on ``log n``.

    Example:
        >>> round(n_at_d(float(np.sqrt(kl_bon(16)))), 6)
        16.0
    """
    if not math.isfinite(d) or d < 0:
        return math.nan
    target = d * d
    lo, hi = 0.0, 745.0  # log n; KL_bon(exp(745)) far exceeds any fitted peak
    if float(kl_bon(math.exp(min(hi, 709.0)))) < target:
        return math.inf
    for _ in range(200):
        mid = (lo + hi) / 2
        if float(kl_bon(math.exp(min(mid, 709.0)))) < target:
            lo = mid
        else:
            hi = mid
    return math.exp(min((lo + hi) / 2, 709.0))


def _curve(c: Curve) -> dict[str, Any]:
    return {"value": _nums(c.value), "ci_low": _nums(c.ci_low), "ci_high": _nums(c.ci_high)}


def _fit(f: FitEstimate) -> dict[str, Any]:
    return {
        "alpha": estimate_json(f.alpha),
        "beta": estimate_json(f.beta),
        "peak_d": estimate_json(f.peak_d),
        "peak_n": _num(n_at_d(f.peak_d.value)),
    }


def analysis_json(a: BonAnalysis) -> dict[str, Any]:
    """Gamma, curves (with per-point CIs) and fits of one analysis.

    Example:
        >>> from rewardkit.rl.bon.analysis import analyse
        >>> gold = [np.array([0.0, 1.0, 2.0])] * 4
        >>> doc = analysis_json(analyse([gold], gold, n_resamples=20)[0])
        >>> doc["gamma"]["value"], doc["curves"]["n"]
        (0.0, [1, 2, 3])
    """
    return {
        "gamma": estimate_json(a.gamma),
        "k": _num(a.k),
        "curves": {
            "n": a.n.tolist(),
            "kl": _nums(a.kl),
            "d": _nums(a.d),
            "n_prompts": a.n_prompts.tolist(),
            "proxy": _curve(a.proxy),
            "oracle": _curve(a.oracle),
        },
        "fits": {"proxy": _fit(a.proxy_fit), "oracle": _fit(a.oracle_fit)},
    }
