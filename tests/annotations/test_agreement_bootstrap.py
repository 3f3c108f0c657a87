"""Bootstrap intervals of alpha and Fleiss' kappa: exact resample statistics, determinism."""

from __future__ import annotations

import warnings

import krippendorff
import numpy as np
import pytest

from rewardkit.annotations.agreement import (
    alpha,
    alpha_ci,
    alpha_from_coincidences,
    counts_from_matrix,
    fleiss_ci,
    fleiss_kappa,
)
from rewardkit.annotations.agreement._values import count_matrix
from rewardkit.annotations.agreement.krippendorff import _unit_contributions
from rewardkit.metrics import BootstrapWarning, rng_for

VALUES = [1, 2, 3, 4, 5]


def _likert(seed: int, n_units: int, n_raters: int = 4, missing: float = 0.2) -> np.ndarray:
    rng = np.random.default_rng(seed)
    true = rng.integers(1, 6, size=(n_units, 1))
    data = np.clip(true + np.rint(rng.normal(0, 0.8, (n_units, n_raters))), 1, 5)
    data[rng.random(data.shape) < missing] = np.nan
    return data


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_weighted_coincidences_equal_alpha_of_resampled_data(level: str) -> None:
    """``counts @ contributions`` is exactly the coincidence matrix of the resampled units."""
    data = _likert(1, 40)
    counts, domain = count_matrix(data, VALUES)
    contrib = _unit_contributions(counts)
    rng = np.random.default_rng(0)
    for _ in range(5):
        w = np.bincount(rng.integers(0, len(data), len(data)), minlength=len(data))
        o = (w.astype(float) @ contrib).reshape(1, 5, 5)
        resampled = np.repeat(data, w, axis=0)
        ref = krippendorff.alpha(
            reliability_data=resampled.T, level_of_measurement=level, value_domain=VALUES
        )
        assert alpha_from_coincidences(o, domain, level)[0] == pytest.approx(ref, abs=1e-9)  # type: ignore[arg-type]


def test_alpha_ci_is_deterministic_and_covers_the_estimate() -> None:
    data = _likert(2, 500)
    a = alpha_ci(data, "interval", VALUES, rng=rng_for(0, "alpha", "x", "all"))
    b = alpha_ci(data, "interval", VALUES, rng=rng_for(0, "alpha", "x", "all"))
    c = alpha_ci(data, "interval", VALUES, rng=rng_for(1, "alpha", "x", "all"))
    assert a == b
    assert (a.ci_low, a.ci_high) != (c.ci_low, c.ci_high)
    assert a.value == pytest.approx(alpha(data, "interval", VALUES), abs=1e-12)
    assert a.ci_low < a.value < a.ci_high
    assert a.ci_high - a.ci_low < 0.15
    assert a.n == int((np.sum(~np.isnan(data), axis=1) >= 2).sum())


def test_alpha_ci_matches_an_explicit_bootstrap() -> None:
    """Same distribution as resampling units by index and calling the krippendorff package."""
    data = _likert(3, 150)
    data = data[np.sum(~np.isnan(data), axis=1) >= 2]
    est = alpha_ci(data, "ordinal", VALUES, n_resamples=2000, rng=rng_for(0, "a"))
    rng = np.random.default_rng(1)
    explicit = [
        krippendorff.alpha(
            reliability_data=data[rng.integers(0, len(data), len(data))].T,
            level_of_measurement="ordinal",
            value_domain=VALUES,
        )
        for _ in range(600)
    ]
    lo, hi = np.quantile(explicit, [0.025, 0.975])
    assert est.ci_low == pytest.approx(lo, abs=0.025)
    assert est.ci_high == pytest.approx(hi, abs=0.025)


def test_both_resampling_paths_agree() -> None:
    """Few distinct units (multinomial over patterns) vs many (resampled unit counts)."""
    few = _likert(4, 400, n_raters=3, missing=0.0)
    many = np.hstack([few, _likert(5, 400, n_raters=12, missing=0.3)])  # ~all units distinct
    for data in (few, many):
        est = alpha_ci(data, "interval", VALUES, n_resamples=1000, rng=rng_for(0, "p"))
        rng = np.random.default_rng(2)
        ref = [
            alpha(data[rng.integers(0, len(data), len(data))], "interval", VALUES)
            for _ in range(400)
        ]
        lo, hi = np.quantile(ref, [0.025, 0.975])
        assert est.ci_low == pytest.approx(lo, abs=0.02)
        assert est.ci_high == pytest.approx(hi, abs=0.02)


def test_alpha_ci_clusters() -> None:
    data = _likert(6, 300)
    single = alpha_ci(data, "interval", VALUES, rng=rng_for(0, "c"))
    own = alpha_ci(data, "interval", VALUES, clusters=np.arange(300), rng=rng_for(0, "c"))
    assert own.value == single.value
    assert own.n == single.n
    assert own.ci_low == pytest.approx(single.ci_low, abs=0.02)
    pairs = alpha_ci(data, "interval", VALUES, clusters=np.arange(300) // 2, rng=rng_for(0, "c"))
    assert pairs.value == single.value
    assert pairs.n == 150
    with pytest.raises(ValueError, match="clusters"):
        alpha_ci(data, "interval", VALUES, clusters=[1, 2], rng=rng_for(0, "c"))


def test_undefined_resamples_are_dropped_with_a_warning() -> None:
    data = np.array([[1.0, 1.0]] * 6 + [[1.0, 2.0]])  # often no variation when resampled
    with pytest.warns(BootstrapWarning, match="dropped"):
        est = alpha_ci(data, "nominal", [1, 2], n_resamples=200, rng=rng_for(0, "w"))
    assert est.ci_low <= est.ci_high


def test_fleiss_ci() -> None:
    counts = counts_from_matrix(_likert(7, 400, n_raters=5), VALUES)
    a = fleiss_ci(counts, rng=rng_for(0, "fleiss", "x", "all"))
    b = fleiss_ci(counts, rng=rng_for(0, "fleiss", "x", "all"))
    assert a == b
    assert a.value == pytest.approx(fleiss_kappa(counts), abs=1e-12)
    assert a.ci_low < a.value < a.ci_high
    rng = np.random.default_rng(3)
    ref = [fleiss_kappa(counts[rng.integers(0, 400, 400)]) for _ in range(400)]
    lo, hi = np.quantile(ref, [0.025, 0.975])
    assert a.ci_low == pytest.approx(lo, abs=0.015)
    assert a.ci_high == pytest.approx(hi, abs=0.015)


def test_empty_input_gives_nan_estimate() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = alpha_ci(np.full((3, 2), np.nan), "interval", VALUES, rng=rng_for(0, "e"))
    assert np.isnan(est.value)
    assert np.isnan(est.ci_low)
    assert est.n == 0
