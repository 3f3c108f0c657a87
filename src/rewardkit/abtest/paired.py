"""Paired comparisons for offline replay: two policies' outcomes on the same units.

* **Binary**: with ``b`` units where only control is 1 and ``c`` where only treatment is 1, the
  difference is ``(c - b) / n``. Its CI is Agresti and Min's (2005) adjusted Wald interval for
  matched proportions: add 0.5 to each cell of the 2x2 table (``n~ = n + 2``), then
  ``d~ = (c~ - b~) / n~`` and ``se = sqrt(((b~ + c~)/n~ - d~^2) / n~)``, which stays informative
  when no unit is discordant. The two-sided p-value is McNemar's test
  (:func:`rewardkit.metrics.paired.mcnemar`: exact below 25 discordant units, else chi-square
  with continuity correction). Non-inferiority uses ``d~`` and ``se``.
* **Continuous**: the paired t test on ``y_t - y_c`` (``scipy.stats.ttest_rel``).
* **Relative lift**: ``p_t / p_c - 1`` with the delta method including the covariance of the
  paired means: ``Var = V_t/m_c^2 + m_t^2 V_c/m_c^4 - 2 m_t C/m_c^3``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from rewardkit.metrics.paired import mcnemar

__all__ = ["PairedResult", "paired_binary", "paired_continuous"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class PairedResult:
    """Treatment minus control on paired units; ``estimate``/``se`` feed non-inferiority."""

    n: int
    mean_control: float
    mean_treatment: float
    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    test: str
    estimate: float
    se: float
    df: float | None
    lift: float | None
    lift_ci: tuple[float | None, float | None]
    discordant: tuple[int, int] | None = None


def _lift(
    yc: FloatArray, yt: FloatArray, alpha: float
) -> tuple[float | None, tuple[float | None, float | None]]:
    n = yc.size
    mc, mt = float(yc.mean()), float(yt.mean())
    if mc == 0.0 or n < 2:
        return None, (None, None)
    cov = np.cov(yc, yt, ddof=1) / n
    var = cov[1, 1] / mc**2 + mt**2 * cov[0, 0] / mc**4 - 2.0 * mt * cov[0, 1] / mc**3
    q = float(stats.norm.isf(alpha / 2.0))
    lift = mt / mc - 1.0
    half = q * float(max(var, 0.0)) ** 0.5
    return lift, (lift - half, lift + half)


def paired_binary(
    control: npt.ArrayLike, treatment: npt.ArrayLike, alpha: float = 0.05
) -> PairedResult:
    """Paired binary outcomes: Agresti-Min CI of the difference and McNemar's p-value.

    Example:
        >>> r = paired_binary([1] * 10 + [0] * 90, [1] * 4 + [0] * 96)
        >>> r.discordant, round(r.difference, 2), round(r.p_value, 4)
        ((6, 0), -0.06, 0.0312)
    """
    yc = np.asarray(control, dtype=np.float64)
    yt = np.asarray(treatment, dtype=np.float64)
    n = yc.size
    b = int(np.sum((yc == 1) & (yt == 0)))
    c = int(np.sum((yc == 0) & (yt == 1)))
    nt = n + 2.0
    d_adj = ((c + 0.5) - (b + 0.5)) / nt
    se = float(np.sqrt(max(((b + c + 1.0) / nt - d_adj**2) / nt, 0.0)))
    q = float(stats.norm.isf(alpha / 2.0))
    test = mcnemar(yc == 1, yt == 1)
    lift, lift_ci = _lift(yc, yt, alpha)
    return PairedResult(
        n=n,
        mean_control=float(yc.mean()),
        mean_treatment=float(yt.mean()),
        difference=(c - b) / n,
        ci_low=d_adj - q * se,
        ci_high=d_adj + q * se,
        p_value=test.p_value,
        test="McNemar" + (" (exact)" if test.exact else " (chi-square, continuity corrected)"),
        estimate=d_adj,
        se=se,
        df=None,
        lift=lift,
        lift_ci=lift_ci,
        discordant=(b, c),
    )


def paired_continuous(
    control: npt.ArrayLike, treatment: npt.ArrayLike, alpha: float = 0.05
) -> PairedResult:
    """Paired t test of ``treatment - control``.

    Example:
        >>> r = paired_continuous([1.0, 2.0, 3.0, 4.0], [1.5, 2.5, 3.0, 5.0])
        >>> round(r.difference, 3), round(r.p_value, 4)
        (0.5, 0.0917)
    """
    yc = np.asarray(control, dtype=np.float64)
    yt = np.asarray(treatment, dtype=np.float64)
    d = yt - yc
    n = d.size
    mean = float(d.mean())
    se = float(d.std(ddof=1) / np.sqrt(n))
    df = n - 1.0
    t = mean / se if se > 0 else 0.0
    p = float(2.0 * stats.t.sf(abs(t), df))
    q = float(stats.t.isf(alpha / 2.0, df))
    lift, lift_ci = _lift(yc, yt, alpha)
    return PairedResult(
        n=n,
        mean_control=float(yc.mean()),
        mean_treatment=float(yt.mean()),
        difference=mean,
        ci_low=mean - q * se,
        ci_high=mean + q * se,
        p_value=p,
        test="paired t",
        estimate=mean,
        se=se,
        df=df,
        lift=lift,
        lift_ci=lift_ci,
    )
