"""simulate_campaign: monotone in noise, deterministic, fast, and alpha computed correctly."""

from __future__ import annotations

import time

import numpy as np
import pytest

from rewardkit.annotations.agreement import alpha, simulate_campaign
from rewardkit.annotations.agreement.simulate import _campaign_alphas


def test_expected_alpha_increases_as_noise_decreases() -> None:
    results = [simulate_campaign(4, 300, noise, n_simulations=100) for noise in (1.5, 0.9, 0.4)]
    expected = [r.expected_alpha for r in results]
    assert expected[0] < expected[1] < expected[2]
    assert [r.p_reach_target for r in results] == sorted(r.p_reach_target for r in results)
    for r in results:
        q05, q50, q95 = r.alpha_quantiles
        assert q05 <= q50 <= q95


def test_deterministic_for_a_seed() -> None:
    a = simulate_campaign(3, 100, 0.8, n_simulations=30, seed=7)
    assert a == simulate_campaign(3, 100, 0.8, n_simulations=30, seed=7)
    assert a != simulate_campaign(3, 100, 0.8, n_simulations=30, seed=8)
    assert a.to_json()["n_simulations"] == 30


def test_batched_alpha_equals_alpha_per_campaign() -> None:
    """The batched coincidence matrices give the same alpha as each campaign on its own."""
    state = np.random.default_rng(0).bit_generator.state
    rng = np.random.default_rng(0)
    got = _campaign_alphas(4, 50, 3, 0.7, 0.3, (1, 5), "ordinal", rng)
    rng = np.random.default_rng(0)
    rng.bit_generator.state = state
    true = rng.uniform(1, 5, size=(4, 50, 1))
    bias = rng.normal(0.0, 0.3, size=(4, 1, 3))
    noise = rng.normal(0.0, 0.7, size=(4, 50, 3))
    ratings = np.clip(np.rint(true + bias + noise), 1, 5)
    for k in range(4):
        assert got[k] == pytest.approx(alpha(ratings[k], "ordinal", [1, 2, 3, 4, 5]), abs=1e-12)


def test_speed_200_campaigns_of_5_by_1000() -> None:
    start = time.perf_counter()
    simulate_campaign(5, 1000, 0.8, n_simulations=200)
    assert time.perf_counter() - start < 3.0


def test_invalid_arguments() -> None:
    with pytest.raises(ValueError, match="n_annotators"):
        simulate_campaign(1, 10, 0.5)
    with pytest.raises(ValueError, match="scale"):
        simulate_campaign(3, 10, 0.5, scale=(5, 1))
    with pytest.raises(ValueError, match="non-negative"):
        simulate_campaign(3, 10, -0.5)
