from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from rewardkit.metrics import (
    BootstrapWarning,
    bootstrap_mean,
    bootstrap_weighted,
    percentile_ci,
    resample_counts,
    rng_for,
)

# First draws of rng_for(0, "accuracy", "all"); changing them changes every published interval.
PINNED_DRAWS = [728, 880, 230, 93, 511]


def test_rng_for_is_deterministic_and_name_sensitive() -> None:
    def draw(*names: str) -> list[int]:
        return [int(v) for v in rng_for(3, *names).integers(0, 2**62, 4)]

    assert draw("accuracy", "all") == draw("accuracy", "all")
    others = [
        draw("accuracy", "subset:chat"),
        draw("ece", "all"),
        draw("all", "accuracy"),
        draw("accuracy"),
        draw("accuracy", "all", ""),  # trailing empty name must not collide
    ]
    assert all(o != draw("accuracy", "all") for o in others)
    assert rng_for(4, "accuracy", "all").integers(0, 2**62, 4).tolist() != draw("accuracy", "all")
    with pytest.raises(ValueError, match="non-negative"):
        rng_for(-1, "x")


def test_rng_for_is_stable_across_processes() -> None:
    # Pinned: crc32 + SeedSequence do not depend on PYTHONHASHSEED; a change here would change
    # every published interval, so it must be deliberate.
    # zlib.crc32(b"accuracy") == 2470773635, zlib.crc32(b"all") == 991457757
    ss = np.random.SeedSequence(0, spawn_key=(2, 2470773635, 991457757))
    expected = np.random.Generator(np.random.PCG64(ss)).integers(0, 1000, 5)
    np.testing.assert_array_equal(rng_for(0, "accuracy", "all").integers(0, 1000, 5), expected)
    assert expected.tolist() == PINNED_DRAWS


def test_percentile_ci_matches_numpy_quantile_and_scipy_convention() -> None:
    x = np.random.default_rng(0).normal(size=999)
    lo, hi = percentile_ci(x, 0.9)
    np.testing.assert_allclose((lo, hi), np.quantile(x, [0.05, 0.95]), rtol=0, atol=1e-12)
    res = stats.bootstrap(
        (x,), np.mean, n_resamples=200, method="percentile", confidence_level=0.9, rng=0
    )
    np.testing.assert_allclose(
        percentile_ci(res.bootstrap_distribution, 0.9),
        (res.confidence_interval.low, res.confidence_interval.high),
        rtol=0,
        atol=1e-12,
    )
    assert all(math.isnan(v) for v in percentile_ci([], 0.95))


def test_bootstrap_mean_is_deterministic_per_seed() -> None:
    x = np.random.default_rng(1).integers(0, 3, 500) / 2
    a = bootstrap_mean(x, rng=rng_for(7, "accuracy", "all"))
    b = bootstrap_mean(x, rng=rng_for(7, "accuracy", "all"))
    c = bootstrap_mean(x, rng=rng_for(8, "accuracy", "all"))
    assert a == b
    assert (a.ci_low, a.ci_high) != (c.ci_low, c.ci_high)
    assert a.value == pytest.approx(x.mean(), abs=1e-12)
    assert a.n == 500


@pytest.mark.parametrize("method", ["multinomial", "index"])
def test_bernoulli_half_coverage_and_width(method: str) -> None:
    n = 2000
    x = np.zeros(n)
    x[: n // 2] = 1.0
    est = bootstrap_mean(x, n_resamples=2000, rng=rng_for(0, "coverage", method), method=method)  # type: ignore[arg-type]
    assert est.ci_low < 0.5 < est.ci_high
    expected_width = 2 * 1.959964 * math.sqrt(0.25 / n)
    assert (est.ci_high - est.ci_low) == pytest.approx(expected_width, rel=0.15)


def test_fast_and_index_paths_agree_in_distribution() -> None:
    rng = np.random.default_rng(5)
    x = rng.choice([0.0, 0.5, 1.0], size=800, p=[0.3, 0.1, 0.6])
    fast = [bootstrap_mean(x, rng=rng_for(s, "f"), method="multinomial") for s in range(30)]
    slow = [bootstrap_mean(x, rng=rng_for(s, "i"), method="index") for s in range(30)]
    # The interval ends vary between seeds by Monte-Carlo error only (~0.002 here).
    for attr in ("ci_low", "ci_high"):
        a = np.array([getattr(e, attr) for e in fast])
        b = np.array([getattr(e, attr) for e in slow])
        assert abs(a.mean() - b.mean()) < 0.003
    # And the resample means themselves: two-sample KS test on the full distributions.
    n, n_boot = x.size, 4000
    uniq, counts = np.unique(x, return_counts=True)
    m_fast = rng.multinomial(n, counts / n, size=n_boot) @ uniq / n
    m_index = x[rng.integers(0, n, size=(n_boot, n))].mean(axis=1)
    assert stats.ks_2samp(m_fast, m_index).pvalue > 0.001


def test_blocked_index_path_is_ordinary_resampling() -> None:
    from rewardkit.metrics.bootstrap import _BLOCK, _index_resample_means

    rng = np.random.default_rng(8)
    n = 2 * _BLOCK + 808  # two full blocks and a short one
    x = np.sort(rng.exponential(size=n))  # blocks differ a lot: wrong block weights would show
    blocked = _index_resample_means(x, 3000, rng_for(0, "blocked"))
    plain = x[rng.integers(0, n, size=(3000, n))].mean(axis=1)
    se = x.std() / math.sqrt(n)
    assert abs(blocked.mean() - x.mean()) < 4 * se / math.sqrt(3000)
    assert blocked.std() == pytest.approx(se, rel=0.08)
    assert stats.ks_2samp(blocked, plain).pvalue > 0.001


def test_auto_picks_index_path_for_continuous_data() -> None:
    x = np.random.default_rng(2).normal(size=300)
    auto = bootstrap_mean(x, rng=rng_for(0, "m"))
    index = bootstrap_mean(x, rng=rng_for(0, "m"), method="index")
    assert auto == index
    with pytest.raises(ValueError, match="unknown method"):
        bootstrap_mean(x, rng=rng_for(0, "m"), method="bca")  # type: ignore[arg-type]


def test_bootstrap_mean_edge_cases() -> None:
    empty = bootstrap_mean([], rng=rng_for(0, "e"))
    assert empty.n == 0
    assert math.isnan(empty.value)
    assert math.isnan(empty.ci_low)
    const = bootstrap_mean([1.0] * 10, rng=rng_for(0, "e"))
    assert (const.value, const.ci_low, const.ci_high) == (1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="NaN"):
        bootstrap_mean([1.0, math.nan], rng=rng_for(0, "e"))
    with pytest.raises(ValueError, match="confidence"):
        bootstrap_mean([1.0], confidence=1.0, rng=rng_for(0, "e"))
    with pytest.raises(ValueError, match="n_resamples"):
        bootstrap_mean([1.0], n_resamples=0, rng=rng_for(0, "e"))


def test_resample_counts_rows_sum_to_n_and_are_uniform() -> None:
    c = resample_counts(50, 4000, rng_for(0, "counts"))
    assert c.shape == (4000, 50)
    np.testing.assert_array_equal(c.sum(axis=1), 50.0)
    # Each count is Binomial(50, 1/50): mean 1, variance 0.98.
    assert c.mean() == pytest.approx(1.0, abs=1e-12)
    assert c.var() == pytest.approx(0.98, rel=0.03)


def test_bootstrap_weighted_mean_statistic_matches_bootstrap_mean() -> None:
    x = np.random.default_rng(3).normal(size=400)
    lo, hi = bootstrap_weighted(lambda w: w @ x / x.size, x.size, rng=rng_for(0, "w"))
    ref = bootstrap_mean(x, rng=rng_for(0, "m"))
    width = ref.ci_high - ref.ci_low
    assert abs(lo - ref.ci_low) < 0.1 * width
    assert abs(hi - ref.ci_high) < 0.1 * width


def test_bootstrap_weighted_is_independent_of_chunk_size_given_the_same_counts() -> None:
    x = np.arange(20.0)
    a = bootstrap_weighted(lambda w: w @ x, 20, rng=rng_for(0, "c"), chunk_size=7)
    b = bootstrap_weighted(lambda w: w @ x, 20, rng=rng_for(0, "c"), chunk_size=7)
    assert a == b


def test_bootstrap_weighted_drops_nan_resamples_and_warns() -> None:
    calls = []

    def stat(w: np.ndarray) -> np.ndarray:
        calls.append(w.shape[0])
        out = w[:, 0].copy()
        out[w[:, 0] == 0] = np.nan  # undefined when unit 0 is not drawn
        return out

    with pytest.warns(BootstrapWarning, match=r"dropped \d+ of 500"):
        lo, hi = bootstrap_weighted(stat, 3, n_resamples=500, rng=rng_for(0, "nan"), chunk_size=64)
    assert sum(calls) == 500
    assert max(calls) == 64
    assert 1.0 <= lo <= hi <= 3.0


def test_bootstrap_weighted_all_nan_and_bad_shape() -> None:
    with pytest.warns(BootstrapWarning, match="dropped 10 of 10"):
        lo, hi = bootstrap_weighted(
            lambda w: np.full(w.shape[0], np.nan), 4, n_resamples=10, rng=rng_for(0, "x")
        )
    assert math.isnan(lo)
    assert math.isnan(hi)
    with pytest.raises(ValueError, match="shape"):
        bootstrap_weighted(lambda w: w, 4, n_resamples=10, rng=rng_for(0, "x"))
    assert all(math.isnan(v) for v in bootstrap_weighted(np.sum, 0, rng=rng_for(0, "x")))


def test_index_path_keeps_every_draw() -> None:
    """Exact check: resampling constant data gives exactly that constant in every resample,
    including a short last block and resamples with no draw in some block."""
    from rewardkit.metrics.bootstrap import _BLOCK, _index_resample_means

    for n in (3 * _BLOCK + 3, _BLOCK + 1, 7):
        means = _index_resample_means(np.ones(n), 2000, np.random.default_rng(1))
        np.testing.assert_array_equal(means, np.ones(2000))
    x = np.arange(2 * _BLOCK + 5, dtype=np.float64)
    sums = _index_resample_means(x, 500, np.random.default_rng(2)) * x.size
    np.testing.assert_allclose(sums, np.round(sums), atol=1e-6)  # whole draws only
