"""The alert decision: Holm over the whole family, thresholds, min n and consecutive windows."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from rewardkit.monitor import decide


def test_family_is_adjusted_with_holm_like_statsmodels() -> None:
    p = np.array([[0.001, 0.02, 0.3], [0.004, 0.5, 0.01]])
    d = decide(np.ones_like(p), p, np.ones_like(p, bool), [0.0, 0.0], [1, 1], alpha=0.05)
    want = multipletests(p.ravel(), method="holm")[1].reshape(p.shape)
    np.testing.assert_allclose(d.p_adjusted, want)
    assert d.n_tests == 6
    np.testing.assert_array_equal(d.breach, want < 0.05)


def test_untested_windows_leave_the_family() -> None:
    p = np.array([[0.01, 0.01]])
    d = decide([[1.0, 1.0]], p, [[True, False]], [0.0], [1])
    assert d.n_tests == 1
    assert d.p_adjusted[0, 0] == pytest.approx(0.01)
    assert np.isnan(d.p_adjusted[0, 1])
    assert d.breach.tolist() == [[True, False]]


def test_threshold_and_significance_are_both_required() -> None:
    eff = [[0.05, 0.2, 0.2]]
    p = [[1e-9, 0.9, 1e-9]]
    d = decide(eff, p, [[True] * 3], [0.1], [1], method="none")
    assert d.breach.tolist() == [[False, False, True]]


def test_consecutive_breaches_fire_once_per_run() -> None:
    breach_p = [1e-9, 1e-9, 1e-9, 0.9, 1e-9, 1e-9]
    d = decide([[1.0] * 6], [breach_p], [[True] * 6], [0.5], [2], method="none")
    assert d.alert.tolist() == [[False, True, False, False, False, True]]


def test_bh_is_available_and_less_strict_than_holm() -> None:
    p = np.array([[0.01, 0.02, 0.03, 0.04]])
    args = (np.ones_like(p), p, np.ones_like(p, bool), [0.0], [1])
    holm = decide(*args, method="holm")
    bh = decide(*args, method="bh")
    assert holm.breach.sum() == 1  # Holm: 4 x 0.01 = 0.04; then 3 x 0.02 = 0.06
    assert bh.breach.sum() == 4
