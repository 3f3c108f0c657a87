"""Sample sizes per arm from the minimum detectable effect, alpha, power and allocation.

* **Binary** metrics use Cohen's effect size ``h = 2 asin(sqrt(p1)) - 2 asin(sqrt(p0))``
  (the arcsine transform, whose variance ``1/n`` does not depend on the rate) with
  ``p0 = baseline`` and ``p1 = baseline +/- mde``. Power is statsmodels'
  ``NormalIndPower`` equation, both tails counted::

      n_eff = 1 / (1/n_c + 1/n_t),  n_t = ratio * n_c
      power = Phi(|h| sqrt(n_eff) - z_{1-a/2}) + Phi(-|h| sqrt(n_eff) - z_{1-a/2})

  so the closed form ``n_c = (z_{1-a/2} + z_{power})^2 (1 + 1/ratio) / h^2`` is exact up to
  the far tail.
* **Continuous** metrics use the two-sample t test's power (statsmodels ``TTestIndPower``):
  ``d = mde / sd``, noncentral t with ``df = n_c + n_t - 2`` and noncentrality
  ``d sqrt(n_eff)``. The analysis runs Welch's test; with equal variances (what planning
  assumes) the two have the same power to within rounding.
* **Guardrails** (non-inferiority, one-sided at ``guardrail_alpha``, true difference 0):
  ``n_c = (z_{1-ga} + z_{power})^2 var (1 + 1/ratio) / margin^2`` with ``var = p(1-p)`` or
  ``sd^2``.

With several primary metrics each is sized at ``alpha / m`` (Bonferroni, the first step of
Holm's procedure, so conservative); the experiment's size is the largest requirement of any
metric, guardrails included. Counts are rounded up.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass

from scipy import optimize, stats

from rewardkit.abtest.spec import ExperimentConfig, MetricSpec

__all__ = [
    "MetricPlan",
    "Plan",
    "binary_power",
    "cohens_h",
    "n_binary",
    "n_noninferiority",
    "n_ttest",
    "plan_experiment",
    "ttest_power",
]


def cohens_h(p0: float, p1: float) -> float:
    """Cohen's h between two rates.

    Example:
        >>> round(cohens_h(0.5, 0.6), 6)
        0.201358
    """
    return 2.0 * math.asin(math.sqrt(p1)) - 2.0 * math.asin(math.sqrt(p0))


def binary_power(h: float, n_control: float, alpha: float, ratio: float = 1.0) -> float:
    """Power of the two-sided two-proportion test (arcsine scale), as statsmodels'
    ``NormalIndPower().power(h, n_control, alpha, ratio)``.

    Example:
        >>> round(binary_power(0.2, 393, 0.05), 4)
        0.8006
    """
    n_eff = 1.0 / (1.0 / n_control + 1.0 / (ratio * n_control))
    crit = float(stats.norm.isf(alpha / 2.0))
    shift = abs(h) * math.sqrt(n_eff)
    return float(stats.norm.sf(crit - shift) + stats.norm.cdf(-crit - shift))


def _solve(power_at: Callable[[float], float], target: float, start: float) -> float:
    """The n (> 2) at which the increasing function ``power_at`` reaches ``target``."""

    def gap(n: float) -> float:
        return power_at(n) - target

    hi = max(start, 4.0)
    while gap(hi) < 0:
        hi *= 2.0
    return float(optimize.brentq(gap, 2.0 + 1e-9, hi, xtol=1e-10))


def n_binary(p0: float, p1: float, alpha: float, power: float, ratio: float = 1.0) -> float:
    """Control-arm size (unrounded) for the two-proportion test to reach ``power``.

    Example:
        >>> round(n_binary(0.5, 0.6, 0.05, 0.8), 2)  # statsmodels: 387.17
        387.17
    """
    h = cohens_h(p0, p1)
    z = float(stats.norm.isf(alpha / 2.0) + stats.norm.ppf(power))
    start = z * z * (1.0 + 1.0 / ratio) / (h * h)
    return _solve(lambda n: binary_power(h, n, alpha, ratio), power, start)


def ttest_power(d: float, n_control: float, alpha: float, ratio: float = 1.0) -> float:
    """Power of the two-sided two-sample t test, as statsmodels'
    ``TTestIndPower().power(d, n_control, alpha, ratio)``.

    Example:
        >>> round(ttest_power(0.5, 64, 0.05), 4)
        0.8015
    """
    n_t = ratio * n_control
    df = n_control + n_t - 2.0
    nc = abs(d) * math.sqrt(1.0 / (1.0 / n_control + 1.0 / n_t))
    crit = float(stats.t.isf(alpha / 2.0, df))
    return float(stats.nct.sf(crit, df, nc) + stats.nct.cdf(-crit, df, nc))


def n_ttest(d: float, alpha: float, power: float, ratio: float = 1.0) -> float:
    """Control-arm size (unrounded) for the two-sample t test to reach ``power``.

    Example:
        >>> round(n_ttest(0.5, 0.05, 0.8), 2)  # statsmodels: 63.77
        63.77
    """
    z = float(stats.norm.isf(alpha / 2.0) + stats.norm.ppf(power))
    start = z * z * (1.0 + 1.0 / ratio) / (d * d)
    return _solve(lambda n: ttest_power(d, n, alpha, ratio), power, start)


def n_noninferiority(
    variance: float, margin: float, alpha: float, power: float, ratio: float = 1.0
) -> float:
    """Control-arm size (unrounded) of a one-sided non-inferiority test at ``alpha`` with true
    difference 0.

    Example:
        >>> round(n_noninferiority(0.01 * 0.99, 0.005, 0.025, 0.8), 1)
        6216.3
    """
    z = float(stats.norm.isf(alpha) + stats.norm.ppf(power))
    return z * z * variance * (1.0 + 1.0 / ratio) / (margin * margin)


@dataclass(frozen=True)
class MetricPlan:
    """The sample size one metric needs."""

    metric: str
    role: str
    test: str
    alpha: float
    effect_size: float
    n_control_exact: float
    n_control: int
    n_treatment: int


@dataclass(frozen=True)
class Plan:
    """Sample sizes of an experiment: per metric, and the experiment's (the largest)."""

    metrics: tuple[MetricPlan, ...]
    n_control: int
    n_treatment: int

    def to_json(self) -> dict[str, object]:
        return {
            "n_control": self.n_control,
            "n_treatment": self.n_treatment,
            "n_total": self.n_control + self.n_treatment,
            "metrics": [asdict(m) for m in self.metrics],
        }


def _metric_plan(m: MetricSpec, cfg: ExperimentConfig, alpha_primary: float) -> MetricPlan:
    ratio, power = cfg.ratio, cfg.power
    if m.role == "primary":
        assert m.mde is not None
        if m.kind == "binary":
            assert m.baseline is not None
            p1 = m.baseline + m.sign * m.mde
            if not 0.0 < p1 < 1.0:
                raise ValueError(f"metric {m.name!r}: baseline +/- mde leaves (0, 1)")
            effect = cohens_h(m.baseline, p1)
            n = n_binary(m.baseline, p1, alpha_primary, power, ratio)
            test = "two-proportion (Cohen's h, NormalIndPower)"
        else:
            assert m.sd is not None
            effect = m.mde / m.sd
            n = n_ttest(effect, alpha_primary, power, ratio)
            test = "two-sample t (TTestIndPower)"
        alpha = alpha_primary
    else:
        assert m.margin is not None
        ga = cfg.decision.guardrail_alpha
        if m.kind == "binary":
            assert m.baseline is not None
            variance = m.baseline * (1.0 - m.baseline)
        else:
            assert m.sd is not None
            variance = m.sd**2
        effect = m.margin / math.sqrt(variance)
        n = n_noninferiority(variance, m.margin, ga, power, ratio)
        test = "non-inferiority, one-sided z"
        alpha = ga
    n_c = math.ceil(n - 1e-9)
    return MetricPlan(m.name, m.role, test, alpha, effect, n, n_c, math.ceil(n_c * ratio - 1e-9))


def plan_experiment(cfg: ExperimentConfig) -> Plan:
    """Sample size of every metric and of the experiment.

    Example:
        >>> from rewardkit.abtest.spec import MetricSpec
        >>> cfg = ExperimentConfig(
        ...     name="x", metrics=[MetricSpec(name="s", kind="binary", baseline=0.5, mde=0.1)]
        ... )
        >>> plan_experiment(cfg).n_control
        388
    """
    alpha_primary = cfg.alpha / len(cfg.primary())
    plans = tuple(_metric_plan(m, cfg, alpha_primary) for m in cfg.metrics)
    n_c = max(p.n_control for p in plans)
    return Plan(plans, n_c, math.ceil(n_c * cfg.ratio - 1e-9))
