from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest
from golden_cases import assert_close, floats, load_cases
from scipy import stats

from rewardkit.metrics import (
    WeightedKendall,
    kendall_tau_b,
    spearman,
    weighted_kendall_tau_b,
    weighted_spearman,
)

CASES = load_cases("metrics_correlation.json")


def _scipy(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    if x.size < 2:
        return math.nan, math.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # constant-input warnings
        return (
            float(stats.spearmanr(x, y).statistic),
            float(stats.kendalltau(x, y, variant="b").statistic),
        )


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_correlation(case: dict[str, Any]) -> None:
    x, y = floats(case["x"]), floats(case["y"])
    assert_close(spearman(x, y), case["expected"]["spearman"])
    assert_close(kendall_tau_b(x, y), case["expected"]["kendall_tau_b"])
    assert_close(spearman(y, x), case["expected"]["spearman"])  # symmetric
    one = np.ones((1, x.size))
    assert_close(weighted_spearman(x, y, one), case["expected"]["spearman"])
    assert_close(weighted_kendall_tau_b(x, y, one), case["expected"]["kendall_tau_b"])


@pytest.mark.parametrize("seed", range(40))
def test_random_against_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 80))
    levels_x, levels_y = rng.integers(1, 9, 2)
    x = rng.integers(0, levels_x, n).astype(float)
    y = rng.integers(0, levels_y, n).astype(float)
    if seed % 4 == 0:
        x = rng.normal(size=n)
    rho, tau = _scipy(x, y)
    assert_close(spearman(x, y), rho)
    assert_close(kendall_tau_b(x, y), tau)


def test_large_kendall_matches_scipy() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=20_000)
    y = np.round(x + rng.normal(size=20_000), 1)
    rho, tau = _scipy(x, y)
    assert_close(kendall_tau_b(x, y), tau)
    assert_close(spearman(x, y), rho)


@pytest.mark.parametrize("seed", range(10))
def test_weighted_equals_expanded_data(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(1, 40))
    x = rng.integers(0, 5, n).astype(float)
    y = rng.integers(0, 4, n).astype(float) + (0.5 * x if seed % 2 else 0.0)
    w = rng.integers(0, 3, (6, n)).astype(float)
    w[0] = 0.0  # empty resample
    rhos, taus = weighted_spearman(x, y, w), weighted_kendall_tau_b(x, y, w)
    for b in range(6):
        rho, tau = _scipy(np.repeat(x, w[b].astype(int)), np.repeat(y, w[b].astype(int)))
        assert_close(rhos[b], rho)
        assert_close(taus[b], tau)


@pytest.mark.parametrize("kind", ["both_continuous", "likert_y", "likert_x", "few_rows"])
def test_weighted_kendall_both_discordance_algorithms(kind: str) -> None:
    rng = np.random.default_rng(7)
    n = 60
    x = rng.normal(size=n).round(1)  # some ties
    y = x + rng.normal(size=n).round(1)
    if kind == "likert_y":
        y = rng.integers(1, 6, n).astype(float)
    elif kind == "likert_x":
        x = rng.integers(1, 4, n).astype(float)
    tau = WeightedKendall(x, y)
    assert (tau.plan is None) == (kind in ("likert_y", "likert_x"))
    w = rng.integers(0, 4, (3 if kind == "few_rows" else 8, n)).astype(float)
    got = tau(w)
    for b in range(w.shape[0]):
        reps = w[b].astype(int)
        assert_close(got[b], _scipy(np.repeat(x, reps), np.repeat(y, reps))[1])


def test_nan_and_length_handling() -> None:
    assert math.isnan(spearman([1.0, math.nan, 2.0], [1.0, 2.0, 3.0]))
    assert math.isnan(kendall_tau_b([1.0, 2.0, 3.0], [1.0, 2.0, math.nan]))
    assert np.isnan(weighted_spearman([1.0, math.nan], [1.0, 2.0], [[1, 1]])).all()
    assert np.isnan(weighted_kendall_tau_b([1.0, math.nan], [1.0, 2.0], [[1, 1]])).all()
    assert np.isnan(
        WeightedKendall(np.array([1.0, 2.0]), np.array([np.nan, 1.0]))(np.ones((2, 2)))
    ).all()
    with pytest.raises(ValueError, match="length"):
        spearman([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="columns"):
        weighted_spearman([1.0, 2.0], [1.0, 2.0], [[1, 1, 1]])
    with pytest.raises(ValueError, match="non-negative"):
        weighted_kendall_tau_b([1.0, 2.0], [1.0, 2.0], [[1, -1]])
