"""PSI against hand computations (tests/golden/psi_*.json); KS, Wasserstein and the
categorical chi-square against scipy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats

from rewardkit.monitor import (
    bin_shares,
    category_drift,
    ks_test,
    psi,
    psi_from_shares,
    quantile_edges,
    wasserstein_normed,
)

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
NUMERIC = ["psi_quantile_bins", "psi_empty_bin", "psi_tied_reference"]


def _case(name: str) -> dict[str, Any]:
    return dict(json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", NUMERIC)
def test_psi_equals_hand_computation(name: str) -> None:
    case = _case(name)
    edges = quantile_edges(case["reference"], case["n_bins"])
    np.testing.assert_allclose(edges, case["edges"], rtol=0, atol=1e-12)
    got = psi(case["reference"], case["current"], n_bins=case["n_bins"], floor=case["floor"])
    assert got == pytest.approx(case["expected"], abs=1e-9)


@pytest.mark.parametrize("name", NUMERIC)
def test_bin_shares_equal_hand_counts(name: str) -> None:
    case = _case(name)
    floor = case["floor"]
    for sample, key in (("reference", "reference_shares"), ("current", "current_shares")):
        shares = bin_shares(case[sample], case["edges"])
        want = np.array(case[key])
        want[want == floor] = 0.0  # the golden file lists the floored shares
        np.testing.assert_allclose(shares, want, rtol=0, atol=1e-12)


def test_categorical_psi_equals_hand_computation() -> None:
    case = _case("psi_categories")
    drift = category_drift(case["reference"], case["current"], case["floor"])
    assert drift.categories == ("a", "b", "c", "d")
    assert drift.psi == pytest.approx(case["expected"], abs=1e-9)
    assert psi_from_shares(
        case["reference_shares"], case["current_shares"], case["floor"]
    ) == pytest.approx(case["expected"], abs=1e-9)


def test_psi_is_zero_for_identical_samples_and_grows_with_shift() -> None:
    rng = np.random.default_rng(0)
    ref = rng.normal(size=5000)
    assert psi(ref, ref) == 0.0
    small, large = psi(ref, ref + 0.1), psi(ref, ref + 0.5)
    assert 0.0 < small < large


def test_psi_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="empty"):
        psi([], [1.0])
    with pytest.raises(ValueError, match="NaN"):
        psi([1.0, float("nan")], [1.0])
    with pytest.raises(ValueError, match="n_bins"):
        quantile_edges([1.0, 2.0], 1)
    with pytest.raises(ValueError, match="floor"):
        psi_from_shares([0.5, 0.5], [1.0, 0.0], floor=0.0)


@pytest.mark.parametrize("seed", range(4))
def test_ks_equals_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    ref = rng.normal(size=int(rng.integers(20, 400)))
    cur = rng.normal(0.2, 1.3, size=int(rng.integers(20, 400)))
    want = stats.ks_2samp(ref, cur)
    got = ks_test(ref, cur)
    assert got.statistic == want.statistic
    assert got.p_value == want.pvalue


@pytest.mark.parametrize("seed", range(4))
def test_wasserstein_normed_equals_scipy_over_reference_sd(seed: int) -> None:
    rng = np.random.default_rng(seed)
    ref, cur = rng.normal(size=300), rng.normal(0.3, 2.0, size=200)
    want = stats.wasserstein_distance(ref, cur) / np.std(ref)
    assert wasserstein_normed(ref, cur) == pytest.approx(want, rel=1e-12)


def test_wasserstein_of_constant_reference_uses_the_sd_floor() -> None:
    assert wasserstein_normed([1.0, 1.0], [2.0, 2.0]) == pytest.approx(1.0 / 1e-3)


def test_category_chi2_equals_scipy_contingency() -> None:
    ref = ["a"] * 50 + ["b"] * 30 + ["c"] * 20
    cur = ["a"] * 20 + ["b"] * 40 + ["c"] * 35 + ["d"] * 5
    table = np.array([[50, 30, 20, 0], [20, 40, 35, 5]])
    want = stats.chi2_contingency(table, correction=False)
    got = category_drift(ref, cur)
    assert got.chi2 == pytest.approx(want.statistic, rel=1e-12)
    assert got.p_value == pytest.approx(want.pvalue, rel=1e-12)
    assert category_drift(["a"], ["a"]).p_value == 1.0
