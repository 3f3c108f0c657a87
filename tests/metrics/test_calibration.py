from __future__ import annotations

import math
from typing import Any

import metrics_reference as ref
import numpy as np
import pytest
from golden_cases import assert_close, floats, load_cases

from rewardkit.metrics import (
    bin_index,
    brier,
    brier_from_counts,
    calibration_sums,
    ece,
    ece_from_counts,
    log_loss,
    log_loss_from_counts,
    preference_probs,
)

CASES = load_cases("metrics_calibration.json")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_calibration(case: dict[str, Any]) -> None:
    exp = case["expected"]
    w = None if case["weights"] is None else floats(case["weights"])
    if "diffs" in case:
        d = floats(case["diffs"])
        probs, labels = preference_probs(d)
        w2 = None if w is None else np.concatenate((w, w))
        assert_close(ece(probs, labels, case["n_bins"], w2), exp["ece"])
        assert_close(brier(probs, labels, w2), exp["brier"])
        assert_close(log_loss(d, w), exp["log_loss"])
        # The per-unit sums (one unit per pair) reproduce the direct values.
        sums = calibration_sums(d, np.arange(d.size), d.size, case["n_bins"], w)
        ones = np.ones((1, d.size))
        assert_close(ece_from_counts(sums, ones), exp["ece"])
        assert_close(brier_from_counts(sums, ones), exp["brier"])
        assert_close(log_loss_from_counts(sums, ones), exp["log_loss"])
    else:
        p, y = floats(case["probs"]), floats(case["labels"])
        assert_close(ece(p, y, case["n_bins"], w), exp["ece"])
        assert_close(brier(p, y, w), exp["brier"])


@pytest.mark.parametrize("seed", range(4))
def test_ece_against_plain_loop(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_bins = [1, 5, 10, 15][seed]
    p = rng.random(300)
    p[:20] = rng.integers(0, n_bins + 1, 20) / n_bins  # exactly on bin edges, 0 and 1 included
    y = (rng.random(300) < p).astype(float)
    w = rng.integers(0, 4, 300).astype(float)
    assert_close(ece(p, y, n_bins), ref.ece(p.tolist(), y.tolist(), n_bins))
    assert_close(ece(p, y, n_bins, w), ref.ece(p.tolist(), y.tolist(), n_bins, w.tolist()))
    assert_close(brier(p, y, w), ref.brier(p.tolist(), y.tolist(), w.tolist()))


def test_preference_probs_orientations_and_stability() -> None:
    p, y = preference_probs([0.0, 1000.0, -1000.0])
    np.testing.assert_array_equal(y, [1, 1, 1, 0, 0, 0])
    np.testing.assert_array_equal(p, [0.5, 1.0, 0.0, 0.5, 0.0, 1.0])
    assert log_loss([-1000.0]) == pytest.approx(1000.0, rel=1e-15)
    assert log_loss([1000.0]) == 0.0
    assert math.isfinite(log_loss([-1e300]))


def test_brier_and_log_loss_are_orientation_symmetric() -> None:
    d = np.random.default_rng(0).normal(size=50)
    p, y = preference_probs(d)
    assert brier(p, y) == pytest.approx(brier(p[:50], y[:50]), abs=1e-12)
    ll_both = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert log_loss(d) == pytest.approx(ll_both, abs=1e-12)


def test_bin_index_edges() -> None:
    np.testing.assert_array_equal(bin_index([0.0, 0.1, 0.5, 0.99, 1.0], 10), [0, 1, 5, 9, 9])
    np.testing.assert_array_equal(bin_index([k / 15 for k in range(16)], 15), [*range(15), 14])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        bin_index([1.5])
    with pytest.raises(ValueError, match="n_bins"):
        bin_index([0.5], 0)


def test_from_counts_equals_metric_on_expanded_resample() -> None:
    rng = np.random.default_rng(1)
    n_units = 40
    n_pairs_unit = rng.integers(1, 4, n_units)
    unit = np.repeat(np.arange(n_units), n_pairs_unit)
    d = rng.normal(0.5, 2.0, unit.size).round(2)
    w = rng.integers(1, 3, unit.size).astype(float)
    sums = calibration_sums(d, unit, n_units, 15, w)
    counts = rng.multinomial(n_units, np.full(n_units, 1 / n_units), size=5).astype(float)
    got = (
        ece_from_counts(sums, counts),
        brier_from_counts(sums, counts),
        log_loss_from_counts(sums, counts),
    )
    for b in range(5):
        reps = counts[b].astype(int)[unit]
        d_b, w_b = np.repeat(d, reps), np.repeat(w, reps)
        p_b, y_b = preference_probs(d_b)
        w2 = np.concatenate((w_b, w_b))
        expected_ece = ref.ece(p_b.tolist(), y_b.tolist(), 15, w2.tolist())
        assert got[0][b] == pytest.approx(expected_ece, abs=1e-9)
        assert got[1][b] == pytest.approx(brier(p_b, y_b, w2), abs=1e-12)
        assert got[2][b] == pytest.approx(log_loss(d_b, w_b), abs=1e-12)


def test_empty_and_zero_weight_are_nan() -> None:
    assert math.isnan(ece([], []))
    assert math.isnan(brier([0.5], [1.0], [0.0]))
    assert math.isnan(log_loss([]))
    sums = calibration_sums([1.0], [0], 2)
    assert math.isnan(ece_from_counts(sums, np.array([[0.0, 2.0]]))[0])
    with pytest.raises(ValueError, match="length"):
        ece([0.5, 0.2], [1.0])
    with pytest.raises(ValueError, match="non-negative"):
        brier([0.5], [1.0], [-1.0])
