"""Robustness gap and domain re-weighting against hand computations."""

from __future__ import annotations

import numpy as np
import pytest

from rewardkit.metrics.domain_shift import domain_weights, reweighted_accuracy, robustness_gap


def test_gap_is_the_difference_of_means_with_a_covering_ci() -> None:
    rng = np.random.default_rng(0)
    a = (rng.random(600) < 0.8).astype(float)
    b = (rng.random(400) < 0.6).astype(float)
    est = robustness_gap(a, b, n_resamples=800, seed=2)
    assert est.value == pytest.approx(a.mean() - b.mean())
    assert est.ci_low < est.value < est.ci_high
    se = np.sqrt(a.var() / a.size + b.var() / b.size)
    assert est.ci_high - est.ci_low == pytest.approx(2 * 1.96 * se, rel=0.2)
    no_gap = robustness_gap(a, a, n_resamples=800)
    assert no_gap.ci_low < 0 < no_gap.ci_high


def test_reweighting_to_equal_domains_is_the_mean_of_domain_means() -> None:
    outcomes = np.array([1, 1, 1, 1, 0, 0, 1, 0], dtype=float)
    domains = ["a"] * 4 + ["b"] * 2 + ["c"] * 2
    est = reweighted_accuracy(outcomes, domains, n_resamples=300)
    assert est.value == pytest.approx((1.0 + 0.0 + 0.5) / 3)
    targeted = reweighted_accuracy(outcomes, domains, {"a": 0.5, "b": 0.5}, n_resamples=300)
    assert targeted.value == pytest.approx(0.5)
    assert domain_weights(domains, {"a": 1.0}).tolist() == [2.0] * 4 + [0.0] * 4
