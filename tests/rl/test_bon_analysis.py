"""Curves, fits and gamma with bootstrap CIs: the properties the issue asks to show."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from rewardkit.rl.bon import BonWarning, analyse, gamma_difference


def _gold(rng: np.random.Generator, n_prompts: int, size: int) -> list[np.ndarray]:
    return [rng.normal(size=size) for _ in range(n_prompts)]


def test_proxy_equal_to_gold_gives_zero_gamma_and_identical_curves() -> None:
    rng = np.random.default_rng(0)
    gold = [rng.normal(size=int(rng.integers(2, 9))) for _ in range(120)]  # mixed N
    (a,) = analyse([gold], gold, n_resamples=200)
    assert a.gamma.value == 0.0
    assert a.gamma.ci_low == 0.0
    assert a.gamma.ci_high == 0.0
    assert np.array_equal(a.proxy.value, a.oracle.value)
    assert np.array_equal(a.proxy.ci_low, a.oracle.ci_low)
    assert np.array_equal(a.proxy.ci_high, a.oracle.ci_high)
    assert a.proxy_fit == a.oracle_fit
    assert a.proxy.value[0] == 0.0
    assert a.oracle.value[0] == 0.0


def test_gamma_increases_with_proxy_noise() -> None:
    rng = np.random.default_rng(1)
    gold = _gold(rng, 300, 8)
    noise = [rng.normal(size=8) for _ in gold]
    levels = (0.25, 0.5, 1.0, 2.0)
    proxies = [[g + s * e for g, e in zip(gold, noise, strict=True)] for s in levels]
    results = analyse(proxies, gold, n_resamples=500, seed=4)
    gammas = [r.gamma for r in results]
    values = [g.value for g in gammas]
    assert values == sorted(values)
    assert len(set(values)) == len(values)
    assert gammas[0].ci_high < gammas[-1].ci_low  # smallest and largest CIs do not overlap
    for g in gammas:
        assert g.ci_low <= g.value <= g.ci_high
    # shared resamples: the paired difference of neighbouring levels is positive
    for lo, hi in itertools.pairwise(results):
        assert gamma_difference(hi, lo).ci_low > 0


def test_planted_exploit_gives_an_interior_peak() -> None:
    """A proxy that rewards a feature the gold score punishes: the proxy curve rises, then
    falls (beta > 0, peak inside the observed range), while the oracle keeps rising."""
    rng = np.random.default_rng(0)
    q, x = rng.normal(size=(400, 32)), rng.normal(size=(400, 32))
    gold = list(q - 0.5 * np.maximum(x, 0) ** 2)
    (a,) = analyse([list(q + x)], gold, n_resamples=200)
    assert a.proxy_fit.beta.ci_low > 0
    assert 0 < a.proxy_fit.peak_d.ci_low <= a.proxy_fit.peak_d.ci_high < a.k
    assert np.all(np.diff(a.oracle.value) > 0)
    assert a.proxy.value[-1] < a.proxy.value.max()


def test_curve_ci_width_matches_normal_approximation() -> None:
    rng = np.random.default_rng(2)
    gold = _gold(rng, 400, 6)
    proxy = [g + rng.normal(size=6) for g in gold]
    (a,) = analyse([proxy], gold, n_resamples=2000)
    # reference: per-prompt contributions at n = 3 by brute force over the 20 subsets
    from itertools import combinations

    per_prompt = []
    for s, g in zip(proxy, gold, strict=True):
        picks = [g[list(c)][np.argmax(s[list(c)])] for c in combinations(range(6), 3)]
        per_prompt.append(np.mean(picks) - g.mean())
    per_prompt_arr = np.asarray(per_prompt)
    assert a.proxy.value[2] == pytest.approx(per_prompt_arr.mean(), abs=1e-12)
    se = per_prompt_arr.std(ddof=1) / np.sqrt(per_prompt_arr.size)
    width = a.proxy.ci_high[2] - a.proxy.ci_low[2]
    assert width == pytest.approx(2 * 1.96 * se, rel=0.1)


def test_mixed_n_aggregates_prompts_that_reach_n() -> None:
    gold = [np.array([0.0, 1.0]), np.array([0.0, 1.0, 2.0, 3.0])]
    with pytest.warns(BonWarning, match="dropped"):  # resamples holding only the N = 2 prompt
        (a,) = analyse([gold], gold, n_resamples=20)
    assert a.n_prompts.tolist() == [2, 2, 1, 1]
    # n = 2: prompt 1 gains 1 - 0.5; prompt 2's six pairs have maxima 1, 2, 3, 2, 3, 3
    assert a.oracle.value[1] == pytest.approx((0.5 + (14 / 6 - 1.5)) / 2)
    assert a.oracle.value[3] == pytest.approx(1.5)
    assert a.k == pytest.approx(float(np.sqrt(np.log(4) - 0.75)))
    with pytest.warns(BonWarning):
        (b,) = analyse([gold], gold, n_resamples=20, n_max=3)
    assert b.n.tolist() == [1, 2, 3]
    with pytest.warns(BonWarning, match="two-parameter fit"):
        (c,) = analyse([gold], gold, n_resamples=20, n_max=2)
    assert np.isnan(c.gamma.value)
    assert c.oracle.value.tolist() == a.oracle.value[:2].tolist()


def test_deterministic_for_a_seed() -> None:
    rng = np.random.default_rng(3)
    gold = _gold(rng, 50, 5)
    proxy = [g + rng.normal(size=5) for g in gold]
    a = analyse([proxy], gold, n_resamples=100, seed=9)[0]
    b = analyse([proxy], gold, n_resamples=100, seed=9)[0]
    c = analyse([proxy], gold, n_resamples=100, seed=10)[0]
    for x, y in ((a.proxy, b.proxy), (a.oracle, b.oracle)):
        assert np.array_equal(x.value, y.value)
        assert np.array_equal(x.ci_low, y.ci_low)
    assert (a.gamma, a.proxy_fit, a.oracle_fit) == (b.gamma, b.proxy_fit, b.oracle_fit)
    assert a.gamma.value == c.gamma.value
    assert a.gamma.ci_low != c.gamma.ci_low


def test_constant_gold_gives_nan_gamma_with_warning() -> None:
    gold = [np.zeros(4) for _ in range(10)]
    proxy = [np.arange(4.0) for _ in range(10)]
    with pytest.warns(BonWarning, match="constant within every prompt"):
        (a,) = analyse([proxy], gold, n_resamples=20)
    assert np.isnan(a.gamma.value)


def test_gold_constant_up_to_rounding_gives_nan_gamma_with_warning() -> None:
    """Per-prompt constants such as 0.1 leave rounding residue in the centred curves; gamma is
    still undefined, for the point estimate and every resample, and the user is told."""
    rng = np.random.default_rng(0)
    gold = [np.full(4, v) for v in rng.normal(size=30) * 0.1 + 0.3]
    proxies = [[rng.normal(size=4) for _ in range(30)], gold]
    with pytest.warns(BonWarning, match="constant within every prompt"):
        results = analyse(proxies, gold, n_resamples=20)
    for a in results:
        assert np.isnan(a.gamma.value)
        assert np.isnan(a.gamma_replicates).all()


def test_rejects_prompts_with_fewer_than_two_candidates() -> None:
    with pytest.raises(ValueError, match="at least 2 candidates"):
        analyse([[np.array([1.0])]], [np.array([1.0])])


def test_n_max_beyond_the_largest_n_is_capped() -> None:
    """k stops at the data: asking for n up to 20 on prompts with 4 candidates changes
    nothing (no extrapolated integral, no empty points)."""
    rng = np.random.default_rng(0)
    gold = [rng.normal(size=4) for _ in range(30)]
    proxy = [g + rng.normal(size=4) for g in gold]
    (default,) = analyse([proxy], gold, n_resamples=50)
    (capped,) = analyse([proxy], gold, n_resamples=50, n_max=20)
    assert capped.n.tolist() == [1, 2, 3, 4]
    assert capped.k == default.k
    assert capped.gamma.value == default.gamma.value
