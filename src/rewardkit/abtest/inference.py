"""Fixed-horizon two-sample tests: two proportions, Welch, CUPED, non-inferiority.

Conventions (treatment minus control throughout):

* **Two proportions**: the test statistic uses the pooled rate under H0
  (``z = (p_t - p_c) / sqrt(p (1 - p) (1/n_c + 1/n_t))``, as statsmodels
  ``proportions_ztest``); the CI of the difference is the unpooled Wald interval
  (``confint_proportions_2indep(method="wald")``).
* **Welch**: ``se = sqrt(v_c/n_c + v_t/n_t)`` with Welch-Satterthwaite degrees of freedom, as
  ``scipy.stats.ttest_ind(equal_var=False)``; the CI uses the same t quantile.
* **Relative lift** ``m_t / m_c - 1``, CI by the delta method on the ratio of two independent
  means: ``Var = se_t^2 / m_c^2 + m_t^2 se_c^2 / m_c^4`` (normal quantile); undefined (None)
  when the control mean is 0.
* **CUPED** (Deng et al. 2013): ``y' = y - theta (x - mean(x))`` with
  ``theta = cov(y, x) / var(x)`` over both arms pooled; the adjusted outcomes go through Welch.
* **Non-inferiority** of a guardrail: with ``harm = -sign * difference`` (positive = worse),
  H0 ``harm >= margin`` vs H1 ``harm < margin``; one-sided p = ``Phi((harm - margin) / se)``
  (t for Welch). Shown *inferior* when the (1 - 2 alpha) interval of the harm lies entirely
  above the margin.

Functions broadcast over numpy arrays, so the simulations run the very same code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

__all__ = [
    "Cuped",
    "TwoSample",
    "cuped",
    "mean_ci",
    "noninferiority",
    "relative_lift",
    "two_proportion",
    "welch",
]

FloatArray = npt.NDArray[np.float64]
ArrayLike = npt.ArrayLike


@dataclass(frozen=True)
class TwoSample:
    """A treatment-minus-control comparison (arrays broadcast; scalars are 0-d arrays).

    ``df`` is None for a normal reference distribution.
    """

    mean_control: FloatArray
    mean_treatment: FloatArray
    difference: FloatArray
    se: FloatArray
    ci_low: FloatArray
    ci_high: FloatArray
    p_value: FloatArray
    df: FloatArray | None
    se_control: FloatArray
    se_treatment: FloatArray


def _f(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def two_proportion(
    x_control: ArrayLike,
    n_control: ArrayLike,
    x_treatment: ArrayLike,
    n_treatment: ArrayLike,
    alpha: float = 0.05,
) -> TwoSample:
    """Two-proportion z test (pooled) with the unpooled Wald CI of the difference.

    Example:
        >>> r = two_proportion(30, 100, 45, 100)
        >>> round(float(r.difference), 2), round(float(r.p_value), 4)
        (0.15, 0.0285)
    """
    xc, nc, xt, nt = _f(x_control), _f(n_control), _f(x_treatment), _f(n_treatment)
    pc, pt = xc / nc, xt / nt
    diff = pt - pc
    pooled = (xc + xt) / (nc + nt)
    with np.errstate(divide="ignore", invalid="ignore"):
        se0 = np.sqrt(pooled * (1.0 - pooled) * (1.0 / nc + 1.0 / nt))
        z = np.where(se0 > 0, diff / np.where(se0 > 0, se0, 1.0), 0.0)
    p = 2.0 * stats.norm.sf(np.abs(z))
    se_c = np.sqrt(pc * (1.0 - pc) / nc)
    se_t = np.sqrt(pt * (1.0 - pt) / nt)
    se = np.sqrt(se_c**2 + se_t**2)
    q = float(stats.norm.isf(alpha / 2.0))
    return TwoSample(pc, pt, diff, se, diff - q * se, diff + q * se, p, None, se_c, se_t)


def welch(
    mean_control: ArrayLike,
    var_control: ArrayLike,
    n_control: ArrayLike,
    mean_treatment: ArrayLike,
    var_treatment: ArrayLike,
    n_treatment: ArrayLike,
    alpha: float = 0.05,
) -> TwoSample:
    """Welch's unequal-variance t test from summary statistics (sample variances, ddof 1).

    Example:
        >>> r = welch(1.0, 4.0, 50, 2.0, 1.0, 40)
        >>> round(float(r.df), 2), round(float(r.p_value), 4)
        (75.19, 0.0028)
    """
    mc, vc, nc = _f(mean_control), _f(var_control), _f(n_control)
    mt, vt, nt = _f(mean_treatment), _f(var_treatment), _f(n_treatment)
    a, b = vc / nc, vt / nt
    se = np.sqrt(a + b)
    diff = mt - mc
    with np.errstate(divide="ignore", invalid="ignore"):
        df = (a + b) ** 2 / (a**2 / (nc - 1.0) + b**2 / (nt - 1.0))
        t = diff / se
    p = 2.0 * stats.t.sf(np.abs(t), df)
    q = stats.t.isf(alpha / 2.0, df)
    return TwoSample(mc, mt, diff, se, diff - q * se, diff + q * se, p, df, np.sqrt(a), np.sqrt(b))


def relative_lift(
    r: TwoSample, alpha: float = 0.05
) -> tuple[float | None, float | None, float | None]:
    """Relative lift ``m_t / m_c - 1`` and its delta-method CI (None when ``m_c`` is 0).

    Example:
        >>> lift, lo, hi = relative_lift(two_proportion(30, 100, 45, 100))
        >>> round(lift, 2), round(lo, 3), round(hi, 3)
        (0.5, -0.054, 1.054)
    """
    mc, mt = float(r.mean_control), float(r.mean_treatment)
    if mc == 0.0:
        return None, None, None
    var = float(r.se_treatment) ** 2 / mc**2 + mt**2 * float(r.se_control) ** 2 / mc**4
    q = float(stats.norm.isf(alpha / 2.0))
    lift = mt / mc - 1.0
    return lift, lift - q * var**0.5, lift + q * var**0.5


@dataclass(frozen=True)
class Cuped:
    """CUPED-adjusted outcomes of both arms."""

    control: FloatArray
    treatment: FloatArray
    theta: float
    variance_reduction: float


def cuped(
    y_control: ArrayLike, x_control: ArrayLike, y_treatment: ArrayLike, x_treatment: ArrayLike
) -> Cuped:
    """CUPED with a pre-period covariate ``x`` (theta pooled over both arms).

    ``variance_reduction`` is ``1 - var(y') / var(y)`` over both arms pooled (about the
    squared correlation of y and x).

    Example:
        >>> c = cuped([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [2.0, 3.0], [1.0, 2.0])
        >>> round(c.theta, 3), c.control.round(3).tolist()
        (0.786, [1.629, 1.843, 2.057])
    """
    yc, xc, yt, xt = _f(y_control), _f(x_control), _f(y_treatment), _f(x_treatment)
    y, x = np.concatenate([yc, yt]), np.concatenate([xc, xt])
    vx = float(np.var(x, ddof=1))
    theta = 0.0 if vx == 0.0 else float(np.cov(y, x, ddof=1)[0, 1]) / vx
    mx = float(x.mean())
    adj_c, adj_t = yc - theta * (xc - mx), yt - theta * (xt - mx)
    vy = float(np.var(y, ddof=1))
    adj = np.concatenate([adj_c, adj_t])
    reduction = 0.0 if vy == 0.0 else 1.0 - float(np.var(adj, ddof=1)) / vy
    return Cuped(adj_c, adj_t, theta, reduction)


def noninferiority(
    difference: ArrayLike,
    se: ArrayLike,
    margin: float,
    sign: float,
    alpha: float = 0.025,
    df: ArrayLike | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """One-sided non-inferiority p-value and the (1 - 2 alpha) interval of the harm.

    Args:
        difference: Treatment minus control.
        se: Its standard error.
        margin: The largest tolerated harm (> 0, the metric's units).
        sign: +1 when an increase is good, -1 when a decrease is good.
        alpha: One-sided level.
        df: Degrees of freedom (t reference) or None (normal).

    Returns:
        ``(p_value, harm_low, harm_high)``; non-inferior when ``p < alpha``, inferior when
        ``harm_low > margin``.

    Example:
        >>> p, lo, hi = noninferiority(0.001, 0.002, 0.005, -1.0)
        >>> round(float(p), 4), round(float(hi), 4)
        (0.0228, 0.0049)
    """
    harm = -sign * _f(difference)
    s = _f(se)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (harm - margin) / s
    if df is None:
        p, q = stats.norm.cdf(z), float(stats.norm.isf(alpha))
    else:
        p, q = stats.t.cdf(z, _f(df)), stats.t.isf(alpha, _f(df))
    return np.asarray(p, dtype=np.float64), harm - q * s, harm + q * s


def mean_ci(values: ArrayLike, binary: bool, alpha: float = 0.05) -> tuple[float, float]:
    """CI of one arm's mean: Wilson score interval for a rate (statsmodels
    ``proportion_confint(method="wilson")``), t interval for a continuous metric.

    Example:
        >>> [round(x, 4) for x in mean_ci([0] * 200, binary=True)]
        [0.0, 0.0188]
    """
    y = _f(values).ravel()
    n = y.size
    if n == 0:
        return math.nan, math.nan
    m = float(y.mean())
    if binary:
        z = float(stats.norm.isf(alpha / 2.0))
        denom = 1.0 + z * z / n
        center = (m + z * z / (2.0 * n)) / denom
        half = z * math.sqrt(m * (1.0 - m) / n + z * z / (4.0 * n * n)) / denom
        return center - half, center + half
    if n < 2:
        return math.nan, math.nan
    q = float(stats.t.isf(alpha / 2.0, n - 1))
    se = float(y.std(ddof=1)) / math.sqrt(n)
    return m - q * se, m + q * se
