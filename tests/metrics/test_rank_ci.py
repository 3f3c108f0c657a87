"""spearman_ci: scipy's point estimate, a seeded CI over units."""

from __future__ import annotations

import numpy as np
from scipy import stats

from rewardkit.metrics import spearman_ci


def test_matches_scipy_and_is_deterministic() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=400)
    y = x + rng.normal(size=400)
    est = spearman_ci(x, np.round(y, 1), n_resamples=500, seed=3)
    assert abs(est.value - stats.spearmanr(x, np.round(y, 1)).statistic) < 1e-12
    assert est.ci_low < est.value < est.ci_high
    assert 0.05 < est.ci_high - est.ci_low < 0.2
    again = spearman_ci(x, np.round(y, 1), n_resamples=500, seed=3)
    assert (again.ci_low, again.ci_high) == (est.ci_low, est.ci_high)
