"""Welch and one-sided z tests against scipy/statsmodels; bootstrap CIs of shifts."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from rewardkit.metrics import percentile_ci, resample_means, rng_for
from rewardkit.monitor import drop_p, mean_shift, quantile_shift, welch_p


@pytest.mark.parametrize("seed", range(4))
def test_welch_p_equals_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=80), rng.normal(0.3, 2.0, size=50)
    want = stats.ttest_ind(a, b, equal_var=False).pvalue
    got = welch_p(a.mean(), a.var(ddof=1), a.size, b.mean(), b.var(ddof=1), b.size)
    assert float(got) == pytest.approx(want, rel=1e-10)


@pytest.mark.parametrize("seed", range(4))
def test_drop_p_equals_statsmodels_one_sided_ztest(seed: int) -> None:
    rng = np.random.default_rng(seed)
    ref = (rng.random(400) < 0.8).astype(float)
    cur = (rng.random(150) < 0.7).astype(float)
    cm = CompareMeans(DescrStatsW(ref), DescrStatsW(cur))
    want = cm.ztest_ind(alternative="larger", usevar="unequal")[1]
    got = drop_p(ref.mean(), ref.var(ddof=1), ref.size, cur.mean(), cur.var(ddof=1), cur.size)
    assert float(got) == pytest.approx(want, rel=1e-10)


def test_tests_vectorise_and_flag_undefined_cases() -> None:
    p = welch_p([0.0, 0.0], [1.0, 0.0], [10, 10], [0.5, 0.0], [1.0, 0.0], [10, 1])
    assert np.isfinite(p[0])
    assert np.isnan(p[1])
    assert np.isnan(drop_p(0.5, 0.0, 10, 0.5, 0.0, 10))


def test_mean_shift_ci_is_the_percentile_interval_of_independent_resamples() -> None:
    rng = np.random.default_rng(1)
    ref, cur = rng.normal(size=300), rng.normal(0.4, 1.0, size=200)
    got = mean_shift(ref, cur, rng=rng_for(3, "t"), n_resamples=500)
    gen = rng_for(3, "t")
    ref_means = resample_means(ref, 500, gen)
    cur_means = resample_means(cur, 500, gen)
    lo, hi = percentile_ci(cur_means - ref_means)
    assert got.value == pytest.approx(cur.mean() - ref.mean())
    assert (got.ci_low, got.ci_high) == (lo, hi)
    assert got.n == 200


def test_mean_shift_ci_covers_the_true_shift() -> None:
    covered = 0
    for seed in range(40):
        rng = np.random.default_rng(seed)
        ref, cur = rng.normal(size=200), rng.normal(0.3, 1.0, size=200)
        e = mean_shift(ref, cur, rng=rng_for(seed, "cover"), n_resamples=400)
        covered += e.ci_low <= 0.3 <= e.ci_high
    assert covered >= 34  # nominal 95% of 40 = 38; binomial 1% lower tail is ~34


def test_quantile_shift_point_values_are_quantile_differences() -> None:
    rng = np.random.default_rng(2)
    ref, cur = rng.normal(size=400), rng.normal(1.0, 1.0, size=300)
    qs = [0.1, 0.5, 0.9]
    got = quantile_shift(ref, cur, qs, rng=rng_for(0, "q"), n_resamples=200)
    want = np.quantile(cur, qs) - np.quantile(ref, qs)
    np.testing.assert_allclose([e.value for e in got], want)
    assert all(e.ci_low <= e.value <= e.ci_high for e in got)
