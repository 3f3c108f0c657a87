"""The tests' statistics against statsmodels / scipy or a hand computation."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy import stats

from rewardkit.abtest.inference import (
    cuped,
    mean_ci,
    noninferiority,
    relative_lift,
    two_proportion,
    welch,
)
from rewardkit.abtest.paired import paired_binary, paired_continuous
from rewardkit.abtest.sequential import (
    always_valid_p,
    binary_msprt_p,
    confidence_sequence,
    log_mixture_lr,
)


@pytest.fixture
def smp() -> Any:
    """statsmodels' proportion module (the reference; a dev dependency)."""
    return pytest.importorskip("statsmodels.stats.proportion")


@pytest.mark.parametrize(("xc", "nc", "xt", "nt"), [(300, 1000, 345, 1000), (12, 400, 5, 700)])
def test_two_proportion_equals_statsmodels(xc: int, nc: int, xt: int, nt: int, smp: Any) -> None:
    r = two_proportion(xc, nc, xt, nt, 0.05)
    _, p = smp.proportions_ztest([xt, xc], [nt, nc])
    assert float(r.p_value) == pytest.approx(p, rel=1e-10)
    lo, hi = smp.confint_proportions_2indep(xt, nt, xc, nc, method="wald", compare="diff")
    assert (float(r.ci_low), float(r.ci_high)) == pytest.approx((lo, hi), rel=1e-10)


def test_welch_equals_scipy() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.normal(0, 1, 80), rng.normal(0.4, 2, 50)
    r = welch(a.mean(), a.var(ddof=1), a.size, b.mean(), b.var(ddof=1), b.size, 0.1)
    ref = stats.ttest_ind(b, a, equal_var=False)
    assert float(r.p_value) == pytest.approx(ref.pvalue, rel=1e-10)
    assert float(r.df) == pytest.approx(ref.df, rel=1e-10)
    ci = ref.confidence_interval(0.9)
    assert (float(r.ci_low), float(r.ci_high)) == pytest.approx((ci.low, ci.high), rel=1e-10)


def test_relative_lift_is_the_delta_method_by_hand() -> None:
    lift, lo, hi = relative_lift(two_proportion(200, 1000, 240, 800))
    pc, pt = 0.2, 0.3
    var = (pt * (1 - pt) / 800) / pc**2 + pt**2 * (pc * (1 - pc) / 1000) / pc**4
    assert lift == pytest.approx(0.5)
    assert (lo, hi) == pytest.approx((0.5 - 1.959964 * var**0.5, 0.5 + 1.959964 * var**0.5))
    assert relative_lift(two_proportion(0, 100, 3, 100)) == (None, None, None)


def test_cuped_theta_by_hand_and_variance_reduction() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(0, 1, 4000)
    y = 0.8 * x + rng.normal(0, 0.6, 4000)  # corr^2 = 0.64
    c = cuped(y[:2000], x[:2000], y[2000:], x[2000:])
    theta = np.sum((x - x.mean()) * (y - y.mean())) / np.sum((x - x.mean()) ** 2)
    assert c.theta == pytest.approx(theta, rel=1e-12)
    assert c.control == pytest.approx(y[:2000] - theta * (x[:2000] - x.mean()))
    assert c.variance_reduction == pytest.approx(np.corrcoef(x, y)[0, 1] ** 2, rel=1e-9)


def test_cuped_keeps_the_effect_and_narrows_the_ci() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(0, 1, 6000)
    treat = np.arange(6000) % 2 == 1
    y = x + rng.normal(0, 0.5, 6000) + 0.05 * treat
    raw = welch(
        *(f(y[~treat]) for f in (np.mean, _var, len)), *(f(y[treat]) for f in (np.mean, _var, len))
    )
    c = cuped(y[~treat], x[~treat], y[treat], x[treat])
    adj = welch(
        *(f(c.control) for f in (np.mean, _var, len)),
        *(f(c.treatment) for f in (np.mean, _var, len)),
    )
    assert float(adj.se) < 0.5 * float(raw.se)
    assert float(adj.ci_low) < 0.05 < float(adj.ci_high)


def _var(a: np.ndarray) -> float:
    return float(np.var(a, ddof=1))


def test_noninferiority_equals_statsmodels_wald(smp: Any) -> None:
    # Safety violations (lower is better): treatment 12/1000 vs control 10/1000, margin 0.5 pt.
    r = two_proportion(10, 1000, 12, 1000)
    p, lo, hi = noninferiority(r.difference, r.se, 0.005, -1.0, 0.025)
    ref = smp.test_proportions_2indep(
        12, 1000, 10, 1000, value=0.005, method="wald", compare="diff", alternative="smaller"
    )
    assert float(p) == pytest.approx(ref.pvalue, rel=1e-9)
    # The harm's 95% interval is the difference's (a decrease is good: harm = difference).
    assert (float(lo), float(hi)) == pytest.approx((float(r.ci_low), float(r.ci_high)))
    # Higher is better: harm is the drop.
    p2, _, _ = noninferiority(-0.001, 0.002, 0.005, +1.0)
    assert float(p2) == pytest.approx(stats.norm.cdf((0.001 - 0.005) / 0.002))


def test_wilson_arm_interval_equals_statsmodels(smp: Any) -> None:
    for x, n in ((0, 200), (149, 250), (3, 10)):
        lo, hi = mean_ci([1] * x + [0] * (n - x), binary=True)
        assert (lo, hi) == pytest.approx(smp.proportion_confint(x, n, method="wilson"), abs=1e-12)


def test_paired_binary_agresti_min_by_hand_and_mcnemar() -> None:
    # 2x2: both 1: 30, control only: 20, treatment only: 8, neither: 42 (n = 100).
    yc = np.array([1] * 30 + [1] * 20 + [0] * 8 + [0] * 42)
    yt = np.array([1] * 30 + [0] * 20 + [1] * 8 + [0] * 42)
    r = paired_binary(yc, yt)
    b, c, n = 20.5, 8.5, 102.0
    d = (c - b) / n
    se = math.sqrt(((b + c) / n - d * d) / n)
    assert r.difference == pytest.approx(-0.12)
    assert (r.ci_low, r.ci_high) == pytest.approx((d - 1.959964 * se, d + 1.959964 * se), rel=1e-6)
    tables = pytest.importorskip("statsmodels.stats.contingency_tables")
    ref = tables.mcnemar([[30, 20], [8, 42]], exact=False, correction=True)
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-10)


def test_paired_continuous_equals_scipy() -> None:
    rng = np.random.default_rng(2)
    a = rng.normal(0, 1, 60)
    b = a + rng.normal(0.2, 0.5, 60)
    r = paired_continuous(a, b, 0.05)
    ref = stats.ttest_rel(b, a)
    ci = ref.confidence_interval(0.95)
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-10)
    assert (r.ci_low, r.ci_high) == pytest.approx((ci.low, ci.high), rel=1e-10)


def test_msprt_mixture_by_hand() -> None:
    # V = 0.001, tau = 0.05, d = 0.1: 0.5 ln(V/(V+tau^2)) + tau^2 d^2 / (2 V (V + tau^2)).
    v, t2, d = 0.001, 0.0025, 0.1
    hand = 0.5 * math.log(v / (v + t2)) + t2 * d * d / (2 * v * (v + t2))
    assert float(log_mixture_lr(d, v, 0.05)) == pytest.approx(hand, rel=1e-12)
    p = always_valid_p([0.1, 0.0], [v, v], 0.05)
    assert p.tolist() == pytest.approx([math.exp(-hand), math.exp(-hand)])  # a running minimum


def test_confidence_sequence_ends_where_lambda_is_one_over_alpha() -> None:
    lo, hi = confidence_sequence([0.1], [0.001], 0.05, 0.05)
    for theta in (lo, hi):
        assert float(log_mixture_lr(0.1, 0.001, 0.05, theta0=theta)) == pytest.approx(
            math.log(20.0), rel=1e-9
        )


def test_binary_msprt_uses_the_pooled_variance() -> None:
    p = binary_msprt_p([40], [400], [80], [400], 0.1)
    pooled = 120 / 800
    v = pooled * (1 - pooled) * (2 / 400)
    assert float(p[0]) == pytest.approx(math.exp(-float(log_mixture_lr(0.1, v, 0.1))))
    assert float(binary_msprt_p([0], [1], [1], [1], 0.1)[0]) == 1.0  # < 2 units: no evidence
